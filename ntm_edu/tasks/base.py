"""The contract every task follows: a `Batch` of sequences and the `Task` that samples it.

Batch-first everywhere: inputs ``(B, T, input_size)``, targets ``(B, T, output_size)`` and a
boolean ``mask (B, T)`` marking the time steps whose outputs are scored. A model reads the
whole input sequence (inputs are zero while it answers) and emits one output per step; only
masked steps count towards the loss and the costs.

Costs use the paper's unit (Graves et al. 2014, §4): *bits per sequence*, the summed binary
cross-entropy over every scored bit in base 2, averaged over the batch. Most public NTM code
reports the number of wrong bits instead; we report that too, under its own name.

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import torch
import torch.nn.functional as F

from ntm_edu._checks import check_int_range

__all__ = [
    "Batch",
    "Task",
    "bits_per_sequence",
    "bit_errors_per_sequence",
    "check_int_range",
    "check_min_max",
    "check_overrides",
    "random_bits",
    "uniform_int",
]


@dataclass
class Batch:
    """One batch of equally long episodes.

    Attributes:
        inputs:  [B, T, input_size] float, what the model sees at each step.
        targets: [B, T, output_size] float in {0, 1}, what it should emit.
        mask:    [B, T] bool, True where the output is scored.
        info:    extra per-episode tensors a task exposes for plotting or checking
                 (e.g. the hidden N-gram probabilities, the sort priorities).
    """

    inputs: torch.Tensor
    targets: torch.Tensor
    mask: torch.Tensor
    info: dict[str, torch.Tensor] = field(default_factory=dict)

    @property
    def batch_size(self) -> int:
        return self.inputs.shape[0]

    @property
    def length(self) -> int:
        return self.inputs.shape[1]

    def to(self, device: torch.device | str) -> Batch:
        """The same batch on another device (info tensors move too)."""
        return replace(
            self,
            inputs=self.inputs.to(device),
            targets=self.targets.to(device),
            mask=self.mask.to(device),
            info={k: v.to(device) for k, v in self.info.items()},
        )


def bits_per_sequence(logits: torch.Tensor, batch: Batch) -> torch.Tensor:
    """The paper's cost: summed binary cross-entropy over scored bits, in bits, batch mean.

    Args:
        logits: [B, T, output_size] raw outputs (before the sigmoid).
        batch:  the batch the logits answer.
    Returns:
        a scalar tensor; a constant 0.5 prediction scores exactly one bit per scored bit.
    """
    nats = F.binary_cross_entropy_with_logits(logits, batch.targets, reduction="none")
    scored = nats * batch.mask.unsqueeze(-1)  # (B, T, O)
    return scored.sum() / (batch.batch_size * math.log(2.0))


def bit_errors_per_sequence(logits: torch.Tensor, batch: Batch) -> torch.Tensor:
    """Wrong bits per sequence after thresholding the output probability at 0.5.

    This is the "cost" most public NTM code plots; a sequence is copied perfectly when it is 0.
    A NaN logit at a scored step makes the result NaN: `nan > 0` is False, so it would
    otherwise count as a confident 0 and give a plausible-looking count for a broken model.
    """
    scored = batch.mask.unsqueeze(-1)  # (B, T, 1)
    predicted = (logits > 0).to(batch.targets.dtype)  # sigmoid(x) > 0.5  <=>  x > 0
    wrong = (predicted != batch.targets) & scored
    count = wrong.sum().to(torch.float32) / batch.batch_size
    undefined = (torch.isnan(logits) & scored).any()
    return torch.where(undefined, torch.full_like(count, float("nan")), count)


def check_min_max(
    min_name: str, min_value: Any, max_name: str, max_value: Any, low: int = 1
) -> tuple[int, int]:
    """Validate a training range ``low <= min <= max``; errors name the offending field."""
    min_value = check_int_range(min_name, min_value, low)
    max_value = check_int_range(max_name, max_value, low)
    if max_value < min_value:
        raise ValueError(
            f"{max_name} must be >= {min_name} = {min_value}, got {max_name} = {max_value}"
        )
    return min_value, max_value


def check_overrides(task_name: str, overrides: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Reject override names a task does not know (a typo would otherwise be silently ignored)."""
    unknown = sorted(set(overrides) - set(allowed))
    if unknown:
        names = ", ".join(allowed) if allowed else "none"
        raise ValueError(f"{task_name}.sample got unknown override(s) {unknown}; allowed: {names}")


def uniform_int(low: int, high: int, generator: torch.Generator | None) -> int:
    """One integer uniform on ``[low, high]`` (both included), drawn from `generator`."""
    return int(torch.randint(low, high + 1, (1,), generator=generator).item())


def random_bits(shape: tuple[int, ...], generator: torch.Generator | None) -> torch.Tensor:
    """Independent fair coin flips as a float32 tensor of 0s and 1s."""
    return torch.randint(0, 2, shape, generator=generator).to(torch.float32)


class Task:
    """Base class of the five paper tasks.

    Subclasses set `name`, `input_channels`, `output_channels`, `config` (plain values only,
    so it can be saved in a checkpoint) and `override_names` (the settings `sample` may
    change for one draw), and implement `_sample`. The public `sample` validates the batch
    size and the override names first, so every task rejects a typo the same way.
    """

    name: str = "task"
    input_channels: list[str]
    output_channels: list[str]
    config: dict[str, Any]
    override_names: tuple[str, ...] = ()

    @property
    def input_size(self) -> int:
        return len(self.input_channels)

    @property
    def output_size(self) -> int:
        return len(self.output_channels)

    def sample(
        self, batch_size: int, generator: torch.Generator | None = None, **overrides: Any
    ) -> Batch:
        """Draw `batch_size` episodes of one common length.

        Args:
            batch_size: number of episodes B (>= 1).
            generator: every random number is drawn from it, so a seeded generator gives the
                same batch every time; None uses torch's global RNG.
            overrides: replace settings for this draw only (e.g. a fixed `length=50` to test
                generalisation beyond the training range); see each task's `override_names`.
        Returns:
            a `Batch` with inputs [B, T, input_size], targets [B, T, output_size], mask [B, T].
        """
        batch_size = check_int_range("batch_size", batch_size, 1)
        check_overrides(self.name, overrides, self.override_names)
        return self._sample(batch_size, generator, **overrides)

    def _sample(
        self, batch_size: int, generator: torch.Generator | None, **overrides: Any
    ) -> Batch:
        raise NotImplementedError

    def training_settings(self) -> list[dict[str, Any]]:
        """Every setting of the training distribution once, as `sample` overrides.

        Training draws each of them with the same probability (lengths, counts and list sizes
        are uniform integers), so a mean over this list, a few sequences each, is the exact
        expectation over training draws; random batches, which share one setting each, would
        cover only a few. Tasks without such a setting (N-grams, priority sort) give ``[{}]``.
        """
        return [{}]

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Training objective: mean binary cross-entropy (nats) per scored bit.

        Proportional to `bits_per_sequence` for a fixed length, but its scale does not grow
        with the sequence length, so one learning rate suits short and long episodes.
        """
        nats = F.binary_cross_entropy_with_logits(logits, batch.targets, reduction="none")
        scored = nats * batch.mask.unsqueeze(-1)
        num_scored = batch.mask.sum() * batch.targets.shape[-1]
        return scored.sum() / num_scored.clamp_min(1)

    def bits_per_sequence(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        return bits_per_sequence(logits, batch)

    def bit_errors_per_sequence(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        return bit_errors_per_sequence(logits, batch)

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{type(self).__name__}({settings})"
