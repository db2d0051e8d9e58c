"""Tests of ntm_edu.viz.snapshot."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_edu.viz import (
    SnapshotPlot,
    snapshot_figure,
)


def copy_weightings(L: int, N: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Perfect copy behaviour: write input k at start+k, read it back at step L+1+k."""
    T = 2 * L + 1
    write = one_hot_path(T, N, [start + k for k in range(L)] + [start + L] * (L + 1))
    read = one_hot_path(T, N, [start] * (L + 1) + [start + k for k in range(L)])
    return write, read


def crosses(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))


def one_hot_path(T: int, N: int, locations: list[int]) -> np.ndarray:
    """[T, N] weightings focused on locations[t] (uniform where the list has no entry)."""
    w = np.full((T, N), 1.0 / N)
    for t, location in enumerate(locations):
        w[t] = 0.0
        w[t, location % N] = 1.0
    return w


class TestFigures:
    def test_snapshot_figure_with_and_without_weightings(self):
        write, read = copy_weightings(L=3, N=16, start=0)
        targets, mask = np.zeros((7, 3)), np.arange(7) >= 4
        outputs = np.full((7, 3), 0.3)
        curve = ([320, 640, 960], [50.0, 10.0, 1.0])
        ntm = snapshot_figure(*curve, targets, mask, outputs, write, read, snapshot_sequences=640)
        assert len(ntm.axes) == 5
        lstm = snapshot_figure(*curve, targets, mask, outputs, probe=([0, 640], [80.0, 9.0]))
        assert len(lstm.axes) == 3
        curve_ax = lstm.axes[0]
        assert curve_ax.get_yscale() == "log"
        assert [line.get_label() for line in curve_ax.get_lines()][:2] == [
            "training",
            "probe batch",
        ]
        with pytest.raises(ValueError, match="both"):
            snapshot_figure(*curve, targets, mask, outputs, write, None)

    def test_snapshot_plot_live_update_changes_png(self):
        targets, mask = np.zeros((7, 3)), np.arange(7) >= 4
        plot = SnapshotPlot([320, 640], [9.0, 3.0], targets, mask, live=True)
        plot.update(np.full((7, 3), 0.2), snapshot_sequences=320, probe_cost=5.0, label="a")
        first = plot.png()
        plot.update(np.full((7, 3), 0.9), snapshot_sequences=640, probe_cost=1.0, label="b")
        assert plot.png() != first
        assert crosses(plot.figure.axes[2]) == 3 * 3  # every scored bit wrong at 0.9 vs 0
        with pytest.raises(ValueError, match="shape"):
            plot.update(np.zeros((6, 3)))
