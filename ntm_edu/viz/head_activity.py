"""The heads over time, laid out like the paper's Fig. 6: one builder for every notebook.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, Fig. 6 (and Figs. 9, 12, 15,
17) show how an NTM used its memory over one episode in two columns: the write side (inputs,
add vectors a_t, write weightings w^w_t) on the left, the read side (outputs, read vectors
r_t, read weightings w^r_t) on the right; locations run down, time across. `HeadActivityPlot`
draws that layout from plain arrays, leaving out the panels it is not given (an N-gram
figure has no outputs, a weightings-only figure no vectors), and optionally adds:

* a time cursor in every panel, with a caption saying where both heads look at that step;
* the *focus path* across the bottom: the location each head weights most, step by step
  (dot size = weight), the answer phase tinted;
* `marks` (label -> steps, e.g. delimiters), triangles above the write weightings;
* a highlight of steps (`update(highlight={"read": [...], "write": [...]})`): lines on the
  read side at the read steps, dashed on the write side at the write steps (an N-gram
  context: `ntm_edu.viz.context_steps`).

One scale rule: inputs and outputs are probabilities (0..1); the vectors share a diverging
scale and the weightings a grayscale, each stretched to the episode's largest value and
printed above the panel, so the faint heads of an untrained model stay visible. Weighting
panels show `location_window`'s locations (the memory is a ring: the window may wrap).
The heatmaps are drawn once; `update` moves only the cursor, caption and highlights, so a
live plot (``live=True``, explorers) redraws in milliseconds. `head_activity_figure` is the
static version.

Taught in `notebooks/04_ntm`, `notebooks/05_training_copy`, `notebooks/07_repeat_copy`,
`notebooks/08_associative_recall` and `notebooks/09_dynamic_ngrams`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ntm_edu.viz.base import (
    ERROR_COLOR,
    GRAY,
    MEMORY_CMAP,
    LivePlot,
    check_array,
    check_mask,
    check_probabilities,
    heatmap,
    location_ticks,
    tint_steps,
)
from ntm_edu.viz.weightings import check_locations, focus_path

__all__ = ["HeadActivityPlot", "head_activity_figure"]

WRITE_COLOR, READ_COLOR = "#d95f02", "#1b9e77"
HIGHLIGHT_COLOR = "tab:orange"
# (name, title) of each panel; the left column is the write side, the right the read side.
ROWS = (
    (("inputs", "inputs"), ("outputs", r"outputs $\sigma$(logits)")),
    (("add", r"add vectors $a_t$"), ("reads", r"read vectors $r_t$")),
    (("write_weights", r"write weightings $w^w_t$"), ("read_weights", r"read weightings $w^r_t$")),
)


class HeadActivityPlot(LivePlot):
    """One episode of an NTM's heads, the paper's Fig. 6 layout; see the module docstring.

    Args:
        write_weights, read_weights: [T, N] one write head's and one read head's weightings.
        inputs: [T, I].  outputs: [T, O] probabilities.  add, reads: [T, M]. Each optional.
        mask: [T] bool scored steps (tinted on the focus path; default: all).
        locations: the locations to draw, in order (default: `location_window`).
        input_labels: names of the input channels.
        marks: label -> time steps marked above the write weightings (e.g. delimiters).
        focus: add the focus-path row.
        title: figure title.
        live: blit (for explorers).  dpi: resolution.
    """

    def __init__(
        self,
        write_weights: Any,
        read_weights: Any,
        *,
        inputs: Any = None,
        outputs: Any = None,
        add: Any = None,
        reads: Any = None,
        mask: Any = None,
        locations: Any = None,
        input_labels: Sequence[str] | None = None,
        marks: Mapping[str, Sequence[int]] | None = None,
        focus: bool = False,
        title: str | None = None,
        live: bool = False,
        dpi: float | None = None,
    ):
        write_weights = check_array("write_weights", write_weights, 2)
        T, N = write_weights.shape
        given = {"inputs": inputs, "outputs": outputs, "add": add, "reads": reads}
        arrays = {n: check_array(n, v, 2, (T, None)) for n, v in given.items() if v is not None}
        if "outputs" in arrays:
            check_probabilities("outputs", arrays["outputs"])
        arrays["write_weights"] = write_weights
        arrays["read_weights"] = check_array("read_weights", read_weights, 2, (T, N))
        self.arrays, self.steps, self.mask = arrays, T, check_mask(mask, T)
        self.locations = check_locations(locations, N, write_weights, arrays["read_weights"])
        rows = [row for row in ROWS if any(name in arrays for name, _ in row)]
        K = len(self.locations)
        heights = [1.1 if row is not ROWS[2] else 0.9 + 0.06 * max(K, 8) for row in rows]
        heights += [0.8 + 0.05 * max(K, 8)] if focus else []
        super().__init__(live, 10.0, 0.9 + sum(heights), dpi)
        grid = self.figure.add_gridspec(len(heights), 2, height_ratios=heights)
        self.images: dict[str, Any] = {}
        self.axes: dict[str, Any] = {}
        self.cursors: list[Any] = []
        for r, row in enumerate(rows):
            for column, (name, panel_title) in enumerate(row):
                if name in arrays:
                    ax = self.figure.add_subplot(grid[r, column])
                    self._panel(ax, name, panel_title, input_labels)
        if marks:
            self._marks(self.axes["write_weights"], marks)
        if focus:
            self._focus_path(self.figure.add_subplot(grid[len(rows), :]))
        # The caption sits in a strip kept free under the axes, outside the layout, so that a
        # new caption never moves the panels (a live plot's layout is computed only once).
        strip = 0.3 / self.figure.get_figheight()
        self.figure.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
        self.caption = self._track(
            self.figure.text(0.01, strip / 3, " ", fontsize=8, va="bottom", in_layout=False),
            overlay=True,
        )
        style = dict(color=HIGHLIGHT_COLOR, lw=0.9, alpha=0.8)
        self.highlights = {
            side: [
                self._track(
                    ax.vlines(
                        [],
                        0,
                        1,
                        transform=ax.get_xaxis_transform(),
                        **style,
                        linestyles="dashed" if side == "write" else "solid",
                    )
                )
                for name, ax in self.axes.items()
                if name in [row[column][0] for row in ROWS]
            ]  # fmt: skip
            for column, side in ((0, "write"), (1, "read"))
        }
        if title:
            self.figure.suptitle(title, x=0.01, ha="left", fontsize=10)
        self.time: int | None = None
        self.highlighted: dict[str, list[int]] = {"read": [], "write": []}
        self._finish()

    def _panel(self, ax: Any, name: str, title: str, input_labels: Any) -> None:
        values = self.arrays[name]
        weights = name.endswith("weights")
        if weights:
            values = values[:, self.locations]
        cmap, low, high, note = GRAY, 0.0, 1.0, ""
        if name in ("add", "reads"):  # one diverging scale for both vectors
            high = max(float(np.abs(self.arrays[n]).max()) for n in ("add", "reads")
                       if n in self.arrays) or 1e-3  # fmt: skip
            cmap, low, note = MEMORY_CMAP, -high, f"colour scale \u00b1{high:.2g}"
        elif weights:  # one grayscale for both weightings
            high = max(float(self.arrays[n].max()) for n in ("write_weights", "read_weights"))
            high, note = max(high, 1e-3), f"black = {max(high, 1e-3):.2g}"
        labels = input_labels if name == "inputs" else None
        self.images[name] = heatmap(ax, values.T, title=title, cmap=cmap, vmin=low, vmax=high,
                                    xlabel=None, row_labels=labels)  # fmt: skip
        if note:
            ax.text(1.0, 1.02, note, transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=7, color="#555")  # fmt: skip
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if weights:
            location_ticks(ax, self.locations)
            ax.set_ylabel("location")
            ax.set_xlabel("time step")
        elif labels is None:
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        self.axes[name] = ax
        self.cursors.append(self._track(ax.axvline(0, color=ERROR_COLOR, lw=1.0, alpha=0.7),
                                        overlay=True))  # fmt: skip

    def _marks(self, ax: Any, marks: Mapping[str, Sequence[int]]) -> None:
        for index, (label, steps) in enumerate(marks.items()):
            ax.plot(list(steps), [-0.5] * len(steps), "v", color=f"C{index + 1}", ms=4,
                    clip_on=False, label=label)  # fmt: skip
        ax.legend(loc="lower right", fontsize=7, frameon=False, bbox_to_anchor=(1, 1))

    def _focus_path(self, ax: Any) -> None:
        T, K = self.steps, len(self.locations)
        row_of = {int(location): row for row, location in enumerate(self.locations)}
        tint_steps(ax, self.mask)  # tint the *scored* steps: the answer phase
        for name, color, marker, label in (
            ("write_weights", WRITE_COLOR, "o", "write head"),
            ("read_weights", READ_COLOR, "s", "read head"),
        ):
            at, strength = focus_path(self.arrays[name])
            shown = np.array([int(x) in row_of for x in at])
            rows = np.array([row_of.get(int(x), np.nan) for x in at], dtype=float)
            ax.scatter(np.arange(T)[shown], rows[shown], s=6 + 30 * strength[shown],
                       marker=marker, color=color, alpha=0.85, label=label)  # fmt: skip
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_ylim(K - 0.5, -0.5)
        location_ticks(ax, self.locations)
        ax.set_ylabel("location")
        ax.set_xlabel("time step (tinted: answer phase)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("focus path: the location each head looks at most", loc="left")
        ax.legend(frameon=False, fontsize=7, loc="upper right", ncol=2)
        self.axes["focus"] = ax
        self.cursors.append(self._track(ax.axvline(0, color=ERROR_COLOR, lw=1.0, alpha=0.7),
                                        overlay=True))  # fmt: skip

    def update(
        self,
        time: int | None = None,
        *,
        highlight: Mapping[str, Sequence[int]] | None = None,
        caption: str | None = None,
    ) -> Figure:
        """Move the cursor to step `time` (None: no cursor) and highlight steps.

        Args:
            time: the step marked in every panel; the caption then says where both heads
                look (unless `caption` is given).
            highlight: "read" -> steps marked on the read side, "write" -> steps marked
                (dashed) on the write side; None clears the highlight.
            caption: text under the figure.
        Returns:
            the figure.
        """
        T = self.steps
        if time is not None and (isinstance(time, bool) or int(time) != time
                                 or not 0 <= time < T):  # fmt: skip
            raise ValueError(f"time must be an integer in [0, {T - 1}], got {time!r}")
        self.time = None if time is None else int(time)
        for cursor in self.cursors:
            cursor.set_visible(self.time is not None)
            cursor.set_xdata([self.time or 0] * 2)
        if caption is None and self.time is not None:
            w = self.arrays["write_weights"][self.time]
            r = self.arrays["read_weights"][self.time]
            phase = "answer phase" if self.mask[self.time] else "input phase"
            caption = (
                f"t = {self.time} ({phase}): write head at location {int(w.argmax())} "
                f"(weight {w.max():.2f}), read head at location {int(r.argmax())} "
                f"(weight {r.max():.2f})"
            )
        self.caption.set_text(caption or " ")
        highlight = dict(highlight or {})
        unknown = set(highlight) - {"read", "write"}
        if unknown:
            raise ValueError(f"highlight takes 'read' and 'write' steps, not {sorted(unknown)}")
        for side, collections in self.highlights.items():
            steps = [int(t) for t in highlight.get(side, ()) if 0 <= int(t) < T]
            self.highlighted[side] = steps
            for lines in collections:
                lines.set_segments([[(t, 0), (t, 1)] for t in steps])
        self._data_changed = True
        return self.figure


def head_activity_figure(
    write_weights: Any,
    read_weights: Any,
    *,
    time: int | None = None,
    highlight: Mapping[str, Sequence[int]] | None = None,
    caption: str | None = None,
    **panels: Any,
) -> Figure:
    """Static version of `HeadActivityPlot`: one episode of the heads (the paper's Fig. 6).

    Args:
        write_weights, read_weights: [T, N] one head each.
        time, highlight, caption: as `HeadActivityPlot.update`.
        **panels: `HeadActivityPlot`'s keywords: inputs, outputs, add, reads, mask,
            locations, input_labels, marks, focus, title.
    Returns:
        a Figure: one axes per panel given (weightings always), plus the focus path.
    """
    plot = HeadActivityPlot(write_weights, read_weights, **panels)
    return plot.update(time, highlight=highlight, caption=caption)
