"""ipywidgets explorers: thin shells around the pure renderers of `ntm_edu.viz`.

Every explorer precomputes what its sliders scrub through, then redraws only a PNG
(`Explorer` below), so the picture follows the hand. One module per topic, re-exported here.
"""

from ntm_edu.widgets.base import Explorer, with_static_fallback

__all__ = ["Explorer", "with_static_fallback"]
