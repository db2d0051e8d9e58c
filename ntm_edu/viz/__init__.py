"""Matplotlib figure builders: pure functions from plain arrays to `matplotlib.figure.Figure`.

Nothing here imports torch or the rest of the package; callers pass NumPy arrays (or anything
`numpy.asarray` accepts; `ntm_edu.inspection` turns a model's run into them). Figures are
built without pyplot, so no global state leaks between calls and a widget can render them
off-screen. Darker means larger (1 = black), as in the paper.

One module a kind of figure, one builder a kind, all re-exported here:

==================  ====================================================================
module              figures
==================  ====================================================================
`curves`            learning curves (`learning_curves_figure`), cost against a test
                    setting, wrong bits by output position
`episodes`          a task's episode (inputs above targets), N-gram predictions, the prior
`predictions`       targets above each model's outputs (`prediction_figure`), and one such
                    pair per test length (`generalisation_figure`)
`memory`            the memory matrix, weighting bars, one write and one read
`addressing`        one head's addressing pipeline, stage by stage (Fig. 2)
`head_activity`     the heads over time, the paper's Fig. 6 (`head_activity_figure`)
`weightings`        numbers read off weightings: `location_window`, `focus_path`, ...
`snapshot`          one probe snapshot of a training run
`ngram_inference`,  dynamic N-grams: the inference figure (Fig. 14) and the numbers of
`ngrams`            memory use per context (Fig. 15)
`sorting`           priority sort: write location against priority (Fig. 17)
`diagram`           the architecture diagram (Fig. 1)
`base`              shared primitives: heatmaps, model colours, PNG, `LivePlot`
==================  ====================================================================

Naming: a function that returns a new Figure is called `*_figure`; a class `*Plot` builds
its figure once and `update`s its artists (with ``live=True`` it blits, for explorers), and
its static twin is the `*_figure` of the same name. Smoothing has one rule,
`moving_average`: the mean of each point and the ones before it, the same length as the
curve.
"""

from ntm_edu.viz import (
    addressing,
    base,
    curves,
    diagram,
    episodes,
    head_activity,
    memory,
    ngram_inference,
    ngrams,
    predictions,
    snapshot,
    sorting,
    weightings,
)
from ntm_edu.viz.addressing import *  # noqa: F401,F403
from ntm_edu.viz.base import *  # noqa: F401,F403
from ntm_edu.viz.curves import *  # noqa: F401,F403
from ntm_edu.viz.diagram import *  # noqa: F401,F403
from ntm_edu.viz.episodes import *  # noqa: F401,F403
from ntm_edu.viz.head_activity import *  # noqa: F401,F403
from ntm_edu.viz.memory import *  # noqa: F401,F403
from ntm_edu.viz.ngram_inference import *  # noqa: F401,F403
from ntm_edu.viz.ngrams import *  # noqa: F401,F403
from ntm_edu.viz.predictions import *  # noqa: F401,F403
from ntm_edu.viz.snapshot import *  # noqa: F401,F403
from ntm_edu.viz.sorting import *  # noqa: F401,F403
from ntm_edu.viz.weightings import *  # noqa: F401,F403

_MODULES = (base, diagram, episodes, curves, predictions, memory, addressing, head_activity,
            weightings, snapshot, ngram_inference, ngrams, sorting)  # fmt: skip
__all__ = [name for module in _MODULES for name in module.__all__]
