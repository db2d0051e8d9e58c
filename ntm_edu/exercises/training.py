"""Checks for the exercises of `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.

* `check_bits_per_sequence`: the paper's cost (Graves et al. 2014, §4: "bits-per-sequence"),
  computed by hand from logits, targets and the mask.
* `check_lstm_parameter_count`: the number of parameters of the LSTM baseline, as a formula
  in its sizes (it grows with the square of the hidden size; the NTM's memory adds none).

Both compare with the package on fresh cases and print PASS or FAIL with the first mismatch,
never the answer.

Taught in `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ntm_edu.exercises.base import CheckResult, compare
from ntm_edu.model import LSTMBaseline, count_parameters
from ntm_edu.tasks import Batch, bits_per_sequence

__all__ = [
    "bits_per_sequence_reference",
    "check_bits_per_sequence",
    "check_lstm_parameter_count",
    "lstm_parameter_count_reference",
]


def bits_per_sequence_reference(
    logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """The package's cost: logits, targets [B, T, O], mask [B, T] -> a scalar (bits)."""
    inputs = targets.new_zeros(*targets.shape[:2], 0)  # (B, T, 0): the cost never reads them
    return bits_per_sequence(logits, Batch(inputs, targets, mask))


def check_bits_per_sequence(student: Callable[..., Any]) -> CheckResult:
    """Check `student(logits [B, T, O], targets [B, T, O], mask [B, T]) -> bits per sequence`.

    Cases: a constant 0.5 prediction, random logits with a copy-like mask, a batch of one,
    and very confident logits (|x| up to 40) where a naive log(sigmoid(x)) overflows.
    """
    generator = torch.Generator().manual_seed(5)

    def case(B: int, T: int, O: int, scale: float, scored_from: int) -> tuple[Any, ...]:
        logits = scale * torch.randn(B, T, O, generator=generator)  # (B, T, O)
        targets = torch.randint(0, 2, (B, T, O), generator=generator).float()  # (B, T, O)
        mask = torch.zeros(B, T, dtype=torch.bool)  # (B, T)
        mask[:, scored_from:] = True
        return logits, targets, mask

    zeros = case(2, 7, 8, 0.0, 4)
    cases = [
        ("logits all 0 (p = 0.5), 2 sequences, 3 scored steps of 8 bits", zeros),
        ("random logits, 4 sequences of 11 steps, the last 5 scored", case(4, 11, 8, 2.0, 6)),
        ("one sequence of 3 steps, 3 output bits, all scored", case(1, 3, 3, 1.0, 0)),
        ("confident logits (|x| up to ~40), 3 sequences", case(3, 9, 8, 15.0, 5)),
    ]
    return compare("bits per sequence", _cloned(student), bits_per_sequence_reference, cases)


def lstm_parameter_count_reference(
    input_size: int, output_size: int, hidden_size: int, layers: int
) -> int:
    """Trainable parameters of `LSTMBaseline(input_size, output_size, hidden_size, layers)`."""
    return count_parameters(LSTMBaseline(input_size, output_size, hidden_size, layers))


def check_lstm_parameter_count(student: Callable[[int, int, int, int], Any]) -> CheckResult:
    """Check `student(input_size, output_size, hidden_size, layers) -> number of parameters`
    of the package's LSTM baseline (stacked `nn.LSTM`, learned initial h and c, linear output).

    Cases: the copy baseline 3x256, one layer, a 3x512 repeat-copy-sized one and a tiny one.
    """
    cases = [
        ("copy: inputs 9, outputs 8, 3 layers of 256", (9, 8, 256, 3)),
        ("one layer of 100, inputs 10, outputs 9", (10, 9, 100, 1)),
        ("repeat copy size: inputs 10, outputs 9, 3 layers of 512", (10, 9, 512, 3)),
        ("tiny: inputs 1, outputs 1, 2 layers of 3", (1, 1, 3, 2)),
    ]
    return compare("LSTM parameter count", student, lstm_parameter_count_reference, cases, atol=0)


def _cloned(function: Callable[..., Any]) -> Callable[..., Any]:
    """Call `function` on copies, so a student's in-place edit cannot change the reference."""

    def call(*args: Any) -> Any:
        return function(*(a.clone() if isinstance(a, torch.Tensor) else a for a in args))

    return call
