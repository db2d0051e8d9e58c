"""The Neural Turing Machine of Graves, Wayne & Danihelka 2014 and the paper's LSTM baseline.

Paper: https://arxiv.org/abs/1410.5401

One module a concept:

    memory.py      read (eq. 2), erase and add (eqs. 3-4)
    addressing.py  content, interpolation, shift, sharpening (eqs. 5-9)
    heads.py       controller output -> every head's parameters
    controller.py  feed-forward and LSTM controllers (one interface)
    ntm.py         the NTM stepped through time and its state
    trace.py       the Trace of an episode (what the heads did), for plots
    checks.py      input checks shared by the models
    lstm.py        the stacked-LSTM baseline
    compiled.py    the same NTM step compiled with torch.compile (the fast training path)

Shape legend, used in every docstring and trailing comment:

    B  batch size                      T  time steps
    N  memory locations (rows)         M  memory word width (columns)
    H  heads of one kind (Hr read, Hw write)
    S  shift width, S = 2R + 1 for shifts -R..+R
    I  input channels   O  output channels   C  controller size
"""

from __future__ import annotations

from torch import nn

from ntm_edu.model.compiled import compile_problem, use_compiled_step
from ntm_edu.model.lstm import LSTMBaseline
from ntm_edu.model.ntm import NTM, NTMState
from ntm_edu.model.trace import Trace, TracedParams, TracedStages, supports_trace

__all__ = [
    "LSTMBaseline",
    "MODEL_CLASSES",
    "NTM",
    "NTMState",
    "Trace",
    "TracedParams",
    "TracedStages",
    "compile_problem",
    "count_parameters",
    "supports_trace",
    "use_compiled_step",
]

# Class names as stored in checkpoints -> classes.
MODEL_CLASSES: dict[str, type[nn.Module]] = {"NTM": NTM, "LSTMBaseline": LSTMBaseline}


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters (the paper's "#Params" column)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
