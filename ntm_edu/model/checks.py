"""Input checks shared by the models (`ntm.py`, `lstm.py`): errors that say what is wrong."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["check_inputs"]


def check_inputs(model: nn.Module, inputs: Any, input_size: int) -> None:
    """Raise a ValueError that says what is wrong with `inputs` [B, T, I] for this model."""
    if not isinstance(inputs, torch.Tensor):
        raise ValueError(f"inputs must be a torch.Tensor [B, T, {input_size}], got {type(inputs)}")
    if inputs.dim() != 3 or inputs.shape[-1] != input_size:
        raise ValueError(
            f"inputs must have shape [B, T, input_size={input_size}], got {list(inputs.shape)}"
        )
    if inputs.shape[0] < 1 or inputs.shape[1] < 1:
        raise ValueError(f"inputs need B >= 1 and T >= 1, got shape {list(inputs.shape)}")
    parameter = next(model.parameters())
    if inputs.dtype != parameter.dtype or inputs.device != parameter.device:
        raise ValueError(
            f"inputs are {inputs.dtype} on {inputs.device} but the model is {parameter.dtype} "
            f"on {parameter.device}: move one to the other (e.g. model.to(inputs))"
        )
