"""Checkpoints during training, as a callback: `CheckpointSaver`.

``train(..., checkpoint_path=p, checkpoint_every=k)`` adds one: it saves every `k` steps, at
the end, and when a signal or Ctrl-C stops the run between two steps (`interrupts.py`). Each
save holds the data generator's and the optimizer's state, so training resumed from the file
continues exactly as an uninterrupted run would. Saves are atomic (`atomic.py`).

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

from pathlib import Path

from ntm_edu._checks import check_int_range
from ntm_edu._paths import check_output_file
from ntm_edu.training.callbacks import Callback, TrainContext
from ntm_edu.training.checkpoints import save_checkpoint

__all__ = ["CheckpointSaver"]


class CheckpointSaver(Callback):
    """Save the run to one checkpoint file every `every` steps, at the end and on a stop.

    Args:
        path: the file; checked at once (a file path that can be written), so a bad path
            fails before the first step, not when the first save does.
        every: steps between saves (>= 1); None: only at the end and on a stop.
    Attributes:
        last_saved: the step of this run's latest successful save, or None.
    Raises:
        OutputPathError: `path` cannot be written (a ValueError).
    """

    def __init__(self, path: str | Path, every: int | None = None):
        if every is not None:
            check_int_range("checkpoint_every", every, 1)
        self.path = check_output_file(path, "checkpoint_path")
        self.every = every
        self.last_saved: int | None = None

    def on_step_end(self, ctx: TrainContext) -> None:
        if self.every and ctx.step % self.every == 0:
            self.save(ctx)

    def on_train_end(self, ctx: TrainContext) -> None:
        self.save(ctx)

    def on_interrupt(self, ctx: TrainContext) -> None:
        if ctx.step > 0:  # before the first step there is nothing to keep
            self.save(ctx)

    def save(self, ctx: TrainContext) -> None:
        """Write the model, the task and the History with the data and optimizer state."""
        history = ctx.history
        if ctx.generator is not None:
            history.generator_state = ctx.generator.get_state()
        history.optimizer_state = ctx.optimizer.state_dict()
        save_checkpoint(self.path, ctx.model, ctx.task, history, optimizer=ctx.optimizer)
        self.last_saved = history.step
