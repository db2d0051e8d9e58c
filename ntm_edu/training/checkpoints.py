"""One-file checkpoints: versioned, saved atomically, verified, loaded with ``weights_only=True``.

A checkpoint holds everything needed to rebuild and continue a run:

* a format marker and version (a file from a future format is refused, not misread);
* the model's class name and `config` (its constructor kwargs) and its state dict;
* the task's name and `config`, rebuilt with `ntm_edu.tasks.make_task`;
* the `History` (learning curve, probe snapshots, step count, data-generator state);
* the optimizer state (optional: shipped pretrained files leave it out to stay small);
* an `extra` dict of plain values for the caller.

Only tensors and plain Python values are stored, so `torch.load(..., weights_only=True)` reads
the file: loading a checkpoint never runs code from it (a pickle that names a Python class is
refused). Before anything is built from a file it is verified (`verify.py`): the zip archive's
CRC-32 checksums, the sizes in its configs, finite weights, a sane step count and generator
state; a file that fails is refused with a `CheckpointError` naming it.

Saving (`atomic.py`) writes a temporary file in the same folder, fsyncs it and renames it over
the target (`os.replace` is atomic), so a crash or a full disk mid-save leaves the previous
checkpoint intact and the error says so. A temporary file left by a process killed mid-save
(SIGKILL runs no cleanup) is removed by the next save of the same file.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ntm_edu.model import MODEL_CLASSES
from ntm_edu.tasks import Task
from ntm_edu.tasks import make_task as default_make_task
from ntm_edu.training import verify
from ntm_edu.training.atomic import SaveFailed, atomic_torch_save
from ntm_edu.training.device import pick_device
from ntm_edu.training.history import History, _plain

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Checkpoint",
    "CheckpointError",
    "load_checkpoint",
    "save_checkpoint",
]

FORMAT = "ntm_edu.checkpoint"  # marker: tells our files from any other torch.save output
FORMAT_VERSION = 1  # bump when the layout changes; load refuses versions it does not know

_REQUIRED_KEYS = (
    "format",
    "format_version",
    "model_class",
    "model_config",
    "task_name",
    "task_config",
    "state_dict",
    "history",
)


class CheckpointError(ValueError):
    """A checkpoint file is missing, unreadable or does not match this code; names the file."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"checkpoint {str(path)!r}: {problem}")


@dataclass
class Checkpoint:
    """A loaded checkpoint: the rebuilt model (eval mode) and task, and the History.

    Continue training with ``train(ckpt.model, ckpt.task, steps, history=ckpt.history)``: the
    History carries the optimizer state, step count and data stream of the saved run.
    """

    path: Path
    model: nn.Module
    task: Task
    history: History
    optimizer_state: dict[str, Any] | None
    model_class: str
    model_config: dict[str, Any]
    task_name: str
    task_config: dict[str, Any]
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def step(self) -> int:
        return self.history.step


def _to_cpu(value: Any) -> Any:
    """Recursively move tensors to the CPU (so a CUDA run's file loads anywhere)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {k: _to_cpu(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_to_cpu(v) for v in value)
    return value


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    task: Task,
    history: History | None = None,
    optimizer: torch.optim.Optimizer | dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    include_optimizer: bool = True,
) -> Path:
    """Write one checkpoint file atomically.

    Args:
        path: the file to write (its folder is created if needed).
        model: a module with a `config` dict of constructor kwargs.
        task: a Task with `name` and `config`.
        history: the run's History (None: an empty one).
        optimizer: an optimizer or its state dict; None uses `history.optimizer_state`.
        extra: plain values to keep alongside (e.g. the recipe that produced the file).
        include_optimizer: False leaves the optimizer state out (smaller, not resumable
            exactly).
    Returns:
        the path written.
    Raises:
        ValueError: the model has no `config` dict or the task no `name`/`config`.
        CheckpointError: the file could not be written (full disk, no permission, ...); a
            previous file at `path` is left unchanged and no temporary file remains.
    """
    path = Path(path)
    config = getattr(model, "config", None)
    if not isinstance(config, dict):
        raise ValueError(
            f"{type(model).__name__} has no `config` dict of constructor kwargs; a checkpoint "
            f"needs it to rebuild the model"
        )
    if not isinstance(getattr(task, "config", None), dict) or not getattr(task, "name", None):
        raise ValueError(f"task {task!r} needs a `name` and a `config` dict to be saved")
    history = history if history is not None else History()
    if isinstance(optimizer, torch.optim.Optimizer):
        optimizer_state = optimizer.state_dict()
    else:
        optimizer_state = optimizer if optimizer is not None else history.optimizer_state
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_class": type(model).__name__,
        "model_config": _plain(config),
        "task_name": str(task.name),
        "task_config": _plain(task.config),
        "state_dict": _to_cpu(dict(model.state_dict())),
        "history": _to_cpu(history.to_state()),
        "optimizer": _to_cpu(optimizer_state) if include_optimizer else None,
        "extra": _plain(extra or {}),
        "torch_version": str(torch.__version__),
    }
    try:
        atomic_torch_save(payload, path)
    except SaveFailed as error:
        raise CheckpointError(path, str(error)) from error.__cause__
    return path


def _read(path: Path, map_location: torch.device) -> dict[str, Any]:
    if not path.exists():
        raise CheckpointError(path, "no such file")
    if not path.is_file():
        raise CheckpointError(path, "not a file")
    # torch.save writes a zip archive; random bytes or a cut-off file lack its central
    # directory, so this catches corruption and truncation before the unpickler runs.
    try:
        is_zip = zipfile.is_zipfile(path)
    except zipfile.BadZipFile:  # a damaged end record ("spans multiple disks") raises
        is_zip = False
    if not is_zip:
        raise CheckpointError(
            path, "not a readable checkpoint (corrupt or truncated?): not a torch zip archive"
        )
    try:
        verify.check_archive(path)  # torch.load itself ignores the archive's checksums
    except verify.Untrusted as error:
        raise CheckpointError(path, str(error)) from None
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        if "unsupported global" in str(error).lower():
            raise CheckpointError(
                path,
                "refused: it contains Python objects other than tensors and plain values "
                "(checkpoints are loaded with weights_only=True so that loading never runs code)",
            ) from error
        raise CheckpointError(path, f"not a readable checkpoint (corrupt?): {error}") from error
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile, KeyError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CheckpointError(
            path,
            f"not a readable checkpoint (corrupt or truncated?): {type(error).__name__}: "
            f"{first_line}",
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(path, f"not an ntm_edu checkpoint (no {FORMAT!r} format marker)")
    version = payload.get("format_version")
    if version != FORMAT_VERSION:
        raise CheckpointError(
            path,
            f"format version {version!r} is not supported; this ntm_edu reads version "
            f"{FORMAT_VERSION} (retrain, or use the ntm_edu version that wrote it)",
        )
    missing = [key for key in _REQUIRED_KEYS if key not in payload]
    if missing:
        raise CheckpointError(path, f"missing keys: {', '.join(missing)}")
    return payload


def _state_dict_problem(model: nn.Module, state: dict[str, Any]) -> str | None:
    """Describe how `state` fails to fit `model` (missing/unexpected keys, shapes), or None."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shapes = [
        f"{k}: file {tuple(state[k].shape)} vs model {tuple(v.shape)}"
        for k, v in expected.items()
        if k in state
        and isinstance(state[k], torch.Tensor)
        and tuple(state[k].shape) != tuple(v.shape)
    ]
    parts = []
    if missing:
        parts.append(f"missing keys {missing[:5]}" + (" ..." if len(missing) > 5 else ""))
    if unexpected:
        parts.append(f"unexpected keys {unexpected[:5]}" + (" ..." if len(unexpected) > 5 else ""))
    if shapes:
        parts.append(
            "shape mismatch " + "; ".join(shapes[:3]) + (" ..." if len(shapes) > 3 else "")
        )
    return ", ".join(parts) if parts else None


def load_checkpoint(
    path: str | Path,
    device: str | torch.device | None = "cpu",
    model_classes: dict[str, type[nn.Module]] | None = None,
    make_task: Callable[..., Any] | None = None,
) -> Checkpoint:
    """Read a checkpoint written by `save_checkpoint` and rebuild its model and task.

    Args:
        path: the file.
        device: where to put the model and tensors ("cpu", "cuda", "auto", ...).
        model_classes: class name -> class; default `ntm_edu.model.MODEL_CLASSES`.
        make_task: (name, **config) -> Task; default `ntm_edu.tasks.make_task`.
    Returns:
        a `Checkpoint` with the model in eval mode on `device`.
    Raises:
        CheckpointError: missing, corrupt (a checksum fails), truncated or foreign file,
            unsupported format version, unknown model class or task, settings outside the
            constructors' limits or the bounds of `verify.py`, weights or optimizer state that
            are not finite or do not fit the architecture, a bad step count or generator
            state. The message names the file and the problem.
    """
    path = Path(path)
    target = pick_device(device)
    payload = _read(path, target)

    model_classes = MODEL_CLASSES if model_classes is None else model_classes
    make_task = default_make_task if make_task is None else make_task

    class_name = payload["model_class"]
    model_config = payload["model_config"]
    cls = model_classes.get(class_name)
    if cls is None:
        known = ", ".join(sorted(model_classes)) or "none"
        raise CheckpointError(path, f"unknown model class {class_name!r} (known: {known})")
    state = payload["state_dict"]
    task_name, task_config = payload["task_name"], payload["task_config"]
    try:  # everything the file claims, before anything is built from it
        verify.check_model_config(cls, model_config)
        if not isinstance(state, dict):
            raise verify.Untrusted("state_dict is not a dict")
        verify.check_finite("weights", state)
        verify.check_task_config(task_config)
        try:
            history = History.from_state(payload["history"])
        except (ValueError, TypeError, KeyError, RuntimeError) as error:
            raise verify.Untrusted(f"bad history: {error}") from None
        verify.check_train_config(history.train_config)
    except verify.Untrusted as error:
        raise CheckpointError(path, str(error)) from None
    try:
        model = cls(**model_config)
    except (TypeError, ValueError) as error:
        raise CheckpointError(
            path, f"cannot build {class_name}(**{model_config!r}): {error}"
        ) from error
    problem = _state_dict_problem(model, state)
    if problem:
        raise CheckpointError(
            path, f"weights do not match the {class_name} architecture in the file: {problem}"
        )
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise CheckpointError(path, f"weights do not fit {class_name}: {error}") from error
    model.to(target)
    model.eval()

    try:
        task = make_task(task_name, **(task_config or {}))
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(
            path, f"cannot rebuild task {task_name!r} with {task_config!r}: {error}"
        ) from error
    try:
        verify.check_optimizer_state(payload.get("optimizer"), model)
    except verify.Untrusted as error:
        raise CheckpointError(path, str(error)) from None
    history.optimizer_state = payload.get("optimizer")
    return Checkpoint(
        path=path,
        model=model,
        task=task,
        history=history,
        optimizer_state=payload.get("optimizer"),
        model_class=class_name,
        model_config=dict(model_config),
        task_name=task_name,
        task_config=dict(task_config or {}),
        format_version=payload["format_version"],
        extra=dict(payload.get("extra") or {}),
    )
