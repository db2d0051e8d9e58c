"""Explorers of the paper's sequence tasks: sliders that redraw one sampled episode.

Sampling one small episode costs well under a millisecond, so these explorers sample inside
`render` (there is no model to run); the redraw is dominated by drawing the PNG. Thin shells
over `ntm_edu.viz.episodes`.

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from ntm_edu.tasks import TASKS, make_task, optimal_probabilities
from ntm_edu.viz.base import LiveFigure
from ntm_edu.viz.episodes import EpisodePlot, ngram_predictions_figure
from ntm_edu.widgets.base import Explorer, PlotExplorer, int_slider

__all__ = ["NGramExplorer", "ngram_explorer", "task_explorer"]


def _sample_one(task_name: str, seed: int, config: dict | None, overrides: dict[str, Any]):
    task = make_task(task_name, **(config or {}))
    batch = task.sample(1, torch.Generator().manual_seed(int(seed)), **overrides)
    settings = ", ".join(f"{k}={v}" for k, v in overrides.items())
    title = f"{task_name}: seed {seed}" + (f", {settings}" if settings else "")
    return task, batch, title


TASK_SLIDERS: dict[str, dict[str, tuple[int, int, int]]] = {
    "copy": {"length": (8, 1, 40)},
    "repeat_copy": {"length": (3, 1, 12), "repeats": (3, 1, 20)},
    "associative_recall": {"items": (4, 2, 12)},
    "ngrams": {"length": (40, 6, 200)},
    "priority_sort": {"num_inputs": (20, 2, 24), "num_outputs": (16, 1, 24)},
}


TASK_FALLBACKS: dict[str, tuple[str, list[int]]] = {
    "copy": ("length", [2, 10, 20, 40]),
    "repeat_copy": ("repeats", [1, 3, 6, 12]),
    "associative_recall": ("items", [2, 4, 6, 12]),
    "ngrams": ("length", [10, 40, 100, 200]),
    "priority_sort": ("seed", [0, 1, 2, 3]),
}


def task_explorer(task_name: str, **config: Any) -> Explorer:
    """Sliders for one task's episode: its size settings (see `TASK_SLIDERS`) and a seed.

    Args:
        task_name: a name in `ntm_edu.TASKS`.
        config: task configuration passed to `make_task` (e.g. ``width=4``).
    Returns:
        an `Explorer`; its `controls` hold the sliders by setting name and ``seed``.

    Taught in `notebooks/01_sequence_tasks`.
    """
    if task_name not in TASKS:
        raise ValueError(f"unknown task {task_name!r}; choose one of: {', '.join(TASKS)}")
    task = make_task(task_name, **config)  # validate the configuration before building widgets
    controls = {name: int_slider(name, *spec) for name, spec in TASK_SLIDERS[task_name].items()}
    controls["seed"] = int_slider("seed", 0, 0, 99)
    # One figure, updated in place: the layout is computed once and the image keeps its size.
    plot = EpisodePlot(task.input_channels, task.output_channels, width=10.0)

    def render(seed: int, **settings: int) -> Figure:
        if task_name == "priority_sort" and settings["num_outputs"] > settings["num_inputs"]:
            settings["num_outputs"] = settings["num_inputs"]  # keep the two sliders consistent
        _, batch, title = _sample_one(task_name, seed, config, settings)
        return plot.update(
            batch.inputs[0].numpy(), batch.targets[0].numpy(), batch.mask[0].numpy(), title=title
        )

    name, values = TASK_FALLBACKS[task_name]
    return Explorer(render, controls, title=f"{task_name} episodes", fallback=(name, values))


class NGramExplorer(PlotExplorer):
    """A seed slider over dynamic N-gram sequences; the figure is laid out once and each move
    swaps its lines, bit marks, gray rows and title. Built by `ngram_explorer`."""

    def __init__(self, length: int = 200, context: int = 5):
        self.task = make_task("ngrams", length=length, context=context)
        self.context = context
        self._init_explorer(
            {"seed": int_slider("seed", 0, 0, 99)},
            "dynamic N-grams",
            fallback=("seed", [0, 1, 2]),
        )

    def compute(self, seed: int) -> dict[str, Any]:
        batch = self.task.sample(1, torch.Generator().manual_seed(int(seed)))
        bits = batch.targets[0, :, 0]
        return {
            "bits": bits.numpy(),
            "optimal": optimal_probabilities(bits, context=self.context).numpy(),
            "true": batch.info["probabilities"][0].numpy(),
            "title": f"one {self.context + 1}-gram sequence, seed {seed}",
        }

    def _static(self, state: dict[str, Any]) -> Figure:
        return ngram_predictions_figure(
            state["bits"], state["optimal"], state["true"], title=state["title"]
        )

    def _make_plot(self, key: Any, dpi: float | None) -> LiveFigure:
        figure = self._static(self.compute(0))
        top, bottom = figure.axes[:2]
        artists = [*top.lines, *top.collections, bottom.images[0], figure._suptitle]
        return LiveFigure(figure, artists, dpi)

    def _show(self, plot: LiveFigure, state: dict[str, Any]) -> None:
        top, bottom = plot.figure.axes[:2]
        true_line, optimal_line = top.lines[:2]
        true_line.set_ydata(state["true"])
        optimal_line.set_ydata(state["optimal"])
        steps = np.arange(len(state["bits"]))
        top.collections[0].set_offsets(np.column_stack([steps, state["bits"] * 1.08 - 0.04]))
        rows = np.stack([state["bits"], state["optimal"], state["true"]])  # as in the figure
        bottom.images[0].set_data(rows)
        plot.figure._suptitle.set_text(state["title"])
        plot.changed()


def ngram_explorer(length: int = 200, context: int = 5) -> NGramExplorer:
    """A seed slider over dynamic N-gram sequences: eq. 10's predictions against the truth.

    Returns:
        an `NGramExplorer` with one control, ``seed``.

    Taught in `notebooks/01_sequence_tasks`.
    """
    return NGramExplorer(length, context)
