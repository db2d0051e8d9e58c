"""The shipped dynamic N-grams checkpoints (`ngrams_ntm.pt`, `ngrams_lstm.pt`) against the
optimal estimator of eq. 10, on held-out sequences the models never saw.

Costs are compared **paired**, on the same sequences: per-sequence costs have a standard
deviation of about 36 bits, while the paired gap of a trained model to the optimum varies
far less, so 250 sequences pin the gap down to a bit or so. The bounds are the gaps measured
on 1000 held-out sequences (notebooks/09_dynamic_ngrams, ntm_edu/pretrained/README.md) plus
a margin of several standard errors of a 250-sequence mean, so they fail if a file is
replaced by a worse model (or an untrained one) but not by chance.
"""

from __future__ import annotations

import pytest
import torch

from ntm_edu.tasks.ngrams import ngram_cost_bits, optimal_probabilities
from ntm_edu.training.pretrained import PRETRAINED_DIR, load_pretrained

SEQUENCES = 250
SEED = 777  # neither the training stream (seed 0) nor the notebook's held-out set (2014)

# Upper bounds on the mean paired gap model - optimal, in bits per 200-bit sequence.
# Measured (20,000 steps of 16 sequences, the rate lowered in steps): on the notebook's 1000
# sequences NTM +1.82 +- 0.09, LSTM +8.70 +- 0.22; on these 250, NTM +2.00 +- 0.18, LSTM
# +8.57 +- 0.43 (the files of 3,400 steps: NTM +4.0, LSTM +22.2). Untrained models (seed 0)
# score +63.5, so the bounds (measurement + ~4 standard errors) catch a file replaced by a
# worse or untrained model. The target (NTM within 1 bit) is reached by the same
# network with a memory of 256 locations (the test below), not with its own 128.
MAX_GAP = {"ntm": 2.7, "lstm": 10.3}


def _require(name: str) -> None:
    if not (PRETRAINED_DIR / f"{name}.pt").is_file():
        pytest.skip(
            f"{name}.pt is not shipped in {PRETRAINED_DIR}; make it with "
            f"`python -m ntm_edu pretrained --into-package --only {name}`"
        )


@pytest.fixture(scope="module")
def held_out():
    from ntm_edu.tasks import make_task

    batch = make_task("ngrams").sample(SEQUENCES, torch.Generator().manual_seed(SEED))
    bits = batch.targets[..., 0]  # (S, T)
    return batch, bits, ngram_cost_bits(optimal_probabilities(bits), bits)  # (S,)


@torch.inference_mode()
def _gap(kind: str, held_out) -> tuple[torch.Tensor, torch.Tensor]:
    batch, bits, optimal = held_out
    run = load_pretrained("ngrams", kind)
    probabilities = torch.sigmoid(run.model(batch.inputs))[..., 0]  # (S, T)
    cost = ngram_cost_bits(probabilities, bits)  # (S,)
    return cost, cost - optimal


@pytest.mark.parametrize("kind", ["ntm", "lstm"])
def test_shipped_model_is_close_to_optimal(kind, held_out):
    _require(f"ngrams_{kind}")
    cost, gap = _gap(kind, held_out)
    _, _, optimal = held_out
    assert 120 < optimal.mean() < 146  # the optimum is ~133 bits; 250 sequences: +-2.3
    assert cost.mean() < 190, "no better than chance (200 bits per sequence)"
    assert gap.mean() > -1.0, "better than Bayes-optimal: the evaluation must be broken"
    assert gap.mean() < MAX_GAP[kind], (
        f"ngrams_{kind}: {gap.mean():.2f} bits/seq above the optimum, bound {MAX_GAP[kind]}"
    )


def test_shipped_files_carry_their_recipe_and_curve():
    for kind in ("ntm", "lstm"):
        _require(f"ngrams_{kind}")
    from ntm_edu.training.pretrained import PRETRAINED_RECIPES

    for kind in ("ntm", "lstm"):
        name = f"ngrams_{kind}"
        run = load_pretrained("ngrams", kind)
        assert (PRETRAINED_DIR / f"{name}.pt").stat().st_size < 2_000_000
        assert run.recipe == PRETRAINED_RECIPES[name]
        assert run.history.step == PRETRAINED_RECIPES[name]["steps"]
        curve = run.history.curve()
        assert curve.bits_per_sequence[-1] < curve.bits_per_sequence[0]  # it learned
        assert run.history.snapshots, "probe snapshots for the notebook's widgets"


def test_a_memory_as_long_as_the_sequence_brings_the_ntm_within_a_bit():
    """Notebook 09: the NTM, trained with 128 locations, writes one record a step; after step
    128 the log wraps and the oldest records are lost. Run with 256 locations (no weight
    changed) it is within 1 bit of the optimum on the notebook's 1000 held-out sequences,
    the issue's target; with 64 it is far worse. No sampling noise to allow for here: the
    sequences are fixed, so the bounds are the measurements plus float slack."""
    _require("ngrams_ntm")
    from ntm_edu.tasks import make_task

    batch = make_task("ngrams").sample(1000, torch.Generator().manual_seed(2014))
    bits = batch.targets[..., 0]  # (S, T)
    optimal = ngram_cost_bits(optimal_probabilities(bits), bits)  # (S,)
    model = load_pretrained("ngrams", "ntm").model

    def gap(locations: int) -> float:
        resized = model.with_memory_locations(locations).eval()
        with torch.inference_mode():
            p = torch.cat([torch.sigmoid(resized(x))[..., 0] for x in batch.inputs.split(250)])
        return float((ngram_cost_bits(p, bits) - optimal).mean())

    assert gap(256) < 1.0  # measured +0.963 (+- 0.055); with its own 128: +1.82
    assert gap(64) > 5.0  # measured +8.64: the log wraps three times


def test_ntm_beats_the_lstm_on_the_same_sequences(held_out):
    """Notebook 09: the NTM is ~7 bits per sequence cheaper than the LSTM (paired)."""
    for kind in ("ntm", "lstm"):
        _require(f"ngrams_{kind}")
    ntm_cost, _ = _gap("ntm", held_out)
    lstm_cost, _ = _gap("lstm", held_out)
    difference = ntm_cost - lstm_cost  # (S,)
    assert difference.mean() < -4.0  # measured -6.6 +- 0.4
    assert (difference < 0).float().mean() > 0.7  # cheaper on most sequences (83% of these)


def test_ntm_reads_the_records_of_earlier_occurrences(held_out):
    """Notebook 09: the write head keeps a log (one location a step) and the read head finds,
    by content, where the earlier occurrences of the current context were recorded."""
    _require("ngrams_ntm")
    import numpy as np

    from ntm_edu.tasks.ngrams import context_indices
    from ntm_edu.viz import past_occurrence_read_share

    batch, bits, _ = held_out
    with torch.inference_mode():
        _, trace = load_pretrained("ngrams", "ntm").model.forward_with_trace(batch.inputs[:10])
    read, write = trace.read_weights[:, :, 0].numpy(), trace.write_weights[:, :, 0].numpy()
    contexts = np.full(tuple(bits[:10].shape), -1)
    contexts[:, 5:] = context_indices(bits[:10], 5).numpy()
    shares = [past_occurrence_read_share(read[s], write[s], contexts[s]) for s in range(10)]
    assert np.mean(shares) > 0.7  # measured 0.92 on the notebook's 50 (shuffled: 0.12)
    steps = np.diff(write.argmax(-1), axis=1) % write.shape[-1]  # (10, T-1) location moves
    assert np.mean((steps == 1) | (steps == write.shape[-1] - 1)) > 0.9  # one a step
