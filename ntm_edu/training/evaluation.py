"""`evaluate`: a model's mean costs on fresh, seeded data (the validation numbers of a run).

The same seed gives the same sequences on any device, so a number printed in a notebook is
the same on a laptop and on a GPU machine (up to rounding).

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn

from ntm_edu._checks import check_int_range
from ntm_edu.tasks.base import Task
from ntm_edu.training.device import model_device, pick_device

__all__ = ["evaluate", "evaluate_settings"]


@torch.no_grad()
def evaluate(
    model: nn.Module,
    task: Task,
    sequences: int = 1000,
    batch_size: int = 20,
    seed: int = 1234,
    device: str | torch.device | None = None,
    **overrides: Any,
) -> dict[str, float]:
    """Mean costs on fresh, seeded data: the validation numbers of a run.

    Args:
        model: the model (put in eval mode for the call, its mode restored afterwards).
        task: the task to sample from.
        sequences: how many sequences to evaluate (>= 1).
        batch_size: sequences per forward pass. The episodes of a batch share one length (or
            repeat count, or item count), so small batches see many of them: 1000 sequences
            in batches of 20 cover 50 draws of the length, batches of 100 only 10.
        seed: seeds the data; the same seed gives the same sequences on any device.
        device: where to run; None: where the model already is; "auto": see `pick_device`.
        **overrides: task settings for these draws, e.g. ``length=50`` for generalisation.
    Returns:
        {"bits_per_sequence", "bit_errors_per_sequence", "sequences"}: means per sequence.
    """
    check_int_range("sequences", sequences, 1)
    check_int_range("batch_size", batch_size, 1)
    target = model_device(model) if device is None else pick_device(device)
    model.to(target)
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(int(seed))
    total_bits = total_errors = 0.0
    done = 0
    try:
        while done < sequences:
            n = min(batch_size, sequences - done)
            batch = task.sample(n, generator=generator, **overrides).to(target)
            logits = model(batch.inputs)
            total_bits += float(task.bits_per_sequence(logits, batch)) * n
            total_errors += float(task.bit_errors_per_sequence(logits, batch)) * n
            done += n
    finally:
        model.train(was_training)
    return {
        "bits_per_sequence": total_bits / done,
        "bit_errors_per_sequence": total_errors / done,
        "sequences": done,
    }


def evaluate_settings(
    model: nn.Module,
    task: Task,
    settings: Iterable[dict[str, Any]],
    sequences: int = 4,
    seed: int = 1234,
    device: str | torch.device | None = None,
) -> dict[str, float]:
    """Mean costs over several task settings, each setting counted equally.

    A batch of `evaluate` shares one draw of the length (or repeat count, or item count), so a
    few large batches see only a few of them. This evaluates `sequences` sequences of every
    setting, in one batch each and from the same `seed`, and averages over the settings: for
    repeat copy, ``[dict(length=n, repeats=r) for n in range(1, 11) for r in range(1, 11)]``
    weighs all 100 pairs of the training distribution alike.

    Args:
        model, task, seed, device: as for `evaluate`.
        settings: task settings (`evaluate`'s overrides), one dict per setting; at least one.
        sequences: sequences per setting (>= 1).
    Returns:
        {"bits_per_sequence", "bit_errors_per_sequence", "sequences"}: the means over the
        settings of `evaluate`'s per-sequence means, and the number of sequences in all.
    """
    rows = [
        evaluate(model, task, sequences=sequences, batch_size=sequences, seed=seed,
                 device=device, **setting)
        for setting in settings
    ]  # fmt: skip
    if not rows:
        raise ValueError("settings is empty: give at least one task setting")
    keys = ("bits_per_sequence", "bit_errors_per_sequence")
    means = {key: sum(row[key] for row in rows) / len(rows) for key in keys}
    return {**means, "sequences": sum(row["sequences"] for row in rows)}
