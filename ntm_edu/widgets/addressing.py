"""The addressing explorer: every parameter of one head, and w^c -> w^g -> w~ -> w (Fig. 2).

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §3.3 (eqs. 5-9): pick a
memory and a key to look up, the key strength beta, the gate g, the shift s, the sharpening
gamma and the previous focus. Each redraw calls the package's own `address` on a few dozen
numbers and blits `ntm_edu.viz.addressing.AddressingPlot`, built once.

Taught in `notebooks/03_addressing`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ntm_edu.model.addressing import address_with_stages, cosine_similarity
from ntm_edu.viz.addressing import AddressingPlot, addressing_figure
from ntm_edu.widgets.base import (
    SLIDER,
    PlotExplorer,
    check_index,
    float_slider,
    int_slider,
    slider_width,
)
from ntm_edu.widgets.memory import tensor

__all__ = ["KEYS", "MEMORY_PATTERNS", "AddressingExplorer", "addressing_explorer"]

BETA_VALUES = (0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100)


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def _memory_patterns(N: int, M: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.uniform(-1, 1, (N, M))
    angles = 2 * np.pi * np.arange(N)[:, None] / N + np.linspace(0, np.pi, M)[None, :]
    return {
        # Every row different: content addressing can single one out.
        "distinct random rows": base,
        # Rows repeat with period 4: a key matches 4 locations equally, so content alone is
        # ambiguous and location addressing has to choose.
        "repeats every 4 rows": np.tile(base[:4], (N // 4 + 1, 1))[:N],
        # Neighbouring rows are similar: the content weighting falls off smoothly.
        "smoothly varying rows": np.cos(angles),
        # Every row the same (like a freshly reset memory): K is the same everywhere, so the
        # content weighting is uniform whatever beta is: nothing can break the tie.
        "all rows equal": np.tile(base[:1], (N, 1)),
    }


KEYS = {
    "copy of row 3": lambda memory, noise: memory[3],
    "row 3 + noise": lambda memory, noise: memory[3] + noise,
    "copy of row 12": lambda memory, noise: memory[12 % len(memory)],
    "opposite of row 3": lambda memory, noise: -memory[3],
}


MEMORY_PATTERNS = (
    "distinct random rows",
    "repeats every 4 rows",
    "smoothly varying rows",
    "all rows equal",
)


class AddressingExplorer(PlotExplorer):
    """The addressing mechanism of Fig. 2 for one head, every parameter on a slider.

    Controls: `memory` (pattern) and `key`; `beta` (key strength); `g` (interpolation gate);
    `s_minus`, `s_zero`, `s_plus` (unnormalised shift weights, normalised to s); `gamma`;
    `prev_focus` (where the previous weighting w_{t-1} is focused).
    `state` holds the arrays of the last redraw: memory [N, M], key [M], similarity [N],
    w_prev [N], shift [3], content / gated / shifted / sharpened [N] and the scalars.
    """

    def __init__(self, num_locations: int = 16, memory_width: int = 6, seed: int = 0):
        N = check_index("num_locations", num_locations, 4, 64)
        M = check_index("memory_width", memory_width, 2, 32)
        self.patterns = _memory_patterns(N, M, seed)  # precomputed once
        self.noise = np.random.default_rng(seed + 1).normal(0, 0.35, M)

        controls = {
            "memory": widgets.Dropdown(
                options=list(MEMORY_PATTERNS),
                value=MEMORY_PATTERNS[0],
                description="memory",
                layout=widgets.Layout(width="270px"),
            ),
            "key": widgets.Dropdown(
                options=list(KEYS),
                value="row 3 + noise",
                description="key k",
                layout=widgets.Layout(width="230px"),
            ),
            # A 1-2-3-5-7 series: the default is exactly 5 (a log slider's grid gave 5.01).
            "beta": widgets.SelectionSlider(
                options=[(f"{v:g}", v) for v in BETA_VALUES],
                value=5.0,
                description="β key strength",
                layout=widgets.Layout(width=slider_width("β key strength")),
                **SLIDER,
            ),
            "g": float_slider("g gate (1 = content)", 0.8, 0.0, 1.0, 0.05),
            "prev_focus": int_slider("previous focus", 10 % N, 0, N - 1),
            "s_minus": float_slider("s(−1)", 0.0, 0.0, 1.0, 0.05),
            "s_zero": float_slider("s(0)", 0.1, 0.0, 1.0, 0.05),
            "s_plus": float_slider("s(+1)", 0.9, 0.0, 1.0, 0.05),
            "gamma": float_slider("γ sharpening", 2.0, 1.0, 20.0, 0.25),
        }
        self._init_explorer(
            controls,
            "Addressing explorer: content → interpolate → shift → sharpen (Fig. 2)",
            fallback=("gamma", [1.0, 2.0, 5.0, 20.0]),
        )

    def compute(
        self,
        memory: str,
        key: str,
        beta: float,
        g: float,
        s_minus: float,
        s_zero: float,
        s_plus: float,
        gamma: float,
        prev_focus: int,
    ) -> dict[str, Any]:
        """One `address` call with these control values, on tensors of shape (1, 1, ...)."""
        if memory not in self.patterns:
            raise ValueError(f"memory must be one of {list(self.patterns)}, got {memory!r}")
        if key not in KEYS:
            raise ValueError(f"key must be one of {list(KEYS)}, got {key!r}")
        if not beta > 0:
            raise ValueError(f"beta must be > 0, got {beta!r}")
        if not 0 <= g <= 1:
            raise ValueError(f"g must be in [0, 1], got {g!r}")
        if not gamma >= 1:
            raise ValueError(f"gamma must be >= 1, got {gamma!r}")
        raw_shift = np.array([s_minus, s_zero, s_plus], dtype=float)
        if np.any(raw_shift < 0):
            raise ValueError(f"shift weights must be >= 0, got {raw_shift.tolist()}")
        # All three at zero means "no preference": treat it as no shift rather than 0/0.
        shift_dist = raw_shift / raw_shift.sum() if raw_shift.sum() > 0 else np.array([0, 1, 0.0])
        rows = self.patterns[memory]
        N = len(rows)
        key_vector = KEYS[key](rows, self.noise)
        w_prev = np.zeros(N)
        w_prev[check_index("prev_focus", prev_focus, 0, N - 1)] = 1.0
        memory_t = tensor(rows)[None]  # (1, N, M)
        key_t = tensor(key_vector)[None, None]  # (1, 1, M)
        w, stages = address_with_stages(
            memory_t,
            key_t,
            torch.tensor([[beta]], dtype=torch.float32),  # (1, 1)
            torch.tensor([[g]], dtype=torch.float32),
            tensor(shift_dist)[None, None],  # (1, 1, 3)
            torch.tensor([[gamma]], dtype=torch.float32),
            tensor(w_prev)[None, None],  # (1, 1, N)
        )
        return {
            "memory": rows,
            "key": key_vector,
            "similarity": cosine_similarity(memory_t, key_t)[0, 0].numpy(),
            "w_prev": w_prev,
            "shift": shift_dist,
            "content": stages.content[0, 0].numpy(),
            "gated": stages.gated[0, 0].numpy(),
            "shifted": stages.shifted[0, 0].numpy(),
            "sharpened": w[0, 0].numpy(),
            "beta": float(beta),
            "gate": float(g),
            "gamma": float(gamma),
        }

    def _make_plot(self, key: Any, dpi: float | None) -> AddressingPlot:
        N, M = self.patterns[MEMORY_PATTERNS[0]].shape
        return AddressingPlot(N, M, 3, live=True, dpi=dpi)

    def _arguments(self, state: dict[str, Any]) -> tuple[Any, ...]:
        stages = {name: state[name] for name in ("content", "gated", "shifted", "sharpened")}
        return (
            state["memory"],
            state["key"],
            state["similarity"],
            state["w_prev"],
            state["shift"],
            stages,
            state["beta"],
            state["gate"],
            state["gamma"],
        )

    def _show(self, plot: AddressingPlot, state: dict[str, Any]) -> None:
        plot.update(*self._arguments(state))

    def _static(self, state: dict[str, Any]) -> Figure:
        return addressing_figure(*self._arguments(state))


def addressing_explorer(
    num_locations: int = 16, memory_width: int = 6, seed: int = 0
) -> AddressingExplorer:
    """The explorer of notebook 03: every addressing parameter of one head on a slider.

    Args:
        num_locations: N in [4, 64].  memory_width: M in [2, 32].
        seed: seeds the random memory patterns and the key noise.
    Returns:
        an `AddressingExplorer` (display it as the last expression of a cell).
    """
    return AddressingExplorer(num_locations, memory_width, seed)
