"""Tests of ntm_edu.training.history: History."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from training_standins import small_ntm

from ntm_edu.tasks import make_task
from ntm_edu.training import (
    History,
    train,
)


class TestHistory:
    def test_state_round_trip_through_weights_only_load(self, tmp_path):
        task = make_task("copy", width=3, max_length=3)
        history = train(
            small_ntm(task), task, 7, batch_size=2, log_every=2, probe_every=3, progress=False
        )
        path = tmp_path / "history.pt"
        torch.save(history.to_state(), path)
        loaded = History.from_state(torch.load(path, weights_only=True))
        for a, b in zip(history.curve(), loaded.curve(), strict=True):
            np.testing.assert_array_equal(a, b)
        assert loaded.step == 7 and loaded.pending["count"] == 1  # step 7 awaits its window
        assert len(loaded.snapshots) == len(history.snapshots) == 3
        np.testing.assert_array_equal(loaded.snapshot(2).outputs, history.snapshot(2).outputs)
        assert torch.equal(loaded.generator_state, history.generator_state)
        assert "NTM on copy" in repr(loaded)

    def test_from_state_rejects_garbage(self):
        with pytest.raises(ValueError, match="version"):
            History.from_state({"version": 99})
        with pytest.raises(ValueError, match="dict"):
            History.from_state([1, 2])

    def test_thin_snapshots_keeps_first_last_and_spreads_the_rest(self):
        history = History()
        for step in range(11):
            history.step = step
            history.add_snapshot(torch.zeros(1, 2, 1))
        history.thin_snapshots(4)
        assert [s["step"] for s in history.snapshots] == [0, 3, 7, 10]
        history.thin_snapshots(10)  # already fewer: unchanged
        assert len(history.snapshots) == 4
        with pytest.raises(ValueError, match="at least 2"):
            history.thin_snapshots(1)

    def test_snapshot_index_errors(self):
        with pytest.raises(IndexError, match="no probe snapshots"):
            History().snapshot(0)
