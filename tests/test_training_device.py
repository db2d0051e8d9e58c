"""Tests of ntm_edu.training.device: pick_device."""

from __future__ import annotations

import pytest
import torch

from ntm_edu.training import (
    pick_device,
)


class TestPickDevice:
    def test_cpu_and_auto(self, monkeypatch):
        monkeypatch.delenv("NTM_EDU_DEVICE", raising=False)
        assert pick_device("cpu") == torch.device("cpu")
        expected = "cuda" if torch.cuda.is_available() else "cpu"
        assert pick_device("auto").type == expected
        assert pick_device(None).type == expected

    def test_env_var_decides_auto_only(self, monkeypatch):
        monkeypatch.setenv("NTM_EDU_DEVICE", "cpu")
        assert pick_device("auto") == torch.device("cpu")
        monkeypatch.setenv("NTM_EDU_DEVICE", "warp-drive")
        with pytest.raises(ValueError, match="NTM_EDU_DEVICE"):
            pick_device("auto")
        assert pick_device("cpu") == torch.device("cpu")  # an explicit device wins

    def test_unknown_device(self):
        with pytest.raises(ValueError, match="unknown device 'toaster'"):
            pick_device("toaster")

    @pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
    def test_unavailable_cuda(self):
        with pytest.raises(ValueError, match="CUDA is not available"):
            pick_device("cuda")
