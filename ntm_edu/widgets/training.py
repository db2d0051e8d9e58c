"""Explorers of trained models: training progress, generalisation to longer sequences, memory use.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §4.1 (copy): how learning
unfolds (Fig. 3), what the trained model does on longer sequences than it was trained on
(Figs. 4-5), and how it uses the memory (Fig. 6).

* `snapshot_explorer(history)`: a slider (and a Play button) over the probe snapshots that
  `train` stored in a `History`: the learning curve with a cursor, the probe sequence's targets
  and the outputs at that moment, and for an NTM its write and read weightings. It shows the
  *stored* snapshots; no model is run, so it works on a History alone (e.g. a checkpoint's).
* `generalisation_explorer(models, task)`: a slider over test lengths 10, 20, 30, 50 and 120;
  every model is run once per length when the explorer is built.
* `memory_use_explorer(model, task)`: the paper's Fig. 6 for one episode per length, with a
  time cursor and the focus path of both heads.

Everything the sliders scrub through is computed when the explorer is built; a slider move
only redraws (blitting a figure built once, see `ntm_edu.viz.training`) or looks up a PNG.

Taught in `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ntm_edu.viz.base import figure_to_png
from ntm_edu.viz.training import (
    MemoryUsePlot,
    SnapshotPlot,
    copy_memory_summary,
    generalisation_figure,
    location_window,
    memory_use_figure,
    snapshot_figure,
)
from ntm_edu.widgets.base import PlotExplorer

__all__ = [
    "GENERALISATION_LENGTHS",
    "GeneralisationExplorer",
    "MemoryUseExplorer",
    "SnapshotExplorer",
    "generalisation_explorer",
    "memory_use_explorer",
    "model_label",
    "snapshot_explorer",
]

# The paper's test lengths for copy (Figs. 4-5); 120 is close to the 128 memory locations.
GENERALISATION_LENGTHS = (10, 20, 30, 50, 120)

_SLIDER = dict(continuous_update=True, style={"description_width": "initial"})


def _check_index(name: str, value: Any, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def _spread(count: int, frames: int = 6) -> list[int]:
    """`frames` indices spread evenly over 0..count-1 (all of them if there are fewer)."""
    if count <= frames:
        return list(range(count))
    return sorted({round(i * (count - 1) / (frames - 1)) for i in range(frames)})


def model_label(model: Any) -> str:
    """ "NTM", "NTM (FF)" or "LSTM" for the course's models, else the class name."""
    name = type(model).__name__
    if name == "NTM":
        controller = getattr(model, "config", {}).get("controller", "lstm")
        return "NTM" if controller == "lstm" else "NTM (FF)"
    if name == "LSTMBaseline":
        return "LSTM"
    return name


def _supports_trace(model: Any) -> bool:
    from ntm_edu.model.trace import supports_trace

    return supports_trace(model)


# --- training progress -------------------------------------------------------------------------


class SnapshotExplorer(PlotExplorer):
    """Scrub (or play) through a run's probe snapshots. Built by `snapshot_explorer`.

    Attributes:
        play: the `ipywidgets.Play` linked to the `snapshot` slider.
        state: what the last redraw showed: "snapshot", "example", "outputs" [T, O],
            "write_weights"/"read_weights" [T, N] (NTMs) or None, "sequences", "step", "label".
        locations: the memory locations drawn (None for a model without weightings).
    """

    def __init__(
        self,
        history: Any,
        log: bool = True,
        locations: Any = None,
        interval_ms: int = 400,
        title: str | None = None,
    ):
        snapshots = getattr(history, "snapshots", None)
        if snapshots is None or not hasattr(history, "snapshot"):
            raise ValueError(f"history must be a History, got {type(history).__name__}")
        count = len(snapshots)
        if count == 0:
            raise ValueError(
                "this History has no probe snapshots: train with probe_every > 0 to record them"
            )
        if isinstance(interval_ms, bool) or not isinstance(interval_ms, int) or interval_ms < 20:
            raise ValueError(f"interval_ms must be an integer >= 20, got {interval_ms!r}")
        probe = history.probe_arrays()
        self.targets, self.mask = probe["targets"], probe["mask"]  # (B, T, O), (B, T)
        curve = history.curve()
        self.curve = (curve.sequences, curve.bits_per_sequence)
        self.log_scale = log
        # Precompute: every snapshot as float32 numpy, once (the slider never touches torch).
        self.snapshots = [history.snapshot(i) for i in range(count)]
        self.probe_curve = (
            np.array([s.sequences for s in self.snapshots], dtype=float),
            np.array([s.bits_per_sequence for s in self.snapshots], dtype=float),
        )
        trace = self.snapshots[0].trace
        self.has_weights = "write_weights" in trace and "read_weights" in trace
        if self.has_weights:
            writes = np.stack([s.trace["write_weights"][:, :, 0] for s in self.snapshots])
            reads = np.stack([s.trace["read_weights"][:, :, 0] for s in self.snapshots])
            self.weights = {"write_weights": writes, "read_weights": reads}  # (S, B, T, N)
            if locations is None:
                # Where the trained model works: the last snapshot decides the window.
                locations = location_window(writes[-1], reads[-1])
            self.locations = np.asarray(locations, dtype=int)
            N = writes.shape[-1]
            if self.locations.ndim != 1 or not len(self.locations):
                raise ValueError("locations must be a non-empty 1-D array of location indices")
            if self.locations.min() < 0 or self.locations.max() >= N:
                raise ValueError(f"locations must be in [0, {N - 1}]")
        else:
            self.weights, self.locations = {}, None
        B = self.targets.shape[0]
        name = f"{history.model_name or 'model'} on {history.task_name or 'its task'}"
        controls: dict[str, widgets.Widget] = {
            "snapshot": widgets.IntSlider(
                value=0,
                min=0,
                max=count - 1,
                description="snapshot",
                layout=widgets.Layout(width="420px"),
                **_SLIDER,
            )
        }
        if B > 1:
            controls["example"] = widgets.IntSlider(
                value=0,
                min=0,
                max=B - 1,
                description="probe sequence",
                layout=widgets.Layout(width="220px"),
                **_SLIDER,
            )
        self.play = widgets.Play(
            value=0, min=0, max=count - 1, step=1, interval=interval_ms, description="play"
        )
        # A kernel-side link (not jslink): the image is drawn in Python, so the slider's value
        # has to reach the kernel anyway, and tests can drive the link without a browser.
        self._link = widgets.link((self.play, "value"), (controls["snapshot"], "value"))
        self._init_explorer(
            controls,
            title or f"Training progress of the {name}: probe snapshots",
            fallback=("snapshot", _spread(count), "animation"),
        )
        box = self.children[1]  # [title, controls, image]: put Play before the slider
        box.children = (self.play, *box.children)
        for example in range(1, B):  # lay out every probe sequence's plot now, not on a move
            self._plot(example, None)

    def compute(self, snapshot: int, example: int = 0) -> dict[str, Any]:
        count, B = len(self.snapshots), self.targets.shape[0]
        i = _check_index("snapshot", snapshot, 0, count - 1)
        e = _check_index("example", example, 0, B - 1)
        s = self.snapshots[i]
        label = (
            f"snapshot {i + 1} of {count}: step {s.step:,}, {s.sequences:,} sequences seen;"
            f" probe batch ({B} sequences): {s.bits_per_sequence:.3g} bits,"
            f" {s.bit_errors_per_sequence:.3g} wrong bits per sequence"
        )
        return {
            "snapshot": i,
            "example": e,
            "outputs": s.outputs[e],
            "write_weights": self.weights["write_weights"][i, e] if self.has_weights else None,
            "read_weights": self.weights["read_weights"][i, e] if self.has_weights else None,
            "sequences": s.sequences,
            "step": s.step,
            "probe_cost": s.bits_per_sequence,
            "label": label,
        }

    def _key(self, state: dict[str, Any]) -> Any:
        return state["example"]  # the targets (drawn once per plot) depend on the example

    def _make_plot(self, key: Any, dpi: float | None) -> SnapshotPlot:
        return SnapshotPlot(
            *self.curve,
            self.targets[key],
            self.mask[key],
            self.locations,
            probe=self.probe_curve,
            log=self.log_scale,
            live=True,
            dpi=dpi,
        )

    def _show(self, plot: SnapshotPlot, state: dict[str, Any]) -> None:
        plot.update(
            state["outputs"],
            state["write_weights"],
            state["read_weights"],
            sequences=state["sequences"],
            probe_cost=state["probe_cost"],
            label=state["label"],
        )

    def _static(self, state: dict[str, Any]) -> Figure:
        e = state["example"]
        return snapshot_figure(
            *self.curve,
            self.targets[e],
            self.mask[e],
            state["outputs"],
            state["write_weights"],
            state["read_weights"],
            snapshot_sequences=state["sequences"],
            probe_cost=state["probe_cost"],
            label=state["label"],
            locations=self.locations,
            probe=self.probe_curve,
            log=self.log_scale,
        )

    def shown_outputs(self) -> np.ndarray:
        """[T, O] the outputs the picture currently shows (read back from the image)."""
        return np.asarray(self.plot.images["outputs"].get_array()).T


def snapshot_explorer(
    history: Any,
    *,
    log: bool = True,
    locations: Any = None,
    interval_ms: int = 400,
    title: str | None = None,
) -> SnapshotExplorer:
    """A slider over training progress: the probe snapshots a `History` stored.

    Each position shows where the run was on its learning curve, the probe sequence's targets,
    the outputs at that moment (wrong bits marked) and, for an NTM, the write and read
    weightings. A Play button animates the slider; a second slider picks the probe sequence.

    Args:
        history: a `History` recorded with ``probe_every > 0`` (e.g. ``load_pretrained(...)
            .history``).
        log: logarithmic cost axis (the cost falls by orders of magnitude).
        locations: memory locations to draw (default: those the final snapshot uses).
        interval_ms: milliseconds per frame when playing.
        title: caption (default: names the model and task).
    Returns:
        a `SnapshotExplorer`; display it as the last expression of a cell.
    Raises:
        ValueError: no snapshots, or a bad `locations` / `interval_ms`.

    Taught in `notebooks/05_training_copy`.
    """
    return SnapshotExplorer(history, log, locations, interval_ms, title)


# --- generalisation ------------------------------------------------------------------------------


def _as_models(models: Any) -> dict[str, Any]:
    if isinstance(models, Mapping):
        result = dict(models)
    elif isinstance(models, torch.nn.Module):
        result = {model_label(models): models}
    elif isinstance(models, Sequence) and not isinstance(models, str):
        result = {}
        for model in models:
            label = model_label(model)
            if label in result:
                raise ValueError(f"two models would both be labelled {label!r}: pass a dict")
            result[label] = model
    else:
        raise ValueError("models must be a model, a list of models or a dict label -> model")
    if not result:
        raise ValueError("models must hold at least one model")
    for label, model in result.items():
        if not isinstance(model, torch.nn.Module):
            raise ValueError(f"models[{label!r}] is a {type(model).__name__}, not a torch model")
    return result


def _check_lengths(task: Any, lengths: Any) -> list[int]:
    if "length" not in getattr(task, "override_names", ()):
        raise ValueError(
            f"task {getattr(task, 'name', task)!r} has no 'length' override; these explorers "
            f"vary the sequence length (use the copy or repeat copy task)"
        )
    try:
        lengths = [int(x) for x in lengths]
    except (TypeError, ValueError) as error:
        raise ValueError(f"lengths must be a sequence of integers, got {lengths!r}") from error
    if not lengths:
        raise ValueError("lengths must hold at least one length")
    if any(x < 1 for x in lengths) or len(set(lengths)) != len(lengths):
        raise ValueError(f"lengths must be distinct integers >= 1, got {lengths}")
    return lengths


def _episode(task: Any, length: int, seed: int) -> Any:
    """One seeded episode of `length` (its own generator, so adding a length changes nothing)."""
    generator = torch.Generator().manual_seed(seed * 10_007 + length)
    return task.sample(1, generator=generator, length=length)


@torch.no_grad()
def _run(model: torch.nn.Module, inputs: torch.Tensor, trace: bool = False) -> Any:
    was_training = model.training
    model.eval()
    try:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
        result = model.forward_with_trace(inputs.to(device)) if trace else model(inputs.to(device))
    finally:
        model.train(was_training)
    if trace:
        return result[0].cpu(), result[1]
    return result.cpu()


class GeneralisationExplorer(PlotExplorer):
    """A slider over test lengths. Built by `generalisation_explorer`.

    Attributes:
        lengths: the lengths on the slider.
        results: length -> {"targets" [L, O], "outputs": {label: [L, O]},
            "bit_errors": {label: float}, "bits": {label: float}} (answer phase only).
    """

    def __init__(
        self,
        models: Any,
        task: Any,
        lengths: Sequence[int] = GENERALISATION_LENGTHS,
        seed: int = 0,
        title: str | None = None,
    ):
        self.models = _as_models(models)
        self.lengths = _check_lengths(task, lengths)
        self.results: dict[int, dict[str, Any]] = {}
        for L in self.lengths:
            batch = _episode(task, L, seed)
            scored = batch.mask[0]
            entry: dict[str, Any] = {
                "targets": batch.targets[0, scored].numpy(),
                "outputs": {},
                "bit_errors": {},
                "bits": {},
            }
            for label, model in self.models.items():
                logits = _run(model, batch.inputs)
                entry["outputs"][label] = torch.sigmoid(logits[0, scored]).numpy()
                entry["bit_errors"][label] = float(task.bit_errors_per_sequence(logits, batch))
                entry["bits"][label] = float(task.bits_per_sequence(logits, batch))
            self.results[L] = entry
        self.training_range = (
            task.config.get("min_length"),
            task.config.get("max_length"),
        )
        controls = {
            "length": widgets.SelectionSlider(
                options=self.lengths,
                value=self.lengths[0],
                description="sequence length",
                layout=widgets.Layout(width="420px"),
                **_SLIDER,
            )
        }
        names = " and ".join(self.models)
        self._init_explorer(
            controls,
            title or f"Generalisation of the {names} to longer sequences",
            fallback=("length", self.lengths, "grid"),
        )
        for L in self.lengths:  # draw every length now, so a slider move is a lookup
            self._plot(L, None)

    def compute(self, length: int) -> dict[str, Any]:
        if length not in self.results:
            raise ValueError(f"length must be one of {self.lengths}, got {length!r}")
        low, high = self.training_range
        seen = low is not None and high is not None and low <= length <= high
        where = "within" if seen else "beyond"
        return {
            "length": length,
            **self.results[length],
            "title": f"length {length} ({where} the training lengths {low}-{high})",
        }

    def _key(self, state: dict[str, Any]) -> Any:
        return state["length"]

    def _make_plot(self, key: Any, dpi: float | None) -> Any:
        # One picture per length; a length's figure is drawn once and its PNG kept.
        return _FixedPicture(self._static(self.compute(key)), dpi)

    def _show(self, plot: Any, state: dict[str, Any]) -> None:
        pass

    def _static(self, state: dict[str, Any]) -> Figure:
        return generalisation_figure(
            [state["length"]],
            [state["targets"]],
            {label: [out] for label, out in state["outputs"].items()},
            costs={label: [value] for label, value in state["bit_errors"].items()},
            title=state["title"],
        )

    def bit_errors_table(self) -> dict[int, dict[str, float]]:
        """length -> model label -> wrong bits in the explorer's sequence of that length."""
        return {L: dict(entry["bit_errors"]) for L, entry in self.results.items()}


class _FixedPicture:
    """A figure rendered to PNG once (what `_PlotExplorer` caches for a picture that never
    changes, e.g. one sequence length)."""

    def __init__(self, figure: Figure, dpi: float | None):
        self.figure = figure
        self._png = figure_to_png(figure, dpi=dpi)

    def png(self) -> bytes:
        return self._png


def generalisation_explorer(
    models: Any,
    task: Any,
    lengths: Sequence[int] = GENERALISATION_LENGTHS,
    *,
    seed: int = 0,
    title: str | None = None,
) -> GeneralisationExplorer:
    """A slider over sequence lengths: targets and each model's outputs, as in Figs. 4-5.

    Each model is run once per length on the same seeded sequence when the explorer is built;
    moving the slider only swaps pictures. Wrong bits are marked and counted.

    Args:
        models: one model, a list of models (labelled "NTM", "LSTM", ...), or a dict
            label -> model.
        task: a task with a "length" override (copy, repeat copy).
        lengths: the test lengths (default: the paper's 10, 20, 30, 50, 120).
        seed: seeds the test sequences.
        title: caption.
    Returns:
        a `GeneralisationExplorer`.
    Raises:
        ValueError: no models, a task without lengths, or bad lengths.

    Taught in `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.
    """
    return GeneralisationExplorer(models, task, lengths, seed, title)


# --- memory use ----------------------------------------------------------------------------------


class MemoryUseExplorer(PlotExplorer):
    """The paper's Fig. 6 for one episode per length, with a time cursor.

    Built by `memory_use_explorer`.

    Attributes:
        episodes: length -> arrays of that episode: inputs [T, I], outputs [T, O], add and
            reads [T, M], write_weights and read_weights [T, N], mask [T].
        summaries: length -> `copy_memory_summary(...)` (copy task only, else empty).
    """

    def __init__(
        self,
        model: Any,
        task: Any,
        lengths: Sequence[int] = (10, 20, 30, 50),
        seed: int = 0,
        head: int = 0,
        title: str | None = None,
    ):
        if not isinstance(model, torch.nn.Module) or not _supports_trace(model):
            raise ValueError(
                f"memory_use_explorer needs a model that can trace its heads (an NTM), got "
                f"{type(model).__name__}"
            )
        self.lengths = _check_lengths(task, lengths)
        self.episodes: dict[int, dict[str, np.ndarray]] = {}
        self.summaries: dict[int, dict[str, Any]] = {}
        for L in self.lengths:
            batch = _episode(task, L, seed)
            logits, trace = _run(model, batch.inputs, trace=True)
            heads = min(trace.read_weights.shape[2], trace.write_weights.shape[2])
            head = _check_index("head", head, 0, heads - 1)
            episode = {
                "inputs": batch.inputs[0].numpy(),
                "outputs": torch.sigmoid(logits[0]).numpy(),
                "add": trace.add[0, :, head].numpy(),
                "reads": trace.reads[0, :, head].numpy(),
                "write_weights": trace.write_weights[0, :, head].numpy(),
                "read_weights": trace.read_weights[0, :, head].numpy(),
                "mask": batch.mask[0].numpy(),
            }
            self.episodes[L] = episode
            if getattr(task, "name", "") == "copy":
                self.summaries[L] = copy_memory_summary(
                    episode["write_weights"], episode["read_weights"], L
                )
        first = self.lengths[0]
        steps = len(self.episodes[first]["mask"])
        controls: dict[str, widgets.Widget] = {}
        if len(self.lengths) > 1:
            controls["length"] = widgets.SelectionSlider(
                options=self.lengths,
                value=first,
                description="sequence length",
                layout=widgets.Layout(width="320px"),
                **_SLIDER,
            )
        controls["time"] = widgets.IntSlider(
            value=first,  # the delimiter step: the moment the read head has to jump back
            min=0,
            max=steps - 1,
            description="time step",
            layout=widgets.Layout(width="420px"),
            **_SLIDER,
        )
        frames = sorted({0, first // 2, first, first + 1 + first // 2, steps - 1})
        self._init_explorer(
            controls,
            title or f"How the {model_label(model)} uses its memory (the paper's Fig. 6)",
            fallback=("time", frames, "animation"),
        )
        if "length" in self.controls:
            self.controls["length"].observe(self._on_length, names="value")
        for length in self.lengths[1:]:  # lay out every length's plot now (~0.3 s each), so
            self._plot(length, None)  # that no slider move waits for a layout

    def _on_length(self, change: Any) -> None:
        # Runs after the redraw (which clamped the time); let the time slider span the episode.
        self.controls["time"].max = len(self.episodes[change["new"]]["mask"]) - 1

    def compute(self, time: int, length: int | None = None) -> dict[str, Any]:
        length = self.lengths[0] if length is None else length
        if length not in self.episodes:
            raise ValueError(f"length must be one of {self.lengths}, got {length!r}")
        episode = self.episodes[length]
        steps = len(episode["mask"])
        if isinstance(time, bool) or not isinstance(time, int | np.integer) or time < 0:
            raise ValueError(f"time must be an integer >= 0, got {time!r}")
        # Past the episode's end (the slider still spans a longer one): its last step.
        return {"length": length, "time": min(int(time), steps - 1), **episode}

    def _key(self, state: dict[str, Any]) -> Any:
        return state["length"]

    def _make_plot(self, key: Any, dpi: float | None) -> MemoryUsePlot:
        e = self.episodes[key]
        return MemoryUsePlot(
            e["inputs"],
            e["outputs"],
            e["add"],
            e["reads"],
            e["write_weights"],
            e["read_weights"],
            e["mask"],
            live=True,
            dpi=dpi,
        )

    def _show(self, plot: MemoryUsePlot, state: dict[str, Any]) -> None:
        plot.update(state["time"])

    def _static(self, state: dict[str, Any]) -> Figure:
        names = ("inputs", "outputs", "add", "reads", "write_weights", "read_weights", "mask")
        return memory_use_figure(*(state[n] for n in names), time=state["time"])


def memory_use_explorer(
    model: Any,
    task: Any,
    lengths: Sequence[int] = (10, 20, 30, 50),
    *,
    seed: int = 0,
    head: int = 0,
    title: str | None = None,
) -> MemoryUseExplorer:
    """How an NTM uses its memory on one episode per length (the paper's Fig. 6).

    Panels: inputs, outputs, add vectors, read vectors, write and read weightings over time,
    and the focus path (the location each head looks at most, step by step). Sliders pick the
    length and move a time cursor; the caption under the figure says where both heads are.
    The model runs once per length when the explorer is built.

    Args:
        model: a model that supports ``forward_with_trace(inputs)`` (an NTM).
        task: a task with a "length" override (copy, repeat copy).
        lengths: one episode for each.
        seed: seeds the episodes (the same ones `generalisation_explorer` shows).
        head: which read and write head to draw.
        title: caption.
    Returns:
        a `MemoryUseExplorer` (its `summaries` hold `copy_memory_summary` per length).
    Raises:
        ValueError: a model without a trace, a task without lengths, bad lengths or head.

    Taught in `notebooks/05_training_copy`.
    """
    return MemoryUseExplorer(model, task, lengths, seed, head, title)
