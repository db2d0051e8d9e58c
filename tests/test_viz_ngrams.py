"""Tests of ntm_edu.viz.ngrams."""

from __future__ import annotations

import numpy as np
import pytest
from figure_helpers import ngram_figure_data
from matplotlib.figure import Figure

from ntm_edu.viz import (
    context_label,
    context_locations,
    largest_departures,
    location_reuse,
    ngram_inference_figure,
    past_occurrence_read_share,
)

SEQUENCES, LENGTH = 3, 200


@pytest.fixture(scope="module")
def data():
    return ngram_figure_data(SEQUENCES)


def arrow_steps(ax) -> list[float]:
    """x positions of the arrows (annotations with an arrow patch) drawn on one axes."""
    return sorted(
        a.xy[0] for a in ax.texts if getattr(a, "arrow_patch", None) is not None and a.get_visible()
    )


def test_context_label_oldest_bit_first():
    assert context_label(2) == "00010"
    assert context_label(31) == "11111"
    assert context_label(1, bits=2) == "01"
    with pytest.raises(ValueError, match="context must be in \\[0, 31\\]"):
        context_label(32)


def test_largest_departures_are_the_argmax_of_the_gap():
    optimal = np.full(10, 0.5)
    model = optimal.copy()
    model[[3, 7, 8]] = [0.9, 0.1, 0.75]  # gaps 0.4, 0.4, 0.25
    assert largest_departures(model, optimal, 2) == [3, 7]  # tie -> earlier step first
    assert largest_departures(model, optimal, 3) == [3, 7, 8]
    assert largest_departures(model, optimal, 1, window=(5, 10)) == [7]
    assert largest_departures(model, optimal, 5, window=(8, 10)) == [8, 9]
    with pytest.raises(ValueError, match="window"):
        largest_departures(model, optimal, 1, window=(4, 11))
    with pytest.raises(ValueError, match="count"):
        largest_departures(model, optimal, 0)
    with pytest.raises(ValueError, match="steps"):
        largest_departures(model[:5], optimal)


def test_context_locations_and_reuse():
    # Context 1 always read at location 4, context 2 at 0 then 6: reuse (2 + 1) / 4.
    contexts = np.array([-1, 1, 2, 1, 2])
    focus = np.array([9, 4, 0, 4, 6])
    weights = np.eye(10)[focus]  # (T, N) one-hot
    found = context_locations(weights, contexts)
    assert set(found) == {1, 2}
    np.testing.assert_array_equal(found[1], [4, 4])
    np.testing.assert_array_equal(found[2], [0, 6])
    assert location_reuse(weights, contexts) == pytest.approx(3 / 4)
    # offset 1 looks one step later; the last occurrence falls off the end.
    np.testing.assert_array_equal(context_locations(weights, contexts, offset=1)[2], [4])
    assert np.isnan(location_reuse(weights, np.array([-1, 1, 2, 3, 4])))


def test_inference_figure_rows_and_arrows(data):
    bits, optimal, ntm, lstm, _ = data
    marks = largest_departures(ntm[0], optimal[0], 2)
    figure = ngram_inference_figure(bits[0], optimal[0], {"NTM": ntm[0], "LSTM": lstm[0]}, marks)
    assert isinstance(figure, Figure)
    labels = [ax.get_yticklabels()[0].get_text() for ax in figure.axes]
    assert labels == ["Input", "Optimal", "NTM", "LSTM"]
    assert figure.marked_steps == marks
    # Arrows on both model rows at the same steps, none on Input or Optimal.
    assert arrow_steps(figure.axes[2]) == sorted(marks)
    assert arrow_steps(figure.axes[3]) == sorted(marks)
    assert arrow_steps(figure.axes[0]) == arrow_steps(figure.axes[1]) == []
    # Darker = higher: the Optimal row's pixels are the predictions themselves.
    np.testing.assert_allclose(figure.axes[1].images[0].get_array()[0], optimal[0])


def test_inference_figure_window_and_differences(data):
    bits, optimal, ntm, lstm, _ = data
    figure = ngram_inference_figure(
        bits[0], optimal[0], {"NTM": ntm[0], "LSTM": lstm[0]}, marks=[5, 50], window=(40, 70),
        differences=True,
    )  # fmt: skip
    labels = [ax.get_yticklabels()[0].get_text() for ax in figure.axes]
    assert labels[-2:] == ["|NTM - opt|", "|LSTM - opt|"]
    assert figure.marked_steps == [50]  # step 5 lies outside the window
    np.testing.assert_allclose(
        figure.axes[-1].images[0].get_array()[0], np.abs(lstm[0] - optimal[0])[40:70]
    )
    digits = [t.get_text() for t in figure.axes[0].texts]
    assert digits == [str(int(b)) for b in bits[0, 40:70]]  # zoomed: the bits are printed


def test_inference_figure_rejects_bad_input(data):
    bits, optimal, ntm, _, _ = data
    with pytest.raises(ValueError, match="probabilities"):
        ngram_inference_figure(bits[0], optimal[0], {"NTM": ntm[0] + 2})
    with pytest.raises(ValueError, match="steps"):
        ngram_inference_figure(bits[0], optimal[0], {"NTM": ntm[0, :10]})
    with pytest.raises(ValueError, match="0s and 1s"):
        ngram_inference_figure(bits[0] * 0.5 + 0.1, optimal[0], {"NTM": ntm[0]})
    with pytest.raises(ValueError, match="at least one"):
        ngram_inference_figure(bits[0], optimal[0], {})


def test_past_occurrence_read_share_finds_a_log_searched_by_content():
    # A write head that moves one location a step, and a read head that puts its weight on
    # the locations written one step after the earlier occurrences of its context.
    contexts = np.array([-1, 0, 1, 0, 1, 0, 2, 2])
    T, N = len(contexts), 8
    write = np.eye(N)[np.arange(T)]  # step t writes location t
    read = np.full((T, N), 1.0 / N)
    read[3] = np.eye(N)[2]  # context 0 at step 3: seen at 1, recorded at 2
    read[5] = (np.eye(N)[2] + np.eye(N)[4]) / 2  # seen at 1 and 3, recorded at 2 and 4
    read[4] = np.eye(N)[0]  # context 1 at step 4 (recorded at 3): looks elsewhere
    read[7] = np.eye(N)[7]  # context 2 at step 7 (recorded at 7: not yet written)
    share = past_occurrence_read_share(read, write, contexts)
    assert share == pytest.approx((1.0 + 0.0 + 1.0) / 3)  # steps 3, 4, 5; 7 has none yet
    assert np.isnan(past_occurrence_read_share(read[:3], write[:3], contexts[:3]))
    with pytest.raises(ValueError, match="shape"):
        past_occurrence_read_share(read, write[:, :4], contexts)
