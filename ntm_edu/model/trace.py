"""What an NTM did during one episode, for plots: the `Trace` and its typed parts.

`NTM.forward_with_trace(inputs)` returns ``(logits, Trace)``; plain `forward(inputs)` returns
only the logits (no flag changes a return type). Every tensor of a trace is detached, on the
CPU and float32, with a time axis after the batch axis, so a figure can index it directly:
``trace.read_weights[0, t, 0]`` is the read weighting of episode 0, step t, head 0.

Sizes as in `model/__init__.py` (Hr read heads, Hw write heads, S = 2R + 1 shifts -R..+R).

Taught in `notebooks/04_ntm`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import torch
from torch import nn

__all__ = ["Trace", "TracedParams", "TracedStages", "supports_trace"]


@dataclass
class TracedParams:
    """The addressing parameters (`heads.AddressingParams`) of one kind of head, over time."""

    key: torch.Tensor  # k_t      [B, T, H, M]
    beta: torch.Tensor  # beta_t  [B, T, H]   key strength > 0
    gate: torch.Tensor  # g_t     [B, T, H]   interpolation gate in (0, 1)
    shift: torch.Tensor  # s_t    [B, T, H, S] distribution over shifts -R..+R
    gamma: torch.Tensor  # gamma_t [B, T, H]  sharpening exponent >= 1


@dataclass
class TracedStages:
    """The intermediate weightings (`addressing.AddressingStages`) of one kind of head, over time.

    The last stage, after sharpening, is `Trace.read_weights` / `Trace.write_weights`.
    """

    content: torch.Tensor  # w^c_t [B, T, H, N] after eqs. (5)-(6)
    gated: torch.Tensor  # w^g_t   [B, T, H, N] after eq. (7)
    shifted: torch.Tensor  # w~_t  [B, T, H, N] after eq. (8)


@dataclass
class Trace:
    """Everything an NTM did during one `forward_with_trace`, detached, on the CPU, float32.

    Attributes:
        read_weights:  [B, T, Hr, N] final read weightings w^r_t.
        write_weights: [B, T, Hw, N] final write weightings w^w_t.
        reads:         [B, T, Hr, M] read vectors r_t.
        erase:         [B, T, Hw, M] erase vectors e_t.
        add:           [B, T, Hw, M] add vectors a_t.
        read_params, write_params: the addressing parameters of each kind of head
            (`TracedParams`: key, beta, gate, shift, gamma).
        read_stages, write_stages: the intermediate weightings of each kind of head
            (`TracedStages`: content, gated, shifted).
        memory: [B, T, N, M] the memory after each step's write, or None unless requested.
    """

    read_weights: torch.Tensor
    write_weights: torch.Tensor
    reads: torch.Tensor
    erase: torch.Tensor
    add: torch.Tensor
    read_params: TracedParams
    write_params: TracedParams
    read_stages: TracedStages
    write_stages: TracedStages
    memory: torch.Tensor | None = None

    def __repr__(self) -> str:
        # Shapes only: printing the tensors would flood a notebook.
        B, T, Hr, N = self.read_weights.shape
        Hw, M = self.write_weights.shape[2], self.reads.shape[-1]
        memory = "with" if self.memory is not None else "without"
        return (
            f"Trace(B={B}, T={T}, read_heads={Hr}, write_heads={Hw}, N={N}, M={M}, {memory} memory)"
        )


# The tensor fields of a Trace that a probe snapshot can keep (`training.ProbeRecorder`).
TRACE_TENSORS = tuple(f.name for f in fields(Trace) if not f.name.endswith(("_params", "_stages")))


def supports_trace(model: nn.Module) -> bool:
    """Whether `model.forward_with_trace(inputs)` gives (logits, Trace): an NTM does."""
    return callable(getattr(model, "forward_with_trace", None))


def stack_time(steps: list[torch.Tensor]) -> torch.Tensor:
    """Stack per-step tensors [B, ...] along a new time axis 1, as CPU float32: [B, T, ...]."""
    return torch.stack(steps, dim=1).to("cpu", torch.float32)


def split_heads(steps: list[NamedTuple], num_read: int, kind: type) -> tuple[Any, Any]:
    """Stack per-step named tuples (fields [B, H, ...]) over time into two `kind`s.

    The head axis holds the read heads first: the first `num_read` go to the first result.
    """
    stacked = {name: stack_time([s[i] for s in steps]) for i, name in enumerate(steps[0]._fields)}
    read = kind(**{name: x[:, :, :num_read] for name, x in stacked.items()})  # (B, T, Hr, ...)
    write = kind(**{name: x[:, :, num_read:] for name, x in stacked.items()})  # (B, T, Hw, ...)
    return read, write
