"""Tests of ntm_edu.model.memory: reading (eq. 2) and erase-then-add writing (eqs. 3-4)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ntm_edu.model.memory import read, write

B, H, N, M = 5, 3, 7, 2


def loop_read(memory, w):
    memory, w = np.asarray(memory, dtype=np.float64), np.asarray(w, dtype=np.float64)
    out = np.zeros((w.shape[0], w.shape[1], memory.shape[2]))
    for b in range(w.shape[0]):
        for h in range(w.shape[1]):
            for i in range(memory.shape[1]):
                out[b, h] += w[b, h, i] * memory[b, i]
    return out


def loop_write(memory, w, erase, add):
    """Every head erases (eq. 3), then every head adds (eq. 4)."""
    memory = np.asarray(memory, dtype=np.float64).copy()
    w, erase, add = (np.asarray(x, dtype=np.float64) for x in (w, erase, add))
    for b in range(memory.shape[0]):
        for h in range(w.shape[1]):
            for i in range(memory.shape[1]):
                memory[b, i] *= 1 - w[b, h, i] * erase[b, h]
        for h in range(w.shape[1]):
            for i in range(memory.shape[1]):
                memory[b, i] += w[b, h, i] * add[b, h]
    return memory


@pytest.fixture
def tensors():
    g = torch.Generator().manual_seed(0)
    return dict(
        memory=torch.randn(B, N, M, generator=g),
        w=torch.softmax(2 * torch.randn(B, H, N, generator=g), -1),
        erase=torch.rand(B, H, M, generator=g),
        add=torch.randn(B, H, M, generator=g),
    )


class TestRead:
    def test_matches_loop(self, tensors):
        got = read(tensors["memory"], tensors["w"])
        assert got.shape == (B, H, M)
        np.testing.assert_allclose(
            got.numpy(), loop_read(tensors["memory"], tensors["w"]), atol=1e-6
        )

    def test_one_hot_reads_a_row(self, tensors):
        rows = torch.tensor([[0, 3, 6]]).expand(B, H)
        w = torch.nn.functional.one_hot(rows, N).float()
        got = read(tensors["memory"], w)
        torch.testing.assert_close(got, tensors["memory"][:, [0, 3, 6]])

    def test_gradcheck(self, tensors):
        inputs = tuple(tensors[k].double().requires_grad_(True) for k in ("memory", "w"))
        assert torch.autograd.gradcheck(read, inputs)


class TestWrite:
    def test_matches_loop(self, tensors):
        got = write(**tensors)
        assert got.shape == (B, N, M)
        np.testing.assert_allclose(got.numpy(), loop_write(**tensors), atol=1e-6)

    def test_hand_computed_single_head(self):
        memory = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])  # (1, 3, 2)
        w = torch.tensor([[[0.5, 0.5, 0.0]]])  # (1, 1, 3)
        erase = torch.tensor([[[1.0, 0.0]]])
        add = torch.tensor([[[10.0, -2.0]]])
        expected = torch.tensor(
            [[[1 * 0.5 + 5, 2 - 1], [3 * 0.5 + 5, 4 - 1], [5.0, 6.0]]]  # row 2: w = 0, untouched
        )
        torch.testing.assert_close(write(memory, w, erase, add), expected)

    def test_erases_to_zero_only_where_weight_and_erase_are_both_one(self):
        memory = torch.ones(1, 3, 2)
        w = torch.tensor(
            [[[1.0, 0.0, 0.0], [0.0, 0.9, 0.0]]]
        )  # head 0 on row 0, head 1 mostly row 1
        erase = torch.tensor([[[1.0, 0.5], [1.0, 1.0]]])
        got = write(memory, w, erase, torch.zeros(1, 2, 2))
        expected = torch.tensor([[[0.0, 0.5], [0.1, 0.1], [1.0, 1.0]]])
        torch.testing.assert_close(got, expected)

    def test_write_heads_commute(self, tensors):
        order = torch.tensor([2, 0, 1])
        permuted = {k: (v[:, order] if k != "memory" else v) for k, v in tensors.items()}
        torch.testing.assert_close(write(**tensors), write(**permuted))

    def test_all_erases_come_before_any_add(self):
        # Two heads on the same row: head 1 fully erases it; head 0's add must survive.
        memory = torch.ones(1, 2, 1)
        w = torch.tensor([[[1.0, 0.0], [1.0, 0.0]]])
        erase = torch.tensor([[[0.0], [1.0]]])
        add = torch.tensor([[[3.0], [0.0]]])
        torch.testing.assert_close(write(memory, w, erase, add), torch.tensor([[[3.0], [1.0]]]))

    def test_zero_weighting_leaves_memory_unchanged(self, tensors):
        w = torch.zeros(B, H, N)
        torch.testing.assert_close(
            write(tensors["memory"], w, tensors["erase"], tensors["add"]), tensors["memory"]
        )

    def test_gradcheck(self, tensors):
        inputs = tuple(
            tensors[k].double().requires_grad_(True) for k in ("memory", "w", "erase", "add")
        )
        assert torch.autograd.gradcheck(write, inputs)
