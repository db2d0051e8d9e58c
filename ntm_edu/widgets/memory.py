"""Explorers of the memory and the heads: a write and a read, the addressing pipeline, a trace.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, §3 (eqs. 2-9, Fig. 2) and
the head activity of Fig. 6.

* `memory_explorer()`: choose where a head writes (focus, sharpness), how much it erases and
  what it adds; see the memory before, after the erase, after the add, and the reads.
* `addressing_explorer()`: the showpiece. Every parameter of one head (beta, g, s, gamma),
  a memory and key to look up and the previous focus; see w^c -> w^g -> w~ -> w.
* `head_activity_explorer(...)` / `trace_explorer(...)`: scrub through the episodes and time
  steps of a recorded trace.

Each redraw calls the package's own `read`/`write` or `address` on tensors of a few dozen
numbers and blits a figure built once (`ntm_edu.viz.memory`), so it takes tens of
milliseconds. The arrays of the last redraw are kept in `explorer.state` (tests compare them
with the model and with what the bars show).

Taught in `notebooks/02_memory`, `notebooks/03_addressing` and `notebooks/04_ntm`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ntm_edu.model.addressing import address_with_stages, cosine_similarity
from ntm_edu.model.memory import read, write
from ntm_edu.viz.memory import (
    AddressingPlot,
    HeadActivityPlot,
    MemoryWritePlot,
    addressing_figure,
    head_activity_figure,
    memory_write_figure,
)
from ntm_edu.widgets.base import PlotExplorer

__all__ = [
    "ADD_PATTERNS",
    "KEYS",
    "MEMORY_PATTERNS",
    "AddressingExplorer",
    "HeadActivityExplorer",
    "MemoryExplorer",
    "addressing_explorer",
    "focus_weighting",
    "head_activity_explorer",
    "memory_explorer",
    "trace_explorer",
]

LABEL_PX_PER_CHAR = 7  # a description character in JupyterLab's 13 px UI font, generously
TRACK_AND_READOUT_PX = 230  # the slider track (~140 px) plus its numeric readout
BETA_VALUES = (0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100)
_SLIDER = dict(continuous_update=True, style={"description_width": "initial"})


def _slider_layout(width: str = "260px") -> widgets.Layout:
    return widgets.Layout(width=width)


def _width_for(description: str) -> str:
    """A slider width that leaves a usable track (~140 px) beside a full-width label."""
    return f"{max(260, LABEL_PX_PER_CHAR * len(description) + TRACK_AND_READOUT_PX)}px"


def _check_size(name: str, value: Any, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def _tensor(array: Any) -> torch.Tensor:
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
    N = _check_size("num_locations", num_locations, 1, 10_000)
    focus = _check_size("focus", focus, 0, N - 1)
    if not np.isfinite(sharpness) or sharpness < 0:
        raise ValueError(f"sharpness must be >= 0, got {sharpness!r}")
    offset = np.abs(np.arange(N) - focus)
    distance = np.minimum(offset, N - offset)
    logits = -float(sharpness) * distance.astype(float) ** 2
    w = np.exp(logits - logits.max())
    return w / w.sum()


# --- 02: one write and one read ----------------------------------------------------------------

# name -> add vector a_t as a function of the word width M (values in [-1, 1], like tanh output).
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
        N = _check_size("num_locations", num_locations, 2, 64)
        M = _check_size("memory_width", memory_width, 1, 32)
        self.memory = np.random.default_rng(seed).uniform(-0.8, 0.8, (N, M))  # M_{t-1}
        controls = {
            "focus": widgets.IntSlider(
                value=N // 4,
                min=0,
                max=N - 1,
                description="focus location",
                layout=_slider_layout(_width_for("focus location")),
                **_SLIDER,
            ),
            "sharpness": widgets.FloatSlider(
                value=1.0,
                min=0.0,
                max=8.0,
                step=0.1,
                description="sharpness",
                layout=_slider_layout(_width_for("sharpness")),
                **_SLIDER,
            ),
            "erase": widgets.FloatSlider(
                value=0.5,
                min=0.0,
                max=1.0,
                step=0.05,
                description="erase e (every element)",
                layout=_slider_layout(_width_for("erase e (every element)")),
                **_SLIDER,
            ),
            "add": widgets.Dropdown(
                options=list(ADD_PATTERNS),
                value="ones",
                description="add a",
                layout=_slider_layout("220px"),
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
        memory = _tensor(self.memory)[None]  # (1, N, M)
        w_t, e_t, a_t = _tensor(w)[None, None], _tensor(e)[None, None], _tensor(a)[None, None]
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


# --- 03: the addressing pipeline ---------------------------------------------------------------


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


# name -> function (memory [N, M], noise [M]) -> key [M]
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
        N = _check_size("num_locations", num_locations, 4, 64)
        M = _check_size("memory_width", memory_width, 2, 32)
        self.patterns = _memory_patterns(N, M, seed)  # precomputed once
        self.noise = np.random.default_rng(seed + 1).normal(0, 0.35, M)

        def slider(description: str, value: float, low: float, high: float, step: float) -> Any:
            return widgets.FloatSlider(
                value=value,
                min=low,
                max=high,
                step=step,
                description=description,
                readout_format=".2f",
                layout=_slider_layout(_width_for(description)),
                **_SLIDER,
            )

        controls = {
            "memory": widgets.Dropdown(
                options=list(MEMORY_PATTERNS),
                value=MEMORY_PATTERNS[0],
                description="memory",
                layout=_slider_layout("270px"),
            ),
            "key": widgets.Dropdown(
                options=list(KEYS),
                value="row 3 + noise",
                description="key k",
                layout=_slider_layout("230px"),
            ),
            # A 1-2-3-5-7 series: the default is exactly 5 (a log slider's grid gave 5.01).
            "beta": widgets.SelectionSlider(
                options=[(f"{v:g}", v) for v in BETA_VALUES],
                value=5.0,
                description="β key strength",
                layout=_slider_layout(_width_for("β key strength")),
                **_SLIDER,
            ),
            "g": slider("g gate (1 = content)", 0.8, 0.0, 1.0, 0.05),
            "prev_focus": widgets.IntSlider(
                value=10 % N,
                min=0,
                max=N - 1,
                description="previous focus",
                layout=_slider_layout(_width_for("previous focus")),
                **_SLIDER,
            ),
            "s_minus": slider("s(−1)", 0.0, 0.0, 1.0, 0.05),
            "s_zero": slider("s(0)", 0.1, 0.0, 1.0, 0.05),
            "s_plus": slider("s(+1)", 0.9, 0.0, 1.0, 0.05),
            "gamma": slider("γ sharpening", 2.0, 1.0, 20.0, 0.25),
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
        w_prev[_check_size("prev_focus", prev_focus, 0, N - 1)] = 1.0
        memory_t = _tensor(rows)[None]  # (1, N, M)
        key_t = _tensor(key_vector)[None, None]  # (1, 1, M)
        w, stages = address_with_stages(
            memory_t,
            key_t,
            torch.tensor([[beta]], dtype=torch.float32),  # (1, 1)
            torch.tensor([[g]], dtype=torch.float32),
            _tensor(shift_dist)[None, None],  # (1, 1, 3)
            torch.tensor([[gamma]], dtype=torch.float32),
            _tensor(w_prev)[None, None],  # (1, 1, N)
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


# --- 04: a recorded episode ---------------------------------------------------------------------


class HeadActivityExplorer(PlotExplorer):
    """Scrub through recorded episodes: `example` picks the batch element, `time` the step.

    `state` holds the arrays shown: inputs [T, I], outputs [T, O], add, reads [T, M],
    write_weights, read_weights [T, N'] (N' = the locations shown) and `time`.
    """

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        add: Any,
        reads: Any,
        write_weights: Any,
        read_weights: Any,
        max_locations: int | None = None,
        title: str = "Head activity over an episode (as in the paper's Fig. 6)",
    ):
        arrays = {
            "inputs": inputs,
            "outputs": outputs,
            "add": add,
            "reads": reads,
            "write_weights": write_weights,
            "read_weights": read_weights,
        }
        self.arrays = {}
        for name, value in arrays.items():
            array = np.asarray(
                value.detach().cpu() if hasattr(value, "detach") else value, dtype=float
            )
            if array.ndim != 3:
                raise ValueError(f"{name} must be [B, T, features], got shape {array.shape}")
            self.arrays[name] = array
        B, T = self.arrays["inputs"].shape[:2]
        for name, array in self.arrays.items():
            if array.shape[:2] != (B, T):
                raise ValueError(
                    f"{name} has batch and time {array.shape[:2]}, but inputs have {(B, T)}"
                )
        N = self.arrays["write_weights"].shape[2]
        if self.arrays["read_weights"].shape[2] != N:
            raise ValueError("write_weights and read_weights must have the same N")
        if max_locations is None:
            # Show the locations the heads actually visit (weight > 1%), with a small margin.
            used = np.flatnonzero(
                (self.arrays["write_weights"] > 0.01).any((0, 1))
                | (self.arrays["read_weights"] > 0.01).any((0, 1))
            )
            max_locations = min(N, max(16, int(used.max()) + 3 if len(used) else 16))
        self.locations = _check_size("max_locations", max_locations, 1, N)
        for name in ("write_weights", "read_weights"):
            self.arrays[name] = self.arrays[name][:, :, : self.locations]
        controls = {
            "example": widgets.IntSlider(
                value=0,
                min=0,
                max=B - 1,
                description="example (batch element)",
                layout=_slider_layout(_width_for("example (batch element)")),
                **_SLIDER,
            ),
            "time": widgets.IntSlider(
                value=0,
                min=0,
                max=T - 1,
                description="time step",
                layout=_slider_layout(_width_for("time step")),
                **_SLIDER,
            ),
        }
        frames = sorted({0, T // 3, (2 * T) // 3, T - 1})
        self._init_explorer(controls, title, fallback=("time", frames, "animation"))

    def _make_plot(self, key: Any, dpi: float | None) -> HeadActivityPlot:
        B, T, I = self.arrays["inputs"].shape
        O, M = self.arrays["outputs"].shape[2], self.arrays["add"].shape[2]
        return HeadActivityPlot(T, I, O, M, self.locations, live=True, dpi=dpi)

    def compute(self, example: int, time: int) -> dict[str, Any]:
        B, T = self.arrays["inputs"].shape[:2]
        example = _check_size("example", example, 0, B - 1)
        time = _check_size("time", time, 0, T - 1)
        state: dict[str, Any] = {name: array[example] for name, array in self.arrays.items()}
        state["time"] = time
        return state

    def _arguments(self, state: dict[str, Any]) -> tuple[Any, ...]:
        names = ("inputs", "outputs", "add", "reads", "write_weights", "read_weights", "time")
        return tuple(state[name] for name in names)

    def _show(self, plot: HeadActivityPlot, state: dict[str, Any]) -> None:
        plot.update(*self._arguments(state))

    def _static(self, state: dict[str, Any]) -> Figure:
        return head_activity_figure(*self._arguments(state))


def head_activity_explorer(
    inputs: Any,
    outputs: Any,
    add: Any,
    reads: Any,
    write_weights: Any,
    read_weights: Any,
    max_locations: int | None = None,
) -> HeadActivityExplorer:
    """Scrub through episodes and time steps of recorded head activity (plain arrays).

    Args:
        inputs [B, T, I]; outputs [B, T, O] (probabilities); add, reads [B, T, M];
        write_weights, read_weights [B, T, N] (one head each).
        max_locations: show locations 0..max_locations-1 (default: those the heads visit).
    Returns:
        a `HeadActivityExplorer`.
    """
    return HeadActivityExplorer(
        inputs, outputs, add, reads, write_weights, read_weights, max_locations
    )


def trace_explorer(
    inputs: Any, logits: Any, trace: Any, head: int = 0, max_locations: int | None = None
) -> HeadActivityExplorer:
    """`head_activity_explorer` for an NTM's `forward_with_trace(inputs)`.

    Args:
        inputs: [B, T, I] what the model read.  logits: [B, T, O] what it emitted.
        trace: the `Trace` (any object with `add`, `reads`, `write_weights`, `read_weights`).
        head: which read head and write head to show.
        max_locations: see `head_activity_explorer`.
    Returns:
        a `HeadActivityExplorer`.
    """

    def as_array(value: Any) -> np.ndarray:
        return np.asarray(value.detach().cpu() if hasattr(value, "detach") else value, dtype=float)

    read_weights = as_array(trace.read_weights)
    heads = min(read_weights.shape[2], as_array(trace.write_weights).shape[2])
    head = _check_size("head", head, 0, heads - 1)
    outputs = 1 / (1 + np.exp(-as_array(logits)))
    return HeadActivityExplorer(
        inputs,
        outputs,
        as_array(trace.add)[:, :, head],
        as_array(trace.reads)[:, :, head],
        as_array(trace.write_weights)[:, :, head],
        read_weights[:, :, head],
        max_locations,
    )
