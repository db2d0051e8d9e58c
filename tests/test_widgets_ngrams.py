"""Tests of ntm_edu.widgets.ngrams."""

from __future__ import annotations

import numpy as np
import pytest
from figure_helpers import ngram_figure_data

from ntm_edu.viz import (
    largest_departures,
)
from ntm_edu.widgets import ngram_inference_explorer

SEQUENCES, LENGTH = 3, 200


@pytest.fixture(scope="module")
def data():
    return ngram_figure_data(SEQUENCES)


def test_inference_explorer_follows_its_controls(data):
    bits, optimal, ntm, lstm, _ = data
    explorer = ngram_inference_explorer(bits, optimal, {"NTM": ntm, "LSTM": lstm})
    assert repr(explorer) == (
        "<Dynamic N-gram inference: controls sequence, zoom, start, differences>"
    )
    start = explorer.controls["start"]
    assert start.disabled, "the window only moves a zoomed view"
    assert start.style.description_width == "initial"  # "window start", never truncated
    seen = {explorer.image.value}
    explorer.controls["sequence"].value = 2
    seen.add(explorer.image.value)
    explorer.controls["zoom"].value = True
    assert not start.disabled
    seen.add(explorer.image.value)
    start.value = 100
    seen.add(explorer.image.value)
    explorer.controls["differences"].value = True
    seen.add(explorer.image.value)
    assert len(seen) == 5  # every move changed the picture
    # The marked steps are the argmax of |p_NTM - p_opt| inside the shown window.
    gap = np.abs(ntm[2, 100:130] - optimal[2, 100:130])
    assert explorer.state["marks"][0] == 100 + int(np.argmax(gap))
    assert explorer.state["marks"] == largest_departures(ntm[2], optimal[2], 2, (100, 130))
    assert explorer.plot.figure.marked_steps == explorer.state["marks"]
    # The live plot shows the window's pixels and labels the columns with absolute steps.
    plot = explorer.plot
    np.testing.assert_allclose(plot.images[1].get_array()[0], optimal[2, 100:130])
    assert [t.get_text() for t in plot.tick_labels][:2] == ["100", "105"]
    assert [t.get_text() for t in plot.digits] == [str(int(b)) for b in bits[2, 100:130]]
    explorer.controls["zoom"].value = False
    assert start.disabled
    assert explorer.state["marks"][0] == int(np.argmax(np.abs(ntm[2] - optimal[2])))
    # The pure renderer draws the same picture as an ordinary figure.
    figure = explorer.render_function(**explorer.values)
    assert figure.marked_steps == explorer.state["marks"]


def test_inference_explorer_updates_artists_instead_of_rebuilding(data):
    bits, optimal, ntm, lstm, _ = data
    explorer = ngram_inference_explorer(bits, optimal, {"NTM": ntm, "LSTM": lstm})
    explorer.controls["zoom"].value = True
    plot = explorer.plot
    images = list(plot.images)
    for value in (1, 2, 0):
        explorer.controls["sequence"].value = value
        assert explorer.plot is plot  # the same figure, built once for this layout
        assert plot.images == images
        np.testing.assert_allclose(
            plot.images[2].get_array()[0], ntm[value, plot.start : plot.start + 30]
        )
    explorer.controls["start"].value = 7
    assert explorer.plot is plot and plot.start == 7
    assert len(explorer._plots) == 4  # whole and zoomed, each with and without differences


def test_inference_explorer_validates(data):
    bits, optimal, ntm, _, _ = data
    with pytest.raises(ValueError, match="shape"):
        ngram_inference_explorer(bits, optimal[:, :10], {"NTM": ntm})
    with pytest.raises(ValueError, match="zoom_width"):
        ngram_inference_explorer(bits, optimal, {"NTM": ntm}, zoom_width=0)
