"""Explorers of targets above outputs: test lengths (Figs. 4-5) and task settings.

Thin shells over `ntm_edu.viz.predictions`: the models run once in `ntm_edu.inspection`
(`generalisation_grid`, `prediction_grid`) when the explorer is built, and every position of
a slider is one picture drawn then, so moving it only swaps PNGs.

Taught in `notebooks/05_training_copy`, `notebooks/06_lstm_baseline` and
`notebooks/07_repeat_copy`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from ntm_edu import inspection
from ntm_edu.tasks.base import Task
from ntm_edu.viz.base import figure_to_png
from ntm_edu.viz.predictions import generalisation_figure, prediction_figure
from ntm_edu.widgets.base import PlotExplorer, selection_slider

__all__ = ["PictureExplorer", "generalisation_explorer", "prediction_explorer"]


class _Picture:
    """A figure rendered to PNG once: a slider position whose picture never changes."""

    def __init__(self, figure: Figure, dpi: float | None):
        self.figure = figure
        self._png = figure_to_png(figure, dpi=dpi)

    def png(self) -> bytes:
        return self._png


class PictureExplorer(PlotExplorer):
    """Sliders over precomputed cells, one picture each, drawn once (a move swaps PNGs).

    Args:
        cells: key (a tuple, one value per slider) -> whatever `draw` needs.
        names: the slider names, one per key position.
        draw: (key, cell) -> Figure; a key missing from a non-rectangular grid draws a note.
        title: caption (and the explorer's repr).  descriptions: slider labels.
        fallback: the static fallback (see `Explorer`).
    Attributes:
        cells, names.
    """

    def __init__(self, cells, names, draw, title, descriptions=None, fallback=None):
        if not cells:
            raise ValueError("an explorer needs at least one precomputed cell")
        keys = list(cells)
        if any(len(key) != len(names) for key in keys):
            raise ValueError(f"every key must have {len(names)} values ({', '.join(names)})")
        self.cells, self.names, self.draw = dict(cells), list(names), draw
        descriptions = descriptions or names
        controls = {
            name: selection_slider(label, sorted({key[i] for key in keys}), keys[0][i],
                                   width="420px" if len(names) == 1 else None)
            for i, (name, label) in enumerate(zip(names, descriptions, strict=True))
        }  # fmt: skip
        self._init_explorer(controls, title, fallback=fallback)
        for key in keys[1:]:  # draw every cell now (~0.1 s each), so a slider move is a lookup
            self._plot(key, None)

    def compute(self, **values: Any) -> dict[str, Any]:
        key = tuple(values[name] for name in self.names)
        return {"key": key, "cell": self.cells.get(key)}

    def _key(self, state: dict[str, Any]) -> Any:
        return state["key"]

    def _make_plot(self, key: Any, dpi: float | None) -> _Picture:
        return _Picture(self._static(self.compute(**dict(zip(self.names, key, strict=True)))), dpi)

    def _show(self, plot: Any, state: dict[str, Any]) -> None:
        pass  # the picture of a key never changes

    def _static(self, state: dict[str, Any]) -> Figure:
        if state["cell"] is None:
            setting = ", ".join(f"{n} {v}" for n, v in zip(self.names, state["key"], strict=True))
            figure = Figure(figsize=(6, 1))
            figure.text(0.02, 0.5, f"{setting}: not precomputed")
            return figure
        return self.draw(state["key"], state["cell"])


def generalisation_explorer(
    models: Any,
    task: Task,
    lengths: Sequence[int] = inspection.GENERALISATION_LENGTHS,
    *,
    seed: int = 0,
    title: str | None = None,
) -> PictureExplorer:
    """A slider over sequence lengths: targets and each model's outputs, as in Figs. 4-5.

    Each model is run once per length on the same seeded sequence when the explorer is built
    (`inspection.generalisation_grid`); moving the slider only swaps pictures. Wrong bits are
    marked and counted.

    Args:
        models: one model, a list of models (labelled "NTM", "LSTM", ...), or a dict
            label -> model.
        task: a task with a "length" override (copy, repeat copy).
        lengths: the test lengths (default: the paper's 10, 20, 30, 50, 120).
        seed: seeds the test sequences.
        title: caption.
    Returns:
        a `PictureExplorer` with a ``length`` slider; its `lengths` are the lengths shown.
    Raises:
        ValueError: no models, a task without lengths, or bad lengths.

    Taught in `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.
    """
    models = inspection.as_models(models)
    grid = inspection.generalisation_grid(models, task, lengths, seed)
    low, high = task.config.get("min_length"), task.config.get("max_length")

    def draw(key: tuple[int], entry: Mapping[str, Any]) -> Figure:
        (length,) = key
        seen = low is not None and high is not None and low <= length <= high
        where = "within" if seen else "beyond"
        return generalisation_figure(
            [length],
            [entry["targets"]],
            {label: [out] for label, out in entry["outputs"].items()},
            costs={label: [value] for label, value in entry["bit_errors"].items()},
            title=f"length {length} ({where} the training lengths {low}-{high})",
        )

    explorer = PictureExplorer(
        {(L,): entry for L, entry in grid.items()}, ["length"], draw,
        title or f"Generalisation of the {' and '.join(models)} to longer sequences",
        descriptions=["sequence length"], fallback=("length", list(grid), "grid"),
    )  # fmt: skip
    explorer.lengths = list(grid)
    return explorer


def prediction_explorer(
    grid: Mapping[tuple[int, ...], Mapping[str, Any]],
    names: Sequence[str],
    title: str = "Targets and outputs",
) -> PictureExplorer:
    """Sliders over an `inspection.prediction_grid`: targets above each model's outputs.

    Args:
        grid: from `prediction_grid`; every key a tuple of len(names) integers.
        names: the slider names, one per key position (e.g. ("length", "repeats")).
        title: the explorer's caption (and stable repr).
    Returns:
        a `PictureExplorer`; cells missing from a non-rectangular grid draw a short note.
    """

    def draw(key: tuple[int, ...], cell: Mapping[str, Any]) -> Figure:
        setting = ", ".join(f"{n} {v}" for n, v in zip(names, key, strict=True))
        errors = ", ".join(f"{label} {e:.1f}" for label, e in cell["bit_errors"].items())
        return prediction_figure(cell["targets"], cell["outputs"], cell["mask"],
                                 title=f"{setting}: bit errors {errors}")  # fmt: skip

    return PictureExplorer(grid, names, draw, title)
