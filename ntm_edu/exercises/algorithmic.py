"""Checks for the exercises of notebooks 07 (repeat copy), 08 (associative recall) and
10 (priority sort).

Each asks for a task's target computed from its inputs alone, the rule the network has to
discover (Graves et al. 2014, §4.2, §4.3, §4.5; https://arxiv.org/abs/1410.5401):

* `check_repeat_copy_targets`: the sequence repeated n times, then the end marker.
* `check_recall_answer`: the item that followed the query item in the list.
* `check_sort_targets`: the highest-priority vectors, highest first.

Each runs the student's function on fresh episodes (some longer than in training) against
the reference here and prints PASS or FAIL with the first mismatch, never the answer.

Taught in `notebooks/07_repeat_copy`, `notebooks/08_associative_recall` and
`notebooks/10_priority_sort`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ntm_edu.exercises.base import CheckResult, compare
from ntm_edu.tasks import AssociativeRecallTask, PrioritySortTask, RepeatCopyTask

__all__ = [
    "check_recall_answer",
    "check_repeat_copy_targets",
    "check_sort_targets",
    "recall_answer_reference",
    "repeat_copy_targets_reference",
    "sort_targets_reference",
]


def repeat_copy_targets_reference(inputs: torch.Tensor, repeats: int) -> torch.Tensor:
    """The repeat-copy target from the input: [B, T, W+2] and n -> [B, T, W+1].

    The delimiter (channel W) sits at step L; the answer repeats steps 0..L-1 n times from
    step L+1, and the end channel (W) is 1 at the last step. Every other entry is zero.
    """
    width = inputs.shape[-1] - 2
    length = int(inputs[0, :, width].nonzero()[0])
    targets = torch.zeros(*inputs.shape[:2], width + 1)  # (B, T, W+1)
    sequence = inputs[:, :length, :width]  # (B, L, W)
    targets[:, length + 1 : length + 1 + repeats * length, :width] = sequence.repeat(1, repeats, 1)
    targets[:, -1, width] = 1.0
    return targets


def check_repeat_copy_targets(student: Callable[[torch.Tensor, int], Any]) -> CheckResult:
    """Check `student(inputs [B, T, W+2], repeats) -> targets [B, T, W+1]` for repeat copy.

    Cases: (length, repeats) = (1, 1), (3, 4), (10, 10), (20, 2) and (5, 20), widths 8 and 3.
    """
    cases = []
    for width, length, repeats, seed in [
        (8, 1, 1, 0),
        (8, 3, 4, 1),
        (8, 10, 10, 2),
        (8, 20, 2, 3),
        (3, 5, 20, 4),
    ]:
        task = RepeatCopyTask(width=width)
        batch = task.sample(2, torch.Generator().manual_seed(seed), length=length, repeats=repeats)
        cases.append(
            (
                f"width {width}, length {length}, repeats {repeats}",
                (batch.inputs.clone(), repeats),
            )
        )
    return compare("repeat copy targets", student, repeat_copy_targets_reference, cases)


def recall_answer_reference(inputs: torch.Tensor, item_length: int = 3) -> torch.Tensor:
    """The associative-recall answer from the input: [B, T, W+2] -> [B, item_length, W].

    Items start after each `item` flag (channel W); the query sits between the two `query`
    flags (channel W+1). The answer is the item after the one equal to the query.
    """
    width = inputs.shape[-1] - 2
    answers = []
    for episode in inputs:  # (T, W+2)
        starts = episode[:, width].nonzero().flatten() + 1  # first vector of each item
        items = torch.stack([episode[s : s + item_length, :width] for s in starts])  # (K, S, W)
        query_at = int(episode[:, width + 1].nonzero()[0]) + 1
        query = episode[query_at : query_at + item_length, :width]  # (S, W)
        index = int((items == query).flatten(1).all(1).nonzero()[0])
        answers.append(items[index + 1])
    return torch.stack(answers)  # (B, S, W)


def check_recall_answer(student: Callable[[torch.Tensor, int], Any]) -> CheckResult:
    """Check `student(inputs [B, T, W+2], item_length) -> answers [B, item_length, W]`.

    Cases: 2, 6, 12 and 20 items of the paper's 3 x 6 bits, and 5 items of 2 x 4 bits.
    """
    cases = []
    for width, span, items, seed in [(6, 3, 2, 0), (6, 3, 6, 1), (6, 3, 12, 2), (6, 3, 20, 3),
                                     (4, 2, 5, 4)]:  # fmt: skip
        task = AssociativeRecallTask(width=width, item_length=span, max_items=max(items, 2))
        batch = task.sample(4, torch.Generator().manual_seed(seed), items=items)
        cases.append((f"{items} items of {span} x {width} bits", (batch.inputs.clone(), span)))
    return compare("associative recall answer", student, recall_answer_reference, cases)


def sort_targets_reference(
    vectors: torch.Tensor, priorities: torch.Tensor, num_outputs: int
) -> torch.Tensor:
    """The priority-sort target: [B, n, W], [B, n], m -> [B, m, W], highest priority first."""
    order = torch.argsort(priorities, dim=1, descending=True)[:, :num_outputs]  # (B, m)
    return torch.gather(vectors, 1, order.unsqueeze(-1).expand(-1, -1, vectors.shape[-1]))


def check_sort_targets(
    student: Callable[[torch.Tensor, torch.Tensor, int], Any],
) -> CheckResult:
    """Check `student(vectors [B, n, W], priorities [B, n], m) -> [B, m, W]`.

    Cases: the paper's 20 -> 16, all 20 sorted, 5 -> 1, and 30 -> 16 with width 3.
    """
    cases = []
    for width, n, m, seed in [(8, 20, 16, 0), (8, 20, 20, 1), (8, 5, 1, 2), (3, 30, 16, 3)]:
        task = PrioritySortTask(width=width, num_inputs=n, num_outputs=m)
        batch = task.sample(3, torch.Generator().manual_seed(seed))
        vectors = batch.inputs[:, :n, :width].clone()
        priorities = batch.info["priorities"].clone()
        cases.append((f"{n} vectors of width {width}, top {m}", (vectors, priorities, m)))
    return compare("priority sort targets", student, sort_targets_reference, cases)
