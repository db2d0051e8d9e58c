"""Matplotlib figure builders: pure functions from plain arrays to `matplotlib.figure.Figure`.

Nothing here imports torch or the rest of the package; callers pass NumPy arrays (or anything
`numpy.asarray` accepts). Figures are built without pyplot, so no global state leaks between
calls and a widget can render them off-screen. Darker means larger (1 = black), as in the paper.

One module per topic, all re-exported here.
"""

from ntm_edu.viz.base import *  # noqa: F401,F403
from ntm_edu.viz.base import __all__ as _base_all

__all__ = list(_base_all)
