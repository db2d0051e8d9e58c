"""Matplotlib figure builders: pure functions from plain arrays to `matplotlib.figure.Figure`.

Nothing here imports torch or the rest of the package; callers pass NumPy arrays (or anything
`numpy.asarray` accepts). Figures are built without pyplot, so no global state leaks between
calls and a widget can render them off-screen. Darker means larger (1 = black), as in the paper.

One module per topic, all re-exported here.
"""

from ntm_edu.viz.base import *  # noqa: F401,F403
from ntm_edu.viz.base import __all__ as _base_all

__all__ = list(_base_all)

from ntm_edu.viz.diagram import *  # noqa: E402,F401,F403
from ntm_edu.viz.diagram import __all__ as _diagram_all  # noqa: E402
from ntm_edu.viz.sequences import *  # noqa: E402,F401,F403
from ntm_edu.viz.sequences import __all__ as _sequences_all  # noqa: E402

__all__ += list(_diagram_all) + list(_sequences_all)

from ntm_edu.viz.memory import *  # noqa: E402,F401,F403
from ntm_edu.viz.memory import __all__ as _memory_all  # noqa: E402

__all__ += list(_memory_all)

from ntm_edu.viz.algorithmic import *  # noqa: E402,F401,F403
from ntm_edu.viz.algorithmic import __all__ as _algorithmic_all  # noqa: E402

__all__ += list(_algorithmic_all)

from ntm_edu.viz.training import *  # noqa: E402,F401,F403
from ntm_edu.viz.training import __all__ as _training_all  # noqa: E402

__all__ += list(_training_all)

from ntm_edu.viz.ngrams import *  # noqa: E402,F401,F403
from ntm_edu.viz.ngrams import __all__ as _ngrams_all  # noqa: E402

__all__ += list(_ngrams_all)
