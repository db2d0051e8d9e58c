"""Figures of the algorithmic tasks: repeat copy, associative recall and priority sort.

Graves, Wayne & Danihelka 2014 (https://arxiv.org/abs/1410.5401) show each task three ways:
learning curves of the NTM beside the LSTM (Figs. 7, 10, 16), outputs on episodes longer than
any seen in training (Figs. 8, 11), and the read and write weightings that reveal the learned
algorithm (Figs. 9, 12, 17). These builders draw all three from plain NumPy arrays; the caller
(a notebook, or `ntm_edu.widgets.algorithmic`) runs the models and passes the numbers in.

Conventions: grayscale, darker = larger (the paper's); time runs left to right; memory
locations run top to bottom and are cropped to the rows a weighting actually touches, since a
128-row image of a 20-step episode is mostly white.

Taught in `notebooks/07_repeat_copy`, `notebooks/08_associative_recall` and
`notebooks/10_priority_sort`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import MODEL_COLORS, heatmap, model_color, new_figure

__all__ = [
    "active_rows",
    "fit_line",
    "plot_cost_curves",
    "plot_cost_by_setting",
    "plot_prediction",
    "plot_weightings",
    "plot_sort_episode",
    "plot_write_vs_priority",
    "weighting_centre",
]

# Colours of the models in every comparison figure (NTM dark, LSTM light, as in the paper).


def plot_cost_curves(
    curves: Mapping[str, tuple[Any, Any]],
    *,
    title: str = "",
    ylabel: str = "cost per sequence (bits)",
    log_y: bool = False,
    reference: Mapping[str, float] | None = None,
) -> Figure:
    """Learning curves against sequences seen (the paper's Figs. 7, 10, 16).

    Args:
        curves: label -> (sequences [P], cost [P]), e.g. from `History.curve()`.
        title: figure title.
        ylabel: y-axis label.
        log_y: log-scaled y-axis (costs spanning several decades).
        reference: label -> value drawn as a dashed horizontal line (e.g. a target).
    Returns:
        a Figure with one axes; x in thousands of sequences.
    """
    if not curves:
        raise ValueError("plot_cost_curves needs at least one curve")
    figure = new_figure(6.5, 3.2)
    ax = figure.add_subplot()
    for index, (label, (sequences, cost)) in enumerate(curves.items()):
        sequences, cost = np.asarray(sequences, float), np.asarray(cost, float)
        if sequences.shape != cost.shape:
            raise ValueError(f"curve {label!r}: {sequences.shape} sequences, {cost.shape} costs")
        ax.plot(sequences / 1000, cost, label=label, color=model_color(label, index), lw=1.4)
    for label, value in (reference or {}).items():
        ax.axhline(value, ls="--", lw=0.8, color="0.4")
        ax.annotate(label, (0, value), xytext=(2, 2), textcoords="offset points", fontsize=8)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("sequences seen (thousands)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return figure


def plot_cost_by_setting(
    settings: Sequence[Any],
    costs: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ylabel: str = "bit errors per sequence",
    title: str = "",
    train_max: float | None = None,
) -> Figure:
    """Cost against a test setting (e.g. items in the list), one line per model (Fig. 11).

    Args:
        settings: the x values, e.g. [6, 10, 12, 15, 20].
        costs: label -> one cost per setting.
        xlabel, ylabel, title: axis labels and title.
        train_max: largest setting seen in training; shades everything beyond it.
    """
    x = np.asarray(settings, dtype=float)
    figure = new_figure(5.5, 3.0)
    ax = figure.add_subplot()
    for index, (label, values) in enumerate(costs.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != x.shape:
            raise ValueError(f"{label!r}: {values.size} costs for {x.size} settings")
        ax.plot(x, values, "o-", label=label, color=model_color(label, index), lw=1.4, ms=4)
    if train_max is not None:
        ax.axvspan(train_max, x.max() + 0.5, color="0.92", zorder=0)
        ax.annotate("beyond training", (train_max, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8)  # fmt: skip
    ax.set_xticks(x)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return figure


def plot_prediction(
    targets: Any,
    outputs: Mapping[str, Any],
    mask: Any | None = None,
    *,
    inputs: Any | None = None,
    title: str = "",
    channel_label: str = "bit",
) -> Figure:
    """Targets above each model's outputs, the answer phase only (the paper's Figs. 4, 8).

    Args:
        targets: [T, O] target bits.
        outputs: label -> [T, O] output probabilities.
        mask: [T] bool, the scored steps; only these columns are drawn (default: all).
        inputs: [T, I] inputs, drawn on top (all steps) when given.
        title: figure title.
        channel_label: y label of the output rows.
    Returns:
        a Figure with 1 + len(outputs) (+1 with inputs) stacked heatmaps.
    """
    targets = np.asarray(targets, dtype=float)
    if targets.ndim != 2:
        raise ValueError(f"targets must be [T, O], got shape {targets.shape}")
    steps = np.ones(targets.shape[0], bool) if mask is None else np.asarray(mask, bool)
    if steps.shape != (targets.shape[0],):
        raise ValueError(f"mask must be [T] = [{targets.shape[0]}], got {steps.shape}")
    panels: list[tuple[str, np.ndarray]] = []
    if inputs is not None:
        panels.append(("inputs", np.asarray(inputs, float).T))
    panels.append(("targets", targets[steps].T))
    for label, values in outputs.items():
        values = np.asarray(values, dtype=float)
        if values.shape != targets.shape:
            raise ValueError(f"outputs {label!r} have shape {values.shape}, not {targets.shape}")
        panels.append((label, values[steps].T))
    figure = new_figure(8.0, 0.35 + 0.9 * len(panels))
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, (label, values) in zip(axes, panels, strict=True):
        heatmap(ax, values, xlabel=None)
        ax.set_ylabel(label if label != "targets" else f"targets\n({channel_label}s)", fontsize=8)
        ax.set_yticks([])
    axes[-1].set_xlabel("time step of the answer" if inputs is None else "time step")
    if title:
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
    return figure


def active_rows(*weightings: Any, threshold: float = 0.05, pad: int = 1) -> np.ndarray:
    """The memory rows any weighting gives more than `threshold`, as one circular window.

    Memory is circular (the shift of eq. 8 wraps around), so a head that starts at location 0
    and moves backwards touches rows 127, 126, ...; the window then wraps: [125, ..., 127, 0,
    1, 2]. It is the shortest run of rows, going round the circle, that holds every touched
    row (the complement of the longest untouched gap).

    Args:
        weightings: arrays [T, N] (or [T, H, N]) of attention over N locations.
        threshold: weight below which a row counts as untouched.
        pad: extra rows kept on each side.
    Returns:
        [R] int row indices in display order; all N rows if nothing passes the threshold.
    """
    if not weightings:
        raise ValueError("active_rows needs at least one weighting")
    size = np.asarray(weightings[0]).shape[-1]
    touched = np.zeros(size, bool)
    for w in weightings:
        w = np.asarray(w, dtype=float)
        if w.shape[-1] != size:
            raise ValueError(f"weightings over {w.shape[-1]} and {size} locations")
        touched |= w.reshape(-1, size).max(0) > threshold
    if not touched.any() or touched.all():
        return np.arange(size)
    rows = np.flatnonzero(touched)
    gaps = np.diff(np.append(rows, rows[0] + size))  # distance to the next touched row
    after = int(np.argmax(gaps))  # the longest untouched gap follows rows[after]
    start = int(rows[(after + 1) % len(rows)])
    length = int(size - gaps[after] + 1)
    length = min(size, length + 2 * pad)
    return (start - pad + np.arange(length)) % size


def plot_weightings(
    write_weights: Any,
    read_weights: Any,
    *,
    inputs: Any | None = None,
    outputs: Any | None = None,
    rows: tuple[int, int] | None = None,
    cursor: int | None = None,
    title: str = "",
    input_labels: Sequence[str] | None = None,
    marks: Mapping[str, Sequence[int]] | None = None,
) -> Figure:
    """Inputs, outputs, and the write and read weightings over time (Figs. 6, 9, 12).

    Args:
        write_weights: [T, N] write weighting (one head; sum over heads before if needed).
        read_weights: [T, N] read weighting.
        inputs: [T, I] inputs, drawn as the top panel when given.
        outputs: [T, O] output probabilities, drawn under the inputs when given.
        rows: the memory rows to show, in order (e.g. from `active_rows`, which may wrap
            around); default `active_rows` of both weightings.
        cursor: time step to mark with a vertical line in every panel (slider position).
        title: figure title.
        input_labels: one label per input channel.
        marks: label -> time steps marked with small ticks above the weightings (e.g.
            "delimiter" steps).
    Returns:
        a Figure; locations run top to bottom, time left to right.
    """
    write = np.asarray(write_weights, dtype=float)
    read = np.asarray(read_weights, dtype=float)
    if write.ndim != 2 or read.ndim != 2 or write.shape != read.shape:
        raise ValueError(
            f"write and read weightings must both be [T, N], got {write.shape} and {read.shape}"
        )
    rows = active_rows(write, read) if rows is None else np.asarray(rows, dtype=int)
    if rows.ndim != 1 or rows.size == 0 or rows.min() < 0 or rows.max() >= write.shape[1]:
        raise ValueError(f"rows must be indices in [0, {write.shape[1] - 1}], got {rows}")
    panels: list[tuple[str, np.ndarray, Sequence[str] | None]] = []
    if inputs is not None:
        panels.append(("inputs", np.asarray(inputs, float).T, input_labels))
    if outputs is not None:
        panels.append(("outputs", np.asarray(outputs, float).T, None))
    panels += [("write weighting", write[:, rows].T, None)]
    panels += [("read weighting", read[:, rows].T, None)]
    # Weighting panels get more height than the few-channel input and output panels.
    heights = [1.0 if not p[0].endswith("weighting") else 1.8 for p in panels]
    figure = new_figure(7.5, 0.5 + 0.9 * sum(heights))
    axes = figure.subplots(len(panels), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, (label, values, labels) in zip(axes, panels, strict=True):
        heatmap(ax, values, row_labels=labels, xlabel=None)
        ax.set_ylabel(label if labels is None else "", fontsize=8)
        if label.endswith("weighting"):
            ax.set_ylabel(f"{label}\n(location)", fontsize=8)
            ticks = np.linspace(0, len(rows) - 1, min(5, len(rows))).round().astype(int)
            ax.set_yticks(ticks, labels=[str(rows[t]) for t in ticks], fontsize=7)
        elif labels is None:
            ax.set_yticks([])
        if cursor is not None:
            ax.axvline(cursor, color="#d1495b", lw=1.2)
    for index, (label, steps) in enumerate((marks or {}).items()):
        for ax in axes:
            if ax.get_ylabel().startswith("write"):
                ax.plot(list(steps), [-0.5] * len(steps), "v", color=f"C{index + 1}", ms=4,
                        clip_on=False, label=label)  # fmt: skip
                ax.legend(loc="lower right", fontsize=7, frameon=False, bbox_to_anchor=(1, 1))
    axes[-1].set_xlabel("time step")
    if title:
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
    return figure


def weighting_centre(weights: Any) -> np.ndarray:
    """Centre of mass of weightings over locations: sum_i i * w(i).

    Args:
        weights: [..., N] non-negative weightings summing to 1 over the last axis.
    Returns:
        [...] location (float). Not circular: use it where the weight sits away from the
        ends of the memory, or prefer `argmax` for sharp weightings that wrap around.
    """
    weights = np.asarray(weights, dtype=float)
    return weights @ np.arange(weights.shape[-1], dtype=float)


def fit_line(x: Any, y: Any) -> tuple[float, float, float]:
    """Least-squares line y = slope * x + intercept and its coefficient of determination.

    Returns:
        (slope, intercept, r2); r2 = 1 - residual sum of squares / total sum of squares.
    """
    x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"fit_line needs two equal-length arrays of >= 2 points, got {x.size}")
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    total = ((y - y.mean()) ** 2).sum()
    r2 = 1.0 - float((residual**2).sum() / total) if total > 0 else 0.0
    return float(slope), float(intercept), r2


def plot_write_vs_priority(
    priorities: Any,
    write_locations: Any,
    read_locations: Any | None = None,
    *,
    highlight: int | None = None,
    title: str = "",
    location_label: str = "write location",
) -> Figure:
    """Write location against priority with a fitted line, and the read order (Fig. 17).

    Args:
        priorities: [n] priority of each input vector.
        write_locations: [n] where each was written (argmax or centre of the write weighting).
        read_locations: [m] where each output step read (same measure), drawn on the right.
        highlight: index of an output step to mark (its read location, and the input with
            that rank on the left); None marks nothing.
        title: figure title.
        location_label: y-axis label of both panels.
    Returns:
        a Figure; the fitted line's R^2 is in the legend.
    """
    priorities = np.asarray(priorities, float)
    locations = np.asarray(write_locations, float)
    if priorities.shape != locations.shape or priorities.ndim != 1:
        raise ValueError(
            f"priorities and write_locations must be equal [n], got {priorities.shape} "
            f"and {locations.shape}"
        )
    slope, intercept, r2 = fit_line(priorities, locations)
    panels = 1 if read_locations is None else 2
    figure = new_figure(4.2 * panels, 3.2)
    axes = figure.subplots(1, panels, squeeze=False)[0]
    ax = axes[0]
    ax.scatter(priorities, locations, s=18, color=MODEL_COLORS["NTM"], label="writes")
    grid = np.linspace(-1, 1, 2)
    ax.plot(grid, slope * grid + intercept, "--", color="0.4",
            label=f"fit: {slope:.1f} p + {intercept:.1f}, $R^2$ = {r2:.2f}")  # fmt: skip
    order = np.argsort(-priorities)
    if highlight is not None:
        if not 0 <= highlight < len(order):
            raise ValueError(f"highlight must be in [0, {len(order) - 1}], got {highlight}")
        chosen = order[highlight]
        ax.scatter(priorities[chosen], locations[chosen], s=80, facecolors="none",
                   edgecolors=MODEL_COLORS["LSTM"], lw=1.5)  # fmt: skip
    ax.set_xlabel("priority")
    ax.set_ylabel(location_label)
    ax.set_title("writes (input phase)", loc="left", fontsize=9)
    ax.legend(frameon=False, fontsize=7, loc="best")
    if read_locations is not None:
        reads = np.asarray(read_locations, float)
        ax = axes[1]
        ax.plot(np.arange(len(reads)), reads, "o-", color=MODEL_COLORS["NTM"], ms=4)
        expected = locations[order[: len(reads)]]
        ax.plot(np.arange(len(reads)), expected, "x", color="0.5",
                label="where the j-th highest priority was written")  # fmt: skip
        if highlight is not None and highlight < len(reads):
            ax.scatter([highlight], [reads[highlight]], s=80, facecolors="none",
                       edgecolors=MODEL_COLORS["LSTM"], lw=1.5)  # fmt: skip
        ax.set_xlabel("output step j")
        ax.set_ylabel(location_label.replace("write", "read"))
        ax.set_title("reads (output phase)", loc="left", fontsize=9)
        ax.legend(frameon=False, fontsize=7, loc="best")
        ax.set_ylim(axes[0].get_ylim())
    if title:
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
    return figure


def plot_sort_episode(
    vectors: Any, priorities: Any, targets: Any, outputs: Mapping[str, Any] | None = None
) -> Figure:
    """A priority sort episode: inputs with their priorities, and the sorted target (Fig. 16).

    Args:
        vectors: [n, W] input vectors in arrival order.
        priorities: [n] their priorities.
        targets: [m, W] the target: the m highest-priority vectors, highest first.
        outputs: label -> [m, W] model output probabilities, drawn under the target.
    """
    vectors, priorities = np.asarray(vectors, float), np.asarray(priorities, float)
    targets = np.asarray(targets, float)
    if vectors.ndim != 2 or priorities.shape != (vectors.shape[0],):
        raise ValueError(f"vectors [n, W] and priorities [n] expected, got {vectors.shape}, "
                         f"{priorities.shape}")  # fmt: skip
    outputs = dict(outputs or {})
    rows = 2 + len(outputs)
    figure = new_figure(8.0, 1.2 + 1.0 * rows)
    axes = figure.subplots(rows, 1, squeeze=False, height_ratios=[1.6] + [1] * (rows - 1))[:, 0]
    ax = axes[0]
    heatmap(ax, vectors.T, xlabel=None)
    ax.set_yticks([])
    ax.set_ylabel("inputs", fontsize=8)
    twin = ax.twinx()
    twin.bar(np.arange(len(priorities)), priorities, width=0.35, color="#d1495b", alpha=0.8)
    twin.set_ylim(-1.05, 3.2)  # bars use the lower part only, so the bits stay readable
    twin.set_yticks([-1, 0, 1])
    twin.set_ylabel("priority", fontsize=8, color="#d1495b")
    ax.set_xlabel("input step (arrival order)", fontsize=8)
    panels = [("target", targets)] + list(outputs.items())
    for ax, (label, values) in zip(axes[1:], panels, strict=True):
        heatmap(ax, np.asarray(values, float).T, xlabel=None)
        ax.set_yticks([])
        ax.set_ylabel(label, fontsize=8)
    axes[-1].set_xlabel("output step (decreasing priority)", fontsize=8)
    return figure
