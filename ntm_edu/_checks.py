"""Argument checks shared by `ntm_edu.tasks` and `ntm_edu.model` (which import nothing else of
the package from each other): errors that name the argument and the allowed range."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["check_int_range"]


def check_int_range(name: str, value: Any, low: int, high: int | None = None) -> int:
    """Return `value` as an int, or raise ValueError naming `name` and the allowed range."""
    allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
    # inf and nan are floats too: int() would raise OverflowError or a ValueError naming nothing.
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
        or int(value) != value
    ):
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value
