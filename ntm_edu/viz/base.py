"""Shared drawing primitives: grayscale heatmaps, figure -> PNG, and static fallbacks of sliders."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "new_figure",
    "heatmap",
    "figure_to_png",
    "small_multiples",
    "animation_html",
]

GRAY = "Greys"  # 0 = white, 1 = black: the paper's convention


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
    """Render a figure to PNG bytes (what an `ipywidgets.Image` shows)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def small_multiples(
    render: Callable[[Any], Figure], values: Sequence[Any], labels: Sequence[str] | None = None
) -> str:
    """Static fallback of a slider: an HTML grid of the frames `render(value)` draws.

    Used by handouts so a printed or offline page still shows what the slider shows.
    """
    labels = [str(v) for v in values] if labels is None else list(labels)
    cells = []
    for value, label in zip(values, labels, strict=True):
        png = base64.b64encode(figure_to_png(render(value))).decode("ascii")
        cells.append(
            "<figure style='margin:4px'>"
            f"<img src='data:image/png;base64,{png}' style='max-width:100%'/>"
            f"<figcaption style='text-align:center;font-size:85%'>{label}</figcaption></figure>"
        )
    return "<div style='display:flex;flex-wrap:wrap'>" + "".join(cells) + "</div>"


def animation_html(
    render: Callable[[Any], Figure], values: Sequence[Any], interval_ms: int = 400
) -> str:
    """Static fallback of a slider as a self-contained JavaScript animation (`to_jshtml`)."""
    from matplotlib.animation import ArtistAnimation

    frames = [np.asarray(_rgba(render(v))) for v in values]
    height, width = frames[0].shape[:2]
    figure = Figure(figsize=(width / 80, height / 80), dpi=80)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    artists = [[ax.imshow(frame, animated=True)] for frame in frames]
    return ArtistAnimation(figure, artists, interval=interval_ms).to_jshtml(default_mode="once")


def _rgba(figure: Figure) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())
