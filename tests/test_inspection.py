"""Tests of ntm_edu.inspection."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.model import NTM
from ntm_edu.tasks import AssociativeRecallTask
from ntm_edu.training import evaluate
from ntm_edu.widgets import (
    episode_arrays,
)


@pytest.fixture(scope="module")
def recall():
    task = AssociativeRecallTask()
    torch.manual_seed(0)
    model = NTM(task.input_size, task.output_size, controller_size=16, memory_locations=13,
                memory_width=5)  # fmt: skip
    return task, model


def test_episode_arrays_costs_equal_evaluate(recall):
    task, model = recall
    episode = episode_arrays(model, task, seed=5, items=4)
    reference = evaluate(model, task, sequences=1, batch_size=1, seed=5, items=4)
    assert episode["bit_errors"] == pytest.approx(reference["bit_errors_per_sequence"])
    assert episode["bits"] == pytest.approx(reference["bits_per_sequence"], rel=1e-5)
    assert episode["write"].shape == (len(episode["inputs"]), 13)
    assert np.allclose(episode["read"].sum(-1), 1, atol=1e-4)
