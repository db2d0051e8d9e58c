"""ipywidgets explorers: thin shells around the figure builders of `ntm_edu.viz`.

Every explorer precomputes what its sliders scrub through (models run in
`ntm_edu.inspection`, never on a slider move), then redraws only a PNG (`Explorer` below),
so the picture follows the hand. One module a kind of figure, mirroring `ntm_edu.viz`:
`episodes`, `diagram`, `memory`, `addressing`, `head_activity` (the Fig. 6 explorers),
`predictions` (generalisation, task settings), `snapshot`, `ngrams`, `sorting`; all
re-exported here. Widgets import `viz`, `inspection` and the model's pure functions (read,
write, address), never the training loop.
"""

from ntm_edu.widgets import (
    addressing,
    base,
    diagram,
    episodes,
    head_activity,
    memory,
    ngrams,
    predictions,
    snapshot,
    sorting,
)
from ntm_edu.widgets.addressing import *  # noqa: F401,F403
from ntm_edu.widgets.base import Explorer, PlotExplorer, with_static_fallback
from ntm_edu.widgets.diagram import *  # noqa: F401,F403
from ntm_edu.widgets.episodes import *  # noqa: F401,F403
from ntm_edu.widgets.head_activity import *  # noqa: F401,F403
from ntm_edu.widgets.memory import *  # noqa: F401,F403
from ntm_edu.widgets.ngrams import *  # noqa: F401,F403
from ntm_edu.widgets.predictions import *  # noqa: F401,F403
from ntm_edu.widgets.snapshot import *  # noqa: F401,F403
from ntm_edu.widgets.sorting import *  # noqa: F401,F403

_MODULES = (episodes, diagram, memory, addressing, head_activity, predictions, snapshot,
            ngrams, sorting)  # fmt: skip
__all__ = ["Explorer", "PlotExplorer", "with_static_fallback"]
__all__ += [name for module in _MODULES for name in module.__all__]
del base
