"""Training, evaluation, checkpoints and shipped pretrained models.

One module a concept (arrows point one way: a module imports only those above it):

    device.py       pick_device: "auto", NTM_EDU_DEVICE, checks
    history.py      History: the learning curve and the probe snapshots of a run
    step.py         train_step (one optimizer step), make_optimizer, TrainingDiverged
    callbacks.py    Callback, TrainContext, ProbeRecorder, Curriculum
    evaluation.py   evaluate, evaluate_settings: mean costs on fresh, seeded data
    guard.py        CollapseGuard: restore the best weights after a relapse
    schedule.py     LearningRateSchedule: the rate drops at given steps
    settings.py     TRAIN_DEFAULTS and how given, resumed and default settings mix
    atomic.py, verify.py   atomic saves; checks of a file before anything is built from it
    checkpoints.py  save_checkpoint / load_checkpoint (versioned, atomic, weights_only)
    saving.py       CheckpointSaver: checkpoints during training, as a callback
    interrupts.py   Ctrl-C and SIGTERM: finish the step, save, say what was saved
    loop.py         train: the loop around train_step
    config.py       default_config(task, model_kind) and build_model
    pretrained.py   load_pretrained, load_or_retrain and PRETRAINED_RECIPES

Taught in `notebooks/05_training_copy`.
"""

from ntm_edu._paths import OutputPathError
from ntm_edu.training.callbacks import Callback, Curriculum, ProbeRecorder, TrainContext
from ntm_edu.training.checkpoints import (
    FORMAT_VERSION,
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from ntm_edu.training.config import DEFAULT_CONFIGS, MODEL_KINDS, build_model, default_config
from ntm_edu.training.device import pick_device
from ntm_edu.training.evaluation import evaluate, evaluate_settings
from ntm_edu.training.guard import CollapseGuard
from ntm_edu.training.history import Curve, History, Snapshot
from ntm_edu.training.interrupts import TrainingInterrupted
from ntm_edu.training.loop import train
from ntm_edu.training.pretrained import (
    PRETRAINED_DIR,
    PRETRAINED_RECIPES,
    Pretrained,
    available_pretrained,
    load_or_retrain,
    load_pretrained,
    regenerate_pretrained,
)
from ntm_edu.training.saving import CheckpointSaver
from ntm_edu.training.schedule import LearningRateSchedule, check_lr_schedule
from ntm_edu.training.settings import TRAIN_DEFAULTS
from ntm_edu.training.step import TrainingDiverged, make_optimizer, train_step

__all__ = [
    "DEFAULT_CONFIGS",
    "FORMAT_VERSION",
    "MODEL_KINDS",
    "PRETRAINED_DIR",
    "PRETRAINED_RECIPES",
    "TRAIN_DEFAULTS",
    "Callback",
    "CollapseGuard",
    "Checkpoint",
    "CheckpointSaver",
    "CheckpointError",
    "Curriculum",
    "Curve",
    "History",
    "LearningRateSchedule",
    "OutputPathError",
    "Pretrained",
    "ProbeRecorder",
    "Snapshot",
    "TrainContext",
    "TrainingDiverged",
    "TrainingInterrupted",
    "available_pretrained",
    "build_model",
    "check_lr_schedule",
    "default_config",
    "evaluate",
    "evaluate_settings",
    "load_checkpoint",
    "load_or_retrain",
    "load_pretrained",
    "make_optimizer",
    "pick_device",
    "regenerate_pretrained",
    "save_checkpoint",
    "train",
    "train_step",
]
