"""Training figures and explorers: right content, stored (not recomputed) snapshots, clear errors.

Figures are checked through their artists (the arrays images hold, the number of crosses on
wrong bits, the scale of an axis); explorers are driven without a browser: set a control (or
the Play widget) and check the PNG changed and the arrays behind it are the stored ones.
Histories are built by hand so that their "outputs" are patterns no model would produce: an
explorer showing them has shown the stored snapshot, not run a model.
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from ntm_edu.exercises.training import check_bits_per_sequence, check_lstm_parameter_count
from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks import CopyTask, make_task
from ntm_edu.training import History
from ntm_edu.viz.training import (
    SnapshotPlot,
    copy_memory_summary,
    error_by_position_figure,
    focus_path,
    generalisation_figure,
    learning_curves_figure,
    location_window,
    memory_use_figure,
    moving_average,
    prediction_figure,
    snapshot_figure,
    weightings_over_time_figure,
)
from ntm_edu.widgets.training import (
    generalisation_explorer,
    memory_use_explorer,
    model_label,
    snapshot_explorer,
)

RENDER_BUDGET_MS = 1500  # generous for a loaded CI box; redraws are ~30-80 ms on an idle laptop


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


def image_arrays(figure: Figure) -> list[np.ndarray]:
    return [np.asarray(im.get_array()) for ax in figure.axes for im in ax.images]


def crosses(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))


# --- numbers behind the figures ------------------------------------------------------------------


class TestNumbers:
    def test_moving_average_matches_a_loop(self):
        values = np.array([4.0, 2.0, 6.0, 0.0, 8.0])
        expected = [4.0, 3.0, 4.0, 8 / 3, 14 / 3]
        assert np.allclose(moving_average(values, 3), expected)
        assert np.allclose(moving_average(values, 1), values)

    @pytest.mark.parametrize("window", [0, -1, 1.5, True])
    def test_moving_average_rejects_bad_window(self, window):
        with pytest.raises(ValueError, match="window"):
            moving_average([1.0, 2.0], window)

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


# --- static figures ------------------------------------------------------------------------------


class TestFigures:
    def test_learning_curves_ntm_and_lstm_on_one_axes(self):
        x = np.arange(1, 6) * 3200
        figure = learning_curves_figure(
            {"NTM": (x, [80, 20, 5, 1, 0.1]), "LSTM": (x, [80, 60, 40, 30, 25])},
            log=True,
            paper={"LSTM": ([100_000, 200_000], [4.8, 2.1])},
            marker=6400,
        )
        assert isinstance(figure, Figure) and len(figure.axes) == 1
        ax = figure.axes[0]
        assert ax.get_yscale() == "log"
        labels = [line.get_label() for line in ax.get_lines()]
        assert labels[:2] == ["NTM", "LSTM"] and "paper" in labels[2]
        assert np.allclose(ax.get_lines()[0].get_xdata(), x / 1000)  # thousands of sequences
        assert np.allclose(ax.get_lines()[1].get_ydata(), [80, 60, 40, 30, 25])
        assert np.allclose(ax.get_lines()[-1].get_xdata(), [6.4, 6.4])  # the marker
        assert ax.get_lines()[0].get_color() != ax.get_lines()[1].get_color()

    def test_learning_curves_linear_and_smoothed(self):
        figure = learning_curves_figure({"NTM": ([1, 2, 3], [3.0, 1.0, 2.0])}, smooth=2)
        ax = figure.axes[0]
        assert ax.get_yscale() == "linear"
        assert np.allclose(ax.get_lines()[0].get_ydata(), [3.0, 2.0, 1.5])

    def test_learning_curves_log_floor_for_zero_costs(self):
        figure = learning_curves_figure({"NTM": ([1, 2], [1.0, 0.0])}, log=True)
        assert figure.axes[0].get_lines()[0].get_ydata().min() > 0

    @pytest.mark.parametrize(
        "curves, kwargs, match",
        [
            ({}, {}, "at least one"),
            ({"NTM": ([1, 2], [1.0])}, {}, "shape"),
            ({"NTM": ([], [])}, {}, "no points"),
            ({"NTM": ([1, 2], [1.0, float("nan")])}, {}, "NaN"),
            ({"NTM": ([1, 2], [1.0, 2.0])}, {"smooth": 0}, "smooth"),
        ],
    )
    def test_learning_curves_errors(self, curves, kwargs, match):
        with pytest.raises(ValueError, match=match):
            learning_curves_figure(curves, **kwargs)

    def test_prediction_figure_marks_each_wrong_bit(self):
        targets = np.zeros((7, 3))
        targets[4:, 0] = 1
        outputs = np.full((7, 3), 0.1)
        outputs[4:, 0] = 0.9
        outputs[5, 1] = 0.8  # scored and wrong
        outputs[6, 2] = 0.7  # scored and wrong
        outputs[1, 2] = 0.9  # wrong but not scored
        mask = np.arange(7) >= 4
        figure = prediction_figure(targets, outputs, mask, inputs=np.zeros((7, 4)))
        assert [ax.get_title(loc="left") for ax in figure.axes][:2] == ["inputs", "targets"]
        assert crosses(figure.axes[-1]) == 2
        assert "2 wrong bits" in figure.axes[-1].get_title(loc="left")
        assert np.allclose(image_arrays(figure)[2], outputs.T)

    def test_prediction_figure_rejects_logits_and_shapes(self):
        with pytest.raises(ValueError, match="probabilities"):
            prediction_figure(np.zeros((3, 2)), np.full((3, 2), 4.0))
        with pytest.raises(ValueError, match="shape"):
            prediction_figure(np.zeros((3, 2)), np.zeros((4, 2)))
        with pytest.raises(ValueError, match="mask"):
            prediction_figure(np.zeros((3, 2)), np.zeros((3, 2)), mask=[True, False])

    def test_weightings_over_time_shows_the_window(self):
        write, read = copy_weightings(L=3, N=40, start=38)
        figure = weightings_over_time_figure(write, read)
        window = location_window(write, read)
        shown_write, shown_read = image_arrays(figure)
        assert np.allclose(shown_write, write[:, window].T)
        assert np.allclose(shown_read, read[:, window].T)
        explicit = weightings_over_time_figure(write, read, locations=[38, 39, 0])
        assert image_arrays(explicit)[0].shape == (3, 7)
        with pytest.raises(ValueError, match="locations"):
            weightings_over_time_figure(write, read, locations=[0, 40])

    def test_generalisation_figure_blocks(self):
        rng = np.random.default_rng(0)
        lengths = [2, 5]
        targets = [rng.integers(0, 2, (L, 4)).astype(float) for L in lengths]
        outputs = {
            "NTM": [t * 0.9 + 0.05 for t in targets],  # right everywhere
            "LSTM": [1 - t for t in targets],  # wrong everywhere
        }
        figure = generalisation_figure(lengths, targets, outputs, costs={"LSTM": [8, 20]})
        assert len(figure.axes) == len(lengths) * 3
        assert np.allclose(image_arrays(figure)[3], targets[1].T)
        assert crosses(figure.axes[1]) == 0 and crosses(figure.axes[2]) == 8
        assert crosses(figure.axes[5]) == 20
        assert "20 wrong bits" in figure.axes[5].get_title(loc="left")
        assert figure.axes[0].get_xlim() == (-0.5, 4.5)  # one time axis: strips as long as L

    @pytest.mark.parametrize(
        "lengths, n_targets, match",
        [([], 0, "at least one"), ([3, 0], 2, ">= 1"), ([3, 4], 1, "1 target arrays")],
    )
    def test_generalisation_figure_errors(self, lengths, n_targets, match):
        targets = [np.zeros((3, 2))] * n_targets
        with pytest.raises(ValueError, match=match):
            generalisation_figure(lengths, targets, {"NTM": targets})

    def test_error_by_position(self):
        rates = {"NTM": np.zeros(30), "LSTM": np.r_[np.zeros(20), np.full(10, 0.5)]}
        figure = error_by_position_figure(rates, boundary=20)
        ax = figure.axes[0]
        lines = ax.get_lines()
        assert [line.get_label() for line in lines[:2]] == ["NTM", "LSTM"]
        assert lines[1].get_xdata()[0] == 1 and np.allclose(lines[1].get_ydata(), rates["LSTM"])
        assert np.allclose(lines[2].get_xdata(), [20.5, 20.5])  # the boundary
        with pytest.raises(ValueError, match="shares"):
            error_by_position_figure({"NTM": [0.1, 1.5]})
        with pytest.raises(ValueError, match="at least one"):
            error_by_position_figure({})

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
        plot.update(np.full((7, 3), 0.2), sequences=320, probe_cost=5.0, label="a")
        first = plot.png()
        plot.update(np.full((7, 3), 0.9), sequences=640, probe_cost=1.0, label="b")
        assert plot.png() != first
        assert crosses(plot.figure.axes[2]) == 3 * 3  # every scored bit wrong at 0.9 vs 0
        with pytest.raises(ValueError, match="shape"):
            plot.update(np.zeros((6, 3)))

    def test_memory_use_figure(self):
        L, N = 4, 20
        write, read = copy_weightings(L, N, start=18)
        T = 2 * L + 1
        rng = np.random.default_rng(0)
        figure = memory_use_figure(
            rng.integers(0, 2, (T, 5)),
            rng.uniform(size=(T, 4)),
            rng.normal(size=(T, 6)),
            rng.normal(size=(T, 6)),
            write,
            read,
            np.arange(T) >= L + 1,
            time=L + 2,
        )
        assert len(figure.axes) == 7
        status = [t.get_text() for t in figure.axes[-1].texts][0]
        assert "write head at location 2" in status and "read head at location 19" in status
        assert "answer phase" in status
        with pytest.raises(ValueError, match="time"):
            memory_use_figure(
                np.zeros((T, 5)), np.zeros((T, 4)), np.zeros((T, 6)), np.zeros((T, 6)),
                write, read, time=T,
            )  # fmt: skip


# --- explorers ------------------------------------------------------------------------------------


def timed_redraws(explorer, name: str, values: list) -> list[float]:
    times = []
    for value in values:
        explorer.controls[name].value = value
        times.append(explorer.last_render_ms)
    return times


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


@pytest.fixture(scope="module")
def small_models():
    torch.manual_seed(0)
    task = CopyTask(width=4, max_length=5)
    ntm = NTM(task.input_size, task.output_size, controller_size=12, memory_locations=24)
    lstm = LSTMBaseline(task.input_size, task.output_size, hidden_size=16, layers=2)
    return task, ntm, lstm


class TestGeneralisationExplorer:
    def test_slider_over_lengths(self, small_models):
        task, ntm, lstm = small_models
        explorer = generalisation_explorer([ntm, lstm], task, lengths=(3, 8, 20))
        assert list(explorer.models) == ["NTM", "LSTM"]
        pictures = set()
        for L in (3, 8, 20):
            explorer.controls["length"].value = L
            pictures.add(explorer.image.value)
            assert explorer.state["targets"].shape == (L, 4)
            assert explorer.state["outputs"]["LSTM"].shape == (L, 4)
            assert explorer.last_render_ms < RENDER_BUDGET_MS
        assert len(pictures) == 3
        assert "beyond the training lengths 1-5" in explorer.state["title"]

    def test_numbers_are_the_models_own(self, small_models):
        task, ntm, lstm = small_models
        explorer = generalisation_explorer({"mine": ntm}, task, lengths=(6,), seed=3)
        entry = explorer.results[6]
        batch = task.sample(1, torch.Generator().manual_seed(3 * 10_007 + 6), length=6)
        with torch.no_grad():
            logits = ntm(batch.inputs)
        assert np.allclose(entry["targets"], batch.targets[0, 7:].numpy())
        assert np.allclose(entry["outputs"]["mine"], torch.sigmoid(logits[0, 7:]).numpy())
        assert entry["bit_errors"]["mine"] == float(task.bit_errors_per_sequence(logits, batch))
        assert explorer.bit_errors_table() == {6: {"mine": entry["bit_errors"]["mine"]}}

    def test_errors(self, small_models):
        task, ntm, _ = small_models
        with pytest.raises(ValueError, match="length"):
            generalisation_explorer(ntm, make_task("associative_recall"))
        with pytest.raises(ValueError, match="at least one"):
            generalisation_explorer({}, task)
        with pytest.raises(ValueError, match="distinct"):
            generalisation_explorer(ntm, task, lengths=(3, 3))
        with pytest.raises(ValueError, match=">= 1"):
            generalisation_explorer(ntm, task, lengths=(0, 3))
        with pytest.raises(ValueError, match="not a torch model"):
            generalisation_explorer({"NTM": "a string"}, task)
        with pytest.raises(ValueError, match="both be labelled"):
            generalisation_explorer([ntm, ntm], task)
        explorer = generalisation_explorer(ntm, task, lengths=(3,))
        with pytest.raises(ValueError, match="one of"):
            explorer.compute(length=4)


class TestMemoryUseExplorer:
    def test_time_and_length_sliders(self, small_models):
        task, ntm, _ = small_models
        explorer = memory_use_explorer(ntm, task, lengths=(3, 9))
        assert explorer.controls["time"].max == 6 and explorer.state["time"] == 3
        first = explorer.image.value
        explorer.controls["time"].value = 5
        assert explorer.image.value != first and explorer.last_render_ms < RENDER_BUDGET_MS
        explorer.controls["length"].value = 9
        assert explorer.controls["time"].max == 18
        explorer.controls["time"].value = 17
        explorer.controls["length"].value = 3  # the cursor is clamped to the shorter episode
        assert explorer.state["time"] == 6 and explorer.controls["time"].value == 6
        assert set(explorer.summaries) == {3, 9}
        assert len(explorer.summaries[9]["write_locations"]) == 9

    def test_arrays_are_the_models_trace(self, small_models):
        task, ntm, _ = small_models
        explorer = memory_use_explorer(ntm, task, lengths=(4,), seed=1)
        batch = task.sample(1, torch.Generator().manual_seed(10_007 + 4), length=4)
        with torch.no_grad():
            logits, trace = ntm.forward_with_trace(batch.inputs)
        episode = explorer.episodes[4]
        assert np.allclose(episode["write_weights"], trace.write_weights[0, :, 0].numpy())
        assert np.allclose(episode["reads"], trace.reads[0, :, 0].numpy())
        assert np.allclose(episode["outputs"], torch.sigmoid(logits[0]).numpy())
        assert "length" not in explorer.controls  # one length: no length slider

    def test_errors(self, small_models):
        task, ntm, lstm = small_models
        with pytest.raises(ValueError, match="trace"):
            memory_use_explorer(lstm, task)
        with pytest.raises(ValueError, match="head"):
            memory_use_explorer(ntm, task, lengths=(3,), head=1)
        explorer = memory_use_explorer(ntm, task, lengths=(3,))
        with pytest.raises(ValueError, match="time"):
            explorer.compute(time=-1)

    def test_model_labels(self, small_models):
        task, ntm, lstm = small_models
        ff = NTM(task.input_size, task.output_size, controller="feedforward", controller_size=8)
        assert [model_label(m) for m in (ntm, lstm, ff)] == ["NTM", "LSTM", "NTM (FF)"]


# --- exercise checks -----------------------------------------------------------------------------


class TestChecks:
    def test_bits_per_sequence(self):
        def stable(logits, targets, mask):
            nats = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
            return (nats * mask[..., None]).sum() / (logits.shape[0] * math.log(2))

        def naive(logits, targets, mask):
            p = torch.sigmoid(logits)
            bits = -(targets * torch.log2(p) + (1 - targets) * torch.log2(1 - p))
            return (bits * mask[..., None]).sum() / logits.shape[0]

        def in_nats(logits, targets, mask):
            return stable(logits, targets, mask) * math.log(2)

        def unmasked(logits, targets, mask):
            return stable(logits, targets, torch.ones_like(mask))

        assert check_bits_per_sequence(stable)
        assert not check_bits_per_sequence(naive)  # log(sigmoid(40)) overflows to inf
        assert not check_bits_per_sequence(in_nats)
        assert not check_bits_per_sequence(unmasked)

    def test_lstm_parameter_count(self):
        def formula(inputs, outputs, hidden, layers):
            first = 4 * hidden * (inputs + hidden) + 8 * hidden
            others = (layers - 1) * (4 * hidden * 2 * hidden + 8 * hidden)
            return first + others + 2 * layers * hidden + hidden * outputs + outputs

        assert check_lstm_parameter_count(formula)
        assert not check_lstm_parameter_count(lambda i, o, h, n: formula(i, o, h, n) - o)
        assert not check_lstm_parameter_count(lambda i, o, h, n: 4 * h * (i + h) * n)


def test_redraw_is_fast_on_a_real_sized_snapshot():
    """A 128-location, 41-step NTM snapshot: the explorer blits, it does not re-lay out."""
    history = synthetic_history(snapshots=4, B=1, L=20, N=128)
    explorer = snapshot_explorer(history)
    start = time.perf_counter()
    times = timed_redraws(explorer, "snapshot", [1, 2, 3, 0, 1, 2])
    assert statistics.median(times) < RENDER_BUDGET_MS
    assert (time.perf_counter() - start) * 1000 < 6 * RENDER_BUDGET_MS


def test_one_colour_per_model_across_the_series():
    from ntm_edu.viz.base import MODEL_COLORS, model_color

    assert model_color("NTM") == model_color("NTM (ours)") == MODEL_COLORS["NTM"]
    assert model_color("NTM (FF)") == model_color("ntm-ff") == MODEL_COLORS["NTM-FF"]
    assert model_color("LSTM 3x128") == MODEL_COLORS["LSTM"]
    assert model_color("NTMish", 0) != model_color("paper", 1)  # others cycle
    assert model_color("NTMish", 0) not in MODEL_COLORS.values()
