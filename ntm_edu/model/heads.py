"""Heads: from the controller's output to every head's parameters (Graves et al. 2014, §3).

Neural Turing Machines, Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401

Each head needs a key k, a key strength beta, an interpolation gate g, a shift distribution
s and a sharpening exponent gamma (§3.3); a write head also needs an erase vector e and an
add vector a (§3.2). One linear layer emits the raw numbers for all heads at once and a
fixed activation per parameter enforces the paper's constraints. The paper states only the
constraints, not the functions; these are the common choices:

    parameter  constraint          activation     why
    key k      any vector          identity       cosine similarity ignores the length, so a
                                                   squashing function would only add saturation
    beta       beta > 0            softplus       positive, grows linearly for sharp lookups
    gate g     g in (0, 1)         sigmoid
    shift s    a distribution      softmax        over the S = 2R + 1 shifts -R..+R
    gamma      gamma >= 1          1 + softplus   gamma < 1 would blur; 1 is "no sharpening"
    erase e    e in (0, 1)^M       sigmoid
    add a      any vector          tanh           keeps memory contents bounded in (-1, 1)
                                                   per write, so the reads stay well scaled

Optionally the raw numbers are clipped to +-clip before the activations (Collier & Beel
2018 clip the controller outputs to +-20): a saturated gate or a huge beta cannot then
produce extreme values or NaNs early in training.

Taught in `notebooks/04_ntm`.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["AddressingParams", "HeadParams", "Heads"]


class AddressingParams(NamedTuple):
    """What `addressing.address` needs from a group of H heads (one entry per gate)."""

    key: torch.Tensor  # k_t   [B, H, M]  lookup key compared with every memory row
    beta: torch.Tensor  # beta_t [B, H]  key strength, > 0
    gate: torch.Tensor  # g_t   [B, H]  interpolation gate, in (0, 1)
    shift: torch.Tensor  # s_t  [B, H, S]  distribution over shifts -R..+R
    gamma: torch.Tensor  # gamma_t [B, H]  sharpening exponent, >= 1


class HeadParams(NamedTuple):
    """Everything the heads emit in one step."""

    addressing: AddressingParams  # all Hr + Hw heads, the read heads first
    erase: torch.Tensor  # e_t [B, Hw, M]  fraction of each cell to erase, in (0, 1)
    add: torch.Tensor  # a_t [B, Hw, M]  what to add after erasing


class Heads(nn.Module):
    """One linear layer that emits the parameters of every read and write head.

    The addressing parameters of all heads come out as one group (read heads first), so that
    the NTM can address every head in one batched call.

    Args:
        controller_size: width C of the controller output.
        read_heads:      number Hr of read heads.
        write_heads:     number Hw of write heads.
        memory_width:    word size M.
        shift_width:     S = 2R + 1, the number of allowed shifts.
        clip:            clip raw parameters to +-clip before the activations (None: off).

    Taught in `notebooks/04_ntm`.
    """

    def __init__(
        self,
        controller_size: int,
        read_heads: int,
        write_heads: int,
        memory_width: int,
        shift_width: int,
        clip: float | None = 20.0,
    ):
        super().__init__()
        self.read_heads = read_heads
        self.write_heads = write_heads
        self.memory_width = memory_width
        self.shift_width = shift_width
        self.clip = clip
        # Per head: key (M), beta (1), gate (1), shift (S), gamma (1); per write head: e, a (2M).
        self.addressing_size = memory_width + 3 + shift_width
        num_heads = read_heads + write_heads
        out_features = num_heads * self.addressing_size + write_heads * 2 * memory_width
        self.linear = nn.Linear(controller_size, out_features)

    def forward(self, controller_output: torch.Tensor) -> HeadParams:
        """Args: controller_output [B, C]. Returns: the `HeadParams` of this step."""
        B = controller_output.shape[0]
        H = self.read_heads + self.write_heads
        Hw, M, S = self.write_heads, self.memory_width, self.shift_width
        raw = self.linear(controller_output)  # (B, H * (M + 3 + S) + Hw * 2M)
        if self.clip:
            raw = raw.clamp(-self.clip, self.clip)
        addressing, vectors = raw.split([H * self.addressing_size, Hw * 2 * M], dim=-1)
        key, beta, gate, s, gamma = addressing.view(B, H, -1).split([M, 1, 1, S, 1], dim=-1)
        erase, add = vectors.view(B, Hw, 2 * M).split([M, M], dim=-1)
        return HeadParams(
            addressing=AddressingParams(
                key=key,  # (B, H, M)
                beta=F.softplus(beta.squeeze(-1)),  # (B, H)
                gate=torch.sigmoid(gate.squeeze(-1)),  # (B, H)
                shift=torch.softmax(s, dim=-1),  # (B, H, S)
                gamma=1 + F.softplus(gamma.squeeze(-1)),  # (B, H)
            ),
            erase=torch.sigmoid(erase),  # (B, Hw, M)
            add=torch.tanh(add),  # (B, Hw, M)
        )
