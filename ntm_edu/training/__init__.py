"""Training, evaluation, checkpoints and shipped pretrained models.

    loop.py         train / evaluate / pick_device, callbacks (probe snapshots, curriculum)
    history.py      History: the learning curve and the probe snapshots of a run
    checkpoints.py  save_checkpoint / load_checkpoint (versioned, atomic, weights_only)
    config.py       default_config(task, model_kind) and build_model
    pretrained.py   load_pretrained and PRETRAINED_RECIPES (how each shipped file was made)

Taught in `notebooks/05_training_copy`.
"""

from ntm_edu._paths import OutputPathError
from ntm_edu.training.checkpoints import (
    FORMAT_VERSION,
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from ntm_edu.training.config import DEFAULT_CONFIGS, MODEL_KINDS, build_model, default_config
from ntm_edu.training.history import Curve, History, Snapshot
from ntm_edu.training.interrupts import TrainingInterrupted
from ntm_edu.training.loop import (
    TRAIN_DEFAULTS,
    Callback,
    Curriculum,
    ProbeRecorder,
    TrainContext,
    TrainingDiverged,
    evaluate,
    make_optimizer,
    pick_device,
    train,
)
from ntm_edu.training.pretrained import (
    PRETRAINED_DIR,
    PRETRAINED_RECIPES,
    Pretrained,
    available_pretrained,
    load_or_retrain,
    load_pretrained,
    regenerate_pretrained,
)

__all__ = [
    "DEFAULT_CONFIGS",
    "FORMAT_VERSION",
    "MODEL_KINDS",
    "PRETRAINED_DIR",
    "PRETRAINED_RECIPES",
    "TRAIN_DEFAULTS",
    "Callback",
    "Checkpoint",
    "CheckpointError",
    "Curriculum",
    "Curve",
    "History",
    "OutputPathError",
    "Pretrained",
    "ProbeRecorder",
    "Snapshot",
    "TrainContext",
    "TrainingDiverged",
    "TrainingInterrupted",
    "available_pretrained",
    "build_model",
    "default_config",
    "evaluate",
    "load_checkpoint",
    "load_or_retrain",
    "load_pretrained",
    "make_optimizer",
    "pick_device",
    "regenerate_pretrained",
    "save_checkpoint",
    "train",
]
