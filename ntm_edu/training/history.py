"""What a training run leaves behind: the learning curve and the probe snapshots.

The paper plots cost in *bits per sequence* against *sequences seen* (Graves et al. 2014,
Figs. 3, 7, 10, 13, 18; https://arxiv.org/abs/1410.5401). `History` records exactly that, plus
the number of wrong bits, every `log_every` steps as a running mean over those steps.

Every `probe_every` steps it also keeps a **probe snapshot**: the model's output probabilities
(and, for a model that can trace itself, such as the NTM, its read/write weightings and add
vectors) on one fixed probe batch. A notebook widget scrubs through the snapshots with a slider
and so shows how the learned algorithm appears, without retraining and without storing many
weight files. Snapshots are float16 and the probe batch holds 1-4 sequences, so a run with a few
hundred snapshots stays a few megabytes.

`History.to_state()` holds only plain Python values and tensors, so a checkpoint containing it
loads with `torch.load(..., weights_only=True)`. It also carries the bookkeeping that an exact
resume needs (step, data-generator state, curriculum position, the training settings).

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import torch

__all__ = ["Curve", "History", "Snapshot"]

# Version of the dict `History.to_state()` returns; `from_state` refuses others.
HISTORY_STATE_VERSION = 1


class Curve(NamedTuple):
    """The learning curve as numpy arrays, one entry per logged point."""

    step: np.ndarray  # [P] int64, optimizer steps taken
    sequences: np.ndarray  # [P] int64, training sequences seen (the paper's x-axis)
    seconds: np.ndarray  # [P] float64, wall-clock seconds of the training steps so far
    bits_per_sequence: np.ndarray  # [P] float64, running mean of the paper's cost
    bit_errors_per_sequence: np.ndarray  # [P] float64, running mean of wrong bits


@dataclass(frozen=True)
class Snapshot:
    """The model's behaviour on the probe batch at one moment of training (float32 numpy).

    Attributes:
        step, sequences: when it was taken.
        outputs: [B, T, O] output probabilities (sigmoid of the logits).
        trace: name -> array, e.g. "read_weights" [B, T, Hr, N], "write_weights" [B, T, Hw, N],
            "add" [B, T, Hw, M]; empty for models without a trace.
        bits_per_sequence, bit_errors_per_sequence: the probe batch's costs at that moment.
    """

    step: int
    sequences: int
    outputs: np.ndarray
    trace: dict[str, np.ndarray]
    bits_per_sequence: float
    bit_errors_per_sequence: float


@dataclass
class History:
    """Learning curve, probe snapshots and resume bookkeeping of one training run.

    Attributes:
        model_name, task_name: class name of the model and `task.name`.
        log_every: steps averaged into one point of the curve.
        probe_every: steps between probe snapshots (0: none).
        records: the curve as lists (see `curve()` for arrays).
        probe: the fixed probe batch, {"inputs", "targets", "mask"} tensors, or None.
        snapshots: list of dicts {"step", "sequences", "outputs", "trace", "bits_per_sequence",
            "bit_errors_per_sequence"} with float16 tensors (see `snapshot(i)`).
        step, sequences, seconds: totals so far (they continue across resumes); seconds counts
            the training steps only (not callbacks, probe snapshots or checkpoint saving).
        train_config: the settings `train` used (optimizer, lr, batch size, clipping, seed...);
            a resumed run reuses them.
        generator_state: state of the CPU generator that samples training batches (exact resume).
        schedule: state of training schedules, e.g. a Curriculum's current bound {"length": 5}.
        pending: running sums since the last logged point (so a mid-window resume is exact).
        optimizer_state: the optimizer's state dict after the last `train` call (runtime only).
    """

    model_name: str = ""
    task_name: str = ""
    log_every: int = 10
    probe_every: int = 0
    records: dict[str, list] = field(default_factory=lambda: {k: [] for k in Curve._fields})
    probe: dict[str, torch.Tensor] | None = None
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    step: int = 0
    sequences: int = 0
    seconds: float = 0.0
    train_config: dict[str, Any] = field(default_factory=dict)
    generator_state: torch.Tensor | None = None
    schedule: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, float] = field(
        default_factory=lambda: {"bits": 0.0, "errors": 0.0, "count": 0}
    )
    # Runtime only (not in `to_state`; checkpoints store it beside the History): the optimizer
    # state of the last `train` call, so that calling `train(..., history=h)` again continues
    # with the same Adam/RMSProp moments instead of restarting them.
    optimizer_state: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ recording
    def accumulate(self, bits: float, errors: float) -> None:
        """Add one training step's costs to the running mean of the current window."""
        self.pending["bits"] += float(bits)
        self.pending["errors"] += float(errors)
        self.pending["count"] += 1

    def flush(self) -> bool:
        """Append the current window's mean as a point of the curve; False if it was empty."""
        count = int(self.pending["count"])
        if count == 0:
            return False
        self.records["step"].append(self.step)
        self.records["sequences"].append(self.sequences)
        self.records["seconds"].append(self.seconds)
        self.records["bits_per_sequence"].append(self.pending["bits"] / count)
        self.records["bit_errors_per_sequence"].append(self.pending["errors"] / count)
        self.pending = {"bits": 0.0, "errors": 0.0, "count": 0}
        return True

    def set_probe(self, inputs: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> None:
        """Store the fixed probe batch once (CPU; inputs/targets float16 to stay small)."""
        self.probe = {
            "inputs": inputs.detach().cpu().to(torch.float16),  # (B, T, I)
            "targets": targets.detach().cpu().to(torch.float16),  # (B, T, O)
            "mask": mask.detach().cpu().bool(),  # (B, T)
        }

    def add_snapshot(
        self,
        outputs: torch.Tensor,
        trace: dict[str, torch.Tensor] | None = None,
        bits_per_sequence: float = float("nan"),
        bit_errors_per_sequence: float = float("nan"),
    ) -> None:
        """Keep the probe-batch outputs (probabilities) and trace tensors as float16 on CPU."""
        self.snapshots.append(
            {
                "step": self.step,
                "sequences": self.sequences,
                "outputs": outputs.detach().cpu().to(torch.float16),  # (B, T, O)
                "trace": {
                    name: value.detach().cpu().to(torch.float16)
                    for name, value in (trace or {}).items()
                },
                "bits_per_sequence": float(bits_per_sequence),
                "bit_errors_per_sequence": float(bit_errors_per_sequence),
            }
        )

    def thin_snapshots(self, max_count: int) -> None:
        """Keep at most `max_count` probe snapshots, evenly spread, always the first and last.

        Shipped files must stay small, and a long run's snapshots grow with its length; the
        learning curve (a few numbers per point) is kept whole.
        """
        if max_count < 2:
            raise ValueError(f"max_count must be at least 2 (first and last), got {max_count}")
        n = len(self.snapshots)
        if n <= max_count:
            return
        keep = sorted({round(i * (n - 1) / (max_count - 1)) for i in range(max_count)})
        self.snapshots = [self.snapshots[i] for i in keep]

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self.records["step"])

    @property
    def num_snapshots(self) -> int:
        return len(self.snapshots)

    def curve(self) -> Curve:
        """The learning curve as numpy arrays (empty arrays before the first logged point)."""
        r = self.records
        return Curve(
            step=np.asarray(r["step"], dtype=np.int64),
            sequences=np.asarray(r["sequences"], dtype=np.int64),
            seconds=np.asarray(r["seconds"], dtype=np.float64),
            bits_per_sequence=np.asarray(r["bits_per_sequence"], dtype=np.float64),
            bit_errors_per_sequence=np.asarray(r["bit_errors_per_sequence"], dtype=np.float64),
        )

    def snapshot(self, i: int) -> Snapshot:
        """The i-th probe snapshot as float32 numpy arrays (negative i counts from the end)."""
        if not self.snapshots:
            raise IndexError("this History has no probe snapshots (probe_every was 0?)")
        n = len(self.snapshots)
        if not -n <= i < n:
            raise IndexError(f"snapshot index must be in [{-n}, {n - 1}], got {i}")
        s = self.snapshots[i]
        return Snapshot(
            step=int(s["step"]),
            sequences=int(s["sequences"]),
            outputs=s["outputs"].float().numpy(),
            trace={k: v.float().numpy() for k, v in s["trace"].items()},
            bits_per_sequence=float(s["bits_per_sequence"]),
            bit_errors_per_sequence=float(s["bit_errors_per_sequence"]),
        )

    def probe_arrays(self) -> dict[str, np.ndarray]:
        """The probe batch as float32/bool numpy arrays: inputs [B,T,I], targets [B,T,O], mask."""
        if self.probe is None:
            raise ValueError("this History has no probe batch (probe_every was 0?)")
        return {
            "inputs": self.probe["inputs"].float().numpy(),
            "targets": self.probe["targets"].float().numpy(),
            "mask": self.probe["mask"].numpy(),
        }

    def __repr__(self) -> str:
        last = ""
        if len(self):
            last = (
                f", bits/seq={self.records['bits_per_sequence'][-1]:.3g}"
                f", errors/seq={self.records['bit_errors_per_sequence'][-1]:.3g}"
            )
        return (
            f"History({self.model_name or '?'} on {self.task_name or '?'}: step={self.step}, "
            f"sequences={self.sequences}, points={len(self)}, "
            f"snapshots={self.num_snapshots}{last})"
        )

    # ------------------------------------------------------------------ persistence
    def to_state(self) -> dict[str, Any]:
        """Plain values and tensors only, readable by `torch.load(weights_only=True)`."""
        r = self.records
        return {
            "version": HISTORY_STATE_VERSION,
            "model_name": self.model_name,
            "task_name": self.task_name,
            "log_every": int(self.log_every),
            "probe_every": int(self.probe_every),
            "curve": {
                "step": torch.tensor(r["step"], dtype=torch.int64),
                "sequences": torch.tensor(r["sequences"], dtype=torch.int64),
                "seconds": torch.tensor(r["seconds"], dtype=torch.float64),
                "bits_per_sequence": torch.tensor(r["bits_per_sequence"], dtype=torch.float64),
                "bit_errors_per_sequence": torch.tensor(
                    r["bit_errors_per_sequence"], dtype=torch.float64
                ),
            },
            "probe": None if self.probe is None else dict(self.probe),
            "snapshots": [{**s, "trace": dict(s["trace"])} for s in self.snapshots],
            "step": int(self.step),
            "sequences": int(self.sequences),
            "seconds": float(self.seconds),
            "train_config": _plain(self.train_config),
            "generator_state": self.generator_state,
            "schedule": _plain(self.schedule),
            "pending": {
                "bits": float(self.pending["bits"]),
                "errors": float(self.pending["errors"]),
                "count": int(self.pending["count"]),
            },
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> History:
        """Rebuild a History from `to_state()`'s dict; ValueError if it is not one."""
        if not isinstance(state, dict):
            raise ValueError(f"history state must be a dict, got {type(state).__name__}")
        version = state.get("version")
        if version != HISTORY_STATE_VERSION:
            raise ValueError(
                f"history state version {version!r} is not supported "
                f"(this ntm_edu reads version {HISTORY_STATE_VERSION})"
            )
        required = ("curve", "step", "sequences", "seconds", "snapshots")
        missing = [k for k in required if k not in state]
        if missing:
            raise ValueError(f"history state is missing {', '.join(missing)}")
        curve = state["curve"]
        records = {k: [] for k in Curve._fields}
        for name in Curve._fields:
            if name not in curve:
                raise ValueError(f"history curve is missing {name!r}")
            records[name] = torch.as_tensor(curve[name]).tolist()
        lengths = {len(v) for v in records.values()}
        if len(lengths) > 1:
            raise ValueError("history curve columns have different lengths")
        pending = state.get("pending") or {"bits": 0.0, "errors": 0.0, "count": 0}
        # Counts a resumed run continues from: int() would turn 2.5 into 2 and keep -5.
        for name, low in (("step", 0), ("sequences", 0), ("log_every", 1), ("probe_every", 0)):
            value = state.get(name, low if name != "log_every" else 10)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"history {name} must be an integer >= {low}, got {value!r}")
        seconds = state["seconds"]
        number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
        if not number or not 0 <= seconds < math.inf:
            raise ValueError(f"history seconds must be a number >= 0, got {seconds!r}")
        generator_state = state.get("generator_state")
        if generator_state is not None:
            try:  # the data stream a resume continues: accepted by a generator, or refused now
                torch.Generator().set_state(generator_state)
            except (TypeError, RuntimeError, ValueError) as error:
                first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                raise ValueError(f"history generator_state is not a generator's: {first}") from None
        return cls(
            model_name=str(state.get("model_name", "")),
            task_name=str(state.get("task_name", "")),
            log_every=int(state.get("log_every", 10)),
            probe_every=int(state.get("probe_every", 0)),
            records=records,
            probe=None if state.get("probe") is None else dict(state["probe"]),
            snapshots=[{**s, "trace": dict(s.get("trace", {}))} for s in state["snapshots"]],
            step=int(state["step"]),
            sequences=int(state["sequences"]),
            seconds=float(state["seconds"]),
            train_config=dict(state.get("train_config") or {}),
            generator_state=generator_state,
            schedule=dict(state.get("schedule") or {}),
            pending=dict(pending),
        )


def _plain(value: Any) -> Any:
    """A deep copy made only of dicts, lists, tuples, str/int/float/bool/None and tensors.

    Anything else (e.g. a dataclass) becomes a dict of its fields or its repr, so that a
    checkpoint never needs a custom class to load.
    """
    if value is None or isinstance(value, bool | torch.Tensor):
        return value
    # Subclasses (torch's TorchVersion is a str, numpy's float64 a float) would be pickled by
    # class name, which weights_only loading refuses: store the plain base type.
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if hasattr(value, "to_dict"):
        return _plain(value.to_dict())
    return repr(value)
