"""Checks for the exercises of `notebooks/01_sequence_tasks`.

`check_copy_targets` asks for the copy task's target from its input alone; the
`check_optimal_estimator` asks for eq. 10 (the Bayes-optimal N-gram predictor) written as a
plain loop over one sequence. Both compare with the package on fresh cases and print PASS or
FAIL with the first mismatch, never the answer.

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ntm_edu.exercises.base import CheckResult, compare
from ntm_edu.tasks import CopyTask, NGramsTask, optimal_probabilities

__all__ = ["check_copy_targets", "check_optimal_estimator", "copy_targets_reference"]


def copy_targets_reference(inputs: torch.Tensor) -> torch.Tensor:
    """The copy target written from the input alone: [B, T, W+1] -> [B, T, W].

    The delimiter (last input channel) sits at step L; the answer repeats steps 0..L-1 at
    steps L+1..2L; every other target step is zero.
    """
    width = inputs.shape[-1] - 1
    length = int(inputs[0, :, width].nonzero()[0])
    targets = torch.zeros(*inputs.shape[:2], width)  # (B, T, W)
    targets[:, length + 1 :] = inputs[:, :length, :width]
    return targets


def check_copy_targets(student: Callable[[torch.Tensor], Any]) -> CheckResult:
    """Check `student(inputs [B, T, W+1]) -> targets [B, T, W]` for the copy task.

    Cases: lengths 1, 5, 20 and 50 (beyond training), widths 8 and 3.
    """
    cases = []
    for width, length, seed in [(8, 1, 0), (8, 5, 1), (8, 20, 2), (3, 50, 3)]:
        batch = CopyTask(width=width).sample(3, torch.Generator().manual_seed(seed), length=length)
        cases.append((f"width {width}, length {length}", (batch.inputs.clone(),)))
    return compare("copy targets", student, copy_targets_reference, cases)


def check_optimal_estimator(student: Callable[[np.ndarray, int], Any]) -> CheckResult:
    """Check `student(bits [T] of 0/1, context) -> [T] predictions of eq. 10`.

    Cases: a short hand-made sequence with context 2, constant and alternating sequences,
    and sampled dynamic N-gram sequences (context 3 and the paper's 5, 200 bits).
    """
    cases: list[tuple[str, tuple[Any, ...]]] = [
        ("8 bits, context 2", (np.array([1, 0, 1, 0, 1, 1, 0, 1]), 2)),
        ("30 zeros, context 5", (np.zeros(30, dtype=int), 5)),
        ("alternating 0 1 0 1 ..., context 3", (np.arange(40) % 2, 3)),
        ("3 bits, shorter than the context 5", (np.array([1, 1, 0]), 5)),
    ]
    for context, seed in [(3, 0), (5, 1), (5, 2)]:
        batch = NGramsTask(context=context).sample(1, torch.Generator().manual_seed(seed))
        bits = batch.targets[0, :, 0].numpy().astype(int)
        cases.append((f"200-bit N-gram sequence, context {context}, seed {seed}", (bits, context)))

    def reference(bits: np.ndarray, context: int) -> np.ndarray:
        return optimal_probabilities(bits, context=context)

    return compare("optimal N-gram estimator (eq. 10)", student, reference, cases)
