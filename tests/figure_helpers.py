"""Helpers shared by the figure and widget tests: pixels of a PNG, and N-gram figure data."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image

from ntm_edu.tasks import make_task
from ntm_edu.tasks.ngrams import context_indices, optimal_probabilities


def pixels(png: bytes) -> np.ndarray:
    """A PNG's RGB pixels, [H, W, 3] integers."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def differing(a: bytes, b: bytes) -> int:
    """How many pixels of two PNGs of one size differ visibly (by more than 60 of 255)."""
    return int((np.abs(pixels(a) - pixels(b)).max(axis=2) > 60).sum())


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# The stages of the addressing pipeline that its figures draw (eqs. 5-9).
ADDRESSING_STAGES = ("content", "gated", "shifted", "sharpened")


def pipeline_inputs(N: int = 9, M: int = 4, S: int = 3, seed: int = 0) -> dict:
    """Random but valid inputs of the addressing figures: memory, key, weightings, stages."""
    rng = np.random.default_rng(seed)
    stages = {name: softmax(rng.normal(size=N) * 2) for name in ADDRESSING_STAGES}
    return dict(
        memory=rng.normal(size=(N, M)),
        key=rng.normal(size=M),
        similarity=rng.uniform(-1, 1, N),
        w_prev=softmax(rng.normal(size=N)),
        shift=softmax(rng.normal(size=S)),
        stages=stages,
        beta=3.0,
        gate=0.4,
        gamma=2.5,
    )


def ngram_figure_data(sequences: int):
    """Held-out-like bits, eq. 10 predictions and two noisy 'models' around them.

    Returns:
        bits, optimal, ntm, lstm [S, T] and the 5-bit contexts [S, T] (-1 before step 5).
    """
    batch = make_task("ngrams").sample(sequences, torch.Generator().manual_seed(7))
    bits = batch.targets[..., 0].numpy()  # (S, T)
    optimal = optimal_probabilities(bits.astype(float))  # (S, T)
    rng = np.random.default_rng(0)
    ntm = np.clip(optimal + rng.normal(0, 0.05, optimal.shape), 0, 1)
    lstm = np.clip(optimal + rng.normal(0, 0.15, optimal.shape), 0, 1)
    contexts = np.full(bits.shape, -1)
    contexts[:, 5:] = context_indices(torch.as_tensor(bits), 5).numpy()
    return bits, optimal, ntm, lstm, contexts
