"""Learning curves and costs against a setting: the cost figures of every notebook.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401: cost in bits per sequence
against sequences seen, one line per network (Figs. 3, 7, 10, 13, 18); the cost on test
settings beyond training (Fig. 11); and where along a long sequence the copy goes wrong
(Fig. 5). One builder each: `learning_curves_figure`, `cost_by_setting_figure`,
`error_by_position_figure`. Smoothing has one rule, `moving_average`.

Taught in `notebooks/04_ntm`, `notebooks/05_training_copy` and `notebooks/11_results`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import check_array, model_color, new_figure

__all__ = [
    "cost_by_setting_figure",
    "error_by_position_figure",
    "learning_curves_figure",
    "moving_average",
]

LOG_FLOOR = 1e-3  # a cost of exactly 0 cannot sit on a log axis; it is drawn here


def moving_average(values: Any, window: int) -> np.ndarray:
    """Mean of each point and the `window - 1` before it (fewer at the start); same length.

    The course's one smoothing rule: the curve keeps its length (so it stays aligned with its
    x values) and each point averages only what came before it (no peeking ahead).

    Args:
        values: [P] a curve.
        window: points averaged (1: the curve unchanged).
    Returns:
        [P] the smoothed curve.
    """
    values = check_array("values", values, 1)
    if isinstance(window, bool) or int(window) != window or window < 1:
        raise ValueError(f"window must be an integer >= 1, got {window!r}")
    window = int(window)
    sums = np.cumsum(np.concatenate([[0.0], values]))
    index = np.arange(1, len(values) + 1)
    start = np.maximum(index - window, 0)
    return (sums[index] - sums[start]) / (index - start)


def draw_curves(
    ax: Any,
    curves: Mapping[str, tuple[Any, Any]],
    log: bool = False,
    smooth: int = 1,
    paper: Mapping[str, tuple[Any, Any]] | None = None,
    paper_figure: str = "Fig. 3",
) -> dict[str, Any]:
    """Draw label -> (sequences [P], cost [P]) on `ax` (x in thousands); returns the lines."""
    lines = {}
    for index, (label, (x, cost)) in enumerate(curves.items()):
        x = check_array(f"{label!r} sequences", x, 1)
        cost = check_array(f"{label!r} cost", cost, 1, (len(x),))
        if len(x) == 0:
            raise ValueError(f"curve {label!r} has no points")
        y = moving_average(cost, smooth) if smooth > 1 else cost
        y = np.maximum(y, LOG_FLOOR) if log else y
        color = model_color(label, index)
        (lines[label],) = ax.plot(x / 1000, y, label=label, color=color, lw=1.3)
    for index, (label, (x, cost)) in enumerate((paper or {}).items()):
        x = check_array(f"paper {label!r} sequences", x, 1)
        cost = check_array(f"paper {label!r} cost", cost, 1, (len(x),))
        ax.plot(x / 1000, np.maximum(cost, LOG_FLOOR) if log else cost, ls="--", marker="o",
                mfc="white", ms=4, lw=0.9, color=model_color(label, index),
                label=f"{label} (paper, read off {paper_figure})")  # fmt: skip
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.set_xlabel("sequences seen (thousands)")
    ax.grid(alpha=0.3, which="both" if log else "major")
    return lines


def learning_curves_figure(
    curves: Mapping[str, tuple[Any, Any]],
    *,
    log: bool = False,
    smooth: int = 1,
    paper: Mapping[str, tuple[Any, Any]] | None = None,
    paper_figure: str = "Fig. 3",
    reference: Mapping[str, float] | None = None,
    held_out: Mapping[str, float] | None = None,
    marker: float | None = None,
    ylim: tuple[float, float] | None = None,
    ylabel: str = "cost (bits per sequence)",
    title: str | None = None,
    width: float = 6.5,
    height: float = 3.2,
) -> Figure:
    """Learning curves on one axes, as in the paper's Figs. 3, 7, 10, 13 and 18: cost against
    sequences seen, one line per model.

    Args:
        curves: label -> (sequences [P], cost [P]); "NTM" and "LSTM" get the course's colours.
            Use `History.curve()`: ``(c.sequences, c.bits_per_sequence)``.
        log: logarithmic cost axis (costs of 0 are drawn at 1e-3).
        smooth: `moving_average` window in points (1: raw). Training batches are noisy.
        paper: optional label -> (sequences [K], cost [K]) read off the paper's plot, drawn
            dashed with hollow markers.
        paper_figure: the paper's figure they were read off, named in the legend.
        reference: optional label -> cost drawn as a dashed horizontal line (a target, the
            optimal estimator, chance), named in the legend.
        held_out: optional label -> a final held-out cost, a dot at the end of that curve.
        marker: optional number of sequences marked by a vertical line (a snapshot).
        ylim: optional (bottom, top) of the cost axis (default: from 0, or automatic on log).
        ylabel, title: axis label and title.
    Returns:
        a Figure with one axes; the x axis is in thousands of sequences.
    """
    if not curves:
        raise ValueError("curves must hold at least one entry: label -> (sequences, cost)")
    if isinstance(smooth, bool) or int(smooth) != smooth or smooth < 1:
        raise ValueError(f"smooth must be an integer >= 1, got {smooth!r}")
    figure = new_figure(width, height)
    ax = figure.add_subplot()
    lines = draw_curves(ax, curves, log, int(smooth), paper, paper_figure)
    for index, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(value, ls=("--", ":", "-.")[index % 3], lw=1.0, color="0.25", label=label)
    for label, value in (held_out or {}).items():
        if label not in lines:
            raise ValueError(f"held_out names {label!r}, which is not one of the curves")
        end, color = lines[label].get_xdata()[-1], lines[label].get_color()
        ax.plot([end], [value], "o", color=color, ms=5)
        ax.annotate(f"{value:.1f}", (end, value), xytext=(4, 4), textcoords="offset points",
                    fontsize=8, color=color)  # fmt: skip
    if marker is not None:
        ax.axvline(float(marker) / 1000, color="0.3", lw=1.0, ls=":")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, loc="left")
    return figure


def cost_by_setting_figure(
    settings: Sequence[Any],
    costs: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ylabel: str = "bit errors per sequence",
    title: str = "",
    train_max: float | None = None,
    log_x: bool = False,
) -> Figure:
    """Cost against a test setting (e.g. items in the list), one line per model (Fig. 11).

    Args:
        settings: the x values, e.g. [6, 10, 12, 15, 20].
        costs: label -> one cost per setting.
        xlabel, ylabel, title: axis labels and title.
        train_max: largest setting seen in training; shades everything beyond it.
        log_x: a logarithmic x axis (settings spread over decades), ticks still at `settings`.
    Returns:
        a Figure with one axes.
    """
    x = check_array("settings", settings, 1)
    if log_x and not np.all(x > 0):
        raise ValueError(f"log_x needs positive settings, got {x.tolist()}")
    figure = new_figure(5.5, 3.0)
    ax = figure.add_subplot()
    for index, (label, values) in enumerate(costs.items()):
        values = check_array(f"{label!r} costs", values, 1, (len(x),))
        ax.plot(x, values, "o-", label=label, color=model_color(label, index), lw=1.4, ms=4)
    if log_x:
        ax.set_xscale("log")
        ax.minorticks_off()
    if train_max is not None:
        ax.axvspan(train_max, x.max() + 0.5, color="0.92", zorder=0)
        ax.annotate("beyond training", (train_max, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8)  # fmt: skip
    ax.set_xticks(x, [f"{v:g}" for v in x] if log_x else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return figure


def error_by_position_figure(
    rates: Mapping[str, Any],
    *,
    boundary: int | None = None,
    title: str | None = None,
) -> Figure:
    """The share of wrong bits at each output position of long sequences, one line per model.

    A model that learned to copy is flat near 0; one that memorised the training lengths is
    accurate up to the longest training sequence (`boundary`) and degrades after it (Fig. 5).

    Args:
        rates: model label -> [L] share of wrong bits (0..1) at output positions 1..L.
        boundary: optional position marked by a dashed line (e.g. 20, the longest training
            sequence).
        title: the axes title.
    Returns:
        a Figure with one axes; positions start at 1.
    """
    if not rates:
        raise ValueError("rates must hold at least one model: label -> [L] shares")
    figure = new_figure(6.5, 2.8)
    ax = figure.add_subplot()
    top = 0.6  # chance is 0.5: leave room above it
    for index, (label, values) in enumerate(rates.items()):
        values = check_array(f"{label!r} rates", values, 1)
        if len(values) == 0 or values.min() < 0 or values.max() > 1:
            raise ValueError(f"{label!r} rates must be a non-empty array of shares in [0, 1]")
        top = max(top, float(values.max()) * 1.1)
        positions = np.arange(1, len(values) + 1)
        ax.plot(positions, values, label=label, color=model_color(label, index), lw=1.4)
    if boundary is not None:
        ax.axvline(boundary + 0.5, color="0.4", ls="--", lw=1.0)
        ax.text(boundary + 1, 0.97, "longer than any\ntraining sequence", va="top", fontsize=7,
                transform=ax.get_xaxis_transform())  # fmt: skip
    ax.set_ylim(0, top)
    ax.set_xlim(left=0.5)
    ax.set_xlabel("output position (vector number in the copy)")
    ax.set_ylabel("share of wrong bits")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    if title:
        ax.set_title(title, loc="left")
    return figure
