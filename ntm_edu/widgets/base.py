"""`Explorer`: controls + a pure render function + an image that follows the controls."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from ntm_edu.viz.base import animation_html, figure_to_png, small_multiples

__all__ = ["Explorer"]


class Explorer(widgets.VBox):
    """A row of controls above an image redrawn by `render(**values)` whenever a control moves.

    Args:
        render: pure function of the control values returning a matplotlib `Figure`
            (or PNG bytes). Keep it cheap: precompute heavy work before building the explorer.
        controls: name -> ipywidget whose `.value` is passed to `render` under that name.
        title: a short caption; also the explorer's plain-text repr, so stored notebook
            outputs stay stable (the widget's own repr holds volatile ids and image bytes).

    Tests drive an explorer without a browser: set `explorer.controls["x"].value = ...` and
    read `explorer.image.value` (PNG bytes) or `explorer.last_render_ms`.
    """

    def __init__(
        self,
        render: Callable[..., Figure | bytes],
        controls: Mapping[str, widgets.Widget],
        title: str = "",
        extra: widgets.Widget | None = None,
    ):
        self.render_function = render
        self.controls = dict(controls)
        self.title = title
        self.image = widgets.Image(format="png")
        self.last_render_ms = 0.0
        control_box = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        children: list[widgets.Widget] = []
        if title:
            children.append(widgets.HTML(f"<b>{title}</b>"))
        children.append(control_box)
        if extra is not None:
            children.append(extra)
        children.append(self.image)
        super().__init__(children)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def render(self, **overrides: Any) -> Figure | bytes:
        """Call the pure renderer with the current values, some replaced by `overrides`."""
        return self.render_function(**{**self.values, **overrides})

    def redraw(self) -> None:
        start = time.perf_counter()
        picture = self.render()
        self.image.value = picture if isinstance(picture, bytes) else figure_to_png(picture)
        self.last_render_ms = (time.perf_counter() - start) * 1000

    def _on_change(self, _change: Any) -> None:
        self.redraw()

    # --- static fallbacks for handouts -------------------------------------------------
    def small_multiples(self, name: str, values: list[Any]) -> str:
        """HTML grid of the frames seen when control `name` takes each of `values`."""
        return small_multiples(lambda v: self._figure(**{name: v}), values,
                               [f"{name} = {v}" for v in values])

    def animation(self, name: str, values: list[Any], interval_ms: int = 400) -> str:
        """Self-contained JS animation of control `name` moving through `values`."""
        return animation_html(lambda v: self._figure(**{name: v}), values, interval_ms)

    def _figure(self, **overrides: Any) -> Figure:
        picture = self.render(**overrides)
        if isinstance(picture, bytes):
            raise TypeError("static fallbacks need a render function that returns a Figure")
        return picture

    def __repr__(self) -> str:
        names = ", ".join(self.controls)
        return f"<{self.title or type(self).__name__}: controls {names}>"
