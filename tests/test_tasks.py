"""Tests of the five paper tasks: shapes, targets re-derived from the inputs, costs, seeds,
validation, and the N-gram prior and Bayes-optimal estimator (eq. 10)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ntm_edu
from ntm_edu.tasks import (
    TASKS,
    AssociativeRecallTask,
    Batch,
    CopyTask,
    NGramsTask,
    PrioritySortTask,
    RepeatCopyTask,
    bit_errors_per_sequence,
    bits_per_sequence,
    context_indices,
    make_task,
    ngram_cost_bits,
    optimal_probabilities,
    sample_beta_half,
)


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def bits_names(width: int) -> list[str]:
    return [f"bit{i}" for i in range(width)]


# --- registry and channels ----------------------------------------------------------------


def test_registry_names_and_classes():
    assert list(TASKS) == ["copy", "repeat_copy", "associative_recall", "ngrams", "priority_sort"]
    for name, cls in TASKS.items():
        task = make_task(name)
        assert isinstance(task, cls) and task.name == name
        assert all(isinstance(v, int | float | str | bool) for v in task.config.values())


def test_unknown_task_name_lists_the_names():
    with pytest.raises(ValueError, match="copy.*repeat_copy.*associative_recall.*ngrams"):
        make_task("kopy")


def test_unknown_config_field_is_a_value_error():
    with pytest.raises(ValueError, match="max_lenght"):
        make_task("copy", max_lenght=5)


def test_public_api_exports():
    for name in [
        "make_task",
        "TASKS",
        "Batch",
        "Task",
        "CopyTask",
        "bits_per_sequence",
        "bit_errors_per_sequence",
        "optimal_probabilities",
        "PrioritySortTask",
    ]:
        assert hasattr(ntm_edu, name), name


EXPECTED_CHANNELS = {
    "copy": (bits_names(8) + ["delimiter"], bits_names(8)),
    "repeat_copy": (bits_names(8) + ["delimiter", "repeats"], bits_names(8) + ["end"]),
    "associative_recall": (bits_names(6) + ["item", "query"], bits_names(6)),
    "ngrams": (["bit"], ["bit"]),
    "priority_sort": (bits_names(8) + ["priority", "delimiter"], bits_names(8)),
}


@pytest.mark.parametrize("name", list(TASKS))
def test_shapes_and_channels(name):
    task = make_task(name)
    inputs, outputs = EXPECTED_CHANNELS[name]
    assert task.input_channels == inputs and task.output_channels == outputs
    assert (task.input_size, task.output_size) == (len(inputs), len(outputs))
    batch = task.sample(5, seeded(0))
    B, T, _ = batch.inputs.shape
    assert batch.inputs.shape == (5, T, len(inputs))
    assert batch.targets.shape == (5, T, len(outputs))
    assert batch.mask.shape == (5, T) and batch.mask.dtype == torch.bool
    assert batch.inputs.dtype == batch.targets.dtype == torch.float32
    # Targets are binary, and zero wherever they are not scored.
    assert torch.all((batch.targets == 0) | (batch.targets == 1))
    assert torch.all(batch.targets[~batch.mask] == 0)
    # Every episode of a batch is scored on the same steps (one common length).
    assert torch.all(batch.mask == batch.mask[:1])


# --- targets re-derived independently from the inputs -------------------------------------


def test_copy_targets_equal_the_input_sequence():
    task = CopyTask()
    for seed in range(5):
        batch = task.sample(4, seeded(seed))
        delimiter = batch.inputs[0, :, 8].nonzero().flatten()
        assert len(delimiter) == 1
        L = int(delimiter[0])
        assert batch.length == 2 * L + 1 and 1 <= L <= 20
        assert torch.all(batch.inputs[:, :, 8].sum(1) == 1)  # one delimiter per episode
        assert torch.all(batch.inputs[:, L, :8] == 0)  # the delimiter step has no data
        assert torch.all(batch.inputs[:, L + 1 :] == 0)  # no help while answering
        assert torch.equal(batch.targets[:, L + 1 :], batch.inputs[:, :L, :8])
        assert batch.mask[0].tolist() == [False] * (L + 1) + [True] * L


def test_copy_length_override_beyond_training_range():
    batch = CopyTask().sample(2, seeded(0), length=120)
    assert batch.length == 241 and int(batch.mask[0].sum()) == 120


def test_repeat_copy_targets_are_n_repetitions_and_an_end_marker():
    task = RepeatCopyTask()
    a, b = 1, 10  # training repeats U{1..10}: mean 5.5, variance ((b-a+1)^2-1)/12 = 8.25
    mean, std = (a + b) / 2, math.sqrt(((b - a + 1) ** 2 - 1) / 12)
    for seed, overrides in [(0, {}), (1, {}), (2, {}), (3, {"repeats": 20, "length": 3})]:
        batch = task.sample(3, seeded(seed), **overrides)
        L = int(batch.inputs[0, :, 8].nonzero()[0])
        n = batch.inputs[0, L, 9].item() * std + mean  # invert the normalisation
        assert abs(n - round(n)) < 1e-4
        n = round(n)
        if overrides:
            assert (n, L) == (20, 3)
        assert batch.length == L + 1 + n * L + 1
        expected = torch.cat([batch.inputs[:, :L, :8]] * n, dim=1)  # (B, nL, 8)
        assert torch.equal(batch.targets[:, L + 1 : -1, :8], expected)
        assert torch.all(batch.targets[:, L + 1 : -1, 8] == 0)
        assert torch.all(batch.targets[:, -1, 8] == 1) and torch.all(batch.targets[:, -1, :8] == 0)
        assert batch.mask[0].tolist() == [False] * (L + 1) + [True] * (n * L + 1)
        assert torch.all(batch.inputs[:, L + 1 :] == 0)
        assert torch.all(batch.info["repeats"] == n)


def test_repeat_channel_is_standardised_over_the_training_counts():
    task = RepeatCopyTask(min_repeats=2, max_repeats=7)
    values = torch.tensor([task.normalise_repeats(n) for n in range(2, 8)], dtype=torch.float64)
    assert values.mean().abs() < 1e-12
    assert abs(values.var(unbiased=False).item() - 1) < 1e-12
    # A single training count cannot be standardised (variance 0): no division by zero.
    assert RepeatCopyTask(min_repeats=3, max_repeats=3).normalise_repeats(5) == 2.0


def parse_recall_episode(inputs: torch.Tensor, width: int = 6, span: int = 3):
    """Read items and the query off one episode's inputs, using only the delimiter flags."""
    item_steps = inputs[:, width].nonzero().flatten().tolist()
    query_steps = inputs[:, width + 1].nonzero().flatten().tolist()
    items = [inputs[s + 1 : s + 1 + span, :width] for s in item_steps]
    assert len(query_steps) == 2 and query_steps[1] - query_steps[0] == span + 1
    query = inputs[query_steps[0] + 1 : query_steps[1], :width]
    return items, query, query_steps[1]


def test_associative_recall_target_is_the_item_after_the_query():
    task = AssociativeRecallTask()
    for seed in range(4):
        batch = task.sample(6, seeded(seed))
        for b in range(6):
            items, query, last_flag = parse_recall_episode(batch.inputs[b])
            assert 2 <= len(items) <= 6
            flat = torch.stack([item.flatten() for item in items])
            assert len(torch.unique(flat, dim=0)) == len(items), "items must be distinct"
            matches = [i for i, item in enumerate(items) if torch.equal(item, query)]
            assert len(matches) == 1 and matches[0] < len(items) - 1
            assert int(batch.info["query_index"][b]) == matches[0]
            assert torch.equal(batch.targets[b, last_flag + 1 :], items[matches[0] + 1])
            assert batch.mask[b, last_flag + 1 :].all() and not batch.mask[b, : last_flag + 1].any()
            assert torch.all(batch.inputs[b, last_flag + 1 :] == 0)


def test_associative_recall_items_override_and_distinct_when_nearly_exhausted():
    batch = AssociativeRecallTask().sample(2, seeded(0), items=20)
    assert batch.length == 4 * 20 + 8
    # 1-bit, 2-vector items: only 4 exist, so 4 items per list force many redraws.
    tiny = AssociativeRecallTask(width=1, item_length=2, min_items=4, max_items=4)
    batch = tiny.sample(50, seeded(1))
    for b in range(50):
        items, _, _ = parse_recall_episode(batch.inputs[b], width=1, span=2)
        assert len(torch.unique(torch.stack([i.flatten() for i in items]), dim=0)) == 4


def sort_targets_from_inputs(batch: Batch, width: int, num_inputs: int, num_outputs: int):
    """Reference targets: whole input rows ranked by the priority channel."""
    vectors = batch.inputs[:, :num_inputs, :width]
    priorities = batch.inputs[:, :num_inputs, width]
    order = torch.argsort(priorities, dim=1, descending=True)[:, :num_outputs]
    return torch.stack([vectors[b, order[b]] for b in range(batch.batch_size)])


def rows_come_from_inputs(targets: torch.Tensor, vectors: torch.Tensor) -> bool:
    same = (targets[:, :, None, :] == vectors[:, None, :, :]).all(-1)  # (B, out, in)
    return bool(same.any(-1).all())


def test_priority_sort_targets_rank_whole_rows():
    task = PrioritySortTask()
    batch = task.sample(8, seeded(0))
    assert batch.length == 37
    expected = sort_targets_from_inputs(batch, 8, 20, 16)
    answer = batch.targets[:, 21:]
    assert torch.equal(answer, expected)
    assert rows_come_from_inputs(answer, batch.inputs[:, :20, :8])
    assert torch.equal(batch.info["priorities"], batch.inputs[:, :20, 8])
    assert torch.all(batch.info["priorities"].abs() <= 1)
    assert torch.all(batch.inputs[:, 20, 9] == 1) and torch.all(batch.inputs[:, 21:] == 0)
    assert batch.mask[0].tolist() == [False] * 21 + [True] * 16


def test_priority_sort_checks_catch_column_wise_sorting():
    """The popular bug sorts each bit column on its own; our two checks both reject it."""
    batch = PrioritySortTask().sample(8, seeded(0))
    vectors = batch.inputs[:, :20, :8]
    buggy = torch.sort(vectors, dim=1, descending=True).values[:, :16]  # per-column sort
    assert not torch.equal(buggy, sort_targets_from_inputs(batch, 8, 20, 16))
    assert not rows_come_from_inputs(buggy, vectors)


def test_ngrams_inputs_are_the_previous_bits_and_probabilities_follow_the_table():
    task = NGramsTask()
    batch = task.sample(4, seeded(0))
    bits = batch.targets[..., 0]
    assert batch.length == 200 and batch.mask.all()
    assert torch.all(batch.inputs[:, 0, 0] == 0.5)
    assert torch.equal(batch.inputs[:, 1:, 0], bits[:, :-1])
    probabilities, table = batch.info["probabilities"], batch.info["table"]
    assert table.shape == (4, 32) and probabilities.shape == (4, 200)
    assert torch.all(probabilities[:, :5] == 0.5)
    for b in range(4):
        for t in range(5, 200):
            row = int("".join(str(int(x)) for x in bits[b, t - 5 : t].tolist()), 2)
            assert probabilities[b, t] == table[b, row]


def test_ngrams_context_override_draws_a_shorter_context_table():
    """A curriculum's easy draw: ``context=2`` gives a 4-row table indexed by the last 2 bits."""
    batch = NGramsTask().sample(3, seeded(2), context=2)
    bits, table = batch.targets[..., 0], batch.info["table"]
    assert table.shape == (3, 4)
    assert torch.all(batch.info["probabilities"][:, :2] == 0.5)
    rows = context_indices(bits, 2)  # (B, T - 2)
    assert torch.equal(batch.info["probabilities"][:, 2:], torch.gather(table, 1, rows))
    assert NGramsTask().sample(3, seeded(2)).info["table"].shape == (3, 32)  # config again


# --- costs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TASKS))
def test_chance_cost_is_one_bit_per_scored_bit_and_perfect_logits_make_no_errors(name):
    task = make_task(name)
    batch = task.sample(3, seeded(1))
    scored_bits = batch.mask.sum().item() * task.output_size / batch.batch_size
    chance = bits_per_sequence(torch.zeros_like(batch.targets), batch)
    assert chance.item() == pytest.approx(scored_bits, rel=1e-6)
    perfect = (batch.targets * 2 - 1) * 30.0  # confident and right
    assert bit_errors_per_sequence(perfect, batch).item() == 0
    assert bits_per_sequence(perfect, batch).item() < 1e-6
    wrong = perfect.clone()
    step = int(batch.mask[0].nonzero()[0])
    wrong[0, step, 0] *= -1  # one wrong scored bit in one sequence
    assert bit_errors_per_sequence(wrong, batch).item() == pytest.approx(1 / batch.batch_size)
    assert task.loss(torch.zeros_like(batch.targets), batch).item() == pytest.approx(math.log(2))


# --- reproducibility ------------------------------------------------------------------------


def batches_equal(a: Batch, b: Batch) -> bool:
    same = a.inputs.shape == b.inputs.shape and torch.equal(a.inputs, b.inputs)
    same = same and torch.equal(a.targets, b.targets) and torch.equal(a.mask, b.mask)
    return same and all(torch.equal(a.info[k], b.info[k]) for k in a.info)


@pytest.mark.parametrize("name", list(TASKS))
def test_same_seed_same_batch_different_seed_different_batch(name):
    task = make_task(name)
    assert batches_equal(task.sample(4, seeded(3)), task.sample(4, seeded(3)))
    assert not batches_equal(task.sample(4, seeded(3)), task.sample(4, seeded(4)))
    # generator=None draws from torch's global RNG, so torch.manual_seed reproduces it.
    torch.manual_seed(11)
    first = task.sample(4)
    torch.manual_seed(11)
    assert batches_equal(first, task.sample(4))


# --- validation -----------------------------------------------------------------------------

INVALID_CONFIGS = [
    ("copy", {"width": 0}, "width"),
    ("copy", {"min_length": 0}, "min_length"),
    ("copy", {"min_length": 5, "max_length": 4}, "max_length"),
    ("copy", {"max_length": 2.5}, "max_length"),
    ("repeat_copy", {"min_repeats": 0}, "min_repeats"),
    ("repeat_copy", {"min_repeats": 4, "max_repeats": 3}, "max_repeats"),
    ("repeat_copy", {"min_length": 3, "max_length": 1}, "max_length"),
    ("associative_recall", {"min_items": 1}, "min_items"),
    ("associative_recall", {"min_items": 5, "max_items": 3}, "max_items"),
    ("associative_recall", {"item_length": 0}, "item_length"),
    ("associative_recall", {"width": 1, "item_length": 1, "max_items": 3}, "max_items"),
    ("ngrams", {"length": 0}, "length"),
    ("ngrams", {"context": 0}, "context"),
    ("ngrams", {"context": 17}, "context"),
    ("priority_sort", {"num_outputs": 21}, "num_outputs"),
    ("priority_sort", {"num_inputs": 0}, "num_inputs"),
    ("priority_sort", {"width": -1}, "width"),
]


@pytest.mark.parametrize(("name", "config", "field"), INVALID_CONFIGS)
def test_invalid_config_names_the_field_and_range(name, config, field):
    with pytest.raises(ValueError, match=rf"{field} must be .*(\[|>=)"):
        make_task(name, **config)


INVALID_OVERRIDES = [
    ("copy", {"length": 0}, "length"),
    ("copy", {"lenght": 5}, "lenght"),
    ("copy", {"repeats": 2}, "repeats"),
    ("repeat_copy", {"repeats": 0}, "repeats"),
    ("repeat_copy", {"length": -3}, "length"),
    ("associative_recall", {"items": 1}, "items"),
    ("ngrams", {"length": 0}, "length"),
    ("ngrams", {"context": 17}, "context"),
    ("priority_sort", {"num_outputs": 30}, "num_outputs"),
]


@pytest.mark.parametrize(("name", "overrides", "field"), INVALID_OVERRIDES)
def test_invalid_overrides(name, overrides, field):
    with pytest.raises(ValueError, match=field):
        make_task(name).sample(2, seeded(0), **overrides)


NON_FINITE = [float("inf"), float("-inf"), float("nan")]


@pytest.mark.parametrize("value", NON_FINITE, ids=str)
@pytest.mark.parametrize("name", list(TASKS))
def test_non_finite_settings_are_value_errors_naming_the_field(name, value):
    """int(inf) raises OverflowError and int(nan) a ValueError naming nothing."""
    for field in make_task(name).config:
        with pytest.raises(ValueError, match=rf"^{field} must be an integer .*got {value}"):
            make_task(name, **{field: value})
    for field in make_task(name).override_names:
        with pytest.raises(ValueError, match=rf"^{field} must be an integer"):
            make_task(name).sample(2, seeded(0), **{field: value})
    with pytest.raises(ValueError, match="^batch_size must be"):
        make_task(name).sample(value)


@pytest.mark.parametrize("name", list(TASKS))
def test_nan_logits_score_nan_never_a_count(name):
    task = make_task(name)
    batch = task.sample(3, seeded(1))
    logits = torch.zeros_like(batch.targets)
    scored = batch.mask.nonzero()[0]  # one scored step of one sequence
    logits[scored[0], scored[1], 0] = float("nan")
    for cost in (bit_errors_per_sequence, bits_per_sequence):
        assert math.isnan(float(cost(logits, batch))), cost.__name__
        assert math.isnan(float(getattr(task, cost.__name__)(logits, batch))), cost.__name__
    # A NaN where nothing is scored does not touch the error count (the bits are NaN anyway:
    # the cross-entropy is computed before the mask).
    logits = torch.zeros_like(batch.targets)
    unscored = (~batch.mask).nonzero()
    if len(unscored):
        logits[unscored[0][0], unscored[0][1], 0] = float("nan")
        assert float(bit_errors_per_sequence(logits, batch)) == float(
            bit_errors_per_sequence(torch.zeros_like(logits), batch)
        )


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_invalid_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        CopyTask().sample(batch_size)


# --- property test: random valid configurations -------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(list(TASKS)),
    width=st.integers(1, 5),
    low=st.integers(2, 4),
    extra=st.integers(0, 3),
    batch_size=st.integers(1, 4),
    seed=st.integers(0, 2**31),
)
def test_random_valid_configs_give_consistent_batches(name, width, low, extra, batch_size, seed):
    config = {
        "copy": {"width": width, "min_length": low, "max_length": low + extra},
        "repeat_copy": {
            "width": width,
            "min_length": low,
            "max_length": low + extra,
            "min_repeats": 1,
            "max_repeats": 1 + extra,
        },
        "associative_recall": {
            "width": width + 2,
            "item_length": 2,
            "min_items": low,
            "max_items": low + extra,
        },
        "ngrams": {"length": 5 * low + extra, "context": low},
        "priority_sort": {"width": width, "num_inputs": low + extra, "num_outputs": low},
    }[name]
    task = make_task(name, **config)
    batch = task.sample(batch_size, seeded(seed))
    B, T = batch.mask.shape
    assert B == batch_size
    assert batch.inputs.shape == (B, T, task.input_size)
    assert batch.targets.shape == (B, T, task.output_size)
    scored = batch.mask[0].nonzero().flatten()
    assert len(scored) > 0
    if name != "ngrams":
        # The answer phase is one block at the end, and the model gets no input during it.
        assert scored.tolist() == list(range(T - len(scored), T))
        assert torch.all(batch.inputs[:, T - len(scored) :] == 0)
    assert torch.all(batch.targets[~batch.mask] == 0)
    expected_scored = {
        "copy": lambda: (T - 1) // 2,
        "repeat_copy": lambda: int(batch.info["repeats"][0] * batch.info["length"][0] + 1),
        "associative_recall": lambda: 2,
        "ngrams": lambda: config["length"],
        "priority_sort": lambda: config["num_outputs"],
    }[name]()
    assert len(scored) == expected_scored


# --- the N-gram prior and the Bayes-optimal estimator --------------------------------------


def ks_statistic_against_arcsine(samples: np.ndarray) -> float:
    x = np.sort(samples)
    cdf = (2 / np.pi) * np.arcsin(np.sqrt(x))  # CDF of Beta(1/2, 1/2)
    n = len(x)
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


def test_beta_half_sampler_matches_the_arcsine_distribution():
    n = 20_000
    samples = sample_beta_half((n,), seeded(0)).double().numpy()
    # Kolmogorov-Smirnov at the 0.1% level: reject if D > 1.95 / sqrt(n) (~0.0138 here).
    critical = 1.95 / math.sqrt(n)
    assert ks_statistic_against_arcsine(samples) < critical
    assert abs(samples.mean() - 0.5) < 0.01 and abs(samples.var() - 1 / 8) < 0.005
    # The same test rejects a plausible wrong sampler (a uniform prior), so it has teeth.
    uniform = torch.rand(n, generator=seeded(0)).double().numpy()
    assert ks_statistic_against_arcsine(uniform) > critical


def test_optimal_estimator_by_hand():
    # context 2. Counts per context (previous two bits) after each step:
    # t=2 ctx 10: no counts -> 1/2, then 10:{1}   t=3 ctx 01: 1/2, then 01:{0}
    # t=4 ctx 10: N1=1 -> 1.5/2      t=5 ctx 01: N0=1 -> 0.5/2    t=6 ctx 11: 1/2
    # t=7 ctx 10: N1=2 -> 2.5/3
    bits = [1, 0, 1, 0, 1, 1, 0, 1]
    expected = [0.5, 0.5, 0.5, 0.5, 0.75, 0.25, 0.5, 2.5 / 3]
    got = optimal_probabilities(np.array(bits), context=2)
    assert isinstance(got, np.ndarray) and got.shape == (8,)
    np.testing.assert_allclose(got, expected)
    # Batched torch input gives torch output, row by row the same.
    batch = torch.tensor([bits, [1 - b for b in bits]], dtype=torch.float32)
    got = optimal_probabilities(batch, context=2)
    assert isinstance(got, torch.Tensor) and got.shape == (2, 8)
    np.testing.assert_allclose(got[0].numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(got[1].numpy(), [1 - p for p in expected], rtol=1e-6)
    # Fewer bits than the context: nothing to condition on.
    assert np.all(optimal_probabilities([0, 1, 1]) == 0.5)
    with pytest.raises(ValueError, match="0s and 1s"):
        optimal_probabilities([0, 2, 1])


def test_ngram_cost_of_a_constant_half_is_one_bit_per_bit():
    bits = np.array([[0, 1, 1, 0], [1, 1, 1, 1]])
    np.testing.assert_allclose(ngram_cost_bits(np.full((2, 4), 0.5), bits), [4.0, 4.0])
    with pytest.raises(ValueError, match="differ"):
        ngram_cost_bits(np.full((2, 3), 0.5), bits)


def test_optimal_estimator_cost_anchor():
    """The eq. 10 optimum costs ~132.7 bits per 200-bit sequence (the paper's Fig. 13: ~133).

    The per-sequence std is ~36 bits, so the mean of 1000 sequences has a standard error of
    ~1.1 bits; +-4 bits is ~3.5 standard errors, so a correct estimator passes for almost any
    seed. It catches gross bugs (counting the current bit before predicting it, a wrong
    context); subtle ones such as a Beta(1, 1) prior (~2 bits worse) are left to the by-hand
    test above. Our own simulations (torch and numpy, 30k sequences) put the true mean near
    133.5; this seed's 1000 sequences happen to score ~130.4.
    """
    batch = NGramsTask().sample(1000, seeded(2014))
    bits = batch.targets[..., 0]
    optimal = ngram_cost_bits(optimal_probabilities(bits), bits)
    mean = optimal.mean().item()
    assert abs(mean - 132.7) < 4.0
    assert 30 < optimal.std().item() < 42
    # Worse than the oracle that knows the hidden table, better than guessing 0.5 (200 bits).
    oracle = ngram_cost_bits(batch.info["probabilities"], bits).mean().item()
    assert oracle < mean - 10
    assert mean < 200 - 50
    # The same number through the task's own cost (logits of the optimal probabilities).
    p = optimal_probabilities(bits).clamp(1e-6, 1 - 1e-6)
    logits = torch.log(p / (1 - p)).unsqueeze(-1)
    assert bits_per_sequence(logits, batch).item() == pytest.approx(mean, rel=1e-3)


# --- the notebook's exercise checks ---------------------------------------------------------


def test_check_copy_targets_passes_a_right_answer_and_fails_a_wrong_one():
    from ntm_edu.exercises.tasks import check_copy_targets, copy_targets_reference

    # The reference agrees with the task's own targets.
    batch = CopyTask().sample(3, seeded(9), length=7)
    assert torch.equal(copy_targets_reference(batch.inputs), batch.targets)
    assert check_copy_targets(copy_targets_reference)

    def off_by_one(inputs):  # answers one step too early
        targets = copy_targets_reference(inputs)
        return torch.roll(targets, -1, dims=1)

    result = check_copy_targets(off_by_one)
    assert not result and "wrong values" in result.message and "length" in result.message

    def stub(inputs):
        raise NotImplementedError

    assert "not implemented" in check_copy_targets(stub).message
    assert "shape" in check_copy_targets(lambda x: x).message  # returned the inputs


def test_check_optimal_estimator_passes_a_loop_and_fails_laplace():
    from ntm_edu.exercises.tasks import check_optimal_estimator

    def loop(bits, context, prior=0.5):
        counts, out = {}, []
        for t, bit in enumerate(bits):
            if t < context:
                out.append(0.5)
                continue
            key = tuple(bits[t - context : t])
            zeros, ones = counts.get(key, (0, 0))
            out.append((ones + prior) / (zeros + ones + 2 * prior))
            counts[key] = (zeros + (bit == 0), ones + (bit == 1))
        return np.array(out)

    assert check_optimal_estimator(loop)
    result = check_optimal_estimator(lambda bits, context: loop(bits, context, prior=1.0))
    assert not result and "8 bits, context 2" in result.message
    assert "0.75" not in repr(result)  # the expected values are never shown


def test_check_read_weighting_of_the_welcome_notebook():
    from ntm_edu.exercises.welcome import check_read_weighting

    memory = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
    assert check_read_weighting(torch.tensor([0.5, 0.5, 0.0, 0.0]), memory, [0.5, 0.5, 0.0])
    uniform = check_read_weighting([0.25] * 4, memory, [0.5, 0.5, 0.0])
    assert not uniform and "reads [0.5, 0.5, 0.5]" in uniform.message
    assert "sum to 1.5" in check_read_weighting([0.5, 0.5, 0.5, 0], memory, [0.5, 0.5, 0]).message
    assert "[0, 1]" in check_read_weighting([1.5, -0.5, 0, 0], memory, [0.5, 0.5, 0]).message
    assert "shape" in check_read_weighting([1.0, 0.0], memory, [1, 0, 0]).message


# The info field that records each override of a task's training settings.
_DRAWN = {"length": "length", "repeats": "repeats", "items": "num_items"}


@pytest.mark.parametrize("name", list(TASKS))
def test_training_settings_are_exactly_the_settings_training_draws(name):
    """Every setting once, each one accepted by `sample`, and random training draws (no
    overrides) never land outside the list and, over many draws, visit all of it."""
    task = make_task(name)
    settings = task.training_settings()
    keys = {tuple(sorted(s.items())) for s in settings}
    assert len(keys) == len(settings)  # no setting twice
    generator = torch.Generator().manual_seed(0)
    for setting in settings:
        task.sample(1, generator, **setting)
    if settings == [{}]:
        return  # N-grams and priority sort: nothing drawn per batch to cover
    seen = set()
    for _ in range(2000):
        info = task.sample(1, generator).info
        drawn = {k: int(info[_DRAWN[k]][0]) for k in settings[0]}
        seen.add(tuple(sorted(drawn.items())))
    assert seen == keys


def test_training_settings_follow_the_configured_ranges():
    task = RepeatCopyTask(min_length=2, max_length=3, min_repeats=4, max_repeats=5)
    assert task.training_settings() == [
        {"length": 2, "repeats": 4}, {"length": 2, "repeats": 5},
        {"length": 3, "repeats": 4}, {"length": 3, "repeats": 5},
    ]  # fmt: skip
    copy = CopyTask(min_length=3, max_length=4)
    assert copy.training_settings() == [{"length": 3}, {"length": 4}]
    assert AssociativeRecallTask(min_items=2, max_items=3).training_settings() == [
        {"items": 2}, {"items": 3},
    ]  # fmt: skip
