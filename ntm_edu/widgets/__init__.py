"""ipywidgets explorers: thin shells around the pure renderers of `ntm_edu.viz`.

Every explorer precomputes what its sliders scrub through, then redraws only a PNG
(`Explorer` below), so the picture follows the hand. One module per topic, re-exported here.
"""

from ntm_edu.widgets.base import Explorer, with_static_fallback

__all__ = ["Explorer", "with_static_fallback"]

from ntm_edu.widgets.sequences import *  # noqa: E402,F401,F403
from ntm_edu.widgets.sequences import __all__ as _sequences_all  # noqa: E402

__all__ += list(_sequences_all)

from ntm_edu.widgets.memory import *  # noqa: E402,F401,F403
from ntm_edu.widgets.memory import __all__ as _memory_all  # noqa: E402

__all__ += list(_memory_all)

from ntm_edu.widgets.algorithmic import *  # noqa: E402,F401,F403
from ntm_edu.widgets.algorithmic import __all__ as _algorithmic_all  # noqa: E402

__all__ += list(_algorithmic_all)

from ntm_edu.widgets.training import *  # noqa: E402,F401,F403
from ntm_edu.widgets.training import __all__ as _training_all  # noqa: E402

__all__ += list(_training_all)

from ntm_edu.widgets.ngrams import *  # noqa: E402,F401,F403
from ntm_edu.widgets.ngrams import __all__ as _ngrams_all  # noqa: E402

__all__ += list(_ngrams_all)
