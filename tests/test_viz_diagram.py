"""Tests of ntm_edu.viz.diagram."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from ntm_edu.viz import (
    head_weighting,
    ntm_diagram_figure,
)


def titles(figure: Figure) -> list[str]:
    return [ax.get_title(loc="left") for ax in figure.axes]


def test_head_weighting_is_a_circular_focus():
    w = head_weighting(10, 0)
    assert w.sum() == pytest.approx(1) and w.argmax() == 0
    assert w[1] == pytest.approx(w[9])  # location 9 is next to location 0 (circular memory)
    assert head_weighting(10, 3, sharpness=5).max() > head_weighting(10, 3, sharpness=0.5).max()
    with pytest.raises(ValueError, match="locations"):
        head_weighting(1, 0)


def test_ntm_diagram():
    figure = ntm_diagram_figure(read_focus=1, write_focus=8)
    assert titles(figure) == ["Neural Turing Machine"]
    texts = " ".join(t.get_text() for t in figure.axes[0].texts)
    for word in ["controller", "read head", "write head", "memory"]:
        assert word in texts
    with pytest.raises(ValueError, match="read_focus"):
        ntm_diagram_figure(read_focus=10)
    with pytest.raises(ValueError, match="locations"):
        ntm_diagram_figure(locations=40)
