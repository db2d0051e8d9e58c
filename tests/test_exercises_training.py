"""Tests of ntm_edu.exercises.training."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ntm_edu.exercises.training import check_bits_per_sequence, check_lstm_parameter_count


class TestChecks:
    def test_bits_per_sequence(self):
        def stable(logits, targets, mask):
            nats = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
            return (nats * mask[..., None]).sum() / (logits.shape[0] * math.log(2))

        def naive(logits, targets, mask):
            p = torch.sigmoid(logits)
            bits = -(targets * torch.log2(p) + (1 - targets) * torch.log2(1 - p))
            return (bits * mask[..., None]).sum() / logits.shape[0]

        def in_nats(logits, targets, mask):
            return stable(logits, targets, mask) * math.log(2)

        def unmasked(logits, targets, mask):
            return stable(logits, targets, torch.ones_like(mask))

        assert check_bits_per_sequence(stable)
        assert not check_bits_per_sequence(naive)  # log(sigmoid(40)) overflows to inf
        assert not check_bits_per_sequence(in_nats)
        assert not check_bits_per_sequence(unmasked)

    def test_lstm_parameter_count(self):
        def formula(inputs, outputs, hidden, layers):
            first = 4 * hidden * (inputs + hidden) + 8 * hidden
            others = (layers - 1) * (4 * hidden * 2 * hidden + 8 * hidden)
            return first + others + 2 * layers * hidden + hidden * outputs + outputs

        assert check_lstm_parameter_count(formula)
        assert not check_lstm_parameter_count(lambda i, o, h, n: formula(i, o, h, n) - o)
        assert not check_lstm_parameter_count(lambda i, o, h, n: 4 * h * (i + h) * n)
