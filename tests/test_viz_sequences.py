"""Tests of the sequence-task figures (`ntm_edu.viz.sequences`, `ntm_edu.viz.diagram`) and
their explorers (`ntm_edu.widgets.sequences`), driven without a browser."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from ntm_edu.tasks import make_task, optimal_probabilities
from ntm_edu.viz.diagram import head_weighting, plot_ntm_diagram
from ntm_edu.viz.sequences import (
    UNSCORED_COLOR,
    EpisodePlot,
    plot_beta_half_prior,
    plot_episode,
    plot_ngram_predictions,
    unscored_spans,
)
from ntm_edu.widgets.sequences import (
    TASK_SLIDERS,
    diagram_explorer,
    ngram_explorer,
    task_explorer,
)


def episode(name: str, seed: int = 0, **overrides):
    task = make_task(name)
    batch = task.sample(1, torch.Generator().manual_seed(seed), **overrides)
    return task, batch.inputs[0].numpy(), batch.targets[0].numpy(), batch.mask[0].numpy()


def titles(figure: Figure) -> list[str]:
    return [ax.get_title(loc="left") for ax in figure.axes]


def tint_patches(ax) -> list:
    return [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(_rgb(UNSCORED_COLOR))]


def _rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def ytick_labels(ax) -> list[str]:
    return [label.get_text() for label in ax.get_yticklabels()]


# --- plot_episode ----------------------------------------------------------------------------


def test_unscored_spans():
    assert unscored_spans([False, False, True, True, False]) == [(0, 2), (4, 5)]
    assert unscored_spans([True, True]) == []
    assert unscored_spans([False]) == [(0, 1)]


def test_copy_episode_layout_labels_and_pixels():
    task, inputs, targets, mask = episode("copy", length=6)
    figure = plot_episode(
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
    figure = plot_episode(inputs, targets, mask, task.input_channels, task.output_channels)
    assert titles(figure) == ["inputs", "priority (scalar input)", "targets"]
    assert ytick_labels(figure.axes[0]) == [f"bit{i}" for i in range(8)] + ["delimiter"]
    bars = figure.axes[1].patches
    assert len(bars) == 20
    np.testing.assert_allclose(
        sorted(b.get_height() for b in bars), sorted(inputs[:20, 8]), rtol=1e-6
    )
    task, inputs, targets, mask = episode("repeat_copy", repeats=20, length=2)
    figure = plot_episode(inputs, targets, mask, task.input_channels, task.output_channels)
    assert "repeats (scalar input)" in titles(figure)
    (bar,) = figure.axes[1].patches
    assert bar.get_height() == pytest.approx(inputs[2, 9])
    assert figure.axes[1].get_ylim()[1] > inputs[2, 9]  # a count beyond training still shows


def test_outputs_block():
    task, inputs, targets, mask = episode("associative_recall", items=3)
    outputs = np.full_like(targets, 0.3)
    figure = plot_episode(
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


BAD_EPISODES = [
    ("inputs not 2-D", lambda i, t, m: (i[:, 0], t, m), "inputs"),
    ("too few channel names", lambda i, t, m: (i[:, :-1], t, m), "channel names"),
    ("targets of another length", lambda i, t, m: (i, t[:-1], m), "targets"),
    ("mask of another length", lambda i, t, m: (i, t, m[:-1]), "mask"),
]


@pytest.mark.parametrize(
    ("case", "mangle", "message"), BAD_EPISODES, ids=[c[0] for c in BAD_EPISODES]
)
def test_plot_episode_rejects_bad_input(case, mangle, message):
    task, inputs, targets, mask = episode("copy", length=3)
    with pytest.raises(ValueError, match=message):
        plot_episode(*mangle(inputs, targets, mask), task.input_channels, task.output_channels)


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
        plot_episode(
            inputs, targets, mask, task.input_channels, task.output_channels, outputs=targets[:, :3]
        )


# --- N-gram figures --------------------------------------------------------------------------


def ngram_sequence(seed: int = 0):
    batch = make_task("ngrams").sample(1, torch.Generator().manual_seed(seed))
    bits = batch.targets[0, :, 0].numpy()
    return bits, optimal_probabilities(bits), batch.info["probabilities"][0].numpy()


def test_ngram_predictions_figure():
    bits, optimal, true = ngram_sequence()
    figure = plot_ngram_predictions(bits, optimal, true, models={"NTM": optimal * 0.9})
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
        plot_ngram_predictions(bits, optimal[:-1], true)
    with pytest.raises(ValueError, match="true P"):
        plot_ngram_predictions(bits, optimal, true * 2)
    with pytest.raises(ValueError, match="bits must be 1-D"):
        plot_ngram_predictions(bits[None], optimal, true)
    with pytest.raises(ValueError, match="LSTM"):
        plot_ngram_predictions(bits, optimal, true, models={"LSTM": optimal[:10]})


def test_beta_prior_histogram():
    samples = np.sin(np.pi * np.random.default_rng(0).random(2000) / 2) ** 2
    figure = plot_beta_half_prior(samples)
    assert titles(figure) == ["Beta(1/2, 1/2) prior"]
    assert len(figure.axes[0].patches) == 40  # histogram bars
    with pytest.raises(ValueError, match="samples"):
        plot_beta_half_prior(samples + 1)
    with pytest.raises(ValueError, match="bins"):
        plot_beta_half_prior(samples, bins=1)


# --- the NTM diagram -------------------------------------------------------------------------


def test_head_weighting_is_a_circular_focus():
    w = head_weighting(10, 0)
    assert w.sum() == pytest.approx(1) and w.argmax() == 0
    assert w[1] == pytest.approx(w[9])  # location 9 is next to location 0 (circular memory)
    assert head_weighting(10, 3, sharpness=5).max() > head_weighting(10, 3, sharpness=0.5).max()
    with pytest.raises(ValueError, match="locations"):
        head_weighting(1, 0)


def test_ntm_diagram():
    figure = plot_ntm_diagram(read_focus=1, write_focus=8)
    assert titles(figure) == ["Neural Turing Machine"]
    texts = " ".join(t.get_text() for t in figure.axes[0].texts)
    for word in ["controller", "read head", "write head", "memory"]:
        assert word in texts
    with pytest.raises(ValueError, match="read_focus"):
        plot_ntm_diagram(read_focus=10)
    with pytest.raises(ValueError, match="locations"):
        plot_ntm_diagram(locations=40)


# --- explorers -------------------------------------------------------------------------------


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


def _pixels(png: bytes):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


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
