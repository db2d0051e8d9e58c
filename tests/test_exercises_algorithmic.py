"""Tests of ntm_edu.exercises.algorithmic."""

from __future__ import annotations

import torch

from ntm_edu.exercises.algorithmic import (
    check_recall_answer,
    check_repeat_copy_targets,
    check_sort_targets,
    recall_answer_reference,
    repeat_copy_targets_reference,
    sort_targets_reference,
)
from ntm_edu.tasks import AssociativeRecallTask, PrioritySortTask, RepeatCopyTask


def test_references_match_the_tasks():
    batch = RepeatCopyTask().sample(2, torch.Generator().manual_seed(0), length=4, repeats=3)
    assert torch.equal(repeat_copy_targets_reference(batch.inputs, 3), batch.targets)
    task = AssociativeRecallTask()
    batch = task.sample(3, torch.Generator().manual_seed(0), items=5)
    answers = recall_answer_reference(batch.inputs, 3)
    assert torch.equal(answers, batch.targets[:, -3:])
    task = PrioritySortTask()
    batch = task.sample(2, torch.Generator().manual_seed(0))
    sorted_ = sort_targets_reference(batch.inputs[:, :20, :8], batch.info["priorities"], 16)
    assert torch.equal(sorted_, batch.targets[:, 21:])


def test_checks_pass_the_reference_and_fail_a_wrong_answer():
    assert check_repeat_copy_targets(repeat_copy_targets_reference)
    assert not check_repeat_copy_targets(lambda x, n: repeat_copy_targets_reference(x, n + 1))
    assert check_recall_answer(recall_answer_reference)
    last_item = lambda x, s: x[:, -2 * s - 1 : -s - 1, :-2]  # noqa: E731 (echoes the query)
    assert not check_recall_answer(last_item)
    assert check_sort_targets(sort_targets_reference)
    assert not check_sort_targets(lambda v, p, m: v[:, :m])
    ascending = lambda v, p, m: sort_targets_reference(v, -p, m)  # noqa: E731
    result = check_sort_targets(ascending)
    assert not result and "wrong values" in result.message


def test_check_reports_a_stub():
    def stub(inputs, repeats):
        raise NotImplementedError

    assert "not implemented" in check_repeat_copy_targets(stub).message
