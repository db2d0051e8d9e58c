"""Shared test setup: one intra-op thread.

The models here are small and recurrent, so each step is many tiny ops; extra threads only add
synchronisation (measured: a float64 gradcheck of `address` took 31 s with 2 threads on a
busy 2-core machine, 1 s with one).
"""

import pytest
import torch

from ntm_edu.model import NTM
from ntm_edu.tasks.associative_recall import AssociativeRecallTask

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def recall():
    """A tiny untrained NTM on associative recall, with its task: (task, model)."""
    task = AssociativeRecallTask()
    torch.manual_seed(0)
    model = NTM(task.input_size, task.output_size, controller_size=16, memory_locations=13,
                memory_width=5)  # fmt: skip
    return task, model
