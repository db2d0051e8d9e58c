"""Memory/addressing figures and explorers: right axes, right numbers, fast redraws, clear errors.

The explorers are driven without a browser: set a control's value, then check that the PNG
changed, that the arrays behind it equal the package's own `address` / `write` / `read` on
the same parameters (computed here independently, in float64), and that the bars drawn are
those arrays.
"""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image

from ntm_edu.model import NTM
from ntm_edu.model.addressing import address_with_stages
from ntm_edu.viz import figure_to_png
from ntm_edu.viz.memory import (
    AddressingPlot,
    HeadActivityPlot,
    MemoryWritePlot,
    addressing_figure,
    cost_curve_figure,
    head_activity_figure,
    memory_figure,
    memory_write_figure,
    weightings_figure,
)
from ntm_edu.widgets.base import FALLBACK_DPI
from ntm_edu.widgets.memory import (
    KEYS,
    MEMORY_PATTERNS,
    addressing_explorer,
    focus_weighting,
    head_activity_explorer,
    memory_explorer,
    trace_explorer,
)

RENDER_BUDGET_MS = 1000  # generous for a loaded CI box; typical redraws are 30-150 ms


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def pipeline_inputs(N: int = 9, M: int = 4, S: int = 3, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    stages = {name: softmax(rng.normal(size=N) * 2) for name in AddressingPlot_STAGES}
    return dict(
        memory=rng.normal(size=(N, M)),
        key=rng.normal(size=M),
        similarity=rng.uniform(-1, 1, N),
        w_prev=softmax(rng.normal(size=N)),
        shift=softmax(rng.normal(size=S)),
        stages=stages,
        beta=3.0,
        gate=0.4,
        gamma=2.5,
    )


AddressingPlot_STAGES = ("content", "gated", "shifted", "sharpened")


# --- static figures ------------------------------------------------------------------------------


class TestStaticFigures:
    def test_memory_figure_axes(self):
        memory = np.random.default_rng(1).normal(size=(7, 5))
        w = softmax(np.arange(7.0))
        assert len(memory_figure(memory).axes) == 2  # memory + colour bar
        figure = memory_figure(memory, w, w @ memory)
        assert isinstance(figure, Figure)
        assert len(figure.axes) == 4  # memory, colour bar, weighting, read vector
        weighting_axes = figure.axes[2]
        shown = [bar.get_width() for bar in weighting_axes.patches]
        np.testing.assert_allclose(shown, w)

    def test_weightings_figure_draws_the_values(self):
        a, b = softmax(np.arange(5.0)), softmax(-np.arange(5.0))
        figure = weightings_figure({"a": a, "b": b}, ghosts={"b": a}, title="t")
        assert len(figure.axes) == 2
        for ax, expected in zip(figure.axes, [a, b], strict=True):
            np.testing.assert_allclose([bar.get_height() for bar in ax.patches], expected)
        assert len(figure.axes[1].lines) == 1  # the dashed ghost
        # the largest bar is highlighted, the others not
        colors = {tuple(bar.get_facecolor()) for bar in figure.axes[0].patches}
        assert len(colors) == 2

    def test_addressing_figure_shows_every_stage(self):
        inputs = pipeline_inputs()
        figure = addressing_figure(**inputs)
        assert len(figure.axes) == 9  # key, memory, similarity, previous, shift, 4 stages
        titles = " ".join(ax.get_title(loc="left") for ax in figure.axes)
        for word in ["content", "interpolate", "shift", "sharpen", "previous", "key"]:
            assert word in titles

    def test_memory_write_figure_axes(self):
        rng = np.random.default_rng(2)
        N, M = 6, 3
        memory = rng.normal(size=(N, M))
        w = softmax(rng.normal(size=N))
        figure = memory_write_figure(
            memory, w, np.full(M, 0.5), np.ones(M), memory, memory, w @ memory, w @ memory
        )
        assert len(figure.axes) == 9  # weighting, 3 memories, colour bar, 4 vectors

    def test_head_activity_figure_axes(self):
        T, I, O, M, N = 5, 3, 2, 4, 6
        rng = np.random.default_rng(3)
        figure = head_activity_figure(
            rng.integers(0, 2, (T, I)),
            rng.random((T, O)),
            rng.uniform(-1, 1, (T, M)),
            rng.uniform(-1, 1, (T, M)),
            softmax(rng.normal(size=(T, N))),
            softmax(rng.normal(size=(T, N))),
            time=2,
        )
        assert len(figure.axes) == 8

    def test_cost_curve_figure(self):
        figure = cost_curve_figure({"NTM": ([0, 1, 2], [8.0, 4.0, 1.0])}, title="copy")
        (ax,) = figure.axes
        np.testing.assert_allclose(ax.lines[0].get_ydata(), [8.0, 4.0, 1.0])


class TestBadInput:
    def test_memory_must_be_2d(self):
        with pytest.raises(ValueError, match="memory must be 2-D"):
            memory_figure(np.zeros(5))

    def test_weighting_length_must_match(self):
        with pytest.raises(ValueError, match=r"w must have shape \(7,\)"):
            memory_figure(np.zeros((7, 2)), w=np.ones(6) / 6)

    def test_negative_weighting(self):
        with pytest.raises(ValueError, match="non-negative"):
            weightings_figure({"w": [0.5, -0.5, 1.0]})

    def test_nan(self):
        with pytest.raises(ValueError, match="NaN"):
            weightings_figure({"w": [0.5, np.nan, 0.5]})

    def test_empty_and_unknown_ghost(self):
        with pytest.raises(ValueError, match="at least one"):
            weightings_figure({})
        with pytest.raises(ValueError, match="ghosts"):
            weightings_figure({"a": [1.0, 0.0]}, ghosts={"b": [1.0, 0.0]})

    def test_shift_width(self):
        with pytest.raises(ValueError, match="shift_width must be odd"):
            AddressingPlot(8, 3, shift_width=2)
        with pytest.raises(ValueError, match="shift_width must be odd"):
            AddressingPlot(3, 3, shift_width=5)

    def test_missing_stage(self):
        inputs = pipeline_inputs()
        del inputs["stages"]["shifted"]
        with pytest.raises(ValueError, match="missing"):
            addressing_figure(**inputs)

    def test_time_out_of_range(self):
        plot = HeadActivityPlot(3, 1, 1, 2, 4)
        z = np.zeros
        with pytest.raises(ValueError, match=r"time must be an integer in \[0, 2\]"):
            plot.update(z((3, 1)), z((3, 1)), z((3, 2)), z((3, 2)), z((3, 4)), z((3, 4)), time=3)

    def test_sizes(self):
        with pytest.raises(ValueError, match="num_locations and memory_width"):
            MemoryWritePlot(0, 3)
        with pytest.raises(ValueError, match="steps must be >= 1"):
            HeadActivityPlot(0, 1, 1, 1, 1)


class TestLivePlots:
    def test_blitted_png_matches_the_static_figure(self):
        """The fast path (background + changed artists) draws the same picture as a full draw."""
        inputs = pipeline_inputs()
        live = AddressingPlot(9, 4, 3, live=True)
        live.update(**inputs)
        static = addressing_figure(**inputs)
        a, b = pixels(live.png()), pixels(figure_to_png(static))
        assert a.shape == b.shape
        different = np.mean(np.abs(a - b).max(-1) > 40)
        assert different < 0.01, f"{different:.1%} of the pixels differ"

    def test_live_png_changes_with_the_data(self):
        inputs = pipeline_inputs()
        plot = AddressingPlot(9, 4, 3, live=True)
        plot.update(**inputs)
        first = plot.png()
        inputs["stages"]["sharpened"] = np.eye(9)[0]
        plot.update(**inputs)
        assert plot.png() != first
        np.testing.assert_allclose(plot.shown_weightings()["sharpened"], np.eye(9)[0])

    def test_changing_only_the_stages_redraws_the_same_picture(self):
        inputs = pipeline_inputs()
        reused = AddressingPlot(9, 4, 3, live=True)
        reused.update(**inputs)
        reused.png()
        inputs["stages"] = {name: w[::-1].copy() for name, w in inputs["stages"].items()}
        inputs["beta"] = 7.0
        reused.update(**inputs)
        assert not reused._data_changed  # the top row is cached
        fresh = AddressingPlot(9, 4, 3, live=True)
        fresh.update(**inputs)
        np.testing.assert_array_equal(pixels(reused.png()), pixels(fresh.png()))

    def test_moving_only_the_time_redraws_the_same_picture(self):
        """The cached heatmap layer is reused for a new time step, and looks like a full draw."""
        T, I, O, M, N = 6, 3, 2, 4, 8
        rng = np.random.default_rng(4)
        arrays = (
            rng.integers(0, 2, (T, I)),
            rng.random((T, O)),
            rng.uniform(-1, 1, (T, M)),
            rng.uniform(-1, 1, (T, M)),
            softmax(rng.normal(size=(T, N)) * 3),
            softmax(rng.normal(size=(T, N)) * 3),
        )
        reused = HeadActivityPlot(T, I, O, M, N, live=True)
        reused.update(*arrays, time=1)
        reused.png()
        reused.update(*arrays, time=4)
        assert not reused._data_changed  # only the overlay moves
        fresh = HeadActivityPlot(T, I, O, M, N, live=True)
        fresh.update(*arrays, time=4)
        np.testing.assert_array_equal(pixels(reused.png()), pixels(fresh.png()))
        np.testing.assert_allclose(reused.shown_slices()["read_weights"], arrays[5][4])
        other = (arrays[0], arrays[1], -arrays[2], *arrays[3:])
        reused.update(*other, time=4)
        assert reused._data_changed  # new data: the heatmaps are redrawn
        fresh.update(*other, time=4)
        np.testing.assert_array_equal(pixels(reused.png()), pixels(fresh.png()))


# --- explorers ------------------------------------------------------------------------------------


def reference_address(state: dict) -> dict:
    """`address` on the explorer's inputs, in float64 (independent of the explorer's tensors)."""

    def t(x):
        return torch.as_tensor(np.asarray(x, dtype=np.float64))

    w, stages = address_with_stages(
        t(state["memory"])[None],
        t(state["key"])[None, None],
        t([[state["beta"]]]),
        t([[state["gate"]]]),
        t(state["shift"])[None, None],
        t([[state["gamma"]]]),
        t(state["w_prev"])[None, None],
    )
    return {
        "content": stages.content[0, 0].numpy(),
        "gated": stages.gated[0, 0].numpy(),
        "shifted": stages.shifted[0, 0].numpy(),
        "sharpened": w[0, 0].numpy(),
    }


@pytest.fixture(scope="module")
def addressing():
    return addressing_explorer()


class TestAddressingExplorer:
    def test_repr_is_short_and_stable(self, addressing):
        assert repr(addressing).startswith("<Addressing explorer")
        assert "0x" not in repr(addressing)

    @pytest.mark.parametrize(
        "name, value",
        [
            ("beta", 30.0),
            ("g", 0.0),
            ("s_minus", 1.0),
            ("s_plus", 0.0),
            ("gamma", 8.0),
            ("prev_focus", 3),
            ("memory", "repeats every 4 rows"),
            ("key", "opposite of row 3"),
        ],
    )
    def test_each_control_redraws_the_right_weightings(self, addressing, name, value):
        before = addressing.image.value
        start = time.perf_counter()
        addressing.controls[name].value = value
        elapsed_ms = (time.perf_counter() - start) * 1000
        assert addressing.image.value != before, f"moving {name} did not change the picture"
        state = addressing.state
        # the parameters really passed are the control values
        assert state["beta"] == pytest.approx(addressing.controls["beta"].value)
        assert state["gate"] == pytest.approx(addressing.controls["g"].value)
        assert state["gamma"] == pytest.approx(addressing.controls["gamma"].value)
        raw = np.array([addressing.controls[k].value for k in ("s_minus", "s_zero", "s_plus")])
        np.testing.assert_allclose(state["shift"], raw / raw.sum())
        assert np.argmax(state["w_prev"]) == addressing.controls["prev_focus"].value
        # the weightings equal address() of the same parameters ...
        expected = reference_address(state)
        for stage, w in expected.items():
            np.testing.assert_allclose(state[stage], w, atol=1e-5, err_msg=stage)
        # ... and the bars show exactly those weightings
        shown = addressing.plot.shown_weightings()
        for stage, w in expected.items():
            np.testing.assert_allclose(shown[stage], w, atol=1e-5, err_msg=stage)
        np.testing.assert_allclose(shown["previous"], state["w_prev"])
        assert addressing.last_render_ms < RENDER_BUDGET_MS
        assert elapsed_ms < RENDER_BUDGET_MS

    def test_shift_plus_one_moves_the_focus_right(self, addressing):
        c = addressing.controls
        c["g"].value = 0.0  # ignore content: shift the previous focus
        c["prev_focus"].value = 5
        c["s_minus"].value, c["s_zero"].value, c["s_plus"].value = 0.0, 0.0, 1.0
        assert np.argmax(addressing.state["sharpened"]) == 6
        c["s_plus"].value, c["s_minus"].value = 0.0, 1.0
        assert np.argmax(addressing.state["sharpened"]) == 4

    def test_all_zero_shift_means_no_shift(self, addressing):
        c = addressing.controls
        c["s_minus"].value = c["s_zero"].value = c["s_plus"].value = 0.0
        np.testing.assert_allclose(addressing.state["shift"], [0, 1, 0])
        np.testing.assert_allclose(
            addressing.state["shifted"], addressing.state["gated"], atol=1e-6
        )

    def test_equal_rows_give_a_uniform_content_weighting(self, addressing):
        addressing.controls["memory"].value = "all rows equal"
        content = addressing.state["content"]
        np.testing.assert_allclose(content, np.full(len(content), 1 / len(content)), atol=1e-6)

    def test_every_memory_and_key_renders(self, addressing):
        for memory in MEMORY_PATTERNS:
            for key in KEYS:
                state = addressing.compute(**{**addressing.values, "memory": memory, "key": key})
                np.testing.assert_allclose(state["sharpened"].sum(), 1.0, atol=1e-5)

    def test_static_frames_leave_the_live_state_alone(self, addressing):
        state = dict(addressing.state)
        html = addressing.static_fallback()
        assert "data:image/png" in html
        frame = addressing.render(gamma=4.0)  # a fallback frame: PNG bytes, low resolution
        assert isinstance(frame, bytes) and frame != addressing.image.value
        assert pixels(frame).shape[1] == pytest.approx(11.0 * FALLBACK_DPI, abs=2)
        assert isinstance(addressing.render_function(**addressing.values), Figure)
        np.testing.assert_array_equal(addressing.state["sharpened"], state["sharpened"])

    def test_render_time(self, addressing):
        times = []
        for gamma in [1.0, 3.0, 6.0, 12.0, 20.0]:
            addressing.controls["gamma"].value = gamma
            times.append(addressing.last_render_ms)
        print(f"addressing explorer redraw: median {np.median(times):.0f} ms")
        assert np.median(times) < RENDER_BUDGET_MS

    def test_bad_values(self, addressing):
        with pytest.raises(ValueError, match="gamma must be >= 1"):
            addressing.compute(**{**addressing.values, "gamma": 0.5})
        with pytest.raises(ValueError, match="memory must be one of"):
            addressing.compute(**{**addressing.values, "memory": "nope"})
        with pytest.raises(ValueError, match="num_locations"):
            addressing_explorer(num_locations=2)


class TestMemoryExplorer:
    def test_state_follows_equations_2_to_4(self):
        explorer = memory_explorer(num_locations=9, memory_width=4)
        explorer.controls["add"].value = "ramp -1 .. 1"
        explorer.controls["erase"].value = 0.75
        explorer.controls["focus"].value = 3
        s = explorer.state
        w, e, a, memory = s["weighting"], s["erase"], s["add"], s["memory_before"]
        np.testing.assert_allclose(a, np.linspace(-1, 1, 4))
        np.testing.assert_allclose(e, 0.75)
        erased = memory * (1 - np.outer(w, e))  # eq. 3
        after = erased + np.outer(w, a)  # eq. 4
        np.testing.assert_allclose(s["memory_erased"], erased, atol=1e-6)
        np.testing.assert_allclose(s["memory_after"], after, atol=1e-6)
        np.testing.assert_allclose(s["read_before"], w @ memory, atol=1e-6)  # eq. 2
        np.testing.assert_allclose(s["read_after"], w @ after, atol=1e-6)
        np.testing.assert_allclose(explorer.plot.shown_weighting(), w)
        assert np.argmax(w) == 3

    def test_full_erase_on_a_sharp_focus_replaces_the_row(self):
        explorer = memory_explorer(num_locations=8, memory_width=3)
        before = explorer.image.value
        explorer.controls["sharpness"].value = 8.0
        explorer.controls["erase"].value = 1.0
        explorer.controls["add"].value = "minus ones"
        assert explorer.image.value != before
        focus = explorer.controls["focus"].value
        np.testing.assert_allclose(explorer.state["memory_after"][focus], -1.0, atol=2e-3)
        assert explorer.last_render_ms < RENDER_BUDGET_MS

    def test_focus_weighting(self):
        w = focus_weighting(6, 5, 1.0)
        assert w.sum() == pytest.approx(1.0)
        assert w[0] == pytest.approx(w[4])  # circular: 0 and 4 are both next to 5
        np.testing.assert_allclose(focus_weighting(4, 0, 0.0), 0.25)
        with pytest.raises(ValueError, match="focus must be an integer"):
            focus_weighting(4, 4, 1.0)
        with pytest.raises(ValueError, match="sharpness"):
            focus_weighting(4, 0, -1.0)

    def test_bad_values(self):
        explorer = memory_explorer(num_locations=4, memory_width=2)
        with pytest.raises(ValueError, match="add must be one of"):
            explorer.compute(focus=0, sharpness=1.0, erase=0.5, add="nope")
        with pytest.raises(ValueError, match=r"erase must be in \[0, 1\]"):
            explorer.compute(focus=0, sharpness=1.0, erase=2.0, add="ones")


class TestTraceExplorer:
    @pytest.fixture(scope="class")
    @classmethod
    def traced(cls):
        torch.manual_seed(0)
        model = NTM(
            3, 2, controller="feedforward", controller_size=8, memory_locations=10, memory_width=4
        )
        inputs = torch.bernoulli(torch.full((3, 6, 3), 0.5))
        with torch.no_grad():
            logits, trace = model.forward_with_trace(inputs)
        return inputs, logits, trace

    def test_state_is_the_trace(self, traced):
        inputs, logits, trace = traced
        explorer = trace_explorer(inputs, logits, trace, max_locations=10)
        before = explorer.image.value
        explorer.controls["example"].value = 2
        explorer.controls["time"].value = 4
        assert explorer.image.value != before
        s = explorer.state
        np.testing.assert_allclose(s["write_weights"], trace.write_weights[2, :, 0].numpy())
        np.testing.assert_allclose(s["read_weights"], trace.read_weights[2, :, 0].numpy())
        np.testing.assert_allclose(s["outputs"], torch.sigmoid(logits[2]).numpy(), atol=1e-6)
        shown = explorer.plot.shown_slices()
        np.testing.assert_allclose(shown["write_weights"], trace.write_weights[2, 4, 0].numpy())
        assert explorer.last_render_ms < RENDER_BUDGET_MS

    def test_crops_to_the_visited_locations(self):
        B, T, N = 2, 4, 100
        w = np.zeros((B, T, N))
        w[:, :, 20] = 1.0
        z = np.zeros((B, T, 3))
        explorer = head_activity_explorer(z, z[..., :2], z, z, w, w)
        assert explorer.locations == 23  # location 20 plus a margin of 2
        assert explorer.state["write_weights"].shape == (T, 23)

    def test_bad_shapes(self, traced):
        inputs, logits, trace = traced
        with pytest.raises(ValueError, match="batch and time"):
            head_activity_explorer(
                inputs,
                logits[:, :3],
                trace.add[:, :, 0],
                trace.reads[:, :, 0],
                trace.write_weights[:, :, 0],
                trace.read_weights[:, :, 0],
            )
        with pytest.raises(ValueError, match="head must be an integer"):
            trace_explorer(inputs, logits, trace, head=1)


def test_sliders_leave_a_usable_track_beside_their_labels(addressing):
    # The issue: "g gate (1 = content)" left a ~30 px track in a 260 px slider.
    for explorer in (addressing, memory_explorer()):
        for name, control in explorer.controls.items():
            if not hasattr(control, "readout") or control.layout.width is None:
                continue
            width = int(control.layout.width.removesuffix("px"))
            label = 7 * len(control.description)  # JupyterLab's 13 px UI font, generously
            assert width - label >= 200, f"{name}: {width} px for a {label} px label"


def test_beta_starts_exactly_at_its_default():
    beta = addressing_explorer().controls["beta"]
    assert beta.value == 5.0 and beta.label == "5"  # was 10 ** 0.70 = 5.01
    assert [value for _, value in beta.options][::3] == [0.1, 0.5, 1.5, 5, 15, 50]
