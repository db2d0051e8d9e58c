"""Checks for the exercises of notebooks 02-04: reading, writing, addressing and the heads.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, eqs. (2)-(9).

Each `check_*` runs the student's function on small, odd-sized batches (so a swapped axis
cannot pass by accident) against the package's own implementation and returns PASS or FAIL
with the first mismatch, never the expected numbers. The inputs are cloned for each call, so
a student function that works in place cannot corrupt the reference's inputs, and such a
function is reported.

Taught in `notebooks/02_memory`, `notebooks/03_addressing` and `notebooks/04_ntm`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ntm_edu.exercises.base import CheckResult, compare
from ntm_edu.model.addressing import content_weighting, interpolate, sharpen, shift
from ntm_edu.model.heads import Heads
from ntm_edu.model.memory import read, write

__all__ = [
    "check_content_weighting",
    "check_head_parameter_count",
    "check_interpolate",
    "check_read",
    "check_sharpen",
    "check_shift",
    "check_write",
]

Case = tuple[str, tuple[Any, ...]]


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _weighting(
    B: int, H: int, N: int, seed: int, dtype: torch.dtype = torch.float64
) -> torch.Tensor:
    logits = torch.randn(B, H, N, generator=_generator(seed), dtype=dtype) * 2
    return torch.softmax(logits, dim=-1)  # (B, H, N)


def _one_hot(B: int, H: int, N: int, location: int) -> torch.Tensor:
    w = torch.zeros(B, H, N, dtype=torch.float64)
    w[..., location] = 1.0
    return w  # (B, H, N)


def _cloned(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Call `fn` on copies of its tensor arguments; complain if it changed them in place."""

    def call(*args: Any) -> Any:
        copies = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        result = fn(*copies)
        for index, (original, copy) in enumerate(zip(args, copies, strict=True)):
            if isinstance(original, torch.Tensor) and not torch.equal(original, copy):
                raise RuntimeError(
                    f"it modified its argument {index} in place; return a new tensor instead"
                )
        return result

    return call


def _check(
    name: str, student: Callable[..., Any], reference: Callable[..., Any], cases: list[Case]
) -> CheckResult:
    if not callable(student):
        raise TypeError(f"pass your function itself, e.g. check(my_function), got {student!r}")
    return compare(name, _cloned(student), reference, cases, atol=1e-6)


# --- 02: memory --------------------------------------------------------------------------------


def check_read(student_read: Callable[..., Any]) -> CheckResult:
    """Check `student_read(memory [B, N, M], w [B, H, N]) -> [B, H, M]` against eq. (2).

    Returns a `CheckResult` (shows PASS or FAIL).
    """
    g = _generator(2)
    memory = torch.randn(3, 7, 5, generator=g, dtype=torch.float64)  # (B, N, M)
    cases: list[Case] = [
        (
            "1 head focused on location 2 of 7",
            (memory[:1], _one_hot(1, 1, 7, 2)),
        ),
        ("batch of 3, 1 head, blurry weighting", (memory, _weighting(3, 1, 7, seed=3))),
        ("batch of 3, 2 read heads, N=7, M=5", (memory, _weighting(3, 2, 7, seed=4))),
    ]
    return _check("read (eq. 2)", student_read, read, cases)


def check_write(student_write: Callable[..., Any]) -> CheckResult:
    """Check `student_write(memory [B,N,M], w [B,H,N], erase [B,H,M], add [B,H,M]) -> [B,N,M]`
    against eqs. (3)-(4) (every head erases before any head adds; erases multiply).

    Returns a `CheckResult` (shows PASS or FAIL).
    """
    g = _generator(5)
    memory = torch.randn(3, 7, 5, generator=g, dtype=torch.float64)  # (B, N, M)

    def vectors(H: int) -> tuple[torch.Tensor, torch.Tensor]:
        erase = torch.rand(3, H, 5, generator=g, dtype=torch.float64)  # (B, H, M) in (0, 1)
        add = torch.rand(3, H, 5, generator=g, dtype=torch.float64) * 2 - 1  # (B, H, M)
        return erase, add

    erase1, add1 = vectors(1)
    erase2, add2 = vectors(2)
    full_erase = torch.ones(1, 1, 5, dtype=torch.float64)
    cases: list[Case] = [
        (
            "1 head focused on location 4, erase all ones (location 4 becomes exactly a)",
            (memory[:1], _one_hot(1, 1, 7, 4), full_erase, add1[:1]),
        ),
        (
            "1 head, blurry weighting, add = 0 (erase only, eq. 3)",
            (memory, _weighting(3, 1, 7, seed=6), erase1, torch.zeros_like(add1)),
        ),
        (
            "1 head, blurry weighting, erase = 0 (add only, eq. 4)",
            (memory, _weighting(3, 1, 7, seed=7), torch.zeros_like(erase1), add1),
        ),
        (
            "1 head, blurry weighting, erase and add",
            (memory, _weighting(3, 1, 7, seed=8), erase1, add1),
        ),
        (
            "2 write heads (erases multiply, adds sum)",
            (memory, _weighting(3, 2, 7, seed=9), erase2, add2),
        ),
    ]
    return _check("write (eqs. 3-4)", student_write, write, cases)


# --- 03: addressing ----------------------------------------------------------------------------


def check_content_weighting(student_content_weighting: Callable[..., Any]) -> CheckResult:
    """Check `student_content_weighting(memory [B,N,M], key [B,H,M], beta [B,H]) -> [B,H,N]`
    against eqs. (5)-(6) (cosine similarity, softmax over the N locations).

    Returns a `CheckResult` (shows PASS or FAIL).
    """
    g = _generator(11)
    memory = torch.randn(3, 7, 5, generator=g, dtype=torch.float64)  # (B, N, M)
    keys = torch.randn(3, 2, 5, generator=g, dtype=torch.float64)  # (B, H, M)
    cases: list[Case] = [
        (
            "key = 3 x memory row 2 (the same direction), beta = 10",
            (memory[:1], 3 * memory[:1, 2:3], torch.full((1, 1), 10.0, dtype=torch.float64)),
        ),
        ("beta = 1, batch of 3", (memory, keys[:, :1], torch.ones(3, 1, dtype=torch.float64))),
        (
            "batch of 3, 2 heads with different beta",
            (memory, keys, torch.tensor([[0.5, 20.0]] * 3, dtype=torch.float64)),
        ),
    ]
    return _check(
        "content_weighting (eqs. 5-6)", student_content_weighting, content_weighting, cases
    )


def check_interpolate(student_interpolate: Callable[..., Any]) -> CheckResult:
    """Check `student_interpolate(w_content [B,H,N], w_prev [B,H,N], gate [B,H]) -> [B,H,N]`
    against eq. (7). Returns a `CheckResult` (shows PASS or FAIL)."""
    cases: list[Case] = [
        (
            "gate = 1 (content only)",
            (
                _weighting(2, 1, 7, 12),
                _weighting(2, 1, 7, 13),
                torch.ones(2, 1, dtype=torch.float64),
            ),
        ),
        (
            "gate = 0.25, batch of 3, 2 heads",
            (
                _weighting(3, 2, 7, 14),
                _weighting(3, 2, 7, 15),
                torch.full((3, 2), 0.25, dtype=torch.float64),
            ),
        ),
    ]
    return _check("interpolate (eq. 7)", student_interpolate, interpolate, cases)


def check_shift(student_shift: Callable[..., Any]) -> CheckResult:
    """Check `student_shift(w [B, H, N], s [B, H, 2R+1]) -> [B, H, N]` against eq. (8).

    s is ordered for shifts -R..+R and one-hot at +1 moves a focus from i to i + 1,
    wrapping around the N locations. Returns a `CheckResult` (shows PASS or FAIL).
    """

    def one_hot_shift(k: int, R: int = 1) -> torch.Tensor:
        s = torch.zeros(1, 1, 2 * R + 1, dtype=torch.float64)
        s[..., k + R] = 1.0
        return s

    g = _generator(17)
    s3 = torch.softmax(torch.randn(3, 2, 3, generator=g, dtype=torch.float64), -1)  # (B, H, 3)
    s5 = torch.softmax(torch.randn(3, 2, 5, generator=g, dtype=torch.float64), -1)  # (B, H, 5)
    cases: list[Case] = [
        ("s one-hot at 0: nothing moves", (_weighting(1, 1, 7, 18), one_hot_shift(0))),
        (
            "focus on location 2 of 7, s one-hot at +1 (the focus must move to location 3)",
            (_one_hot(1, 1, 7, 2), one_hot_shift(+1)),
        ),
        (
            "focus on location 2 of 7, s one-hot at -1 (the focus must move to location 1)",
            (_one_hot(1, 1, 7, 2), one_hot_shift(-1)),
        ),
        (
            "focus on the last location, s one-hot at +1 (it must wrap around to location 0)",
            (_one_hot(1, 1, 7, 6), one_hot_shift(+1)),
        ),
        ("batch of 3, 2 heads, blurry w and s, shifts -1..+1", (_weighting(3, 2, 7, 19), s3)),
        ("batch of 3, 2 heads, shifts -2..+2 (R = 2)", (_weighting(3, 2, 7, 20), s5)),
    ]
    return _check("shift (eq. 8)", student_shift, shift, cases)


def check_sharpen(student_sharpen: Callable[..., Any]) -> CheckResult:
    """Check `student_sharpen(w [B, H, N], gamma [B, H]) -> [B, H, N]` against eq. (9).

    Returns a `CheckResult` (shows PASS or FAIL).
    """
    w_with_zeros = _weighting(2, 1, 7, 21).clone()
    w_with_zeros[..., 3] = 0.0
    w_with_zeros = w_with_zeros / w_with_zeros.sum(-1, keepdim=True)
    cases: list[Case] = [
        (
            "gamma = 1 (w must come back unchanged)",
            (_weighting(2, 1, 7, 22), torch.ones(2, 1, dtype=torch.float64)),
        ),
        (
            "gamma = 3, batch of 2",
            (_weighting(2, 1, 7, 23), torch.full((2, 1), 3.0, dtype=torch.float64)),
        ),
        (
            "batch of 3, 2 heads with gamma 1.5 and 10",
            (_weighting(3, 2, 7, 24), torch.tensor([[1.5, 10.0]] * 3, dtype=torch.float64)),
        ),
        (
            "a weighting with an exact zero, gamma = 2",
            (w_with_zeros, torch.full((2, 1), 2.0, dtype=torch.float64)),
        ),
    ]
    return _check("sharpen (eq. 9)", student_sharpen, sharpen, cases)


# --- 04: the heads -----------------------------------------------------------------------------


def _head_parameters(kind: str, controller_size: int, memory_width: int, shift_width: int) -> int:
    """Parameters of one head's share of the package's head layer (`Heads`), counted by PyTorch."""
    read_heads, write_heads = (1, 0) if kind == "read" else (0, 1)
    layer = Heads(controller_size, read_heads, write_heads, memory_width, shift_width)
    return sum(p.numel() for p in layer.parameters())


def check_head_parameter_count(
    answer: Any,
    kind: str = "read",
    controller_size: int = 100,
    memory_width: int = 20,
    shift_width: int = 3,
) -> CheckResult:
    """Check a hand count of the parameters one head adds to the NTM's head layer.

    The layer is linear from the controller output (C units) to every raw head parameter, with
    a bias; count its weights and biases for one head of this kind.

    Args:
        answer: your count (an integer).
        kind: "read" (key, beta, g, shift, gamma) or "write" (the same plus erase and add).
        controller_size: C.  memory_width: M.  shift_width: S = 2R + 1.
    Returns:
        a `CheckResult` (shows PASS or FAIL).
    """
    if kind not in ("read", "write"):
        raise ValueError(f"kind must be 'read' or 'write', got {kind!r}")
    for name, value, low in [
        ("controller_size", controller_size, 1),
        ("memory_width", memory_width, 1),
        ("shift_width", shift_width, 1),
    ]:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if shift_width % 2 == 0:
        raise ValueError(f"shift_width must be odd (2R + 1), got {shift_width}")
    name = f"parameters of one {kind} head (C={controller_size}, M={memory_width}, S={shift_width})"
    if isinstance(answer, bool) or not isinstance(answer, int):
        return CheckResult(name, False, f"give a whole number, got {answer!r}")
    if answer == _head_parameters(kind, controller_size, memory_width, shift_width):
        return CheckResult(name, True, "correct")
    needs = "k, beta, g, s, gamma" + (", e, a" if kind == "write" else "")
    return CheckResult(
        name,
        False,
        f"not the count; list how many raw numbers the head needs ({needs}), each one "
        "output unit of the linear layer, then count that unit's weights and its bias",
    )
