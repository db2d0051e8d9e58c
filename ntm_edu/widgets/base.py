"""`Explorer`: controls + a pure render function + an image that follows the controls, and
`PlotExplorer`, which redraws by updating a plot built once (blitting).

Static fallbacks: a live widget needs a kernel, so a saved notebook, GitHub, or an HTML or PDF
handout would show nothing where the explorer was. When a notebook displays an explorer it
therefore also publishes a small static picture of what the sliders do (a grid of a few frames,
or a JavaScript animation of them) in the display output's *metadata* under
`STATIC_FALLBACK_KEY`. Metadata is invisible to JupyterLab and ignored by strict nbval (it never
compares output metadata), so the fallback's PNG bytes, which depend on the freetype and zlib a
matplotlib build links against, cannot make a notebook test fail on another machine.
`ntm_edu.handouts` swaps it in for the widget view when it builds HTML, PDF and ipynb handouts.
Composite widgets (several explorers in a box) get one with `with_static_fallback`.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ntm_edu._notebook_keys import STATIC_FALLBACK_KEY, WIDGET_VIEW
from ntm_edu.viz.base import animation_html, figure_to_png_fast, small_multiples

__all__ = [
    "SLIDER",
    "STATIC_FALLBACK_KEY",
    "Explorer",
    "PlotExplorer",
    "check_index",
    "float_slider",
    "int_slider",
    "selection_slider",
    "with_static_fallback",
]

FALLBACK_FRAMES = 4  # frames in an automatic fallback: enough to see the trend, small on disk
# The smallest text in the figures is 7 pt (row labels, printed bits): at 96 dpi that is 9.3 px,
# readable on screen and paper (60 dpi gave ~5 px). A frame is ~15-40 kB.
FALLBACK_DPI = 96
SMALLEST_FONT_PT = 7
FALLBACK_STYLES = ("grid", "animation")

# ipywidgets 8 displays a widget through `_repr_mimebundle_`; the 7.x line (Colab's) through
# `_ipython_display_`, which builds the same bundle inline. Both are supported.
MIMEBUNDLE_DISPLAY = hasattr(widgets.Widget, "_repr_mimebundle_")


def _plain_bundle(widget: widgets.Widget) -> dict[str, Any]:
    """The bundle ipywidgets 7's `_ipython_display_` publishes for `widget`."""
    return {
        "text/plain": repr(widget),
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": widget._model_id},
    }


def _display_with_bundle(widget: widgets.Widget, **kwargs: Any) -> None:
    """ipywidgets 7: display `widget` from its `_repr_mimebundle_` (fallback metadata included)."""
    from IPython.display import display

    bundle = widget._repr_mimebundle_()
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    display(data, metadata=metadata, raw=True)
    widget._handle_displayed(**kwargs)


def _bundle_with_fallback(
    data: dict[str, Any], fallback_html: str | None
) -> dict[str, Any] | tuple[dict[str, Any], dict[str, Any]]:
    if fallback_html is None or WIDGET_VIEW not in data:
        return data
    return data, {STATIC_FALLBACK_KEY: {"text/html": fallback_html}}


def with_static_fallback(
    widget: widgets.Widget, fallback: str | Callable[[], str]
) -> widgets.Widget:
    """Attach a static HTML fallback to any widget (e.g. a box of explorers) and return it.

    Args:
        widget: the widget a notebook displays.
        fallback: the HTML, or a function computing it when the widget is displayed.

    Returns:
        The same widget; displaying it stores `fallback` in the output metadata (see module doc).
    """
    original = getattr(widget, "_repr_mimebundle_", None) or (lambda **_: _plain_bundle(widget))

    def bundle(**kwargs: Any) -> Any:
        html = fallback() if callable(fallback) else fallback
        return _bundle_with_fallback(original(**kwargs), html)

    widget._repr_mimebundle_ = bundle
    if not MIMEBUNDLE_DISPLAY:
        widget._ipython_display_ = lambda **kwargs: _display_with_bundle(widget, **kwargs)
    return widget


# Every slider of the course: redraw while dragging, and a label never cut short.
SLIDER = dict(continuous_update=True, style={"description_width": "initial"})
LABEL_PX_PER_CHAR = 7  # a description character in JupyterLab's 13 px UI font, generously
TRACK_AND_READOUT_PX = 230  # the slider track (~140 px) plus its numeric readout


def slider_width(description: str) -> str:
    """A slider width that leaves a usable track (~140 px) beside a full-width label."""
    return f"{max(260, LABEL_PX_PER_CHAR * len(description) + TRACK_AND_READOUT_PX)}px"


def int_slider(
    description: str, value: int, low: int, high: int, width: str | None = None
) -> widgets.IntSlider:
    """An `IntSlider` over [low, high] with the course's settings (`SLIDER`)."""
    return widgets.IntSlider(value=value, min=low, max=high, description=description,
                             layout=widgets.Layout(width=width or slider_width(description)),
                             **SLIDER)  # fmt: skip


def float_slider(
    description: str, value: float, low: float, high: float, step: float
) -> widgets.FloatSlider:
    """A `FloatSlider` over [low, high] in steps of `step`, with the course's settings."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step,
                               description=description, readout_format=".2f",
                               layout=widgets.Layout(width=slider_width(description)),
                               **SLIDER)  # fmt: skip


def selection_slider(
    description: str, options: Sequence[Any], value: Any, width: str | None = None
) -> widgets.SelectionSlider:
    """A `SelectionSlider` over `options` with the course's settings (`SLIDER`)."""
    return widgets.SelectionSlider(options=list(options), value=value, description=description,
                                   layout=widgets.Layout(width=width or slider_width(description)),
                                   **SLIDER)  # fmt: skip


def check_index(name: str, value: Any, low: int, high: int) -> int:
    """`value` as an int in [low, high] (not a bool), else a ValueError naming `name`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def _spread(items: Sequence[Any], count: int) -> list[Any]:
    if len(items) <= count:
        return list(items)
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def spread_indices(count: int, frames: int = 6) -> list[int]:
    """`frames` indices spread evenly over 0..count-1 (all of them if there are fewer)."""
    return sorted(set(_spread(range(count), frames)))


def fallback_values(control: widgets.Widget, count: int = FALLBACK_FRAMES) -> list[Any]:
    """A few representative values of a control, evenly spread over its range, in order.

    Selection widgets give their options, sliders `count` values from min to max on the step
    grid, checkboxes both states; anything else only its current value.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    value = control.value
    options = getattr(control, "_options_values", None)
    if options is not None:
        return _spread(list(options), count)
    if isinstance(value, bool):
        return [False, True] if count > 1 else [value]
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is None or high is None or isinstance(value, tuple) or count == 1:
        return [value]
    base = getattr(control, "base", None)  # FloatLogSlider: min/max are exponents
    step = getattr(control, "step", None) or (high - low) / max(count - 1, 1)
    positions = [low + (high - low) * i / (count - 1) for i in range(count)]
    positions = [min(high, low + round((p - low) / step) * step) for p in positions]
    if isinstance(value, int):
        points = [int(p) for p in positions]
    else:
        points = [round(base**p if base else p, 10) for p in positions]
    unique: list[Any] = []
    for point in points:
        if not any(math.isclose(point, seen) for seen in unique):
            unique.append(point)
    return unique


def _label(name: str, value: Any) -> str:
    return f"{name} = {value:.4g}" if isinstance(value, float) else f"{name} = {value}"


class Explorer(widgets.VBox):
    """A row of controls above an image redrawn by `render(**values)` whenever a control moves.

    Args:
        render: pure function of the control values returning a matplotlib `Figure`
            (or PNG bytes). Keep it cheap: precompute heavy work before building the explorer.
        controls: name -> ipywidget whose `.value` is passed to `render` under that name.
        title: a short caption; also the explorer's plain-text repr, so stored notebook
            outputs stay stable (the widget's own repr holds volatile ids and image bytes).
        extra: an optional widget shown between the controls and the image.
        fallback: the static view published for handouts when the explorer is displayed:
            `(control_name, values)` or `(control_name, values, "grid" | "animation")`;
            None (default) spreads `FALLBACK_FRAMES` values of the first control; False
            publishes none (then wrap the explorer with `with_static_fallback` yourself).

    Tests drive an explorer without a browser: set `explorer.controls["x"].value = ...` and
    read `explorer.image.value` (PNG bytes) or `explorer.last_render_ms`.
    """

    def __init__(
        self,
        render: Callable[..., Figure | bytes],
        controls: Mapping[str, widgets.Widget],
        title: str = "",
        extra: widgets.Widget | None = None,
        fallback: tuple | None | bool = None,
    ):
        self.render_function = render
        self.controls = dict(controls)
        self.title = title
        self.fallback = self._check_fallback(fallback)
        self.image = widgets.Image(format="png")
        self.last_render_ms = 0.0
        self._fallback_cache: dict[str, str] = {}
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

    def _check_fallback(self, fallback: tuple | None | bool) -> tuple | None | bool:
        if fallback is None or fallback is False:
            return fallback
        if fallback is True:
            return None
        if not isinstance(fallback, tuple | list) or len(fallback) not in (2, 3):
            raise ValueError(
                "fallback must be (control_name, values) or (control_name, values, style), "
                f"got {fallback!r}"
            )
        name, values, *style = fallback
        if name not in self.controls:
            raise ValueError(f"fallback control {name!r} is not one of {list(self.controls)}")
        if not values:
            raise ValueError("fallback needs at least one value")
        if style and style[0] not in FALLBACK_STYLES:
            raise ValueError(f"fallback style must be one of {FALLBACK_STYLES}, got {style[0]!r}")
        return (name, list(values), style[0] if style else "grid")

    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def render(self, **overrides: Any) -> Figure | bytes:
        """Call the pure renderer with the current values, some replaced by `overrides`."""
        return self.render_function(**{**self.values, **overrides})

    def redraw(self) -> None:
        start = time.perf_counter()
        picture = self.render()
        self.image.value = picture if isinstance(picture, bytes) else figure_to_png_fast(picture)
        self.last_render_ms = (time.perf_counter() - start) * 1000

    def _on_change(self, _change: Any) -> None:
        self.redraw()

    # --- static fallbacks for handouts -------------------------------------------------
    def small_multiples(self, name: str, values: list[Any], dpi: int | None = None) -> str:
        """HTML grid of the frames seen when control `name` takes each of `values`."""
        return small_multiples(
            lambda v: self.render(**{name: v}), values, [_label(name, v) for v in values], dpi
        )

    def animation(
        self, name: str, values: list[Any], interval_ms: int = 400, dpi: int | None = None
    ) -> str:
        """Self-contained JS animation of control `name` moving through `values`."""
        return animation_html(
            lambda v: self.render(**{name: v}),
            values,
            interval_ms,
            [_label(name, v) for v in values],
            dpi,
        )

    def static_fallback(self) -> str | None:
        """The HTML published with the widget view (see the module docstring), or None."""
        if self.fallback is False or not self.controls:
            return None
        if self.fallback is None:
            name = next(iter(self.controls))
            values, style = fallback_values(self.controls[name]), "grid"
        else:
            name, values, style = self.fallback
        key = repr((self.values, name, values, style))
        if key not in self._fallback_cache:
            if style == "animation":
                body = self.animation(name, values, dpi=FALLBACK_DPI)
            else:
                body = self.small_multiples(name, values, dpi=FALLBACK_DPI)
            caption = (
                f"<div style='font-size:85%;color:#555'><b>{self.title or 'Explorer'}</b>"
                f" (static view of the slider <code>{name}</code>;"
                " run the notebook to move it yourself)</div>"
            )
            self._fallback_cache = {key: f"<div class='ntm-edu-fallback'>{caption}{body}</div>"}
        return self._fallback_cache[key]

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        parent = getattr(super(), "_repr_mimebundle_", None)
        data = parent(**kwargs) if parent is not None else _plain_bundle(self)
        try:
            fallback_html = self.static_fallback()
        except Exception as error:  # a broken fallback must not hide the live widget
            warnings.warn(f"{self!r}: no static fallback ({error})", stacklevel=2)
            fallback_html = None
        return _bundle_with_fallback(data, fallback_html)

    if not MIMEBUNDLE_DISPLAY:  # ipywidgets 7: publish the fallback metadata there too

        def _ipython_display_(self, **kwargs: Any) -> None:
            _display_with_bundle(self, **kwargs)

    def __repr__(self) -> str:
        names = ", ".join(self.controls)
        return f"<{self.title or type(self).__name__}: controls {names}>"


class PlotExplorer(Explorer):
    """An `Explorer` whose redraw updates a plot built once (one per `key`) and blits it.

    Laying out a figure costs ~100x a blit, so the plot (a `ntm_edu.viz.base.LivePlot`) is
    built on first use and then only updated. Subclasses define `compute(**values) -> state`,
    `_make_plot(key, dpi)`, `_show(plot, state)` and `_static(state) -> Figure` (the pure
    renderer: an ordinary figure, for tests and notebook cells), and `_key(state)` when
    different states need differently built plots (default: one plot). A redraw keeps the
    arrays it showed in `self.state` and its plot in `self.plot`. `render(**overrides)`
    (static fallbacks, handouts) draws the overridden values on separate plots at the
    fallback resolution and leaves `state` alone.
    """

    state: dict[str, Any]

    def _init_explorer(
        self,
        controls: dict[str, widgets.Widget],
        title: str,
        fallback: Any = None,
    ) -> None:
        self.state = {}
        self._plots: dict[tuple[Any, Any], Any] = {}

        def static(**values: Any) -> Figure:
            return self._static(self.compute(**values))

        Explorer.__init__(self, static, controls, title=title, fallback=fallback)

    def _plot(self, key: Any, dpi: float | None) -> Any:
        if (key, dpi) not in self._plots:
            self._plots[(key, dpi)] = self._make_plot(key, dpi)
        return self._plots[(key, dpi)]

    def render(self, **overrides: Any) -> Figure | bytes:
        state = self.compute(**{**self.values, **overrides})
        plot = self._plot(self._key(state), FALLBACK_DPI if overrides else None)
        self._show(plot, state)
        if not overrides:
            self.state = state
            self.plot = plot
        return plot.png()

    # Subclass interface -------------------------------------------------------------------
    def compute(self, **values: Any) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _key(self, state: dict[str, Any]) -> Any:
        return None

    def _make_plot(self, key: Any, dpi: float | None) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _show(self, plot: Any, state: dict[str, Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _static(self, state: dict[str, Any]) -> Figure:  # pragma: no cover - abstract
        raise NotImplementedError
