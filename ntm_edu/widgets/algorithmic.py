"""Explorers of the trained models on repeat copy, associative recall and priority sort.

Running an NTM over a 400-step repeat-copy episode takes a noticeable fraction of a second,
too slow for a slider. So the work is split in two, as everywhere in the course:

* precompute (runs the models, once, in a notebook cell): `episode_arrays` runs a model on one
  seeded episode and returns plain NumPy arrays (inputs, targets, outputs, weightings, the
  episode's bit errors); `prediction_grid` does it for several models over a list of settings
  (lengths x repeats, item counts) on one fixed underlying sequence.
* explore (pure, cheap): `prediction_explorer`, `weighting_explorer` and `sort_explorer` pick
  a precomputed entry and redraw it with `ntm_edu.viz.algorithmic`. No model runs in render.

Taught in `notebooks/07_repeat_copy`, `notebooks/08_associative_recall` and
`notebooks/10_priority_sort`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ntm_edu.model.trace import supports_trace
from ntm_edu.viz.algorithmic import (
    active_rows,
    plot_prediction,
    plot_weightings,
    plot_write_vs_priority,
)
from ntm_edu.viz.base import LiveFigure
from ntm_edu.widgets.base import Explorer, PlotExplorer

__all__ = [
    "episode_arrays",
    "prediction_grid",
    "prediction_explorer",
    "weighting_explorer",
    "sort_explorer",
]


def episode_arrays(
    model: torch.nn.Module,
    task: Any,
    seed: int = 0,
    head: int | None = 0,
    batch: Any | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Run `model` on one seeded episode and return everything a figure needs, as NumPy.

    Args:
        model: an NTM (its trace is recorded) or any model with ``forward(inputs) -> logits``.
        task: the task to sample from.
        seed: seeds the episode (the same seed and overrides give the same episode).
        head: which read/write head's weighting to return; None sums over heads.
        batch: use this one-episode `Batch` instead of sampling one.
        **overrides: task settings for the draw, e.g. ``items=12``.
    Returns:
        dict with "inputs" [T, I], "targets" [T, O], "mask" [T] bool, "outputs" [T, O]
        (probabilities), "bits" and "bit_errors" (this episode's costs), "info" (the batch's
        info, as numbers or lists), and for an NTM "write" and "read" [T, N] weightings.
    """
    if batch is None:
        batch = task.sample(1, torch.Generator().manual_seed(int(seed)), **overrides)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            if supports_trace(model):
                logits, trace = model.forward_with_trace(batch.inputs)
            else:
                logits, trace = model(batch.inputs), None
    finally:
        model.train(was_training)
    result: dict[str, Any] = {
        "inputs": batch.inputs[0].numpy(),  # (T, I)
        "targets": batch.targets[0].numpy(),  # (T, O)
        "mask": batch.mask[0].numpy(),  # (T,)
        "outputs": torch.sigmoid(logits[0]).numpy(),  # (T, O)
        "bits": float(task.bits_per_sequence(logits, batch)),
        "bit_errors": float(task.bit_errors_per_sequence(logits, batch)),
        "info": {k: v[0].tolist() for k, v in batch.info.items()},
    }
    if trace is not None:
        for name, weights in (("write", trace.write_weights), ("read", trace.read_weights)):
            weights = weights[0].numpy()  # (T, H, N)
            result[name] = weights.sum(1) if head is None else weights[:, head]  # (T, N)
        result["write_heads"] = trace.write_weights[0].numpy()  # (T, Hw, N)
        result["read_heads"] = trace.read_weights[0].numpy()  # (T, Hr, N)
    return result


def prediction_grid(
    models: Mapping[str, torch.nn.Module],
    task: Any,
    settings: Sequence[Mapping[str, int]],
    seed: int = 0,
) -> dict[tuple[int, ...], dict[str, Any]]:
    """Each model's output on one episode per setting (the same seed for every setting).

    The seed fixes the random bits drawn, so with the same seed a longer setting starts with
    the same vectors: the grid shows one sequence stretched, not unrelated episodes.

    Args:
        models: label -> model (e.g. {"NTM": ntm, "LSTM": lstm}).
        task: the task.
        settings: overrides per cell, e.g. [{"length": 5, "repeats": 10}, ...].
        seed: the episode seed.
    Returns:
        key (the setting's values, in its order) -> {"targets", "mask", "inputs",
        "outputs": {label: [T, O]}, "bit_errors": {label: float}, "bits": {label: float},
        "episodes": {label: episode_arrays(...)}}.
    """
    grid: dict[tuple[int, ...], dict[str, Any]] = {}
    for setting in settings:
        episodes = {
            label: episode_arrays(model, task, seed=seed, **setting)
            for label, model in models.items()
        }
        first = next(iter(episodes.values()))
        grid[tuple(int(v) for v in setting.values())] = {
            "inputs": first["inputs"],
            "targets": first["targets"],
            "mask": first["mask"],
            "outputs": {label: e["outputs"] for label, e in episodes.items()},
            "bit_errors": {label: e["bit_errors"] for label, e in episodes.items()},
            "bits": {label: e["bits"] for label, e in episodes.items()},
            "episodes": episodes,
        }
    return grid


def _selection(description: str, options: Sequence[Any], value: Any) -> widgets.SelectionSlider:
    return widgets.SelectionSlider(
        options=list(options),
        value=value,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
    )


def prediction_explorer(
    grid: Mapping[tuple[int, ...], Mapping[str, Any]],
    names: Sequence[str],
    title: str = "Targets and outputs",
) -> Explorer:
    """Sliders over a `prediction_grid`: targets above each model's outputs for one cell.

    Args:
        grid: from `prediction_grid`; every key a tuple of len(names) integers.
        names: the slider names, one per key position (e.g. ("length", "repeats")).
        title: the explorer's caption (and stable repr).
    Returns:
        an `Explorer`; cells missing from a non-rectangular grid draw a short note.
    """
    if not grid:
        raise ValueError("prediction_explorer needs a non-empty grid")
    keys = list(grid)
    if any(len(key) != len(names) for key in keys):
        raise ValueError(f"every grid key must have {len(names)} values ({', '.join(names)})")
    axes_values = [sorted({key[i] for key in keys}) for i in range(len(names))]
    controls = {
        name: _selection(name, values, keys[0][i])
        for i, (name, values) in enumerate(zip(names, axes_values, strict=True))
    }

    def render(**values: int) -> Figure:
        key = tuple(values[name] for name in names)
        setting = ", ".join(f"{n} {v}" for n, v in zip(names, key, strict=True))
        cell = grid.get(key)
        if cell is None:
            figure = Figure(figsize=(6, 1))
            figure.text(0.02, 0.5, f"{setting}: not precomputed")
            return figure
        errors = ", ".join(f"{label} {e:.1f}" for label, e in cell["bit_errors"].items())
        return plot_prediction(
            cell["targets"],
            cell["outputs"],
            cell["mask"],
            title=f"{setting}: bit errors {errors}",
        )

    return Explorer(render, controls, title=title)


def weighting_explorer(
    episodes: Mapping[Any, Mapping[str, Any]],
    name: str = "episode",
    title: str = "Read and write weightings",
    input_labels: Sequence[str] | None = None,
    time_slider: bool = True,
) -> WeightingExplorer:
    """Scrub through precomputed NTM episodes (and their time steps) with sliders.

    Args:
        episodes: key -> `episode_arrays(...)` of an NTM (with "write" and "read").
        name: the name of the slider choosing the episode (e.g. "items").
        title: caption and stable repr.
        input_labels: input channel labels for the input panel.
        time_slider: add a "step" slider that moves a cursor through the episode; the
            panel title then reports where the heads' weight peaks at that step.
    Returns:
        an `Explorer` with controls `name` (and "step").
    """
    if not episodes:
        raise ValueError("weighting_explorer needs at least one episode")
    for key, episode in episodes.items():
        if "write" not in episode or "read" not in episode:
            raise ValueError(f"episode {key!r} has no weightings (was the model an NTM?)")
    keys = list(episodes)
    # One row range for every episode, so that moving the slider does not rescale the picture.
    rows = active_rows(*(e[k] for e in episodes.values() for k in ("write", "read")))
    longest = max(len(e["inputs"]) for e in episodes.values())
    controls: dict[str, widgets.Widget] = {name: _selection(name, keys, keys[0])}
    if time_slider:
        controls["step"] = widgets.IntSlider(
            value=0, min=0, max=longest - 1, description="step", continuous_update=True
        )

    return WeightingExplorer(episodes, name, title, input_labels, time_slider, rows, controls)


CURSOR_COLOR = "#d1495b"  # plot_weightings' time cursor


class WeightingExplorer(PlotExplorer):
    """Episodes x time steps of NTM weightings: one figure per episode, laid out once; a step
    move only shifts the cursor lines and rewrites the title. Built by `weighting_explorer`."""

    def __init__(self, episodes, name, title, input_labels, time_slider, rows, controls):
        self.episodes, self.name, self.input_labels = episodes, name, input_labels
        self.time_slider, self.rows = time_slider, rows
        keys = list(episodes)
        self._init_explorer(controls, title, fallback=(name, keys[:4]))
        for key in keys:  # lay out every episode's figure now: switching is then a redraw
            self._plot(key, None)

    def compute(self, **values: Any) -> dict[str, Any]:
        key = values[self.name]
        episode = self.episodes[key]
        length = len(episode["inputs"])
        step = min(int(values.get("step", 0)), length - 1) if self.time_slider else None
        caption = f"{self.name} {key}: bit errors {episode['bit_errors']:.1f}"
        if step is not None:
            write_at = int(np.argmax(episode["write"][step]))
            read_at = int(np.argmax(episode["read"][step]))
            caption += f"; step {step}: write peak at {write_at}, read peak at {read_at}"
        return {"key": key, "step": step, "caption": caption}

    def _key(self, state: dict[str, Any]) -> Any:
        return state["key"]

    def _static(self, state: dict[str, Any]) -> Figure:
        episode = self.episodes[state["key"]]
        return plot_weightings(
            episode["write"],
            episode["read"],
            inputs=episode["inputs"],
            outputs=episode["outputs"],
            rows=self.rows,
            cursor=state["step"],
            title=state["caption"],
            input_labels=self.input_labels,
        )

    def _make_plot(self, key: Any, dpi: float | None) -> LiveFigure:
        state = self.compute(**{**self.values, self.name: key, "step": 0})
        figure = self._static(state)
        cursors = [
            line
            for ax in figure.axes
            for line in ax.lines
            if to_hex(line.get_color()) == CURSOR_COLOR
        ]
        return LiveFigure(figure, [*cursors, figure._suptitle], dpi)

    def _show(self, plot: LiveFigure, state: dict[str, Any]) -> None:
        for artist in plot._tracked:
            if hasattr(artist, "set_xdata") and state["step"] is not None:
                artist.set_xdata([state["step"], state["step"]])
        plot.figure._suptitle.set_text(state["caption"])
        plot.changed()


def sort_explorer(
    priorities: Any,
    write_locations: Any,
    read_locations: Any,
    title: str = "Priority sort: where each vector was written, and the read order",
) -> SortExplorer:
    """A slider over output steps j: marks the j-th highest priority and where step j read.

    Args:
        priorities: [n] priorities of one episode's inputs.
        write_locations: [n] location each input was written to.
        read_locations: [m] location each output step read.
        title: caption and stable repr.
    """
    priorities = np.asarray(priorities, float)
    write_locations = np.asarray(write_locations, float)
    read_locations = np.asarray(read_locations, float)
    controls = {
        "output_step": widgets.IntSlider(
            value=0, min=0, max=len(read_locations) - 1, description="output step j"
        )
    }

    return SortExplorer(priorities, write_locations, read_locations, controls, title)


class SortExplorer(PlotExplorer):
    """Output steps of a priority-sort episode: the figure is drawn once and a move only
    moves the two highlight rings. Built by `sort_explorer`."""

    def __init__(self, priorities, write_locations, read_locations, controls, title):
        self.arrays = (priorities, write_locations, read_locations)
        self.order = np.argsort(-priorities)
        self._init_explorer(controls, title)

    def compute(self, output_step: int) -> dict[str, Any]:
        return {"output_step": int(output_step)}

    def _static(self, state: dict[str, Any]) -> Figure:
        return plot_write_vs_priority(*self.arrays, highlight=state["output_step"])

    def _make_plot(self, key: Any, dpi: float | None) -> LiveFigure:
        figure = self._static({"output_step": 0})
        rings = [figure.axes[0].collections[1], figure.axes[1].collections[0]]
        return LiveFigure(figure, rings, dpi)

    def _show(self, plot: LiveFigure, state: dict[str, Any]) -> None:
        priorities, writes, reads = self.arrays
        step = state["output_step"]
        chosen = self.order[step]
        left, right = plot._tracked
        left.set_offsets([[priorities[chosen], writes[chosen]]])
        right.set_offsets([[step, reads[step]]])
        plot.changed()
