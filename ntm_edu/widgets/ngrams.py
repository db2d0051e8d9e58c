"""The N-gram inference explorer: the rows Input / Optimal / NTM / LSTM of the paper's Fig. 14.

The memory-use explorer of the same notebook is `ntm_edu.widgets.ngram_memory_explorer`.

It takes predictions computed once beforehand (the notebook runs the models a single time
on a held-out batch); its render function only slices arrays and draws.

Taught in `notebooks/09_dynamic_ngrams`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.ngram_inference import (
    NGramInferencePlot,
    largest_departures,
    ngram_inference_figure,
)
from ntm_edu.widgets.base import PlotExplorer

__all__ = ["NGramInferenceExplorer", "ngram_inference_explorer"]

ZOOM_WIDTH = 30  # steps in a zoomed window: the bits stay readable, as in the paper's figure


def _matrix(name: str, values: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (S, T) (sequences, steps), got {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape} like bits")
    return array


class NGramInferenceExplorer(PlotExplorer):
    """Pick a held-out sequence and a window; the inference rows (laid out once per zoom and
    difference setting) only swap their pixels, arrows and labels. Built by
    `ngram_inference_explorer`."""

    def __init__(self, bits, optimal, models, marks=2, zoom_width=ZOOM_WIDTH):
        self.bits = _matrix("bits", bits)
        self.optimal = _matrix("optimal", optimal, self.bits.shape)
        if not models:
            raise ValueError("models must name at least one model's predictions")
        self.predictions = {name: _matrix(name, v, self.bits.shape) for name, v in models.items()}
        self.marked = next(iter(self.predictions))
        count, length = self.bits.shape
        if not 1 <= int(zoom_width) <= length:
            raise ValueError(f"zoom_width must be in [1, {length}], got {zoom_width}")
        if int(marks) < 1:
            raise ValueError(f"marks must be at least 1, got {marks}")
        self.zoom_width, self.marks, self.length = int(zoom_width), int(marks), length
        # Start the window at the first sequence's largest departure, so zooming shows it.
        first = largest_departures(self.predictions[self.marked][0], self.optimal[0], 1)[0]
        wide = {"description_width": "initial"}  # the full label, never "window st..."
        controls = {
            "sequence": widgets.IntSlider(
                value=0, min=0, max=count - 1, description="sequence", style=wide
            ),
            "zoom": widgets.Checkbox(value=False, description=f"zoom ({zoom_width} steps)"),
            "start": widgets.IntSlider(
                value=int(np.clip(first - zoom_width // 2, 0, length - zoom_width)),
                min=0,
                max=length - zoom_width,
                description="window start",
                disabled=True,  # only a zoomed view has a window to move
                style=wide,
                layout=widgets.Layout(width="360px"),
            ),
            "differences": widgets.Checkbox(value=False, description="|model - optimal| rows"),
        }

        def follow_zoom(change: Any) -> None:
            controls["start"].disabled = not change["new"]

        controls["zoom"].observe(follow_zoom, names="value")
        self._init_explorer(
            controls,
            "Dynamic N-gram inference",
            fallback=("sequence", list(range(min(count, 4)))),
        )
        for zoom in (False, True):  # lay out every view now: a first tick is a lookup too
            for differences in (False, True):
                state = self.compute(**{**self.values, "zoom": zoom, "differences": differences})
                self._plot(self._key(state), None)

    def compute(self, sequence: int, zoom: bool, start: int, differences: bool) -> dict[str, Any]:
        window = (int(start), int(start) + self.zoom_width) if zoom else (0, self.length)
        rows = {"Input": self.bits[sequence], "Optimal": self.optimal[sequence]}
        rows.update({name: p[sequence] for name, p in self.predictions.items()})
        if differences:
            for name, p in self.predictions.items():
                rows[f"|{name} - opt|"] = np.abs(p[sequence] - self.optimal[sequence])
        marked = self.predictions[self.marked][sequence]
        return {
            "sequence": int(sequence),
            "window": window,
            "rows": rows,
            "marks": largest_departures(marked, self.optimal[sequence], self.marks, window),
            "title": f"held-out sequence {sequence}: arrows at the {self.marked}'s largest "
            f"|{self.marked} - optimal|",
        }

    def _key(self, state: dict[str, Any]) -> Any:
        return (state["window"][1] - state["window"][0], tuple(state["rows"]))

    def _make_plot(self, key: Any, dpi: float | None) -> NGramInferencePlot:
        steps, rows = key
        return NGramInferencePlot(rows, list(self.predictions), steps, self.marks, True, dpi)

    def _show(self, plot: NGramInferencePlot, state: dict[str, Any]) -> None:
        plot.update(state["rows"], state["window"][0], state["marks"], state["title"])

    def _static(self, state: dict[str, Any]) -> Figure:
        rows = state["rows"]
        return ngram_inference_figure(
            rows["Input"],
            rows["Optimal"],
            {name: rows[name] for name in self.predictions},
            marks=state["marks"],
            window=state["window"],
            differences=len(rows) > 2 + len(self.predictions),
            title=state["title"],
        )


def ngram_inference_explorer(
    bits: Any,
    optimal: Any,
    models: Mapping[str, Any],
    marks: int = 2,
    zoom_width: int = ZOOM_WIDTH,
) -> NGramInferenceExplorer:
    """Pick a held-out sequence, zoom into a window, compare each model with the optimum.

    Controls: ``sequence`` (which row of the batch), ``zoom`` (show only a window of
    `zoom_width` steps, with the bits printed), ``start`` (the window's first step; active
    while zoomed) and ``differences`` (add rows |model - optimal|). Red arrows mark the `marks`
    steps where the first model departs most from the optimum within the shown steps, in
    every model row. A move redraws by updating a plot built once (`NGramInferencePlot`).

    Args:
        bits: [S, T] held-out sequences (0/1).
        optimal: [S, T] eq. 10 predictions.
        models: name -> [S, T] predictions, first one marked (e.g. {"NTM": ..., "LSTM": ...}).
        marks: arrows to draw (>= 1).
        zoom_width: steps in a zoomed window (1 .. T).
    Returns:
        an `NGramInferenceExplorer`; `explorer.state` holds the last redraw's window, rows
        and marks.

    Taught in `notebooks/09_dynamic_ngrams`.
    """
    return NGramInferenceExplorer(bits, optimal, models, marks, zoom_width)
