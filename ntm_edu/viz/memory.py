"""Figures of the memory: memory heatmaps, weighting bars, one write and one read.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401: the memory matrix and its
blurry reads and writes (§3.1-3.2, eqs. 2-4). The drawing primitives here (`memory_heatmap`,
`weighting_bars`) also serve the addressing figure (`ntm_edu.viz.addressing`).

Conventions: a memory is an (N, M) array, one row per location; a weighting is an (N,) array
over the locations; time runs left to right. Weightings use the paper's grayscale where it
is a heatmap (darker = more weight) and bars otherwise; memory contents can be negative, so
they use a diverging map (red > 0 > blue, white = 0).

Two kinds of builders:

* pure functions (`memory_figure`, `weightings_figure`, `addressing_figure`, ...) return a
  new `matplotlib.figure.Figure`, for static cells and handouts;
* "plots" (`MemoryWritePlot`; `AddressingPlot` in `ntm_edu.viz.addressing`) build their figure once
  and then only change the data of its artists. With ``live=True`` the unchanging parts
  (axes, ticks, labels) are rendered once and each `png()` redraws just the changing artists
  on top (blitting), so an explorer redraw costs tens of milliseconds instead of hundreds.

Taught in `notebooks/02_memory` and `notebooks/03_addressing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import (
    GRAY,
    MEMORY_CMAP,
    LivePlot,
    check_array,
    new_figure,
    update_arguments,
)

__all__ = [
    "MemoryWritePlot",
    "memory_figure",
    "memory_heatmap",
    "memory_write_figure",
    "weighting_bars",
    "weightings_figure",
]

BAR_COLOR = "#8da0cb"
FOCUS_COLOR = "#e6550d"  # the location with the most weight
GHOST_COLOR = "#333333"  # the previous stage, drawn as a dashed outline


# --- input checks ----------------------------------------------------------------------------


def _weighting(name: str, value: Any, num_locations: int | None = None) -> np.ndarray:
    """A weighting over N locations: 1-D, non-negative (tiny float error tolerated)."""
    w = check_array(name, value, 1, None if num_locations is None else (num_locations,))
    if np.any(w < -1e-6):
        raise ValueError(f"{name} must be non-negative (a weighting over locations)")
    return w


# --- drawing primitives ----------------------------------------------------------------------


def memory_heatmap(
    ax: Any,
    memory: Any,
    *,
    title: str | None = None,
    vlim: float | None = None,
    transpose: bool = False,
    colorbar: bool = False,
    animated: bool = False,
) -> Any:
    """Draw an (N, M) memory as a heatmap, one row per location (diverging colours).

    Args:
        ax: the axes to draw on.
        memory: [N, M] the memory contents.
        vlim: colour limit (values in [-vlim, vlim]); default the largest |value| (at least 1e-6).
        transpose: draw locations as columns instead (to line up with weighting bars below).
        colorbar: add a colour bar beside the axes.
        animated: leave the image to blitting (see `AddressingPlot`).
    Returns:
        the `AxesImage`, whose `set_data` redraws only the pixels.
    """
    memory = check_array("memory", memory, 2)
    if vlim is None:
        vlim = max(float(np.abs(memory).max()), 1e-6)
    values = memory.T if transpose else memory
    image = ax.imshow(
        values,
        aspect="auto",
        cmap=MEMORY_CMAP,
        vmin=-vlim,
        vmax=vlim,
        interpolation="nearest",
        animated=animated,
    )
    location_axis, width_axis = ("x", "y") if transpose else ("y", "x")
    getattr(ax, f"set_{location_axis}label")("location i")
    getattr(ax, f"set_{width_axis}label")("element of the word")
    if title:
        ax.set_title(title, loc="left")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
    return image


def weighting_bars(
    ax: Any,
    w: Any,
    *,
    title: str | None = None,
    horizontal: bool = False,
    highlight_max: bool = True,
    ylim: float = 1.0,
    animated: bool = False,
) -> Any:
    """Draw a weighting over N locations as bars (the largest one highlighted).

    Args:
        ax: the axes to draw on.
        w: [N] non-negative weights (a weighting sums to 1, but any non-negative array draws).
        horizontal: bars along y with location 0 at the top, to line up with a memory heatmap.
        ylim: the top of the weight axis (fixed, so that bars of different panels compare).
        animated: leave the bars to blitting.
    Returns:
        the `BarContainer` (one `Rectangle` a location).
    """
    w = _weighting("w", w)
    locations = np.arange(len(w))
    if horizontal:
        bars = ax.barh(locations, w, height=0.8, color=BAR_COLOR, animated=animated)
        ax.set_xlim(0, ylim)
        ax.set_ylim(len(w) - 0.5, -0.5)
        ax.set_ylabel("location i")
        ax.set_xlabel("weight")
    else:
        bars = ax.bar(locations, w, width=0.8, color=BAR_COLOR, animated=animated)
        ax.set_ylim(0, ylim)
        ax.set_xlim(-0.5, len(w) - 0.5)
        ax.set_xlabel("location i")
    _color_focus(bars, w, highlight_max)
    if title:
        ax.set_title(title, loc="left")
    return bars


def _color_focus(bars: Any, w: np.ndarray, highlight: bool = True) -> None:
    focus = int(np.argmax(w)) if highlight else -1
    for index, bar in enumerate(bars):
        bar.set_facecolor(FOCUS_COLOR if index == focus else BAR_COLOR)


def _set_bars(bars: Any, w: np.ndarray, horizontal: bool = False) -> None:
    for bar, value in zip(bars, w, strict=True):
        if horizontal:
            bar.set_width(value)
        else:
            bar.set_height(value)
    _color_focus(bars, w)


def _bar_values(bars: Any, horizontal: bool = False) -> np.ndarray:
    """Read back what a bar chart shows (tests compare it with the model's output)."""
    return np.array([bar.get_width() if horizontal else bar.get_height() for bar in bars])


def _step_outline(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a dashed outline around bars of `w` (the ghost of the previous stage)."""
    x = np.repeat(np.arange(len(w) + 1) - 0.5, 2)[1:-1]
    return x, np.repeat(w, 2)


# --- static figures ----------------------------------------------------------------------------


def memory_figure(
    memory: Any,
    w: Any | None = None,
    read: Any | None = None,
    *,
    title: str = "memory",
    vlim: float | None = None,
) -> Figure:
    """A memory heatmap, optionally with a weighting beside it and the read vector below.

    Args:
        memory: [N, M] the memory.
        w: [N] a weighting over the locations (drawn as horizontal bars on the left).
        read: [M] a read vector (drawn as a one-row heatmap under the memory).
        vlim: colour limit shared by the memory and the read vector.
    Returns:
        a Figure with 1 to 3 axes: [weighting,] memory[, read].
    """
    memory = check_array("memory", memory, 2)
    N, M = memory.shape
    if w is not None:
        w = _weighting("w", w, N)
    if read is not None:
        read = check_array("read", read, 1, (M,))
    if vlim is None:
        vlim = max(float(np.abs(memory).max()), 1e-6)
    figure = new_figure(5.2 if w is not None else 3.6, 3.2 if read is not None else 2.8)
    columns = [1.0, 1.6] if w is not None else [1.0]
    rows = [N, 1.6] if read is not None else [1.0]
    grid = figure.add_gridspec(len(rows), len(columns), width_ratios=columns, height_ratios=rows)
    column = len(columns) - 1
    ax_memory = figure.add_subplot(grid[0, column])
    memory_heatmap(ax_memory, memory, title=title, vlim=vlim, colorbar=True)
    if w is not None:
        ax_w = figure.add_subplot(grid[0, 0], sharey=ax_memory)
        weighting_bars(ax_w, w, horizontal=True, title="weighting w")
        ax_memory.set_ylabel("")
    if read is not None:
        ax_read = figure.add_subplot(grid[1, column])
        ax_read.imshow(read[None, :], aspect="auto", cmap=MEMORY_CMAP, vmin=-vlim, vmax=vlim)
        ax_read.set_yticks([])
        ax_read.set_title(r"read vector $r = \sum_i w(i)\,M(i)$", loc="left")
        ax_read.set_xlabel("element of the word")
        ax_memory.set_xlabel("")
    return figure


def weightings_figure(
    weightings: Mapping[str, Any],
    *,
    title: str | None = None,
    ghosts: Mapping[str, Any] | None = None,
    ylim: float = 1.0,
    width: float | None = None,
) -> Figure:
    """Weightings side by side as bar charts, one panel per entry, on a shared scale.

    Args:
        weightings: panel title -> [N] weighting.
        ghosts: panel title -> [N] weighting drawn as a dashed outline (e.g. the stage before).
        ylim: top of the weight axis.
    Returns:
        a Figure with one axes per weighting.
    """
    if not weightings:
        raise ValueError("weightings must hold at least one (title -> weighting) entry")
    ghosts = dict(ghosts or {})
    unknown = set(ghosts) - set(weightings)
    if unknown:
        raise ValueError(f"ghosts names panels that do not exist: {sorted(unknown)}")
    panels = len(weightings)
    figure = new_figure(width or min(2.6 * panels + 0.4, 12.0), 2.3)
    axes = figure.subplots(1, panels, sharey=True, squeeze=False)[0]
    for ax, (label, w) in zip(axes, weightings.items(), strict=True):
        w = _weighting(label, w)
        weighting_bars(ax, w, title=label, ylim=ylim)
        if label in ghosts:
            ghost = _weighting(f"ghosts[{label!r}]", ghosts[label], len(w))
            ax.plot(*_step_outline(ghost), color=GHOST_COLOR, linestyle="--", linewidth=1)
    axes[0].set_ylabel("weight")
    if title:
        figure.suptitle(title, x=0.01, horizontalalignment="left")
    return figure


# --- plots whose artists are updated in place (explorers) --------------------------------------


class MemoryWritePlot(LivePlot):
    """One write and one read on a small memory: weighting, memory before/after erase/after add,
    and the erase, add and read vectors (eqs. 2-4).

    Args:
        num_locations: N.
        memory_width: M.
        vlim: colour limit of memory contents (fixed, so colours compare between redraws).
        live: blit (for explorers) instead of building an ordinary figure.
        dpi: resolution (default: matplotlib's rc setting).

    Call `update(...)` with the arrays, then show `.figure` (static) or `png()` (live).
    """

    def __init__(
        self,
        num_locations: int,
        memory_width: int,
        vlim: float = 1.5,
        live: bool = False,
        dpi: float | None = None,
    ):
        super().__init__(live, 10.5, 3.9, dpi)
        if num_locations < 1 or memory_width < 1:
            raise ValueError(
                f"num_locations and memory_width must be >= 1, got {num_locations}, {memory_width}"
            )
        self.shape = (num_locations, memory_width)
        N, M = self.shape
        zeros_memory, zeros_word = np.zeros((N, M)), np.zeros(M)
        grid = self.figure.add_gridspec(
            4, 5, width_ratios=[1.0, 1.35, 1.35, 1.35, 1.9], height_ratios=[1, 1, 1, 1]
        )
        ax_w = self.figure.add_subplot(grid[:, 0])
        self.w_bars = self._track(weighting_bars(ax_w, np.zeros(N), horizontal=True))
        ax_w.set_title(r"weighting $w_t$", loc="left")
        self.memory_images = []
        titles = [
            r"$M_{t-1}$ before",
            r"$\tilde M_t$ after erase (3)",
            r"$M_t$ after add (4)",
        ]
        for column, title in enumerate(titles, start=1):
            ax = self.figure.add_subplot(grid[:, column], sharey=ax_w)
            image = memory_heatmap(ax, zeros_memory, title=title, vlim=vlim, animated=live)
            ax.set_ylabel("")
            ax.set_xlabel("word element")
            ax.tick_params(labelleft=False)
            self.memory_images.append(self._track(image))
        self.figure.colorbar(self.memory_images[-1], ax=ax, fraction=0.08, pad=0.03)
        vectors = [
            (r"erase $e_t$ (0..1)", GRAY, 0.0, 1.0),
            (r"add $a_t$", MEMORY_CMAP, -vlim, vlim),
            (r"read $r$ from $M_{t-1}$ (2)", MEMORY_CMAP, -vlim, vlim),
            (r"read $r_t$ from $M_t$ (2)", MEMORY_CMAP, -vlim, vlim),
        ]
        self.vector_images = []
        for row, (title, cmap, low, high) in enumerate(vectors):
            ax = self.figure.add_subplot(grid[row, 4])
            image = ax.imshow(
                zeros_word[None, :],
                aspect="auto",
                cmap=cmap,
                vmin=low,
                vmax=high,
                interpolation="nearest",
            )
            ax.set_yticks([])
            ax.set_title(title, loc="left", fontsize=8)
            ax.tick_params(labelbottom=row == len(vectors) - 1)
            self.vector_images.append(self._track(image))
        self._finish()

    def update(
        self,
        memory_before: Any,
        w: Any,
        erase: Any,
        add: Any,
        memory_erased: Any,
        memory_after: Any,
        read_before: Any,
        read_after: Any,
    ) -> Figure:
        """Show new arrays: memories [N, M], weighting [N], vectors [M]. Returns the figure."""
        self._data_changed = True
        N, M = self.shape
        memories = [
            check_array(name, value, 2, (N, M))
            for name, value in [
                ("memory_before", memory_before),
                ("memory_erased", memory_erased),
                ("memory_after", memory_after),
            ]
        ]
        w = _weighting("w", w, N)
        erase = check_array("erase", erase, 1, (M,))
        words = [
            erase,
            check_array("add", add, 1, (M,)),
            check_array("read_before", read_before, 1, (M,)),
            check_array("read_after", read_after, 1, (M,)),
        ]
        _set_bars(self.w_bars, w, horizontal=True)
        for image, memory in zip(self.memory_images, memories, strict=True):
            image.set_data(memory)
        for image, word in zip(self.vector_images, words, strict=True):
            image.set_data(word[None, :])
        return self.figure

    def shown_weighting(self) -> np.ndarray:
        """[N] the weighting the bars currently show."""
        return _bar_values(self.w_bars, horizontal=True)


def memory_write_figure(*arrays: Any, vlim: float = 1.5, **named: Any) -> Figure:
    """Static version of `MemoryWritePlot`: one erase-then-add write and the reads around it.

    Args: those of `MemoryWritePlot.update`, by position or name:
        memory_before, memory_erased, memory_after: [N, M] M_{t-1}, M~_t (eq. 3), M_t (eq. 4).
        w: [N] the write (and read) weighting; erase, add: [M]; read_before, read_after: [M].
        vlim: colour limit of the memory contents.
    Returns:
        a Figure with 9 axes (weighting, 3 memories, colour bar, 4 vectors).
    """
    arrays = update_arguments(MemoryWritePlot, *arrays, **named)
    memory_before = check_array("memory_before", arrays["memory_before"], 2)
    plot = MemoryWritePlot(*memory_before.shape, vlim=vlim, live=False)
    return plot.update(**arrays)
