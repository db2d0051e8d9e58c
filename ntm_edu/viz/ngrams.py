"""Figures of the dynamic N-grams experiment: inference, learning curves and memory use.

Graves, Wayne & Danihelka 2014, §4.4 (https://arxiv.org/abs/1410.5401). A network that reads a
bit sequence drawn from a hidden, fresh 6-gram table is compared with the Bayes-optimal
counting estimator of eq. 10:

* `plot_ngram_inference` (and `NGramInferencePlot`, its live version; both in
  `ntm_edu.viz.ngram_inference`, re-exported here): the paper's "Dynamic N-Gram Inference"
  figure (Fig. 14 of arXiv v2): aligned grayscale rows Input / Optimal / NTM / LSTM over time,
  darker = P(next bit = 1) higher, with red arrows at the steps where the NTM departs most
  from the optimum;
* `plot_ngram_learning_curves`: bits per sequence while training, against the optimal cost
  (Fig. 13);
* `plot_ngram_memory_use` (and `NGramMemoryPlot`, its live version): add vectors, write and
  read weightings over time with the steps of one 5-bit context highlighted (Fig. 15), and
  `context_locations` / `location_reuse`, the numbers behind the question "does the NTM keep
  one memory location per context?".

Conventions: one column per time step t; the prediction in column t is P(bit_t = 1 | bits
before t), so it sits under the bit it predicts. Contexts are table rows (oldest bit most
significant, as `ntm_edu.tasks.context_indices`), -1 where a step has no full context yet.
Only numpy and matplotlib are imported: callers pass plain arrays.

Taught in `notebooks/09_dynamic_ngrams`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import LivePlot, heatmap, model_color, new_figure
from ntm_edu.viz.ngram_inference import (
    NGramInferencePlot,
    inference_rows,
    largest_departures,
    plot_ngram_inference,
)

__all__ = [
    "NGramInferencePlot",
    "NGramMemoryPlot",
    "inference_rows",
    "context_label",
    "context_locations",
    "largest_departures",
    "location_reuse",
    "past_occurrence_read_share",
    "plot_ngram_inference",
    "plot_ngram_learning_curves",
    "plot_ngram_memory_use",
]

HIGHLIGHT_COLOR = "tab:orange"  # steps of the picked context in the memory-use figure


def _vector(name: str, values: Any, length: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (T,), got shape {array.shape}")
    if length is not None and len(array) != length:
        raise ValueError(f"{name} has {len(array)} steps, expected {length} like bits")
    return array


def _probabilities(name: str, values: Any, length: int) -> np.ndarray:
    array = _vector(name, values, length)
    if np.any(~np.isfinite(array)) or np.any((array < 0) | (array > 1)):
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    return array


def context_label(context: int, bits: int = 5) -> str:
    """Table row `context` as the bits it stands for, oldest first: 2 -> "00010"."""
    if not 0 <= int(context) < 2**bits:
        raise ValueError(f"context must be in [0, {2**bits - 1}] for {bits} bits, got {context}")
    return format(int(context), f"0{bits}b")


def _running_mean(values: np.ndarray, points: int) -> np.ndarray:
    if points <= 1 or len(values) < points:
        return values
    kernel = np.ones(points) / points
    return np.convolve(values, kernel, mode="valid")


def plot_ngram_learning_curves(
    curves: Mapping[str, tuple[Any, Any]],
    optimal_cost: float,
    smooth: int = 5,
    held_out: Mapping[str, float] | None = None,
    chance: float | None = 200.0,
    title: str | None = None,
) -> Figure:
    """Training cost in bits per sequence against sequences seen, with the optimum (Fig. 13).

    Args:
        curves: name -> (sequences [P], bits per sequence [P]), e.g. from `History.curve()`.
        optimal_cost: eq. 10's mean cost per sequence (a dashed line).
        smooth: points in a running mean of each curve (1: raw). Training batches are noisy:
            one 32-sequence batch has a standard error of about 6 bits.
        held_out: optional name -> final held-out cost, drawn as a dot at the curve's end.
        chance: cost of always predicting 0.5 (a dotted line; None: omit).
        title: figure title.
    Returns:
        a Figure with one axes.

    Taught in `notebooks/09_dynamic_ngrams`.
    """
    if not curves:
        raise ValueError("curves must hold at least one (sequences, bits) pair")
    if int(smooth) < 1:
        raise ValueError(f"smooth must be at least 1, got {smooth}")
    figure = new_figure(7.5, 3.6)
    ax = figure.subplots()
    colors = {}
    low = float(optimal_cost)
    for index, (name, (sequences, costs)) in enumerate(curves.items()):
        sequences = _vector(f"{name} sequences", sequences)
        costs = _vector(f"{name} bits", costs, len(sequences))
        smoothed = _running_mean(costs, int(smooth))
        x = sequences[len(sequences) - len(smoothed) :] / 1000.0
        (line,) = ax.plot(x, smoothed, lw=1.4, label=name, color=model_color(name, index))
        colors[name] = line.get_color()
        if len(smoothed):
            low = min(low, float(smoothed.min()))
    ax.axhline(optimal_cost, color="black", ls="--", lw=1.0,
               label=f"optimal estimator (eq. 10): {optimal_cost:.1f}")  # fmt: skip
    if chance is not None:
        ax.axhline(chance, color="0.5", ls=":", lw=1.0, label=f"chance (always 0.5): {chance:g}")
    for name, value in (held_out or {}).items():
        if name in curves and len(curves[name][0]):
            end = np.asarray(curves[name][0], dtype=float)[-1] / 1000.0
            ax.plot([end], [value], "o", color=colors[name], ms=5)
            ax.annotate(f"{value:.1f}", (end, value), xytext=(4, 4), textcoords="offset points",
                        fontsize=8, color=colors[name])  # fmt: skip
    top = chance if chance is not None else max(float(np.max(c[1])) for c in curves.values())
    ax.set_ylim(low - 3, top + 8)
    ax.set_xlabel("sequences seen (thousands)")
    ax.set_ylabel("cost (bits per sequence)")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title or "learning curves against the optimal estimator", loc="left")
    return figure


def _context_steps(contexts: np.ndarray, context: int | None) -> np.ndarray:
    if context is None:
        return np.zeros(0, dtype=int)
    return np.flatnonzero(contexts == int(context))


def _used_locations(weights: Sequence[np.ndarray], threshold: float = 0.05) -> tuple[int, int]:
    peak = np.max(np.stack([w.max(axis=0) for w in weights]), axis=0)  # (N,)
    used = np.flatnonzero(peak > threshold)
    if len(used) == 0:
        return 0, len(peak)
    return int(used.min()), int(used.max()) + 1


class NGramMemoryPlot(LivePlot):
    """How the NTM uses its memory over one N-gram sequence, one context highlighted (Fig. 15).

    Rows, top to bottom: the input bits; the add vectors (what is written); the write
    weighting; the read weighting. For the picked context, orange marks show the steps that
    predict a bit after it (reads, column t where `contexts[t] == context`) and the steps one
    later, when that bit arrives as input and could be counted (writes, column t + 1). A
    counter-like NTM would read and write one fixed location at all of them.

    The heatmaps are drawn once; `update(context)` moves only the marks and the caption, so a
    live plot (``live=True``) redraws for a context picker in tens of milliseconds.

    Args:
        bits: [T] the sequence (0/1).
        read_weights: [T, N] read weighting w_t^r of one read head.
        write_weights: [T, N] write weighting w_t^w of one write head.
        add: [T, M] add vectors a_t of that write head.
        contexts: [T] table row of the context before each step, -1 where there is none.
        locations: (first, stop) rows of memory to show (default: the span any head used,
            i.e. weights above 0.05 somewhere).
        context_bits: bits per context (5 in the paper).
        title: figure title.
        live: blit redraws (explorers) instead of drawing a plain figure.
        dpi: figure resolution (default matplotlib's).

    Taught in `notebooks/09_dynamic_ngrams`.
    """

    def __init__(
        self,
        bits: Any,
        read_weights: Any,
        write_weights: Any,
        add: Any,
        contexts: Any,
        locations: tuple[int, int] | None = None,
        context_bits: int = 5,
        title: str | None = None,
        live: bool = False,
        dpi: float | None = None,
    ):
        super().__init__(live, 11.0, 7.0, dpi)
        bits = _vector("bits", bits)
        length = len(bits)
        read_weights = np.asarray(read_weights, dtype=float)
        write_weights = np.asarray(write_weights, dtype=float)
        add = np.asarray(add, dtype=float)
        for name, array in [("read_weights", read_weights), ("write_weights", write_weights),
                            ("add", add)]:  # fmt: skip
            if array.ndim != 2 or array.shape[0] != length:
                raise ValueError(f"{name} must have shape (T={length}, ...), got {array.shape}")
        if read_weights.shape != write_weights.shape:
            raise ValueError(
                f"read_weights {read_weights.shape} and write_weights {write_weights.shape} differ"
            )
        self.contexts = _vector("contexts", contexts, length).astype(int)
        self.context_bits = int(context_bits)
        memory_size = read_weights.shape[1]
        if locations is None:
            first, stop = _used_locations([read_weights, write_weights])
        else:
            first, stop = (int(v) for v in locations)
            if not 0 <= first < stop <= memory_size:
                raise ValueError(
                    f"locations must satisfy 0 <= first < stop <= {memory_size}, got {locations}"
                )

        axes = self.figure.subplots(4, 1, sharex=True, height_ratios=[0.5, 1.6, 2.4, 2.4])
        heatmap(axes[0], bits[None, :], xlabel=None).set_extent((-0.5, length - 0.5, 0.5, -0.5))
        axes[0].set_yticks([0], labels=["input bit"], fontsize=8)
        scale = max(float(np.abs(add).max()), 1e-6)
        image = axes[1].imshow(add.T, aspect="auto", cmap="RdBu_r", vmin=-scale, vmax=scale,
                               interpolation="nearest")  # fmt: skip
        axes[1].set_ylabel("add a_t\n(component)", fontsize=8)
        self.figure.colorbar(image, ax=axes[1], fraction=0.02, pad=0.01)
        for ax, weights, name in [(axes[2], write_weights, "write"),
                                  (axes[3], read_weights, "read")]:  # fmt: skip
            image = heatmap(ax, weights[:, first:stop].T, xlabel=None)
            image.set_extent((-0.5, length - 0.5, stop - 0.5, first - 0.5))
            ax.set_ylabel(f"{name} weighting\n(location)", fontsize=8)
        axes[-1].set_xlabel("time step")
        if title:
            self.figure.suptitle(title, x=0.01, ha="left", fontsize=10)
        self.length = length
        # Marks: solid at the reads (input row and read row), dashed at the writes one later.
        style = dict(color=HIGHLIGHT_COLOR, lw=0.9, alpha=0.8)
        self._marks = [
            self._track(
                ax.vlines([], 0, 1, transform=ax.get_xaxis_transform(), **style, linestyles=ls)
            )  # fmt: skip
            for ax, ls in ((axes[0], "solid"), (axes[3], "solid"), (axes[2], "dashed"))
        ]
        # The caption is laid out once with a full-length text, so the space stays reserved.
        self._caption = axes[0].set_title(self._caption_text("0" * self.context_bits, 200),
                                          loc="left", fontsize=9)  # fmt: skip
        self._track(self._caption)
        self._finish()
        self.highlighted_steps: list[int] = []
        self.update(None)

    @staticmethod
    def _caption_text(label: str, count: int) -> str:
        return (
            f"context {label}: {count} steps predict after it (solid: reads at t; "
            "dashed: writes at t + 1, when the bit arrives)"
        )

    def update(self, context: int | None) -> Figure:
        """Highlight the steps of `context` (a table row; None: no highlight)."""
        if context is not None and not 0 <= int(context) < 2**self.context_bits:
            raise ValueError(f"context must be in [0, {2**self.context_bits - 1}], got {context}")
        steps = _context_steps(self.contexts, context)
        reads = [[(t, 0), (t, 1)] for t in steps]
        writes = [[(t + 1, 0), (t + 1, 1)] for t in steps if t + 1 < self.length]
        for marks, segments in zip(self._marks, (reads, reads, writes), strict=True):
            marks.set_segments(segments)
        label = context_label(int(context), self.context_bits) if context is not None else ""
        self._caption.set_text(self._caption_text(label, len(steps)) if len(steps) else "")
        self.highlighted_steps = [int(t) for t in steps]
        self.figure.highlighted_steps = self.highlighted_steps
        self._data_changed = True
        return self.figure


def plot_ngram_memory_use(
    bits: Any,
    read_weights: Any,
    write_weights: Any,
    add: Any,
    contexts: Any,
    context: int | None = None,
    locations: tuple[int, int] | None = None,
    context_bits: int = 5,
    title: str | None = None,
) -> Figure:
    """The memory-use figure (Fig. 15) with `context` highlighted; see `NGramMemoryPlot`.

    Returns:
        a Figure with four axes; `figure.highlighted_steps` holds the read steps marked.

    Taught in `notebooks/09_dynamic_ngrams`.
    """
    plot = NGramMemoryPlot(bits, read_weights, write_weights, add, contexts, locations,
                           context_bits, title)  # fmt: skip
    return plot.update(context)


def context_locations(weights: Any, contexts: Any, offset: int = 0) -> dict[int, np.ndarray]:
    """The location a head focuses most at each occurrence of each context.

    Args:
        weights: [T, N] one head's weighting over time.
        contexts: [T] table row of the context before each step, -1 for none.
        offset: look at step t + offset for an occurrence at t (0 for reads, which predict the
            bit at t; 1 for writes, which can store that bit once it has arrived).
    Returns:
        context -> [k] argmax locations, one per occurrence (occurrences whose step t + offset
        falls off the end are left out); only contexts that occur.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError(f"weights must have shape (T, N), got {weights.shape}")
    contexts = _vector("contexts", contexts, weights.shape[0]).astype(int)
    focus = weights.argmax(axis=1)  # (T,)
    result: dict[int, np.ndarray] = {}
    for context in np.unique(contexts[contexts >= 0]):
        steps = np.flatnonzero(contexts == context) + int(offset)
        steps = steps[(steps >= 0) & (steps < len(focus))]
        result[int(context)] = focus[steps]
    return result


def location_reuse(weights: Any, contexts: Any, offset: int = 0) -> float:
    """Share of repeated context occurrences whose focus is that context's usual location.

    For each context seen at least twice, count the occurrences at its most frequent argmax
    location; sum over contexts and divide by all their occurrences. 1.0 means one fixed
    location per context, like a table of counters; a head that ignores the context scores
    about 1 / (number of locations it visits) per context... unless it always sits on one
    location, so compare with `location_reuse` of shuffled contexts before reading much into
    a high value.

    Args:
        weights: [T, N]; contexts: [T]; offset: as in `context_locations`.
    Returns:
        a share in [0, 1] (nan if no context occurs twice).
    """
    hits = total = 0
    for focus in context_locations(weights, contexts, offset).values():
        if len(focus) < 2:
            continue
        hits += int(np.bincount(focus).max())
        total += len(focus)
    return hits / total if total else float("nan")


def past_occurrence_read_share(
    read_weights: Any, write_weights: Any, contexts: Any, offset: int = 1
) -> float:
    """How much of the read weighting lands where the earlier occurrences of the context were
    recorded: the memory used as a log searched by content, rather than as a table of counters.

    For each step t whose context occurred before (at steps s < t), take the locations the
    write head focused on at steps s + offset that were written before t (a read at t sees
    the memory of step t - 1), and sum the read weighting at t over them.

    Args:
        read_weights, write_weights: [T, N] one head each; contexts: [T] (-1: no context).
        offset: 1 looks at the writes one step after each occurrence, when the bit that
            followed the context arrived as input.
    Returns:
        the mean share over those steps, in [0, 1] (nan if no context repeats).
    """
    read_weights = np.asarray(read_weights, dtype=float)
    write_weights = np.asarray(write_weights, dtype=float)
    if read_weights.ndim != 2 or read_weights.shape != write_weights.shape:
        raise ValueError(
            f"read_weights {read_weights.shape} and write_weights {write_weights.shape} "
            "must both have shape (T, N)"
        )
    contexts = _vector("contexts", contexts, read_weights.shape[0]).astype(int)
    focus = write_weights.argmax(axis=1)  # (T,) where each step wrote
    shares = []
    for t, context in enumerate(contexts):
        if context < 0:
            continue
        recorded = np.flatnonzero(contexts[:t] == context) + int(offset)  # steps that wrote
        recorded = recorded[(recorded >= 0) & (recorded < t)]
        if len(recorded):
            shares.append(read_weights[t, np.unique(focus[recorded])].sum())
    return float(np.mean(shares)) if shares else float("nan")
