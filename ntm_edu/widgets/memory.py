"""The memory explorer: one write and one read on a small memory (eqs. 2-4).

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §3.1-3.2: choose where a head
writes (focus, sharpness), how much it erases and what it adds; see the memory before, after
the erase, after the add, and the reads. Each redraw calls the package's own `read` and
`write` on a few dozen numbers and blits `ntm_edu.viz.memory.MemoryWritePlot`, built once.
The arrays of the last redraw are kept in `explorer.state`.

Taught in `notebooks/02_memory`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ntm_edu.model.memory import read, write
from ntm_edu.viz.memory import MemoryWritePlot, memory_write_figure
from ntm_edu.widgets.base import PlotExplorer, check_index, float_slider, int_slider

__all__ = ["ADD_PATTERNS", "MemoryExplorer", "focus_weighting", "memory_explorer", "tensor"]


def tensor(array: Any) -> torch.Tensor:
    """A float32 tensor of `array`, for the model's pure functions."""
    return torch.as_tensor(np.asarray(array, dtype=np.float32))


def focus_weighting(num_locations: int, focus: int, sharpness: float) -> np.ndarray:
    """A weighting centred on `focus`: w(i) proportional to exp(-sharpness * d(i, focus)^2).

    d is the circular distance (the memory wraps around, as the shift of eq. 8 does).
    sharpness 0 gives the uniform weighting, large sharpness a one-hot one.

    Args:
        num_locations: N.  focus: the location in [0, N-1].  sharpness: >= 0.
    Returns:
        [N] a weighting (non-negative, sums to 1).
    """
    N = check_index("num_locations", num_locations, 1, 10_000)
    focus = check_index("focus", focus, 0, N - 1)
    if not np.isfinite(sharpness) or sharpness < 0:
        raise ValueError(f"sharpness must be >= 0, got {sharpness!r}")
    offset = np.abs(np.arange(N) - focus)
    distance = np.minimum(offset, N - offset)
    logits = -float(sharpness) * distance.astype(float) ** 2
    w = np.exp(logits - logits.max())
    return w / w.sum()


# --- 02: one write and one read ----------------------------------------------------------------

ADD_PATTERNS = {
    "ones": lambda M: np.ones(M),
    "minus ones": lambda M: -np.ones(M),
    "ramp -1 .. 1": lambda M: np.linspace(-1, 1, M),
    "alternating +-1": lambda M: np.where(np.arange(M) % 2 == 0, 1.0, -1.0),
    "zeros": lambda M: np.zeros(M),
}


class MemoryExplorer(PlotExplorer):
    """One write head and one read head sharing a weighting on a small memory (eqs. 2-4).

    Controls: `focus`, `sharpness` (of the weighting), `erase` (every element of e_t),
    `add` (a pattern for a_t). `state` holds the arrays of the last redraw: weighting [N],
    erase and add [M], memory_before / memory_erased / memory_after [N, M],
    read_before / read_after [M].
    """

    def __init__(self, num_locations: int = 16, memory_width: int = 8, seed: int = 0):
        N = check_index("num_locations", num_locations, 2, 64)
        M = check_index("memory_width", memory_width, 1, 32)
        self.memory = np.random.default_rng(seed).uniform(-0.8, 0.8, (N, M))  # M_{t-1}
        controls = {
            "focus": int_slider("focus location", N // 4, 0, N - 1),
            "sharpness": float_slider("sharpness", 1.0, 0.0, 8.0, 0.1),
            "erase": float_slider("erase e (every element)", 0.5, 0.0, 1.0, 0.05),
            "add": widgets.Dropdown(
                options=list(ADD_PATTERNS),
                value="ones",
                description="add a",
                layout=widgets.Layout(width="220px"),
            ),
        }
        self._init_explorer(
            controls, "Memory explorer: erase, add, read", fallback=("focus", [0, N // 4, N // 2])
        )

    def compute(
        self, focus: int, sharpness: float, erase: float, add: str
    ) -> dict[str, np.ndarray]:
        """Run the package's `write` and `read` for these control values (tiny tensors)."""
        N, M = self.memory.shape
        if add not in ADD_PATTERNS:
            raise ValueError(f"add must be one of {list(ADD_PATTERNS)}, got {add!r}")
        if not 0 <= erase <= 1:
            raise ValueError(f"erase must be in [0, 1], got {erase!r}")
        w = focus_weighting(N, focus, sharpness)
        e = np.full(M, float(erase))
        a = ADD_PATTERNS[add](M)
        memory = tensor(self.memory)[None]  # (1, N, M)
        w_t, e_t, a_t = tensor(w)[None, None], tensor(e)[None, None], tensor(a)[None, None]
        erased = write(memory, w_t, e_t, torch.zeros_like(a_t))  # eq. (3) alone: nothing added
        after = write(memory, w_t, e_t, a_t)  # eqs. (3)-(4)
        return {
            "weighting": w,
            "erase": e,
            "add": a,
            "memory_before": self.memory,
            "memory_erased": erased[0].numpy(),
            "memory_after": after[0].numpy(),
            "read_before": read(memory, w_t)[0, 0].numpy(),
            "read_after": read(after, w_t)[0, 0].numpy(),
        }

    def _make_plot(self, key: Any, dpi: float | None) -> MemoryWritePlot:
        return MemoryWritePlot(*self.memory.shape, vlim=1.8, live=True, dpi=dpi)

    def _arguments(self, state: dict[str, Any]) -> tuple[Any, ...]:
        keys = [
            "memory_before",
            "weighting",
            "erase",
            "add",
            "memory_erased",
            "memory_after",
            "read_before",
            "read_after",
        ]
        return tuple(state[k] for k in keys)

    def _show(self, plot: MemoryWritePlot, state: dict[str, Any]) -> None:
        plot.update(*self._arguments(state))

    def _static(self, state: dict[str, Any]) -> Figure:
        return memory_write_figure(*self._arguments(state), vlim=1.8)


def memory_explorer(
    num_locations: int = 16, memory_width: int = 8, seed: int = 0
) -> MemoryExplorer:
    """The explorer of notebook 02: move a write/read weighting and watch eqs. 2-4 act.

    Args:
        num_locations: N in [2, 64].  memory_width: M in [1, 32].
        seed: seeds the random initial memory.
    Returns:
        a `MemoryExplorer` (display it as the last expression of a cell).
    """
    return MemoryExplorer(num_locations, memory_width, seed)
