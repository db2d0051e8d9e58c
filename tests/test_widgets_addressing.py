"""Tests of ntm_edu.widgets.addressing."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from figure_helpers import pixels
from matplotlib.figure import Figure

from ntm_edu.model.addressing import address_with_stages
from ntm_edu.widgets import (
    KEYS,
    MEMORY_PATTERNS,
    addressing_explorer,
    memory_explorer,
)
from ntm_edu.widgets.base import FALLBACK_DPI

RENDER_BUDGET_MS = 1000  # generous for a loaded CI box; typical redraws are 30-150 ms


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
