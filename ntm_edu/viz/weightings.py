"""Numbers read off weightings: which locations to draw, where a head looks, how copy used them.

A weighting w_t (Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, eqs. 5-9)
is a distribution over the N memory locations. The figures of `ntm_edu.viz` crop their
weighting panels with one rule, `location_window` (the memory is a ring, so the window may
wrap around); `focus_path` and `copy_memory_summary` turn weightings into the numbers the
notebooks print; `weighting_centre` is the centre of mass used by priority sort.

Taught in `notebooks/05_training_copy` and `notebooks/10_priority_sort`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ntm_edu.viz.base import check_array

__all__ = [
    "check_locations",
    "copy_memory_summary",
    "focus_path",
    "location_window",
    "weighting_centre",
]


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


def check_locations(locations: Any, N: int, *weights: np.ndarray) -> np.ndarray:
    """`locations` checked as [K] indices into N locations (None: `location_window(*weights)`)."""
    if locations is None:
        return location_window(*weights)
    rows = np.asarray(locations)
    if rows.ndim != 1 or len(rows) == 0 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError("locations must be a non-empty 1-D array of integer location indices")
    if rows.min() < 0 or rows.max() >= N:
        raise ValueError(f"locations must be in [0, {N - 1}]")
    return rows


def weighting_centre(weights: Any) -> np.ndarray:
    """Centre of mass of weightings over locations: sum_i i * w(i).

    Args:
        weights: [..., N] non-negative weightings summing to 1 over the last axis.
    Returns:
        [...] location (float). Not circular: use it where the weight sits away from the
        ends of the memory, or prefer `argmax` for sharp weightings that wrap around.
    """
    weights = np.asarray(weights, dtype=float)
    return weights @ np.arange(weights.shape[-1], dtype=float)
