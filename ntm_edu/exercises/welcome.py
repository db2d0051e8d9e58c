"""Checks for the exercises of `notebooks/00_welcome`.

Taught in `notebooks/00_welcome`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ntm_edu.exercises.base import CheckResult

__all__ = ["check_read_weighting"]


def check_read_weighting(w: Any, memory: Any, target: Any, atol: float = 1e-5) -> CheckResult:
    """Is `w` a weighting (eq. 1) whose read of `memory` (eq. 2) gives `target`?

    Args:
        w: [N] the student's weighting.
        memory: [N, M] the memory read.
        target: [M] the read vector asked for.
    Returns:
        a `CheckResult` naming the first rule broken: shape, a negative weight, a sum that is
        not 1, or a read that differs from the target.
    """
    name = "weighting for the read"
    w = np.asarray(w.detach().cpu() if hasattr(w, "detach") else w, dtype=float)
    memory = np.asarray(memory.detach().cpu() if hasattr(memory, "detach") else memory, float)
    target = np.asarray(target.detach().cpu() if hasattr(target, "detach") else target, float)
    if w.shape != (memory.shape[0],):
        return CheckResult(name, False, f"shape {w.shape}, expected ({memory.shape[0]},)")
    if np.any(w < -atol) or np.any(w > 1 + atol):
        return CheckResult(name, False, "every weight must lie in [0, 1] (eq. 1)")
    if abs(w.sum() - 1) > atol:
        return CheckResult(name, False, f"weights sum to {w.sum():.3g}, not 1 (eq. 1)")
    read = w @ memory  # (M,)  eq. 2
    if not np.allclose(read, target, atol=1e-4):
        shown = ", ".join(f"{v:.3g}" for v in read)
        return CheckResult(name, False, f"a valid weighting, but it reads [{shown}]")
    return CheckResult(name, True, "a valid weighting that reads the target")
