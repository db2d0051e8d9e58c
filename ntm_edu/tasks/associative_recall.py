"""The associative recall task (Graves et al. 2014, §4.3; https://arxiv.org/abs/1410.5401).

A list of items is shown, each item a short run of binary vectors bounded by delimiter
flags; then one of the items is shown again as a query, and the network must answer with the
item that *followed* it in the list. Solving it needs content addressing (find the query in
memory) followed by a location shift (step to the next item): the two addressing mechanisms
of §3.3 working together (Fig. 12).

Layout with k items of `item_length` = 3 vectors (T = 4k + 8 steps)::

    [item] a1 a2 a3  [item] b1 b2 b3  ...  [query] q1 q2 q3 [query]  zeros zeros zeros
                                                                     ^ target: the item after q

The item delimiter is on input channel ``item``, the query delimiter on ``query`` (rows 7
and 8 of the paper's Fig. 12). The query is never the last item, so an answer always exists.

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

__all__ = ["AssociativeRecallTask", "distinct_items"]


def distinct_items(
    batch_size: int, num_items: int, num_bits: int, generator: torch.Generator | None
) -> torch.Tensor:
    """Random items, pairwise different within each episode.

    Two equal items would make the question "which item followed this one?" ambiguous, so
    any item equal to an earlier one in its episode is redrawn until none is. With 18-bit
    items and at most a few dozen per list, a redraw is needed in well under 1% of episodes.

    Returns:
        [B, num_items, num_bits] float tensor of 0s and 1s.
    """
    items = random_bits((batch_size, num_items, num_bits), generator)  # (B, K, D)
    while True:
        same = (items[:, :, None, :] == items[:, None, :, :]).all(-1)  # (B, K, K)
        repeated = torch.tril(same, diagonal=-1).any(-1)  # (B, K): equals an earlier item
        count = int(repeated.sum())
        if count == 0:
            return items
        items[repeated] = random_bits((count, num_bits), generator)


class AssociativeRecallTask(Task):
    """Recall the item that followed a queried item.

    Args:
        width: bits per vector (6 in the paper).
        item_length: vectors per item (3 in the paper, so an item holds 18 bits).
        min_items, max_items: training list lengths, uniform integers (2..6).

    Inputs: ``bit0..bit{width-1}``, ``item``, ``query``; outputs: ``bit0..bit{width-1}``.
    Override for one draw: ``items`` (>= 2, e.g. 12 or 20 to test generalisation).
    `info` holds ``query_index`` (B,), the 0-based position of the queried item in the list,
    and ``num_items`` (B,).

    Taught in `notebooks/01_sequence_tasks`.
    """

    name = "associative_recall"
    override_names = ("items",)

    def __init__(
        self, width: int = 6, item_length: int = 3, min_items: int = 2, max_items: int = 6
    ):
        width = check_int_range("width", width, 1)
        item_length = check_int_range("item_length", item_length, 1)
        min_items, max_items = check_min_max("min_items", min_items, "max_items", max_items, 2)
        self.config = {
            "width": width,
            "item_length": item_length,
            "min_items": min_items,
            "max_items": max_items,
        }
        # Distinct items must exist: there are only 2^(width * item_length) different ones.
        check_int_range("max_items", max_items, 2, self.max_distinct_items)
        self.input_channels = [f"bit{i}" for i in range(width)] + ["item", "query"]
        self.output_channels = [f"bit{i}" for i in range(width)]

    @property
    def max_distinct_items(self) -> int:
        return 2 ** (self.config["width"] * self.config["item_length"])

    def training_settings(self) -> list[dict[str, Any]]:
        """Every training list length once: ``[{"items": 2}, ..., {"items": 6}]``."""
        low, high = self.config["min_items"], self.config["max_items"]
        return [{"items": n} for n in range(low, high + 1)]

    def _sample(
        self, batch_size: int, generator: torch.Generator | None, **overrides: Any
    ) -> Batch:
        width, span = self.config["width"], self.config["item_length"]
        if "items" in overrides:
            num_items = check_int_range("items", overrides["items"], 2, self.max_distinct_items)
        else:
            num_items = uniform_int(self.config["min_items"], self.config["max_items"], generator)
        list_steps = num_items * (span + 1)  # each item: one delimiter step + its vectors
        steps = list_steps + (span + 2) + span  # query block, then the answer steps

        items = distinct_items(batch_size, num_items, span * width, generator)
        items = items.reshape(batch_size, num_items, span, width)  # (B, K, S, W)
        # The query is any item but the last, so that a following item exists.
        query_index = torch.randint(0, num_items - 1, (batch_size,), generator=generator)
        rows = torch.arange(batch_size)

        inputs = torch.zeros(batch_size, steps, width + 2)  # (B, T, W+2)
        item_blocks = inputs[:, :list_steps].view(batch_size, num_items, span + 1, width + 2)
        item_blocks[:, :, 0, width] = 1.0  # the `item` delimiter opens every item
        item_blocks[:, :, 1:, :width] = items
        query_start = list_steps
        inputs[:, query_start, width + 1] = 1.0  # `query` delimiter before ...
        inputs[:, query_start + 1 : query_start + 1 + span, :width] = items[rows, query_index]
        inputs[:, query_start + 1 + span, width + 1] = 1.0  # ... and after the query item

        answer_start = steps - span
        targets = torch.zeros(batch_size, steps, width)  # (B, T, W)
        targets[:, answer_start:] = items[rows, query_index + 1]  # (B, S, W)
        mask = torch.zeros(batch_size, steps, dtype=torch.bool)  # (B, T)
        mask[:, answer_start:] = True
        info = {"query_index": query_index, "num_items": torch.full((batch_size,), num_items)}
        return Batch(inputs, targets, mask, info=info)
