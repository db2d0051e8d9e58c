"""Tests of ntm_edu.viz.memory."""

from __future__ import annotations

import numpy as np
import pytest
from figure_helpers import pipeline_inputs, pixels, softmax
from matplotlib.figure import Figure

from ntm_edu.viz import (
    AddressingPlot,
    MemoryWritePlot,
    addressing_figure,
    figure_to_png,
    memory_figure,
    memory_write_figure,
    weightings_figure,
)


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

    def test_memory_write_figure_axes(self):
        rng = np.random.default_rng(2)
        N, M = 6, 3
        memory = rng.normal(size=(N, M))
        w = softmax(rng.normal(size=N))
        figure = memory_write_figure(
            memory, w, np.full(M, 0.5), np.ones(M), memory, memory, w @ memory, w @ memory
        )
        assert len(figure.axes) == 9  # weighting, 3 memories, colour bar, 4 vectors


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

    def test_sizes(self):
        with pytest.raises(ValueError, match="num_locations and memory_width"):
            MemoryWritePlot(0, 3)


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
