"""The shipped copy checkpoints do what notebooks 05-06 and `ntm_edu/pretrained/README.md` say.

Issue targets: both NTMs (LSTM and feed-forward controller) copy lengths 1-20 with under 0.1
wrong bits per sequence (Collier & Beel's convergence criterion) and still copy length 50
with few mistakes (paper Fig. 4); the LSTM baseline is recorded and fails beyond the training
lengths (Fig. 5). Bounds are the numbers measured when the files were made plus a margin for
sampling noise.
"""

from __future__ import annotations

import pytest
import torch

from ntm_edu.training import PRETRAINED_DIR, evaluate, load_pretrained

MODELS = ("ntm", "ntm_ff", "lstm")


@pytest.fixture(scope="module")
def copy_runs():
    missing = [m for m in MODELS if not (PRETRAINED_DIR / f"copy_{m}.pt").is_file()]
    if missing:
        command = "python -m ntm_edu pretrained --into-package"
        pytest.skip(f"copy_{missing[0]}.pt is not shipped: `{command}`")
    torch.set_num_threads(1)
    return {m: load_pretrained("copy", m) for m in MODELS}


def errors(run, sequences, **overrides):
    # Batches of 10 share one length each, so 300 sequences cover 30 draws of 1..20.
    result = evaluate(run.model, run.task, sequences=sequences, batch_size=10, seed=2024,
                      **overrides)  # fmt: skip
    return result["bit_errors_per_sequence"]


@pytest.mark.parametrize("kind", ["ntm", "ntm_ff"])
def test_ntm_copies_the_training_lengths(copy_runs, kind):
    assert errors(copy_runs[kind], 300) < COPY_NTM_TRAINING_BOUND


@pytest.mark.parametrize("kind", ["ntm", "ntm_ff"])
def test_ntm_generalises_to_length_50(copy_runs, kind):
    # 400 bits per sequence; chance is ~200 wrong bits.
    assert errors(copy_runs[kind], 40, length=50) < COPY_NTM_LENGTH_50_BOUND


def test_ntm_copies_length_120_nearly_filling_its_memory(copy_runs):
    # 120 of the 128 locations (paper footnote 2); measured 0.0 wrong bits on 50 sequences
    # for the file made by the guarded RMSProp recipe (the Adam-trained one before it: 17.9).
    assert errors(copy_runs["ntm"], 20, length=120) < 2.0


def test_feed_forward_ntm_copies_length_120_with_few_mistakes(copy_runs):
    # Measured 11.5 wrong bits of 960 (20 sequences): it writes one location a step like the
    # LSTM-controller NTM but loses its place now and then on the longest sequences.
    assert errors(copy_runs["ntm_ff"], 20, length=120) < 25.0


def test_lstm_baseline_is_recorded_and_fails_beyond_20(copy_runs):
    assert errors(copy_runs["lstm"], 300) < COPY_LSTM_TRAINING_BOUND
    lstm_20 = errors(copy_runs["lstm"], 40, length=20)  # of 160 bits
    lstm_50 = errors(copy_runs["lstm"], 40, length=50)  # of 400 bits; chance is ~200
    ntm_50 = errors(copy_runs["ntm"], 40, length=50)
    assert lstm_50 > 100, "the LSTM should be far from copying length 50"
    assert lstm_50 / 400 > 2 * lstm_20 / 160, "its error rate should jump beyond length 20"
    assert lstm_50 > 10 * max(ntm_50, 1.0), "the NTM should generalise much better"


def test_shipped_copy_files_are_small():
    for name in (f"copy_{m}.pt" for m in MODELS):
        path = PRETRAINED_DIR / name
        if path.is_file():
            assert path.stat().st_size < 2_000_000, f"{name} is over the 2 MB budget"


# Measured when the files were made (see ntm_edu/pretrained/README.md).
COPY_NTM_TRAINING_BOUND = 0.1  # measured 0.003, FF 0.000 (issue target: < 0.1)
COPY_NTM_LENGTH_50_BOUND = 1.0  # measured 0.0 wrong bits of 400, FF 0.0
COPY_LSTM_TRAINING_BOUND = 5.0  # measured 1.3-3.2 depending on the sample
