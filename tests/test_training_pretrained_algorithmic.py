"""The shipped repeat-copy, associative-recall and priority-sort checkpoints do what the
notebooks (07, 08, 10) and `ntm_edu/pretrained/README.md` say they do.

Each bound is the number measured when the file was made plus a margin for sampling noise
(a few hundred seeded sequences). A missing file is skipped with the command that makes it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.training import PRETRAINED_DIR, evaluate, evaluate_settings, load_pretrained


def _load(task: str, model: str):
    path = PRETRAINED_DIR / f"{task}_{model}.pt"
    if not path.is_file():
        pytest.skip(
            f"{path.name} is not shipped; make it with "
            f"`python -m ntm_edu pretrained --into-package --only {task}_{model}`"
        )
    torch.set_num_threads(1)
    return load_pretrained(task, model)


def _evaluate(run, sequences: int = 200, seed: int = 99, **overrides) -> dict[str, float]:
    if run.task.name == "repeat_copy" and not overrides:
        # A batch shares one (length, repeats) draw, so a few big batches would sample only a
        # few of the 100 combinations: average over all of them instead (4 sequences each).
        pairs = run.task.training_settings()  # all 100 (length, repeats) pairs of 1..10
        return evaluate_settings(run.model, run.task, pairs, sequences=4, seed=seed)
    # Batches of 10: a batch shares one list length, so many small batches cover 2-6 items.
    return evaluate(run.model, run.task, sequences=sequences, batch_size=10, seed=seed,
                    **overrides)  # fmt: skip


def _errors(run, sequences: int = 200, seed: int = 99, **overrides) -> float:
    return _evaluate(run, sequences, seed, **overrides)["bit_errors_per_sequence"]


def _bits(run, sequences: int = 200, seed: int = 99, **overrides) -> float:
    return _evaluate(run, sequences, seed, **overrides)["bits_per_sequence"]


# (task, model) -> upper bound on bit errors per sequence on the training distribution.
# Measured when the files were made (notebooks 07, 08, 10; ntm_edu/pretrained/README.md).
# Repeat copy and associative recall: the targets. Priority sort: the paper's 1M
# sequences; the NTM is clearly below the LSTM (see the tests below), at 22 bits per sequence
# near the paper's ~18-20.
TRAINING_BOUNDS = {
    ("associative_recall", "ntm"): 0.1,  # measured 0.000; the target is < 0.1
    ("associative_recall", "ntm_ff"): 0.1,  # measured 0.000
    ("associative_recall", "lstm"): 7.0,  # measured 4.74 (of 18 bits)
    ("repeat_copy", "ntm"): 0.5,  # measured 0.003 over the 100 (length, repeats) pairs
    ("repeat_copy", "ntm_ff"): 0.5,  # measured 0.003 (seed 2; seeds 0 and 1: 19.6 and 14.6)
    ("repeat_copy", "lstm"): 32.0,  # measured 26.0
    ("priority_sort", "ntm"): 7.5,  # measured 5.66 (of 128 bits; shifts of +-1: 16.2)
    ("priority_sort", "ntm_ff"): 21.5,  # measured 15.0 (seed 3; seed 0 18.8, shifts of +-1 23.7)
    ("priority_sort", "lstm"): 38.5,  # measured 34.5 (39.7 at 320,000 sequences)
}


@pytest.mark.parametrize("task,model", list(TRAINING_BOUNDS))
def test_training_distribution_bound(task, model):
    run = _load(task, model)
    assert _errors(run) < TRAINING_BOUNDS[(task, model)]


def test_repeat_copy_ntm_loops_with_a_content_jump():
    """Notebook 07 (the paper's Fig. 9): consecutive writes, a read head that walks them, and
    at the end of every pass a content lookup (gate near 1) that sends it back."""
    run = _load("repeat_copy", "ntm")
    for length, repeats in ((5, 4), (8, 3)):
        batch = run.task.sample(1, torch.Generator().manual_seed(5), length=length,
                                repeats=repeats)  # fmt: skip
        with torch.no_grad():
            outputs, trace = run.model.forward_with_trace(batch.inputs)
        writes = trace.write_weights[0, :length, 0].argmax(-1).tolist()  # (L,)
        answer = batch.mask[0].nonzero().flatten()
        reads = trace.read_weights[0, answer, 0].argmax(-1).tolist()  # (nL + 1,)
        gates = trace.read_params.gate[0, answer, 0]
        assert len(set(writes)) == length  # one location per vector
        for p in range(repeats):  # every pass reads the written locations in order ...
            assert reads[p * length + 1 : (p + 1) * length] == writes[1:]
            if p > 0:  # ... after a content jump back at its second step
                assert gates[p * length + 1] > 0.8
        wrong = (outputs[0, answer] > 0) != (batch.targets[0, answer] > 0.5)
        assert not wrong.any()


def test_repeat_copy_ntm_ff_solves_it_with_a_delay_line_not_a_jump():
    """Notebook 07: the feed-forward NTM has no state of its own, and it found a loop that
    needs none. Its read head never jumps back: through the whole answer it moves on by one
    location a step, while the write head, one sequence length ahead of it, writes every
    vector it outputs again. So the memory holds the next pass before it is read."""
    from ntm_edu import inspection

    run = _load("repeat_copy", "ntm_ff")
    size = run.model.config["memory_locations"]
    for length, repeats in ((5, 4), (8, 3), (3, 6)):
        ep = inspection.episode_arrays(run.model, run.task, seed=5, length=length,
                                       repeats=repeats)  # fmt: skip
        answer = np.flatnonzero(ep["mask"])  # (nL + 1,) steps
        reads = ep["read_weights"][answer].argmax(-1)  # (nL + 1,) peak location per step
        writes = ep["write_weights"][answer].argmax(-1)
        assert len(set(reads.tolist())) == len(answer)  # a new location every step: no jump
        assert set(((reads[1:] - reads[:-1]) % size).tolist()) == {size - 1}  # one step down
        # What it reads at answer step j it wrote at step j - L + 1: the read feeds the next
        # step's output (the controller's input), so that is one sequence length of outputs.
        assert np.array_equal(reads[length - 1 :], writes[: len(answer) - length + 1])
        wrong = (ep["outputs"][answer] > 0.5) != (ep["targets"][answer] > 0.5)
        assert not wrong.any()


def test_repeat_copy_ntm_generalises_to_longer_sequences_and_marks_late_passes():
    """Notebook 07 (Fig. 8): length 20 is mostly right; with 20 repeats the end marker fires
    after passes beyond the trained counts (the paper: after every pass beyond the 11th)."""
    ntm, lstm = _load("repeat_copy", "ntm"), _load("repeat_copy", "lstm")
    ntm_long = _errors(ntm, sequences=100, seed=3, length=20, repeats=10)
    assert ntm_long < 60.0  # measured 32.9 of 1601 bits
    assert _errors(lstm, sequences=100, seed=3, length=20, repeats=10) > 5 * ntm_long  # 707.7
    batch = ntm.task.sample(3, torch.Generator().manual_seed(7), length=5, repeats=20)
    with torch.no_grad():
        end = torch.sigmoid(ntm.model(batch.inputs))[..., -1]  # (3, T)
    answer = batch.mask[0].nonzero().flatten()
    fired = answer[end[1, answer] > 0.5] - answer[0]
    assert len(fired) >= 3 and all(step % 5 == 0 for step in fired.tolist())  # pass ends
    assert fired.min() > 50  # not within the trained counts (measured: after passes 15-20)


def test_files_are_small_and_carry_their_history():
    for path in sorted(PRETRAINED_DIR.glob("*.pt")):
        if path.stem.split("_")[0] in ("repeat", "associative", "priority"):
            assert path.stat().st_size < 2_000_000, path.name
    run = _load("associative_recall", "ntm")
    assert run.history.step == run.recipe["steps"]
    assert len(run.history.snapshots) > 0


def test_every_shipped_file_was_made_by_its_recipe_row():
    """A recipe edited without retraining (or a file copied in from an older recipe) would
    make `pretrained` promise a file it does not make."""
    from ntm_edu.training import PRETRAINED_RECIPES

    for path in sorted(PRETRAINED_DIR.glob("*.pt")):
        row = PRETRAINED_RECIPES[path.stem]
        run = _load(row["task"], row["model"])
        assert run.recipe == row, path.name
        assert run.history.step == row["steps"], path.name


def test_every_recipe_row_still_resolves_to_the_settings_its_file_was_trained_with():
    """A row leaves out what `default_config` supplies, so changing a default changes what
    the row makes: the row must then pin the old value (as repeat_copy_ntm pins Adam)."""
    from ntm_edu.training import PRETRAINED_RECIPES
    from ntm_edu.training.pretrained import _recipe_settings

    for path in sorted(PRETRAINED_DIR.glob("*.pt")):
        row = PRETRAINED_RECIPES[path.stem]
        trained = _load(row["task"], row["model"]).history.train_config
        settings = _recipe_settings(path.stem)[2]
        for key in ("batch_size", "optimizer", "lr", "clip", "clip_norm", "seed", "curriculum"):
            if key in trained:
                assert settings.get(key) == trained[key], (path.name, key)


def test_every_recipe_row_still_builds_the_model_and_task_its_file_holds():
    """The same for the model and the task: a row that leaves a size to `default_config`
    must pin it once the default changes, or a retrain makes another network than the file
    (priority sort's default NTM became 2 x 100 with 5 + 5 heads after a file was made)."""
    from ntm_edu.training import PRETRAINED_RECIPES
    from ntm_edu.training.pretrained import _recipe_settings

    for path in sorted(PRETRAINED_DIR.glob("*.pt")):
        row = PRETRAINED_RECIPES[path.stem]
        run = _load(row["task"], row["model"])
        task_kwargs, model_kwargs = _recipe_settings(path.stem)[:2]
        held = run.model.config
        for key, value in model_kwargs.items():
            assert held.get(key, value) == value, (path.name, key, held.get(key), value)
        for key, value in task_kwargs.items():
            assert run.task.config.get(key, value) == value, (path.name, key)


def test_associative_recall_ntm_generalises_to_longer_lists():
    """Notebook 08: near-perfect up to 20 items (trained on 2-6)."""
    run = _load("associative_recall", "ntm")
    assert _errors(run, sequences=100, items=10) < 0.2  # measured 0.00 (200 sequences)
    assert _errors(run, sequences=100, items=15) < 0.2  # measured 0.00
    assert _errors(run, sequences=100, items=20) < 0.3  # measured 0.00 (0.26 before issue 11)


def test_feed_forward_ntm_recalls_lists_twice_as_long_as_trained():
    """Notebook 08 (the paper: the FF NTM is nearly perfect up to 12 items, twice the
    training maximum): 4 read and 4 write heads on a 256-unit feed-forward controller."""
    run = _load("associative_recall", "ntm_ff")
    assert _errors(run, sequences=100, items=12) < 0.2  # measured 0.00
    assert _errors(run, sequences=100, items=20) < 0.5  # measured 0.04 (of 18 bits)


def test_associative_recall_ntm_beats_the_lstm_everywhere():
    """Notebook 08's table: the LSTM (same sequences) errs on every list length, the NTMs not."""
    lstm = _load("associative_recall", "lstm")
    for kind in ("ntm", "ntm_ff"):
        ntm = _load("associative_recall", kind)
        for items in (6, 12):
            assert _errors(lstm, sequences=100, items=items) > 2.0 + _errors(
                ntm, sequences=100, items=items
            )


def test_priority_sort_ntm_is_clearly_below_the_lstm():
    """Notebook 10: after the paper's 1M sequences each, the NTM costs ~22 bits, the LSTM ~92
    (the NTM with shifts of +-1 instead of +-5: 65-76). The paper: ~18-20 and ~58; issue 14's
    target: at or below 25."""
    ntm, lstm = _load("priority_sort", "ntm"), _load("priority_sort", "lstm")
    ntm_bits, lstm_bits = _bits(ntm), _bits(lstm)
    assert ntm_bits < 25.0  # measured 22.1 (chance 128)
    assert ntm_bits < lstm_bits - 60.0  # measured 22.1 against 92.1


def _write_lines(run, episodes: int = 10) -> tuple[list[float], list[float], list[int]]:
    """Per episode (seeds 0..episodes-1), as notebook 10 measures Fig. 17: the best write
    head's R^2 and |slope| (locations per unit of priority) of its peak location against the
    priority, leaving out the two writes farthest from the line, and the most distinct
    locations one read head visits in order: at output step j, where the j-th highest
    priority was written. Distinct, since an untrained model that writes and reads one
    location all the time would "hit" at every step."""
    from ntm_edu import inspection, viz

    size = run.model.config["memory_locations"]
    r2s, slopes, hits = [], [], []
    for seed in range(episodes):
        episode = inspection.episode_arrays(run.model, run.task, seed=seed, head=None)
        priorities = np.asarray(episode["info"]["priorities"])
        reads = episode["read_heads"][np.flatnonzero(episode["mask"])].argmax(-1)  # (16, R)
        fits, visits = [], []
        for head in range(episode["write_heads"].shape[1]):
            where = episode["write_heads"][:20, head].argmax(-1)  # (20,) peak location per input
            unwrapped = (where - np.median(where) + size / 2) % size - size / 2  # no wrap
            slope, _, r2 = viz.fit_line(priorities, unwrapped, drop_worst=2)
            fits.append((r2, abs(slope)))
            expected = where[np.argsort(-priorities)[:16]]  # (16,) where the j-th highest went
            visits += [
                len({int(e) for e, r in zip(expected, reads[:, read], strict=True) if e == r})
                for read in range(reads.shape[1])
            ]
        r2, slope = max(fits)
        r2s.append(r2)
        slopes.append(slope)
        hits.append(max(visits))
    return r2s, slopes, hits


def test_priority_sort_ntm_writes_at_a_location_linear_in_the_priority():
    """Notebook 10 (the paper's Fig. 17): one write head's location is a line in the priority,
    and a read head visits those locations in order of decreasing priority."""
    r2s, _, hits = _write_lines(_load("priority_sort", "ntm"))
    assert sum(r2 > 0.9 for r2 in r2s) >= 8  # measured 10 of 10
    assert min(hits) >= 6, hits  # distinct, of 16 output steps; measured 10-15 (untrained: 1)


def test_priority_sort_ntm_ff_writes_a_flatter_line_than_the_ntm():
    """Notebook 10: the feed-forward NTM (~44 bits) lies between the NTM (~22) and the LSTM
    (~92). It sorts the same way, a write line in the priority, but with less than half the
    slope (the same shifts of up to 5), so fewer locations per unit of priority and more
    collisions."""
    ff, ntm, lstm = (_load("priority_sort", m) for m in ("ntm_ff", "ntm", "lstm"))
    ff_bits = _bits(ff)
    assert _bits(ntm) < ff_bits < _bits(lstm) - 30.0  # measured 22.1 < 44.3 < 92.1 - 30
    ff_r2, ff_slopes, _ = _write_lines(ff)
    _, ntm_slopes, _ = _write_lines(ntm)
    assert sum(r2 > 0.9 for r2 in ff_r2) >= 8, ff_r2  # measured 10 of 10
    assert np.median(ff_slopes) < 0.6 * np.median(ntm_slopes)  # measured 10.7 against 24.0


def test_priority_sort_ntm_errs_where_two_priorities_are_close():
    """Notebook 10: the NTM's wrong bits are collisions. Its line puts ~24 locations per unit
    of priority, so a vector whose priority lies within ~0.02-0.04 of another's shares its
    location; one farther from every other comes out (almost) right. The LSTM errs at every
    gap. The NTM-FF's flatter line gives it collisions at larger gaps."""
    from ntm_edu import inspection, viz

    edges = [0, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32]
    means = {}
    for model in ("ntm", "ntm_ff", "lstm"):
        run = _load("priority_sort", model)
        batch = run.task.sample(200, generator=torch.Generator().manual_seed(99))
        wrong = (inspection.run(run.model, batch.inputs) > 0).float() != batch.targets
        per_vector = wrong[batch.mask].reshape(200, 16, -1).sum(-1)  # (200, 16) wrong bits
        means[model] = viz.errors_by_priority_gap(batch.info["priorities"], per_vector, edges)[0]
    ntm, lstm = means["ntm"], means["lstm"]
    assert ntm[0] > 1.0 and ntm[-1] < 0.3, ntm  # measured 1.48 and 0.02 (gap 0.16-0.32)
    assert np.all(np.diff(ntm) < 0.05), ntm  # falls with the gap: 1.48 0.49 0.11 0.02 0.01 0.02
    assert lstm[-1] > 1.0, lstm  # measured 1.40 at gaps 0.16-0.32 (2.74 below 0.01)
    ff = means["ntm_ff"]  # measured 2.08 1.56 1.04 0.45 0.10 0.11
    assert ff[2] > ntm[2] + 0.5 and ff[3] > ntm[3] + 0.3, (ff, ntm)  # gaps 0.02-0.08
