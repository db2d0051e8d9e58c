"""The five algorithmic tasks of Graves et al. 2014 (§4), one module each, and a registry.

Example::

    task = make_task("copy", max_length=20)
    batch = task.sample(16, generator=torch.Generator().manual_seed(0))
    batch.inputs.shape  # (16, 2L + 1, 9): 8 data bits + the delimiter

Every task is batch-first, reproducible from a `torch.Generator`, and lets evaluation ask for
settings beyond the training range (``task.sample(B, length=120)``).

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

import inspect
from typing import Any

from ntm_edu.tasks.associative_recall import AssociativeRecallTask
from ntm_edu.tasks.base import Batch, Task, bit_errors_per_sequence, bits_per_sequence
from ntm_edu.tasks.copy import CopyTask
from ntm_edu.tasks.ngrams import (
    NGramsTask,
    context_indices,
    ngram_cost_bits,
    optimal_probabilities,
    sample_beta_half,
)
from ntm_edu.tasks.priority_sort import PrioritySortTask
from ntm_edu.tasks.repeat_copy import RepeatCopyTask

__all__ = [
    "TASKS",
    "make_task",
    "Batch",
    "Task",
    "bits_per_sequence",
    "bit_errors_per_sequence",
    "CopyTask",
    "RepeatCopyTask",
    "AssociativeRecallTask",
    "NGramsTask",
    "PrioritySortTask",
    "optimal_probabilities",
    "ngram_cost_bits",
    "sample_beta_half",
    "context_indices",
]

# Name -> class, in the paper's order (§4.1-4.5).
TASKS: dict[str, type[Task]] = {
    "copy": CopyTask,
    "repeat_copy": RepeatCopyTask,
    "associative_recall": AssociativeRecallTask,
    "ngrams": NGramsTask,
    "priority_sort": PrioritySortTask,
}


def make_task(name: str, **config: Any) -> Task:
    """Build a task by name with its configuration, e.g. ``make_task("copy", max_length=20)``.

    Raises:
        ValueError: for an unknown task name (the message lists the known ones), an unknown
            configuration field, or a value outside its allowed range.
    """
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of: {', '.join(TASKS)}")
    cls = TASKS[name]
    fields = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    unknown = sorted(set(config) - set(fields))
    if unknown:
        raise ValueError(f"{name} has no setting {unknown}; its settings are: {', '.join(fields)}")
    return cls(**config)
