"""The dynamic N-grams task (Graves et al. 2014, §4.4; https://arxiv.org/abs/1410.5401).

Each episode draws a fresh 6-gram model: a table of 2^5 = 32 probabilities
P(next bit = 1 | previous 5 bits), each from a Beta(1/2, 1/2) prior. Then 200 bits are drawn
from it, the first five i.i.d. fair coins (footnote 4). The network reads the bits one at a
time and predicts the next one. It cannot memorise a table (there is a new one every
episode), so it must *count*, within the episode, how often each context was followed by a
0 or a 1: a use of memory quite unlike copying.

The best any predictor can do without seeing the table is the Bayesian posterior predictive
(eq. 10, the Krichevsky-Trofimov estimator; Murphy 2012)::

    P(B = 1 | N1, N0, c) = (N1 + 1/2) / (N1 + N0 + 1)

where N0, N1 count the zeros and ones that followed the context c so far. Over 200-bit
sequences it costs about 133 bits per sequence (Fig. 13); a constant 0.5 costs 200.

Contexts are read in time order as a binary number, oldest bit most significant: the
context "00010" (as written in the paper's Fig. 15) is table row 2.

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ntm_edu.tasks.base import Batch, Task, check_int_range, random_bits

__all__ = [
    "NGramsTask",
    "sample_beta_half",
    "context_indices",
    "optimal_probabilities",
    "ngram_cost_bits",
]

START_INPUT = 0.5  # the input at step 0, before any bit has been seen (see NGramsTask)
PRIOR = 0.5  # Beta(a, b) prior of every table entry, a = b = 1/2 (the paper's choice)


def sample_beta_half(shape: tuple[int, ...], generator: torch.Generator | None) -> torch.Tensor:
    """Samples of Beta(1/2, 1/2), the arcsine distribution, drawn from `generator`.

    torch's Beta and Gamma samplers take no generator, so we use an exact transform instead:
    if U ~ Uniform(0, 1) then X = sin^2(pi U / 2) has CDF P(X <= x) = (2 / pi) arcsin(sqrt(x)),
    which is the CDF of Beta(1/2, 1/2). Its U shape puts most entries near 0 or 1, so most
    contexts are quite predictable once seen a few times.

    Returns:
        float32 tensor of the given shape, values in [0, 1].
    """
    uniform = torch.rand(shape, generator=generator, dtype=torch.float64)
    return torch.sin(math.pi * uniform / 2).pow(2).to(torch.float32)


def context_indices(bits: torch.Tensor, context: int) -> torch.Tensor:
    """Table row of the `context` bits preceding each step, oldest bit most significant.

    Args:
        bits: [B, T] tensor of 0/1.
    Returns:
        [B, T - context] long tensor; column j is the context of step j + context.
    """
    windows = bits[:, :-1].unfold(1, context, 1).long()  # (B, T-c, c): bits t-c .. t-1
    weights = 2 ** torch.arange(context - 1, -1, -1, device=bits.device)  # (c,) 16 8 4 2 1
    return (windows * weights).sum(-1)  # (B, T-c)


class NGramsTask(Task):
    """Predict the next bit of a sequence drawn from a random, hidden N-gram table.

    Args:
        length: bits per sequence (200 in the paper); all of them are scored.
        context: bits of context, N - 1 (5 in the paper: a 6-gram, a 32-row table).

    Input channel ``bit``: at step t the bit seen at step t - 1; at step 0 the value 0.5,
    meaning "nothing seen yet". It must differ from both 0 and 1: a 0 there would claim a
    zero had been seen and the first context would look different from what it is.
    Output channel ``bit``: the bit at step t (the prediction target).
    Overrides for one draw: ``length``, and ``context`` (a shorter context makes an easier
    task: a curriculum can start at 1 bit and grow to 5, see `Curriculum`).
    `info` holds ``probabilities`` (B, T), the hidden P(bit_t = 1) each bit was drawn with
    (0.5 for the first `context` bits), and ``table`` (B, 2^context).

    Taught in `notebooks/01_sequence_tasks`.
    """

    name = "ngrams"
    override_names = ("length", "context")

    def __init__(self, length: int = 200, context: int = 5):
        length = check_int_range("length", length, 1)
        # 2^context table rows per episode; beyond 16 the table alone would be huge.
        context = check_int_range("context", context, 1, 16)
        self.config = {"length": length, "context": context}
        self.input_channels = ["bit"]
        self.output_channels = ["bit"]

    def _sample(
        self, batch_size: int, generator: torch.Generator | None, **overrides: Any
    ) -> Batch:
        context = overrides.get("context", self.config["context"])
        context = check_int_range("context", context, 1, 16)
        length = check_int_range("length", overrides.get("length", self.config["length"]), 1)
        table = sample_beta_half((batch_size, 2**context), generator)  # (B, 2^c)

        bits = torch.zeros(batch_size, length)  # (B, T)
        probabilities = torch.full((batch_size, length), 0.5)  # (B, T)
        first = min(context, length)
        bits[:, :first] = random_bits((batch_size, first), generator)
        rows = torch.arange(batch_size)
        weights = 2 ** torch.arange(context - 1, -1, -1)  # (c,)
        for t in range(context, length):  # each bit depends on the ones just drawn
            row = (bits[:, t - context : t].long() * weights).sum(-1)  # (B,)
            probabilities[:, t] = table[rows, row]
            bits[:, t] = (torch.rand(batch_size, generator=generator) < probabilities[:, t]).float()

        inputs = torch.full((batch_size, length, 1), START_INPUT)  # (B, T, 1)
        inputs[:, 1:, 0] = bits[:, :-1]  # the bit seen at t is the one drawn at t - 1
        targets = bits.unsqueeze(-1)  # (B, T, 1)
        mask = torch.ones(batch_size, length, dtype=torch.bool)  # every bit is scored
        return Batch(inputs, targets, mask, info={"probabilities": probabilities, "table": table})


def optimal_probabilities(bits: Any, context: int = 5) -> Any:
    """The Bayes-optimal prediction P(bit_t = 1 | bits before t) (eq. 10).

    With a Beta(1/2, 1/2) prior on every table entry, the posterior predictive after N1 ones
    and N0 zeros have followed the current context c in this sequence is
    (N1 + 1/2) / (N1 + N0 + 1). The first `context` steps have no full context: 0.5, the
    probability their fair coins were drawn with.

    Args:
        bits: [B, T] or [T] of 0/1, a torch tensor or anything numpy accepts.
        context: bits of context (5 for the paper's 6-grams).
    Returns:
        float predictions of the same shape, as a torch float32 tensor (same device) when
        given a tensor, else as a float64 numpy array.

    Taught in `notebooks/01_sequence_tasks`.
    """
    was_tensor = isinstance(bits, torch.Tensor)
    x = _as_bit_tensor(bits, "bits")
    squeeze = x.ndim == 1
    x = x.reshape(1, -1) if squeeze else x
    context = check_int_range("context", context, 1, 16)
    batch_size, length = x.shape

    predictions = torch.full((batch_size, length), 0.5, dtype=torch.float64)  # (B, T)
    counts = torch.zeros(batch_size, 2**context, 2, dtype=torch.float64)  # (B, 2^c, [N0, N1])
    rows = torch.arange(batch_size)
    if length > context:
        rows_of_table = context_indices(x, context)  # (B, T-c)
        for t in range(context, length):
            row = rows_of_table[:, t - context]  # (B,)
            seen = counts[rows, row]  # (B, 2)
            predictions[:, t] = (seen[:, 1] + PRIOR) / (seen.sum(-1) + 2 * PRIOR)
            counts[rows, row, x[:, t].long()] += 1  # only after predicting: no peeking

    predictions = predictions[0] if squeeze else predictions
    if was_tensor:
        return predictions.to(device=bits.device, dtype=torch.float32)
    return predictions.numpy()


def ngram_cost_bits(probabilities: Any, bits: Any) -> Any:
    """Log-loss in bits of predictions `probabilities` for `bits`, summed over time.

    Args:
        probabilities: [B, T] or [T], predicted P(bit = 1) (clipped to [1e-12, 1 - 1e-12]).
        bits: same shape, the bits that came.
    Returns:
        [B] (or a scalar for [T]) cost per sequence; a torch float32 tensor when
        `probabilities` is a tensor, else numpy. A constant 0.5 costs exactly T bits.
    """
    was_tensor = isinstance(probabilities, torch.Tensor)
    p = torch.as_tensor(np.asarray(probabilities.cpu() if was_tensor else probabilities))
    x = _as_bit_tensor(bits, "bits")
    if p.shape != x.shape:
        raise ValueError(f"probabilities {tuple(p.shape)} and bits {tuple(x.shape)} differ")
    p = p.to(torch.float64).clamp(1e-12, 1 - 1e-12)
    chosen = torch.where(x > 0.5, p, 1 - p)  # probability given to the bit that came
    cost = -torch.log2(chosen).sum(-1)
    if was_tensor:
        return cost.to(device=probabilities.device, dtype=torch.float32)
    return cost.numpy()


def _as_bit_tensor(bits: Any, name: str) -> torch.Tensor:
    x = bits.detach().cpu() if isinstance(bits, torch.Tensor) else torch.as_tensor(np.asarray(bits))
    if x.ndim not in (1, 2):
        raise ValueError(f"{name} must have shape [B, T] or [T], got {tuple(x.shape)}")
    x = x.to(torch.float64)
    if not torch.all((x == 0) | (x == 1)):
        raise ValueError(f"{name} must hold only 0s and 1s")
    return x
