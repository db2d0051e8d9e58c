"""The shipped dynamic N-grams checkpoints (`ngrams_ntm.pt`, `ngrams_ntm_ff.pt`,
`ngrams_lstm.pt`) against the optimal estimator of eq. 10, on held-out sequences the models
never saw.

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
# Measured (20,000 steps of 16 sequences, the rate lowered in steps; the NTM with 256
# locations): on the notebook's 1000 sequences NTM +0.49 +- 0.04, LSTM +8.70 +- 0.22; on these
# 250, NTM +0.59 +- 0.08, LSTM +8.57 +- 0.43 (the NTM trained with 128 locations: +1.82 and
# +2.00). The feed-forward NTM (12,800 steps of 16, Adam 5e-4 with a collapse guard) did not
# learn the task: +42.97 +- 0.69 on the 1000, +43.18 +- 1.37 on these 250, about what counting
# with a 2-bit context gives. Untrained models (seed 0) score +63.5, so the bounds
# (measurement + a few standard errors) catch a file replaced by a worse or untrained model.
MAX_GAP = {"ntm": 1.0, "ntm_ff": 47.0, "lstm": 10.3}
KINDS = tuple(MAX_GAP)


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


@pytest.mark.parametrize("kind", KINDS)
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
    for kind in KINDS:
        _require(f"ngrams_{kind}")
    from ntm_edu.training.pretrained import PRETRAINED_RECIPES

    for kind in KINDS:
        name = f"ngrams_{kind}"
        run = load_pretrained("ngrams", kind)
        assert (PRETRAINED_DIR / f"{name}.pt").stat().st_size < 2_000_000
        assert run.recipe == PRETRAINED_RECIPES[name]
        assert run.history.step == PRETRAINED_RECIPES[name]["steps"]
        curve = run.history.curve()
        assert curve.bits_per_sequence[-1] < curve.bits_per_sequence[0]  # it learned
        assert run.history.snapshots, "probe snapshots for the notebook's widgets"


def test_the_ntm_is_within_a_bit_and_a_memory_shorter_than_the_sequence_costs_it():
    """Notebook 09: the NTM writes one record a step, so it was trained with 256 locations (a
    sequence has 200 steps). On the notebook's 1000 held-out sequences it is within 1 bit of
    the optimum, the issue's target; the same network run with the paper's 128 locations
    (no weight changed) loses its oldest records after step 128, and with 64 far more. No
    sampling noise to allow for: the sequences are fixed, so the bounds are the
    measurements plus float slack."""
    _require("ngrams_ntm")
    from ntm_edu.tasks import make_task

    batch = make_task("ngrams").sample(1000, torch.Generator().manual_seed(2014))
    bits = batch.targets[..., 0]  # (S, T)
    optimal = ngram_cost_bits(optimal_probabilities(bits), bits)  # (S,)
    model = load_pretrained("ngrams", "ntm").model
    assert model.config["memory_locations"] == 256

    def gap(locations: int) -> float:
        resized = model.with_memory_locations(locations).eval()
        with torch.inference_mode():
            p = torch.cat([torch.sigmoid(resized(x))[..., 0] for x in batch.inputs.split(250)])
        return float((ngram_cost_bits(p, bits) - optimal).mean())

    own = gap(256)
    assert own < 1.0  # measured +0.485 (+- 0.037); the file trained with 128: +1.82
    assert gap(128) > own + 0.3  # measured +41.6: it reads rows beyond 200 (test below)
    assert gap(64) > 5.0  # measured +70.9


def test_ntm_beats_the_lstm_on_the_same_sequences(held_out):
    """Notebook 09: the NTM is ~8 bits per sequence cheaper than the LSTM (paired)."""
    for kind in ("ntm", "lstm"):
        _require(f"ngrams_{kind}")
    ntm_cost, _ = _gap("ntm", held_out)
    lstm_cost, _ = _gap("lstm", held_out)
    difference = ntm_cost - lstm_cost  # (S,)
    assert difference.mean() < -6.0  # measured -8.2 +- 0.2 on the notebook's 1000
    assert (difference < 0).float().mean() > 0.8  # cheaper on most sequences (91% of those)


def test_ntm_writes_a_log_and_reads_a_location_of_its_own_per_context(held_out):
    """Notebook 09: the write head keeps a log (one location a step, 200 for a sequence), while
    the read head's peak depends on the context (the same context, the same location far more
    often than with shuffled contexts), mostly at locations beyond 200 that no write reaches:
    rows of the learned initial memory. That is why a memory of 200 or fewer rows breaks it."""
    _require("ngrams_ntm")
    import numpy as np

    from ntm_edu.tasks.ngrams import context_indices
    from ntm_edu.viz import location_reuse

    batch, bits, _ = held_out
    with torch.inference_mode():
        _, trace = load_pretrained("ngrams", "ntm").model.forward_with_trace(batch.inputs[:20])
    read, write = trace.read_weights[:, :, 0].numpy(), trace.write_weights[:, :, 0].numpy()
    contexts = np.full(tuple(bits[:20].shape), -1)
    contexts[:, 5:] = context_indices(bits[:20], 5).numpy()
    steps = np.diff(write.argmax(-1), axis=1) % write.shape[-1]  # (20, T-1) location moves
    assert np.mean((steps == 1) | (steps == write.shape[-1] - 1)) > 0.9  # measured 0.99
    rng = np.random.default_rng(0)
    reuse = np.mean([location_reuse(read[s], contexts[s]) for s in range(20)])
    shuffled = np.mean([location_reuse(read[s], rng.permutation(contexts[s])) for s in range(20)])
    assert reuse > shuffled + 0.3, (reuse, shuffled)  # measured 0.79 against 0.28 (50 seqs)
    unwritten = np.mean(read.argmax(-1)[contexts >= 0] >= 200)
    assert unwritten > 0.5, unwritten  # measured 0.62 of the reads with a context


def test_the_feed_forward_ntm_counts_with_a_short_context_only(held_out):
    """Notebook 09: the NTM-FF learned something (it beats counting with a 1-bit context and
    chance) but not the task: it is about where counting with a 2-bit context is, far behind
    the LSTM-controller NTM."""
    for kind in ("ntm", "ntm_ff"):
        _require(f"ngrams_{kind}")
    _, bits, _ = held_out
    ff_cost, _ = _gap("ntm_ff", held_out)
    ntm_cost, _ = _gap("ntm", held_out)
    one_bit = ngram_cost_bits(optimal_probabilities(bits, context=1), bits)  # (S,)
    assert ff_cost.mean() < one_bit.mean() - 3.0  # measured 179.9 against 186.7
    assert ff_cost.mean() > ntm_cost.mean() + 20.0  # measured +42.6
