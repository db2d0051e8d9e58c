"""Numbers of the dynamic N-grams experiment: contexts, and how the NTM's memory follows them.

Graves, Wayne & Danihelka 2014, §4.4 (https://arxiv.org/abs/1410.5401). A network reads a bit
sequence drawn from a hidden, fresh 6-gram table; the question of Fig. 15 is whether the NTM
keeps one memory location per 5-bit context, like a table of counters. `context_locations`
and `location_reuse` measure that; `past_occurrence_read_share` measures the alternative
(the memory as a log searched by content); `context_steps` gives the steps to highlight in
`ntm_edu.viz.head_activity_figure` for one context. The inference figure (Fig. 14) is in
`ntm_edu.viz.ngram_inference`; the learning curves use `learning_curves_figure`.

Conventions: contexts are table rows (oldest bit most significant, as
`ntm_edu.tasks.context_indices`), -1 where a step has no full context yet.

Taught in `notebooks/09_dynamic_ngrams`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ntm_edu.viz.ngram_inference import _vector

__all__ = [
    "context_label",
    "context_locations",
    "context_steps",
    "location_reuse",
    "past_occurrence_read_share",
]


def context_label(context: int, bits: int = 5) -> str:
    """Table row `context` as the bits it stands for, oldest first: 2 -> "00010"."""
    if not 0 <= int(context) < 2**bits:
        raise ValueError(f"context must be in [0, {2**bits - 1}] for {bits} bits, got {context}")
    return format(int(context), f"0{bits}b")


def context_steps(contexts: Any, context: int | None, bits: int = 5) -> dict[str, list[int]]:
    """The steps of one context, as `head_activity_figure`'s highlight (Fig. 15).

    A read at step t predicts the bit after the context (``contexts[t] == context``); that bit
    arrives as input one step later, when a write could count it.

    Args:
        contexts: [T] table row of the context before each step, -1 for none.
        context: the table row (None: no steps).
        bits: bits per context (5 in the paper).
    Returns:
        {"read": the steps t, "write": the steps t + 1 (those inside the sequence)}.
    """
    contexts = _vector("contexts", contexts).astype(int)
    if context is None:
        return {"read": [], "write": []}
    context_label(context, bits)  # checks the range
    reads = np.flatnonzero(contexts == int(context))
    return {
        "read": [int(t) for t in reads],
        "write": [int(t) + 1 for t in reads if t + 1 < len(contexts)],
    }


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
