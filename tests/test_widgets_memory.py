"""Tests of ntm_edu.widgets.memory."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_edu.widgets import (
    focus_weighting,
    memory_explorer,
)

RENDER_BUDGET_MS = 1000  # generous for a loaded CI box; typical redraws are 30-150 ms


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
