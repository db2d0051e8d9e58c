"""Controllers: the network that drives the heads (Graves et al. 2014, §3.4).

Neural Turing Machines, Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401

At every step the controller sees the external input together with the read vectors of the
previous step and emits a hidden vector from which the heads take their parameters (and
the output layer its prediction). The paper tries two kinds:

* a feed-forward controller: no state of its own, so everything it remembers must go
  through memory; easier to interpret, but limited by the number of heads;
* an LSTM controller: it can also keep things in its own cell state, "like the registers
  of a processor".

Both classes share one interface, so the NTM does not care which it has:

    initial_state(batch_size) -> state           learned bias values (a tuple, maybe empty)
    forward(x [B, I], state) -> (h [B, C], state)

`CONTROLLERS` maps the names used in `NTM(controller=...)` to the classes.

Taught in `notebooks/04_ntm`.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["CONTROLLERS", "FeedforwardController", "LSTMController"]


class FeedforwardController(nn.Module):
    """One tanh layer: h_t = tanh(W [x_t, r_{t-1}] + b). It has no recurrent state.

    tanh keeps the hidden units bounded, like the LSTM's output, so the heads' linear layer
    sees inputs of the same scale with either controller.

    Args:
        input_size:  I, the external input plus all read vectors.
        hidden_size: C, the width of the output.

    Taught in `notebooks/04_ntm`.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.linear = nn.Linear(input_size, hidden_size)

    def initial_state(self, batch_size: int) -> tuple[()]:
        """No state to reset."""
        return ()

    def forward(self, x: torch.Tensor, state: tuple[()]) -> tuple[torch.Tensor, tuple[()]]:
        """Args: x [B, I], state (). Returns: h [B, C] and the (empty) state."""
        return torch.tanh(self.linear(x)), state  # (B, C)


class LSTMController(nn.Module):
    """One LSTM layer whose state (h, c) starts every episode at learned bias values.

    The paper resets the controller state "to bias values" at the start of every sequence;
    here h_0 and c_0 are parameters learned with the rest of the network.

    Args:
        input_size:  I, the external input plus all read vectors.
        hidden_size: C, the number of LSTM units.

    Taught in `notebooks/04_ntm`.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.cell = nn.LSTMCell(input_size, hidden_size)
        self.initial_h = nn.Parameter(torch.zeros(hidden_size))  # h_0 [C]
        self.initial_c = nn.Parameter(torch.zeros(hidden_size))  # c_0 [C]

    def initial_state(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The learned (h_0, c_0), each [B, C]."""
        h = self.initial_h.expand(batch_size, -1)  # (B, C)
        c = self.initial_c.expand(batch_size, -1)  # (B, C)
        return h, c

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Args: x [B, I], state (h, c) each [B, C]. Returns: h [B, C] and the new (h, c)."""
        h, c = self.cell(x, state)  # (B, C), (B, C)
        return h, (h, c)


CONTROLLERS: dict[str, type[nn.Module]] = {
    "lstm": LSTMController,
    "feedforward": FeedforwardController,
}
