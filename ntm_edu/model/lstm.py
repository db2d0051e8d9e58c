"""The LSTM baseline the paper compares the NTM with (Graves et al. 2014, §4).

Neural Turing Machines, Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401

"All LSTM networks had three stacked hidden layers" and, like the NTM, reset their state at
the start of every sequence to "a learned bias vector". Here: `nn.LSTM` with `layers`
stacked layers, learned initial (h, c) per layer, and a linear output layer giving logits.

The paper's parameter counts (Table 3, e.g. 1,352,969 for copy at 3x256) fit an LSTM whose
input also feeds every layer and whose every layer feeds the output (Graves 2013 style skip
connections; that formula reproduces four of the five Table 3 counts exactly). This plain
stacked `nn.LSTM` has no skip connections and so about 2% fewer parameters; it is the LSTM
most readers know, and fast.

Taught in `notebooks/06_lstm_baseline`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ntm_edu._checks import check_int_range
from ntm_edu.model.checks import check_inputs

__all__ = ["LSTMBaseline"]


class LSTMBaseline(nn.Module):
    """A stacked LSTM with learned initial state and a linear output layer.

    Args:
        input_size:  I, channels of the input.
        output_size: O, channels of the output (logits).
        hidden_size: units per layer (paper: 256 for copy).
        layers:      stacked layers (paper: 3).

    `forward(inputs [B, T, I])` returns logits [B, T, O].

    Taught in `notebooks/06_lstm_baseline`.
    """

    def __init__(self, input_size: int, output_size: int, hidden_size: int = 256, layers: int = 3):
        super().__init__()
        self._config = dict(
            input_size=check_int_range("input_size", input_size, 1),
            output_size=check_int_range("output_size", output_size, 1),
            hidden_size=check_int_range("hidden_size", hidden_size, 1),
            layers=check_int_range("layers", layers, 1),
        )
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=layers, batch_first=True)
        self.initial_h = nn.Parameter(torch.zeros(layers, hidden_size))  # h_0 [layers, hidden]
        self.initial_c = nn.Parameter(torch.zeros(layers, hidden_size))  # c_0 [layers, hidden]
        self.output = nn.Linear(hidden_size, output_size)

    @property
    def config(self) -> dict[str, Any]:
        """The constructor arguments as plain values: `LSTMBaseline(**model.config)` rebuilds it."""
        return dict(self._config)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Args: inputs [B, T, I]. Returns: logits [B, T, O]."""
        check_inputs(self, inputs, self._config["input_size"])
        B = inputs.shape[0]
        # nn.LSTM wants (layers, B, hidden) and contiguous initial states.
        h0 = self.initial_h.unsqueeze(1).expand(-1, B, -1).contiguous()  # (layers, B, hidden)
        c0 = self.initial_c.unsqueeze(1).expand(-1, B, -1).contiguous()  # (layers, B, hidden)
        hidden, _ = self.lstm(inputs, (h0, c0))  # (B, T, hidden)
        return self.output(hidden)  # (B, T, O)
