"""Tests of ntm_edu.training.evaluation: evaluate, evaluate_settings."""

from __future__ import annotations

import pytest
from training_standins import small_ntm

from ntm_edu.tasks import make_task
from ntm_edu.training import (
    evaluate,
    evaluate_settings,
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


class TestEvaluateSettings:
    def test_the_mean_of_one_seeded_batch_per_setting(self):
        task = make_task("copy", width=3, max_length=3)
        model = small_ntm(task)
        settings = [dict(length=1), dict(length=6)]
        both = evaluate_settings(model, task, settings, sequences=3, seed=5)
        short, long = (evaluate(model, task, sequences=3, batch_size=3, seed=5, **s)
                       for s in settings)  # fmt: skip
        for key in ("bits_per_sequence", "bit_errors_per_sequence"):
            assert both[key] == pytest.approx((short[key] + long[key]) / 2)
        assert long["bits_per_sequence"] > 3 * short["bits_per_sequence"]  # both were used
        assert both["sequences"] == 6

    def test_no_settings_is_an_error(self):
        task = make_task("copy", width=3, max_length=3)
        with pytest.raises(ValueError, match="settings is empty"):
            evaluate_settings(small_ntm(task), task, [])
