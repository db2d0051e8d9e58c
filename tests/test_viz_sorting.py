"""Tests of ntm_edu.viz.sorting."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.tasks import PrioritySortTask
from ntm_edu.viz import (
    cost_by_setting_figure,
    errors_by_priority_gap,
    fit_line,
    sort_episode_figure,
    write_vs_priority_figure,
)


def test_fit_line_recovers_a_line_and_r2():
    x = np.linspace(-1, 1, 20)
    slope, intercept, r2 = fit_line(x, 3 * x + 2)
    assert slope == pytest.approx(3) and intercept == pytest.approx(2) and r2 == pytest.approx(1)
    noisy = 3 * x + np.random.default_rng(0).normal(0, 1, 20)
    assert 0 < fit_line(x, noisy)[2] < 1
    with pytest.raises(ValueError, match="equal-length"):
        fit_line([1.0], [2.0])


def test_fit_line_can_leave_out_stray_points():
    x = np.linspace(-1, 1, 20)
    y = 12 * x + 110
    y[6] = 22.0  # one write sent to a location of its own
    assert fit_line(x, y)[2] < 0.5  # it decides R^2 for all 20
    slope, intercept, r2 = fit_line(x, y, drop_worst=1)
    assert (slope, intercept, r2) == pytest.approx((12, 110, 1))
    assert fit_line(x, 3 * x, drop_worst=2)[2] == pytest.approx(1)
    with pytest.raises(ValueError, match="drop_worst"):
        fit_line(x, y, drop_worst=19)


def test_errors_by_priority_gap_bins_each_output_by_its_nearest_other_priority():
    # Ranked 0.9, 0.5, 0.48, -0.2, -0.9: nearest-other gaps 0.4, 0.02, 0.02, 0.68, 0.7.
    priorities = np.array([[0.5, -0.2, 0.9, 0.48, -0.9]])
    bit_errors = np.array([[1.0, 3.0, 5.0, 7.0]])  # outputs in rank order: 0.9, 0.5, 0.48, -0.2
    mean, count = errors_by_priority_gap(priorities, bit_errors, [0, 0.1, 0.5, 1.0])
    assert count.tolist() == [2, 1, 1]  # the two close ones; 0.9 (gap 0.4); -0.2 (gap 0.68)
    assert mean.tolist() == pytest.approx([4.0, 1.0, 7.0])
    # An empty bin is nan, not 0; a gap outside the edges is left out.
    mean, count = errors_by_priority_gap(priorities, bit_errors, [0, 0.01, 0.1])
    assert count.tolist() == [0, 2] and np.isnan(mean[0]) and mean[1] == pytest.approx(4.0)


def test_errors_by_priority_gap_rejects_bad_shapes_and_edges():
    p, e = np.zeros((2, 5)), np.zeros((2, 4))
    with pytest.raises(ValueError, match="same B"):
        errors_by_priority_gap(p, np.zeros((3, 4)), [0, 1])
    with pytest.raises(ValueError, match="n_out <= n_in"):
        errors_by_priority_gap(p, np.zeros((2, 6)), [0, 1])
    with pytest.raises(ValueError, match="increasing"):
        errors_by_priority_gap(p, e, [0, 0.5, 0.5])


def test_cost_by_setting_can_use_a_log_axis_with_ticks_at_the_settings():
    figure = cost_by_setting_figure([0.01, 0.1, 1], {"NTM": [2, 1, 0]}, xlabel="gap", log_x=True)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "0.1", "1"]
    with pytest.raises(ValueError, match="positive"):
        cost_by_setting_figure([0, 1], {"NTM": [1, 0]}, xlabel="gap", log_x=True)


def test_write_vs_priority_draws_the_left_out_writes_hollow():
    p = np.linspace(-1, 1, 8)
    where = 10 - 4 * p
    where[3] = 40.0
    figure = write_vs_priority_figure(p, where, drop_worst=1)
    texts = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert texts[1] == "left out of the fit" and "$R^2$ = 1.00" in texts[2]
    filled, hollow = figure.axes[0].collections[:2]
    assert len(filled.get_offsets()) == 7 and hollow.get_offsets()[0][1] == 40.0


def test_write_vs_priority_reports_the_fit():
    p = np.linspace(-1, 1, 8)
    figure = write_vs_priority_figure(p, 10 - 4 * p, read_locations=np.arange(4.0), highlight=1)
    assert "$R^2$ = 1.00" in figure.axes[0].get_legend().get_texts()[1].get_text()
    with pytest.raises(ValueError, match="highlight"):
        write_vs_priority_figure(p, p, highlight=8)


def test_sort_episode_shows_target_rows():
    task = PrioritySortTask(num_inputs=6, num_outputs=4)
    batch = task.sample(1, torch.Generator().manual_seed(0))
    vectors = batch.inputs[0, :6, :8].numpy()
    target = batch.targets[0, 7:].numpy()
    figure = sort_episode_figure(vectors, batch.info["priorities"][0].numpy(), target)
    assert np.allclose(figure.axes[1].images[0].get_array(), target.T)
