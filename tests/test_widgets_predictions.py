"""Tests of ntm_edu.widgets.predictions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks import (
    CopyTask,
    RepeatCopyTask,
    make_task,
)
from ntm_edu.training import evaluate
from ntm_edu.widgets import (
    generalisation_explorer,
    prediction_explorer,
    prediction_grid,
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


@pytest.fixture(scope="module")
def small_models():
    torch.manual_seed(0)
    task = CopyTask(width=4, max_length=5)
    ntm = NTM(task.input_size, task.output_size, controller_size=12, memory_locations=24)
    lstm = LSTMBaseline(task.input_size, task.output_size, hidden_size=16, layers=2)
    return task, ntm, lstm


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
        assert list(explorer.models) == ["NTM", "LSTM"]
        pictures = set()
        for L in (3, 8, 20):
            explorer.controls["length"].value = L
            pictures.add(explorer.image.value)
            assert explorer.state["targets"].shape == (L, 4)
            assert explorer.state["outputs"]["LSTM"].shape == (L, 4)
            assert explorer.last_render_ms < RENDER_BUDGET_MS
        assert len(pictures) == 3
        assert "beyond the training lengths 1-5" in explorer.state["title"]

    def test_numbers_are_the_models_own(self, small_models):
        task, ntm, lstm = small_models
        explorer = generalisation_explorer({"mine": ntm}, task, lengths=(6,), seed=3)
        entry = explorer.results[6]
        batch = task.sample(1, torch.Generator().manual_seed(3 * 10_007 + 6), length=6)
        with torch.no_grad():
            logits = ntm(batch.inputs)
        assert np.allclose(entry["targets"], batch.targets[0, 7:].numpy())
        assert np.allclose(entry["outputs"]["mine"], torch.sigmoid(logits[0, 7:]).numpy())
        assert entry["bit_errors"]["mine"] == float(task.bit_errors_per_sequence(logits, batch))
        assert explorer.bit_errors_table() == {6: {"mine": entry["bit_errors"]["mine"]}}

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
        explorer = generalisation_explorer(ntm, task, lengths=(3,))
        with pytest.raises(ValueError, match="one of"):
            explorer.compute(length=4)
