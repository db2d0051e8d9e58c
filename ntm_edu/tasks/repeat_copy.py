"""The repeat copy task (Graves et al. 2014, §4.2; https://arxiv.org/abs/1410.5401).

Like copy, but the network must output the sequence *n* times and then emit an end marker.
The repeat count arrives as one scalar on its own input channel at the delimiter step,
normalised to mean 0 and variance 1 as the paper prescribes. The normalisation uses the
statistics of the *training* distribution of n (uniform integers min..max) and keeps them for
larger test counts, so ``repeats=20`` shows up as a value the network has never seen
(the generalisation test of Fig. 8) instead of being squeezed back into the training range.

Layout of one episode with length L and n repeats (T = L + 1 + n*L + 1 steps)::

    step      0 .. L-1      L                        L+1 .. L+n*L          L+n*L+1
    input     x_1 .. x_L    delimiter + repeats      zeros                 zero
    target    (unscored)    (unscored)               x_1..x_L (n times)    end marker

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from ntm_edu.tasks.base import (
    Batch,
    Task,
    check_int_range,
    check_min_max,
    random_bits,
    uniform_int,
)

__all__ = ["RepeatCopyTask"]


class RepeatCopyTask(Task):
    """Copy a sequence `repeats` times, then raise the `end` output channel.

    Args:
        width: bits per vector (8 in the paper).
        min_length, max_length: training sequence lengths, uniform integers (1..10).
        min_repeats, max_repeats: training repeat counts, uniform integers (1..10).

    Inputs: ``bit0..``, ``delimiter``, ``repeats``; outputs: ``bit0..``, ``end``.
    Overrides for one draw: ``length`` and ``repeats`` (both >= 1, any size).
    `info` holds ``repeats`` and ``length`` (B,) as integers.

    Taught in `notebooks/01_sequence_tasks`.
    """

    name = "repeat_copy"
    override_names = ("length", "repeats")

    def __init__(
        self,
        width: int = 8,
        min_length: int = 1,
        max_length: int = 10,
        min_repeats: int = 1,
        max_repeats: int = 10,
    ):
        width = check_int_range("width", width, 1)
        min_length, max_length = check_min_max("min_length", min_length, "max_length", max_length)
        min_repeats, max_repeats = check_min_max(
            "min_repeats", min_repeats, "max_repeats", max_repeats
        )
        self.config = {
            "width": width,
            "min_length": min_length,
            "max_length": max_length,
            "min_repeats": min_repeats,
            "max_repeats": max_repeats,
        }
        self.input_channels = [f"bit{i}" for i in range(width)] + ["delimiter", "repeats"]
        self.output_channels = [f"bit{i}" for i in range(width)] + ["end"]

    @property
    def repeats_mean_std(self) -> tuple[float, float]:
        """Mean and standard deviation of n ~ U{min_repeats..max_repeats}.

        The discrete uniform on a..b has mean (a+b)/2 and variance ((b-a+1)^2 - 1)/12.
        With a single training count (a == b) the variance is 0; we then divide by 1 so the
        channel reads n - a rather than dividing by zero.
        """
        low, high = self.config["min_repeats"], self.config["max_repeats"]
        variance = ((high - low + 1) ** 2 - 1) / 12
        return (low + high) / 2, math.sqrt(variance) if variance > 0 else 1.0

    def normalise_repeats(self, repeats: int | float) -> float:
        """The value the `repeats` channel carries for a count n: (n - mean) / std."""
        mean, std = self.repeats_mean_std
        return (repeats - mean) / std

    def training_settings(self) -> list[dict[str, Any]]:
        """Every (length, repeats) pair of the training ranges once: 100 by default."""
        lengths = range(self.config["min_length"], self.config["max_length"] + 1)
        counts = range(self.config["min_repeats"], self.config["max_repeats"] + 1)
        return [{"length": n, "repeats": r} for n in lengths for r in counts]

    def _sample(
        self, batch_size: int, generator: torch.Generator | None, **overrides: Any
    ) -> Batch:
        width = self.config["width"]
        if "length" in overrides:
            length = check_int_range("length", overrides["length"], 1)
        else:
            length = uniform_int(self.config["min_length"], self.config["max_length"], generator)
        if "repeats" in overrides:
            repeats = check_int_range("repeats", overrides["repeats"], 1)
        else:
            repeats = uniform_int(self.config["min_repeats"], self.config["max_repeats"], generator)
        answer = repeats * length + 1  # n copies, then one end-marker step
        steps = length + 1 + answer

        sequence = random_bits((batch_size, length, width), generator)  # (B, L, W)
        inputs = torch.zeros(batch_size, steps, width + 2)  # (B, T, W+2)
        inputs[:, :length, :width] = sequence
        inputs[:, length, width] = 1.0  # delimiter
        inputs[:, length, width + 1] = self.normalise_repeats(repeats)
        targets = torch.zeros(batch_size, steps, width + 1)  # (B, T, W+1)
        targets[:, length + 1 : steps - 1, :width] = sequence.repeat(1, repeats, 1)  # (B, nL, W)
        targets[:, steps - 1, width] = 1.0  # end marker
        mask = torch.zeros(batch_size, steps, dtype=torch.bool)  # (B, T)
        mask[:, length + 1 :] = True
        info = {
            "length": torch.full((batch_size,), length),
            "repeats": torch.full((batch_size,), repeats),
        }
        return Batch(inputs, targets, mask, info=info)
