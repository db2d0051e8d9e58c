"""A collapse guard: restore the last good weights, with a lower learning rate, after a relapse.

The NTM learns copy in sudden drops after long plateaus, and with Adam at 1e-3 it can also
*unlearn* suddenly: measured here (benchmarks/README.md), a seed that had reached 0.1 wrong
bits per sequence jumped back to 16 within a few hundred steps, with no NaN or infinity that
the loop's divergence check could see. `CollapseGuard` watches a held-out cost instead:

* every `every` steps it evaluates the model on fixed, seeded held-out sequences (never the
  training stream) and remembers the weights and optimizer state of the best cost so far;
* when the cost jumps back, to more than ``max(ratio * best, best + margin)`` bits per
  sequence, it puts the best weights and optimizer state back, multiplies the learning rate
  by `factor`, and says so (`log`, and ``History.schedule["collapse_guard"]``).

Optionally (`settle_below`) it also lowers the rate once, by `settle_factor`, the first time
the held-out cost falls below `settle_below` bits per sequence: a learnt algorithm is then
polished with smaller steps instead of being shaken loose again.

It hides nothing: the learning curve keeps the relapse (the training costs of the steps
before the restore stay in the History), and every restore is logged with its step.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ntm_edu.training.callbacks import Callback, TrainContext, announce
from ntm_edu.training.evaluation import evaluate
from ntm_edu.training.step import set_learning_rate

__all__ = ["CollapseGuard"]

# Seed of the guard's held-out sequences: its own stream, not the training data's.
_HELD_OUT_SEED = 424_242


class CollapseGuard(Callback):
    """Restore the best weights and lower the learning rate when a held-out cost jumps back.

    Args:
        every: steps between held-out evaluations.
        sequences: held-out sequences per evaluation (in batches of `batch_size`; for copy,
            each batch has its own length, so 200 in batches of 20 cover 10 lengths).
        batch_size: sequences per evaluation batch.
        ratio, margin: a cost above ``max(ratio * best, best + margin)`` bits per sequence is
            a collapse (the margin keeps plateau noise from counting).
        factor: the learning rate is multiplied by this at each restore.
        settle_below: lower the rate once when the held-out cost first falls below this many
            bits per sequence (None: never).
        settle_factor: the learning rate is multiplied by this then.
        log: where the one-line message of a restore goes (default: stderr).
    """

    def __init__(
        self,
        every: int = 50,
        sequences: int = 200,
        batch_size: int = 20,
        ratio: float = 2.0,
        margin: float = 10.0,
        factor: float = 0.5,
        settle_below: float | None = None,
        settle_factor: float = 0.5,
        log: Callable[[str], Any] | None = None,
    ):
        if every < 1 or sequences < 1 or batch_size < 1:
            raise ValueError("every, sequences and batch_size must be >= 1")
        if not (ratio >= 1 and margin >= 0 and 0 < factor < 1 and 0 < settle_factor <= 1):
            raise ValueError(
                f"need ratio >= 1, margin >= 0, 0 < factor < 1, 0 < settle_factor <= 1; got "
                f"{ratio}, {margin}, {factor}, {settle_factor}"
            )
        self.every, self.sequences, self.batch_size = every, sequences, batch_size
        self.ratio, self.margin, self.factor, self.log = ratio, margin, factor, log
        self.settle_below, self.settle_factor = settle_below, settle_factor
        self.settled_at: int | None = None  # the step at which the rate was lowered
        self.best = float("inf")
        self.best_state: dict[str, Any] | None = None
        self.restores: list[int] = []  # steps at which the guard restored

    def held_out_cost(self, ctx: TrainContext) -> float:
        """Bits per sequence on the fixed held-out sequences."""
        result = evaluate(
            ctx.model,
            ctx.task,
            sequences=self.sequences,
            batch_size=self.batch_size,
            seed=_HELD_OUT_SEED,
        )
        return result["bits_per_sequence"]

    def on_train_begin(self, ctx: TrainContext) -> None:
        # A resumed run carries on where the guard left it: its lowered rate, its restores and
        # whether it has settled (the best weights themselves are not saved; the first
        # evaluation after the resume becomes the new best).
        saved = ctx.history.schedule.get("collapse_guard")
        if saved:
            self.restores = list(saved.get("restores", []))
            self.settled_at = saved.get("settled_at")
            set_learning_rate(ctx.optimizer, saved["lr"])

    def on_step_end(self, ctx: TrainContext) -> None:
        if ctx.step % self.every:
            return
        cost = self.held_out_cost(ctx)
        if self.settle_below is not None and self.settled_at is None and cost < self.settle_below:
            for group in ctx.optimizer.param_groups:
                group["lr"] *= self.settle_factor
            self.settled_at = ctx.step
            self._note(ctx)
            lr = ctx.optimizer.param_groups[0]["lr"]
            self._say(
                f"collapse guard: held-out cost {cost:.2f} bits/seq at step {ctx.step} is below "
                f"{self.settle_below}; lr now {lr:.3g}"
            )
        if cost < self.best:
            self.best = cost
            self.best_state = dict(
                model=copy.deepcopy(ctx.model.state_dict()),
                optimizer=copy.deepcopy(ctx.optimizer.state_dict()),
                step=ctx.step,
            )
        elif self.best_state is not None and cost > max(
            self.ratio * self.best, self.best + self.margin
        ):
            # Lower than the rate now in use (the saved state holds the rate of its time).
            lr = ctx.optimizer.param_groups[0]["lr"] * self.factor
            ctx.model.load_state_dict(self.best_state["model"])
            ctx.optimizer.load_state_dict(self.best_state["optimizer"])
            set_learning_rate(ctx.optimizer, lr)
            self.restores.append(ctx.step)
            self._note(ctx)
            self._say(
                f"collapse guard: held-out cost {cost:.2f} bits/seq at step {ctx.step} "
                f"(best {self.best:.2f} at step {self.best_state['step']}); restored "
                f"step {self.best_state['step']}'s weights, lr now {lr:.3g}"
            )

    def _note(self, ctx: TrainContext) -> None:
        """Record what the guard did in the History (saved with checkpoints)."""
        ctx.history.schedule["collapse_guard"] = dict(
            restores=list(self.restores),
            settled_at=self.settled_at,
            lr=ctx.optimizer.param_groups[0]["lr"],
        )

    def _say(self, line: str) -> None:
        announce(line, self.log)
