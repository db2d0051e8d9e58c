"""Tests of ntm_edu.viz.predictions."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from ntm_edu.viz import (
    generalisation_figure,
    prediction_figure,
)


def image_arrays(figure: Figure) -> list[np.ndarray]:
    return [np.asarray(im.get_array()) for ax in figure.axes for im in ax.images]


def crosses(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))


def test_prediction_figure_draws_one_strip_per_model_and_counts_their_errors():
    """Several models (priority sort, repeat copy): every step drawn, each model's wrong bits
    on the scored steps marked and counted in its own strip."""
    targets = np.zeros((6, 3))
    mask = np.array([0, 0, 1, 1, 1, 0], bool)
    lstm = np.full((6, 3), 0.2)
    lstm[3, 1] = 0.9  # one wrong scored bit
    lstm[0, 0] = 0.9  # wrong but not scored
    figure = prediction_figure(targets, {"NTM": np.full((6, 3), 0.1), "LSTM": lstm}, mask,
                               inputs=np.ones((6, 2)))  # fmt: skip
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == ["inputs", "targets", "NTM outputs (0 wrong bits marked x)",
                      "LSTM outputs (1 wrong bits marked x)"]  # fmt: skip
    images = [ax.images[0].get_array() for ax in figure.axes]
    assert [im.shape for im in images] == [(2, 6), (3, 6), (3, 6), (3, 6)]
    assert np.allclose(images[3], lstm.T)
    assert figure.axes[3].collections[-1].get_offsets().tolist() == [[3.0, 1.0]]
    with pytest.raises(ValueError, match="shape"):
        prediction_figure(targets, {"NTM": np.zeros((5, 3))}, mask)
    with pytest.raises(ValueError, match="at least one model"):
        prediction_figure(targets, {}, mask)


class TestFigures:
    def test_prediction_figure_marks_each_wrong_bit(self):
        targets = np.zeros((7, 3))
        targets[4:, 0] = 1
        outputs = np.full((7, 3), 0.1)
        outputs[4:, 0] = 0.9
        outputs[5, 1] = 0.8  # scored and wrong
        outputs[6, 2] = 0.7  # scored and wrong
        outputs[1, 2] = 0.9  # wrong but not scored
        mask = np.arange(7) >= 4
        figure = prediction_figure(targets, outputs, mask, inputs=np.zeros((7, 4)))
        assert [ax.get_title(loc="left") for ax in figure.axes][:2] == ["inputs", "targets"]
        assert crosses(figure.axes[-1]) == 2
        assert "2 wrong bits" in figure.axes[-1].get_title(loc="left")
        assert np.allclose(image_arrays(figure)[2], outputs.T)

    def test_prediction_figure_rejects_logits_and_shapes(self):
        with pytest.raises(ValueError, match="probabilities"):
            prediction_figure(np.zeros((3, 2)), np.full((3, 2), 4.0))
        with pytest.raises(ValueError, match="shape"):
            prediction_figure(np.zeros((3, 2)), np.zeros((4, 2)))
        with pytest.raises(ValueError, match="mask"):
            prediction_figure(np.zeros((3, 2)), np.zeros((3, 2)), mask=[True, False])

    def test_generalisation_figure_blocks(self):
        rng = np.random.default_rng(0)
        lengths = [2, 5]
        targets = [rng.integers(0, 2, (L, 4)).astype(float) for L in lengths]
        outputs = {
            "NTM": [t * 0.9 + 0.05 for t in targets],  # right everywhere
            "LSTM": [1 - t for t in targets],  # wrong everywhere
        }
        figure = generalisation_figure(lengths, targets, outputs, costs={"LSTM": [8, 20]})
        assert len(figure.axes) == len(lengths) * 3
        assert np.allclose(image_arrays(figure)[3], targets[1].T)
        assert crosses(figure.axes[1]) == 0 and crosses(figure.axes[2]) == 8
        assert crosses(figure.axes[5]) == 20
        assert "20 wrong bits" in figure.axes[5].get_title(loc="left")
        assert figure.axes[0].get_xlim() == (-0.5, 4.5)  # one time axis: strips as long as L

    @pytest.mark.parametrize(
        "lengths, n_targets, match",
        [([], 0, "at least one"), ([3, 0], 2, ">= 1"), ([3, 4], 1, "1 target arrays")],
    )
    def test_generalisation_figure_errors(self, lengths, n_targets, match):
        targets = [np.zeros((3, 2))] * n_targets
        with pytest.raises(ValueError, match=match):
            generalisation_figure(lengths, targets, {"NTM": targets})
