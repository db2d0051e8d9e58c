"""Tests of ntm_edu.viz.curves."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from ntm_edu.viz import (
    cost_by_setting_figure,
    error_by_position_figure,
    learning_curves_figure,
    moving_average,
)


def test_cost_curves_plot_the_given_numbers():
    seqs, cost = np.array([0, 1000, 2000]), np.array([9.0, 3.0, 1.0])
    figure = learning_curves_figure({"NTM": (seqs, cost), "LSTM": (seqs, cost * 2)})
    lines = figure.axes[0].lines
    assert np.allclose(lines[0].get_xdata(), seqs / 1000)
    assert np.allclose(lines[1].get_ydata(), cost * 2)
    with pytest.raises(ValueError, match="at least one"):
        learning_curves_figure({})


def test_cost_by_setting_plots_the_given_numbers():
    figure = cost_by_setting_figure([6, 10], {"NTM": [0.1, 2.0], "LSTM": [5.0, 9.0]},
                                  xlabel="items", train_max=6)  # fmt: skip
    assert np.allclose(figure.axes[0].lines[0].get_ydata(), [0.1, 2.0])
    with pytest.raises(ValueError, match="costs must have shape"):
        cost_by_setting_figure([6, 10], {"NTM": [1.0]}, xlabel="items")


def test_learning_curves_draw_references_and_held_out_dots():
    """The N-gram figure (Fig. 13): reference lines named in the legend, a held-out dot at the
    end of a curve, and the one smoothing rule (the curve keeps its length)."""
    sequences = np.arange(1, 51) * 160
    costs = 200 - 50 * (1 - np.exp(-np.arange(50) / 10))
    figure = learning_curves_figure(
        {"NTM": (sequences, costs), "LSTM": (sequences, costs + 3)},
        smooth=3,
        reference={"optimal estimator (eq. 10): 133.4": 133.4, "chance": 200.0},
        held_out={"NTM": 151.0},
        ylim=(130, 208),
    )
    ax = figure.axes[0]
    levels = [line.get_ydata()[0] for line in ax.lines if len(set(line.get_ydata())) == 1]
    assert 133.4 in levels and 200.0 in levels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "optimal estimator (eq. 10): 133.4" in legend and "chance" in legend
    curve = ax.lines[0].get_ydata()
    assert len(curve) == 50 and curve[2] == pytest.approx(costs[:3].mean())
    assert curve[0] == pytest.approx(costs[0])  # fewer points at the start, none ahead
    dot = [line for line in ax.lines if line.get_marker() == "o" and len(line.get_xdata()) == 1]
    assert dot and dot[0].get_xdata()[0] == pytest.approx(sequences[-1] / 1000)
    assert dot[0].get_ydata()[0] == 151.0
    assert ax.get_ylim() == (130, 208)
    with pytest.raises(ValueError, match="smooth"):
        learning_curves_figure({"NTM": (sequences, costs)}, smooth=0)
    with pytest.raises(ValueError, match="held_out names 'GRU'"):
        learning_curves_figure({"NTM": (sequences, costs)}, held_out={"GRU": 1.0})


class TestNumbers:
    def test_moving_average_matches_a_loop(self):
        values = np.array([4.0, 2.0, 6.0, 0.0, 8.0])
        expected = [4.0, 3.0, 4.0, 8 / 3, 14 / 3]
        assert np.allclose(moving_average(values, 3), expected)
        assert np.allclose(moving_average(values, 1), values)

    @pytest.mark.parametrize("window", [0, -1, 1.5, True])
    def test_moving_average_rejects_bad_window(self, window):
        with pytest.raises(ValueError, match="window"):
            moving_average([1.0, 2.0], window)


class TestFigures:
    def test_learning_curves_ntm_and_lstm_on_one_axes(self):
        x = np.arange(1, 6) * 3200
        figure = learning_curves_figure(
            {"NTM": (x, [80, 20, 5, 1, 0.1]), "LSTM": (x, [80, 60, 40, 30, 25])},
            log=True,
            paper={"LSTM": ([100_000, 200_000], [4.8, 2.1])},
            marker=6400,
        )
        assert isinstance(figure, Figure) and len(figure.axes) == 1
        ax = figure.axes[0]
        assert ax.get_yscale() == "log"
        labels = [line.get_label() for line in ax.get_lines()]
        assert labels[:2] == ["NTM", "LSTM"] and "paper" in labels[2]
        assert np.allclose(ax.get_lines()[0].get_xdata(), x / 1000)  # thousands of sequences
        assert np.allclose(ax.get_lines()[1].get_ydata(), [80, 60, 40, 30, 25])
        assert np.allclose(ax.get_lines()[-1].get_xdata(), [6.4, 6.4])  # the marker
        assert ax.get_lines()[0].get_color() != ax.get_lines()[1].get_color()

    def test_learning_curves_name_the_paper_figure(self):
        x = np.arange(1, 4) * 16_000
        paper = {"NTM-FF": ([50_000, 100_000], [45.0, 5.0])}
        figure = learning_curves_figure({"NTM-FF": (x, [80, 20, 5])}, paper=paper,
                                        paper_figure="Fig. 7")  # fmt: skip
        lines = figure.axes[0].get_lines()
        assert lines[1].get_label() == "NTM-FF (paper, read off Fig. 7)"
        assert lines[1].get_color() == lines[0].get_color()  # the model's colour
        default = learning_curves_figure({"NTM": (x, [1, 2, 3])}, paper={"NTM": ([1], [1.0])})
        assert default.axes[0].get_lines()[1].get_label() == "NTM (paper, read off Fig. 3)"

    def test_learning_curves_linear_and_smoothed(self):
        figure = learning_curves_figure({"NTM": ([1, 2, 3], [3.0, 1.0, 2.0])}, smooth=2)
        ax = figure.axes[0]
        assert ax.get_yscale() == "linear"
        assert np.allclose(ax.get_lines()[0].get_ydata(), [3.0, 2.0, 1.5])

    def test_learning_curves_log_floor_for_zero_costs(self):
        figure = learning_curves_figure({"NTM": ([1, 2], [1.0, 0.0])}, log=True)
        assert figure.axes[0].get_lines()[0].get_ydata().min() > 0

    @pytest.mark.parametrize(
        "curves, kwargs, match",
        [
            ({}, {}, "at least one"),
            ({"NTM": ([1, 2], [1.0])}, {}, "shape"),
            ({"NTM": ([], [])}, {}, "no points"),
            ({"NTM": ([1, 2], [1.0, float("nan")])}, {}, "NaN"),
            ({"NTM": ([1, 2], [1.0, 2.0])}, {"smooth": 0}, "smooth"),
        ],
    )
    def test_learning_curves_errors(self, curves, kwargs, match):
        with pytest.raises(ValueError, match=match):
            learning_curves_figure(curves, **kwargs)

    def test_error_by_position(self):
        rates = {"NTM": np.zeros(30), "LSTM": np.r_[np.zeros(20), np.full(10, 0.5)]}
        figure = error_by_position_figure(rates, boundary=20)
        ax = figure.axes[0]
        lines = ax.get_lines()
        assert [line.get_label() for line in lines[:2]] == ["NTM", "LSTM"]
        assert lines[1].get_xdata()[0] == 1 and np.allclose(lines[1].get_ydata(), rates["LSTM"])
        assert np.allclose(lines[2].get_xdata(), [20.5, 20.5])  # the boundary
        with pytest.raises(ValueError, match="shares"):
            error_by_position_figure({"NTM": [0.1, 1.5]})
        with pytest.raises(ValueError, match="at least one"):
            error_by_position_figure({})


def test_one_colour_per_model_across_the_series():
    from ntm_edu.viz.base import MODEL_COLORS, model_color

    assert model_color("NTM") == model_color("NTM (ours)") == MODEL_COLORS["NTM"]
    assert model_color("NTM (FF)") == model_color("ntm-ff") == MODEL_COLORS["NTM-FF"]
    assert model_color("LSTM 3x128") == MODEL_COLORS["LSTM"]
    assert model_color("NTMish", 0) != model_color("paper", 1)  # others cycle
    assert model_color("NTMish", 0) not in MODEL_COLORS.values()
