"""The settings of a training run: their defaults, and how given, resumed and default values mix.

A run's settings are stored in `History.train_config` (and so in its checkpoints): a resumed
run continues with them unless an argument of `train` says otherwise. `verify.py` checks the
settings of a loaded file with the same `check_settings`.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

from typing import Any

from ntm_edu._checks import check_int_range
from ntm_edu.training.history import History
from ntm_edu.training.schedule import check_lr_schedule

__all__ = ["TRAIN_DEFAULTS", "check_settings", "resolve_settings"]

# Settings `train` uses when neither the caller nor a resumed History gives one.
# `default_config(task, model_kind)` (ntm_edu.training.config) holds the per-task choices.
TRAIN_DEFAULTS: dict[str, Any] = dict(
    batch_size=32,  # sequences per step (the paper does not state one; Collier & Beel use 32)
    optimizer="adam",  # "adam" or "rmsprop" (the paper's centred RMSProp with momentum 0.9)
    lr=1e-3,  # model-agnostic defaults; the NTM's measured recipe is in config.py (RMSProp 3e-4)
    clip=10.0,  # element-wise gradient clip to [-clip, clip] as in the paper, §4; None: off
    clip_norm=None,  # optional global-norm clip applied after the element-wise one
    seed=0,  # seeds the generator that samples training (and probe) batches
    log_every=10,  # steps averaged into one point of the learning curve
    probe_every=0,  # steps between probe snapshots; 0: no snapshots
    probe_size=2,  # sequences in the probe batch (1-4 keeps snapshots small)
    probe_overrides=None,  # task overrides for the probe batch, e.g. {"length": 10}
    curriculum=None,  # a Curriculum (or its dict) raising a task setting as errors drop
    guard=None,  # CollapseGuard arguments (a dict; True: its defaults); None/False: no guard
    lr_schedule=None,  # [(step, lr), ...]: the rate drops to lr after step (schedule.py)
)


def resolve_settings(history: History, given: dict[str, Any]) -> dict[str, Any]:
    """Explicit arguments win, then the settings of the run being resumed, then defaults."""
    settings = dict(TRAIN_DEFAULTS)
    settings.update({k: v for k, v in history.train_config.items() if k in TRAIN_DEFAULTS})
    settings.update({k: v for k, v in given.items() if v is not None})
    return settings


def check_settings(settings: dict[str, Any], steps: int) -> None:
    """Raise a ValueError naming the first setting (or `steps`) that `train` cannot use."""
    check_int_range("steps", steps, 0)
    check_int_range("batch_size", settings["batch_size"], 1)
    check_int_range("log_every", settings["log_every"], 1)
    check_int_range("probe_every", settings["probe_every"], 0)
    check_int_range("probe_size", settings["probe_size"], 1, 64)
    check_int_range("seed", settings["seed"], 0)
    guard = settings["guard"]
    if not (guard is None or isinstance(guard, bool | dict)):
        raise ValueError(
            f"guard must be a dict of CollapseGuard arguments, True or False, got {guard!r}"
        )
    if settings["lr_schedule"] is not None:
        check_lr_schedule(settings["lr_schedule"])
        if guard:  # both set the rate: which one wins would depend on their order
            raise ValueError("lr_schedule cannot be combined with guard: both set the rate")
    for name in ("clip", "clip_norm"):
        value = settings[name]
        if value is not None and not (isinstance(value, int | float) and value > 0):
            raise ValueError(f"{name} must be a positive number or None, got {value!r}")
