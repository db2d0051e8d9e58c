"""Checks for the exercises of notebook 09 (dynamic N-grams, Graves et al. 2014 §4.4).

* `check_hand_estimate`: eq. 10 worked by hand on a 10-bit sequence with a 2-bit context;
* `check_cost_from_counts`: the optimal cost of a whole sequence from its final counts alone,
  via the Beta function: the sum of the sequential log-losses of eq. 10 equals minus the log
  of the Beta-Bernoulli marginal likelihood, which is why the counting estimator is the
  Bayes-optimal predictor.

Taught in `notebooks/09_dynamic_ngrams`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ntm_edu.exercises.base import CheckResult, compare
from ntm_edu.tasks.ngrams import NGramsTask, ngram_cost_bits, optimal_probabilities

__all__ = ["HAND_BITS", "HAND_CONTEXT", "check_cost_from_counts", "check_hand_estimate"]

# The sequence of the by-hand exercise: short enough for paper, long enough that some
# contexts come back two or three times.
HAND_BITS = (0, 1, 1, 0, 1, 1, 0, 1, 1, 1)
HAND_CONTEXT = 2


def check_hand_estimate(predictions: Any) -> CheckResult:
    """Check hand-computed eq. 10 predictions for `HAND_BITS` with a `HAND_CONTEXT`-bit context.

    Args:
        predictions: 10 numbers, P(bit_t = 1 | bits before t) for t = 0..9 (0.5 where there
            is no full context yet); fractions such as ``3 / 4`` are fine.
    """

    def reference() -> np.ndarray:
        return optimal_probabilities(np.array(HAND_BITS), context=HAND_CONTEXT)

    def student() -> Any:
        if predictions is None or predictions is NotImplemented:
            raise NotImplementedError
        return np.asarray(predictions, dtype=float)

    case = f"bits {''.join(map(str, HAND_BITS))}, context {HAND_CONTEXT}"
    return compare("eq. 10 by hand", student, reference, [(case, ())], atol=1e-3)


def _cost_reference(bits: np.ndarray, context: int) -> float:
    probabilities = optimal_probabilities(np.asarray(bits), context=context)
    return float(ngram_cost_bits(probabilities, np.asarray(bits)))


def check_cost_from_counts(student: Callable[[np.ndarray, int], Any]) -> CheckResult:
    """Check `student(bits [T] of 0/1, context) -> total optimal cost in bits (a float)`.

    The reference sums eq. 10's log-losses step by step; the student's function should get
    the same number from the final counts only (see the notebook's hint).
    Cases: `HAND_BITS`, all zeros, and sampled 200-bit sequences with contexts 3 and 5.
    """
    cases: list[tuple[str, tuple[Any, ...]]] = [
        ("the hand-exercise sequence, context 2", (np.array(HAND_BITS), HAND_CONTEXT)),
        ("40 zeros, context 5", (np.zeros(40, dtype=int), 5)),
    ]
    for context, seed in [(3, 0), (5, 1), (5, 2)]:
        batch = NGramsTask(context=context).sample(1, torch.Generator().manual_seed(seed))
        bits = batch.targets[0, :, 0].numpy().astype(int)
        cases.append((f"200-bit N-gram sequence, context {context}, seed {seed}", (bits, context)))
    return compare("optimal cost from counts", student, _cost_reference, cases, atol=1e-6)
