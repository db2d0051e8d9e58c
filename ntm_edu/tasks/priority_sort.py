"""The priority sort task (Graves et al. 2014, §4.5; https://arxiv.org/abs/1410.5401).

Twenty random binary vectors arrive, each with a scalar priority drawn uniformly from
[-1, 1] on its own input channel. After a delimiter the network must output the 16
highest-priority vectors, highest first. The NTM learns to write each vector at a location
that is roughly a linear function of its priority, then to read the locations in order
(Fig. 17). Sixteen outputs rather than twenty (footnote 5) let a depth-4 binary heap suffice.

Whole vectors move together: the target at output step j is the input row with the j-th
highest priority. (Sorting each bit column on its own, a tempting vectorised shortcut, gives
rows that were never in the input.)

Layout (T = num_inputs + 1 + num_outputs)::

    step      0 .. 19                      20          21 .. 36
    input     x_i on bits, p_i on priority  delimiter   zeros
    target    (unscored)                    (unscored)  x sorted by decreasing p, top 16

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

from typing import Any

import torch

from ntm_edu.tasks.base import Batch, Task, check_int_range, random_bits

__all__ = ["PrioritySortTask"]


class PrioritySortTask(Task):
    """Output the `num_outputs` highest-priority input vectors in decreasing priority.

    Args:
        width: bits per vector (8, as in common implementations; the paper does not say).
        num_inputs: vectors shown (20 in the paper).
        num_outputs: vectors to emit (16 in the paper); at most `num_inputs`.

    Inputs: ``bit0..``, ``priority``, ``delimiter``; outputs: ``bit0..``.
    Overrides for one draw: ``num_inputs`` and ``num_outputs`` (still outputs <= inputs).
    `info` holds ``priorities`` (B, num_inputs).

    Taught in `notebooks/01_sequence_tasks`.
    """

    name = "priority_sort"
    override_names = ("num_inputs", "num_outputs")

    def __init__(self, width: int = 8, num_inputs: int = 20, num_outputs: int = 16):
        width = check_int_range("width", width, 1)
        num_inputs, num_outputs = _check_counts(num_inputs, num_outputs)
        self.config = {"width": width, "num_inputs": num_inputs, "num_outputs": num_outputs}
        self.input_channels = [f"bit{i}" for i in range(width)] + ["priority", "delimiter"]
        self.output_channels = [f"bit{i}" for i in range(width)]

    def _sample(
        self, batch_size: int, generator: torch.Generator | None, **overrides: Any
    ) -> Batch:
        width = self.config["width"]
        num_inputs, num_outputs = _check_counts(
            overrides.get("num_inputs", self.config["num_inputs"]),
            overrides.get("num_outputs", self.config["num_outputs"]),
        )
        steps = num_inputs + 1 + num_outputs

        vectors = random_bits((batch_size, num_inputs, width), generator)  # (B, n_in, W)
        priorities = torch.rand(batch_size, num_inputs, generator=generator) * 2 - 1  # U[-1, 1]
        # Rank whole rows by their priority; gather moves each vector as one unit.
        order = torch.argsort(priorities, dim=1, descending=True)[:, :num_outputs]  # (B, n_out)
        ranked = torch.gather(vectors, 1, order.unsqueeze(-1).expand(-1, -1, width))

        inputs = torch.zeros(batch_size, steps, width + 2)  # (B, T, W+2)
        inputs[:, :num_inputs, :width] = vectors
        inputs[:, :num_inputs, width] = priorities
        inputs[:, num_inputs, width + 1] = 1.0  # delimiter
        targets = torch.zeros(batch_size, steps, width)  # (B, T, W)
        targets[:, num_inputs + 1 :] = ranked
        mask = torch.zeros(batch_size, steps, dtype=torch.bool)  # (B, T)
        mask[:, num_inputs + 1 :] = True
        return Batch(inputs, targets, mask, info={"priorities": priorities})


def _check_counts(num_inputs: Any, num_outputs: Any) -> tuple[int, int]:
    num_inputs = check_int_range("num_inputs", num_inputs, 1)
    num_outputs = check_int_range("num_outputs", num_outputs, 1)
    if num_outputs > num_inputs:
        raise ValueError(
            f"num_outputs must be in [1, num_inputs = {num_inputs}], got {num_outputs}"
        )
    return num_inputs, num_outputs
