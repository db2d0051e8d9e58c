"""Tests of ntm_edu.inspection: running a model for a picture."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu import inspection
from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks import AssociativeRecallTask, CopyTask
from ntm_edu.training import evaluate


@pytest.fixture(scope="module")
def copy_models():
    task = CopyTask(min_length=1, max_length=5, width=4)
    torch.manual_seed(1)
    ntm = NTM(task.input_size, task.output_size, read_heads=2, write_heads=2,
              controller_size=12, memory_locations=11, memory_width=3)  # fmt: skip
    lstm = LSTMBaseline(task.input_size, task.output_size, hidden_size=8, layers=1)
    return task, ntm, lstm


class WithDropout(torch.nn.Module):
    """A model whose output depends on its mode: eval mode must be used, then restored."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 2)
        self.dropout = torch.nn.Dropout(0.9)

    def forward(self, inputs):
        return self.linear(self.dropout(inputs))


class Failing(torch.nn.Module):
    def forward(self, inputs):
        raise RuntimeError("boom")


def test_run_uses_eval_mode_and_restores_the_mode():
    model = WithDropout().train()
    inputs = torch.ones(2, 4, 3)
    logits = inspection.run(model, inputs)
    assert model.training  # restored
    assert torch.equal(logits, model.eval()(inputs))  # no dropout: eval mode was used
    model.eval()
    inspection.run(model, inputs)
    assert not model.training
    failing = Failing().train()
    with pytest.raises(RuntimeError, match="boom"):
        inspection.run(failing, inputs)
    assert failing.training  # restored even when the pass fails


def test_run_has_no_gradients_and_asks_for_a_trace_only_where_there_is_one(copy_models):
    task, ntm, lstm = copy_models
    batch = task.sample(2, torch.Generator().manual_seed(0), length=3)
    logits, trace = inspection.run_with_trace(ntm, batch.inputs)
    assert not logits.requires_grad and logits.shape == batch.targets.shape
    assert inspection.has_trace(ntm) and not inspection.has_trace(lstm)
    with pytest.raises(ValueError, match="records no trace"):
        inspection.run_with_trace(lstm, batch.inputs)


def test_trace_arrays_shapes_and_heads(copy_models):
    task, ntm, _ = copy_models
    batch = task.sample(3, torch.Generator().manual_seed(0), length=4)  # T = 9
    logits, trace = inspection.run_with_trace(ntm, batch.inputs)
    arrays = inspection.trace_arrays(batch.inputs, logits, trace, head=1)
    assert arrays["inputs"].shape == (3, 9, task.input_size)
    np.testing.assert_allclose(arrays["outputs"], torch.sigmoid(logits).numpy(), atol=1e-6)
    assert arrays["read_weights"].shape == (3, 9, 11)
    np.testing.assert_array_equal(arrays["read_weights"], trace.read_weights[:, :, 1].numpy())
    assert arrays["read_heads"].shape == (3, 9, 2, 11) and arrays["reads"].shape == (3, 9, 3)
    assert arrays["read_shift"].shape == (3, 9, 3) and arrays["write_gate"].shape == (3, 9)
    assert arrays["read_content"].shape == (3, 9, 11)
    with pytest.raises(ValueError, match="head must be an integer in \\[0, 1\\]"):
        inspection.trace_arrays(batch.inputs, logits, trace, head=5)
    summed = inspection.trace_arrays(batch.inputs, logits, trace, head=None, index=2)
    np.testing.assert_allclose(summed["read_weights"], trace.read_weights[2].sum(1).numpy())
    assert "reads" not in summed  # vectors of different heads do not add up
    one = inspection.record(ntm, batch.inputs, index=0)
    np.testing.assert_allclose(one["write_weights"], trace.write_weights[0, :, 0].numpy())


def test_episode_arrays_costs_equal_evaluate(recall):
    task, model = recall
    episode = inspection.episode_arrays(model, task, seed=5, items=4)
    reference = evaluate(model, task, sequences=1, batch_size=1, seed=5, items=4)
    assert episode["bit_errors"] == pytest.approx(reference["bit_errors_per_sequence"])
    assert episode["bits"] == pytest.approx(reference["bits_per_sequence"], rel=1e-5)
    assert episode["write_weights"].shape == (len(episode["inputs"]), 13)
    assert np.allclose(episode["read_weights"].sum(-1), 1, atol=1e-4)
    assert isinstance(episode["info"]["query_index"], int)


def test_generalisation_grid_on_a_tiny_model(copy_models):
    """The numbers are the models' own, on `length_episode`'s seeded sequences."""
    task, ntm, lstm = copy_models
    grid = inspection.generalisation_grid([ntm, lstm], task, lengths=(2, 6), seed=3)
    assert list(grid) == [2, 6]
    entry = grid[6]
    batch = task.sample(1, torch.Generator().manual_seed(3 * 10_007 + 6), length=6)
    with torch.no_grad():
        logits = lstm(batch.inputs)
    assert np.allclose(entry["targets"], batch.targets[0, 7:].numpy())
    assert np.allclose(entry["outputs"]["LSTM"], torch.sigmoid(logits[0, 7:]).numpy(), atol=1e-6)
    assert entry["bit_errors"]["LSTM"] == float(task.bit_errors_per_sequence(logits, batch))
    assert entry["outputs"]["NTM"].shape == (6, 4) and grid[2]["targets"].shape == (2, 4)
    with pytest.raises(ValueError, match="no 'length' override"):
        inspection.generalisation_grid(ntm, AssociativeRecallTask())
    with pytest.raises(ValueError, match="distinct"):
        inspection.generalisation_grid(ntm, task, lengths=(3, 3))


def test_memory_use_episodes_are_traced_episodes_of_those_lengths(copy_models):
    task, ntm, lstm = copy_models
    episodes = inspection.memory_use_episodes(ntm, task, lengths=(3, 5), head=0)
    assert {L: len(e["mask"]) for L, e in episodes.items()} == {3: 7, 5: 11}
    again = inspection.episode_arrays(ntm, task, batch=inspection.length_episode(task, 5))
    np.testing.assert_array_equal(episodes[5]["add"], again["add"])
    with pytest.raises(ValueError, match="trace"):
        inspection.memory_use_episodes(lstm, task)


def test_model_labels_and_models(copy_models):
    _, ntm, lstm = copy_models
    assert inspection.model_label(ntm) == "NTM" and inspection.model_label(lstm) == "LSTM"
    assert list(inspection.as_models([ntm, lstm])) == ["NTM", "LSTM"]
    assert list(inspection.as_models(lstm)) == ["LSTM"]
    with pytest.raises(ValueError, match="both be labelled"):
        inspection.as_models([ntm, ntm])
    with pytest.raises(ValueError, match="not a torch model"):
        inspection.as_models({"NTM": "a string"})
    with pytest.raises(ValueError, match="at least one"):
        inspection.as_models({})


def test_snapshot_weightings_stack_one_head_of_every_snapshot():
    from types import SimpleNamespace

    rng = np.random.default_rng(0)
    traces = [{"write_weights": rng.random((2, 5, 3, 7)), "read_weights": rng.random((2, 5, 3, 7))}
              for _ in range(4)]  # fmt: skip
    snapshots = [SimpleNamespace(trace=t) for t in traces]
    stacked = inspection.snapshot_weightings(snapshots, head=2)
    assert stacked["write_weights"].shape == (4, 2, 5, 7)
    np.testing.assert_array_equal(stacked["read_weights"][3], traces[3]["read_weights"][:, :, 2])
    assert inspection.snapshot_weightings([SimpleNamespace(trace={})]) == {}
