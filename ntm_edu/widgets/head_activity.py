"""Explorers of the heads over time (the paper's Fig. 6): thin shells over `HeadActivityPlot`.

One explorer class, `HeadActivityExplorer`, scrubs through precomputed episodes (a slider
picks the episode, another moves the time cursor, a dropdown highlights the steps of an
N-gram context); each episode's plot is laid out once and a move only redraws the cursor,
caption and highlights. The builders below differ only in where their episodes come from:

* `trace_explorer`: the episodes of one traced batch (notebook 04);
* `memory_use_explorer`: one episode per test length of a trained copy NTM (notebook 05);
* `weighting_explorer`: `ntm_edu.inspection.episode_arrays` episodes (notebooks 07, 08);
* `ngram_memory_explorer`: one N-gram sequence, a context picker (notebook 09).

No model runs on a slider move: the models run in `ntm_edu.inspection` when an explorer is
built. Taught in `notebooks/04_ntm` and `notebooks/05_training_copy`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ntm_edu import inspection
from ntm_edu.tasks.base import Task
from ntm_edu.viz.head_activity import HeadActivityPlot, head_activity_figure
from ntm_edu.viz.ngrams import context_label, context_steps
from ntm_edu.viz.weightings import copy_memory_summary, location_window
from ntm_edu.widgets.base import PlotExplorer, check_index, int_slider, selection_slider

__all__ = [
    "HeadActivityExplorer",
    "memory_use_explorer",
    "ngram_memory_explorer",
    "trace_explorer",
    "weighting_explorer",
]

PANELS = ("inputs", "outputs", "add", "reads", "mask")


class HeadActivityExplorer(PlotExplorer):
    """Sliders over precomputed episodes of an NTM's heads.

    Args:
        episodes: key -> arrays of one episode: "write_weights", "read_weights" [T, N] and
            any of "inputs", "outputs", "add", "reads", "mask" (as `episode_arrays` returns).
        title: caption (and the explorer's repr).
        name, description: the episode slider's control name and label (no slider for one
            episode).
        time: the time slider's control name (None: no time cursor).
        first_time: the time slider's start.
        highlights: optional value -> {"label": dropdown label, "steps": a
            `head_activity_figure` highlight, "caption": text under the figure}, picked by a
            "context" dropdown.
        plot: `HeadActivityPlot` keywords shared by every episode (focus, input_labels, ...).
        fallback: the static fallback (see `Explorer`).
    Attributes:
        episodes; locations: the locations drawn, the same for every episode (comparable).
    """

    def __init__(
        self,
        episodes: Mapping[Any, Mapping[str, Any]],
        title: str,
        *,
        name: str = "episode",
        description: str | None = None,
        time: str | None = "time",
        first_time: int = 0,
        highlights: Mapping[Any, Mapping[str, Any]] | None = None,
        plot: Mapping[str, Any] | None = None,
        fallback: Any = None,
    ):
        if not episodes:
            raise ValueError("a head-activity explorer needs at least one episode")
        for key, episode in episodes.items():
            if "write_weights" not in episode or "read_weights" not in episode:
                raise ValueError(f"episode {key!r} has no weightings (was the model an NTM?)")
        self.episodes, self.name, self.time_name = dict(episodes), name, time
        self.highlights = dict(highlights or {})
        self.options = dict(plot or {})
        self.locations = self.options.pop("locations", None)
        if self.locations is None:
            self.locations = location_window(
                *(e[k] for e in self.episodes.values() for k in ("write_weights", "read_weights"))
            )
        keys = list(self.episodes)
        controls: dict[str, widgets.Widget] = {}
        if len(keys) > 1:
            controls[name] = selection_slider(description or name, keys, keys[0])
        if time is not None:
            steps = len(self.episodes[keys[0]]["write_weights"])  # `_on_episode` follows
            label = "time step" if time == "time" else time
            controls[time] = int_slider(label, first_time, 0, steps - 1)
        if self.highlights:
            options = [(h["label"], value) for value, h in self.highlights.items()]
            controls["context"] = widgets.Dropdown(options=options, value=options[0][1],
                                                   description="context")  # fmt: skip
        self._init_explorer(controls, title, fallback=fallback)
        if name in self.controls and time is not None:
            self.controls[name].observe(self._on_episode, names="value")
        for key in keys[1:]:  # lay out every episode's plot now: a slider move is then a blit
            self._plot(key, None)

    def _on_episode(self, change: Any) -> None:
        # Runs after the redraw (which clamped the time): the time slider spans this episode.
        self.controls[self.time_name].max = len(self.episodes[change["new"]]["write_weights"]) - 1

    def compute(self, **values: Any) -> dict[str, Any]:
        key = values.get(self.name, next(iter(self.episodes)))
        if key not in self.episodes:
            raise ValueError(f"{self.name} must be one of {list(self.episodes)}, got {key!r}")
        episode = self.episodes[key]
        steps = len(episode["write_weights"])
        time = None
        if self.time_name is not None:
            # Past the episode's end (a state from a longer one): its last step.
            time = min(check_index(self.time_name, values.get(self.time_name, 0), 0, 10**9),
                       steps - 1)  # fmt: skip
        context = values.get("context")
        if context is not None and context not in self.highlights:
            raise ValueError(f"context must be one of {list(self.highlights)}, got {context!r}")
        highlight = self.highlights.get(context, {})
        caption = highlight.get("caption")
        if caption is None and "bit_errors" in episode and time is None:
            caption = f"{self.name} {key}: bit errors {episode['bit_errors']:.1f}"
        return {"key": key, "time": time, "highlight": highlight.get("steps"), "caption": caption}

    def _key(self, state: dict[str, Any]) -> Any:
        return state["key"]

    def _panels(self, key: Any) -> dict[str, Any]:
        episode = self.episodes[key]
        panels = {n: episode[n] for n in PANELS if episode.get(n) is not None}
        return {**panels, **self.options, "locations": self.locations}

    def _make_plot(self, key: Any, dpi: float | None) -> HeadActivityPlot:
        e = self.episodes[key]
        return HeadActivityPlot(e["write_weights"], e["read_weights"], **self._panels(key),
                                live=True, dpi=dpi)  # fmt: skip

    def _show(self, plot: HeadActivityPlot, state: dict[str, Any]) -> None:
        plot.update(state["time"], highlight=state["highlight"], caption=state["caption"])

    def _static(self, state: dict[str, Any]) -> Figure:
        e = self.episodes[state["key"]]
        return head_activity_figure(
            e["write_weights"],
            e["read_weights"],
            **self._panels(state["key"]),
            time=state["time"],
            highlight=state["highlight"],
            caption=state["caption"],
        )


def trace_explorer(
    inputs: Any, logits: Any, trace: Any, head: int = 0, locations: Any = None
) -> HeadActivityExplorer:
    """Scrub through the episodes and time steps of an NTM's ``forward_with_trace(inputs)``.

    Args:
        inputs: [B, T, I] what the model read.  logits: [B, T, O] what it emitted.
        trace: the run's `Trace`.  head: which read head and write head to show.
        locations: the locations to draw (default: `location_window` of every episode).
    Returns:
        a `HeadActivityExplorer` with an ``example`` slider (the batch element) and a
        ``time`` slider.

    Taught in `notebooks/04_ntm`.
    """
    arrays = inspection.trace_arrays(inputs, logits, trace, head=head)
    B, T = arrays["inputs"].shape[:2]
    episodes = {b: {name: array[b] for name, array in arrays.items()} for b in range(B)}
    return HeadActivityExplorer(
        episodes,
        "Head activity over an episode (as in the paper's Fig. 6)",
        name="example",
        description="example (batch element)",
        plot={"locations": locations},
        fallback=("time", sorted({0, T // 3, (2 * T) // 3, T - 1}), "animation"),
    )


def memory_use_explorer(
    model: Any,
    task: Task,
    lengths: Sequence[int] = (10, 20, 30, 50),
    *,
    seed: int = 0,
    head: int = 0,
    title: str | None = None,
) -> HeadActivityExplorer:
    """How an NTM uses its memory on one episode per length (the paper's Fig. 6).

    Panels: inputs, outputs, add vectors, read vectors, write and read weightings over time,
    and the focus path (the location each head looks at most, step by step). Sliders pick the
    length and move a time cursor; the caption under the figure says where both heads are.
    The model runs once per length when the explorer is built (`inspection.memory_use_episodes`).

    Args:
        model: an NTM.  task: a task with a "length" override (copy, repeat copy).
        lengths: one episode for each.
        seed: seeds the episodes (the same ones `generalisation_explorer` shows).
        head: which read and write head to draw.
        title: caption.
    Returns:
        a `HeadActivityExplorer`; its `summaries` hold `copy_memory_summary` per length
        (copy task only, else empty).

    Taught in `notebooks/05_training_copy`.
    """
    episodes = inspection.memory_use_episodes(model, task, lengths, seed=seed, head=head)
    first = next(iter(episodes))
    steps = len(episodes[first]["mask"])
    explorer = HeadActivityExplorer(
        episodes,
        title or f"How the {inspection.model_label(model)} uses its memory (the paper's Fig. 6)",
        name="length",
        description="sequence length",
        first_time=first,  # the delimiter step: the moment the read head has to jump back
        plot={"focus": True},
        fallback=(
            "time",
            sorted({0, first // 2, first, first + 1 + first // 2, steps - 1}),
            "animation",
        ),  # fmt: skip
    )
    explorer.summaries = {
        L: copy_memory_summary(e["write_weights"], e["read_weights"], L)
        for L, e in episodes.items()
        if getattr(task, "name", "") == "copy"
    }
    return explorer


def weighting_explorer(
    episodes: Mapping[Any, Mapping[str, Any]],
    name: str = "episode",
    title: str = "Read and write weightings",
    input_labels: Sequence[str] | None = None,
    time_slider: bool = True,
) -> HeadActivityExplorer:
    """Scrub through precomputed NTM episodes (and their time steps) with sliders.

    Args:
        episodes: key -> `ntm_edu.inspection.episode_arrays(...)` of an NTM.
        name: the name of the slider choosing the episode (e.g. "items").
        title: caption and stable repr.
        input_labels: input channel labels for the input panel.
        time_slider: add a "step" slider that moves a cursor through the episode; the
            caption then reports where the heads' weight peaks at that step.
    Returns:
        a `HeadActivityExplorer` with controls `name` (and "step").
    """
    keys = list(episodes)
    panels = {name: {n: e[n] for n in ("write_weights", "read_weights", "inputs", "outputs",
                                       "bit_errors") if n in e}
              for name, e in episodes.items()}  # fmt: skip
    return HeadActivityExplorer(panels, title, name=name, time="step" if time_slider else None,
                                plot={"input_labels": input_labels},
                                fallback=(name, keys[:4]))  # fmt: skip


def ngram_memory_explorer(
    bits: Any,
    read_weights: Any,
    write_weights: Any,
    add: Any,
    contexts: Any,
    context_bits: int = 5,
) -> HeadActivityExplorer:
    """Pick a 5-bit context and see where the NTM reads and writes whenever it comes back.

    Args:
        bits: [T] one sequence; read_weights, write_weights: [T, N]; add: [T, M];
        contexts: [T] table row of the context before each step (-1: none).
        context_bits: bits per context.
    Returns:
        an explorer with a ``context`` dropdown of the contexts present in the sequence,
        most frequent first, labelled like "00010 (x 9)".

    Taught in `notebooks/09_dynamic_ngrams`.
    """
    contexts = np.asarray(contexts).astype(int)
    present, counts = np.unique(contexts[contexts >= 0], return_counts=True)
    if len(present) == 0:
        raise ValueError("contexts has no step with a full context (all -1)")
    order = np.lexsort((present, -counts))  # most frequent first, then by value
    highlights = {}
    for i in order:
        context, label = int(present[i]), context_label(int(present[i]), context_bits)
        highlights[context] = {
            "label": f"{label} (x {int(counts[i])})",
            "steps": context_steps(contexts, context, context_bits),
            "caption": f"context {label}: {int(counts[i])} steps predict after it (solid: "
            "reads at t; dashed: writes at t + 1, when the bit arrives)",
        }
    bits = np.asarray(bits, dtype=float)[:, None]  # (T, 1)
    episode = {"inputs": bits, "add": add, "write_weights": write_weights,
               "read_weights": read_weights}  # fmt: skip
    return HeadActivityExplorer({0: episode}, "N-gram memory use", time=None,
                                highlights=highlights, plot={"input_labels": ["input bit"]},
                                fallback=("context", list(highlights)[:4]))  # fmt: skip
