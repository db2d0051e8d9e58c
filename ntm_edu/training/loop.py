"""The training loop, `train`: a model-agnostic loop you can read in one sitting.

In the spirit of minGPT's trainer, nothing here knows about Neural Turing Machines: `train`
takes any `nn.Module` mapping inputs [B, T, I] to logits [B, T, O] and any `Task`
(`ntm_edu.tasks`). The step itself is `train_step` (``step.py``); everything task- or
model-specific enters through callbacks (``callbacks.py``): probe snapshots, a curriculum,
the collapse guard (``guard.py``) and checkpoints (``saving.py``).

What the loop does itself:

* batches are sampled on the CPU from one seeded `torch.Generator`, then moved to the device,
  so a run on CUDA sees exactly the data a CPU run sees;
* the learning curve is the paper's *bits per sequence*, plus the count of wrong bits;
* `History` keeps the data-generator state, the optimizer state and the step count, so that
  ``train(N)`` and ``train(k)`` + save + load + ``train(N - k)`` give identical weights;
* Ctrl-C and SIGTERM finish the step in progress, save it and raise `TrainingInterrupted`.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from ntm_edu._checks import check_int_range
from ntm_edu.model.compiled import use_compiled_step
from ntm_edu.tasks.base import Task
from ntm_edu.training.callbacks import (
    Callback,
    Curriculum,
    ProbeRecorder,
    TrainContext,
    as_callback,
    as_curriculum,
)
from ntm_edu.training.device import pick_device
from ntm_edu.training.guard import CollapseGuard
from ntm_edu.training.history import History
from ntm_edu.training.interrupts import StopOnSignal, TrainingInterrupted
from ntm_edu.training.saving import CheckpointSaver
from ntm_edu.training.schedule import LearningRateSchedule, check_lr_schedule
from ntm_edu.training.settings import check_settings, resolve_settings
from ntm_edu.training.step import (
    NonFiniteStep,
    TrainingDiverged,
    make_optimizer,
    set_learning_rate,
    train_step,
)

__all__ = ["train"]


def train(
    model: nn.Module,
    task: Task,
    steps: int,
    *,
    batch_size: int | None = None,
    optimizer: str | None = None,
    lr: float | None = None,
    device: str | torch.device | None = "auto",
    seed: int | None = None,
    clip: float | None = None,
    clip_norm: float | None = None,
    log_every: int | None = None,
    probe_every: int | None = None,
    probe_size: int | None = None,
    probe_overrides: dict[str, Any] | None = None,
    curriculum: Curriculum | dict | None = None,
    guard: dict[str, Any] | bool | None = None,
    lr_schedule: Iterable[tuple[int, float]] | None = None,
    callbacks: Iterable[Callback | Callable[[TrainContext], Any]] = (),
    history: History | None = None,
    progress: bool = True,
    checkpoint_path: str | Path | None = None,
    checkpoint_every: int | None = None,
    compile: bool = False,
) -> History:
    """Train `model` on `task` for `steps` more optimizer steps and return the History.

    Pass the `history` of an earlier run (or of `load_checkpoint(...)`) to continue it: the step
    count, data stream, optimizer state, curriculum position and settings all carry on, so the
    result is identical to one uninterrupted run. Settings left as None come from that run, or
    else from `TRAIN_DEFAULTS`; `default_config(task_name, model_kind)` gives per-task choices.

    Args:
        model: any module mapping inputs [B, T, I] to logits [B, T, O]; moved to `device`.
        task: a `Task` (`sample`, `loss`, `bits_per_sequence`, `bit_errors_per_sequence`).
        steps: optimizer steps to take in this call (>= 0).
        batch_size: sequences per step.
        optimizer: "adam" or "rmsprop" (see `make_optimizer`).
        lr: learning rate.
        device: "auto" (CUDA if available; env NTM_EDU_DEVICE overrides), "cpu", "cuda", ...
        seed: seeds the CPU generator that samples batches (ignored when resuming).
        clip: element-wise gradient clip to [-clip, clip] (the paper's ±10); None: off.
        clip_norm: global gradient-norm clip after the element-wise one; None: off.
        log_every: steps averaged into one point of the learning curve.
        probe_every: steps between probe snapshots; 0: none.
        probe_size: sequences in the probe batch.
        probe_overrides: task overrides for the probe batch.
        curriculum: a `Curriculum` (or its dict) that raises a task setting as errors drop.
        guard: a `CollapseGuard` (``guard.py``) watching a held-out cost: a dict of its
            arguments, True for its defaults, False to switch off the guard of a resumed run.
        lr_schedule: (step, lr) pairs, steps increasing: after `step` steps the rate becomes
            `lr` (``schedule.py``); counted from the run's first step, so a resumed run picks
            up where it was. Not with `guard` (both set the rate).
        callbacks: `Callback`s or plain functions called with a `TrainContext` after each step.
        history: a History to continue; None starts a new one.
        progress: show a tqdm progress bar (also off when TQDM_DISABLE is set).
        checkpoint_path: if given, checked before the first step (a file path that can be
            written), then saved every `checkpoint_every` steps, at the end, and when training
            is interrupted: Ctrl-C (SIGINT) or SIGTERM lets the step in progress finish, saves
            it and raises `TrainingInterrupted`; a second signal stops at once, keeping the
            last save (see `interrupts.py`).
        checkpoint_every: steps between checkpoints (default: only at the end / interrupt).
        compile: train with the model's step compiled by torch.compile (`model/compiled.py`):
            same results up to rounding, 1.5-2x faster at batch 32 after a one-off compile of
            20-40 s; falls back to eager with a one-line message where it cannot compile.
    Returns:
        the History (the same object as `history` when one was given).
    Raises:
        TrainingDiverged: the loss or a gradient became non-finite; the update was not applied.
        TrainingInterrupted: a KeyboardInterrupt; it says which step completed and was saved.
            (A SIGTERM whose action was the default one ends the process after the save.)
        OutputPathError: `checkpoint_path` cannot be written (a ValueError).
        CheckpointError: a save failed (e.g. a full disk); the previous file is unchanged.
    """
    history = history if history is not None else History()
    settings = resolve_settings(
        history,
        dict(
            batch_size=batch_size,
            optimizer=optimizer,
            lr=lr,
            seed=seed,
            clip=clip,
            clip_norm=clip_norm,
            log_every=log_every,
            probe_every=probe_every,
            probe_size=probe_size,
            probe_overrides=probe_overrides,
            curriculum=curriculum,
            guard=guard,
            # A list of (step, lr) from here on (any iterable may be given, even a generator).
            lr_schedule=None if lr_schedule is None else check_lr_schedule(lr_schedule),
        ),
    )
    check_settings(settings, steps)
    if checkpoint_every is not None:
        check_int_range("checkpoint_every", checkpoint_every, 1)
    # Checks the path before any work, not when the first save fails.
    saver = None if checkpoint_path is None else CheckpointSaver(checkpoint_path, checkpoint_every)
    curriculum_ = as_curriculum(settings["curriculum"])
    settings["curriculum"] = None if curriculum_ is None else curriculum_.to_dict()
    settings["optimizer"] = str(settings["optimizer"]).lower()
    guard_ = settings["guard"]  # stored as the arguments it stands for: a dict, or None
    settings["guard"] = {} if guard_ is True else dict(guard_) if isinstance(guard_, dict) else None
    target = pick_device(device)

    model_name = type(model).__name__
    if history.step > 0 and history.model_name and history.model_name != model_name:
        raise ValueError(
            f"history belongs to a {history.model_name}, cannot continue it with a {model_name}"
        )
    history.model_name, history.task_name = model_name, getattr(task, "name", type(task).__name__)
    history.log_every = settings["log_every"]

    model.to(target)
    model.train()
    use_compiled_step(model, compile, target)
    opt = _optimizer(model, history, settings)
    history.train_config = dict(settings)
    generator = _data_generator(history, settings["seed"])
    hooks = _settings_callbacks(settings, curriculum_) + [as_callback(cb) for cb in callbacks]
    if saver is not None:  # last: it saves what the other callbacks did to the step
        hooks.append(saver)

    ctx = TrainContext(model, task, history, target, opt, settings, generator)

    bar = _ProgressBar(steps, _progress_disabled(progress), f"{model_name} on {history.task_name}")
    step, state_before = history.step, generator.get_state()
    updating = False  # from opt.step() until the step is booked: not a state to save

    def mark_updating(*_: Any) -> None:
        nonlocal updating
        updating = True

    # Called by opt.step() inside `train_step`, before it changes any weight.
    marker = opt.register_step_pre_hook(mark_updating)
    stop = StopOnSignal(saves=saver is not None).install()  # stop between steps
    try:
        for hook in hooks:
            hook.on_train_begin(ctx)
        clock = time.perf_counter()
        for _ in range(steps):
            if stop.requested:
                break
            state_before = generator.get_state()
            step = history.step + 1
            overrides: dict[str, Any] = {}
            for hook in hooks:
                overrides.update(hook.sample_overrides(ctx, generator))
            batch = task.sample(settings["batch_size"], generator=generator, **overrides)
            batch = batch.to(target)
            try:
                logits, loss = train_step(
                    model, task, batch, opt, settings["clip"], settings["clip_norm"]
                )
            except NonFiniteStep as bad:  # the weights are unchanged: rewind the data too
                generator.set_state(state_before)
                raise TrainingDiverged(step, bad.what, bad.value) from None
            history.step = step
            history.sequences += batch.batch_size

            with torch.no_grad():
                bits = float(task.bits_per_sequence(logits, batch))
                errors = float(task.bit_errors_per_sequence(logits, batch))
            now = time.perf_counter()
            history.seconds += now - clock
            clock = now
            history.accumulate(bits, errors)

            ctx.batch, ctx.logits, ctx.loss = batch, logits, loss
            if step % settings["log_every"] == 0 and history.flush():
                for hook in hooks:
                    hook.on_log(ctx)
            updating = False
            for hook in hooks:
                hook.on_step_end(ctx)

            bar.update(history.sequences, bits, errors)
            clock = time.perf_counter()  # callbacks and saving are not training time
            if ctx.stop:
                break
        if stop.requested:  # a signal: the step in progress was finished, now keep it
            for hook in hooks:
                hook.on_interrupt(ctx)
        else:
            for hook in hooks:
                hook.on_train_end(ctx)
    except KeyboardInterrupt as interrupt:
        # Raised inside a step: by a callback, a second signal, or outside the main thread.
        # Before opt.step() only the data stream moved (`state_before` rewinds it); during
        # the update the weights may be half-changed, and a second signal means "at once":
        # then the last save is what remains.
        if history.step < step and not updating:
            generator.set_state(state_before)
        if not (updating or stop.forced):
            for hook in hooks:
                hook.on_interrupt(ctx)
        raise _interrupted(history.step, saver, stop) from interrupt
    finally:
        bar.close()
        marker.remove()
        stop.restore()
        history.generator_state = generator.get_state()
        history.optimizer_state = opt.state_dict()
    if stop.requested:  # also when the signal came during the final save, which completed
        stop.end_process_if_default()  # SIGTERM's default action, now that the file is safe
        raise _interrupted(history.step, saver, stop)
    return history


class _ProgressBar:
    """A tqdm bar of steps showing the sequences seen and exponentially smoothed costs.

    The smoothing is for the bar only; the learning curve uses window means (`History`).
    """

    def __init__(self, steps: int, disable: bool, description: str):
        self.bar = tqdm(
            total=steps, disable=disable, desc=description, unit="step", dynamic_ncols=True
        )
        self.bits: float | None = None
        self.errors: float | None = None

    def update(self, sequences: int, bits: float, errors: float) -> None:
        self.bits = bits if self.bits is None else 0.95 * self.bits + 0.05 * bits
        self.errors = errors if self.errors is None else 0.95 * self.errors + 0.05 * errors
        self.bar.set_postfix(
            seqs=sequences, bits=f"{self.bits:.3g}", errors=f"{self.errors:.3g}", refresh=False
        )
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _optimizer(
    model: nn.Module, history: History, settings: dict[str, Any]
) -> torch.optim.Optimizer:
    """The optimizer of the run; a resumed run's state is loaded if it is the same kind."""
    opt = make_optimizer(settings["optimizer"], model.parameters(), settings["lr"])
    previous = history.train_config.get("optimizer")
    if history.optimizer_state is not None and previous == settings["optimizer"]:
        opt.load_state_dict(history.optimizer_state)
        set_learning_rate(opt, settings["lr"])  # an explicit new lr wins over the saved one
    return opt


def _data_generator(history: History, seed: int) -> torch.Generator:
    """The CPU generator of the training batches: seeded, or where a resumed run left it."""
    generator = torch.Generator(device="cpu")
    if history.generator_state is not None:
        generator.set_state(history.generator_state)
    else:
        generator.manual_seed(seed)
    return generator


def _settings_callbacks(settings: dict[str, Any], curriculum: Curriculum | None) -> list[Callback]:
    """The callbacks that settings of `train` stand for: probe, curriculum, guard, schedule."""
    hooks: list[Callback] = []
    if settings["probe_every"]:
        hooks.append(
            ProbeRecorder(
                settings["probe_every"],
                size=settings["probe_size"],
                seed=settings["seed"],
                overrides=settings["probe_overrides"],
            )
        )
    if curriculum is not None:
        hooks.append(curriculum)
    if settings["guard"] is not None:
        hooks.append(CollapseGuard(**settings["guard"]))
    if settings["lr_schedule"] is not None:
        hooks.append(LearningRateSchedule(settings["lr_schedule"]))
    return hooks


def _interrupted(
    step: int, saver: CheckpointSaver | None, stop: StopOnSignal
) -> TrainingInterrupted:
    path = None if saver is None else saver.path
    saved_step = None if saver is None else saver.last_saved
    return TrainingInterrupted(
        step,
        checkpoint=path if saved_step is not None else None,
        saved_step=saved_step,
        signum=stop.signum,
        checkpoint_path=path,
    )


def _progress_disabled(progress: bool) -> bool:
    if not progress:
        return True
    flag = os.environ.get("TQDM_DISABLE", "").strip().lower()
    return flag not in ("", "0", "false", "no")
