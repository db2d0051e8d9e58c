"""Tests of ntm_edu.viz.weightings."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_edu.viz import (
    copy_memory_summary,
    focus_path,
    location_window,
    weighting_centre,
)


def one_hot_path(T: int, N: int, locations: list[int]) -> np.ndarray:
    """[T, N] weightings focused on locations[t] (uniform where the list has no entry)."""
    w = np.full((T, N), 1.0 / N)
    for t, location in enumerate(locations):
        w[t] = 0.0
        w[t, location % N] = 1.0
    return w


def copy_weightings(L: int, N: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Perfect copy behaviour: write input k at start+k, read it back at step L+1+k."""
    T = 2 * L + 1
    write = one_hot_path(T, N, [start + k for k in range(L)] + [start + L] * (L + 1))
    read = one_hot_path(T, N, [start] * (L + 1) + [start + k for k in range(L)])
    return write, read


def test_weighting_centre_is_the_mean_location():
    w = np.zeros((2, 5))
    w[0, 1] = 1
    w[1, 2], w[1, 4] = 0.5, 0.5
    assert weighting_centre(w).tolist() == [1.0, 3.0]


class TestNumbers:
    def test_focus_path(self):
        w = one_hot_path(3, 5, [4, 0, 2])
        w[1] = [0.5, 0.2, 0.1, 0.1, 0.1]
        at, strength = focus_path(w)
        assert at.tolist() == [4, 0, 2]
        assert np.allclose(strength, [1.0, 0.5, 1.0])

    @pytest.mark.parametrize("start", [3, 14])  # 14: wraps around the 16-slot ring
    def test_copy_summary_of_the_papers_algorithm(self, start):
        write, read = copy_weightings(L=5, N=16, start=start)
        summary = copy_memory_summary(write, read, 5)
        assert summary["write_locations"] == [(start + k) % 16 for k in range(5)]
        assert summary["read_locations"] == summary["write_locations"]
        assert summary["write_move"] == summary["read_move"] == 1
        assert summary["write_move_share"] == summary["read_move_share"] == 1.0
        assert summary["read_matches_write"] == 1.0
        assert summary["write_focus"] == summary["read_focus"] == 1.0
        assert summary["distinct_write_locations"] == 5

    def test_copy_summary_of_a_head_that_moves_down_and_reads_elsewhere(self):
        T, N = 9, 10
        write = one_hot_path(T, N, [0, -1, -2, -3])  # 0, 9, 8, 7: moves -1 around the ring
        read = one_hot_path(T, N, [0] * 5 + [5, 5, 5, 5])
        summary = copy_memory_summary(write, read, 4)
        assert summary["write_move"] == -1 and summary["write_move_share"] == 1.0
        assert summary["read_move"] == 0 and summary["read_matches_write"] == 0.0

    def test_copy_summary_rejects_wrong_length(self):
        write, read = copy_weightings(L=3, N=8, start=0)
        with pytest.raises(ValueError, match="has 9 steps, the weightings have 7"):
            copy_memory_summary(write, read, 4)
        with pytest.raises(ValueError, match="length"):
            copy_memory_summary(write, read, 0)

    def test_location_window_follows_the_ring(self):
        w = one_hot_path(4, 128, [126, 127, 0, 1])
        window = location_window(w, margin=1, min_size=4)
        assert window.tolist() == [125, 126, 127, 0, 1, 2]

    def test_location_window_minimum_size_and_unused(self):
        w = one_hot_path(2, 64, [10, 11])
        window = location_window(w, margin=0, min_size=8)
        assert len(window) == 8 and {10, 11} <= set(window.tolist())
        assert np.all(np.diff(window) == 1)
        assert location_window(np.full((3, 20), 0.05), min_size=6).tolist() == list(range(6))
        assert location_window(np.full((3, 20), 0.2)).tolist() == list(range(20))  # all used

    def test_location_window_errors(self):
        with pytest.raises(ValueError, match="at least one"):
            location_window()
        with pytest.raises(ValueError, match="same number of locations"):
            location_window(np.zeros((2, 5)), np.zeros((2, 6)))
