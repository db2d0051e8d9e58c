"""Figures, explorers and exercise checks of notebooks 07, 08 and 10, driven without a browser.

Models here are tiny and untrained (the shipped checkpoints are tested in
test_pretrained_algorithmic.py); what matters is that figures show the numbers they are given,
that precomputed costs equal `evaluate`'s, and that sliders change the picture.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.exercises.algorithmic import (
    check_recall_answer,
    check_repeat_copy_targets,
    check_sort_targets,
    recall_answer_reference,
    repeat_copy_targets_reference,
    sort_targets_reference,
)
from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks import AssociativeRecallTask, PrioritySortTask, RepeatCopyTask
from ntm_edu.training import evaluate
from ntm_edu.viz.algorithmic import (
    active_rows,
    fit_line,
    plot_cost_by_setting,
    plot_cost_curves,
    plot_prediction,
    plot_sort_episode,
    plot_weightings,
    plot_write_vs_priority,
    weighting_centre,
)
from ntm_edu.widgets.algorithmic import (
    episode_arrays,
    prediction_explorer,
    prediction_grid,
    sort_explorer,
    weighting_explorer,
)


@pytest.fixture(scope="module")
def recall():
    task = AssociativeRecallTask()
    torch.manual_seed(0)
    model = NTM(task.input_size, task.output_size, controller_size=16, memory_locations=13,
                memory_width=5)  # fmt: skip
    return task, model


@pytest.fixture(scope="module")
def repeat():
    task = RepeatCopyTask()
    torch.manual_seed(1)
    ntm = NTM(task.input_size, task.output_size, controller_size=12, memory_locations=11,
              memory_width=4)  # fmt: skip
    lstm = LSTMBaseline(task.input_size, task.output_size, hidden_size=8, layers=1)
    return task, ntm, lstm


# --- pure figure builders ---------------------------------------------------------------


def test_active_rows_plain_and_wrapping():
    w = np.zeros((3, 10))
    w[0, 4], w[1, 5], w[2, 6] = 1, 1, 1
    assert active_rows(w, pad=0).tolist() == [4, 5, 6]
    assert active_rows(w, pad=1).tolist() == [3, 4, 5, 6, 7]
    wrap = np.zeros((3, 10))
    wrap[0, 0], wrap[1, 9], wrap[2, 8] = 1, 1, 1  # a head moving backwards from 0
    assert active_rows(wrap, pad=0).tolist() == [8, 9, 0]
    assert active_rows(np.zeros((2, 6))).tolist() == list(range(6))
    with pytest.raises(ValueError, match="locations"):
        active_rows(np.zeros((2, 6)), np.zeros((2, 5)))


def test_fit_line_recovers_a_line_and_r2():
    x = np.linspace(-1, 1, 20)
    slope, intercept, r2 = fit_line(x, 3 * x + 2)
    assert slope == pytest.approx(3) and intercept == pytest.approx(2) and r2 == pytest.approx(1)
    noisy = 3 * x + np.random.default_rng(0).normal(0, 1, 20)
    assert 0 < fit_line(x, noisy)[2] < 1
    with pytest.raises(ValueError, match="equal-length"):
        fit_line([1.0], [2.0])


def test_weighting_centre_is_the_mean_location():
    w = np.zeros((2, 5))
    w[0, 1] = 1
    w[1, 2], w[1, 4] = 0.5, 0.5
    assert weighting_centre(w).tolist() == [1.0, 3.0]


def test_cost_curves_plot_the_given_numbers():
    seqs, cost = np.array([0, 1000, 2000]), np.array([9.0, 3.0, 1.0])
    figure = plot_cost_curves({"NTM": (seqs, cost), "LSTM": (seqs, cost * 2)})
    lines = figure.axes[0].lines
    assert np.allclose(lines[0].get_xdata(), seqs / 1000)
    assert np.allclose(lines[1].get_ydata(), cost * 2)
    with pytest.raises(ValueError, match="at least one"):
        plot_cost_curves({})


def test_cost_by_setting_plots_the_given_numbers():
    figure = plot_cost_by_setting([6, 10], {"NTM": [0.1, 2.0], "LSTM": [5.0, 9.0]},
                                  xlabel="items", train_max=6)  # fmt: skip
    assert np.allclose(figure.axes[0].lines[0].get_ydata(), [0.1, 2.0])
    with pytest.raises(ValueError, match="costs for 2 settings"):
        plot_cost_by_setting([6, 10], {"NTM": [1.0]}, xlabel="items")


def test_prediction_draws_only_scored_steps():
    targets = np.zeros((6, 3))
    mask = np.array([0, 0, 1, 1, 1, 0], bool)
    figure = plot_prediction(targets, {"NTM": np.full((6, 3), 0.5)}, mask)
    images = [ax.images[0].get_array() for ax in figure.axes]
    assert [im.shape for im in images] == [(3, 3), (3, 3)]
    assert np.allclose(images[1], 0.5)
    with pytest.raises(ValueError, match="shape"):
        plot_prediction(targets, {"NTM": np.zeros((5, 3))}, mask)


def test_weightings_show_the_cropped_rows_in_order():
    write = np.zeros((4, 10))
    read = np.zeros((4, 10))
    write[np.arange(4), [9, 0, 1, 2]] = 1
    read[np.arange(4), [9, 9, 0, 1]] = 1
    figure = plot_weightings(write, read, cursor=2)
    shown = figure.axes[0].images[0].get_array()
    rows = active_rows(write, read)
    assert np.allclose(shown, write[:, rows].T)
    assert rows[0] == 8 and rows[1] == 9 and rows[2] == 0  # wraps, with one row of padding
    with pytest.raises(ValueError, match="both be"):
        plot_weightings(write, read[:3])


def test_write_vs_priority_reports_the_fit():
    p = np.linspace(-1, 1, 8)
    figure = plot_write_vs_priority(p, 10 - 4 * p, read_locations=np.arange(4.0), highlight=1)
    assert "$R^2$ = 1.00" in figure.axes[0].get_legend().get_texts()[1].get_text()
    with pytest.raises(ValueError, match="highlight"):
        plot_write_vs_priority(p, p, highlight=8)


def test_sort_episode_shows_target_rows():
    task = PrioritySortTask(num_inputs=6, num_outputs=4)
    batch = task.sample(1, torch.Generator().manual_seed(0))
    vectors = batch.inputs[0, :6, :8].numpy()
    target = batch.targets[0, 7:].numpy()
    figure = plot_sort_episode(vectors, batch.info["priorities"][0].numpy(), target)
    assert np.allclose(figure.axes[1].images[0].get_array(), target.T)


# --- precompute + explorers ------------------------------------------------------------


def test_episode_arrays_costs_equal_evaluate(recall):
    task, model = recall
    episode = episode_arrays(model, task, seed=5, items=4)
    reference = evaluate(model, task, sequences=1, batch_size=1, seed=5, items=4)
    assert episode["bit_errors"] == pytest.approx(reference["bit_errors_per_sequence"])
    assert episode["bits"] == pytest.approx(reference["bits_per_sequence"], rel=1e-5)
    assert episode["write"].shape == (len(episode["inputs"]), 13)
    assert np.allclose(episode["read"].sum(-1), 1, atol=1e-4)


def test_prediction_grid_and_explorer(repeat):
    task, ntm, lstm = repeat
    settings = [dict(length=l, repeats=r) for l in (2, 4) for r in (1, 3)]  # noqa: E741
    grid = prediction_grid({"NTM": ntm, "LSTM": lstm}, task, settings, seed=3)
    for (length, repeats), cell in grid.items():
        ref = evaluate(lstm, task, sequences=1, batch_size=1, seed=3, length=length,
                       repeats=repeats)  # fmt: skip
        assert cell["bit_errors"]["LSTM"] == pytest.approx(ref["bit_errors_per_sequence"])
        assert cell["mask"].sum() == length * repeats + 1
    # The same seed stretches one sequence: the first vectors agree across settings.
    assert np.array_equal(grid[(4, 1)]["inputs"][:2, :8], grid[(4, 3)]["inputs"][:2, :8])
    explorer = prediction_explorer(grid, ["length", "repeats"], title="grid")
    first = explorer.image.value
    explorer.controls["repeats"].value = 3
    assert explorer.image.value != first
    assert repr(explorer) == "<grid: controls length, repeats>"


def test_weighting_explorer_moves_with_sliders(recall):
    task, model = recall
    episodes = {n: episode_arrays(model, task, seed=0, items=n) for n in (2, 4)}
    explorer = weighting_explorer(episodes, "items", input_labels=task.input_channels)
    pictures = {explorer.image.value}
    explorer.controls["step"].value = 5
    pictures.add(explorer.image.value)
    explorer.controls["items"].value = 4
    pictures.add(explorer.image.value)
    assert len(pictures) == 3
    # A step beyond a short episode is clamped to its last step, not an error.
    explorer.controls["items"].value = 2
    explorer.controls["step"].value = explorer.controls["step"].max
    assert explorer.image.value
    with pytest.raises(ValueError, match="no weightings"):
        weighting_explorer({1: {"inputs": np.zeros((2, 2))}})


def test_weighting_explorer_moves_only_its_cursor(recall):
    """A step move updates the episode's figure (laid out once): the frame equals a freshly
    drawn figure with the cursor there, and differs from the previous step's."""
    import io

    from PIL import Image

    from ntm_edu.viz.base import figure_to_png

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)

    def differing(a, b):
        return int((np.abs(pixels(a) - pixels(b)).max(axis=2) > 60).sum())

    task, model = recall
    episodes = {n: episode_arrays(model, task, seed=0, items=n) for n in (2, 4)}
    explorer = weighting_explorer(episodes, "items", input_labels=task.input_channels)
    plot = explorer.plot
    for step in (3, 7):
        before = figure_to_png(explorer.render_function(**explorer.values))
        explorer.controls["step"].value = step
        assert explorer.plot is plot
        fresh = figure_to_png(explorer.render_function(**explorer.values))
        live = explorer.image.value
        assert differing(live, fresh) < 0.002 * pixels(live)[..., 0].size
        assert differing(live, fresh) * 3 < differing(live, before)


def test_sort_explorer_highlights_each_step():
    p = np.linspace(1, -1, 6)
    explorer = sort_explorer(p, 3 * p, np.arange(4.0))
    first = explorer.image.value
    explorer.controls["output_step"].value = 3
    assert explorer.image.value != first
    assert explorer.controls["output_step"].max == 3


# --- exercise checks ----------------------------------------------------------------------


def test_references_match_the_tasks():
    batch = RepeatCopyTask().sample(2, torch.Generator().manual_seed(0), length=4, repeats=3)
    assert torch.equal(repeat_copy_targets_reference(batch.inputs, 3), batch.targets)
    task = AssociativeRecallTask()
    batch = task.sample(3, torch.Generator().manual_seed(0), items=5)
    answers = recall_answer_reference(batch.inputs, 3)
    assert torch.equal(answers, batch.targets[:, -3:])
    task = PrioritySortTask()
    batch = task.sample(2, torch.Generator().manual_seed(0))
    sorted_ = sort_targets_reference(batch.inputs[:, :20, :8], batch.info["priorities"], 16)
    assert torch.equal(sorted_, batch.targets[:, 21:])


def test_checks_pass_the_reference_and_fail_a_wrong_answer():
    assert check_repeat_copy_targets(repeat_copy_targets_reference)
    assert not check_repeat_copy_targets(lambda x, n: repeat_copy_targets_reference(x, n + 1))
    assert check_recall_answer(recall_answer_reference)
    last_item = lambda x, s: x[:, -2 * s - 1 : -s - 1, :-2]  # noqa: E731 (echoes the query)
    assert not check_recall_answer(last_item)
    assert check_sort_targets(sort_targets_reference)
    assert not check_sort_targets(lambda v, p, m: v[:, :m])
    ascending = lambda v, p, m: sort_targets_reference(v, -p, m)  # noqa: E731
    result = check_sort_targets(ascending)
    assert not result and "wrong values" in result.message


def test_check_reports_a_stub():
    def stub(inputs, repeats):
        raise NotImplementedError

    assert "not implemented" in check_repeat_copy_targets(stub).message


def test_sort_explorer_moves_only_its_rings():
    import io

    from PIL import Image

    from ntm_edu.viz.base import figure_to_png

    def differing(a, b):
        pa, pb = (np.asarray(Image.open(io.BytesIO(x)).convert("RGB"), float) for x in (a, b))
        return int((np.abs(pa - pb).max(axis=2) > 60).sum())

    p = np.linspace(1, -1, 8)
    explorer = sort_explorer(p, 3 * p + 10, np.arange(6.0) + 4)
    plot = explorer.plot
    for step in (2, 5):
        before = figure_to_png(explorer.render_function(**explorer.values))
        explorer.controls["output_step"].value = step
        assert explorer.plot is plot
        fresh = figure_to_png(explorer.render_function(**explorer.values))
        assert differing(explorer.image.value, fresh) * 3 < differing(explorer.image.value, before)
