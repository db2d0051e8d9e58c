"""Tests of ntm_edu.viz.episodes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from ntm_edu.tasks import make_task, optimal_probabilities
from ntm_edu.viz import (
    EpisodePlot,
    beta_half_prior_figure,
    episode_figure,
    ngram_predictions_figure,
    unscored_spans,
)
from ntm_edu.viz.episodes import UNSCORED_COLOR


def episode(name: str, seed: int = 0, **overrides):
    task = make_task(name)
    batch = task.sample(1, torch.Generator().manual_seed(seed), **overrides)
    return task, batch.inputs[0].numpy(), batch.targets[0].numpy(), batch.mask[0].numpy()


def titles(figure: Figure) -> list[str]:
    return [ax.get_title(loc="left") for ax in figure.axes]


def tint_patches(ax) -> list:
    return [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(_rgb(UNSCORED_COLOR))]


def ytick_labels(ax) -> list[str]:
    return [label.get_text() for label in ax.get_yticklabels()]


BAD_EPISODES = [
    ("inputs not 2-D", lambda i, t, m: (i[:, 0], t, m), "inputs"),
    ("too few channel names", lambda i, t, m: (i[:, :-1], t, m), "channel names"),
    ("targets of another length", lambda i, t, m: (i, t[:-1], m), "targets"),
    ("mask of another length", lambda i, t, m: (i, t, m[:-1]), "mask"),
]


def ngram_sequence(seed: int = 0):
    batch = make_task("ngrams").sample(1, torch.Generator().manual_seed(seed))
    bits = batch.targets[0, :, 0].numpy()
    return bits, optimal_probabilities(bits), batch.info["probabilities"][0].numpy()


def _rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def test_unscored_spans():
    assert unscored_spans([False, False, True, True, False]) == [(0, 2), (4, 5)]
    assert unscored_spans([True, True]) == []
    assert unscored_spans([False]) == [(0, 1)]


def test_copy_episode_layout_labels_and_pixels():
    task, inputs, targets, mask = episode("copy", length=6)
    figure = episode_figure(
        inputs, targets, mask, task.input_channels, task.output_channels, title="copy"
    )
    assert isinstance(figure, Figure)
    assert titles(figure) == ["inputs", "targets"]
    ax_in, ax_out = figure.axes
    assert ytick_labels(ax_in) == task.input_channels
    assert ytick_labels(ax_out) == task.output_channels
    # Inputs drawn as rows (channels) by columns (time steps), darker = 1.
    np.testing.assert_array_equal(ax_in.images[0].get_array(), inputs.T)
    np.testing.assert_array_equal(ax_out.images[0].get_array(), targets.T)
    assert ax_in.images[0].get_cmap().name == "Greys"
    # One tint over the 7 unscored steps (6 data + the delimiter), none over the inputs.
    (span,) = tint_patches(ax_out)
    assert span.get_x() == pytest.approx(-0.5) and span.get_width() == pytest.approx(7)
    assert tint_patches(ax_in) == []
    assert ax_out.get_xlabel() == "time step"
    assert figure.get_suptitle() == "copy"


def test_scalar_channels_get_their_own_bar_axes():
    task, inputs, targets, mask = episode("priority_sort")
    figure = episode_figure(inputs, targets, mask, task.input_channels, task.output_channels)
    assert titles(figure) == ["inputs", "priority (scalar input)", "targets"]
    assert ytick_labels(figure.axes[0]) == [f"bit{i}" for i in range(8)] + ["delimiter"]
    bars = figure.axes[1].patches
    assert len(bars) == 20
    np.testing.assert_allclose(
        sorted(b.get_height() for b in bars), sorted(inputs[:20, 8]), rtol=1e-6
    )
    task, inputs, targets, mask = episode("repeat_copy", repeats=20, length=2)
    figure = episode_figure(inputs, targets, mask, task.input_channels, task.output_channels)
    assert "repeats (scalar input)" in titles(figure)
    (bar,) = figure.axes[1].patches
    assert bar.get_height() == pytest.approx(inputs[2, 9])
    assert figure.axes[1].get_ylim()[1] > inputs[2, 9]  # a count beyond training still shows


def test_outputs_block():
    task, inputs, targets, mask = episode("associative_recall", items=3)
    outputs = np.full_like(targets, 0.3)
    figure = episode_figure(
        inputs, targets, mask, task.input_channels, task.output_channels, outputs=outputs
    )
    assert titles(figure) == ["inputs", "targets", "outputs"]
    np.testing.assert_allclose(figure.axes[2].images[0].get_array(), outputs.T)
    assert len(tint_patches(figure.axes[2])) == 1


def test_episode_plot_reuses_one_figure_and_replaces_old_marks():
    task = make_task("repeat_copy")
    plot = EpisodePlot(task.input_channels, task.output_channels)
    _, inputs, targets, mask = episode("repeat_copy", 0, length=2, repeats=2)
    first = plot.update(inputs, targets, mask, title="a")
    _, inputs2, targets2, mask2 = episode("repeat_copy", 1, length=5, repeats=3)
    second = plot.update(inputs2, targets2, mask2, title="b")
    assert first is second
    targets_ax = plot.axes["targets"]
    assert targets_ax.images[0].get_array().shape == (9, len(mask2))
    assert targets_ax.get_xlim() == pytest.approx((-0.5, len(mask2) - 0.5))
    assert len(tint_patches(targets_ax)) == 1  # the previous episode's tint is gone
    assert len(plot.axes["repeats"].patches) == 1
    assert second.get_suptitle() == "b"


@pytest.mark.parametrize(
    ("case", "mangle", "message"), BAD_EPISODES, ids=[c[0] for c in BAD_EPISODES]
)
def test_plot_episode_rejects_bad_input(case, mangle, message):
    task, inputs, targets, mask = episode("copy", length=3)
    with pytest.raises(ValueError, match=message):
        episode_figure(*mangle(inputs, targets, mask), task.input_channels, task.output_channels)


def test_episode_plot_outputs_must_match_its_layout():
    task, inputs, targets, mask = episode("copy", length=3)
    with pytest.raises(ValueError, match="outputs"):
        EpisodePlot(task.input_channels, task.output_channels).update(
            inputs, targets, mask, outputs=targets
        )
    with pytest.raises(ValueError, match="outputs"):
        EpisodePlot(task.input_channels, task.output_channels, with_outputs=True).update(
            inputs, targets, mask
        )
    with pytest.raises(ValueError, match="outputs"):
        episode_figure(
            inputs, targets, mask, task.input_channels, task.output_channels, outputs=targets[:, :3]
        )


def test_ngram_predictions_figure():
    bits, optimal, true = ngram_sequence()
    figure = ngram_predictions_figure(bits, optimal, true, models={"NTM": optimal * 0.9})
    assert titles(figure) == ["predictions over time", "as rows (darker = 1)"]
    top, rows = figure.axes
    np.testing.assert_allclose(top.lines[1].get_ydata(), optimal)  # after the true step line
    assert ytick_labels(rows) == ["bits", "optimal", "true P(1)", "NTM"]
    image = rows.images[0].get_array()
    assert image.shape == (4, 200)
    np.testing.assert_allclose(image[0], bits)
    np.testing.assert_allclose(image[2], true)
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert legend[:2] == ["true (hidden)", "optimal (eq. 10)"] and "NTM" in legend


def test_ngram_predictions_rejects_bad_input():
    bits, optimal, true = ngram_sequence()
    with pytest.raises(ValueError, match="optimal"):
        ngram_predictions_figure(bits, optimal[:-1], true)
    with pytest.raises(ValueError, match="true P"):
        ngram_predictions_figure(bits, optimal, true * 2)
    with pytest.raises(ValueError, match="bits must be 1-D"):
        ngram_predictions_figure(bits[None], optimal, true)
    with pytest.raises(ValueError, match="LSTM"):
        ngram_predictions_figure(bits, optimal, true, models={"LSTM": optimal[:10]})


def test_beta_prior_histogram():
    samples = np.sin(np.pi * np.random.default_rng(0).random(2000) / 2) ** 2
    figure = beta_half_prior_figure(samples)
    assert titles(figure) == ["Beta(1/2, 1/2) prior"]
    assert len(figure.axes[0].patches) == 40  # histogram bars
    with pytest.raises(ValueError, match="samples"):
        beta_half_prior_figure(samples + 1)
    with pytest.raises(ValueError, match="bins"):
        beta_half_prior_figure(samples, bins=1)
