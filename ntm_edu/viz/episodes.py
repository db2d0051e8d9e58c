"""Figures of the paper's sequence tasks (Graves et al. 2014, §4): episodes and N-gram predictions.

`episode_figure` draws one episode the way the paper's Figs. 4, 8, 10 and 16 do: input rows above
target rows, one column per time step, darker = 1. Scalar channels that are not bits (the
repeat count, the sort priorities) get a bar chart of their own, aligned in time, because a
gray level cannot show a sign. Steps that are not scored are tinted, so it is plain which
outputs the cost counts.

`ngram_predictions_figure` puts the Bayes-optimal estimator (eq. 10) next to the hidden true
probabilities of a dynamic N-gram sequence, like the rows of Fig. 14.

Pure functions: NumPy arrays in, `matplotlib.figure.Figure` out; no torch, no pyplot.

Taught in `notebooks/01_sequence_tasks`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ntm_edu.viz.base import UNSCORED_TINT, heatmap, new_figure

__all__ = [
    "episode_figure",
    "EpisodePlot",
    "episode_figure_width",
    "ngram_predictions_figure",
    "beta_half_prior_figure",
    "unscored_spans",
]

UNSCORED_COLOR = UNSCORED_TINT  # a light blue tint: visible on a grayscale image, clearly not data
SCALAR_CHANNELS = ("repeats", "priority")  # channels holding a real number rather than a bit


def unscored_spans(mask: Any) -> list[tuple[int, int]]:
    """Runs of unscored steps as (start, stop) pairs, stop exclusive.

    Example: [F, F, T, T, F] -> [(0, 2), (4, 5)].
    """
    mask = np.asarray(mask, dtype=bool)
    spans, start = [], None
    for t, scored in enumerate(mask):
        if not scored and start is None:
            start = t
        elif scored and start is not None:
            spans.append((start, t))
            start = None
    if start is not None:
        spans.append((start, len(mask)))
    return spans


def _as_2d(name: str, values: Any, steps: int | None, channels: Sequence[str]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (T, channels), got shape {array.shape}")
    if steps is not None and array.shape[0] != steps:
        raise ValueError(f"{name} has {array.shape[0]} time steps, expected {steps}")
    if array.shape[1] != len(channels):
        raise ValueError(
            f"{name} has {array.shape[1]} channels but {len(channels)} channel names were given"
        )
    return array


def episode_figure_width(steps: int) -> float:
    """A width (inches) that keeps one time step readable, between 6 and 13 inches."""
    return float(np.clip(2.0 + 0.11 * steps, 6.0, 13.0))


class EpisodePlot:
    """A reusable episode figure: build the axes once, then `update` with each episode.

    `episode_figure` uses it once; explorers keep one and update it on every slider move, so the
    layout is computed once and the picture keeps its size while the episode length changes
    (the time axis stretches instead of the image jumping around the page).

    Args:
        input_channels, output_channels: a name per column; fixed for the plot's lifetime.
        with_outputs: draw a third block for model outputs.
        width: figure width in inches (see `episode_figure_width`).
        scalar_channels: input channels drawn as signed bars instead of gray levels.
    """

    def __init__(
        self,
        input_channels: Sequence[str],
        output_channels: Sequence[str],
        with_outputs: bool = False,
        width: float = 8.0,
        scalar_channels: Sequence[str] = SCALAR_CHANNELS,
    ):
        self.input_channels = list(input_channels)
        self.output_channels = list(output_channels)
        self.with_outputs = with_outputs
        self.bit_rows = [i for i, n in enumerate(input_channels) if n not in scalar_channels]
        self.scalar_rows = [i for i, n in enumerate(input_channels) if n in scalar_channels]
        panels: list[tuple[str, float]] = [("inputs", max(len(self.bit_rows), 1.5))]
        panels += [(self.input_channels[i], 1.6) for i in self.scalar_rows]
        panels.append(("targets", max(len(output_channels), 1.5)))
        if with_outputs:
            panels.append(("outputs", max(len(output_channels), 1.5)))
        height = 0.9 + 0.16 * sum(size for _, size in panels) + 0.25 * len(panels)
        self.figure = new_figure(width, height)
        grid = self.figure.add_gridspec(len(panels), 1, height_ratios=[s for _, s in panels])
        self.axes: dict[str, Any] = {}
        self.images: dict[str, Any] = {}
        first = None
        for index, (name, _) in enumerate(panels):
            ax = self.figure.add_subplot(grid[index], sharex=first)
            if first is None:
                first = ax
                # Shared by every panel (sharex): whole time steps only, even for tiny episodes.
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if name in ("inputs", "targets", "outputs"):
                labels = (
                    [self.input_channels[i] for i in self.bit_rows]
                    if name == "inputs"
                    else self.output_channels
                )
                zeros = np.zeros((len(labels), 2))
                self.images[name] = heatmap(ax, zeros, row_labels=labels, title=name, xlabel=None)
            else:
                ax.axhline(0, color="0.6", lw=0.6)
                ax.set_title(f"{name} (scalar input)", loc="left")
                ax.tick_params(axis="y", labelsize=7)
            if index < len(panels) - 1:
                ax.tick_params(labelbottom=False)
            self.axes[name] = ax
        self.axes[panels[-1][0]].set_xlabel("time step")
        self.title = self.figure.suptitle("", x=0.01, ha="left", fontsize=10)
        self.figure.text(
            0.995, 0.005, "tinted: not scored", ha="right", va="bottom", fontsize=7, color="#4a7fa8"
        )
        self._temporary: list[Any] = []  # tint spans and bars, replaced on every update
        self._layout_done = False

    def update(
        self, inputs: Any, targets: Any, mask: Any, outputs: Any = None, title: str | None = None
    ) -> Figure:
        """Show one episode (shapes as in `episode_figure`); returns the updated figure."""
        inputs = _as_2d("inputs", inputs, None, self.input_channels)
        steps = inputs.shape[0]
        targets = _as_2d("targets", targets, steps, self.output_channels)
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (steps,):
            raise ValueError(f"mask must have shape ({steps},), got {mask.shape}")
        if outputs is not None and not self.with_outputs:
            raise ValueError("this plot was built without an outputs block (with_outputs=False)")
        if self.with_outputs:
            if outputs is None:
                raise ValueError("outputs are required: this plot has an outputs block")
            outputs = _as_2d("outputs", outputs, steps, self.output_channels)

        for artist in self._temporary:
            artist.remove()
        self._temporary = []
        blocks = {"inputs": inputs[:, self.bit_rows], "targets": targets, "outputs": outputs}
        for name, image in self.images.items():
            rows = blocks[name].shape[1]
            image.set_data(blocks[name].T)  # (rows, T)
            image.set_extent((-0.5, steps - 0.5, rows - 0.5, -0.5))
            if name != "inputs":
                for start, stop in unscored_spans(mask):
                    span = self.axes[name].axvspan(
                        start - 0.5, stop - 0.5, color=UNSCORED_COLOR, alpha=0.35, lw=0
                    )
                    self._temporary.append(span)
        for index in self.scalar_rows:
            name = self.input_channels[index]
            self._temporary.append(_scalar_bars(self.axes[name], inputs[:, index]))
        self.axes["inputs"].set_xlim(-0.5, steps - 0.5)
        self.title.set_text(title or "")
        if not self._layout_done:
            # Lay out once (constrained layout is the slow part of a redraw), then freeze it.
            self.figure.draw_without_rendering()
            self.figure.set_layout_engine("none")
            self._layout_done = True
        return self.figure


def _scalar_bars(ax: Any, values: np.ndarray) -> Any:
    steps = np.arange(len(values))
    shown = values != 0  # zero means "no value at this step", not a value of zero
    artists = [ax.bar(steps[shown], values[shown], width=0.8, color="0.25")]
    limit = max(1.0, float(np.abs(values).max()) * 1.1)
    ax.set_ylim(-limit, limit)
    if 0 < shown.sum() <= 3:  # a lone value (the repeat count) is easier read than seen
        for t in steps[shown]:
            artists.append(
                ax.annotate(
                    f" {values[t]:+.2f}",
                    (t + 0.5, 0),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                )
            )
    return _Group(artists)


class _Group:
    """Several artists removed together (what `EpisodePlot.update` replaces each time)."""

    def __init__(self, artists: list[Any]):
        self.artists = artists

    def remove(self) -> None:
        for artist in self.artists:
            artist.remove()


def episode_figure(
    inputs: Any,
    targets: Any,
    mask: Any,
    input_channels: Sequence[str],
    output_channels: Sequence[str],
    outputs: Any = None,
    title: str | None = None,
    scalar_channels: Sequence[str] = SCALAR_CHANNELS,
) -> Figure:
    """One episode as stacked heatmaps: inputs, targets and (optionally) the model's outputs.

    Args:
        inputs:  [T, I] what the model sees (bits in [0, 1]; scalar channels any real value).
        targets: [T, O] what it should emit.
        mask:    [T] bool, True where the outputs are scored; the other steps are tinted.
        input_channels, output_channels: a name per column, used as row labels.
        outputs: optional [T, O] model output probabilities, drawn below the targets.
        title:   figure title.
        scalar_channels: input channels drawn as signed bars instead of gray levels.
    Returns:
        a Figure whose axes are titled "inputs", "<channel> (scalar input)" for each scalar
        channel, "targets" and, when given, "outputs".

    Taught in `notebooks/01_sequence_tasks`.
    """
    steps = np.shape(inputs)[0] if np.ndim(inputs) == 2 else 0
    plot = EpisodePlot(
        input_channels,
        output_channels,
        with_outputs=outputs is not None,
        width=episode_figure_width(steps),
        scalar_channels=scalar_channels,
    )
    return plot.update(inputs, targets, mask, outputs=outputs, title=title)


def ngram_predictions_figure(
    bits: Any,
    optimal: Any,
    true_probabilities: Any,
    models: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> Figure:
    """The optimal estimator against the hidden truth over one dynamic N-gram sequence.

    Top: the hidden P(bit = 1) each bit was drawn with (gray steps) and the eq. 10 prediction
    (black line), with the bits that came as ticks at 0 and 1. Bottom: the same as rows of
    gray levels (bits, true, optimal, then any `models`), the layout of the paper's Fig. 14.

    Args:
        bits: [T] the sequence (0/1).
        optimal: [T] eq. 10 predictions P(bit_t = 1 | bits before t).
        true_probabilities: [T] the hidden probabilities.
        models: optional name -> [T] predictions of trained models (e.g. "NTM", "LSTM").
        title: figure title.
    Returns:
        a Figure with two axes titled "predictions over time" and "as rows (darker = 1)".

    Taught in `notebooks/01_sequence_tasks` and `notebooks/09_dynamic_ngrams`.
    """
    bits = np.asarray(bits, dtype=float)
    if bits.ndim != 1:
        raise ValueError(f"bits must be 1-D (T,), got shape {bits.shape}")
    rows = {"bits": bits}
    named = {"optimal": optimal, "true P(1)": true_probabilities, **dict(models or {})}
    for name, values in named.items():
        values = np.asarray(values, dtype=float)
        if values.shape != bits.shape:
            raise ValueError(f"{name} has shape {values.shape}, expected {bits.shape} like bits")
        if np.any((values < 0) | (values > 1)):
            raise ValueError(f"{name} must hold probabilities in [0, 1]")
        rows[name] = values
    steps = np.arange(len(bits))

    figure = new_figure(float(np.clip(2 + 0.05 * len(bits), 7, 13)), 3.6 + 0.18 * len(rows))
    top, bottom = figure.subplots(2, 1, height_ratios=[3, 0.6 + 0.35 * len(rows)], sharex=True)
    top.step(steps, rows["true P(1)"], where="mid", color="0.6", lw=1.5, label="true (hidden)")
    top.plot(steps, rows["optimal"], color="black", lw=1.0, label="optimal (eq. 10)")
    for name, values in (models or {}).items():
        top.plot(steps, np.asarray(values, dtype=float), lw=1.0, label=name)
    top.scatter(steps, bits * 1.08 - 0.04, marker="|", s=12, color="0.3", label="bit that came")
    top.set_ylim(-0.1, 1.1)
    top.set_ylabel("P(bit = 1)")
    top.set_title("predictions over time", loc="left")
    # Above the axes, right of the title: inside, it would hide the ticks of the bits.
    top.legend(
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=7,
        ncols=4 + len(models or {}),
        frameon=False,
        borderaxespad=0.2,
    )
    heatmap(
        bottom, np.stack(list(rows.values())), row_labels=list(rows), title="as rows (darker = 1)"
    )
    if title:
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
    return figure


def beta_half_prior_figure(samples: Any, bins: int = 40) -> Figure:
    """Histogram of sampled table entries against the Beta(1/2, 1/2) density.

    The density 1 / (pi sqrt(p (1 - p))) is U-shaped: most contexts are nearly deterministic.

    Args:
        samples: [S] values in [0, 1].
        bins: histogram bins (>= 2).
    Returns:
        a Figure with one axes titled "Beta(1/2, 1/2) prior".
    """
    samples = np.asarray(samples, dtype=float).ravel()
    if samples.size == 0 or np.any((samples < 0) | (samples > 1)):
        raise ValueError("samples must be a non-empty array of values in [0, 1]")
    if bins < 2:
        raise ValueError(f"bins must be >= 2, got {bins}")
    figure = new_figure(5.5, 2.6)
    ax = figure.add_subplot()
    ax.hist(samples, bins=bins, range=(0, 1), density=True, color="0.75", label="samples")
    p = np.linspace(0.005, 0.995, 400)
    ax.plot(p, 1 / (np.pi * np.sqrt(p * (1 - p))), color="black", lw=1.2, label="density")
    ax.set_xlabel("table entry P(next = 1 | context)")
    ax.set_ylabel("density")
    ax.set_ylim(0, 6)
    ax.set_title("Beta(1/2, 1/2) prior", loc="left")
    ax.legend(fontsize=8)
    return figure
