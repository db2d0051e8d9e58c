"""Shared drawing primitives: grayscale heatmaps, one colour per model, figure -> PNG, static
fallbacks of sliders, input checks, and `LivePlot` (the blitting base of every explorer plot)."""

from __future__ import annotations

import base64
import hashlib
import html
import inspect
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

__all__ = [
    "LiveFigure",
    "LivePlot",
    "MODEL_COLORS",
    "ERROR_COLOR",
    "check_array",
    "check_mask",
    "check_probabilities",
    "location_ticks",
    "update_arguments",
    "tint_steps",
    "wrong_bits",
    "model_color",
    "new_figure",
    "heatmap",
    "encode_png",
    "figure_to_png",
    "figure_to_png_fast",
    "small_multiples",
    "animation_html",
]

GRAY = "Greys"  # 0 = white, 1 = black: the paper's convention
# One colour per model in every figure of the series (curves, bars, scatters).
MODEL_COLORS = {"NTM": "#1f77b4", "LSTM": "#ff7f0e", "NTM-FF": "#2ca02c"}
EXTRA_COLORS = ("#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
MEMORY_CMAP = "RdBu_r"  # memory can be negative: red > 0, white = 0, blue < 0


def model_color(label: str, index: int = 0) -> str:
    """The colour of `label`: its model's ("NTM (ours)" is the NTM's, "NTM (FF)" the NTM-FF's),
    else the `index`-th extra colour."""
    name = label.upper().replace(" (FF)", "-FF")
    for model in ("NTM-FF", "NTM", "LSTM"):  # NTM-FF first: it also starts with "NTM"
        if name == model or name.startswith(model + " ") or name.startswith(model + ","):
            return MODEL_COLORS[model]
    return EXTRA_COLORS[index % len(EXTRA_COLORS)]


def new_figure(width: float = 8.0, height: float = 3.0, **kwargs: Any) -> Figure:
    """A pyplot-free figure (so nothing is shown twice and no global state leaks)."""
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def heatmap(
    ax: Any,
    values: Any,
    *,
    row_labels: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = "time step",
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    cmap: str = GRAY,
    colorbar: bool = False,
) -> Any:
    """Draw a (rows, columns) array as a grayscale image: darker = larger, one column per step.

    Returns the `AxesImage`, whose `set_data` lets a widget redraw only the pixels.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D array (rows, steps), got shape {values.shape}")
    image = ax.imshow(
        values, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    if row_labels is not None:
        if len(row_labels) != values.shape[0]:
            raise ValueError(f"{len(row_labels)} row labels for {values.shape[0]} rows")
        ax.set_yticks(range(len(row_labels)), labels=list(row_labels), fontsize=7)
    if title:
        ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
    return image


def figure_to_png(figure: Figure, dpi: int | None = None) -> bytes:
    """Render a figure to PNG bytes (what an `ipywidgets.Image` shows).

    The PNG carries no "Software" text chunk, so its bytes depend on the pixels only, not on
    the matplotlib version that drew them.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def encode_png(rgba: Any) -> bytes:
    """PNG bytes of an (H, W, 4) uint8 RGBA buffer, quickly: zlib level 1 (the pictures are
    flat colours, so the file stays small) encodes several times faster than the default."""
    from PIL import Image  # matplotlib depends on Pillow

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba)).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def figure_to_png_fast(figure: Figure) -> bytes:
    """A figure as PNG bytes at its own dpi, for explorers: one Agg draw and a fast encoding
    (`savefig` costs ~40 ms more a frame on the course machine)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return encode_png(canvas.buffer_rgba())


def _png(picture: Figure | bytes, dpi: int | None) -> bytes:
    return picture if isinstance(picture, bytes) else figure_to_png(picture, dpi=dpi)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def small_multiples(
    render: Callable[[Any], Figure | bytes],
    values: Sequence[Any],
    labels: Sequence[str] | None = None,
    dpi: int | None = None,
) -> str:
    """Static fallback of a slider: an HTML grid of the frames `render(value)` draws.

    Used by handouts so a printed or offline page still shows what the slider shows.

    Args:
        render: value -> `Figure` (or PNG bytes), one frame per value.
        values: the slider positions to show, in order.
        labels: one caption per value (default `str(value)`).
        dpi: resolution of the frames (default: the figure's own; handouts use a low one).

    Returns:
        Self-contained HTML (images inlined as base64 data URIs; no script).
    """
    labels = [str(v) for v in values] if labels is None else list(labels)
    if len(labels) != len(values):
        raise ValueError(f"small_multiples got {len(labels)} labels for {len(values)} values")
    cells = []
    for value, label in zip(values, labels, strict=True):
        cells.append(
            "<figure style='margin:4px'>"
            f"<img src='{_data_uri(_png(render(value), dpi))}' alt='{html.escape(label)}'"
            " style='max-width:100%'/>"
            "<figcaption style='text-align:center;font-size:85%'>"
            f"{html.escape(label)}</figcaption></figure>"
        )
    return "<div style='display:flex;flex-wrap:wrap'>" + "".join(cells) + "</div>"


def animation_html(
    render: Callable[[Any], Figure | bytes],
    values: Sequence[Any],
    interval_ms: int = 400,
    labels: Sequence[str] | None = None,
    dpi: int | None = None,
) -> str:
    """Static fallback of a slider as a self-contained JavaScript animation.

    One `<img>` shows the first frame (what a printout or a page without JavaScript shows);
    a range input and a play button swap in the other frames. The element ids derive from the
    frames' bytes, so the same frames always give the same HTML (no random ids).

    Args:
        render: value -> `Figure` (or PNG bytes), one frame per value.
        values: the slider positions to animate through, in order.
        interval_ms: milliseconds per frame when playing (at least 1).
        labels: one caption per value (default `str(value)`).
        dpi: resolution of the frames (default: the figure's own).

    Returns:
        HTML with an inline script; no external resources.
    """
    if interval_ms < 1:
        raise ValueError(f"interval_ms must be at least 1, got {interval_ms}")
    if not values:
        raise ValueError("animation_html needs at least one value")
    labels = [str(v) for v in values] if labels is None else list(labels)
    if len(labels) != len(values):
        raise ValueError(f"animation_html got {len(labels)} labels for {len(values)} values")
    frames = [_data_uri(_png(render(value), dpi)) for value in values]
    uid = "ntm-anim-" + hashlib.sha1("".join(frames + labels).encode()).hexdigest()[:12]
    last = len(frames) - 1
    return (
        f"<div id='{uid}' style='display:inline-block'>"
        f"<img src='{frames[0]}' alt='{html.escape(labels[0])}' style='max-width:100%'/>"
        "<div style='font-size:85%'>"
        "<button type='button'>&#9654;</button> "
        f"<input type='range' min='0' max='{last}' value='0' step='1'/> "
        f"<span>{html.escape(labels[0])}</span></div>"
        "<script>(function(){"
        f"var root=document.getElementById('{uid}');"
        f"var frames={json.dumps(frames)};var labels={json.dumps(labels)};"
        "var img=root.querySelector('img'),range=root.querySelector('input'),"
        "label=root.querySelector('span'),button=root.querySelector('button'),timer=null;"
        "function show(i){img.src=frames[i];img.alt=labels[i];range.value=i;"
        "label.textContent=labels[i];}"
        "range.oninput=function(){show(+range.value);};"
        "button.onclick=function(){if(timer){clearInterval(timer);timer=null;return;}"
        "timer=setInterval(function(){var i=(+range.value+1)%frames.length;show(i);"
        f"if(i==={last}){{clearInterval(timer);timer=null;}}}},{int(interval_ms)});}};"
        "})();</script></div>"
    )


# --- input checks ----------------------------------------------------------------------------


def check_array(
    name: str, value: Any, ndim: int, shape: Sequence[int | None] | None = None
) -> np.ndarray:
    """`value` as a finite float array of `ndim` dimensions (and `shape`; None = any size)."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a numeric array, got {type(value).__name__}") from error
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}")
    if shape is not None:
        for got, want in zip(array.shape, shape, strict=True):
            if want is not None and got != want:
                raise ValueError(f"{name} must have shape {_shape_text(shape)}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf")
    return array


def _shape_text(shape: Sequence[int | None]) -> str:
    text = ", ".join("any" if s is None else str(s) for s in shape)
    return f"({text},)" if len(shape) == 1 else f"({text})"


def update_arguments(plot_class: type, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The arguments of `plot_class.update`, bound by name: a static `*_figure` twin takes
    exactly what its plot's `update` takes, so the parameter list is written once."""
    bound = inspect.signature(plot_class.update).bind(None, *args, **kwargs)
    bound.apply_defaults()
    return {name: value for name, value in list(bound.arguments.items())[1:]}


def check_mask(mask: Any, steps: int) -> np.ndarray:
    """[T] bool scored steps (None: every step is scored)."""
    if mask is None:
        return np.ones(steps, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != (steps,):
        raise ValueError(f"mask must have shape ({steps},), got {mask.shape}")
    return mask


def check_probabilities(name: str, values: np.ndarray) -> np.ndarray:
    """`values` unchanged if they lie in [0, 1]: outputs are drawn as probabilities."""
    if values.size and (values.min() < -1e-6 or values.max() > 1 + 1e-6):
        raise ValueError(f"{name} must be probabilities in [0, 1] (apply the sigmoid to logits)")
    return values


# --- marks shared by the figures -------------------------------------------------------------

ERROR_COLOR = "#d62728"  # a wrong bit (output on the wrong side of 0.5), a time cursor
UNSCORED_TINT = "#9ecae1"  # steps that are not scored (the input phase)


def wrong_bits(targets: np.ndarray, outputs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """[K, 2] (time, channel) of the scored bits whose output is on the wrong side of 0.5."""
    wrong = ((outputs > 0.5) != (targets > 0.5)) & mask[:, None]  # (T, O)
    times, channels = np.nonzero(wrong)
    return np.column_stack([times, channels]).astype(float)


def tint_steps(ax: Any, tinted: np.ndarray) -> None:
    """Tint the runs of time steps where `tinted` [T] is True (columns of a heatmap)."""
    start = None
    for t, on in enumerate(list(tinted) + [False]):
        if on and start is None:
            start = t
        elif not on and start is not None:
            ax.axvspan(start - 0.5, t - 0.5, color=UNSCORED_TINT, alpha=0.3, lw=0)
            start = None


def location_ticks(ax: Any, locations: np.ndarray) -> None:
    """Label the rows of an image that shows `locations` (in ring order) with their indices."""
    count = len(locations)
    step = max(1, int(np.ceil(count / 6)))
    ax.yaxis.set_major_locator(FixedLocator(list(range(0, count, step))))
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda y, _pos: str(int(locations[int(round(y))])) if 0 <= y < count else "")
    )


# --- plots whose artists are updated in place (explorers) ------------------------------------


class LivePlot:
    """A figure built once whose changing artists are redrawn on top of a cached background.

    Subclasses create their artists through `_track` and call `_finish` at the end of
    `__init__`. With ``live=False`` it is an ordinary figure (`update` returns it, ready for a
    notebook cell or `savefig`); with ``live=True`` `png()` blits.

    Artists tracked with ``overlay=True`` (a time cursor, say) are drawn on a second cached
    layer: while `update` leaves `_data_changed` False, `png()` restores the background *with*
    the data artists already drawn and redraws only the overlay.
    """

    def __init__(self, live: bool, width: float, height: float, dpi: float | None = None):
        self.live = live
        self.figure = (
            new_figure(width, height) if dpi is None else new_figure(width, height, dpi=dpi)
        )
        self._tracked: list[Any] = []
        self._overlay: list[Any] = []
        self._canvas: FigureCanvasAgg | None = None
        self._background: Any = None
        self._data_background: Any = None
        self._data_changed = True

    def _track(self, artist: Any, overlay: bool = False) -> Any:
        """Register an artist (or a container of them) that `update` changes."""
        for part in artist if isinstance(artist, Sequence | list) else [artist]:
            part.set_animated(self.live)
            (self._overlay if overlay else self._tracked).append(part)
        return artist

    def _finish(self) -> None:
        if not self.live:
            return
        self._canvas = FigureCanvasAgg(self.figure)
        self._canvas.draw()  # lays out once (constrained layout) ...
        self.figure.set_layout_engine("none")  # ... and never again: nothing may move
        self._canvas.draw()
        self._background = self._canvas.copy_from_bbox(self.figure.bbox)

    def _draw(self, artists: list[Any]) -> None:
        for artist in artists:
            if artist.axes is not None:
                artist.axes.draw_artist(artist)
            else:
                self.figure.draw_artist(artist)

    def png(self) -> bytes:
        """The current picture as PNG bytes (blitted when live)."""
        if not self.live:
            return figure_to_png(self.figure)
        assert self._canvas is not None
        if self._data_changed or self._data_background is None:
            self._canvas.restore_region(self._background)
            self._draw(self._tracked)
            if self._overlay:
                self._data_background = self._canvas.copy_from_bbox(self.figure.bbox)
            self._data_changed = False
        else:
            self._canvas.restore_region(self._data_background)
        self._draw(self._overlay)
        return encode_png(self._canvas.buffer_rgba())


class LiveFigure(LivePlot):
    """A figure built by an ordinary figure function, made live: the given `artists` are the
    ones an explorer changes (`set_data`, `set_text`, ...); everything else is drawn once.

    Args:
        figure: the figure (its layout is computed once here, then frozen).
        artists: the artists that change between frames.
        dpi: resolution to draw at (default: the figure's own).
    """

    def __init__(self, figure: Figure, artists: Sequence[Any], dpi: float | None = None):
        self.live = True
        self.figure = figure
        if dpi is not None:
            figure.set_dpi(dpi)
        self._tracked, self._overlay = [], []
        self._canvas, self._background, self._data_background = None, None, None
        self._data_changed = True
        for artist in artists:
            self._track(artist)
        self._finish()

    def changed(self) -> None:
        """Say that tracked artists were updated (the next `png()` redraws them)."""
        self._data_changed = True
