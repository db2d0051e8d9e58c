"""Figures of priority sort: the episode, and where each vector was written against its priority.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §4.5: the NTM sorts by
writing each input to a location that grows with its priority (Fig. 17's linear fit) and
then reading the locations in order. `sort_episode_figure` draws an episode (Fig. 16),
`write_vs_priority_figure` the write locations against priority with a fitted line
(`fit_line`) and the read order; `ntm_edu.viz.weighting_centre` gives the locations.
`errors_by_priority_gap` asks where the remaining errors come from: a vector whose priority
lies close to another's is written (nearly) where that one was.

Taught in `notebooks/10_priority_sort`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import MODEL_COLORS, heatmap, new_figure

__all__ = ["errors_by_priority_gap", "fit_line", "sort_episode_figure", "write_vs_priority_figure"]


def fit_line(x: Any, y: Any, drop_worst: int = 0) -> tuple[float, float, float]:
    """Least-squares line y = slope * x + intercept and its coefficient of determination.

    Args:
        x, y: [n] the points.
        drop_worst: leave out this many points before the final fit, one at a time the one
            farthest from the current line. A single stray point (a write sent to a
            location of its own) otherwise decides R^2 for the other 19.
    Returns:
        (slope, intercept, r2) of the points kept; r2 = 1 - residual sum of squares / total
        sum of squares.
    """
    slope, intercept, r2, _ = _fit_line_keeping(x, y, drop_worst)
    return slope, intercept, r2


def _fit_line_keeping(x: Any, y: Any, drop_worst: int) -> tuple[float, float, float, np.ndarray]:
    """`fit_line`, and the [n] bool mask of the points it kept."""
    x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"fit_line needs two equal-length arrays of >= 2 points, got {x.size}")
    if not 0 <= drop_worst <= x.size - 2:
        raise ValueError(
            f"drop_worst must be in [0, {x.size - 2}] for {x.size} points, got {drop_worst}"
        )
    keep = np.ones(x.size, bool)
    slope, intercept = np.polyfit(x, y, 1)
    for _ in range(drop_worst):
        distance = np.where(keep, np.abs(y - (slope * x + intercept)), -1.0)
        keep[distance.argmax()] = False
        slope, intercept = np.polyfit(x[keep], y[keep], 1)
    residual = y[keep] - (slope * x[keep] + intercept)
    total = ((y[keep] - y[keep].mean()) ** 2).sum()
    r2 = 1.0 - float((residual**2).sum() / total) if total > 0 else 0.0
    return float(slope), float(intercept), r2, keep


def errors_by_priority_gap(
    priorities: Any, bit_errors: Any, edges: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Mean wrong bits of an output vector, by how close its priority is to another input's.

    A writer that puts each vector at a location linear in its priority, ``slope`` locations
    per unit, sends two vectors whose priorities differ by less than about ``1 / slope`` to
    the same location, and the later write overwrites (or blends with) the earlier one.

    Args:
        priorities: [B, n_in] the inputs' priorities.
        bit_errors: [B, n_out] wrong bits of each output vector, in output order (the j-th is
            the input with the j-th highest priority).
        edges: [K + 1] increasing bin edges of the gap, the distance from an output vector's
            priority to the nearest priority of any other input.
    Returns:
        (mean, count), each [K]: mean wrong bits per output vector in each gap bin (nan where
        a bin is empty) and how many vectors fell in it. Gaps outside the edges are left out.
    """
    priorities = np.asarray(priorities, float)
    bit_errors = np.asarray(bit_errors, float)
    edges = np.asarray(edges, float).ravel()
    if priorities.ndim != 2 or bit_errors.ndim != 2 or len(bit_errors) != len(priorities):
        raise ValueError(
            f"priorities must be [B, n_in] and bit_errors [B, n_out] with the same B, got "
            f"{priorities.shape} and {bit_errors.shape}"
        )
    if not 1 <= bit_errors.shape[1] <= priorities.shape[1] or priorities.shape[1] < 2:
        raise ValueError(f"need 2 <= n_in and 1 <= n_out <= n_in, got {priorities.shape[1]} "
                         f"inputs and {bit_errors.shape[1]} outputs")  # fmt: skip
    if edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must be >= 2 increasing values, got {edges.tolist()}")
    ranked = -np.sort(-priorities, axis=1)  # [B, n_in], highest first
    step = np.abs(np.diff(ranked, axis=1))  # [B, n_in - 1], neighbours in priority order
    inf = np.full((len(ranked), 1), np.inf)
    gap = np.minimum(np.concatenate([inf, step], 1), np.concatenate([step, inf], 1))
    gap = gap[:, : bit_errors.shape[1]].ravel()  # [B * n_out], nearest other priority
    which = np.digitize(gap, edges) - 1  # [B * n_out] bin index; -1 and K lie outside
    inside = (which >= 0) & (which < edges.size - 1)
    count = np.bincount(which[inside], minlength=edges.size - 1)
    total = np.bincount(which[inside], weights=bit_errors.ravel()[inside], minlength=edges.size - 1)
    mean = np.full(edges.size - 1, np.nan)
    np.divide(total, count, out=mean, where=count > 0)
    return mean, count


def write_vs_priority_figure(
    priorities: Any,
    write_locations: Any,
    read_locations: Any | None = None,
    *,
    highlight: int | None = None,
    drop_worst: int = 0,
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
        drop_worst: writes left out of the line fit (`fit_line`), drawn hollow.
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
    slope, intercept, r2, kept = _fit_line_keeping(priorities, locations, drop_worst)
    panels = 1 if read_locations is None else 2
    figure = new_figure(4.2 * panels, 3.2)
    axes = figure.subplots(1, panels, squeeze=False)[0]
    ax = axes[0]
    ax.scatter(priorities[kept], locations[kept], s=18, color=MODEL_COLORS["NTM"], label="writes")
    if not kept.all():
        ax.scatter(priorities[~kept], locations[~kept], s=18, facecolors="none",
                   edgecolors=MODEL_COLORS["NTM"], label="left out of the fit")  # fmt: skip
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


def sort_episode_figure(
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
