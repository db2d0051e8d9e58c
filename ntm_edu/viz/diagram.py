"""The Neural Turing Machine in one picture (Graves et al. 2014, Fig. 1; arXiv:1410.5401).

A controller network talks to the outside world through its input and output, and to a
memory matrix through read and write heads. Every head holds a weighting over the memory
locations (the attention it pays to each row): reading returns the weighted sum of rows
(eq. 2), writing erases and adds in proportion to it (eqs. 3-4). Because the weighting is
soft, the whole machine is differentiable and trains by gradient descent.

Taught in `notebooks/00_welcome`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ntm_edu.viz.base import new_figure

__all__ = ["ntm_diagram_figure", "head_weighting"]


def head_weighting(locations: int, focus: float, sharpness: float = 1.5) -> np.ndarray:
    """A soft, circular focus of attention around location `focus` (for drawing only).

    Args:
        locations: number of memory rows N (>= 2).
        focus: the (possibly fractional) location the head attends to most.
        sharpness: larger values concentrate the weighting on fewer rows.
    Returns:
        [N] non-negative weights summing to 1.
    """
    if locations < 2:
        raise ValueError(f"locations must be >= 2, got {locations}")
    if sharpness <= 0:
        raise ValueError(f"sharpness must be > 0, got {sharpness}")
    index = np.arange(locations)
    distance = np.abs(index - focus) % locations
    distance = np.minimum(distance, locations - distance)  # memory is circular (eq. 8)
    weights = np.exp(-sharpness * distance**2)
    return weights / weights.sum()


def _box(ax, x, y, w, h, text, face="white", weight="normal"):
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.05,rounding_size=0.15",
            facecolor=face,
            edgecolor="black",
            lw=1.2,
        )
    )
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=9, weight=weight)


def _arrow(ax, start, end, text=None, offset=(0.0, 0.18), style="-|>", dashed=False):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=12,
            lw=1.2,
            color="black",
            linestyle="--" if dashed else "-",
        )
    )
    if text:
        mid = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*mid, text, ha="center", va="bottom", fontsize=7.5, color="0.2")


def ntm_diagram_figure(
    read_focus: float = 2.0, write_focus: float = 5.0, locations: int = 10, width: int = 8
) -> Figure:
    """Block diagram of an NTM: controller, read and write heads, and the memory matrix.

    The memory is drawn as an N x M grid (fixed made-up contents); beside it, bars show each
    head's weighting over the rows, centred on `read_focus` and `write_focus`.

    Args:
        read_focus, write_focus: rows the read and write heads attend to most (0-based).
        locations: memory rows N drawn (2..32).
        width: memory word size M drawn (1..16).
    Returns:
        a Figure with one axes titled "Neural Turing Machine".

    Taught in `notebooks/00_welcome`.
    """
    if not 2 <= locations <= 32:
        raise ValueError(f"locations must be in [2, 32], got {locations}")
    if not 1 <= width <= 16:
        raise ValueError(f"width must be in [1, 16], got {width}")
    for name, focus in (("read_focus", read_focus), ("write_focus", write_focus)):
        if not 0 <= focus <= locations - 1:
            raise ValueError(f"{name} must be in [0, {locations - 1}], got {focus}")

    figure = new_figure(8.5, 3.9)
    ax = figure.add_subplot()
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 5.6)
    ax.set_axis_off()
    ax.set_title("Neural Turing Machine", loc="left")

    # Outside world -> controller -> outside world.
    _box(ax, 1.1, 2.0, 2.3, 1.4, "controller\n(LSTM or\nfeed-forward)", "#f0f0f0", "bold")
    _arrow(ax, (0.0, 3.0), (1.05, 3.0))
    ax.text(0.05, 3.1, "input $x_t$", fontsize=7.5, va="bottom")
    _arrow(ax, (1.05, 2.4), (0.0, 2.4))
    ax.text(0.05, 2.3, "output $y_t$", fontsize=7.5, va="top")

    # Heads between the controller and the memory; the controller emits their parameters.
    _box(ax, 4.6, 3.4, 1.7, 0.9, "read head")
    _box(ax, 4.6, 1.0, 1.7, 0.9, "write head")
    _arrow(ax, (3.45, 3.1), (4.55, 3.75))
    ax.text(3.55, 3.62, "$k, \\beta, g, s, \\gamma$", fontsize=7.5, rotation=28)
    _arrow(ax, (3.45, 2.3), (4.55, 1.55))
    ax.text(3.45, 1.55, "$k, \\beta, g, s, \\gamma$\n$+\\ e, a$", fontsize=7.5)
    # The read vector goes back to the controller, over the top (it is an input at t + 1).
    ax.plot([5.45, 5.45, 2.25], [4.35, 5.0, 5.0], color="black", lw=1.2, ls="--")
    _arrow(ax, (2.25, 5.0), (2.25, 3.45), dashed=True)
    ax.text(3.85, 5.05, "read vector $r_t$ (eq. 2)", ha="center", va="bottom", fontsize=7.5)

    # Memory: an N x M grid of made-up contents; each row is one location.
    left, bottom, cell_w, cell_h = 8.0, 0.5, 0.32, 4.1 / locations
    contents = np.random.default_rng(7).random((locations, width))
    for row in range(locations):
        y = bottom + (locations - 1 - row) * cell_h
        for col in range(width):
            gray = 0.85 - 0.5 * contents[row, col]
            ax.add_patch(
                Rectangle(
                    (left + col * cell_w, y),
                    cell_w,
                    cell_h,
                    facecolor=str(gray),
                    edgecolor="white",
                    lw=0.5,
                )
            )
    ax.text(
        left + width * cell_w / 2,
        bottom + locations * cell_h + 0.1,
        f"memory $M_t$: {locations} locations $\\times$ {width}",
        ha="center",
        va="bottom",
        fontsize=8,
    )

    # Weightings: one bar per location, between the heads and the memory.
    # gids name the artists a head's focus moves (`ntm_edu.widgets.diagram_explorer` updates
    # them in place): "read-bar-<row>", "write-bar-<row>", "read-arrow", "write-arrow".
    for focus, x0, label, head in (
        (read_focus, 6.95, "$w^r$", "read"),
        (write_focus, 7.45, "$w^w$", "write"),
    ):
        weights = head_weighting(locations, focus)
        for row, w in enumerate(weights):
            y = bottom + (locations - 1 - row) * cell_h
            ax.add_patch(
                Rectangle(
                    (x0, y + 0.1 * cell_h),
                    0.4 * w / weights.max(),
                    0.8 * cell_h,
                    facecolor="black",
                    lw=0,
                    gid=f"{head}-bar-{row}",
                )
            )
        ax.text(x0 + 0.2, bottom - 0.08, label, ha="center", va="top", fontsize=8)

    def row_y(focus: float) -> float:
        return bottom + (locations - 1 - focus + 0.5) * cell_h

    figure.focus_geometry = {"row_y": row_y, "bar_width": 0.4}  # for in-place updates

    _arrow(ax, (6.35, 3.85), (6.9, row_y(read_focus)))
    ax.patches[-1].set_gid("read-arrow")
    _arrow(ax, (6.35, 1.45), (6.9, row_y(write_focus)))
    ax.patches[-1].set_gid("write-arrow")
    ax.text(5.45, 3.3, "reads a weighted\nsum of rows", ha="center", va="top", fontsize=7)
    ax.text(5.45, 0.9, "erases, then adds\n(eqs. 3-4)", ha="center", va="top", fontsize=7)
    return figure
