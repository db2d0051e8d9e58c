"""One probe snapshot of a training run: the learning curve, the targets and the outputs then.

`ntm_edu.training` records *probe snapshots* every k steps: the model's outputs (and, for an
NTM, its weightings) on one fixed probe batch. `SnapshotPlot` draws one of them beside the
learning curve, with a cursor where it was taken; the snapshot explorer blits through them
(`ntm_edu.widgets.snapshot_explorer`), `snapshot_figure` is the static version.
Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §4.1.

Taught in `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ntm_edu.viz.base import (
    ERROR_COLOR,
    LivePlot,
    check_array,
    check_mask,
    check_probabilities,
    heatmap,
    location_ticks,
    tint_steps,
    update_arguments,
    wrong_bits,
)
from ntm_edu.viz.curves import LOG_FLOOR, draw_curves
from ntm_edu.viz.weightings import check_locations

__all__ = ["SnapshotPlot", "snapshot_figure"]


class SnapshotPlot(LivePlot):
    """One probe snapshot of a training run: where it sits on the learning curve, the targets,
    the outputs at that moment and, for an NTM, the write and read weightings.

    Built once per run; `update` swaps in a snapshot's arrays. With ``live=True`` (explorers)
    `png()` redraws only the changing artists (blitting).

    Args:
        sequences, cost: [P] the learning curve (sequences seen, bits per sequence).
        targets: [T, O] the probe sequence's targets (fixed for the run).
        mask: [T] bool scored steps.
        locations: the memory locations to draw (None: a model without weightings, e.g. LSTM).
        probe: optional (sequences [S], cost [S]) of every snapshot's probe batch, drawn as a
            faint line the snapshot's dot moves along (it may lie far from the training curve:
            a curriculum trains on short sequences first, the probe batch is fixed).
        log: logarithmic cost axis.
        live: blit (for explorers).  dpi: resolution (default: matplotlib's rc setting).
    """

    def __init__(
        self,
        sequences: Any,
        cost: Any,
        targets: Any,
        mask: Any,
        locations: Any = None,
        probe: tuple[Any, Any] | None = None,
        log: bool = True,
        live: bool = False,
        dpi: float | None = None,
    ):
        targets = check_array("targets", targets, 2)
        T, O = targets.shape
        self.targets, self.mask = targets, check_mask(mask, T)
        sequences = check_array("sequences", sequences, 1)
        cost = check_array("cost", cost, 1, (len(sequences),))
        self.locations = None if locations is None else np.asarray(locations, dtype=int)
        with_weights = self.locations is not None
        super().__init__(live, 10.0, 5.4 if with_weights else 3.4, dpi)
        self.log = log
        rows = 4 if with_weights else 2
        heights = [1, 1, 1.3, 1.3] if with_weights else [1, 1]
        grid = self.figure.add_gridspec(rows, 2, width_ratios=[1, 1.6], height_ratios=heights)

        ax_curve = self.figure.add_subplot(grid[0:2, 0])
        if len(sequences):
            draw_curves(ax_curve, {"training": (sequences, cost)}, log)
        else:
            ax_curve.text(
                0.5, 0.5, "no curve points yet", ha="center", transform=ax_curve.transAxes
            )
        if probe is not None:
            probe_x = check_array("probe sequences", probe[0], 1)
            probe_y = check_array("probe cost", probe[1], 1, (len(probe_x),))
            ax_curve.plot(
                probe_x / 1000,
                np.maximum(probe_y, LOG_FLOOR) if log else probe_y,
                color=ERROR_COLOR,
                alpha=0.35,
                lw=1.0,
                label="probe batch",
            )
        ax_curve.set_ylabel("bits per sequence")
        ax_curve.set_title("learning curve", loc="left")
        self.cursor = self._track(ax_curve.axvline(0, color=ERROR_COLOR, lw=1.2))
        (self.dot,) = self._track(ax_curve.plot([0], [1], "o", color=ERROR_COLOR, ms=5))
        ax_curve.legend(frameon=False, fontsize=7, loc="upper right")

        ax_t = self.figure.add_subplot(grid[0, 1])
        heatmap(ax_t, targets.T, title="targets", xlabel=None)
        ax_o = self.figure.add_subplot(grid[1, 1], sharex=ax_t)
        self.images = {"outputs": self._track(heatmap(ax_o, np.zeros((O, T)), xlabel=None))}
        for ax in (ax_t, ax_o):
            tint_steps(ax, ~self.mask)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_t.tick_params(labelbottom=False)
        self.errors = self._track(
            ax_o.scatter(np.zeros(0), np.zeros(0), marker="x", s=14, color=ERROR_COLOR, lw=1.0)
        )
        self.output_title = self._track(ax_o.set_title("outputs", loc="left"))
        if with_weights:
            K = len(self.locations)
            for column, name in enumerate(("write_weights", "read_weights")):
                ax = self.figure.add_subplot(grid[2:4, column])
                kind = name.split("_")[0]
                self.images[name] = self._track(
                    heatmap(ax, np.zeros((K, T)), title=f"{kind} weightings")
                )
                location_ticks(ax, self.locations)
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_ylabel("location")
        self.title = self._track(self.figure.suptitle(" ", x=0.01, ha="left", fontsize=10))
        self._finish()

    def update(
        self,
        outputs: Any,
        write_weights: Any = None,
        read_weights: Any = None,
        *,
        snapshot_sequences: float = 0,
        probe_cost: float = float("nan"),
        label: str = "",
    ) -> Figure:
        """Show one snapshot: outputs [T, O] (probabilities) and, for an NTM, weightings
        [T, N]; `snapshot_sequences` places the cursor on the curve, `probe_cost` the dot."""
        T, O = self.targets.shape
        outputs = check_probabilities("outputs", check_array("outputs", outputs, 2, (T, O)))
        self.images["outputs"].set_data(outputs.T)
        wrong = wrong_bits(self.targets, outputs, self.mask)
        self.errors.set_offsets(wrong if len(wrong) else np.zeros((0, 2)))
        self.output_title.set_text(f"outputs ({len(wrong)} wrong bits marked x)")
        if self.locations is not None:
            for name, w in (("write_weights", write_weights), ("read_weights", read_weights)):
                if w is None:
                    raise ValueError(f"{name} is required: this plot shows weightings")
                w = check_array(name, w, 2, (T, None))
                self.images[name].set_data(w[:, self.locations].T)
        x = float(snapshot_sequences) / 1000
        self.cursor.set_xdata([x, x])
        y = float(probe_cost)
        self.dot.set_data([x], [max(y, LOG_FLOOR) if self.log else y])
        self.title.set_text(label)
        self.shown = {"outputs": outputs}
        return self.figure


def snapshot_figure(
    sequences: Any,
    cost: Any,
    targets: Any,
    mask: Any,
    *shown: Any,
    locations: Any = None,
    probe: tuple[Any, Any] | None = None,
    log: bool = True,
    **named: Any,
) -> Figure:
    """Static version of `SnapshotPlot`: one probe snapshot of a run.

    Args:
        sequences, cost: [P] the learning curve.
        targets: [T, O] the probe sequence's targets.  mask: [T] bool scored steps.
        *shown, **named: those of `SnapshotPlot.update`: outputs [T, O] at the snapshot;
            optional write_weights, read_weights [T, N] (an NTM's; both or neither);
            snapshot_sequences (when it was taken, marked on the curve), probe_cost (the
            probe sequence's cost then, the dot), label (the title).
        locations: the memory locations to draw (default: `location_window`).
        probe: optional (sequences [S], cost [S]) of all snapshots' probe costs.
        log: logarithmic cost axis.
    Returns:
        a Figure (3 axes, or 5 with weightings).
    """
    shown = update_arguments(SnapshotPlot, *shown, **named)
    write_weights, read_weights = shown["write_weights"], shown["read_weights"]
    if (write_weights is None) != (read_weights is None):
        raise ValueError("give both write_weights and read_weights, or neither")
    if write_weights is not None:
        write_weights = check_array("write_weights", write_weights, 2)
        read_weights = check_array("read_weights", read_weights, 2, write_weights.shape)
        locations = check_locations(locations, write_weights.shape[1], write_weights, read_weights)
    else:
        locations = None
    plot = SnapshotPlot(sequences, cost, targets, mask, locations, probe=probe, log=log)
    return plot.update(**shown)
