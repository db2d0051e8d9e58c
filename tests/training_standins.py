"""Stand-ins shared by the training tests: a trivial task and small models."""

from __future__ import annotations

import torch
from torch import nn

from ntm_edu.model import NTM
from ntm_edu.tasks import Batch, Task


class EchoTask(Task):
    """Trivial task: output the input bits at the same step (every step scored)."""

    name = "echo"
    override_names = ("length",)

    def __init__(self, width: int = 3, length: int = 4):
        self.config = {"width": width, "length": length}
        self.input_channels = [f"bit{i}" for i in range(width)]
        self.output_channels = [f"bit{i}" for i in range(width)]
        self.lengths_drawn: list[int] = []

    def _sample(self, batch_size, generator, **overrides):
        length = overrides.get("length", self.config["length"])
        self.lengths_drawn.append(length)
        bits = torch.randint(0, 2, (batch_size, length, self.config["width"]), generator=generator)
        bits = bits.float()
        return Batch(bits, bits.clone(), torch.ones(batch_size, length, dtype=torch.bool))


class TinyGRU(nn.Module):
    """A small recurrent model with a `config`, and no trace."""

    def __init__(self, input_size: int = 3, output_size: int = 3, hidden_size: int = 8):
        super().__init__()
        self.config = dict(input_size=input_size, output_size=output_size, hidden_size=hidden_size)
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, inputs):
        hidden, _ = self.gru(inputs)
        return self.out(hidden)


class NaNAt(TinyGRU):
    """Returns NaN logits (or, with `in_grad`, finite logits but NaN gradients) at one step."""

    def __init__(self, bad_step: int, in_grad: bool = False):
        super().__init__()
        self.bad_step, self.in_grad, self.calls = bad_step, in_grad, 0

    def forward(self, inputs):
        logits = super().forward(inputs)
        if self.training:
            self.calls += 1
            if self.calls == self.bad_step:
                if self.in_grad:
                    # sqrt'(0) = inf and 0 * inf = nan: a finite loss with a NaN gradient.
                    zero = (self.out.bias * 0).sum()
                    return logits + 0 * torch.sqrt(zero)
                return logits * float("nan")
        return logits


def small_ntm(task: Task, seed: int = 0) -> NTM:
    torch.manual_seed(seed)
    return NTM(
        task.input_size,
        task.output_size,
        controller_size=16,
        memory_locations=8,
        memory_width=4,
    )


def params(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
