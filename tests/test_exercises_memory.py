"""The checks of notebooks 02-04 pass the reference answers and catch the classic mistakes.

Each wrong answer below is a bug seen in real NTM code or an easy slip (shift mirrored like
conv1d's cross-correlation, sharpening without renormalising, adding before erasing, a
softmax over the heads instead of the locations). A failing check must say which case
failed and must not print the expected numbers.
"""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn.functional as F

from ntm_edu.exercises import (
    check_content_weighting,
    check_head_parameter_count,
    check_interpolate,
    check_read,
    check_sharpen,
    check_shift,
    check_write,
)
from ntm_edu.model import addressing, memory

NUMBER = re.compile(r"-?\d+\.\d{2,}")  # a printed float would be a leaked expected value


def assert_fails(result, *fragments):
    assert not result.passed, f"a wrong answer passed: {result}"
    assert not bool(result)
    text = repr(result)
    assert text.startswith("[FAIL]")
    assert not NUMBER.search(result.message), f"the message leaks numbers: {result.message}"
    for fragment in fragments:
        assert fragment in result.message, f"{fragment!r} not in {result.message!r}"


# --- the references pass -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, reference",
    [
        (check_read, memory.read),
        (check_write, memory.write),
        (check_content_weighting, addressing.content_weighting),
        (check_interpolate, addressing.interpolate),
        (check_shift, addressing.shift),
        (check_sharpen, addressing.sharpen),
    ],
    ids=lambda f: getattr(f, "__name__", "?"),
)
def test_reference_passes(check, reference):
    result = check(reference)
    assert result.passed, result
    assert repr(result).startswith("[PASS]")


def test_straightforward_student_answers_pass():
    """Plain, loop-free textbook answers (what a student would write) pass too."""

    def read(M, w):
        return torch.einsum("bhn,bnm->bhm", w, M)

    def write(M, w, e, a):
        keep = torch.prod(1 - w[..., None] * e[:, :, None, :], dim=1)
        return M * keep + torch.einsum("bhn,bhm->bnm", w, a)

    def shift(w, s):
        R = s.shape[-1] // 2
        return sum(s[..., k + R, None] * torch.roll(w, k, dims=-1) for k in range(-R, R + 1))

    def sharpen(w, gamma):
        p = w ** gamma[..., None]
        return p / p.sum(-1, keepdim=True)

    def content(M, k, beta):
        K = F.cosine_similarity(k[:, :, None, :], M[:, None, :, :], dim=-1)
        return torch.softmax(beta[..., None] * K, dim=-1)

    for check, answer in [
        (check_read, read),
        (check_write, write),
        (check_shift, shift),
        (check_sharpen, sharpen),
        (check_content_weighting, content),
    ]:
        result = check(answer)
        assert result.passed, result


# --- wrong answers fail with a useful message ----------------------------------------------------


def test_unimplemented_stub():
    def stub(*args):
        raise NotImplementedError

    assert_fails(check_read(stub), "not implemented")
    assert_fails(check_shift(stub), "not implemented")


def test_read_mean_instead_of_weighted_sum():
    assert_fails(check_read(lambda M, w: M.mean(1, keepdim=True).expand(-1, w.shape[1], -1)))


def test_read_wrong_shape():
    assert_fails(check_read(lambda M, w: torch.bmm(w, M).squeeze(1)), "shape")


def test_write_add_before_erase():
    def wrong(M, w, e, a):
        added = M + torch.bmm(w.transpose(1, 2), a)
        return added * torch.prod(1 - w[..., None] * e[:, :, None, :], dim=1)

    assert_fails(check_write(wrong), "case:")


def test_write_erase_ignoring_the_weighting():
    def wrong(M, w, e, a):
        return M * (1 - e.mean(1, keepdim=True)) + torch.bmm(w.transpose(1, 2), a)

    assert_fails(check_write(wrong))


def test_write_single_head_only_fails_on_two_heads():
    def first_head_only(M, w, e, a):
        return M * (1 - w[:, 0, :, None] * e[:, 0, None, :]) + w[:, 0, :, None] * a[:, 0, None, :]

    assert_fails(check_write(first_head_only), "2 write heads")


def test_write_in_place_is_reported():
    def in_place(M, w, e, a):
        M.mul_(torch.prod(1 - w[..., None] * e[:, :, None, :], dim=1))
        return M.add_(torch.bmm(w.transpose(1, 2), a))

    assert_fails(check_write(in_place), "in place")


def test_shift_in_the_wrong_direction():
    """s reversed: what conv1d's cross-correlation does without flipping the kernel."""
    mirrored = check_shift(lambda w, s: addressing.shift(w, s.flip(-1)))
    assert_fails(mirrored, "s one-hot at +1", "location 3")


def test_shift_without_wrap_around():
    def zero_padded(w, s):
        R = s.shape[-1] // 2
        padded = F.pad(w, (R, R))
        windows = padded.unfold(-1, s.shape[-1], 1)
        return torch.einsum("bhnp,bhp->bhn", windows, s.flip(-1))

    assert_fails(check_shift(zero_padded), "wrap around")


def test_sharpen_without_renormalising():
    result = check_sharpen(lambda w, gamma: w ** gamma[..., None])
    assert_fails(result, "gamma = 3")


def test_sharpen_as_softmax_of_gamma_w():
    assert_fails(check_sharpen(lambda w, gamma: torch.softmax(gamma[..., None] * w, -1)))


def test_content_weighting_with_dot_product():
    def dot(M, k, beta):
        return torch.softmax(beta[..., None] * torch.bmm(k, M.transpose(1, 2)), -1)

    assert_fails(check_content_weighting(dot))


def test_content_weighting_softmax_over_heads():
    """The pytorch-ntm bug of issue #2: normalising over the wrong dimension."""

    def wrong_dim(M, k, beta):
        K = F.cosine_similarity(k[:, :, None, :], M[:, None, :, :], dim=-1)
        return torch.softmax(beta[..., None] * K, dim=1)

    assert_fails(check_content_weighting(wrong_dim))


def test_interpolate_with_the_gate_swapped():
    def swapped(wc, wp, g):
        return (1 - g[..., None]) * wc + g[..., None] * wp

    assert_fails(check_interpolate(swapped), "gate = 1")


def test_a_crashing_answer_is_reported():
    result = check_read(lambda M, w: M @ w)
    assert_fails(result, "raised")


def test_not_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        check_read(42)


# --- parameter counting --------------------------------------------------------------------------


def test_head_parameter_count():
    # A read head needs k (M), beta, g, s (S), gamma from C controller units, with biases.
    C, M, S = 100, 20, 3
    assert check_head_parameter_count((C + 1) * (M + 1 + 1 + S + 1)).passed
    assert check_head_parameter_count((C + 1) * (M + 3 + S + 2 * M), kind="write").passed
    assert check_head_parameter_count(
        11 * (4 + 3 + 5), controller_size=10, memory_width=4, shift_width=5
    ).passed


def test_head_parameter_count_wrong():
    C, M, S = 100, 20, 3
    no_bias = C * (M + 3 + S)
    result = check_head_parameter_count(no_bias)
    assert_fails(result, "bias")
    assert str((C + 1) * (M + 3 + S)) not in result.message
    assert_fails(check_head_parameter_count((C + 1) * (M + 3 + S), kind="write"), "e, a")
    assert_fails(check_head_parameter_count("2626"), "whole number")


def test_head_parameter_count_bad_arguments():
    with pytest.raises(ValueError, match="kind must be"):
        check_head_parameter_count(1, kind="erase")
    with pytest.raises(ValueError, match="shift_width must be odd"):
        check_head_parameter_count(1, shift_width=2)
    with pytest.raises(ValueError, match="memory_width must be an integer >= 1"):
        check_head_parameter_count(1, memory_width=0)
