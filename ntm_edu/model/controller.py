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

`CONTROLLERS` maps the names used in `NTM(controller=...)` to the classes;
`StackedController` stacks layers of one kind (the paper's 2 x 100 LSTM for priority sort).

Taught in `notebooks/04_ntm`.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["CONTROLLERS", "FeedforwardController", "LSTMController", "StackedController"]


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


class StackedController(nn.Module):
    """Controllers in series: layer l sees the hidden vector of layer l - 1, the NTM the last.

    The state is one state per layer, so a stack of LSTMs starts every episode at each
    layer's learned bias values. A one-layer NTM uses its controller directly, not a stack
    of one, so its parameter names (and the files that store them) stay as they are.

    Args:
        layers: the controllers, bottom first; each one's input_size must be the
            hidden_size of the one below.
    """

    def __init__(self, layers: list[nn.Module]):
        super().__init__()
        for below, above in zip(layers[:-1], layers[1:], strict=True):
            if above.input_size != below.hidden_size:
                raise ValueError(
                    f"a layer of input size {above.input_size} cannot sit on one of hidden "
                    f"size {below.hidden_size}"
                )
        self.layers = nn.ModuleList(layers)
        self.input_size = layers[0].input_size
        self.hidden_size = layers[-1].hidden_size

    def initial_state(self, batch_size: int) -> tuple:
        """Each layer's initial state, bottom first."""
        return tuple(layer.initial_state(batch_size) for layer in self.layers)

    def forward(self, x: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
        """Args: x [B, I], state (one per layer). Returns: the top layer's h [B, C], the states."""
        h, new_state = x, []
        for layer, layer_state in zip(self.layers, state, strict=True):
            h, layer_state = layer(h, layer_state)  # (B, C_l)
            new_state.append(layer_state)
        return h, tuple(new_state)


CONTROLLERS: dict[str, type[nn.Module]] = {
    "lstm": LSTMController,
    "feedforward": FeedforwardController,
}
