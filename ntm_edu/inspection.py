"""Running a model for a picture, in one place: eval-mode runs, traces of episodes, grids.

Every figure of the course that shows a model at work needs the same few steps: put the model
in eval mode (and back afterwards, so a figure never changes how training continues), run it
without gradients on its own device, turn the logits into probabilities and the NTM's `Trace`
into plain NumPy arrays of one head. This module does those steps once, for notebooks,
widgets and tests alike; `ntm_edu.viz` then draws the arrays and `ntm_edu.widgets` scrubs
through them. It imports `model` and `tasks` only, never the training loop.

* `run`: one forward pass in eval mode (logits, and the trace on request), mode restored.
* `trace_arrays`: a run's inputs, outputs and one head's weightings and vectors as NumPy
  (the only place that reads `Trace` fields, so a change of the trace touches these lines);
  `record` is `run` followed by `trace_arrays`.
* `episode_arrays`: one seeded episode with its targets, mask and costs; `snapshot_weightings`:
  the weightings in a training run's probe snapshots.
* `generalisation_grid` (Figs. 4-5), `memory_use_episodes` (Fig. 6) and `prediction_grid`:
  one episode per test length or setting, for several models.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401.
Taught in `notebooks/05_training_copy` and `notebooks/07_repeat_copy`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from ntm_edu.model.trace import supports_trace
from ntm_edu.tasks import Batch, Task

__all__ = [
    "GENERALISATION_LENGTHS",
    "as_models",
    "episode_arrays",
    "generalisation_grid",
    "has_trace",
    "length_episode",
    "memory_use_episodes",
    "model_label",
    "prediction_grid",
    "record",
    "run",
    "run_with_trace",
    "snapshot_weightings",
    "trace_arrays",
]

# The paper's test lengths for copy (Figs. 4-5); 120 is close to the 128 memory locations.
GENERALISATION_LENGTHS = (10, 20, 30, 50, 120)


# --- models ------------------------------------------------------------------------------------


def has_trace(model: nn.Module) -> bool:
    """Whether `model` records a `Trace`: it has ``forward_with_trace`` (an NTM does)."""
    return supports_trace(model)


def model_label(model: Any) -> str:
    """ "NTM", "NTM (FF)" or "LSTM" for the course's models, else the class name."""
    name = type(model).__name__
    if name == "NTM":
        controller = getattr(model, "config", {}).get("controller", "lstm")
        return "NTM" if controller == "lstm" else "NTM (FF)"
    return "LSTM" if name == "LSTMBaseline" else name


def as_models(models: Any) -> dict[str, nn.Module]:
    """label -> model from one model, a list of models (labelled by `model_label`) or a dict."""
    if isinstance(models, nn.Module):
        models = [models]
    if isinstance(models, Mapping):
        result = dict(models)
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
        if not isinstance(model, nn.Module):
            raise ValueError(f"models[{label!r}] is a {type(model).__name__}, not a torch model")
    return result


@torch.no_grad()
def run(model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """One forward pass for a picture: eval mode, no gradients, the model's own device.

    The model's train/eval mode is restored afterwards, even if the pass fails.

    Args:
        model: any course model, ``forward(inputs) -> logits``.
        inputs: [B, T, I].
    Returns:
        logits [B, T, O] on the CPU.
    """
    return _in_eval_mode(model, lambda: model(_on_model_device(model, inputs))).cpu()


@torch.no_grad()
def run_with_trace(model: nn.Module, inputs: torch.Tensor) -> tuple[torch.Tensor, Any]:
    """`run`, and the NTM's `Trace` of the pass (``forward_with_trace``).

    Returns:
        logits [B, T, O] on the CPU and the `Trace` (detached, on the CPU).
    Raises:
        ValueError: for a model that records no trace (an LSTM).
    """
    if not has_trace(model):
        raise ValueError(f"a {type(model).__name__} records no trace (an NTM does)")
    logits, trace = _in_eval_mode(
        model, lambda: model.forward_with_trace(_on_model_device(model, inputs))
    )
    return logits.cpu(), trace


def _on_model_device(model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    return inputs.to(next((p.device for p in model.parameters()), torch.device("cpu")))


def _in_eval_mode(model: nn.Module, forward: Any) -> Any:
    """`forward()` with the model in eval mode, its own mode restored even after an error."""
    was_training = model.training
    model.eval()
    try:
        return forward()
    finally:
        model.train(was_training)


# --- arrays for figures ------------------------------------------------------------------------


def _numpy(value: Any) -> np.ndarray:
    value = value.detach().cpu().float() if isinstance(value, torch.Tensor) else value
    return np.asarray(value, dtype=np.float32)


def trace_arrays(
    inputs: Any, logits: Any, trace: Any = None, *, head: int | None = 0, index: int | None = None
) -> dict[str, np.ndarray]:
    """A run as the plain arrays `ntm_edu.viz` draws.

    Args:
        inputs: [B, T, I].  logits: [B, T, O].
        trace: the NTM's `Trace` of that run, or None (an LSTM: no weightings).
        head: which read and write head; None sums the weightings over heads (and leaves out
            the add and read vectors, which do not add up).
        index: one episode of the batch (its arrays lose the batch axis); None keeps it.
    Returns:
        "inputs" [B, T, I], "outputs" [B, T, O] (probabilities); with a trace also
        "write_weights", "read_weights" [B, T, N], "add", "reads" [B, T, M], the heads'
        addressing parameters "write_gate", "read_shift", ... (eqs. 5-9: key [B, T, M], beta,
        gate, gamma [B, T], shift [B, T, S]) and stages "read_content", "write_gated",
        "read_shifted", ... [B, T, N] of one head, and "write_heads" [B, T, Hw, N],
        "read_heads" [B, T, Hr, N] (all heads).
    """
    arrays = {"inputs": _numpy(inputs), "outputs": _numpy(torch.sigmoid(torch.as_tensor(logits)))}
    if trace is not None:
        # Every read of a Trace field is here: [B, T, H, ...] per kind of head.
        heads = {"write": _numpy(trace.write_weights), "read": _numpy(trace.read_weights)}
        vectors = {"add": _numpy(trace.add), "reads": _numpy(trace.reads)}
        count = min(h.shape[2] for h in heads.values())
        if head is not None and not (isinstance(head, int | np.integer) and 0 <= head < count):
            raise ValueError(f"head must be an integer in [0, {count - 1}], got {head!r}")
        for kind, weights in heads.items():
            arrays[f"{kind}_heads"] = weights  # (B, T, H, N)
            arrays[f"{kind}_weights"] = weights.sum(2) if head is None else weights[:, :, head]
        if head is not None:
            arrays.update({name: v[:, :, head] for name, v in vectors.items()})  # (B, T, M)
            for kind, params, stages in (
                ("write", trace.write_params, trace.write_stages),
                ("read", trace.read_params, trace.read_stages),
            ):
                # key (B, T, M); beta, gate, gamma (B, T); shift (B, T, S); stages (B, T, N)
                for group in (params, stages):
                    for field in dataclasses.fields(group):
                        value = getattr(group, field.name)
                        arrays[f"{kind}_{field.name}"] = _numpy(value)[:, :, head]
    if index is not None:
        arrays = {name: array[index] for name, array in arrays.items()}
    return arrays


def record(
    model: nn.Module, inputs: torch.Tensor, *, head: int | None = 0, index: int | None = None
) -> dict[str, np.ndarray]:
    """`run` (with the trace where the model has one) and then `trace_arrays`."""
    return _record(model, inputs, head, index)[1]


def _record(model: nn.Module, inputs: torch.Tensor, head: int | None, index: int | None):
    logits, trace = (
        run_with_trace(model, inputs) if has_trace(model) else (run(model, inputs), None)
    )
    return logits, trace_arrays(inputs, logits, trace, head=head, index=index)


def snapshot_weightings(snapshots: Sequence[Any], head: int = 0) -> dict[str, np.ndarray]:
    """One head's weightings in a run's probe snapshots (`History.snapshot(i)`), stacked.

    Returns:
        "write_weights", "read_weights": [S, B, T, N] (S snapshots of the B-sequence probe
        batch); empty for a model that records no weightings (an LSTM).
    """
    names = ("write_weights", "read_weights")
    if not snapshots or not all(name in snapshots[0].trace for name in names):
        return {}
    return {name: np.stack([s.trace[name][:, :, head] for s in snapshots]) for name in names}


def episode_arrays(
    model: nn.Module,
    task: Task,
    seed: int = 0,
    head: int | None = 0,
    batch: Batch | None = None,
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
        `trace_arrays` of the episode ("inputs", "outputs" and, for an NTM, "write_weights",
        "read_weights", ...) plus "targets" [T, O], "mask" [T] bool, "bits" and "bit_errors"
        (this episode's costs) and "info" (the batch's info, as numbers or lists).
    """
    if batch is None:
        batch = task.sample(1, torch.Generator().manual_seed(int(seed)), **overrides)
    logits, episode = _record(model, batch.inputs, head, 0)
    episode.update(
        targets=batch.targets[0].numpy(),  # (T, O)
        mask=batch.mask[0].numpy(),  # (T,)
        bits=float(task.bits_per_sequence(logits, batch)),
        bit_errors=float(task.bit_errors_per_sequence(logits, batch)),
        info={k: v[0].tolist() for k, v in batch.info.items()},
    )
    return episode


# --- one episode per setting -------------------------------------------------------------------


def length_episode(task: Task, length: int, seed: int = 0) -> Batch:
    """One seeded episode of `length`, from its own generator (adding a length changes none of
    the others): the sequences every generalisation and memory-use figure shows."""
    if "length" not in task.override_names:
        raise ValueError(
            f"task {task.name!r} has no 'length' override; these figures vary the sequence "
            f"length (use the copy or repeat copy task)"
        )
    return task.sample(1, generator=torch.Generator().manual_seed(seed * 10_007 + length),
                       length=length)  # fmt: skip


def _lengths(lengths: Any) -> list[int]:
    try:
        lengths = [int(x) for x in lengths]
    except (TypeError, ValueError) as error:
        raise ValueError(f"lengths must be a sequence of integers, got {lengths!r}") from error
    if not lengths or any(x < 1 for x in lengths) or len(set(lengths)) != len(lengths):
        raise ValueError(f"lengths must be distinct integers >= 1, got {lengths}")
    return lengths


def generalisation_grid(
    models: Any, task: Task, lengths: Sequence[int] = GENERALISATION_LENGTHS, seed: int = 0
) -> dict[int, dict[str, Any]]:
    """Each model's answer to one seeded sequence per test length (the paper's Figs. 4-5).

    Args:
        models: one model, a list of models or a dict label -> model (`as_models`).
        task: a task with a "length" override (copy, repeat copy).
        lengths: the test lengths.  seed: seeds the sequences (`length_episode`).
    Returns:
        length -> {"targets" [L', O], "outputs": {label: [L', O]}, "bit_errors": {label:
        float}, "bits": {label: float}}, the answer phase only (the L' scored steps).
    """
    models = as_models(models)
    grid: dict[int, dict[str, Any]] = {}
    for L in _lengths(lengths):
        batch = length_episode(task, L, seed)
        scored = batch.mask[0]
        entry: dict[str, Any] = {"targets": batch.targets[0, scored].numpy()}
        entry.update(outputs={}, bit_errors={}, bits={})
        for label, model in models.items():
            logits = run(model, batch.inputs)
            entry["outputs"][label] = torch.sigmoid(logits[0, scored]).numpy()
            entry["bit_errors"][label] = float(task.bit_errors_per_sequence(logits, batch))
            entry["bits"][label] = float(task.bits_per_sequence(logits, batch))
        grid[L] = entry
    return grid


def memory_use_episodes(
    model: nn.Module, task: Task, lengths: Sequence[int] = (10, 20, 30, 50), seed: int = 0,
    head: int = 0,
) -> dict[int, dict[str, Any]]:  # fmt: skip
    """One traced episode per length (the paper's Fig. 6): length -> `episode_arrays` of the
    sequence `length_episode` draws (the one `generalisation_grid` shows)."""
    if not has_trace(model):
        raise ValueError(f"memory use needs an NTM's trace, got a {type(model).__name__}")
    return {
        L: episode_arrays(model, task, head=head, batch=length_episode(task, L, seed))
        for L in _lengths(lengths)
    }


def prediction_grid(
    models: Mapping[str, nn.Module],
    task: Task,
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
        cell = {name: first[name] for name in ("inputs", "targets", "mask")}
        for name in ("outputs", "bit_errors", "bits"):
            cell[name] = {label: e[name] for label, e in episodes.items()}
        grid[tuple(int(v) for v in setting.values())] = {**cell, "episodes": episodes}
    return grid
