"""Tests of ntm_edu.training.evaluation: evaluate."""

from __future__ import annotations

import pytest
from training_standins import small_ntm

from ntm_edu.tasks import make_task
from ntm_edu.training import (
    evaluate,
)


class TestEvaluate:
    def test_seeded_means_and_mode_restored(self):
        task = make_task("copy", width=3, max_length=3)
        model = small_ntm(task)
        model.train()
        a = evaluate(model, task, sequences=25, batch_size=10, seed=3, length=5)
        b = evaluate(model, task, sequences=25, batch_size=10, seed=3, length=5)
        assert a == b and a["sequences"] == 25
        assert model.training
        # An untrained model is near chance: about 1 bit per scored bit, 15 bits at length 5.
        assert 10 < a["bits_per_sequence"] < 25
        assert 0 <= a["bit_errors_per_sequence"] <= 15
        with pytest.raises(ValueError, match="sequences"):
            evaluate(model, task, sequences=0)
