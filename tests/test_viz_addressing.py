"""Tests of ntm_edu.viz.addressing."""

from __future__ import annotations

import numpy as np
import pytest
from figure_helpers import pipeline_inputs, pixels

from ntm_edu.viz import (
    AddressingPlot,
    addressing_figure,
)


class TestStaticFigures:
    def test_addressing_figure_shows_every_stage(self):
        inputs = pipeline_inputs()
        figure = addressing_figure(**inputs)
        assert len(figure.axes) == 9  # key, memory, similarity, previous, shift, 4 stages
        titles = " ".join(ax.get_title(loc="left") for ax in figure.axes)
        for word in ["content", "interpolate", "shift", "sharpen", "previous", "key"]:
            assert word in titles


class TestBadInput:
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


class TestLivePlots:
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
