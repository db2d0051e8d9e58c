"""Shared test setup: one intra-op thread.

The models here are small and recurrent, so each step is many tiny ops; extra threads only add
synchronisation (measured: a float64 gradcheck of `address` took 31 s with 2 threads on a
busy 2-core machine, 1 s with one).
"""

import pytest
import torch

from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks.associative_recall import AssociativeRecallTask
from ntm_edu.tasks.copy import CopyTask

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def recall():
    """A tiny untrained NTM on associative recall, with its task: (task, model)."""
    task = AssociativeRecallTask()
    torch.manual_seed(0)
    model = NTM(task.input_size, task.output_size, controller_size=16, memory_locations=13,
                memory_width=5)  # fmt: skip
    return task, model


@pytest.fixture(scope="module")
def small_models():
    """A tiny untrained NTM and LSTM on short copy sequences: (task, ntm, lstm)."""
    torch.manual_seed(0)
    task = CopyTask(width=4, max_length=5)
    ntm = NTM(task.input_size, task.output_size, controller_size=12, memory_locations=24)
    lstm = LSTMBaseline(task.input_size, task.output_size, hidden_size=16, layers=2)
    return task, ntm, lstm
