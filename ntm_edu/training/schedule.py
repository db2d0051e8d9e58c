"""A learning-rate schedule: piecewise-constant rates that drop at given steps.

The paper trains with one rate per task (Tables 1-3). On a CPU budget a large rate finds the
solution sooner and a small one polishes it, so a recipe may start at `lr` and lower it later:
``lr_schedule=[(3400, 1e-4), (8000, 3e-5)]`` trains steps 1-3400 at `lr`, 3401-8000 at 1e-4
and the rest at 3e-5. The schedule is a setting of `train` (stored in `History.train_config`),
so a resumed run finds its place in it from the step count alone.

It cannot be combined with the `CollapseGuard` (``guard.py``): both set the rate, and which
one wins would depend on their order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from ntm_edu.training.callbacks import Callback, TrainContext, announce
from ntm_edu.training.step import set_learning_rate

__all__ = ["LearningRateSchedule", "check_lr_schedule"]


def check_lr_schedule(schedule: Any) -> list[tuple[int, float]]:
    """The schedule as a list of (step, lr), or a ValueError saying what is wrong with it."""
    try:
        pairs = [(step, lr) for step, lr in schedule]
    except (TypeError, ValueError):
        raise ValueError(
            f"lr_schedule must be a list of (step, lr) pairs, got {schedule!r}"
        ) from None
    for step, lr in pairs:
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise ValueError(f"lr_schedule steps must be integers >= 1, got {step!r}")
        if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
            raise ValueError(f"lr_schedule rates must be positive finite numbers, got {lr!r}")
    steps = [step for step, _ in pairs]
    if steps != sorted(set(steps)):
        raise ValueError(f"lr_schedule steps must increase, got {steps}")
    return [(int(step), float(lr)) for step, lr in pairs]


class LearningRateSchedule(Callback):
    """Set the rate to `lr` after step `step`, for each (step, lr) of `schedule`.

    Args:
        schedule: (step, lr) pairs with increasing steps (`check_lr_schedule`).
        log: where the one-line message of a change goes (default: stderr).
    """

    def __init__(
        self, schedule: Iterable[tuple[int, float]], log: Callable[[str], Any] | None = None
    ):
        self.schedule = dict(check_lr_schedule(schedule))
        self.log = log

    def rate_after(self, step: int) -> float | None:
        """The scheduled rate once `step` steps are done; None before the first change."""
        passed = [s for s in self.schedule if s <= step]
        return self.schedule[max(passed)] if passed else None

    def on_train_begin(self, ctx: TrainContext) -> None:
        # A resumed run: the optimizer was rebuilt with the run's base rate.
        lr = self.rate_after(ctx.step)
        if lr is not None:
            set_learning_rate(ctx.optimizer, lr)

    def on_step_end(self, ctx: TrainContext) -> None:
        if ctx.step in self.schedule:
            set_learning_rate(ctx.optimizer, self.schedule[ctx.step])
            announce(f"lr schedule: lr now {self.schedule[ctx.step]:.3g} after step {ctx.step}",
                     self.log)  # fmt: skip
