"""The helpers of `benchmarks/ngrams_curriculum.py`: its stage syntax and held-out scorer."""

import argparse
import importlib.util
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def curriculum():
    path = ROOT / "benchmarks" / "ngrams_curriculum.py"
    spec = importlib.util.spec_from_file_location("ngrams_curriculum", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Chance(torch.nn.Module):
    def forward(self, inputs):
        return torch.zeros_like(inputs)  # P(1) = 0.5 everywhere


class Echo(torch.nn.Module):
    """Predicts that the next bit repeats the last one, with confidence 0.9."""

    def forward(self, inputs):
        return (inputs - 0.5) * 2 * torch.log(torch.tensor(9.0))


def test_stages_are_context_steps_lr(curriculum):
    assert curriculum.parse_stage("2:2500:2e-4") == (2, 2500, 2e-4)
    for bad in ("2:2500", "2:x:1e-3", "a:1:1"):
        with pytest.raises(argparse.ArgumentTypeError, match="CONTEXT:STEPS:LR"):
            curriculum.parse_stage(bad)


def test_held_out_scores_chance_at_one_bit_a_step_and_the_optimum_below_it(curriculum):
    for context in (1, 5):
        cost, optimum = curriculum.held_out(Chance(), context)
        assert cost == pytest.approx(200.0, rel=1e-5)  # 200 bits, 1 bit each
        assert 100 < optimum < 140  # the eq. 10 estimator on random tables
        assert curriculum.held_out(Echo(), context)[0] != pytest.approx(cost)
