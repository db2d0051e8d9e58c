"""Equations (5)-(9) of Graves et al. 2014 §3.3 as pure batched functions: where a head looks.

Neural Turing Machines, Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401

A head's weighting w_t over the N memory locations is built in four stages (the paper's
Fig. 2), each a small function below:

    content_weighting   (5)-(6)  compare a key with every row, softmax with sharpness beta
    interpolate         (7)      blend with the previous weighting through a gate g
    shift               (8)      rotate the focus by a distribution s over shifts -R..+R
    sharpen             (9)      raise to the power gamma >= 1 and renormalise

`address` chains them in that order (`address_with_stages` also returns the intermediate
weightings). Content addressing lets a head jump to a row that looks like the key;
interpolation with g near 0 ignores the content and keeps the previous focus, so the shift
can step from there: this is how the NTM iterates through memory.

Every function takes all heads of a kind at once: keys [B, H, M], scalars [B, H], shift
distributions [B, H, S] with S = 2R + 1, weightings [B, H, N]. All normalisations run over
the N locations (the last axis), never over the batch.

Taught in `notebooks/03_addressing`.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

__all__ = [
    "AddressingStages",
    "address",
    "address_with_stages",
    "content_weighting",
    "cosine_similarity",
    "interpolate",
    "sharpen",
    "shift",
]


def cosine_similarity(memory: torch.Tensor, key: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Cosine similarity of every key with every memory row. Equation (6).

        K[u, v] = u . v / (||u|| ||v||)

    The norms are sqrt(sum x^2 + eps): the paper's memory often starts as all zeros or a tiny
    constant, and a bare norm would divide 0 by 0 there (the classic NaN of public NTM code,
    see carpedm20/NTM-tensorflow#2). With eps inside the square root a zero row or a zero key
    has similarity 0 and finite gradients, as in DeepMind's DNC.

    Args:
        memory: [B, N, M] the memory.
        key:    [B, H, M] one key per head.
        eps:    added to the squared norms.
    Returns:
        [B, H, N] similarities in [-1, 1].

    Taught in `notebooks/03_addressing`.
    """
    dot = torch.bmm(key, memory.transpose(1, 2))  # (B, H, M) @ (B, M, N) -> (B, H, N)
    key_norm = torch.sqrt(key.pow(2).sum(-1) + eps)  # (B, H)
    memory_norm = torch.sqrt(memory.pow(2).sum(-1) + eps)  # (B, N)
    return dot / (key_norm.unsqueeze(-1) * memory_norm.unsqueeze(-2))  # (B, H, N)


def content_weighting(
    memory: torch.Tensor, key: torch.Tensor, beta: torch.Tensor, eps: float = 1e-8
) -> torch.Tensor:
    """Focus on the rows most similar to the key. Equations (5)-(6).

        w^c_t(i) = exp(beta_t K[k_t, M_t(i)]) / sum_j exp(beta_t K[k_t, M_t(j)])

    beta > 0 is the key strength: small beta spreads the weighting evenly, large beta puts
    almost all of it on the best match.

    Args:
        memory: [B, N, M] the memory M_t.
        key:    [B, H, M] keys k_t.
        beta:   [B, H] key strengths beta_t > 0.
        eps:    see `cosine_similarity`.
    Returns:
        [B, H, N] content weightings w^c_t.

    Taught in `notebooks/03_addressing`.
    """
    similarity = cosine_similarity(memory, key, eps)  # (B, H, N)
    return torch.softmax(beta.unsqueeze(-1) * similarity, dim=-1)  # (B, H, N), over locations


def interpolate(w_content: torch.Tensor, w_prev: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """Blend the content weighting with the previous step's weighting. Equation (7).

        w^g_t = g_t w^c_t + (1 - g_t) w_{t-1}

    g = 1 keeps only the content lookup; g = 0 ignores the content and keeps the previous
    focus (so that the shift can move on from it).

    Args:
        w_content: [B, H, N] content weightings w^c_t.
        w_prev:    [B, H, N] the heads' weightings w_{t-1} from the previous step.
        gate:      [B, H] interpolation gates g_t in (0, 1).
    Returns:
        [B, H, N] gated weightings w^g_t.

    Taught in `notebooks/03_addressing`.
    """
    # torch.lerp(a, b, g) = a + g (b - a) = g b + (1 - g) a: eq. (7) in a single operation.
    return torch.lerp(w_prev, w_content, gate.unsqueeze(-1))  # (B, H, N)


def shift(w: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Rotate each weighting by a distribution over integer shifts. Equation (8).

        w~_t(i) = sum_j w^g_t(j) s_t(i - j)        (indices modulo N)

    s has S = 2R + 1 entries for the shifts -R, ..., 0, ..., +R (in that order). Written as a
    sum over the shifts k = i - j instead of the locations j, eq. (8) is

        w~_t(i) = sum_k s_t(k) w^g_t(i - k),

    a mixture of copies of w rotated by k, weighted by s(k). `torch.roll(w, k)` is exactly
    the rotated copy: roll(w, k)(i) = w(i - k). So s one-hot at k = +1 moves a focus at
    location i to i + 1, and a focus at N - 1 wraps around to 0. (Beware
    `torch.nn.functional.conv1d`: it computes a cross-correlation, s(j - i), so it shifts
    the other way unless s is flipped.)

    Args:
        w: [B, H, N] gated weightings w^g_t.
        s: [B, H, S] shift distributions s_t over shifts -R..+R, S = 2R + 1 <= N.
    Returns:
        [B, H, N] shifted weightings w~_t.

    Taught in `notebooks/03_addressing`.
    """
    N, S = w.shape[-1], s.shape[-1]
    if S % 2 != 1 or S > N:
        raise ValueError(f"shift width must be odd and at most N={N}, got {S}")
    R = S // 2
    rotated = torch.stack([w.roll(k, dims=-1) for k in range(-R, R + 1)], dim=-1)  # (B, H, N, S)
    return (rotated * s.unsqueeze(-2)).sum(-1)  # (B, H, N)


# `address` calls eq. (8) under this name: its argument `shift` (the distribution, named as in
# `HeadParams` and the `Trace`) hides the function there.
_shift = shift


def sharpen(w: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """Sharpen a weighting that the shift has blurred. Equation (9).

        w_t(i) = w~_t(i)^gamma_t / sum_j w~_t(j)^gamma_t

    gamma >= 1; gamma = 1 leaves w unchanged, a large gamma pushes it towards one-hot on the
    largest entry. The argmax never moves.

    Computed as softmax(gamma * log w~), the same quantity written so that it cannot
    underflow: (1/128)^50 is 0 in float32, which would make the plain formula divide 0 by 0
    for a flat weighting. Exact zeros are clamped to the smallest positive float before the
    log, so they stay (numerically) zero and their gradient is 0, not NaN (log 0 = -inf).

    Args:
        w:     [B, H, N] shifted weightings w~_t (non-negative).
        gamma: [B, H] sharpening exponents gamma_t >= 1.
    Returns:
        [B, H, N] final weightings w_t.

    Taught in `notebooks/03_addressing`.
    """
    tiny = torch.finfo(w.dtype).tiny
    log_w = torch.log(w.clamp_min(tiny))  # (B, H, N)
    return torch.softmax(gamma.unsqueeze(-1) * log_w, dim=-1)  # (B, H, N), over locations


class AddressingStages(NamedTuple):
    """The intermediate weightings of one `address` call, each [B, H, N] (for plots)."""

    content: torch.Tensor  # w^c_t after eqs. (5)-(6)
    gated: torch.Tensor  # w^g_t after eq. (7)
    shifted: torch.Tensor  # w~_t after eq. (8)


def address_with_stages(
    memory: torch.Tensor,
    key: torch.Tensor,
    beta: torch.Tensor,
    gate: torch.Tensor,
    shift: torch.Tensor,
    gamma: torch.Tensor,
    w_prev: torch.Tensor,
) -> tuple[torch.Tensor, AddressingStages]:
    """The full addressing mechanism of Fig. 2: content -> interpolate -> shift -> sharpen.

    Args:
        memory: [B, N, M] the memory the heads look at.
        key:    [B, H, M] keys k_t.
        beta:   [B, H] key strengths beta_t > 0.
        gate:   [B, H] interpolation gates g_t in (0, 1).
        shift:  [B, H, S] shift distributions s_t over shifts -R..+R.
        gamma:  [B, H] sharpening exponents gamma_t >= 1.
        w_prev: [B, H, N] the weightings of the previous step.
    Returns:
        [B, H, N] the weightings w_t, and the `AddressingStages` on the way to them.

    Taught in `notebooks/03_addressing`.
    """
    w_content = content_weighting(memory, key, beta)  # (B, H, N)
    w_gated = interpolate(w_content, w_prev, gate)  # (B, H, N)
    w_shifted = _shift(w_gated, shift)  # (B, H, N)
    w = sharpen(w_shifted, gamma)  # (B, H, N)
    return w, AddressingStages(w_content, w_gated, w_shifted)


def address(
    memory: torch.Tensor,
    key: torch.Tensor,
    beta: torch.Tensor,
    gate: torch.Tensor,
    shift: torch.Tensor,
    gamma: torch.Tensor,
    w_prev: torch.Tensor,
) -> torch.Tensor:
    """The weightings w_t [B, H, N] of Fig. 2, without the stages (see `address_with_stages`).

    Taught in `notebooks/03_addressing`.
    """
    return address_with_stages(memory, key, beta, gate, shift, gamma, w_prev)[0]
