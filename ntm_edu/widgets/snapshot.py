"""The snapshot explorer: scrub (or play) through a training run's probe snapshots.

A thin shell over `ntm_edu.viz.snapshot.SnapshotPlot`: every snapshot a `History` stored is
turned into NumPy once, and a slider move only swaps the outputs and weightings shown.

Taught in `notebooks/05_training_copy` and `notebooks/06_lstm_baseline`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ntm_edu import inspection
from ntm_edu.viz.snapshot import SnapshotPlot
from ntm_edu.viz.weightings import check_locations
from ntm_edu.widgets.base import SLIDER, PlotExplorer, check_index, spread_indices

__all__ = ["SnapshotExplorer", "snapshot_explorer"]


class SnapshotExplorer(PlotExplorer):
    """Scrub (or play) through a run's probe snapshots. Built by `snapshot_explorer`.

    Attributes:
        play: the `ipywidgets.Play` linked to the `snapshot` slider.
        state: what the last redraw showed: "snapshot", "example", "outputs" [T, O],
            "write_weights"/"read_weights" [T, N] (NTMs) or None, "sequences", "step", "label".
        locations: the memory locations drawn (None for a model without weightings).
    """

    def __init__(
        self,
        history: Any,
        log: bool = True,
        locations: Any = None,
        interval_ms: int = 400,
        title: str | None = None,
    ):
        snapshots = getattr(history, "snapshots", None)
        if snapshots is None or not hasattr(history, "snapshot"):
            raise ValueError(f"history must be a History, got {type(history).__name__}")
        count = len(snapshots)
        if count == 0:
            raise ValueError(
                "this History has no probe snapshots: train with probe_every > 0 to record them"
            )
        if isinstance(interval_ms, bool) or not isinstance(interval_ms, int) or interval_ms < 20:
            raise ValueError(f"interval_ms must be an integer >= 20, got {interval_ms!r}")
        probe = history.probe_arrays()
        self.targets, self.mask = probe["targets"], probe["mask"]  # (B, T, O), (B, T)
        curve = history.curve()
        self.curve = (curve.sequences, curve.bits_per_sequence)
        self.log_scale = log
        # Precompute: every snapshot as float32 numpy, once (the slider never touches torch).
        self.snapshots = [history.snapshot(i) for i in range(count)]
        self.probe_curve = (
            np.array([s.sequences for s in self.snapshots], dtype=float),
            np.array([s.bits_per_sequence for s in self.snapshots], dtype=float),
        )
        self.weights = inspection.snapshot_weightings(self.snapshots)  # (S, B, T, N) each
        self.has_weights = bool(self.weights)
        self.locations = None
        if self.has_weights:
            writes, reads = self.weights["write_weights"], self.weights["read_weights"]
            # Where the trained model works: the last snapshot decides the window.
            self.locations = check_locations(locations, writes.shape[-1], writes[-1], reads[-1])
        B = self.targets.shape[0]
        name = f"{history.model_name or 'model'} on {history.task_name or 'its task'}"
        controls: dict[str, widgets.Widget] = {
            "snapshot": widgets.IntSlider(
                value=0,
                min=0,
                max=count - 1,
                description="snapshot",
                layout=widgets.Layout(width="420px"),
                **SLIDER,
            )
        }
        if B > 1:
            controls["example"] = widgets.IntSlider(
                value=0,
                min=0,
                max=B - 1,
                description="probe sequence",
                layout=widgets.Layout(width="220px"),
                **SLIDER,
            )
        self.play = widgets.Play(
            value=0, min=0, max=count - 1, step=1, interval=interval_ms, description="play"
        )
        # A kernel-side link (not jslink): the image is drawn in Python, so the slider's value
        # has to reach the kernel anyway, and tests can drive the link without a browser.
        self._link = widgets.link((self.play, "value"), (controls["snapshot"], "value"))
        self._init_explorer(
            controls,
            title or f"Training progress of the {name}: probe snapshots",
            fallback=("snapshot", spread_indices(count), "animation"),
        )
        box = self.children[1]  # [title, controls, image]: put Play before the slider
        box.children = (self.play, *box.children)
        for example in range(1, B):  # lay out every probe sequence's plot now, not on a move
            self._plot(example, None)

    def compute(self, snapshot: int, example: int = 0) -> dict[str, Any]:
        count, B = len(self.snapshots), self.targets.shape[0]
        i = check_index("snapshot", snapshot, 0, count - 1)
        e = check_index("example", example, 0, B - 1)
        s = self.snapshots[i]
        label = (
            f"snapshot {i + 1} of {count}: step {s.step:,}, {s.sequences:,} sequences seen;"
            f" probe batch ({B} sequences): {s.bits_per_sequence:.3g} bits,"
            f" {s.bit_errors_per_sequence:.3g} wrong bits per sequence"
        )
        return {
            "snapshot": i,
            "example": e,
            "outputs": s.outputs[e],
            "write_weights": self.weights["write_weights"][i, e] if self.has_weights else None,
            "read_weights": self.weights["read_weights"][i, e] if self.has_weights else None,
            "sequences": s.sequences,
            "step": s.step,
            "probe_cost": s.bits_per_sequence,
            "label": label,
        }

    def _key(self, state: dict[str, Any]) -> Any:
        return state["example"]  # the targets (drawn once per plot) depend on the example

    def _make_plot(self, key: Any, dpi: float | None, live: bool = True) -> SnapshotPlot:
        return SnapshotPlot(
            *self.curve,
            self.targets[key],
            self.mask[key],
            self.locations,
            probe=self.probe_curve,
            log=self.log_scale,
            live=live,
            dpi=dpi,
        )

    def _show(self, plot: SnapshotPlot, state: dict[str, Any]) -> None:
        plot.update(
            state["outputs"],
            state["write_weights"],
            state["read_weights"],
            snapshot_sequences=state["sequences"],
            probe_cost=state["probe_cost"],
            label=state["label"],
        )

    def _static(self, state: dict[str, Any]) -> Figure:
        plot = self._make_plot(state["example"], None, live=False)  # an ordinary figure
        self._show(plot, state)
        return plot.figure

    def shown_outputs(self) -> np.ndarray:
        """[T, O] the outputs the picture currently shows (read back from the image)."""
        return np.asarray(self.plot.images["outputs"].get_array()).T


def snapshot_explorer(
    history: Any,
    *,
    log: bool = True,
    locations: Any = None,
    interval_ms: int = 400,
    title: str | None = None,
) -> SnapshotExplorer:
    """A slider over training progress: the probe snapshots a `History` stored.

    Each position shows where the run was on its learning curve, the probe sequence's targets,
    the outputs at that moment (wrong bits marked) and, for an NTM, the write and read
    weightings. A Play button animates the slider; a second slider picks the probe sequence.

    Args:
        history: a `History` recorded with ``probe_every > 0`` (e.g. ``load_pretrained(...)
            .history``).
        log: logarithmic cost axis (the cost falls by orders of magnitude).
        locations: memory locations to draw (default: those the final snapshot uses).
        interval_ms: milliseconds per frame when playing.
        title: caption (default: names the model and task).
    Returns:
        a `SnapshotExplorer`; display it as the last expression of a cell.
    Raises:
        ValueError: no snapshots, or a bad `locations` / `interval_ms`.

    Taught in `notebooks/05_training_copy`.
    """
    return SnapshotExplorer(history, log, locations, interval_ms, title)
