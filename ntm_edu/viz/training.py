"""Figures of training runs: learning curves, predictions, generalisation and memory use.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §4.1 (copy):

* Fig. 3, learning curves: cost in bits per sequence against sequences seen, NTM and LSTM on
  one axes (`learning_curves_figure`);
* Figs. 4-5, generalisation: targets above outputs for test lengths 10, 20, 30, 50 and 120,
  each strip as wide as its sequence is long (`generalisation_figure`);
* Fig. 6, memory use: add vectors, reads and the write / read weightings over time, which show
  the learned algorithm (`memory_use_figure`, `MemoryUsePlot`); `focus_path` and
  `copy_memory_summary` turn the weightings into the numbers the notebook prints;
* one probe snapshot of a run: learning curve with a cursor, targets, outputs and, for an NTM,
  the weightings (`snapshot_figure`, `SnapshotPlot`, which the snapshot explorer blits).

Like every `ntm_edu.viz` module this takes plain arrays (anything `numpy.asarray` reads) and
imports neither torch nor the rest of the package. Time runs left to right; darker = larger.

Taught in `notebooks/05_training_copy`, `notebooks/06_lstm_baseline` and `notebooks/11_results`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from ntm_edu.viz.base import (
    GRAY,
    MEMORY_CMAP,
    LivePlot,
    check_array,
    heatmap,
    model_color,
    new_figure,
)

__all__ = [
    "MemoryUsePlot",
    "SnapshotPlot",
    "copy_memory_summary",
    "error_by_position_figure",
    "focus_path",
    "generalisation_figure",
    "learning_curves_figure",
    "location_window",
    "memory_use_figure",
    "moving_average",
    "prediction_figure",
    "snapshot_figure",
    "weightings_over_time_figure",
]

# One colour per kind of model, the same in every figure of the course.
ERROR_COLOR = "#d62728"  # a wrong bit (output on the wrong side of 0.5)
WRITE_COLOR, READ_COLOR = "#d95f02", "#1b9e77"
UNSCORED_TINT = "#9ecae1"  # the tint `viz.sequences` uses for steps that are not scored
LOG_FLOOR = 1e-3  # a cost of exactly 0 cannot sit on a log axis; it is drawn here


def _mask(mask: Any, steps: int) -> np.ndarray:
    if mask is None:
        return np.ones(steps, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != (steps,):
        raise ValueError(f"mask must have shape ({steps},), got {mask.shape}")
    return mask


def _check_probabilities(name: str, values: np.ndarray) -> np.ndarray:
    if values.size and (values.min() < -1e-6 or values.max() > 1 + 1e-6):
        raise ValueError(f"{name} must be probabilities in [0, 1] (apply the sigmoid to logits)")
    return values


def _wrong_bits(targets: np.ndarray, outputs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """[K, 2] (time, channel) of the scored bits whose output is on the wrong side of 0.5."""
    wrong = ((outputs > 0.5) != (targets > 0.5)) & mask[:, None]  # (T, O)
    times, channels = np.nonzero(wrong)
    return np.column_stack([times, channels]).astype(float)


# --- numbers -----------------------------------------------------------------------------------


def moving_average(values: Any, window: int) -> np.ndarray:
    """Mean of each point and the `window - 1` before it (fewer at the start); same length.

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


def focus_path(weights: Any) -> tuple[np.ndarray, np.ndarray]:
    """Where a head looks at each step: the location with the most weight, and that weight.

    Args:
        weights: [T, N] one head's weightings over an episode.
    Returns:
        (locations [T] int, strength [T] float): argmax and max of each row. A strength near
        1 is a sharp, one-location focus; 1/N is a head looking everywhere at once.
    """
    weights = check_array("weights", weights, 2)
    return weights.argmax(axis=1), weights.max(axis=1)


def _circular_steps(locations: np.ndarray, num_locations: int) -> np.ndarray:
    """Moves between consecutive locations, wrapped into [-N/2, N/2) (a ring of N slots)."""
    moves = np.diff(locations)
    return (moves + num_locations // 2) % num_locations - num_locations // 2


def _mode(values: np.ndarray) -> tuple[int, float]:
    """Most common integer and the fraction of entries equal to it (0, 0.0 for no entries)."""
    if len(values) == 0:
        return 0, 0.0
    numbers, counts = np.unique(values, return_counts=True)
    best = int(np.argmax(counts))
    return int(numbers[best]), float(counts[best] / len(values))


def copy_memory_summary(write_weights: Any, read_weights: Any, length: int) -> dict[str, Any]:
    """How a copy episode used the memory, in numbers (the paper's Fig. 6 pseudocode).

    The paper's NTM writes input k to one location and moves the write head one step on; at the
    delimiter it jumps back to the first location (by content) and reads the locations in the
    same order. In this model the read at step t comes from the memory *before* step t's write,
    so input k (written at step k) should be read at step L + 1 + k.

    Args:
        write_weights, read_weights: [T, N] one head's weightings, T = 2 * length + 1.
        length: L, the number of vectors copied.
    Returns:
        a dict of plain values:
            "write_locations", "read_locations": [L] lists, the focus at the input steps
                0..L-1 and at the output steps L+1..2L;
            "write_move", "read_move": the most common move between consecutive steps
                (+1: the next location up; wrapped around the N-slot ring);
            "write_move_share", "read_move_share": the fraction of moves equal to it;
            "read_matches_write": the fraction of k with read location k == write location k
                (1.0: every vector is read back from where it was written);
            "write_focus", "read_focus": the mean strength of the focus (max weight) over the
                same steps (1.0 = perfectly sharp);
            "distinct_write_locations": how many different locations the inputs went to.
    """
    write_weights = check_array("write_weights", write_weights, 2)
    N = write_weights.shape[1]
    read_weights = check_array("read_weights", read_weights, 2, (write_weights.shape[0], N))
    if isinstance(length, bool) or int(length) != length or length < 1:
        raise ValueError(f"length must be an integer >= 1, got {length!r}")
    length = int(length)
    if write_weights.shape[0] != 2 * length + 1:
        raise ValueError(
            f"a copy episode of length {length} has {2 * length + 1} steps, "
            f"the weightings have {write_weights.shape[0]}"
        )
    write_at, write_strength = focus_path(write_weights[:length])
    read_at, read_strength = focus_path(read_weights[length + 1 :])
    write_move, write_share = _mode(_circular_steps(write_at, N))
    read_move, read_share = _mode(_circular_steps(read_at, N))
    return {
        "write_locations": [int(x) for x in write_at],
        "read_locations": [int(x) for x in read_at],
        "write_move": write_move,
        "write_move_share": write_share,
        "read_move": read_move,
        "read_move_share": read_share,
        "read_matches_write": float(np.mean(read_at == write_at)),
        "write_focus": float(write_strength.mean()),
        "read_focus": float(read_strength.mean()),
        "distinct_write_locations": int(len(np.unique(write_at))),
    }


def location_window(
    *weights: Any, threshold: float = 0.05, margin: int = 2, min_size: int = 16
) -> np.ndarray:
    """The locations worth drawing: the shortest arc of the memory ring holding every location
    any head gave more than `threshold` weight, plus `margin` on each side.

    A head that starts at location 0 and moves down wraps to 127, 126, ...; drawing rows
    0..k would cut it off, so the window is circular and keeps the ring order (e.g.
    [124, ..., 127, 0, 1, ..., 9]).

    Args:
        *weights: arrays [..., N] of weightings (any leading shape, same N).
        threshold: the weight that counts as "used".
        margin: locations added before and after the used arc.
        min_size: the window is grown symmetrically to at least this many rows (at most N).
    Returns:
        [K] int array of location indices in ring order (all N if everything is used).
    """
    if not weights:
        raise ValueError("location_window needs at least one weighting array")
    arrays = [np.asarray(w, dtype=float) for w in weights]
    N = arrays[0].shape[-1]
    if any(a.ndim < 1 or a.shape[-1] != N for a in arrays):
        raise ValueError("all weightings must have the same number of locations N (last axis)")
    used = np.zeros(N, dtype=bool)
    for a in arrays:
        used |= (a.reshape(-1, N) > threshold).any(axis=0)
    size = min(N, max(int(min_size), 1))
    if not used.any():
        return np.arange(size)
    positions = np.flatnonzero(used)
    # The widest empty gap between used locations (around the ring) is what the window skips.
    gaps = np.diff(np.concatenate([positions, [positions[0] + N]]))
    widest = int(np.argmax(gaps))
    start = int(positions[(widest + 1) % len(positions)])
    span = int(N - gaps[widest] + 1)  # used arc length, ends included
    span = span + 2 * margin
    if span >= N:
        return np.arange(N)  # everything is drawn: keep the natural order
    start -= margin
    if span < size:
        start -= (size - span) // 2
        span = size
    return (start + np.arange(span)) % N


def _location_ticks(ax: Any, locations: np.ndarray) -> None:
    """Label rows of an image that shows `locations` (in ring order) with their indices."""
    count = len(locations)
    step = max(1, int(np.ceil(count / 6)))
    rows = list(range(0, count, step))
    ax.yaxis.set_major_locator(FixedLocator(rows))
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda y, _pos: str(int(locations[int(round(y))])) if 0 <= y < count else "")
    )


def _tint_unscored(ax: Any, mask: np.ndarray) -> None:
    start = None
    for t, scored in enumerate(list(mask) + [True]):
        if not scored and start is None:
            start = t
        elif scored and start is not None:
            ax.axvspan(start - 0.5, t - 0.5, color=UNSCORED_TINT, alpha=0.3, lw=0)
            start = None


# --- learning curves (Fig. 3) ------------------------------------------------------------------


def _draw_curves(
    ax: Any,
    curves: Mapping[str, tuple[Any, Any]],
    log: bool,
    smooth: int,
    paper: Mapping[str, tuple[Any, Any]] | None,
) -> None:
    for index, (label, (x, cost)) in enumerate(curves.items()):
        x = check_array(f"{label!r} sequences", x, 1)
        cost = check_array(f"{label!r} cost", cost, 1, (len(x),))
        if len(x) == 0:
            raise ValueError(f"curve {label!r} has no points")
        y = moving_average(cost, smooth) if smooth > 1 else cost
        if log:
            y = np.maximum(y, LOG_FLOOR)
        ax.plot(x / 1000, y, label=label, color=model_color(label, index), lw=1.3)
    for index, (label, (x, cost)) in enumerate((paper or {}).items()):
        x = check_array(f"paper {label!r} sequences", x, 1)
        cost = check_array(f"paper {label!r} cost", cost, 1, (len(x),))
        ax.plot(
            x / 1000,
            np.maximum(cost, LOG_FLOOR) if log else cost,
            ls="--",
            marker="o",
            mfc="white",
            ms=4,
            lw=0.9,
            color=model_color(label, index),
            label=f"{label} (paper, read off Fig. 3)",
        )
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.set_xlabel("sequences seen (thousands)")
    ax.grid(alpha=0.3, which="both" if log else "major")


def learning_curves_figure(
    curves: Mapping[str, tuple[Any, Any]],
    *,
    log: bool = False,
    smooth: int = 1,
    paper: Mapping[str, tuple[Any, Any]] | None = None,
    marker: float | None = None,
    ylabel: str = "cost (bits per sequence)",
    title: str | None = None,
    width: float = 6.5,
    height: float = 3.2,
) -> Figure:
    """Learning curves on one axes, as in the paper's Fig. 3: cost against sequences seen.

    Args:
        curves: label -> (sequences [P], cost [P]); "NTM" and "LSTM" get the course's colours.
            Use `History.curve()`: ``(c.sequences, c.bits_per_sequence)``.
        log: logarithmic cost axis (costs of 0 are drawn at 1e-3).
        smooth: moving-average window in points (1: raw).
        paper: optional label -> (sequences [K], cost [K]) read off the paper's plot, drawn
            dashed with hollow markers.
        marker: optional number of sequences marked by a vertical line (a snapshot).
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
    _draw_curves(ax, curves, log, int(smooth), paper)
    if marker is not None:
        ax.axvline(float(marker) / 1000, color="0.3", lw=1.0, ls=":")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, loc="left")
    return figure


# --- predictions and weightings at one moment --------------------------------------------------


def prediction_figure(
    targets: Any,
    outputs: Any,
    mask: Any = None,
    inputs: Any = None,
    *,
    title: str | None = None,
    mark_errors: bool = True,
) -> Figure:
    """Targets above outputs for one episode, with the wrong bits marked.

    Args:
        targets: [T, O] what the model should emit.
        outputs: [T, O] output probabilities (sigmoid of the logits).
        mask: [T] bool, True where outputs are scored; other steps are tinted (default: all).
        inputs: optional [T, I], drawn on top.
        mark_errors: red crosses on scored bits whose output is on the wrong side of 0.5.
    Returns:
        a Figure with 2 (or 3, with inputs) heatmap axes titled "inputs", "targets",
        "outputs".
    """
    targets = check_array("targets", targets, 2)
    T, O = targets.shape
    outputs = _check_probabilities("outputs", check_array("outputs", outputs, 2, (T, O)))
    mask = _mask(mask, T)
    rows = [("targets", targets), ("outputs", outputs)]
    if inputs is not None:
        rows.insert(0, ("inputs", check_array("inputs", inputs, 2, (T, None))))
    figure = new_figure(float(np.clip(2.0 + 0.09 * T, 5.0, 12.0)), 0.7 + 0.95 * len(rows))
    axes = figure.subplots(len(rows), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, values) in zip(axes, rows, strict=True):
        heatmap(ax, values.T, title=name, xlabel=None)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        if name != "inputs":
            _tint_unscored(ax, mask)
    axes[-1].set_xlabel("time step")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    if mark_errors:
        wrong = _wrong_bits(targets, outputs, mask)
        axes[-1].scatter(wrong[:, 0], wrong[:, 1], marker="x", s=14, color=ERROR_COLOR, lw=1.0)
        axes[-1].set_title(f"outputs ({len(wrong)} wrong bits marked x)", loc="left")
    if title:
        figure.suptitle(title, x=0.01, ha="left")
    return figure


def weightings_over_time_figure(
    write_weights: Any,
    read_weights: Any,
    *,
    locations: Any = None,
    mask: Any = None,
    title: str | None = None,
) -> Figure:
    """Write and read weightings of one head each over an episode (locations down, time across).

    Args:
        write_weights, read_weights: [T, N].
        locations: the locations to draw, in order (default: `location_window` of both).
        mask: [T] bool scored steps, tinted where False (default: no tint).
    Returns:
        a Figure with 2 heatmap axes.
    """
    write_weights = check_array("write_weights", write_weights, 2)
    T, N = write_weights.shape
    read_weights = check_array("read_weights", read_weights, 2, (T, N))
    rows = _locations(locations, N, write_weights, read_weights)
    figure = new_figure(float(np.clip(3.0 + 0.1 * T, 6.0, 12.0)), 1.2 + 0.06 * len(rows) * 2)
    axes = figure.subplots(1, 2, sharey=True)
    for ax, (name, w) in zip(
        axes, [("write weightings", write_weights), ("read weightings", read_weights)], strict=True
    ):
        heatmap(ax, w[:, rows].T, title=name)
        _location_ticks(ax, rows)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if mask is not None:
            _tint_unscored(ax, _mask(mask, T))
    axes[0].set_ylabel("location")
    if title:
        figure.suptitle(title, x=0.01, ha="left")
    return figure


def _locations(locations: Any, N: int, *weights: np.ndarray) -> np.ndarray:
    if locations is None:
        return location_window(*weights)
    rows = np.asarray(locations)
    if rows.ndim != 1 or len(rows) == 0 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError("locations must be a non-empty 1-D array of integer location indices")
    if rows.min() < 0 or rows.max() >= N:
        raise ValueError(f"locations must be in [0, {N - 1}]")
    return rows


# --- generalisation (Figs. 4-5) ----------------------------------------------------------------


def generalisation_figure(
    lengths: Sequence[int],
    targets: Sequence[Any],
    outputs: Mapping[str, Sequence[Any]],
    *,
    costs: Mapping[str, Sequence[float]] | None = None,
    cost_name: str = "wrong bits",
    title: str | None = None,
    mark_errors: bool = True,
) -> Figure:
    """Targets and each model's outputs at several test lengths, as in the paper's Figs. 4-5.

    Only the answer phase is drawn (the L scored steps). All strips share one time axis, so a
    strip is as wide as its sequence is long, like the paper's.

    Args:
        lengths: [K] the sequence lengths L_k.
        targets: K arrays [L_k, O], the vectors to copy.
        outputs: model label -> K arrays [L_k, O] of output probabilities.
        costs: optional model label -> K numbers, printed in the strip titles.
        cost_name: what those numbers are ("wrong bits": the count in that sequence).
        mark_errors: red crosses on bits on the wrong side of 0.5.
    Returns:
        a Figure with K * (1 + number of models) axes.
    """
    lengths = [int(x) for x in lengths]
    if not lengths:
        raise ValueError("lengths must hold at least one sequence length")
    if any(x < 1 for x in lengths):
        raise ValueError(f"lengths must be >= 1, got {lengths}")
    if len(targets) != len(lengths):
        raise ValueError(f"{len(targets)} target arrays for {len(lengths)} lengths")
    if not outputs:
        raise ValueError("outputs must hold at least one model: label -> arrays")
    target_arrays = [
        check_array(f"targets[{k}]", t, 2, (L, None))
        for k, (L, t) in enumerate(zip(lengths, targets, strict=True))
    ]
    O = target_arrays[0].shape[1]
    output_arrays: dict[str, list[np.ndarray]] = {}
    for label, arrays in outputs.items():
        if len(arrays) != len(lengths):
            raise ValueError(f"{label!r}: {len(arrays)} output arrays for {len(lengths)} lengths")
        output_arrays[label] = [
            _check_probabilities(
                f"{label!r} outputs[{k}]", check_array(f"{label!r} outputs[{k}]", a, 2, (L, O))
            )
            for k, (L, a) in enumerate(zip(lengths, arrays, strict=True))
        ]
    for label, values in (costs or {}).items():
        if label not in output_arrays or len(values) != len(lengths):
            raise ValueError(f"costs[{label!r}] must match a model in outputs and the lengths")
    rows_per_block = 1 + len(output_arrays)
    longest = max(lengths)
    figure = new_figure(
        float(np.clip(2.5 + 0.075 * longest, 6.0, 13.0)),
        0.6 + len(lengths) * rows_per_block * 0.62,
    )
    axes = figure.subplots(len(lengths) * rows_per_block, 1, sharex=True, squeeze=False)[:, 0]
    for k, L in enumerate(lengths):
        block = axes[k * rows_per_block : (k + 1) * rows_per_block]
        heatmap(block[0], target_arrays[k].T, xlabel=None)
        block[0].set_title(f"length {L}: targets", loc="left", fontsize=8)
        for ax, (label, arrays) in zip(block[1:], output_arrays.items(), strict=True):
            heatmap(ax, arrays[k].T, xlabel=None)
            note = ""
            if costs and label in costs:
                note = f" ({costs[label][k]:.3g} {cost_name})"
            ax.set_title(f"{label} outputs{note}", loc="left", fontsize=8)
            if mark_errors:
                wrong = _wrong_bits(target_arrays[k], arrays[k], np.ones(L, dtype=bool))
                ax.scatter(wrong[:, 0], wrong[:, 1], marker="x", s=8, color=ERROR_COLOR, lw=0.8)
        for ax in block:
            ax.set_yticks([])
    axes[0].set_xlim(-0.5, longest - 0.5)
    axes[-1].set_xlabel("output step (answer phase)")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        figure.suptitle(title, x=0.01, ha="left")
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


# --- a probe snapshot --------------------------------------------------------------------------


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
        self.targets, self.mask = targets, _mask(mask, T)
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
            _draw_curves(ax_curve, {"training": (sequences, cost)}, log, 1, None)
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
            _tint_unscored(ax, self.mask)
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
                _location_ticks(ax, self.locations)
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
        sequences: float = 0,
        probe_cost: float = float("nan"),
        label: str = "",
    ) -> Figure:
        """Show one snapshot: outputs [T, O] (probabilities) and, for an NTM, weightings
        [T, N]; `sequences` places the cursor on the curve, `probe_cost` the dot."""
        T, O = self.targets.shape
        outputs = _check_probabilities("outputs", check_array("outputs", outputs, 2, (T, O)))
        self.images["outputs"].set_data(outputs.T)
        wrong = _wrong_bits(self.targets, outputs, self.mask)
        self.errors.set_offsets(wrong if len(wrong) else np.zeros((0, 2)))
        self.output_title.set_text(f"outputs ({len(wrong)} wrong bits marked x)")
        if self.locations is not None:
            for name, w in (("write_weights", write_weights), ("read_weights", read_weights)):
                if w is None:
                    raise ValueError(f"{name} is required: this plot shows weightings")
                w = check_array(name, w, 2, (T, None))
                self.images[name].set_data(w[:, self.locations].T)
        x = float(sequences) / 1000
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
    outputs: Any,
    write_weights: Any = None,
    read_weights: Any = None,
    *,
    snapshot_sequences: float = 0,
    probe_cost: float = float("nan"),
    label: str = "",
    locations: Any = None,
    probe: tuple[Any, Any] | None = None,
    log: bool = True,
) -> Figure:
    """Static version of `SnapshotPlot`: one probe snapshot of a run.

    Args:
        sequences, cost: [P] the learning curve.
        targets, outputs: [T, O] the probe sequence's targets and the outputs at the snapshot.
        mask: [T] bool scored steps.
        write_weights, read_weights: optional [T, N] (an NTM's); both or neither.
        snapshot_sequences: when the snapshot was taken (sequences seen), marked on the curve.
        probe_cost: the probe sequence's cost at that moment (the dot on the curve).
        label: the figure title.
        locations: the memory locations to draw (default: `location_window`).
        probe: optional (sequences [S], cost [S]) of all snapshots' probe costs.
        log: logarithmic cost axis.
    Returns:
        a Figure (3 axes, or 5 with weightings).
    """
    if (write_weights is None) != (read_weights is None):
        raise ValueError("give both write_weights and read_weights, or neither")
    if write_weights is not None:
        write_weights = check_array("write_weights", write_weights, 2)
        read_weights = check_array("read_weights", read_weights, 2, write_weights.shape)
        locations = _locations(locations, write_weights.shape[1], write_weights, read_weights)
    else:
        locations = None
    plot = SnapshotPlot(sequences, cost, targets, mask, locations, probe=probe, log=log)
    return plot.update(
        outputs,
        write_weights,
        read_weights,
        sequences=snapshot_sequences,
        probe_cost=probe_cost,
        label=label,
    )


# --- memory use (Fig. 6) -----------------------------------------------------------------------


class MemoryUsePlot(LivePlot):
    """How an NTM used its memory over one episode, laid out like the paper's Fig. 6.

    Rows: inputs | outputs; add vectors | read vectors; write | read weightings (locations
    down, time across); and, across the bottom, the *focus path*: the location each head
    looks at most, step by step (dot size = how sharp the focus is), with the answer phase
    tinted. A vertical cursor marks one time step in every panel.

    Args:
        inputs: [T, I].  outputs: [T, O] probabilities.  add, reads: [T, M].
        write_weights, read_weights: [T, N] one head each.
        mask: [T] bool scored steps.
        locations: the locations to draw (default: `location_window` of both weightings).
        live: blit (for explorers).  dpi: resolution.

    The episode is fixed at construction; `update(time)` moves the cursor.
    """

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        add: Any,
        reads: Any,
        write_weights: Any,
        read_weights: Any,
        mask: Any = None,
        locations: Any = None,
        live: bool = False,
        dpi: float | None = None,
    ):
        inputs = check_array("inputs", inputs, 2)
        T = inputs.shape[0]
        arrays = {
            "inputs": inputs,
            "outputs": _check_probabilities(
                "outputs", check_array("outputs", outputs, 2, (T, None))
            ),
            "add": check_array("add", add, 2, (T, None)),
            "reads": check_array("reads", reads, 2, (T, None)),
            "write_weights": check_array("write_weights", write_weights, 2, (T, None)),
        }
        N = arrays["write_weights"].shape[1]
        arrays["read_weights"] = check_array("read_weights", read_weights, 2, (T, N))
        self.arrays = arrays
        self.mask = _mask(mask, T)
        self.locations = _locations(locations, N, arrays["write_weights"], arrays["read_weights"])
        super().__init__(live, 10.0, 7.2, dpi)
        I, M, K = inputs.shape[1], arrays["add"].shape[1], len(self.locations)
        grid = self.figure.add_gridspec(
            4, 2, height_ratios=[I + 2, M, max(K, 8) * 0.8, max(K, 8) * 0.7]
        )
        vlim = max(float(np.abs(arrays["add"]).max()), float(np.abs(arrays["reads"]).max()), 1e-6)
        panels = [
            ("inputs", "inputs", GRAY, 0, 1, 0, 0),
            ("outputs", "outputs", GRAY, 0, 1, 0, 1),
            ("add", r"add vectors $a_t$", MEMORY_CMAP, -vlim, vlim, 1, 0),
            ("reads", r"read vectors $r_t$", MEMORY_CMAP, -vlim, vlim, 1, 1),
            ("write_weights", r"write weightings $w^w_t$", GRAY, 0, 1, 2, 0),
            ("read_weights", r"read weightings $w^r_t$", GRAY, 0, 1, 2, 1),
        ]
        self.cursors: list[Any] = []
        for name, title, cmap, low, high, row, column in panels:
            ax = self.figure.add_subplot(grid[row, column])
            values = arrays[name][:, self.locations] if name.endswith("weights") else arrays[name]
            heatmap(ax, values.T, title=title, cmap=cmap, vmin=low, vmax=high, xlabel=None)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if name.endswith("weights"):
                _location_ticks(ax, self.locations)
                ax.set_ylabel("location")
            else:
                ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
            ax.tick_params(labelbottom=False)
            self.cursors.append(self._track(ax.axvline(0, color=ERROR_COLOR, lw=1.0, alpha=0.7)))

        ax = self.figure.add_subplot(grid[3, :])
        row_of = {int(location): row for row, location in enumerate(self.locations)}
        _tint_unscored(ax, ~self.mask)  # tint the *scored* steps: the answer phase
        for name, color, marker, label in (
            ("write_weights", WRITE_COLOR, "o", "write head"),
            ("read_weights", READ_COLOR, "s", "read head"),
        ):
            at, strength = focus_path(arrays[name])
            shown = np.array([int(x) in row_of for x in at])
            rows = np.array([row_of.get(int(x), np.nan) for x in at], dtype=float)
            steps = np.arange(T)
            ax.scatter(
                steps[shown],
                rows[shown],
                s=6 + 30 * strength[shown],
                marker=marker,
                color=color,
                alpha=0.85,
                label=label,
            )
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_ylim(K - 0.5, -0.5)
        _location_ticks(ax, self.locations)
        ax.set_ylabel("location")
        ax.set_xlabel("time step (tinted: answer phase)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("focus path: the location each head looks at most", loc="left")
        ax.legend(frameon=False, fontsize=7, loc="upper right", ncol=2)
        self.cursors.append(self._track(ax.axvline(0, color=ERROR_COLOR, lw=1.0, alpha=0.7)))
        self.status = self._track(
            ax.text(0.0, -0.42, " ", transform=ax.transAxes, fontsize=8, va="top")
        )
        self.time = 0
        self._finish()

    @property
    def steps(self) -> int:
        return self.arrays["inputs"].shape[0]

    def update(self, time: int = 0) -> Figure:
        """Move the cursor to step `time` and describe both heads' focus there."""
        T = self.steps
        if isinstance(time, bool) or int(time) != time or not 0 <= time < T:
            raise ValueError(f"time must be an integer in [0, {T - 1}], got {time!r}")
        self.time = int(time)
        for cursor in self.cursors:
            cursor.set_xdata([self.time, self.time])
        w, r = self.arrays["write_weights"][self.time], self.arrays["read_weights"][self.time]
        phase = "answer phase" if self.mask[self.time] else "input phase"
        self.status.set_text(
            f"t = {self.time} ({phase}): write head at location {int(w.argmax())} "
            f"(weight {w.max():.2f}), read head at location {int(r.argmax())} "
            f"(weight {r.max():.2f})"
        )
        return self.figure


def memory_use_figure(
    inputs: Any,
    outputs: Any,
    add: Any,
    reads: Any,
    write_weights: Any,
    read_weights: Any,
    mask: Any = None,
    *,
    locations: Any = None,
    time: int = 0,
) -> Figure:
    """Static version of `MemoryUsePlot` (the paper's Fig. 6 plus a focus path) for one episode.

    Args:
        inputs [T, I]; outputs [T, O] probabilities; add, reads [T, M]; write_weights,
        read_weights [T, N] (one head each); mask [T] scored steps; locations to draw
        (default: `location_window`); time: the step marked by the cursor.
    Returns:
        a Figure with 7 axes.
    """
    plot = MemoryUsePlot(
        inputs, outputs, add, reads, write_weights, read_weights, mask, locations=locations
    )
    return plot.update(time)
