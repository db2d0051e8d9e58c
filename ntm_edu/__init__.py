"""ntm_edu: Neural Turing Machines (Graves, Wayne & Danihelka 2014) built from scratch.

A small, batched, CUDA-optional PyTorch NTM, the paper's five algorithmic tasks, an LSTM
baseline, training loops with checkpoints, and the figures and widgets of the course.
Paper: https://arxiv.org/abs/1410.5401
"""

from ntm_edu._display import SourceView, setup_notebook, show_source

__version__ = "0.1.0"

__all__ = ["SourceView", "setup_notebook", "show_source"]

# --- tasks (ntm_edu.tasks) ---
# --- model (ntm_edu.model) ---
from ntm_edu.model import (  # noqa: E402
    MODEL_CLASSES,
    NTM,
    LSTMBaseline,
    NTMState,
    Trace,
    count_parameters,
)

__all__ += ["MODEL_CLASSES", "NTM", "LSTMBaseline", "NTMState", "Trace", "count_parameters"]
# --- training (ntm_edu.training) ---
