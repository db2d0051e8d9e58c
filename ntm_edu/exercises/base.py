"""The common machinery of every `check_*`: compare a student's answer with the reference."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["CheckResult", "compare"]


@dataclass
class CheckResult:
    """Outcome of a check; prints as one friendly line (and is falsy when the check failed)."""

    name: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        return f"[{mark}] {self.name}: {self.message}"


def compare(
    name: str,
    student: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Iterable[tuple[str, tuple[Any, ...]]],
    atol: float = 1e-5,
) -> CheckResult:
    """Run `student(*args)` and `reference(*args)` on each case; report the first mismatch.

    Args:
        name: what is being checked, e.g. "read (eq. 2)".
        cases: (description, args) pairs, e.g. ("batch of 3, 5 locations", (memory, w)).
    The message names the case and whether the shape, the values or an exception differed;
    it never prints the expected values, so it cannot be copied as the answer.
    """
    count = 0
    for description, args in cases:
        count += 1
        try:
            got = student(*args)
        except NotImplementedError:
            return CheckResult(name, False, "not implemented yet (the stub still raises)")
        except Exception as error:  # a student's bug must be reported, not raised
            return CheckResult(
                name, False, f"raised {type(error).__name__}: {error} (case: {description})"
            )
        expected = reference(*args)
        got_array = _as_array(got)
        expected_array = _as_array(expected)
        if got_array is None:
            return CheckResult(
                name,
                False,
                f"returned {type(got).__name__}, expected an array (case: {description})",
            )
        if got_array.shape != expected_array.shape:
            return CheckResult(
                name,
                False,
                f"shape {tuple(got_array.shape)}, expected {tuple(expected_array.shape)} "
                f"(case: {description})",
            )
        if not np.all(np.isfinite(got_array)):
            return CheckResult(name, False, f"contains NaN or inf (case: {description})")
        if not np.allclose(got_array, expected_array, atol=atol, rtol=1e-4):
            where = np.unravel_index(np.argmax(np.abs(got_array - expected_array)), got_array.shape)
            return CheckResult(
                name,
                False,
                f"wrong values, first large difference at index {tuple(int(i) for i in where)} "
                f"(case: {description})",
            )
    return CheckResult(name, True, f"matches the reference on all {count} cases")


def _as_array(value: Any) -> np.ndarray | None:
    if hasattr(value, "detach"):
        return value.detach().cpu().double().numpy()
    if isinstance(value, np.ndarray | list | tuple | float | int):
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return None
    return None
