"""Reading from and writing to the memory matrix: equations (2)-(4) of Graves et al. 2014, §3.1-3.2.

Neural Turing Machines, Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401

The memory is a batch of N x M matrices, one row ("location") per slot. Both operations are
*blurry*: a head does not pick one row, it spreads its attention over all rows with a
weighting w (non-negative, summing to 1 over the N locations, eq. 1), so every step is
differentiable. Heads of one kind are handled together in one batched call: weightings are
(B, H, N) for H heads.

Taught in `notebooks/02_memory`.
"""

from __future__ import annotations

import functools

import torch

__all__ = ["read", "write"]


def read(memory: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Read vectors, one per head: a weighted sum of memory rows. Equation (2).

        r_t = sum_i w_t(i) M_t(i)

    Args:
        memory: [B, N, M] the memory M_t.
        w:      [B, H, N] read weightings w_t, one row per read head.
    Returns:
        [B, H, M] the read vectors r_t.

    Taught in `notebooks/02_memory`.
    """
    return torch.bmm(w, memory)  # (B, H, N) @ (B, N, M) -> (B, H, M)


def write(
    memory: torch.Tensor, w: torch.Tensor, erase: torch.Tensor, add: torch.Tensor
) -> torch.Tensor:
    """The memory after every write head has erased and then added. Equations (3)-(4).

        M~_t(i) = M_{t-1}(i) * prod_h [1 - w_t^h(i) e_t^h]     (3)  erase
        M_t(i)  = M~_t(i) + sum_h w_t^h(i) a_t^h                (4)  add

    A cell is wiped to zero only where a head's weighting and its erase element are both 1.
    With several write heads the erases multiply and the adds sum, so the heads commute (the
    order in which they are applied does not matter), as the paper notes. Every head erases
    before any head adds.

    Args:
        memory: [B, N, M] the memory M_{t-1} before the write.
        w:      [B, H, N] write weightings w_t, one row per write head.
        erase:  [B, H, M] erase vectors e_t, each element in (0, 1).
        add:    [B, H, M] add vectors a_t.
    Returns:
        [B, N, M] the memory M_t after the write.

    Taught in `notebooks/02_memory`.
    """
    # 1 - w^h(i) e^h as an outer product per head, then the product over heads. The product
    # is a chain of multiplications: torch.prod's backward guards against zeros and is
    # several times slower.
    keep = 1 - w.unsqueeze(-1) * erase.unsqueeze(-2)  # (B, H, N, 1) * (B, H, 1, M) -> (B, H, N, M)
    keep = functools.reduce(torch.mul, keep.unbind(dim=1))  # (B, N, M)
    added = torch.bmm(w.transpose(1, 2), add)  # (B, N, H) @ (B, H, M) -> (B, N, M), sum over heads
    return memory * keep + added  # (B, N, M)
