"""A small, model-agnostic training loop: `train`, `evaluate` and `pick_device`.

In the spirit of minGPT's trainer, nothing here knows about Neural Turing Machines: `train`
takes any `nn.Module` mapping inputs [B, T, I] to logits [B, T, O] and any `Task`
(`ntm_edu.tasks`). Everything task- or model-specific enters through callbacks:

* `ProbeRecorder` takes the probe snapshots a `History` keeps. It asks a model for
  ``forward_with_trace(inputs)`` only if the model has one (`supports_trace`), so an NTM
  records its read/write weightings while an LSTM records only its outputs.
* `Curriculum` raises the upper bound of a task setting (e.g. the copy length) as the
  training error drops, through per-draw sample overrides.

What the loop does itself, following the paper (Graves et al. 2014, §4;
https://arxiv.org/abs/1410.5401) where it says something:

* batches are sampled on the CPU from one seeded `torch.Generator`, then moved to the device,
  so a run on CUDA sees exactly the data a CPU run sees;
* the objective is `task.loss` (mean cross-entropy per scored bit); the learning curve is the
  paper's *bits per sequence*, plus the count of wrong bits;
* gradients are clipped element-wise to [-clip, clip] ("all gradient components are clipped
  elementwise to the range (-10, 10)", §4) and optionally by global norm (`clip_norm`);
* a non-finite loss or gradient stops training with `TrainingDiverged` *before*
  `optimizer.step()`, so the weights never absorb a NaN;
* `History` keeps the data-generator state, the optimizer state and the step count, so that
  ``train(N)`` and ``train(k)`` + save + load + ``train(N - k)`` give identical weights.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ntm_edu._paths import check_output_file
from ntm_edu.model.compiled import use_compiled_step
from ntm_edu.model.trace import TRACE_TENSORS, supports_trace
from ntm_edu.training.history import History
from ntm_edu.training.interrupts import StopOnSignal, TrainingInterrupted

__all__ = [
    "TRAIN_DEFAULTS",
    "Callback",
    "Curriculum",
    "ProbeRecorder",
    "TrainContext",
    "TrainingDiverged",
    "evaluate",
    "make_optimizer",
    "pick_device",
    "train",
]

# Settings `train` uses when neither the caller nor a resumed History gives one.
# `default_config(task, model_kind)` (ntm_edu.training.config) holds the per-task choices.
TRAIN_DEFAULTS: dict[str, Any] = dict(
    batch_size=32,  # sequences per step (the paper does not state one; Collier & Beel use 32)
    optimizer="adam",  # "adam" or "rmsprop" (the paper's centred RMSProp with momentum 0.9)
    lr=1e-3,  # Adam 1e-3 trains the NTM stably (Collier & Beel 2018); the paper's RMSProp: 1e-4
    clip=10.0,  # element-wise gradient clip to [-clip, clip] as in the paper, §4; None: off
    clip_norm=None,  # optional global-norm clip applied after the element-wise one
    seed=0,  # seeds the generator that samples training (and probe) batches
    log_every=10,  # steps averaged into one point of the learning curve
    probe_every=0,  # steps between probe snapshots; 0: no snapshots
    probe_size=2,  # sequences in the probe batch (1-4 keeps snapshots small)
    probe_overrides=None,  # task overrides for the probe batch, e.g. {"length": 10}
    curriculum=None,  # a Curriculum (or its dict) raising a task setting as errors drop
    guard=None,  # CollapseGuard arguments (a dict; True: its defaults); None/False: no guard
)

# The environment variable that decides what device="auto" means (e.g. "cpu" on a GPU box).
DEVICE_ENV = "NTM_EDU_DEVICE"

# Offset between the training-data seed and the probe-batch seed: two independent streams.
_PROBE_SEED_OFFSET = 1_000_003


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; the weights were left as they were.

    Attributes:
        step: the step (1-based, counted over the whole run) whose update was refused.
        what: "loss" or the name of the first parameter with a non-finite gradient.
    """

    def __init__(self, step: int, what: str, value: float | None = None):
        self.step = step
        self.what = what
        detail = (
            f"the loss is {value}" if what == "loss" else f"the gradient of {what!r} is not finite"
        )
        super().__init__(
            f"training diverged at step {step}: {detail}. The update was not applied, so the "
            f"weights are those after step {step - 1}. Try a lower learning rate or "
            f"stronger clipping (clip=..., clip_norm=...)."
        )


# ---------------------------------------------------------------------------------- devices
def pick_device(device: str | torch.device | None = "auto") -> torch.device:
    """Resolve a device name: "auto" is CUDA when available, else CPU.

    The environment variable ``NTM_EDU_DEVICE`` (e.g. ``cpu`` or ``cuda:1``) decides what "auto"
    means, so a whole notebook or CI run can be forced onto one device; an explicit device
    argument wins over it.

    Args:
        device: "auto", None (same as "auto"), "cpu", "cuda", "cuda:N", "mps" or a torch.device.
    Returns:
        the torch.device.
    Raises:
        ValueError: for an unknown device name or a device this machine does not have.
    """
    source = "device"
    if device is None or (isinstance(device, str) and device.strip().lower() == "auto"):
        forced = os.environ.get(DEVICE_ENV, "").strip()
        if forced and forced.lower() != "auto":
            device, source = forced, f"{DEVICE_ENV}={forced!r}"
        else:
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as error:
        raise ValueError(
            f"unknown device {device!r} (from {source}): use 'auto', 'cpu', 'cuda', 'cuda:N' "
            f"or 'mps'"
        ) from error
    if resolved.type == "cpu":
        return resolved
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device {str(resolved)!r} (from {source}) was requested but CUDA is not "
                f"available on this machine; use 'cpu' or 'auto'"
            )
        count = torch.cuda.device_count()
        if resolved.index is not None and resolved.index >= count:
            raise ValueError(
                f"device {str(resolved)!r} (from {source}) does not exist: this machine has "
                f"{count} CUDA device(s), cuda:0..cuda:{count - 1}"
            )
        return resolved
    if resolved.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ValueError(f"device 'mps' (from {source}) is not available on this machine")
        return resolved
    raise ValueError(
        f"unsupported device {str(resolved)!r} (from {source}): use 'auto', 'cpu', 'cuda' or 'mps'"
    )


def _model_device(model: nn.Module) -> torch.device:
    for tensor in model.parameters():
        return tensor.device
    return torch.device("cpu")


# ---------------------------------------------------------------------------------- callbacks
@dataclass
class TrainContext:
    """What callbacks see. Set `stop = True` to end training after the current step."""

    model: nn.Module
    task: Any
    history: History
    device: torch.device
    optimizer: torch.optim.Optimizer
    settings: dict[str, Any]
    batch: Any = None  # the Batch of the step that just ended
    logits: torch.Tensor | None = None  # its outputs [B, T, O], detached
    loss: float = float("nan")
    stop: bool = False

    @property
    def step(self) -> int:
        return self.history.step


class Callback:
    """Hooks into `train`. Override the ones you need; a plain function works as on_step_end."""

    def on_train_begin(self, ctx: TrainContext) -> None:
        """Before the first step of this `train` call (also when resuming)."""

    def sample_overrides(self, ctx: TrainContext, generator: torch.Generator) -> dict[str, Any]:
        """Task overrides for the next training batch (draw any randomness from `generator`)."""
        return {}

    def on_step_end(self, ctx: TrainContext) -> None:
        """After each optimizer step (ctx.step already counts it)."""

    def on_log(self, ctx: TrainContext) -> None:
        """After a point was appended to the learning curve (every `log_every` steps)."""

    def on_train_end(self, ctx: TrainContext) -> None:
        """After the last step of this `train` call, if it ended normally."""


class _FunctionCallback(Callback):
    def __init__(self, function: Callable[[TrainContext], Any]):
        self.function = function

    def on_step_end(self, ctx: TrainContext) -> None:
        self.function(ctx)


# Trace fields kept in probe snapshots by default: the paper's Fig. 6 shows exactly these, the
# add vectors and the weightings. Any name of `model.trace.TRACE_TENSORS` can be kept.
DEFAULT_TRACE_FIELDS = ("read_weights", "write_weights", "add")


class ProbeRecorder(Callback):
    """Record a probe snapshot every `every` steps (and one of the untrained model at step 0).

    The probe batch is drawn once, from its own seeded generator, and stored in the History;
    a resumed run reuses it, so all snapshots of a run describe the same sequences.

    Args:
        every: steps between snapshots (> 0).
        size: sequences in the probe batch.
        seed: seed of the probe batch.
        overrides: task overrides for the probe batch (e.g. {"length": 10}).
        fields: `Trace` tensors to keep (names in `TRACE_TENSORS`), for models that have a
            `forward_with_trace` (`supports_trace`).
    """

    def __init__(
        self,
        every: int,
        size: int = 2,
        seed: int = 0,
        overrides: dict[str, Any] | None = None,
        fields: Iterable[str] = DEFAULT_TRACE_FIELDS,
    ):
        if every < 1:
            raise ValueError(f"probe_every must be >= 1, got {every}")
        if not 1 <= size <= 64:
            raise ValueError(f"probe_size must be in [1, 64], got {size}")
        self.every = int(every)
        self.size = int(size)
        self.seed = int(seed)
        self.overrides = dict(overrides or {})
        self.fields = tuple(fields)
        unknown = sorted(set(self.fields) - set(TRACE_TENSORS))
        if unknown:
            raise ValueError(f"unknown trace fields {unknown}: choose from {list(TRACE_TENSORS)}")

    def on_train_begin(self, ctx: TrainContext) -> None:
        history = ctx.history
        history.probe_every = self.every
        if history.probe is None:
            generator = torch.Generator().manual_seed(self.seed + _PROBE_SEED_OFFSET)
            batch = ctx.task.sample(self.size, generator=generator, **self.overrides)
            history.set_probe(batch.inputs, batch.targets, batch.mask)
        if history.step == 0 and not history.snapshots:
            self.record(ctx)

    def on_step_end(self, ctx: TrainContext) -> None:
        if ctx.step % self.every == 0:
            self.record(ctx)

    @torch.no_grad()
    def record(self, ctx: TrainContext) -> None:
        """Run the model on the probe batch (eval mode, no grad) and store a snapshot."""
        from ntm_edu.tasks.base import Batch

        probe = ctx.history.probe
        batch = Batch(
            inputs=probe["inputs"].float(),
            targets=probe["targets"].float(),
            mask=probe["mask"],
        ).to(ctx.device)
        model = ctx.model
        was_training = model.training
        model.eval()
        try:
            trace_tensors: dict[str, torch.Tensor] = {}
            if supports_trace(model):
                logits, trace = model.forward_with_trace(batch.inputs)
                for name in self.fields:
                    value = getattr(trace, name)
                    if value is not None:  # `memory` is None unless asked for
                        trace_tensors[name] = value
            else:
                logits = model(batch.inputs)
            bits = float(ctx.task.bits_per_sequence(logits, batch))
            errors = float(ctx.task.bit_errors_per_sequence(logits, batch))
        finally:
            model.train(was_training)
        ctx.history.add_snapshot(torch.sigmoid(logits), trace_tensors, bits, errors)


@dataclass
class Curriculum:
    """Raise the upper bound of one task setting step by step as the model masters it.

    Each training batch gets the override ``field=v`` with v drawn uniformly from
    [low, bound] (from the training generator). The bound starts at `start`; whenever a point
    of the learning curve (a running mean over `log_every` steps) has fewer than `threshold`
    wrong bits per sequence, it grows by `increment`, up to `stop`. Once it reaches `stop` the
    curriculum steps aside and the task samples from its own configuration.

    For copy, ``Curriculum("length", start=2)`` first trains on 1-2 vectors, then lengthens
    them to the task's `max_length`. A caution measured here (`benchmarks/convergence.py`):
    with the NTM on copy it *slows* learning, because an LSTM controller can memorise a few
    short vectors by itself and never needs the memory until the bound stalls; so no default
    config uses one. Its only state is the bound, kept in `History.schedule`, so a resumed run
    continues the schedule exactly.

    Attributes:
        field: the override to set: "length" (copy, repeat copy), "repeats", "items".
        start: the first upper bound.
        stop: the last one; None: the task's ``max_<field>`` setting.
        low: the lower bound of the draws; None: the task's ``min_<field>`` setting (or 1).
        increment: added to the bound at each promotion.
        threshold: promote when a logged point has fewer bit errors per sequence than this.
    """

    field: str = "length"
    start: int = 2
    stop: int | None = None
    low: int | None = None
    increment: int = 1
    threshold: float = 0.5

    def __post_init__(self) -> None:
        from ntm_edu.tasks.base import check_int_range

        check_int_range("curriculum start", self.start, 1)
        check_int_range("curriculum increment", self.increment, 1)
        if self.stop is not None:
            check_int_range("curriculum stop", self.stop, self.start)
        if self.low is not None:
            check_int_range("curriculum low", self.low, 1, self.start)
        if not self.threshold > 0:
            raise ValueError(f"curriculum threshold must be > 0, got {self.threshold}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def _bounds(self, task: Any) -> tuple[int, int]:
        config = getattr(task, "config", {})
        stop = self.stop if self.stop is not None else config.get(f"max_{self.field}")
        low = self.low if self.low is not None else config.get(f"min_{self.field}", 1)
        if stop is None:
            raise ValueError(
                f"curriculum on {self.field!r}: give `stop`, the task has no "
                f"'max_{self.field}' setting"
            )
        if not low <= self.start <= stop:
            raise ValueError(
                f"curriculum on {self.field!r} needs low <= start <= stop, got "
                f"low={low}, start={self.start}, stop={stop}"
            )
        return int(low), int(stop)

    def on_train_begin(self, ctx: TrainContext) -> None:
        self._bounds(ctx.task)  # fail before the first step, not in the middle of a run
        ctx.history.schedule.setdefault(self.field, self.start)

    def sample_overrides(self, ctx: TrainContext, generator: torch.Generator) -> dict[str, Any]:
        low, stop = self._bounds(ctx.task)
        bound = ctx.history.schedule.get(self.field, self.start)
        if bound >= stop:
            return {}
        draw = torch.randint(low, bound + 1, (1,), generator=generator)
        return {self.field: int(draw)}

    def on_log(self, ctx: TrainContext) -> None:
        _, stop = self._bounds(ctx.task)
        bound = ctx.history.schedule.get(self.field, self.start)
        errors = ctx.history.records["bit_errors_per_sequence"][-1]
        if bound < stop and errors < self.threshold:
            ctx.history.schedule[self.field] = min(stop, bound + self.increment)

    def on_step_end(self, ctx: TrainContext) -> None:
        pass

    def on_train_end(self, ctx: TrainContext) -> None:
        pass


def _as_curriculum(value: Curriculum | dict | None) -> Curriculum | None:
    if value is None or isinstance(value, Curriculum):
        return value
    if isinstance(value, dict):
        return Curriculum(**value)
    raise TypeError(f"curriculum must be a Curriculum, a dict or None, got {type(value).__name__}")


# ---------------------------------------------------------------------------------- optimizers
def make_optimizer(name: str, params: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """Build the optimizer named `name` ("adam" or "rmsprop").

    "rmsprop" is the paper's choice: RMSProp "in the form described in (Graves, 2013) with
    momentum of 0.9", i.e. centred, with decay 0.95. PyTorch adds epsilon outside the square
    root (Graves: inside), so with eps=1e-4 the two are close but not identical.
    """
    if not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    key = str(name).lower()
    if key == "adam":
        return torch.optim.Adam(params, lr=lr)
    if key == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.95, momentum=0.9, centered=True, eps=1e-4)
    raise ValueError(f"optimizer must be 'adam' or 'rmsprop', got {name!r}")


def _first_nonfinite_grad(model: nn.Module) -> str | None:
    """Name of the first parameter whose gradient has a NaN/inf, or None if all are finite."""
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    if not grads:
        return None
    # One fused reduction in the common (finite) case; the per-parameter scan only on failure.
    total = torch.stack([torch.linalg.vector_norm(g.detach(), dtype=torch.float32) for g in grads])
    if bool(torch.isfinite(total).all()):
        return None
    for name, p in model.named_parameters():
        if p.grad is not None and not bool(torch.isfinite(p.grad).all()):
            return name
    return None  # the norm overflowed although every entry is finite: not a divergence


def _progress_disabled(progress: bool) -> bool:
    if not progress:
        return True
    flag = os.environ.get("TQDM_DISABLE", "").strip().lower()
    return flag not in ("", "0", "false", "no")


def _resolve_settings(history: History, given: dict[str, Any]) -> dict[str, Any]:
    """Explicit arguments win, then the settings of the run being resumed, then defaults."""
    settings = dict(TRAIN_DEFAULTS)
    settings.update({k: v for k, v in history.train_config.items() if k in TRAIN_DEFAULTS})
    settings.update({k: v for k, v in given.items() if v is not None})
    return settings


def _check_settings(settings: dict[str, Any], steps: int) -> None:
    from ntm_edu.tasks.base import check_int_range

    check_int_range("steps", steps, 0)
    check_int_range("batch_size", settings["batch_size"], 1)
    check_int_range("log_every", settings["log_every"], 1)
    check_int_range("probe_every", settings["probe_every"], 0)
    check_int_range("probe_size", settings["probe_size"], 1, 64)
    check_int_range("seed", settings["seed"], 0)
    guard = settings["guard"]
    if not (guard is None or isinstance(guard, bool | dict)):
        raise ValueError(
            f"guard must be a dict of CollapseGuard arguments, True or False, got {guard!r}"
        )
    for name in ("clip", "clip_norm"):
        value = settings[name]
        if value is not None and not (isinstance(value, int | float) and value > 0):
            raise ValueError(f"{name} must be a positive number or None, got {value!r}")


# ---------------------------------------------------------------------------------- train
def train(
    model: nn.Module,
    task: Any,
    steps: int,
    *,
    batch_size: int | None = None,
    optimizer: str | None = None,
    lr: float | None = None,
    device: str | torch.device | None = "auto",
    seed: int | None = None,
    clip: float | None = None,
    clip_norm: float | None = None,
    log_every: int | None = None,
    probe_every: int | None = None,
    probe_size: int | None = None,
    probe_overrides: dict[str, Any] | None = None,
    curriculum: Curriculum | dict | None = None,
    guard: dict[str, Any] | bool | None = None,
    callbacks: Iterable[Callback | Callable[[TrainContext], Any]] = (),
    history: History | None = None,
    progress: bool = True,
    checkpoint_path: str | Path | None = None,
    checkpoint_every: int | None = None,
    compile: bool = False,
) -> History:
    """Train `model` on `task` for `steps` more optimizer steps and return the History.

    Pass the `history` of an earlier run (or of `load_checkpoint(...)`) to continue it: the step
    count, data stream, optimizer state, curriculum position and settings all carry on, so the
    result is identical to one uninterrupted run. Settings left as None come from that run, or
    else from `TRAIN_DEFAULTS`; `default_config(task_name, model_kind)` gives per-task choices.

    Args:
        model: any module mapping inputs [B, T, I] to logits [B, T, O]; moved to `device`.
        task: a `Task` (`sample`, `loss`, `bits_per_sequence`, `bit_errors_per_sequence`).
        steps: optimizer steps to take in this call (>= 0).
        batch_size: sequences per step.
        optimizer: "adam" or "rmsprop" (see `make_optimizer`).
        lr: learning rate.
        device: "auto" (CUDA if available; env NTM_EDU_DEVICE overrides), "cpu", "cuda", ...
        seed: seeds the CPU generator that samples batches (ignored when resuming).
        clip: element-wise gradient clip to [-clip, clip] (the paper's ±10); None: off.
        clip_norm: global gradient-norm clip after the element-wise one; None: off.
        log_every: steps averaged into one point of the learning curve.
        probe_every: steps between probe snapshots; 0: none.
        probe_size: sequences in the probe batch.
        probe_overrides: task overrides for the probe batch.
        curriculum: a `Curriculum` (or its dict) that raises a task setting as errors drop.
        guard: a `CollapseGuard` (``guard.py``) watching a held-out cost: a dict of its
            arguments, True for its defaults, False to switch off the guard of a resumed run.
        callbacks: `Callback`s or plain functions called with a `TrainContext` after each step.
        history: a History to continue; None starts a new one.
        progress: show a tqdm progress bar (also off when TQDM_DISABLE is set).
        checkpoint_path: if given, checked before the first step (a file path that can be
            written), then saved every `checkpoint_every` steps, at the end, and when training
            is interrupted: Ctrl-C (SIGINT) or SIGTERM lets the step in progress finish, saves
            it and raises `TrainingInterrupted`; a second signal stops at once, keeping the
            last save (see `interrupts.py`).
        checkpoint_every: steps between checkpoints (default: only at the end / interrupt).
        compile: train with the model's step compiled by torch.compile (`model/compiled.py`):
            same results up to rounding, 1.5-2x faster at batch 32 after a one-off compile of
            20-40 s; falls back to eager with a one-line message where it cannot compile.
    Returns:
        the History (the same object as `history` when one was given).
    Raises:
        TrainingDiverged: the loss or a gradient became non-finite; the update was not applied.
        TrainingInterrupted: a KeyboardInterrupt; it says which step completed and was saved.
            (A SIGTERM whose action was the default one ends the process after the save.)
        OutputPathError: `checkpoint_path` cannot be written (a ValueError).
        CheckpointError: a save failed (e.g. a full disk); the previous file is unchanged.
    """
    from tqdm.auto import tqdm

    history = history if history is not None else History()
    settings = _resolve_settings(
        history,
        dict(
            batch_size=batch_size,
            optimizer=optimizer,
            lr=lr,
            seed=seed,
            clip=clip,
            clip_norm=clip_norm,
            log_every=log_every,
            probe_every=probe_every,
            probe_size=probe_size,
            probe_overrides=probe_overrides,
            curriculum=curriculum,
            guard=guard,
        ),
    )
    _check_settings(settings, steps)
    if checkpoint_every is not None:
        from ntm_edu.tasks.base import check_int_range

        check_int_range("checkpoint_every", checkpoint_every, 1)
    if checkpoint_path is not None:  # before any work, not when the first save fails
        checkpoint_path = check_output_file(checkpoint_path, "checkpoint_path")
    curriculum_ = _as_curriculum(settings["curriculum"])
    settings["curriculum"] = None if curriculum_ is None else curriculum_.to_dict()
    settings["optimizer"] = str(settings["optimizer"]).lower()
    guard_ = settings["guard"]  # stored as the arguments it stands for: a dict, or None
    settings["guard"] = {} if guard_ is True else dict(guard_) if isinstance(guard_, dict) else None
    target = pick_device(device)

    model_name = type(model).__name__
    if history.step > 0 and history.model_name and history.model_name != model_name:
        raise ValueError(
            f"history belongs to a {history.model_name}, cannot continue it with a {model_name}"
        )
    history.model_name, history.task_name = model_name, getattr(task, "name", type(task).__name__)
    history.log_every = settings["log_every"]

    model.to(target)
    model.train()
    use_compiled_step(model, compile, target)
    opt = make_optimizer(settings["optimizer"], model.parameters(), settings["lr"])
    previous = history.train_config.get("optimizer")
    if history.optimizer_state is not None and previous == settings["optimizer"]:
        opt.load_state_dict(history.optimizer_state)
        for group in opt.param_groups:  # an explicit new lr wins over the saved one
            group["lr"] = settings["lr"]
    history.train_config = dict(settings)

    generator = torch.Generator(device="cpu")
    if history.generator_state is not None:
        generator.set_state(history.generator_state)
    else:
        generator.manual_seed(settings["seed"])

    hooks: list[Any] = []
    if settings["probe_every"]:
        hooks.append(
            ProbeRecorder(
                settings["probe_every"],
                size=settings["probe_size"],
                seed=settings["seed"],
                overrides=settings["probe_overrides"],
            )
        )
    if curriculum_ is not None:
        hooks.append(curriculum_)
    if settings["guard"] is not None:
        from ntm_edu.training.guard import CollapseGuard  # guard.py imports this module

        hooks.append(CollapseGuard(**settings["guard"]))
    for cb in callbacks:
        hooks.append(cb if isinstance(cb, Callback) else _FunctionCallback(cb))

    ctx = TrainContext(model, task, history, target, opt, settings)

    last_saved: int | None = None  # the step of this call's latest successful save

    def save(path: str | Path) -> None:
        from ntm_edu.training.checkpoints import save_checkpoint

        nonlocal last_saved
        history.generator_state = generator.get_state()
        history.optimizer_state = opt.state_dict()
        save_checkpoint(path, model, task, history, optimizer=opt)
        last_saved = history.step

    bar = tqdm(
        total=steps,
        disable=_progress_disabled(progress),
        desc=f"{model_name} on {history.task_name}",
        unit="step",
        dynamic_ncols=True,
    )
    smooth_bits = smooth_errors = None
    step, state_before = history.step, generator.get_state()
    updating = False  # from opt.step() until the step is booked: not a state to save
    stop = StopOnSignal(saves=checkpoint_path is not None).install()  # stop between steps
    try:
        for hook in hooks:
            hook.on_train_begin(ctx)
        clock = time.perf_counter()
        for _ in range(steps):
            if stop.requested:
                break
            state_before = generator.get_state()
            step = history.step + 1
            overrides: dict[str, Any] = {}
            for hook in hooks:
                overrides.update(hook.sample_overrides(ctx, generator))
            batch = task.sample(settings["batch_size"], generator=generator, **overrides)
            batch = batch.to(target)
            logits = model(batch.inputs)  # (B, T, O)
            loss = task.loss(logits, batch)
            if not bool(torch.isfinite(loss)):
                generator.set_state(state_before)
                raise TrainingDiverged(step, "loss", float(loss.detach()))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            bad = _first_nonfinite_grad(model)
            if bad is not None:
                generator.set_state(state_before)
                raise TrainingDiverged(step, bad)
            if settings["clip"] is not None:
                nn.utils.clip_grad_value_(model.parameters(), settings["clip"])
            if settings["clip_norm"] is not None:
                nn.utils.clip_grad_norm_(model.parameters(), settings["clip_norm"])
            updating = True
            opt.step()
            history.step = step
            history.sequences += batch.batch_size

            with torch.no_grad():
                detached = logits.detach()
                bits = float(task.bits_per_sequence(detached, batch))
                errors = float(task.bit_errors_per_sequence(detached, batch))
            now = time.perf_counter()
            history.seconds += now - clock
            clock = now
            history.accumulate(bits, errors)

            ctx.batch, ctx.logits, ctx.loss = batch, detached, float(loss.detach())
            if step % settings["log_every"] == 0 and history.flush():
                for hook in hooks:
                    hook.on_log(ctx)
            updating = False
            for hook in hooks:
                hook.on_step_end(ctx)

            # Exponential smoothing for the progress bar only; the curve uses window means.
            smooth_bits = bits if smooth_bits is None else 0.95 * smooth_bits + 0.05 * bits
            smooth_errors = (
                errors if smooth_errors is None else 0.95 * smooth_errors + 0.05 * errors
            )
            bar.set_postfix(
                seqs=history.sequences,
                bits=f"{smooth_bits:.3g}",
                errors=f"{smooth_errors:.3g}",
                refresh=False,
            )
            bar.update(1)
            if checkpoint_path is not None and checkpoint_every and step % checkpoint_every == 0:
                save(checkpoint_path)
            clock = time.perf_counter()  # callbacks and saving are not training time
            if ctx.stop:
                break
        if stop.requested:  # a signal: the step in progress was finished, now keep it
            if checkpoint_path is not None and history.step > 0:
                save(checkpoint_path)
        else:
            for hook in hooks:
                hook.on_train_end(ctx)
            if checkpoint_path is not None:
                save(checkpoint_path)
    except KeyboardInterrupt as interrupt:
        # Raised inside a step: by a callback, a second signal, or outside the main thread.
        # Before opt.step() only the data stream moved (`state_before` rewinds it); during
        # the update the weights may be half-changed, and a second signal means "at once":
        # then the last save is what remains.
        if history.step < step and not updating:
            generator.set_state(state_before)
        if checkpoint_path is not None and history.step > 0 and not (updating or stop.forced):
            save(checkpoint_path)
        raise _interrupted(history.step, checkpoint_path, last_saved, stop) from interrupt
    finally:
        bar.close()
        stop.restore()
        history.generator_state = generator.get_state()
        history.optimizer_state = opt.state_dict()
    if stop.requested:  # also when the signal came during the final save, which completed
        stop.end_process_if_default()  # SIGTERM's default action, now that the file is safe
        raise _interrupted(history.step, checkpoint_path, last_saved, stop)
    return history


def _interrupted(
    step: int, path: Path | None, saved_step: int | None, stop: StopOnSignal
) -> TrainingInterrupted:
    return TrainingInterrupted(
        step,
        checkpoint=path if saved_step is not None else None,
        saved_step=saved_step,
        signum=stop.signum,
        checkpoint_path=path,
    )


# ---------------------------------------------------------------------------------- evaluate
@torch.no_grad()
def evaluate(
    model: nn.Module,
    task: Any,
    sequences: int = 1000,
    batch_size: int = 20,
    seed: int = 1234,
    device: str | torch.device | None = None,
    **overrides: Any,
) -> dict[str, float]:
    """Mean costs on fresh, seeded data: the validation numbers of a run.

    Args:
        model: the model (put in eval mode for the call, its mode restored afterwards).
        task: the task to sample from.
        sequences: how many sequences to evaluate (>= 1).
        batch_size: sequences per forward pass. The episodes of a batch share one length (or
            repeat count, or item count), so small batches see many of them: 1000 sequences
            in batches of 20 cover 50 draws of the length, batches of 100 only 10.
        seed: seeds the data; the same seed gives the same sequences on any device.
        device: where to run; None: where the model already is; "auto": see `pick_device`.
        **overrides: task settings for these draws, e.g. ``length=50`` for generalisation.
    Returns:
        {"bits_per_sequence", "bit_errors_per_sequence", "sequences"}: means per sequence.
    """
    from ntm_edu.tasks.base import check_int_range

    check_int_range("sequences", sequences, 1)
    check_int_range("batch_size", batch_size, 1)
    target = _model_device(model) if device is None else pick_device(device)
    model.to(target)
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(int(seed))
    total_bits = total_errors = 0.0
    done = 0
    try:
        while done < sequences:
            n = min(batch_size, sequences - done)
            batch = task.sample(n, generator=generator, **overrides).to(target)
            logits = model(batch.inputs)
            total_bits += float(task.bits_per_sequence(logits, batch)) * n
            total_errors += float(task.bit_errors_per_sequence(logits, batch)) * n
            done += n
    finally:
        model.train(was_training)
    return {
        "bits_per_sequence": total_bits / done,
        "bit_errors_per_sequence": total_errors / done,
        "sequences": done,
    }
