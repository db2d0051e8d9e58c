"""ntm_edu: Neural Turing Machines (Graves, Wayne & Danihelka 2014) built from scratch.

A small, batched, CUDA-optional PyTorch NTM, the paper's five algorithmic tasks, an LSTM
baseline, training loops with checkpoints, and the figures and widgets of the course.
Paper: https://arxiv.org/abs/1410.5401
"""

from ntm_edu import _startup

_startup.install_if_command_line()  # first: Ctrl-C while torch loads must not give a traceback

from ntm_edu._display import SourceView, expect, setup_notebook, show_source  # noqa: E402

__version__ = "0.1.0"

__all__ = ["SourceView", "expect", "setup_notebook", "show_source"]

# --- tasks (ntm_edu.tasks) ---
from ntm_edu.tasks import (  # noqa: E402
    TASKS,
    AssociativeRecallTask,
    Batch,
    CopyTask,
    NGramsTask,
    PrioritySortTask,
    RepeatCopyTask,
    Task,
    bit_errors_per_sequence,
    bits_per_sequence,
    make_task,
    ngram_cost_bits,
    optimal_probabilities,
)

__all__ += [
    "TASKS",
    "make_task",
    "Task",
    "Batch",
    "CopyTask",
    "RepeatCopyTask",
    "AssociativeRecallTask",
    "NGramsTask",
    "PrioritySortTask",
    "bits_per_sequence",
    "bit_errors_per_sequence",
    "optimal_probabilities",
    "ngram_cost_bits",
]
# --- model (ntm_edu.model) ---
from ntm_edu.model import (  # noqa: E402
    MODEL_CLASSES,
    NTM,
    LSTMBaseline,
    NTMState,
    Trace,
    compile_problem,
    count_parameters,
)

__all__ += [
    "MODEL_CLASSES",
    "NTM",
    "LSTMBaseline",
    "NTMState",
    "Trace",
    "compile_problem",
    "count_parameters",
]
# --- training (ntm_edu.training) ---
from ntm_edu.training import (  # noqa: E402
    PRETRAINED_RECIPES,
    Callback,
    CheckpointError,
    CollapseGuard,
    Curriculum,
    History,
    TrainingDiverged,
    build_model,
    default_config,
    evaluate,
    evaluate_settings,
    load_checkpoint,
    load_or_retrain,
    load_pretrained,
    pick_device,
    save_checkpoint,
    train,
    train_step,
)

__all__ += [
    "PRETRAINED_RECIPES",
    "Callback",
    "CheckpointError",
    "CollapseGuard",
    "Curriculum",
    "History",
    "TrainingDiverged",
    "build_model",
    "default_config",
    "evaluate",
    "evaluate_settings",
    "load_checkpoint",
    "load_or_retrain",
    "load_pretrained",
    "pick_device",
    "save_checkpoint",
    "train",
    "train_step",
]
