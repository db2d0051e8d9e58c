"""`ntm_edu.expect`: the checked claim a notebook prints beside its machine-dependent numbers."""

import pytest

import ntm_edu


def test_expect_prints_the_claim_when_it_holds(capsys) -> None:
    ntm_edu.expect(3 < 4, "three is below four")
    assert capsys.readouterr().out == "✓ three is below four\n"


def test_expect_raises_with_what_was_measured_when_it_fails(capsys) -> None:
    with pytest.raises(AssertionError, match=r"expected the cost fell.*did not hold: 24.0 -> 23.9"):
        ntm_edu.expect(23.9 < 0.75 * 24.0, "the cost fell", "24.0 -> 23.9")
    assert capsys.readouterr().out == ""  # no tick for a claim that failed


def test_expect_takes_tensors_and_refuses_an_empty_claim() -> None:
    import torch

    ntm_edu.expect(torch.tensor(1.0) > 0, "a tensor comparison counts")
    with pytest.raises(AssertionError):
        ntm_edu.expect(torch.tensor(False), "a false tensor fails")
    with pytest.raises(TypeError, match="claim"):
        ntm_edu.expect(True, "")
