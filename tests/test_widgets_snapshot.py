"""Tests of ntm_edu.widgets.snapshot."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest
import torch

from ntm_edu.tasks import CopyTask
from ntm_edu.training import History
from ntm_edu.widgets import (
    snapshot_explorer,
)

RENDER_BUDGET_MS = 1500  # generous for a loaded CI box; redraws are ~30-80 ms on an idle laptop


def synthetic_history(
    snapshots: int = 5, B: int = 2, L: int = 4, N: int = 12, with_trace: bool = True
) -> History:
    """A History of a copy run with hand-made snapshots (outputs no model would emit)."""
    task = CopyTask(width=3)
    batch = task.sample(B, torch.Generator().manual_seed(0), length=L)
    history = History(model_name="NTM" if with_trace else "LSTMBaseline", task_name="copy")
    history.set_probe(batch.inputs, batch.targets, batch.mask)
    T, O = batch.targets.shape[1:]
    for i in range(snapshots):
        history.step, history.sequences = 10 * i, 320 * i
        for j in range(10):
            history.accumulate(60.0 / (1 + i + j / 10), 8.0 / (1 + i))
        history.flush()
        # Stripes whose phase depends on i and the example: unmistakably "snapshot i".
        grid = np.add.outer(np.arange(T), np.arange(O))[None] + i + 3 * np.arange(B)[:, None, None]
        outputs = torch.tensor((grid % (i + 2)) / (i + 1.5), dtype=torch.float32).clamp(0, 1)
        trace = {}
        if with_trace:
            write, read = copy_weightings(L, N, start=(N - 1 + i) % N)
            trace = {
                "write_weights": torch.tensor(write, dtype=torch.float32)[None, :, None].repeat(
                    B, 1, 1, 1
                ),
                "read_weights": torch.tensor(read, dtype=torch.float32)[None, :, None].repeat(
                    B, 1, 1, 1
                ),
                "add": torch.zeros(B, T, 1, 5),
            }
        history.add_snapshot(
            outputs, trace, bits_per_sequence=50.0 / (i + 1), bit_errors_per_sequence=float(10 - i)
        )
    return history


def timed_redraws(explorer, name: str, values: list) -> list[float]:
    times = []
    for value in values:
        explorer.controls[name].value = value
        times.append(explorer.last_render_ms)
    return times


def copy_weightings(L: int, N: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Perfect copy behaviour: write input k at start+k, read it back at step L+1+k."""
    T = 2 * L + 1
    write = one_hot_path(T, N, [start + k for k in range(L)] + [start + L] * (L + 1))
    read = one_hot_path(T, N, [start] * (L + 1) + [start + k for k in range(L)])
    return write, read


def one_hot_path(T: int, N: int, locations: list[int]) -> np.ndarray:
    """[T, N] weightings focused on locations[t] (uniform where the list has no entry)."""
    w = np.full((T, N), 1.0 / N)
    for t, location in enumerate(locations):
        w[t] = 0.0
        w[t, location % N] = 1.0
    return w


class TestSnapshotExplorer:
    def test_shows_the_stored_snapshot_not_a_recomputed_one(self):
        history = synthetic_history()
        explorer = snapshot_explorer(history)
        for i in (3, 1, 4):
            explorer.controls["snapshot"].value = i
            stored = history.snapshot(i)
            assert explorer.state["snapshot"] == i
            assert np.array_equal(explorer.state["outputs"], stored.outputs[0])
            assert np.allclose(explorer.shown_outputs(), stored.outputs[0])
            window = explorer.locations
            shown_write = np.asarray(explorer.plot.images["write_weights"].get_array())
            assert np.allclose(shown_write, stored.trace["write_weights"][0, :, 0][:, window].T)
            assert f"snapshot {i + 1} of 5" in explorer.state["label"]
            assert f"{stored.sequences:,} sequences" in explorer.state["label"]

    def test_slider_changes_the_png_and_play_is_linked(self):
        explorer = snapshot_explorer(synthetic_history())
        first = explorer.image.value
        explorer.controls["snapshot"].value = 2
        assert explorer.image.value != first
        before = explorer.image.value
        explorer.play.value = 4  # what the Play button does in the browser
        assert explorer.controls["snapshot"].value == 4 and explorer.state["snapshot"] == 4
        assert explorer.image.value != before
        explorer.controls["snapshot"].value = 1  # and the link works both ways
        assert explorer.play.value == 1
        assert explorer.play.max == explorer.controls["snapshot"].max == 4
        assert explorer.play in explorer.children[1].children  # shown beside the slider

    def test_example_slider_picks_the_probe_sequence(self):
        history = synthetic_history(B=3)
        explorer = snapshot_explorer(history)
        explorer.controls["snapshot"].value = 2
        explorer.controls["example"].value = 2
        assert np.array_equal(explorer.state["outputs"], history.snapshot(2).outputs[2])
        assert explorer.controls["example"].max == 2

    def test_lstm_history_has_no_weightings(self):
        history = synthetic_history(with_trace=False, B=1)
        explorer = snapshot_explorer(history)
        assert explorer.locations is None and "example" not in explorer.controls
        explorer.controls["snapshot"].value = 3
        assert explorer.state["write_weights"] is None
        assert len(explorer.render_function(snapshot=3).axes) == 3

    def test_render_time_and_fallback(self):
        explorer = snapshot_explorer(synthetic_history(snapshots=8))
        times = timed_redraws(explorer, "snapshot", [1, 2, 3, 4, 5, 6, 7, 0])
        assert statistics.median(times) < RENDER_BUDGET_MS
        html = explorer.static_fallback()
        assert "ntm-anim" in html  # an animation of the slider for handouts
        assert explorer.state["snapshot"] == 0  # making the fallback left the live view alone
        assert repr(explorer).startswith("<Training progress of the NTM on copy")

    def test_errors(self):
        with pytest.raises(ValueError, match="no probe snapshots"):
            snapshot_explorer(History())
        with pytest.raises(ValueError, match="History"):
            snapshot_explorer({"snapshots": []})
        history = synthetic_history()
        with pytest.raises(ValueError, match="interval_ms"):
            snapshot_explorer(history, interval_ms=0)
        with pytest.raises(ValueError, match="locations"):
            snapshot_explorer(history, locations=[0, 99])
        explorer = snapshot_explorer(history)
        with pytest.raises(ValueError, match="snapshot"):
            explorer.compute(snapshot=5)


def test_redraw_is_fast_on_a_real_sized_snapshot():
    """A 128-location, 41-step NTM snapshot: the explorer blits, it does not re-lay out."""
    history = synthetic_history(snapshots=4, B=1, L=20, N=128)
    explorer = snapshot_explorer(history)
    start = time.perf_counter()
    times = timed_redraws(explorer, "snapshot", [1, 2, 3, 0, 1, 2])
    assert statistics.median(times) < RENDER_BUDGET_MS
    assert (time.perf_counter() - start) * 1000 < 6 * RENDER_BUDGET_MS
