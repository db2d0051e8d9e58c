"""Callbacks: how task- and model-specific work enters the training loop.

`train` (``loop.py``) knows nothing about NTMs; everything else hooks in here, as minGPT's
trainer does:

* `Callback` is the interface (a plain function works too: it is called after every step),
  and `TrainContext` is what a callback sees: the model, task, optimizer, History, data
  generator and the step that just ended.
* `ProbeRecorder` takes the probe snapshots a `History` keeps. It asks a model for
  ``forward_with_trace(inputs)`` only if the model has one (`supports_trace`), so an NTM
  records its read/write weightings while an LSTM records only its outputs.
* `Curriculum` raises the upper bound of a task setting (e.g. the copy length) as the
  training error drops, through per-draw sample overrides.

Two more live in their own modules: `CheckpointSaver` (``saving.py``) and `CollapseGuard`
(``guard.py``).

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from ntm_edu._checks import check_int_range
from ntm_edu.model.trace import TRACE_TENSORS, supports_trace
from ntm_edu.tasks.base import Batch, Task
from ntm_edu.training.history import History

__all__ = [
    "DEFAULT_TRACE_FIELDS",
    "Callback",
    "Curriculum",
    "FunctionCallback",
    "ProbeRecorder",
    "TrainContext",
    "announce",
    "as_callback",
    "as_curriculum",
]

# Offset between the training-data seed and the probe-batch seed: two independent streams.
_PROBE_SEED_OFFSET = 1_000_003


@dataclass
class TrainContext:
    """What callbacks see. Set `stop = True` to end training after the current step."""

    model: nn.Module
    task: Task
    history: History
    device: torch.device
    optimizer: torch.optim.Optimizer
    settings: dict[str, Any]
    generator: torch.Generator | None = None  # the CPU generator of the training batches
    batch: Batch | None = None  # the Batch of the step that just ended
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

    def on_interrupt(self, ctx: TrainContext) -> None:
        """A signal or KeyboardInterrupt stopped training between two steps; ctx is consistent.

        Not called when the weights may be half-updated or a second signal asked to stop at
        once (see `interrupts.py`).
        """


class FunctionCallback(Callback):
    """A plain function ``f(ctx)`` as a callback: called after every step."""

    def __init__(self, function: Callable[[TrainContext], Any]):
        self.function = function

    def on_step_end(self, ctx: TrainContext) -> None:
        self.function(ctx)


def announce(line: str, log: Callable[[str], Any] | None = None) -> None:
    """A callback's one-line message: to `log` if given, else to stderr (beside the bar)."""
    if log is None:
        print(line, file=sys.stderr, flush=True)
    else:
        log(line)


def as_callback(hook: Callback | Callable[[TrainContext], Any]) -> Callback:
    """A `Callback` as it is; a plain function wrapped in a `FunctionCallback`."""
    return hook if isinstance(hook, Callback) else FunctionCallback(hook)


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
class Curriculum(Callback):
    """Raise the upper bound of one task setting step by step as the model masters it.

    Each training batch gets the override ``field=v`` with v drawn uniformly from
    [low, bound] (from the training generator), or v = bound with `fixed`. The bound starts at
    `start`; whenever a point of the learning curve (a running mean over `log_every` steps) has
    fewer than `threshold` wrong bits per sequence, it grows by `increment`, up to `stop`.
    Once it reaches `stop` the curriculum steps aside and the task samples from its own
    configuration. With `every`, the bound grows every `every` steps instead, whatever the
    errors: for a cost that has no error-free level, like N-grams' (``Curriculum("context",
    start=1, stop=5, every=3000, fixed=True)`` trains on 1-bit contexts first).

    For copy, ``Curriculum("length", start=2)`` first trains on 1-2 vectors, then lengthens
    them to the task's `max_length`. A caution measured here (`benchmarks/convergence.py`):
    with the NTM on copy it *slows* learning, because an LSTM controller can memorise a few
    short vectors by itself and never needs the memory until the bound stalls; so no default
    config uses one. Its only state is the bound, kept in `History.schedule`, so a resumed run
    continues the schedule exactly.

    Attributes:
        field: the override to set: "length" (copy, repeat copy), "repeats", "items",
            "context" (N-grams).
        start: the first upper bound.
        stop: the last one; None: the task's ``max_<field>`` setting.
        low: the lower bound of the draws; None: the task's ``min_<field>`` setting (or 1).
        increment: added to the bound at each promotion.
        threshold: promote when a logged point has fewer bit errors per sequence than this.
        every: promote every `every` steps instead (after step k * every the bound is
            start + k * increment); None: by `threshold`.
        fixed: train on the bound itself, not on draws from [low, bound].
    """

    field: str = "length"
    start: int = 2
    stop: int | None = None
    low: int | None = None
    increment: int = 1
    threshold: float = 0.5
    every: int | None = None
    fixed: bool = False

    def __post_init__(self) -> None:
        check_int_range("curriculum start", self.start, 1)
        check_int_range("curriculum increment", self.increment, 1)
        if self.stop is not None:
            check_int_range("curriculum stop", self.stop, self.start)
        if self.low is not None:
            check_int_range("curriculum low", self.low, 1, self.start)
        if not self.threshold > 0:
            raise ValueError(f"curriculum threshold must be > 0, got {self.threshold}")
        if self.every is not None:
            check_int_range("curriculum every", self.every, 1)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def _bounds(self, task: Task) -> tuple[int, int]:
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
        if self.fixed:
            return {self.field: int(bound)}
        draw = torch.randint(low, bound + 1, (1,), generator=generator)
        return {self.field: int(draw)}

    def on_step_end(self, ctx: TrainContext) -> None:
        if self.every is not None:  # the bound follows the step count alone
            _, stop = self._bounds(ctx.task)
            grown = self.start + self.increment * (ctx.history.step // self.every)
            ctx.history.schedule[self.field] = min(stop, grown)

    def on_log(self, ctx: TrainContext) -> None:
        _, stop = self._bounds(ctx.task)
        bound = ctx.history.schedule.get(self.field, self.start)
        errors = ctx.history.records["bit_errors_per_sequence"][-1]
        if self.every is None and bound < stop and errors < self.threshold:
            ctx.history.schedule[self.field] = min(stop, bound + self.increment)


def as_curriculum(value: Curriculum | dict | None) -> Curriculum | None:
    """A `Curriculum` from itself, its `to_dict()` (as stored in a History) or None."""
    if value is None or isinstance(value, Curriculum):
        return value
    if isinstance(value, dict):
        return Curriculum(**value)
    raise TypeError(f"curriculum must be a Curriculum, a dict or None, got {type(value).__name__}")
