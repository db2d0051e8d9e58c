"""Tests of ntm_edu.widgets.predictions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.inspection import prediction_grid
from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks import (
    RepeatCopyTask,
    make_task,
)
from ntm_edu.training import evaluate
from ntm_edu.widgets import (
    generalisation_explorer,
    prediction_explorer,
)


@pytest.fixture(scope="module")
def repeat():
    task = RepeatCopyTask()
    torch.manual_seed(1)
    ntm = NTM(task.input_size, task.output_size, controller_size=12, memory_locations=11,
              memory_width=4)  # fmt: skip
    lstm = LSTMBaseline(task.input_size, task.output_size, hidden_size=8, layers=1)
    return task, ntm, lstm


RENDER_BUDGET_MS = 1500  # generous for a loaded CI box; redraws are ~30-80 ms on an idle laptop


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


class TestGeneralisationExplorer:
    def test_slider_over_lengths(self, small_models):
        task, ntm, lstm = small_models
        explorer = generalisation_explorer([ntm, lstm], task, lengths=(3, 8, 20))
        assert explorer.lengths == [3, 8, 20]
        assert repr(explorer) == (
            "<Generalisation of the NTM and LSTM to longer sequences: controls length>"
        )
        pictures = set()
        for L in (3, 8, 20):
            explorer.controls["length"].value = L
            pictures.add(explorer.image.value)
            cell = explorer.state["cell"]
            assert cell["targets"].shape == (L, 4)
            assert cell["outputs"]["LSTM"].shape == (L, 4)
            assert explorer.last_render_ms < RENDER_BUDGET_MS
        assert len(pictures) == 3
        title = explorer.plot.figure.get_suptitle()
        assert title == "length 20 (beyond the training lengths 1-5)"
        strips = [ax.get_title(loc="left") for ax in explorer.plot.figure.axes]
        errors = cell["bit_errors"]
        assert strips[1] == f"NTM outputs ({errors['NTM']:.3g} wrong bits)"

    def test_errors(self, small_models):
        task, ntm, _ = small_models
        with pytest.raises(ValueError, match="length"):
            generalisation_explorer(ntm, make_task("associative_recall"))
        with pytest.raises(ValueError, match="at least one"):
            generalisation_explorer({}, task)
        with pytest.raises(ValueError, match="distinct"):
            generalisation_explorer(ntm, task, lengths=(3, 3))
        with pytest.raises(ValueError, match=">= 1"):
            generalisation_explorer(ntm, task, lengths=(0, 3))
        with pytest.raises(ValueError, match="not a torch model"):
            generalisation_explorer({"NTM": "a string"}, task)
        with pytest.raises(ValueError, match="both be labelled"):
            generalisation_explorer([ntm, ntm], task)
