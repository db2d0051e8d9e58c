"""Which device a run uses: `pick_device` ("auto" means CUDA when there is one).

Every part of the package that places a model (`train`, `evaluate`, `load_checkpoint`, the
command line) resolves its device here, so the environment variable ``NTM_EDU_DEVICE`` (e.g.
``cpu`` on a GPU machine) moves them all at once.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import os

import torch
from torch import nn

__all__ = ["DEVICE_ENV", "model_device", "pick_device"]

# The environment variable that decides what device="auto" means (e.g. "cpu" on a GPU box).
DEVICE_ENV = "NTM_EDU_DEVICE"


def pick_device(device: str | torch.device | None = "auto") -> torch.device:
    """Resolve a device name: "auto" is CUDA when available, else CPU.

    The environment variable ``NTM_EDU_DEVICE`` (e.g. ``cpu`` or ``cuda:1``) decides what "auto"
    means, so a whole notebook or CI run can be forced onto one device; an explicit device
    argument wins over it.

    Args:
        device: "auto", None (same as "auto"), "cpu", "cuda", "cuda:N", "mps" or a torch.device.
    Returns:
        the torch.device.
    Raises:
        ValueError: for an unknown device name or a device this machine does not have.
    """
    source = "device"
    if device is None or (isinstance(device, str) and device.strip().lower() == "auto"):
        forced = os.environ.get(DEVICE_ENV, "").strip()
        if forced and forced.lower() != "auto":
            device, source = forced, f"{DEVICE_ENV}={forced!r}"
        else:
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as error:
        raise ValueError(
            f"unknown device {device!r} (from {source}): use 'auto', 'cpu', 'cuda', 'cuda:N' "
            f"or 'mps'"
        ) from error
    if resolved.type == "cpu":
        return resolved
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device {str(resolved)!r} (from {source}) was requested but CUDA is not "
                f"available on this machine; use 'cpu' or 'auto'"
            )
        count = torch.cuda.device_count()
        if resolved.index is not None and resolved.index >= count:
            raise ValueError(
                f"device {str(resolved)!r} (from {source}) does not exist: this machine has "
                f"{count} CUDA device(s), cuda:0..cuda:{count - 1}"
            )
        return resolved
    if resolved.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ValueError(f"device 'mps' (from {source}) is not available on this machine")
        return resolved
    raise ValueError(
        f"unsupported device {str(resolved)!r} (from {source}): use 'auto', 'cpu', 'cuda' or 'mps'"
    )


def model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter (the CPU for a model without any)."""
    for tensor in model.parameters():
        return tensor.device
    return torch.device("cpu")
