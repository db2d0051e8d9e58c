"""Keys of notebook outputs shared by the widgets and the editions/handouts builders.

Here, not in `widgets/`, so that building handouts and student copies needs neither the
widgets nor ipywidgets.
"""

__all__ = ["STATIC_FALLBACK_KEY", "WIDGET_VIEW"]

# Output-metadata key holding the static HTML fallback of a widget view.
STATIC_FALLBACK_KEY = "ntm_edu/static_fallback"
# The MIME type of a live widget view in a notebook output.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
