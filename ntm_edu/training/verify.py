"""What a checkpoint must pass before it is trusted: intact bytes, sane sizes, finite numbers.

`load_checkpoint` runs these checks on every file before it builds anything, and turns each
failure into a `CheckpointError` naming the file:

1. `check_archive`: ``torch.save`` writes a zip archive holding a CRC-32 of every record (the
   pickle and each tensor's bytes), but ``torch.load`` never looks at them, so 32 flipped bytes
   inside a weight loaded silently. ``zipfile.ZipFile.testzip`` reads every record once and
   compares (a few milliseconds for a 2 MB file). Files written before this check existed carry
   the same CRCs, so the shipped ones are verified too.
2. `check_model_config`: every value within what the constructor accepts, plus upper bounds
   no course model comes near, checked by building the model on PyTorch's "meta" device (shapes
   only, no memory, no random numbers drawn) and counting its numbers. A hostile file with
   ``memory_locations=1e9`` fails here instead of asking for 80 GB.
3. `check_task_config` and `check_train_config`: plain, finite values within bounds, so a
   resumed run cannot be asked to sample batches of a billion sequences.
4. `check_finite`: weights and optimizer moments hold no NaN or infinity (evaluating NaN
   weights gives NaN costs, and resuming from them trains nothing).

The History's own numbers (step count, generator state) are checked by `History.from_state`.
Each check raises `Untrusted` with a one-line reason.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ntm_edu.training.callbacks import as_curriculum
from ntm_edu.training.settings import TRAIN_DEFAULTS, check_settings

__all__ = [
    "MAX_MODEL_NUMBERS",
    "MAX_SETTING",
    "MODEL_LIMITS",
    "Untrusted",
    "check_archive",
    "check_finite",
    "check_model_config",
    "check_optimizer_state",
    "check_task_config",
    "check_train_config",
]

# Upper bounds on model settings, far above the paper's largest models (a 3 x 512 LSTM, a
# 128 x 20 memory, 8 heads) yet small enough that building the module on the meta device is
# instant (nn.LSTM makes its layers in a Python loop).
MODEL_LIMITS = dict(
    input_size=10_000,
    output_size=10_000,
    controller_size=10_000,
    controller_layers=32,
    hidden_size=10_000,
    layers=32,
    read_heads=64,
    write_heads=64,
    memory_locations=100_000,
    memory_width=10_000,
    shift_range=1_000,
)
# Numbers in a model's parameters and buffers: 50M is 200 MB of float32 (the largest default
# model, the 3 x 512 LSTM of repeat copy, holds 5.3M).
MAX_MODEL_NUMBERS = 50_000_000
# Upper bound on every number in a task's settings and on the batch size (the paper's tasks
# use lengths up to 200 and batches of 1-32).
MAX_SETTING = 10_000


class Untrusted(ValueError):
    """A checkpoint failed a check; the message says which and why (without the path)."""


def check_archive(path: Path) -> None:
    """Every record of the zip archive `torch.save` wrote matches its stored CRC-32."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            infos = archive.infolist()
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ) as error:
        raise Untrusted(f"corrupt: the zip archive cannot be read ({error})") from None
    if bad is not None:
        raise Untrusted(f"corrupt: record {bad!r} does not match its CRC-32 checksum")
    for info in infos:
        # torch's reader (miniz) treats a record whose MS-DOS "directory" attribute is set as
        # a folder and hands back uninitialised memory for its bytes; zipfile ignores the bit.
        if info.is_dir() or info.external_attr & 0x10:
            raise Untrusted(f"corrupt: record {info.filename!r} is marked as a folder")


def _plain_values(what: str, config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise Untrusted(f"{what} is not a dict")
    for key, value in config.items():
        if not isinstance(key, str):
            raise Untrusted(f"{what} has a non-text key {key!r}")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise Untrusted(f"{what}[{key!r}] is a {type(value).__name__}, not a plain value")
        if isinstance(value, float) and not math.isfinite(value):
            raise Untrusted(f"{what}[{key!r}] is {value}, not a finite number")
    return config


def check_model_config(cls: type[nn.Module], config: Any) -> None:
    """`cls(**config)` is accepted by the constructor and stays under the size limits."""
    _plain_values("model_config", config)
    for key, limit in MODEL_LIMITS.items():
        value = config.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > limit:
            raise Untrusted(f"model_config[{key!r}] = {value!r} is over the limit of {limit:,}")
    try:
        with torch.device("meta"):  # shapes only: nothing is allocated
            model = cls(**config)
    except (TypeError, ValueError, OverflowError, RuntimeError) as error:
        raise Untrusted(f"cannot build {cls.__name__}(**{config!r}): {error}") from None
    numbers = sum(t.numel() for t in model.parameters()) + sum(t.numel() for t in model.buffers())
    if numbers > MAX_MODEL_NUMBERS:
        raise Untrusted(
            f"model_config describes a {cls.__name__} of {numbers:,} numbers, over the limit "
            f"of {MAX_MODEL_NUMBERS:,}"
        )


def check_task_config(config: Any) -> None:
    """Plain values, every number finite and at most `MAX_SETTING` (make_task checks the rest)."""
    _plain_values("task_config", config if config is not None else {})
    for key, value in (config or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value > MAX_SETTING:
            raise Untrusted(f"task_config[{key!r}] = {value!r} is over the limit {MAX_SETTING:,}")


def check_train_config(config: dict[str, Any]) -> None:
    """The settings a resumed run would reuse are ones `train` accepts, the batch bounded."""
    settings = {**TRAIN_DEFAULTS, **{k: v for k, v in config.items() if k in TRAIN_DEFAULTS}}
    try:
        check_settings(settings, 0)
        if settings["batch_size"] > MAX_SETTING:
            raise ValueError(f"batch_size {settings['batch_size']} is over {MAX_SETTING:,}")
        lr = settings["lr"]
        if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
            raise ValueError(f"lr must be a positive finite number, got {lr!r}")
        if str(settings["optimizer"]).lower() not in ("adam", "rmsprop"):
            raise ValueError(f"unknown optimizer {settings['optimizer']!r}")
        as_curriculum(settings["curriculum"])
    except (TypeError, ValueError) as error:
        raise Untrusted(f"bad training settings in the history: {error}") from None


def check_finite(what: str, state: Any) -> None:
    """No floating-point tensor in `state` (nested dicts/lists) holds a NaN or infinity."""
    for name, tensor in _tensors(state, what):
        if tensor.is_floating_point() or tensor.is_complex():
            if not bool(torch.isfinite(tensor).all()):
                kind = "NaN" if bool(torch.isnan(tensor).any()) else "infinite values"
                raise Untrusted(f"{name} holds {kind}; a checkpoint's numbers must be finite")


def check_optimizer_state(state: Any, model: nn.Module) -> None:
    """An optimizer state dict shaped for `model`'s parameters, with finite moments."""
    if state is None:
        return
    if not isinstance(state, dict) or not isinstance(state.get("param_groups"), list):
        raise Untrusted("the optimizer state is not an optimizer state dict")
    shapes = [tuple(p.shape) for p in model.parameters()]
    ids = [i for group in state["param_groups"] for i in group.get("params", [])]
    if sorted(ids) != list(range(len(shapes))):
        raise Untrusted(
            f"the optimizer state covers parameters {ids[:5]}..., not the model's {len(shapes)}"
        )
    per_param = state.get("state")
    if not isinstance(per_param, dict):
        raise Untrusted("the optimizer state has no per-parameter 'state' dict")
    for index, entries in per_param.items():
        if index not in range(len(shapes)) or not isinstance(entries, dict):
            raise Untrusted(f"the optimizer state has a bad entry for parameter {index!r}")
        for key, value in entries.items():
            if isinstance(value, torch.Tensor) and value.dim() > 0:
                if tuple(value.shape) != shapes[index]:
                    raise Untrusted(
                        f"optimizer {key!r} of parameter {index} has shape "
                        f"{tuple(value.shape)}, the parameter {shapes[index]}"
                    )
    check_finite("optimizer state", per_param)


def _tensors(value: Any, name: str):
    if isinstance(value, torch.Tensor):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _tensors(item, f"{name}[{key!r}]")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _tensors(item, f"{name}[{i}]")
