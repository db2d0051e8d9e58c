"""Tests of ntm_edu.widgets.sorting."""

from __future__ import annotations

import numpy as np

from ntm_edu.widgets import (
    sort_explorer,
)


def test_sort_explorer_highlights_each_step():
    p = np.linspace(1, -1, 6)
    explorer = sort_explorer(p, 3 * p, np.arange(4.0))
    first = explorer.image.value
    explorer.controls["output_step"].value = 3
    assert explorer.image.value != first
    assert explorer.controls["output_step"].max == 3


def test_sort_explorer_moves_only_its_rings():
    import io

    from PIL import Image

    from ntm_edu.viz.base import figure_to_png

    def differing(a, b):
        pa, pb = (np.asarray(Image.open(io.BytesIO(x)).convert("RGB"), float) for x in (a, b))
        return int((np.abs(pa - pb).max(axis=2) > 60).sum())

    p = np.linspace(1, -1, 8)
    explorer = sort_explorer(p, 3 * p + 10, np.arange(6.0) + 4)
    plot = explorer.plot
    for step in (2, 5):
        before = figure_to_png(explorer.render_function(**explorer.values))
        explorer.controls["output_step"].value = step
        assert explorer.plot is plot
        fresh = figure_to_png(explorer.render_function(**explorer.values))
        assert differing(explorer.image.value, fresh) * 3 < differing(explorer.image.value, before)


def test_sort_explorer_with_writes_left_out_moves_the_ring_not_the_hollow_points():
    p = np.linspace(1, -1, 8)
    where = 3 * p + 10
    where[2] = 40.0
    explorer = sort_explorer(p, where, np.arange(6.0) + 4, drop_worst=1)
    hollow = explorer.plot.figure.axes[0].collections[1]
    assert hollow.get_offsets()[0][1] == 40.0
    explorer.controls["output_step"].value = 4
    ring = explorer.plot._tracked[0]
    assert ring is not hollow and hollow.get_offsets()[0][1] == 40.0
    assert tuple(ring.get_offsets()[0]) == (p[4], where[4])
