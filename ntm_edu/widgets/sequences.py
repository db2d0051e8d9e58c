"""Explorers of the paper's sequence tasks: sliders that redraw one sampled episode.

Sampling one small episode costs well under a millisecond, so these explorers sample inside
`render` (there is no model to run); the redraw is dominated by drawing the PNG.

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ntm_edu.tasks import TASKS, make_task, optimal_probabilities
from ntm_edu.viz.base import LiveFigure
from ntm_edu.viz.diagram import head_weighting, plot_ntm_diagram
from ntm_edu.viz.sequences import EpisodePlot, plot_episode, plot_ngram_predictions
from ntm_edu.widgets.base import Explorer, PlotExplorer

__all__ = ["task_explorer", "ngram_explorer", "diagram_explorer", "episode_figure"]


def _slider(description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
    )


def _sample_one(task_name: str, seed: int, config: dict | None, overrides: dict[str, Any]):
    task = make_task(task_name, **(config or {}))
    batch = task.sample(1, torch.Generator().manual_seed(int(seed)), **overrides)
    settings = ", ".join(f"{k}={v}" for k, v in overrides.items())
    title = f"{task_name}: seed {seed}" + (f", {settings}" if settings else "")
    return task, batch, title


def episode_figure(task_name: str, seed: int = 0, config: dict | None = None, **overrides: Any):
    """Sample one episode of a task (seeded) and draw it with `plot_episode`.

    Args:
        task_name: a name in `ntm_edu.TASKS`.
        seed: seeds the episode's `torch.Generator`.
        config: task configuration passed to `make_task`.
        overrides: per-draw settings (e.g. ``length=30``).
    Returns:
        a Figure (see `ntm_edu.viz.plot_episode`).
    """
    task, batch, title = _sample_one(task_name, seed, config, overrides)
    return plot_episode(
        batch.inputs[0].numpy(),
        batch.targets[0].numpy(),
        batch.mask[0].numpy(),
        task.input_channels,
        task.output_channels,
        title=title,
    )


# Sliders per task: the settings evaluation may change, with ranges reaching beyond training.
TASK_SLIDERS: dict[str, dict[str, tuple[int, int, int]]] = {
    "copy": {"length": (8, 1, 40)},
    "repeat_copy": {"length": (3, 1, 12), "repeats": (3, 1, 20)},
    "associative_recall": {"items": (4, 2, 12)},
    "ngrams": {"length": (40, 6, 200)},
    "priority_sort": {"num_inputs": (20, 2, 24), "num_outputs": (16, 1, 24)},
}

# The slider a static handout shows, and the frames it shows (in and beyond training).
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
    controls = {name: _slider(name, *spec) for name, spec in TASK_SLIDERS[task_name].items()}
    controls["seed"] = _slider("seed", 0, 0, 99)
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
            {"seed": _slider("seed", 0, 0, 99)},
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
        return plot_ngram_predictions(
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


class DiagramExplorer(PlotExplorer):
    """Move the heads' focus over the NTM diagram: the picture is drawn once and each move only
    resizes the weighting bars and re-aims the two arrows. Built by `diagram_explorer`."""

    def __init__(self, locations: int = 10):
        self.locations = locations
        controls = {
            "read_focus": _slider("read focus", 2, 0, locations - 1),
            "write_focus": _slider("write focus", 5, 0, locations - 1),
        }
        self._init_explorer(controls, "NTM heads")

    def compute(self, read_focus: int, write_focus: int) -> dict[str, Any]:
        return {
            "read": head_weighting(self.locations, read_focus),
            "write": head_weighting(self.locations, write_focus),
            "read_focus": read_focus,
            "write_focus": write_focus,
        }

    def _static(self, state: dict[str, Any]) -> Figure:
        return plot_ntm_diagram(state["read_focus"], state["write_focus"], self.locations)

    def _make_plot(self, key: Any, dpi: float | None) -> LiveFigure:
        figure = plot_ntm_diagram(locations=self.locations)
        moving = [
            a for a in figure.axes[0].patches if (a.get_gid() or "").startswith(("read", "write"))
        ]
        return LiveFigure(figure, moving, dpi)

    def _show(self, plot: LiveFigure, state: dict[str, Any]) -> None:
        geometry = plot.figure.focus_geometry
        patches = {a.get_gid(): a for a in plot.figure.axes[0].patches if a.get_gid()}
        for head in ("read", "write"):
            weights = state[head]
            for row, w in enumerate(weights):
                patches[f"{head}-bar-{row}"].set_width(geometry["bar_width"] * w / weights.max())
            arrow = patches[f"{head}-arrow"]
            start = (6.35, 3.85) if head == "read" else (6.35, 1.45)
            arrow.set_positions(start, (6.9, geometry["row_y"](state[f"{head}_focus"])))
        plot.changed()


def diagram_explorer(locations: int = 10) -> DiagramExplorer:
    """Move the read and write heads' focus over the memory of the NTM diagram.

    Taught in `notebooks/00_welcome`.
    """
    return DiagramExplorer(locations)
