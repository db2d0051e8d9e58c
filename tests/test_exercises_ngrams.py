"""Tests of ntm_edu.exercises.ngrams."""

from __future__ import annotations

from math import lgamma, log

import numpy as np

from ntm_edu.exercises.ngrams import (
    HAND_BITS,
    HAND_CONTEXT,
    check_cost_from_counts,
    check_hand_estimate,
)
from ntm_edu.tasks.ngrams import optimal_probabilities


def _cost_from_counts(bits, context):
    bits = np.asarray(bits).astype(int)
    counts: dict[tuple, list[int]] = {}
    for t in range(context, len(bits)):
        counts.setdefault(tuple(bits[t - context : t]), [0, 0])[bits[t]] += 1

    def log_beta(a, b):
        return lgamma(a) + lgamma(b) - lgamma(a + b)

    nats = sum(log_beta(0.5, 0.5) - log_beta(n1 + 0.5, n0 + 0.5) for n0, n1 in counts.values())
    return nats / log(2) + min(context, len(bits))


def test_check_hand_estimate():
    answer = optimal_probabilities(np.array(HAND_BITS), context=HAND_CONTEXT)
    assert check_hand_estimate(answer.tolist()).passed
    assert not check_hand_estimate([0.5] * len(HAND_BITS)).passed
    assert not check_hand_estimate(answer[:-1]).passed  # wrong length
    assert "not implemented" in check_hand_estimate(None).message


def test_check_cost_from_counts():
    assert check_cost_from_counts(_cost_from_counts).passed
    # Forgetting the first `context` fair-coin bits (1 bit each) must fail.
    assert not check_cost_from_counts(lambda b, c: _cost_from_counts(b, c) - c).passed
