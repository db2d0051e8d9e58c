"""Figures of the memory and the heads: memory heatmaps, weighting bars, the addressing pipeline.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401: the memory matrix and its
blurry reads and writes (§3.1-3.2, eqs. 2-4), the four addressing stages of Fig. 2 (§3.3,
eqs. 5-9), and the read/write weightings over time of Fig. 6.

Conventions: a memory is an (N, M) array, one row per location; a weighting is an (N,) array
over the locations; time runs left to right. Weightings use the paper's grayscale where it
is a heatmap (darker = more weight) and bars otherwise; memory contents can be negative, so
they use a diverging map (red > 0 > blue, white = 0).

Two kinds of builders:

* pure functions (`memory_figure`, `weightings_figure`, `addressing_figure`, ...) return a
  new `matplotlib.figure.Figure`, for static cells and handouts;
* "plots" (`MemoryWritePlot`, `AddressingPlot`, `HeadActivityPlot`) build their figure once
  and then only change the data of its artists. With ``live=True`` the unchanging parts
  (axes, ticks, labels) are rendered once and each `png()` redraws just the changing artists
  on top (blitting), so an explorer redraw costs tens of milliseconds instead of hundreds.

Taught in `notebooks/02_memory`, `notebooks/03_addressing` and `notebooks/04_ntm`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ntm_edu.viz.base import (
    GRAY,
    MEMORY_CMAP,
    LivePlot,
    check_array,
    heatmap,
    new_figure,
)

__all__ = [
    "AddressingPlot",
    "HeadActivityPlot",
    "MemoryWritePlot",
    "addressing_figure",
    "cost_curve_figure",
    "head_activity_figure",
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


def cost_curve_figure(
    curves: Mapping[str, tuple[Any, Any]],
    *,
    xlabel: str = "training step",
    ylabel: str = "cost (bits per sequence)",
    title: str | None = None,
    log: bool = False,
) -> Figure:
    """Learning curves: name -> (x, cost) lines on one axes.

    Args:
        curves: label -> (x [K], cost [K]) with K >= 1 points each.
        log: logarithmic cost axis.
    Returns:
        a Figure with one axes.
    """
    if not curves:
        raise ValueError("curves must hold at least one (label -> (x, cost)) entry")
    figure = new_figure(6.0, 3.0)
    ax = figure.add_subplot()
    for label, (x, cost) in curves.items():
        x = check_array(f"{label} x", x, 1)
        cost = check_array(f"{label} cost", cost, 1, (len(x),))
        if len(x) == 0:
            raise ValueError(f"curve {label!r} has no points")
        ax.plot(x, cost, label=label, marker="." if len(x) < 30 else None)
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title, loc="left")
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


def memory_write_figure(
    memory_before: Any,
    w: Any,
    erase: Any,
    add: Any,
    memory_erased: Any,
    memory_after: Any,
    read_before: Any,
    read_after: Any,
    vlim: float = 1.5,
) -> Figure:
    """Static version of `MemoryWritePlot`: one erase-then-add write and the reads around it.

    Args:
        memory_before, memory_erased, memory_after: [N, M] M_{t-1}, M~_t (eq. 3), M_t (eq. 4).
        w: [N] the write (and read) weighting; erase, add: [M]; read_before, read_after: [M].
    Returns:
        a Figure with 9 axes (weighting, 3 memories, colour bar, 4 vectors).
    """
    memory_before = check_array("memory_before", memory_before, 2)
    plot = MemoryWritePlot(*memory_before.shape, vlim=vlim, live=False)
    return plot.update(
        memory_before, w, erase, add, memory_erased, memory_after, read_before, read_after
    )


STAGES = ("content", "gated", "shifted", "sharpened")
_STAGE_TITLES = {
    "content": r"1  content $w^c_t$  (5-6)",
    "gated": r"2  interpolate $w^g_t$  (7)",
    "shifted": r"3  shift $\tilde w_t$  (8)",
    "sharpened": r"4  sharpen $w_t$  (9)",
}


class AddressingPlot(LivePlot):
    """The addressing pipeline of the paper's Fig. 2 for one head, stage by stage.

    Top row: the key beside the memory (drawn with locations as columns), the cosine
    similarity K[k, M(i)] of the key with every row, the previous weighting w_{t-1} and the
    shift distribution s. Bottom row: w^c -> w^g -> w~ -> w, each with the previous stage as a
    dashed outline so the effect of that stage stands out.

    Args:
        num_locations: N.  memory_width: M.  shift_width: S = 2R + 1.
        live: blit (for explorers) instead of building an ordinary figure.
        dpi: resolution (default: matplotlib's rc setting).
    """

    def __init__(
        self,
        num_locations: int,
        memory_width: int,
        shift_width: int = 3,
        live: bool = False,
        dpi: float | None = None,
    ):
        super().__init__(live, 11.0, 5.0, dpi)
        if num_locations < 1 or memory_width < 1:
            raise ValueError(
                f"num_locations and memory_width must be >= 1, got {num_locations}, {memory_width}"
            )
        if shift_width < 1 or shift_width % 2 == 0 or shift_width > num_locations:
            raise ValueError(
                f"shift_width must be odd and in [1, {num_locations}], got {shift_width}"
            )
        self.shape = (num_locations, memory_width, shift_width)
        N, M, S = self.shape
        R = S // 2
        outer = self.figure.add_gridspec(2, 1, height_ratios=[1.0, 1.15])
        top = outer[0].subgridspec(
            2, 4, width_ratios=[0.12, 1.9, 0.95, 0.75], height_ratios=[1.0, 0.22]
        )
        ax_key = self.figure.add_subplot(top[0, 0])
        self.key_image = self._track(
            ax_key.imshow(np.zeros((M, 1)), aspect="auto", cmap=MEMORY_CMAP, vmin=-1, vmax=1)
        )
        ax_key.set_xticks([])
        ax_key.set_title(r"key $k_t$", loc="left")
        ax_key.set_ylabel("element of the word")
        ax_memory = self.figure.add_subplot(top[0, 1], sharey=ax_key)
        self.memory_image = self._track(
            memory_heatmap(ax_memory, np.zeros((N, M)), vlim=1.0, transpose=True, animated=live)
        )
        ax_memory.set_title(r"memory $M_t$ (column $i$ = location $i$)", loc="left")
        ax_memory.set_xlabel("")
        ax_memory.set_ylabel("")
        ax_memory.tick_params(labelbottom=False, labelleft=False)
        ax_similarity = self.figure.add_subplot(top[1, 1], sharex=ax_memory)
        self.similarity_image = self._track(
            ax_similarity.imshow(np.zeros((1, N)), aspect="auto", cmap=MEMORY_CMAP, vmin=-1, vmax=1)
        )
        ax_similarity.set_yticks([0], labels=[r"$K[k, M(i)]$"])
        ax_similarity.set_xlabel("location i")
        ax_prev = self.figure.add_subplot(top[:, 2])
        self.prev_bars = self._track(weighting_bars(ax_prev, np.zeros(N), animated=live))
        ax_prev.set_title(r"previous $w_{t-1}$", loc="left")
        ax_shift = self.figure.add_subplot(top[:, 3])
        self.shift_bars = self._track(
            ax_shift.bar(np.arange(-R, R + 1), np.zeros(S), width=0.7, color=BAR_COLOR)
        )
        ax_shift.set_xticks(
            np.arange(-R, R + 1), labels=[f"{k:+d}" if k else "0" for k in range(-R, R + 1)]
        )
        ax_shift.set_ylim(0, 1)
        ax_shift.set_xlabel("shift k")
        ax_shift.set_title(r"shift $s_t(k)$", loc="left")

        bottom = outer[1].subgridspec(1, 4)
        self.stage_bars: dict[str, Any] = {}
        self.stage_ghosts: dict[str, Any] = {}
        self.stage_notes: dict[str, Any] = {}
        first = None
        for column, stage in enumerate(STAGES):
            ax = self.figure.add_subplot(bottom[0, column], sharey=first)
            first = first or ax
            # Head room above 1 keeps the note box from hiding a tall bar.
            # The stages are the overlay: moving beta, g or gamma redraws only them.
            self.stage_bars[stage] = self._track(
                weighting_bars(ax, np.zeros(N), animated=live, ylim=1.32), overlay=True
            )
            ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
            ax.axhline(1.0, color="#ccc", linewidth=0.8, zorder=0)
            ax.set_title(_STAGE_TITLES[stage], loc="left")
            ax.set_xlabel("")
            if column:
                ax.tick_params(labelleft=False)
                (ghost,) = ax.plot(
                    *_step_outline(np.zeros(N)), color=GHOST_COLOR, linestyle="--", linewidth=0.9
                )
                self.stage_ghosts[stage] = self._track(ghost, overlay=True)
            else:
                ax.set_ylabel("weight")
            self.stage_notes[stage] = self._track(
                ax.text(
                    0.97,
                    0.95,
                    "",
                    transform=ax.transAxes,
                    ha="right",
                    va="top",
                    fontsize=8,
                    bbox=dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="#bbb"),
                ),
                overlay=True,
            )
        self.figure.supxlabel(
            "location i        (dashed outline: the stage before;  orange: the largest weight)",
            fontsize=8,
            color="#444",
        )
        self._top: tuple[np.ndarray, ...] | None = None
        self._finish()

    def update(
        self,
        memory: Any,
        key: Any,
        similarity: Any,
        w_prev: Any,
        shift: Any,
        stages: Mapping[str, Any],
        beta: float,
        gate: float,
        gamma: float,
    ) -> Figure:
        """Show one addressing step.

        Args:
            memory: [N, M].  key: [M].  similarity: [N] cosine similarities K[k, M(i)].
            w_prev: [N] previous weighting.  shift: [S] distribution over shifts -R..+R.
            stages: "content", "gated", "shifted", "sharpened" -> [N] weightings.
            beta, gate, gamma: the head's scalars (printed on the panels).
        Returns:
            the figure.
        """
        N, M, S = self.shape
        memory = check_array("memory", memory, 2, (N, M))
        key = check_array("key", key, 1, (M,))
        similarity = check_array("similarity", similarity, 1, (N,))
        w_prev = _weighting("w_prev", w_prev, N)
        shift = _weighting("shift", shift, S)
        top = (memory, key, similarity, w_prev, shift)
        if self._top is None or any(
            not np.array_equal(a, b) for a, b in zip(self._top, top, strict=True)
        ):
            self._data_changed = True  # the top row changed too, not only the stages
        self._top = top
        missing = [stage for stage in STAGES if stage not in stages]
        if missing:
            raise ValueError(f"stages is missing {missing} (needs {list(STAGES)})")
        weights = {stage: _weighting(stage, stages[stage], N) for stage in STAGES}
        scale = max(float(np.abs(memory).max()), float(np.abs(key).max()), 1e-6)
        self.memory_image.set_data(memory.T / scale)
        self.key_image.set_data(key[:, None] / scale)
        self.similarity_image.set_data(similarity[None, :])
        _set_bars(self.prev_bars, w_prev)
        for bar, value in zip(self.shift_bars, shift, strict=True):
            bar.set_height(value)
        previous = None
        notes = {
            # Plain unicode, not mathtext: parsing TeX on every redraw costs milliseconds.
            "content": f"\u03b2 = {beta:.2f}",
            "gated": f"g = {gate:.2f}",
            "shifted": "s = [" + ", ".join(f"{v:.2f}" for v in shift) + "]",
            "sharpened": f"\u03b3 = {gamma:.2f}",
        }
        for stage in STAGES:
            _set_bars(self.stage_bars[stage], weights[stage])
            if previous is not None:
                self.stage_ghosts[stage].set_data(*_step_outline(previous))
            w = weights[stage]
            self.stage_notes[stage].set_text(
                f"{notes[stage]}\nmax {w.max():.2f} at i = {int(np.argmax(w))}"
            )
            previous = weights[stage]
        return self.figure

    def shown_weightings(self) -> dict[str, np.ndarray]:
        """The weightings the bars currently show: previous, the four stages, and the shift."""
        shown = {stage: _bar_values(self.stage_bars[stage]) for stage in STAGES}
        shown["previous"] = _bar_values(self.prev_bars)
        shown["shift"] = _bar_values(self.shift_bars)
        return shown


def addressing_figure(
    memory: Any,
    key: Any,
    similarity: Any,
    w_prev: Any,
    shift: Any,
    stages: Mapping[str, Any],
    beta: float,
    gate: float,
    gamma: float,
) -> Figure:
    """Static version of `AddressingPlot`: the four stages of Fig. 2 side by side.

    Args: as `AddressingPlot.update` (memory [N, M], key [M], similarity [N], w_prev [N],
        shift [S], stages name -> [N], beta, gate, gamma).
    Returns:
        a Figure with 10 axes: key, memory, similarity, previous weighting, shift, 4 stages
        (and the memory's colour scale shared with the key).
    """
    memory = check_array("memory", memory, 2)
    shift = check_array("shift", shift, 1)
    plot = AddressingPlot(memory.shape[0], memory.shape[1], len(shift), live=False)
    return plot.update(memory, key, similarity, w_prev, shift, stages, beta, gate, gamma)


_AUTOSCALED = ("add", "reads", "write_weights", "read_weights")


class HeadActivityPlot(LivePlot):
    """What the heads did over one episode, laid out like the paper's Fig. 6.

    Rows: inputs | outputs; add vectors | read vectors; write weightings | read weightings
    (locations down, time across); and the write / read weighting at the selected time step.
    A vertical line marks that step in every panel. Inputs and outputs use a fixed 0..1
    scale; the vectors and weightings stretch to the episode's largest value (printed above
    each panel), so that the faint activity of an untrained model stays visible.

    Args:
        steps: T.  input_size: I.  output_size: O.  memory_width: M.  num_locations: N.
        live: blit (for explorers) instead of building an ordinary figure.
        dpi: resolution (default: matplotlib's rc setting).
    """

    def __init__(
        self,
        steps: int,
        input_size: int,
        output_size: int,
        memory_width: int,
        num_locations: int,
        live: bool = False,
        dpi: float | None = None,
    ):
        super().__init__(live, 10.0, 6.4, dpi)
        sizes = dict(
            steps=steps,
            input_size=input_size,
            output_size=output_size,
            memory_width=memory_width,
            num_locations=num_locations,
        )
        for name, value in sizes.items():
            if value < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        self.sizes = sizes
        T, I, O, M, N = steps, input_size, output_size, memory_width, num_locations
        grid = self.figure.add_gridspec(4, 2, height_ratios=[I + 2, M, 14, 8])
        panels = [
            ("inputs", "inputs", (I, T), GRAY, 0, 1, 0, 0),
            ("outputs", r"outputs $\sigma$(logits)", (O, T), GRAY, 0, 1, 0, 1),
            ("add", r"add vectors $a_t$", (M, T), MEMORY_CMAP, -1, 1, 1, 0),
            ("reads", r"read vectors $r_t$", (M, T), MEMORY_CMAP, -1, 1, 1, 1),
            ("write_weights", r"write weightings $w^w_t$", (N, T), GRAY, 0, 1, 2, 0),
            ("read_weights", r"read weightings $w^r_t$", (N, T), GRAY, 0, 1, 2, 1),
        ]
        self.images: dict[str, Any] = {}
        self.scales: dict[str, Any] = {}
        self.cursors: list[Any] = []
        for name, title, shape, cmap, low, high, row, column in panels:
            ax = self.figure.add_subplot(grid[row, column])
            image = heatmap(
                ax,
                np.zeros(shape),
                title=title,
                cmap=cmap,
                vmin=low,
                vmax=high,
                xlabel="time step" if row == 2 else None,
            )
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if row < 2:
                ax.tick_params(labelbottom=False)
            if name.endswith("weights"):
                ax.set_ylabel("location")
            self.images[name] = self._track(image)
            if name in _AUTOSCALED:
                # An untrained model's weightings and vectors are faint on a fixed 0..1 scale,
                # so these panels stretch to the episode's largest value and say so.
                self.scales[name] = self._track(
                    ax.text(
                        1.0,
                        1.02,
                        "",
                        transform=ax.transAxes,
                        ha="right",
                        va="bottom",
                        fontsize=7,
                        color="#555",
                    )
                )
            self.cursors.append(
                self._track(
                    ax.axvline(0, color=FOCUS_COLOR, linewidth=1.0, alpha=0.6), overlay=True
                )
            )
        self.slices: dict[str, Any] = {}
        self.slice_titles: dict[str, Any] = {}
        for column, name in enumerate(["write_weights", "read_weights"]):
            ax = self.figure.add_subplot(grid[3, column])
            (line,) = ax.plot(np.arange(N), np.zeros(N), color=FOCUS_COLOR, drawstyle="steps-mid")
            ax.set_xlim(-0.5, N - 0.5)
            ax.set_ylim(0, 1.02)
            ax.set_xlabel("location")
            ax.set_ylabel("weight")
            self.slices[name] = self._track(line, overlay=True)
            self.slice_titles[name] = self._track(
                ax.text(0.99, 0.92, "", transform=ax.transAxes, ha="right", va="top", fontsize=8),
                overlay=True,
            )
        self.time = 0
        self._shown: dict[str, np.ndarray] = {}
        self._finish()

    def update(
        self,
        inputs: Any,
        outputs: Any,
        add: Any,
        reads: Any,
        write_weights: Any,
        read_weights: Any,
        time: int = 0,
    ) -> Figure:
        """Show one episode: inputs [T, I], outputs [T, O] in (0, 1), add [T, M], reads [T, M],
        write_weights and read_weights [T, N] (one head each), and the selected step `time`."""
        s = self.sizes
        T, N = s["steps"], s["num_locations"]
        arrays = {
            "inputs": check_array("inputs", inputs, 2, (T, s["input_size"])),
            "outputs": check_array("outputs", outputs, 2, (T, s["output_size"])),
            "add": check_array("add", add, 2, (T, s["memory_width"])),
            "reads": check_array("reads", reads, 2, (T, s["memory_width"])),
            "write_weights": check_array("write_weights", write_weights, 2, (T, N)),
            "read_weights": check_array("read_weights", read_weights, 2, (T, N)),
        }
        if isinstance(time, bool) or int(time) != time or not 0 <= time < T:
            raise ValueError(f"time must be an integer in [0, {T - 1}], got {time!r}")
        self.time = int(time)
        # Moving only the time step leaves the heatmaps alone: redraw just the overlay.
        if self._shown.keys() != arrays.keys() or any(
            not np.array_equal(self._shown[name], array) for name, array in arrays.items()
        ):
            self._data_changed = True
        self._shown = arrays
        for name, array in arrays.items():
            self.images[name].set_data(array.T)
            if name in _AUTOSCALED:
                top = max(float(np.abs(array).max()), 1e-3)
                signed = name in ("add", "reads")
                self.images[name].set_clim(-top if signed else 0.0, top)
                self.scales[name].set_text(
                    f"colour scale \u00b1{top:.2g}" if signed else f"black = {top:.2g}"
                )
        for cursor in self.cursors:
            cursor.set_xdata([self.time, self.time])
        for name, line in self.slices.items():
            w = arrays[name][self.time]
            line.set_ydata(w)
            kind = "write" if name.startswith("write") else "read"
            self.slice_titles[name].set_text(
                f"{kind} weighting at t = {self.time}: max {w.max():.2f} at {int(np.argmax(w))}"
            )
        return self.figure

    def shown_slices(self) -> dict[str, np.ndarray]:
        """The write and read weightings drawn for the selected time step, each [N]."""
        return {
            name: np.asarray(line.get_ydata(), dtype=float) for name, line in self.slices.items()
        }


def head_activity_figure(
    inputs: Any,
    outputs: Any,
    add: Any,
    reads: Any,
    write_weights: Any,
    read_weights: Any,
    time: int = 0,
) -> Figure:
    """Static version of `HeadActivityPlot` (the paper's Fig. 6 layout) for one episode.

    Args: inputs [T, I], outputs [T, O], add [T, M], reads [T, M], write_weights [T, N],
        read_weights [T, N], time: the step marked by the cursor.
    Returns:
        a Figure with 8 axes.
    """
    inputs = check_array("inputs", inputs, 2)
    outputs = check_array("outputs", outputs, 2)
    add = check_array("add", add, 2)
    write_weights = check_array("write_weights", write_weights, 2)
    plot = HeadActivityPlot(
        inputs.shape[0], inputs.shape[1], outputs.shape[1], add.shape[1], write_weights.shape[1]
    )
    return plot.update(inputs, outputs, add, reads, write_weights, read_weights, time)
