"""Tests of ntm_edu.model.addressing: eqs. (5)-(9) against plain loops, plus their invariants.

Odd sizes (B=5, H=3, N=7, M=2) so that a swapped axis changes a shape or a value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_edu.model.addressing import (
    AddressingStages,
    address,
    address_with_stages,
    content_weighting,
    cosine_similarity,
    interpolate,
    sharpen,
    shift,
)

B, H, N, M = 5, 3, 7, 2
EPS = 1e-8
SETTINGS = settings(max_examples=40, deadline=None)


def random_weighting(*shape: int, generator: torch.Generator, dtype=torch.float32) -> torch.Tensor:
    return torch.softmax(3 * torch.randn(*shape, generator=generator, dtype=dtype), dim=-1)


def one_hot(index: torch.Tensor, n: int, dtype=torch.float32) -> torch.Tensor:
    return torch.nn.functional.one_hot(index, n).to(dtype)


# --- explicit loop implementations, written from the paper's equations -------------------------


def loop_content(memory, key, beta):
    memory, key, beta = (np.asarray(x, dtype=np.float64) for x in (memory, key, beta))
    b_, h_, n_ = key.shape[0], key.shape[1], memory.shape[1]
    out = np.zeros((b_, h_, n_))
    for b in range(b_):
        for h in range(h_):
            scores = []
            for i in range(n_):
                u, v = key[b, h], memory[b, i]
                similarity = (u @ v) / (math.sqrt(u @ u + EPS) * math.sqrt(v @ v + EPS))
                scores.append(beta[b, h] * similarity)
            scores = np.array(scores)
            e = np.exp(scores - scores.max())
            out[b, h] = e / e.sum()
    return out


def loop_interpolate(w_content, w_prev, gate):
    out = np.zeros(w_content.shape)
    for b in range(w_content.shape[0]):
        for h in range(w_content.shape[1]):
            g = float(gate[b, h])
            out[b, h] = g * np.asarray(w_content[b, h]) + (1 - g) * np.asarray(w_prev[b, h])
    return out


def loop_shift(w, s):
    """Eq. (8) literally: w~(i) = sum_j w(j) s(i - j), with i - j taken modulo N."""
    w, s = np.asarray(w, dtype=np.float64), np.asarray(s, dtype=np.float64)
    b_, h_, n_ = w.shape
    r = s.shape[-1] // 2
    out = np.zeros(w.shape)
    for b in range(b_):
        for h in range(h_):
            for i in range(n_):
                for j in range(n_):
                    d = (i - j) % n_  # the shift that carries j to i, in 0..N-1
                    k = d if d <= r else d - n_  # ... as a signed shift
                    if -r <= k <= r:
                        out[b, h, i] += w[b, h, j] * s[b, h, k + r]
    return out


def loop_sharpen(w, gamma):
    w, gamma = np.asarray(w, dtype=np.float64), np.asarray(gamma, dtype=np.float64)
    out = np.zeros(w.shape)
    for b in range(w.shape[0]):
        for h in range(w.shape[1]):
            powered = w[b, h] ** gamma[b, h]
            out[b, h] = powered / powered.sum()
    return out


def assert_distribution(w: torch.Tensor, atol: float = 1e-5) -> None:
    """Non-negative, finite, summing to 1 over the locations (the last axis)."""
    assert torch.isfinite(w).all()
    assert (w >= 0).all()
    torch.testing.assert_close(
        w.sum(-1), torch.ones(w.shape[:-1], dtype=w.dtype), atol=atol, rtol=0
    )


# --- content weighting (eqs. 5-6) -----------------------------------------------------------------


class TestContentWeighting:
    def setup_method(self):
        self.g = torch.Generator().manual_seed(0)
        self.memory = torch.randn(B, N, M, generator=self.g)
        self.key = torch.randn(B, H, M, generator=self.g)
        self.beta = torch.rand(B, H, generator=self.g) * 5 + 0.1

    def test_shape(self):
        assert content_weighting(self.memory, self.key, self.beta).shape == (B, H, N)

    def test_matches_loop(self):
        got = content_weighting(self.memory, self.key, self.beta)
        expected = loop_content(self.memory, self.key, self.beta)
        np.testing.assert_allclose(got.numpy(), expected, atol=1e-6)

    def test_cosine_similarity_bounds_and_self_match(self):
        similarity = cosine_similarity(self.memory, self.memory[:, :H])  # (B, H, N)
        assert (similarity.abs() <= 1 + 1e-6).all()
        diagonal = similarity[:, torch.arange(H), torch.arange(H)]  # row h against itself
        torch.testing.assert_close(diagonal, torch.ones(B, H), atol=1e-4, rtol=0)

    def test_picks_the_matching_row(self):
        memory = torch.randn(B, N, 6, generator=self.g)
        target = torch.randint(N, (B, H), generator=self.g)
        key = 3.0 * memory[torch.arange(B).unsqueeze(1), target]  # (B, H, 6); scale is ignored
        w = content_weighting(memory, key, torch.full((B, H), 100.0))
        assert torch.equal(w.argmax(-1), target)
        assert (w.max(-1).values > 0.9).all()

    def test_normalises_over_locations_not_batch(self):
        w = content_weighting(self.memory, self.key, self.beta)
        torch.testing.assert_close(w.sum(-1), torch.ones(B, H))
        assert not torch.allclose(w.sum(0), torch.ones(H, N))

    @pytest.mark.parametrize("zero", ["memory", "key"])
    def test_zero_memory_or_key_is_uniform_with_finite_gradients(self, zero):
        memory = torch.zeros(B, N, M) if zero == "memory" else self.memory.clone()
        key = torch.zeros(B, H, M) if zero == "key" else self.key.clone()
        memory.requires_grad_(True)
        key.requires_grad_(True)
        beta = self.beta.clone().requires_grad_(True)
        w = content_weighting(memory, key, beta)
        torch.testing.assert_close(w, torch.full((B, H, N), 1 / N))
        (w * torch.randn(B, H, N, generator=self.g)).sum().backward()
        for tensor in (memory, key, beta):
            assert torch.isfinite(tensor.grad).all()

    @SETTINGS
    @given(
        seed=st.integers(0, 2**16),
        log_beta=st.floats(math.log(1e-3), math.log(1e3)),
        memory_scale=st.sampled_from([0.0, 1e-6, 1.0, 1e3]),
    )
    def test_distribution_for_extreme_beta_and_memory(self, seed, log_beta, memory_scale):
        g = torch.Generator().manual_seed(seed)
        memory = memory_scale * torch.randn(B, N, M, generator=g)
        key = torch.randn(B, H, M, generator=g).requires_grad_(True)
        beta = torch.full((B, H), math.exp(log_beta))
        w = content_weighting(memory, key, beta)
        assert_distribution(w)
        w[..., 0].sum().backward()
        assert torch.isfinite(key.grad).all()


# --- interpolation (eq. 7) ------------------------------------------------------------------------


class TestInterpolate:
    def setup_method(self):
        self.g = torch.Generator().manual_seed(1)
        self.w_content = random_weighting(B, H, N, generator=self.g)
        self.w_prev = random_weighting(B, H, N, generator=self.g)
        self.gate = torch.rand(B, H, generator=self.g)

    def test_matches_loop(self):
        got = interpolate(self.w_content, self.w_prev, self.gate)
        assert got.shape == (B, H, N)
        np.testing.assert_allclose(
            got.numpy(), loop_interpolate(self.w_content, self.w_prev, self.gate), atol=1e-6
        )

    def test_gate_one_keeps_content_and_gate_zero_keeps_previous(self):
        ones, zeros = torch.ones(B, H), torch.zeros(B, H)
        torch.testing.assert_close(interpolate(self.w_content, self.w_prev, ones), self.w_content)
        torch.testing.assert_close(interpolate(self.w_content, self.w_prev, zeros), self.w_prev)

    def test_gate_is_per_head(self):
        gate = torch.zeros(B, H)
        gate[:, 1] = 1.0
        got = interpolate(self.w_content, self.w_prev, gate)
        torch.testing.assert_close(got[:, 1], self.w_content[:, 1])
        torch.testing.assert_close(got[:, 0], self.w_prev[:, 0])

    @SETTINGS
    @given(seed=st.integers(0, 2**16))
    def test_distribution(self, seed):
        g = torch.Generator().manual_seed(seed)
        w_prev = one_hot(torch.randint(N, (B, H), generator=g), N)
        w = interpolate(
            random_weighting(B, H, N, generator=g), w_prev, torch.rand(B, H, generator=g)
        )
        assert_distribution(w)


# --- circular shift (eq. 8) -----------------------------------------------------------------------


class TestShift:
    def setup_method(self):
        self.g = torch.Generator().manual_seed(2)

    @pytest.mark.parametrize("radius", [0, 1, 2, 3])
    def test_matches_loop(self, radius):
        w = random_weighting(B, H, N, generator=self.g)
        s = random_weighting(B, H, 2 * radius + 1, generator=self.g)
        got = shift(w, s)
        assert got.shape == (B, H, N)
        np.testing.assert_allclose(got.numpy(), loop_shift(w, s), atol=1e-6)

    @pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2])
    def test_one_hot_shift_moves_every_focus_exactly(self, offset):
        radius = 2
        focus = torch.arange(B * H).reshape(B, H) % N  # every location, with wrap-around cases
        s = one_hot(torch.full((B, H), offset + radius), 2 * radius + 1)  # s ordered -R..+R
        got = shift(one_hot(focus, N), s)
        torch.testing.assert_close(got, one_hot((focus + offset) % N, N))

    def test_plus_one_moves_i_to_i_plus_one_and_wraps(self):
        s = torch.tensor([0.0, 0.0, 1.0]).expand(1, 1, 3)  # shifts -1, 0, +1
        w = one_hot(torch.tensor([[2]]), N)
        assert shift(w, s).argmax(-1).item() == 3
        w_last = one_hot(torch.tensor([[N - 1]]), N)
        assert shift(w_last, s).argmax(-1).item() == 0
        s_minus = torch.tensor([1.0, 0.0, 0.0]).expand(1, 1, 3)
        assert shift(one_hot(torch.tensor([[0]]), N), s_minus).argmax(-1).item() == N - 1

    def test_split_shift_spreads_the_focus(self):
        s = torch.tensor([0.25, 0.0, 0.75]).expand(1, 1, 3)
        got = shift(one_hot(torch.tensor([[3]]), N), s)[0, 0]
        assert got[4].item() == pytest.approx(0.75) and got[2].item() == pytest.approx(0.25)

    @pytest.mark.parametrize("width", [2, N + 2])
    def test_rejects_bad_shift_width(self, width):
        with pytest.raises(ValueError, match="shift width"):
            shift(torch.ones(B, H, N) / N, torch.ones(B, H, width) / width)

    @SETTINGS
    @given(seed=st.integers(0, 2**16), radius=st.integers(0, 3))
    def test_preserves_mass(self, seed, radius):
        g = torch.Generator().manual_seed(seed)
        w = random_weighting(B, H, N, generator=g)
        assert_distribution(shift(w, random_weighting(B, H, 2 * radius + 1, generator=g)))


# --- sharpening (eq. 9) ---------------------------------------------------------------------------


class TestSharpen:
    def setup_method(self):
        self.g = torch.Generator().manual_seed(3)
        self.w = random_weighting(B, H, N, generator=self.g)
        self.gamma = 1 + 4 * torch.rand(B, H, generator=self.g)

    def test_matches_loop(self):
        got = sharpen(self.w, self.gamma)
        assert got.shape == (B, H, N)
        np.testing.assert_allclose(got.numpy(), loop_sharpen(self.w, self.gamma), atol=1e-6)

    def test_gamma_one_is_identity(self):
        torch.testing.assert_close(sharpen(self.w, torch.ones(B, H)), self.w)

    def test_keeps_argmax_and_sharpens(self):
        got = sharpen(self.w, self.gamma)
        assert torch.equal(got.argmax(-1), self.w.argmax(-1))
        assert (got.max(-1).values >= self.w.max(-1).values - 1e-6).all()

    def test_exact_zeros_give_no_nan(self):
        w = self.w.clone()
        w[..., ::2] = 0.0
        w = (w / w.sum(-1, keepdim=True)).requires_grad_(True)
        gamma = self.gamma.clone().requires_grad_(True)
        out = sharpen(w, gamma)
        assert (out[..., ::2] < 1e-30).all()  # zero up to the smallest float
        (out * torch.randn(B, H, N, generator=self.g)).sum().backward()
        assert torch.isfinite(w.grad).all() and torch.isfinite(gamma.grad).all()

    @SETTINGS
    @given(seed=st.integers(0, 2**16), gamma=st.floats(1.0, 50.0), flat=st.booleans())
    def test_distribution_for_large_gamma(self, seed, gamma, flat):
        g = torch.Generator().manual_seed(seed)
        w = torch.full((B, H, N), 1 / N) if flat else random_weighting(B, H, N, generator=g)
        out = sharpen(w, torch.full((B, H), gamma))
        assert_distribution(out)
        assert torch.equal(out.argmax(-1), w.argmax(-1))


# --- the whole chain (Fig. 2) ---------------------------------------------------------------------


def random_head_params(generator, dtype=torch.float32, shift_width=3):
    return dict(
        memory=torch.randn(B, N, M, generator=generator, dtype=dtype),
        key=torch.randn(B, H, M, generator=generator, dtype=dtype),
        beta=torch.rand(B, H, generator=generator, dtype=dtype) * 5 + 0.1,
        gate=torch.rand(B, H, generator=generator, dtype=dtype),
        shift=random_weighting(B, H, shift_width, generator=generator, dtype=dtype),
        gamma=1 + 3 * torch.rand(B, H, generator=generator, dtype=dtype),
        w_prev=random_weighting(B, H, N, generator=generator, dtype=dtype),
    )


class TestAddress:
    def test_chains_the_stages_in_the_papers_order(self):
        p = random_head_params(torch.Generator().manual_seed(4))
        w, stages = address_with_stages(**p)
        assert isinstance(stages, AddressingStages)
        content = content_weighting(p["memory"], p["key"], p["beta"])
        gated = interpolate(content, p["w_prev"], p["gate"])
        shifted = shift(gated, p["shift"])
        torch.testing.assert_close(stages.content, content)
        torch.testing.assert_close(stages.gated, gated)
        torch.testing.assert_close(stages.shifted, shifted)
        torch.testing.assert_close(w, sharpen(shifted, p["gamma"]))
        torch.testing.assert_close(address(**p), w)
        expected = loop_sharpen(
            loop_shift(
                loop_interpolate(
                    loop_content(p["memory"], p["key"], p["beta"]), p["w_prev"], p["gate"]
                ),
                p["shift"],
            ),
            p["gamma"],
        )
        np.testing.assert_allclose(w.numpy(), expected, atol=1e-5)

    def test_gradcheck_float64(self):
        p = random_head_params(torch.Generator().manual_seed(5), dtype=torch.float64)
        names = list(p)
        inputs = tuple(p[n].clone().requires_grad_(True) for n in names)
        assert torch.autograd.gradcheck(
            lambda *xs: address(**dict(zip(names, xs, strict=True))), inputs, eps=1e-6, atol=1e-5
        )

    @SETTINGS
    @given(
        seed=st.integers(0, 2**16),
        log_beta=st.floats(math.log(1e-3), math.log(1e3)),
        gamma=st.floats(1.0, 50.0),
        zero_memory=st.booleans(),
        zero_key=st.booleans(),
    )
    def test_distribution_and_finite_gradients_in_degenerate_cases(
        self, seed, log_beta, gamma, zero_memory, zero_key
    ):
        g = torch.Generator().manual_seed(seed)
        p = random_head_params(g)
        if zero_memory:
            p["memory"] = torch.zeros(B, N, M)
        if zero_key:
            p["key"] = torch.zeros(B, H, M)
        p["beta"] = torch.full((B, H), math.exp(log_beta))
        p["gamma"] = torch.full((B, H), gamma)
        p["w_prev"] = one_hot(torch.randint(N, (B, H), generator=g), N)
        p["shift"] = one_hot(torch.randint(3, (B, H), generator=g), 3)
        leaves = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        w = address(**leaves)
        assert_distribution(w)
        (w * torch.randn(B, H, N, generator=g)).sum().backward()
        for name, leaf in leaves.items():
            assert torch.isfinite(leaf.grad).all(), name
