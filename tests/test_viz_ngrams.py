"""Tests of the dynamic N-grams figures (`ntm_edu.viz.ngrams`), their explorers
(`ntm_edu.widgets.ngrams`) and the checks of notebook 09 (`ntm_edu.exercises.ngrams`).

Everything runs on synthetic predictions (the optimum plus seeded noise), so no model runs."""

from __future__ import annotations

from math import lgamma, log

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from ntm_edu.exercises.ngrams import (
    HAND_BITS,
    HAND_CONTEXT,
    check_cost_from_counts,
    check_hand_estimate,
)
from ntm_edu.tasks import make_task
from ntm_edu.tasks.ngrams import context_indices, optimal_probabilities
from ntm_edu.viz.ngrams import (
    context_label,
    context_locations,
    largest_departures,
    location_reuse,
    past_occurrence_read_share,
    plot_ngram_inference,
    plot_ngram_learning_curves,
    plot_ngram_memory_use,
)
from ntm_edu.widgets.ngrams import ngram_inference_explorer, ngram_memory_explorer

SEQUENCES, LENGTH = 3, 200


@pytest.fixture(scope="module")
def data():
    """Held-out-like bits, eq. 10 predictions and two noisy 'models' around them."""
    batch = make_task("ngrams").sample(SEQUENCES, torch.Generator().manual_seed(7))
    bits = batch.targets[..., 0].numpy()  # (S, T)
    optimal = optimal_probabilities(bits.astype(float))  # (S, T)
    rng = np.random.default_rng(0)
    ntm = np.clip(optimal + rng.normal(0, 0.05, optimal.shape), 0, 1)
    lstm = np.clip(optimal + rng.normal(0, 0.15, optimal.shape), 0, 1)
    contexts = np.full(bits.shape, -1)
    contexts[:, 5:] = context_indices(torch.as_tensor(bits), 5).numpy()
    return bits, optimal, ntm, lstm, contexts


def arrow_steps(ax) -> list[float]:
    """x positions of the arrows (annotations with an arrow patch) drawn on one axes."""
    return sorted(
        a.xy[0] for a in ax.texts if getattr(a, "arrow_patch", None) is not None and a.get_visible()
    )


# --- helpers ---------------------------------------------------------------------------------


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


# --- the inference figure --------------------------------------------------------------------


def test_inference_figure_rows_and_arrows(data):
    bits, optimal, ntm, lstm, _ = data
    marks = largest_departures(ntm[0], optimal[0], 2)
    figure = plot_ngram_inference(bits[0], optimal[0], {"NTM": ntm[0], "LSTM": lstm[0]}, marks)
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
    figure = plot_ngram_inference(
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
        plot_ngram_inference(bits[0], optimal[0], {"NTM": ntm[0] + 2})
    with pytest.raises(ValueError, match="steps"):
        plot_ngram_inference(bits[0], optimal[0], {"NTM": ntm[0, :10]})
    with pytest.raises(ValueError, match="0s and 1s"):
        plot_ngram_inference(bits[0] * 0.5 + 0.1, optimal[0], {"NTM": ntm[0]})
    with pytest.raises(ValueError, match="at least one"):
        plot_ngram_inference(bits[0], optimal[0], {})


# --- learning curves and memory use ----------------------------------------------------------


def test_learning_curves_draw_the_optimum():
    sequences = np.arange(1, 51) * 160
    costs = 200 - 50 * (1 - np.exp(-np.arange(50) / 10))
    figure = plot_ngram_learning_curves(
        {"NTM": (sequences, costs), "LSTM": (sequences, costs + 3)}, 133.4, smooth=3,
        held_out={"NTM": 151.0},
    )  # fmt: skip
    ax = figure.axes[0]
    levels = [line.get_ydata()[0] for line in ax.lines if len(set(line.get_ydata())) == 1]
    assert 133.4 in levels and 200.0 in levels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "optimal estimator (eq. 10): 133.4" in legend
    curve = ax.lines[0].get_ydata()
    assert len(curve) == 48 and curve[0] == pytest.approx(costs[:3].mean())
    with pytest.raises(ValueError, match="smooth"):
        plot_ngram_learning_curves({"NTM": (sequences, costs)}, 133.4, smooth=0)


def test_memory_use_highlights_the_context(data):
    bits, _, _, _, contexts = data
    rng = np.random.default_rng(1)
    read = rng.dirichlet(np.full(16, 0.1), LENGTH)  # (T, N)
    write = rng.dirichlet(np.full(16, 0.1), LENGTH)
    add = rng.normal(size=(LENGTH, 4))
    context = int(contexts[0, 20])
    figure = plot_ngram_memory_use(bits[0], read, write, add, contexts[0], context=context)
    expected = np.flatnonzero(contexts[0] == context).tolist()
    assert figure.highlighted_steps == expected
    assert context_label(context) in figure.axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="read_weights"):
        plot_ngram_memory_use(bits[0], read[:-1], write, add, contexts[0])
    with pytest.raises(ValueError, match="locations"):
        plot_ngram_memory_use(bits[0], read, write, add, contexts[0], locations=(3, 99))


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


# --- explorers -------------------------------------------------------------------------------


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


def test_memory_explorer_lists_present_contexts(data):
    bits, _, _, _, contexts = data
    rng = np.random.default_rng(2)
    read = rng.dirichlet(np.full(8, 0.1), LENGTH)
    write = rng.dirichlet(np.full(8, 0.1), LENGTH)
    add = rng.normal(size=(LENGTH, 3))
    explorer = ngram_memory_explorer(bits[0], read, write, add, contexts[0])
    options = explorer.controls["context"].options
    present, counts = np.unique(contexts[0][contexts[0] >= 0], return_counts=True)
    assert len(options) == len(present)
    assert options[0][0] == f"{context_label(options[0][1])} (x {counts.max()})"
    first = explorer.image.value
    explorer.controls["context"].value = options[-1][1]
    assert explorer.image.value != first
    # The redraw moved the marks of the live plot to the picked context's steps.
    expected = np.flatnonzero(contexts[0] == options[-1][1]).tolist()
    assert explorer.plot.highlighted_steps == expected
    assert explorer.render_function(context=options[-1][1]).highlighted_steps == expected
    assert explorer.render(context=options[0][1])[:4] == b"\x89PNG"  # a fallback frame
    assert explorer.plot.highlighted_steps == expected  # ... drawn on another plot


# --- exercise checks -------------------------------------------------------------------------


def test_check_hand_estimate():
    answer = optimal_probabilities(np.array(HAND_BITS), context=HAND_CONTEXT)
    assert check_hand_estimate(answer.tolist()).passed
    assert not check_hand_estimate([0.5] * len(HAND_BITS)).passed
    assert not check_hand_estimate(answer[:-1]).passed  # wrong length
    assert "not implemented" in check_hand_estimate(None).message


def _cost_from_counts(bits, context):
    bits = np.asarray(bits).astype(int)
    counts: dict[tuple, list[int]] = {}
    for t in range(context, len(bits)):
        counts.setdefault(tuple(bits[t - context : t]), [0, 0])[bits[t]] += 1

    def log_beta(a, b):
        return lgamma(a) + lgamma(b) - lgamma(a + b)

    nats = sum(log_beta(0.5, 0.5) - log_beta(n1 + 0.5, n0 + 0.5) for n0, n1 in counts.values())
    return nats / log(2) + min(context, len(bits))


def test_check_cost_from_counts():
    assert check_cost_from_counts(_cost_from_counts).passed
    # Forgetting the first `context` fair-coin bits (1 bit each) must fail.
    assert not check_cost_from_counts(lambda b, c: _cost_from_counts(b, c) - c).passed
