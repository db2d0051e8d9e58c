"""The dynamic N-gram inference figure (Fig. 14 of arXiv v2) as a plot built once.

Aligned grayscale rows of one sequence, Input / Optimal / NTM / LSTM over time (darker =
higher P(next bit = 1)), with red arrows at the steps where the first model departs most from
the optimum. `NGramInferencePlot` lays the rows out once for a given number of shown steps;
`update` then only swaps the pixels of each row, moves the arrows, rewrites the printed bits,
the step numbers under the last row and the title. With ``live=True`` (explorers) a redraw
blits those artists on a cached background: a few milliseconds instead of the ~150 ms a
fresh figure costs. `ngram_inference_figure` is the one-call static figure.

Column i of the plot shows step `start + i`: the x axis counts shown columns and its labels
(drawn as our own texts, so they can follow `start`) give the absolute time step.

Taught in `notebooks/09_dynamic_ngrams`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from ntm_edu.viz.base import GRAY, LivePlot

__all__ = ["NGramInferencePlot", "inference_rows", "largest_departures", "ngram_inference_figure"]

MARK_COLOR = "red"  # the paper marks the NTM's mistakes with red arrows
ZOOM_DIGITS = 60  # windows this short (or shorter) print each input bit in its cell
TITLE_ROOM = "held-out sequence 000: arrows at the NTM's largest |NTM - optimal| " + "0" * 24


def _vector(name: str, values: Any, length: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (T,), got shape {array.shape}")
    if length is not None and len(array) != length:
        raise ValueError(f"{name} has {len(array)} steps, expected {length} like bits")
    return array


def _probabilities(name: str, values: Any, length: int) -> np.ndarray:
    array = _vector(name, values, length)
    if np.any(~np.isfinite(array)) or np.any((array < 0) | (array > 1)):
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    return array


def _window(window: tuple[int, int] | None, length: int) -> tuple[int, int]:
    if window is None:
        return 0, length
    start, stop = (int(v) for v in window)
    if not 0 <= start < stop <= length:
        raise ValueError(
            f"window must satisfy 0 <= start < stop <= {length} (the sequence length), "
            f"got {(start, stop)}"
        )
    return start, stop


def largest_departures(
    model: Any, optimal: Any, count: int = 2, window: tuple[int, int] | None = None
) -> list[int]:
    """The steps where a model's prediction differs most from the optimal one.

    Args:
        model: [T] the model's P(bit_t = 1).
        optimal: [T] eq. 10's P(bit_t = 1).
        count: how many steps to return (>= 1; fewer if the window is shorter).
        window: (start, stop) to search in (default: the whole sequence).
    Returns:
        step indices (into the whole sequence), largest |model - optimal| first; ties go to
        the earlier step.
    """
    optimal = _vector("optimal", optimal)
    model = _vector("model", model, len(optimal))
    if int(count) < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    start, stop = _window(window, len(optimal))
    gap = np.abs(model[start:stop] - optimal[start:stop])  # (stop - start,)
    order = np.argsort(-gap, kind="stable")[: int(count)]
    return [int(start + i) for i in order]


def _tick_step(steps: int) -> int:
    """A round distance between labelled steps, about 6-12 labels per row."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if steps / step <= 12:
            return step
    return max(1, steps // 10)


class NGramInferencePlot(LivePlot):
    """Input / Optimal / model rows of one sequence over `steps` columns, updated in place.

    Args:
        rows: the row names, top to bottom: "Input", "Optimal", then models, then optional
            difference rows (any names; `model_rows` says which get the arrows).
        model_rows: the rows that get the red arrows.
        steps: columns shown (the whole sequence, or a zoom window).
        marks: the most arrows one update draws per model row.
        live: blit redraws (explorers) instead of drawing a plain figure.
        dpi: figure resolution (default matplotlib's).

    After `update`, `figure.marked_steps` lists the marked steps (absolute, in the window).
    """

    def __init__(
        self,
        rows: Sequence[str],
        model_rows: Sequence[str],
        steps: int,
        marks: int = 2,
        live: bool = False,
        dpi: float | None = None,
    ):
        rows = list(rows)
        if len(rows) < 2:
            raise ValueError(f"rows must name at least Input and one more row, got {rows}")
        unknown = [name for name in model_rows if name not in rows]
        if unknown:
            raise ValueError(f"model_rows {unknown} are not among rows {rows}")
        if int(steps) < 1 or int(marks) < 0:
            raise ValueError(f"steps must be >= 1 and marks >= 0, got {steps}, {marks}")
        self.rows, self.steps, self.marks = rows, int(steps), int(marks)
        width = float(np.clip(2.5 + 0.06 * steps, 7.0, 13.0)) if steps > ZOOM_DIGITS else 9.0
        super().__init__(live, width, 0.62 * len(rows) + 1.0, dpi)
        axes = self.figure.subplots(len(rows), 1, sharex=True, squeeze=False)[:, 0]
        self.axes = list(axes)
        self.images = []
        self.arrows: list[Any] = []
        for ax, name in zip(axes, rows, strict=True):
            image = ax.imshow(np.zeros((1, self.steps)), aspect="auto", cmap=GRAY, vmin=0,
                              vmax=1, interpolation="nearest",
                              extent=(-0.5, self.steps - 0.5, 0.5, -0.5))  # fmt: skip
            self.images.append(self._track(image))
            ax.set_yticks([0], labels=[name], fontsize=8)
            ax.tick_params(axis="y", length=0)
            ax.tick_params(axis="x", labelbottom=False)
            if name in model_rows:
                for _ in range(self.marks):
                    # An arrow from above into the row: red, like the paper's.
                    arrow = ax.annotate("", xy=(0, -0.45), xytext=(0, -1.35),
                                        arrowprops=dict(arrowstyle="-|>", color=MARK_COLOR,
                                                        lw=1.6),
                                        annotation_clip=False, visible=False)  # fmt: skip
                    self.arrows.append(self._track(arrow))
        self._arrows_per_row = self.marks
        self._model_axes = [ax for ax, name in zip(axes, rows, strict=True) if name in model_rows]
        self.digits = []
        if self.steps <= ZOOM_DIGITS:
            for i in range(self.steps):
                self.digits.append(
                    self._track(axes[0].text(i, 0, "0", ha="center", va="center", fontsize=7))
                )
        # Step numbers under the last row: our own texts, so they follow the window's start.
        bottom = axes[-1]
        self.tick_every = _tick_step(self.steps)
        bottom.set_xticks(range(0, self.steps, self.tick_every))
        below = offset_copy(bottom.get_xaxis_transform(), fig=self.figure, y=-4, units="points")
        self.tick_labels = [
            self._track(
                bottom.text(i, 0, "0000", transform=below, ha="center", va="top", fontsize=9)
            )  # fmt: skip
            for i in range(0, self.steps, self.tick_every)
        ]
        bottom.set_xlabel("time step t (column t: bit t and the predictions of it)", labelpad=14)
        bottom.set_xlim(-0.5, self.steps - 0.5)
        self.figure.get_layout_engine().set(h_pad=0.12)
        self.title = self._track(
            self.figure.suptitle(TITLE_ROOM, x=0.01, ha="left", fontsize=10)
        )  # laid out once with a long text, so the space stays reserved
        self._finish()
        self.figure.marked_steps = []

    def update(
        self,
        values: Mapping[str, Any],
        start: int = 0,
        marks: Sequence[int] = (),
        title: str | None = None,
    ) -> Figure:
        """Show steps `start .. start + steps` of each row and arrows at `marks`.

        Args:
            values: row name -> [T] values in [0, 1] (every row of the plot; T >= start + steps).
            start: the first step shown.
            marks: absolute steps to point at; those outside the window are skipped, and at
                most `marks` (the constructor's) are drawn.
            title: the figure title ("" or None: none).
        Returns:
            the figure; `figure.marked_steps` holds the marks drawn.
        """
        missing = [name for name in self.rows if name not in values]
        if missing:
            raise ValueError(f"values lacks rows {missing}")
        start, stop = int(start), int(start) + self.steps
        for image, name in zip(self.images, self.rows, strict=True):
            row = np.asarray(values[name], dtype=float)
            if row.ndim != 1 or len(row) < stop or start < 0:
                raise ValueError(
                    f"row {name!r} must be 1-D with at least {stop} steps (start {start} + "
                    f"{self.steps} shown), got shape {row.shape}"
                )
            image.set_data(row[None, start:stop])
        shown = [int(m) for m in marks if start <= int(m) < stop][: self._arrows_per_row]
        for index, arrow in enumerate(self.arrows):
            slot = index % max(self._arrows_per_row, 1)
            visible = slot < len(shown)
            arrow.set_visible(visible)
            if visible:
                x = shown[slot] - start
                arrow.xy = (x, -0.45)
                arrow.set_position((x, -1.35))
        if self.digits:
            bits = np.asarray(values[self.rows[0]], dtype=float)[start:stop]
            for text, bit in zip(self.digits, bits, strict=True):
                text.set_text(str(int(bit)))
                text.set_color("white" if bit >= 0.5 else "black")
        for text, i in zip(self.tick_labels, range(0, self.steps, self.tick_every), strict=True):
            text.set_text(str(start + i))
        self.title.set_text(title or "")
        self.start = start
        self.figure.marked_steps = shown
        self._data_changed = True
        return self.figure


def ngram_inference_figure(
    bits: Any,
    optimal: Any,
    models: Mapping[str, Any],
    marks: Sequence[int] | None = None,
    window: tuple[int, int] | None = None,
    differences: bool = False,
    title: str | None = None,
) -> Figure:
    """Aligned grayscale rows of one sequence: Input, Optimal, then each model (paper Fig. 14).

    Every row has one cell per time step; darker means a higher P(bit_t = 1) (for Input: the
    bit itself). Red arrows point at the `marks` (the steps where the first model departs most
    from the optimum, see `largest_departures`) in every model row, so the same steps can be
    compared across models.

    Args:
        bits: [T] the sequence (0/1): column t holds bit t, the one predicted there.
        optimal: [T] eq. 10 predictions.
        models: name -> [T] predictions, in row order (e.g. {"NTM": ..., "LSTM": ...}).
        marks: steps to point at (default: none); those outside the window are skipped.
        window: (start, stop) of the steps to show (default: all). Windows of at most
            `ZOOM_DIGITS` steps also print each input bit in its cell.
        differences: add one row |model - optimal| per model under the prediction rows.
        title: figure title.
    Returns:
        a Figure; `figure.marked_steps` lists the marks drawn (in the window).

    Taught in `notebooks/09_dynamic_ngrams`.
    """
    rows = inference_rows(bits, optimal, models, differences)
    start, stop = _window(window, len(rows["Input"]))
    marks = list(marks or [])
    plot = NGramInferencePlot(list(rows), list(models), stop - start, marks=len(marks))
    return plot.update(rows, start, marks, title)


def inference_rows(
    bits: Any, optimal: Any, models: Mapping[str, Any], differences: bool = False
) -> dict[str, np.ndarray]:
    """The checked rows of the inference figure: Input, Optimal, models (+ |model - opt|)."""
    bits = _vector("bits", bits)
    if not np.all((bits == 0) | (bits == 1)):
        raise ValueError("bits must hold only 0s and 1s")
    length = len(bits)
    rows = {"Input": bits, "Optimal": _probabilities("optimal", optimal, length)}
    if not models:
        raise ValueError("models must name at least one model's predictions")
    predictions = {name: _probabilities(name, v, length) for name, v in models.items()}
    rows.update(predictions)
    if differences:
        for name, values in predictions.items():
            rows[f"|{name} - opt|"] = np.abs(values - rows["Optimal"])
    return rows
