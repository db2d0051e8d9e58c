"""One optimizer step, `train_step`, and what it needs: the optimizers and the divergence check.

What a step does, following the paper (Graves et al. 2014, §4;
https://arxiv.org/abs/1410.5401) where it says something:

* the objective is `task.loss` (mean cross-entropy per scored bit);
* gradients are clipped element-wise to [-clip, clip] ("all gradient components are clipped
  elementwise to the range (-10, 10)", §4) and optionally by global norm (`clip_norm`);
* a non-finite loss or gradient stops the step *before* `optimizer.step()`, so the weights
  never absorb a NaN (`train` turns that into `TrainingDiverged`).

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch
from torch import nn

from ntm_edu.tasks.base import Batch, Task

__all__ = [
    "NonFiniteStep",
    "TrainingDiverged",
    "first_nonfinite_grad",
    "make_optimizer",
    "set_learning_rate",
    "train_step",
]


class NonFiniteStep(ArithmeticError):
    """`train_step` refused an update: the loss or a gradient was NaN or infinite.

    Attributes:
        what: "loss" or the name of the first parameter with a non-finite gradient.
        value: the loss, when it was the loss.
    """

    def __init__(self, what: str, value: float | None = None):
        self.what, self.value = what, value
        super().__init__(f"non-finite {what}" + ("" if value is None else f" ({value})"))


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; the weights were left as they were.

    Attributes:
        step: the step (1-based, counted over the whole run) whose update was refused.
        what: "loss" or the name of the first parameter with a non-finite gradient.
    """

    def __init__(self, step: int, what: str, value: float | None = None):
        self.step = step
        self.what = what
        detail = (
            f"the loss is {value}" if what == "loss" else f"the gradient of {what!r} is not finite"
        )
        super().__init__(
            f"training diverged at step {step}: {detail}. The update was not applied, so the "
            f"weights are those after step {step - 1}. Try a lower learning rate or "
            f"stronger clipping (clip=..., clip_norm=...)."
        )


def train_step(
    model: nn.Module,
    task: Task,
    batch: Batch,
    optimizer: torch.optim.Optimizer,
    clip: float | None = 10.0,
    clip_norm: float | None = None,
) -> tuple[torch.Tensor, float]:
    """One step of gradient descent on one batch: forward, loss, checks, clipping, update.

    Args:
        model: maps inputs [B, T, I] to logits [B, T, O].
        task: gives the loss on the scored steps (`task.loss(logits, batch)`).
        batch: the training batch, on the model's device.
        optimizer: the optimizer of `model`'s parameters.
        clip: element-wise gradient clip to [-clip, clip] (the paper's 10); None: off.
        clip_norm: global gradient-norm clip after the element-wise one; None: off.
    Returns:
        the logits [B, T, O] (detached) and the loss.
    Raises:
        NonFiniteStep: the loss or a gradient is NaN or infinite; the weights are unchanged.
    """
    logits = model(batch.inputs)  # (B, T, O)
    loss = task.loss(logits, batch)
    if not bool(torch.isfinite(loss)):
        raise NonFiniteStep("loss", float(loss.detach()))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    bad = first_nonfinite_grad(model)
    if bad is not None:
        raise NonFiniteStep(bad)
    if clip is not None:
        nn.utils.clip_grad_value_(model.parameters(), clip)
    if clip_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
    optimizer.step()
    return logits.detach(), float(loss.detach())


def make_optimizer(name: str, params: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """Build the optimizer named `name` ("adam" or "rmsprop").

    "rmsprop" is the paper's choice: RMSProp "in the form described in (Graves, 2013) with
    momentum of 0.9", i.e. centred, with decay 0.95. PyTorch adds epsilon outside the square
    root (Graves: inside), so with eps=1e-4 the two are close but not identical.
    """
    if not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    key = str(name).lower()
    if key == "adam":
        return torch.optim.Adam(params, lr=lr)
    if key == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.95, momentum=0.9, centered=True, eps=1e-4)
    raise ValueError(f"optimizer must be 'adam' or 'rmsprop', got {name!r}")


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Use `lr` from the next step on, in every parameter group."""
    for group in optimizer.param_groups:
        group["lr"] = lr


def first_nonfinite_grad(model: nn.Module) -> str | None:
    """Name of the first parameter whose gradient has a NaN/inf, or None if all are finite."""
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    if not grads:
        return None
    # One fused reduction in the common (finite) case; the per-parameter scan only on failure.
    total = torch.stack([torch.linalg.vector_norm(g.detach(), dtype=torch.float32) for g in grads])
    if bool(torch.isfinite(total).all()):
        return None
    for name, p in model.named_parameters():
        if p.grad is not None and not bool(torch.isfinite(p.grad).all()):
            return name
    return None  # the norm overflowed although every entry is finite: not a divergence
