"""The copy task (Graves et al. 2014, §4.1; https://arxiv.org/abs/1410.5401).

The network sees a sequence of random binary vectors, then a delimiter flag, and must then
reproduce the whole sequence with no further input: it has to store L vectors somewhere and
read them back in order. Training lengths are uniform on 1..20; generalisation is tested on
longer sequences (Figs. 4-5) with ``task.sample(B, length=120)``.

Layout of one episode of length L (T = 2L + 1 steps)::

    step        0 .. L-1          L            L+1 .. 2L
    input       x_1 .. x_L        delimiter    zeros
    target      (unscored)        (unscored)   x_1 .. x_L   <- mask True only here

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

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

__all__ = ["CopyTask"]


class CopyTask(Task):
    """Copy a sequence of random `width`-bit vectors after a delimiter.

    Args:
        width: bits per vector (8 in the paper).
        min_length, max_length: training lengths are uniform integers in this range (1..20).

    Inputs: ``bit0..bit{width-1}`` and ``delimiter``; outputs: ``bit0..bit{width-1}``.
    Override for one draw: ``length`` (any L >= 1, e.g. beyond the training range).

    Taught in `notebooks/01_sequence_tasks`.
    """

    name = "copy"
    override_names = ("length",)

    def __init__(self, width: int = 8, min_length: int = 1, max_length: int = 20):
        width = check_int_range("width", width, 1)
        min_length, max_length = check_min_max("min_length", min_length, "max_length", max_length)
        self.config = {"width": width, "min_length": min_length, "max_length": max_length}
        self.input_channels = [f"bit{i}" for i in range(width)] + ["delimiter"]
        self.output_channels = [f"bit{i}" for i in range(width)]

    def training_settings(self) -> list[dict[str, Any]]:
        """Every training length once: ``[{"length": 1}, ..., {"length": 20}]``."""
        low, high = self.config["min_length"], self.config["max_length"]
        return [{"length": n} for n in range(low, high + 1)]

    def _sample(
        self, batch_size: int, generator: torch.Generator | None, **overrides: Any
    ) -> Batch:
        width = self.config["width"]
        if "length" in overrides:
            length = check_int_range("length", overrides["length"], 1)
        else:
            length = uniform_int(self.config["min_length"], self.config["max_length"], generator)
        steps = 2 * length + 1

        sequence = random_bits((batch_size, length, width), generator)  # (B, L, W)
        inputs = torch.zeros(batch_size, steps, width + 1)  # (B, T, W+1)
        inputs[:, :length, :width] = sequence
        inputs[:, length, width] = 1.0  # the delimiter step carries no data bits
        targets = torch.zeros(batch_size, steps, width)  # (B, T, W)
        targets[:, length + 1 :] = sequence
        mask = torch.zeros(batch_size, steps, dtype=torch.bool)  # (B, T)
        mask[:, length + 1 :] = True
        return Batch(inputs, targets, mask, info={"length": torch.full((batch_size,), length)})
