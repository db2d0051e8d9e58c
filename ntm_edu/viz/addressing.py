"""The addressing pipeline of one head, stage by stage (the paper's Fig. 2, eqs. 5-9).

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §3.3: content weighting by
key similarity and key strength beta (eq. 5), interpolation with the previous weighting by the
gate g (eq. 7), circular shift by s (eq. 8) and sharpening by gamma (eq. 9). `AddressingPlot`
shows the memory, the key, the similarities, the previous weighting and the shift on top and
the four stages as bars below (dashed: the stage before), and updates its bars in place;
`addressing_figure` is the static version.

Taught in `notebooks/03_addressing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import MEMORY_CMAP, LivePlot, check_array, update_arguments
from ntm_edu.viz.memory import (
    BAR_COLOR,
    GHOST_COLOR,
    _bar_values,
    _set_bars,
    _step_outline,
    _weighting,
    memory_heatmap,
    weighting_bars,
)

__all__ = ["STAGES", "AddressingPlot", "addressing_figure"]

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


def addressing_figure(*step: Any, **named: Any) -> Figure:
    """Static version of `AddressingPlot`: the four stages of Fig. 2 side by side.

    Args: those of `AddressingPlot.update`, by position or name (memory [N, M], key [M],
        similarity [N], w_prev [N], shift [S], stages name -> [N], beta, gate, gamma).
    Returns:
        a Figure with 10 axes: key, memory, similarity, previous weighting, shift, 4 stages
        (and the memory's colour scale shared with the key).
    """
    step = update_arguments(AddressingPlot, *step, **named)
    memory = check_array("memory", step["memory"], 2)
    shift = check_array("shift", step["shift"], 1)
    plot = AddressingPlot(memory.shape[0], memory.shape[1], len(shift), live=False)
    return plot.update(**step)
