"""Tests of ntm_edu.training.config: default_config and build_model."""

from __future__ import annotations

import pytest

from ntm_edu.tasks import make_task
from ntm_edu.training import (
    MODEL_KINDS,
    build_model,
    default_config,
)


class TestDefaults:
    def test_every_task_and_kind_has_a_config_and_builds(self):
        from ntm_edu.tasks import TASKS

        for name in TASKS:
            for kind in MODEL_KINDS:
                config = default_config(name, kind)
                assert set(config) == {"model", "task", "train"}
                assert config["train"]["steps"] > 0
                task = make_task(name, **config["task"])
                model = build_model(kind, task, **config["model"])
                assert model.config["input_size"] == task.input_size

    def test_copy_ntm_follows_the_paper_sizes(self):
        config = default_config("copy", "ntm")
        model = build_model("ntm", make_task("copy"), **config["model"])
        assert model.config["controller_size"] == 100
        assert model.config["memory_locations"] == 128 and model.config["memory_width"] == 20
        # The paper's optimiser (centred RMSProp, momentum 0.9) and element-wise clip of 10,
        # with the measured rate and the collapse guard (benchmarks/convergence.py).
        assert config["train"]["optimizer"] == "rmsprop" and config["train"]["clip"] == 10.0
        assert config["train"]["guard"]["settle_below"] > 0

    def test_fresh_copies_and_errors(self):
        default_config("copy", "ntm")["train"]["lr"] = 99
        assert default_config("copy", "ntm")["train"]["lr"] != 99
        with pytest.raises(ValueError, match="model_kind"):
            default_config("copy", "gpt")
        with pytest.raises(ValueError, match="unknown task"):
            default_config("sudoku", "ntm")
        assert build_model("ntm_ff", make_task("copy")).config["controller"] == "feedforward"
