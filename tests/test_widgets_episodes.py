"""Tests of ntm_edu.widgets.episodes."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_edu.widgets import (
    diagram_explorer,
    ngram_explorer,
    task_explorer,
)
from ntm_edu.widgets.episodes import TASK_SLIDERS


def _pixels(png: bytes):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


@pytest.mark.parametrize("name", list(TASK_SLIDERS))
def test_task_explorer_redraws_when_any_slider_moves(name):
    explorer = task_explorer(name)
    assert set(explorer.controls) == set(TASK_SLIDERS[name]) | {"seed"}
    assert repr(explorer) == f"<{name} episodes: controls {', '.join(explorer.controls)}>"
    for control_name, control in explorer.controls.items():
        before = explorer.image.value
        control.value = control.min if control.value != control.min else control.min + 1
        assert explorer.image.value != before, f"{name}: moving {control_name} changed nothing"
        assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_task_explorer_keeps_sort_sliders_consistent():
    explorer = task_explorer("priority_sort")
    explorer.controls["num_inputs"].value = 3  # now below num_outputs = 16: clamped, no error
    assert explorer.image.value


def test_task_explorer_rejects_bad_names_and_configs():
    with pytest.raises(ValueError, match="copy"):
        task_explorer("sorting")
    with pytest.raises(ValueError, match="width"):
        task_explorer("copy", width=0)


def test_task_explorer_static_fallback_shows_frames():
    explorer = task_explorer("copy")
    html = explorer.static_fallback()
    assert html.count("<img") == 4 and "length = 40" in html


def test_ngram_and_diagram_explorers():
    explorer = ngram_explorer()
    before = explorer.image.value
    explorer.controls["seed"].value = 5
    assert explorer.image.value != before
    assert repr(explorer) == "<dynamic N-grams: controls seed>"
    diagram = diagram_explorer()
    before = diagram.image.value
    diagram.controls["read_focus"].value = 7
    assert diagram.image.value != before


@pytest.mark.parametrize(
    "make, moves",
    [
        (lambda: ngram_explorer(), [("seed", 5), ("seed", 17)]),
        (lambda: diagram_explorer(), [("read_focus", 8), ("write_focus", 0)]),
    ],
    ids=["ngrams", "diagram"],
)
def test_live_explorers_show_what_the_static_figure_shows(make, moves):
    """The explorers update a figure laid out once; each frame equals a freshly drawn figure."""
    from ntm_edu.viz.base import figure_to_png

    explorer = make()
    plot = explorer.plot

    def differing(a: bytes, b: bytes) -> int:  # pixels that differ visibly
        return int((np.abs(_pixels(a) - _pixels(b)).max(axis=2) > 60).sum())

    for name, value in moves:
        before = figure_to_png(explorer.render_function(**explorer.values))
        explorer.controls[name].value = value
        assert explorer.plot is plot, "one figure, updated in place"
        fresh = figure_to_png(explorer.render_function(**explorer.values))
        live = explorer.image.value
        assert _pixels(live).shape == _pixels(fresh).shape
        # Equal up to pixel snapping at image edges (< 0.2% of the pixels), and much closer to
        # the new frame than to the previous one.
        assert differing(live, fresh) < 0.002 * _pixels(live)[..., 0].size
        assert differing(live, fresh) * 3 < differing(live, before), f"{name}={value}: stale"
