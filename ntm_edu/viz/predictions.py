"""Targets above outputs: what a model answered, one episode or several test lengths.

Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401, show a trained network's
answers as targets above outputs (Figs. 4, 8, 11, 16), and generalisation as one such pair
per test length, each strip as wide as its sequence is long (Figs. 4-5). Two builders:
`prediction_figure` (one episode, any number of models, wrong bits marked) and
`generalisation_figure` (several lengths). Time runs left to right; darker = larger.

Taught in `notebooks/05_training_copy`, `notebooks/07_repeat_copy` and
`notebooks/10_priority_sort`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ntm_edu.viz.base import (
    ERROR_COLOR,
    check_array,
    check_mask,
    check_probabilities,
    heatmap,
    new_figure,
    tint_steps,
    wrong_bits,
)

__all__ = ["generalisation_figure", "prediction_figure"]


def prediction_figure(
    targets: Any,
    outputs: Any,
    mask: Any = None,
    inputs: Any = None,
    *,
    title: str | None = None,
    mark_errors: bool = True,
    input_labels: Sequence[str] | None = None,
) -> Figure:
    """Targets above each model's outputs for one episode, with the wrong bits marked.

    Args:
        targets: [T, O] what the model should emit.
        outputs: [T, O] output probabilities (sigmoid of the logits), or label -> [T, O] for
            several models (e.g. {"NTM": ..., "LSTM": ...}), one strip each.
        mask: [T] bool, True where outputs are scored; other steps are tinted (default: all).
        inputs: optional [T, I], drawn on top.
        mark_errors: red crosses on scored bits whose output is on the wrong side of 0.5,
            counted in the strip's title.
        input_labels: optional names of the input channels.
    Returns:
        a Figure of stacked heatmaps sharing the time axis: ["inputs",] "targets", then one
        per model ("outputs" for a single array, else "<label> outputs").
    """
    targets = check_array("targets", targets, 2)
    T, O = targets.shape
    models = dict(outputs) if isinstance(outputs, Mapping) else {"": outputs}
    if not models:
        raise ValueError("outputs must hold at least one model: label -> [T, O]")
    mask = check_mask(mask, T)
    rows: list[tuple[str, np.ndarray]] = []
    if inputs is not None:
        rows.append(("inputs", check_array("inputs", inputs, 2, (T, None))))
    rows.append(("targets", targets))
    for label, values in models.items():
        name = f"{label} outputs".strip()
        values = check_probabilities(name, check_array(name, values, 2, (T, O)))
        rows.append((name, values))
    figure = new_figure(float(np.clip(2.0 + 0.09 * T, 5.0, 12.0)), 0.7 + 0.95 * len(rows))
    axes = figure.subplots(len(rows), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, values) in zip(axes, rows, strict=True):
        labels = input_labels if name == "inputs" else None
        heatmap(ax, values.T, title=name, xlabel=None, row_labels=labels)
        if labels is None:
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        if name != "inputs":
            tint_steps(ax, ~mask)
        if mark_errors and name.endswith("outputs"):
            wrong = wrong_bits(targets, values, mask)
            ax.scatter(wrong[:, 0], wrong[:, 1], marker="x", s=14, color=ERROR_COLOR, lw=1.0)
            ax.set_title(f"{name} ({len(wrong)} wrong bits marked x)", loc="left")
    axes[-1].set_xlabel("time step (tinted: not scored)")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        figure.suptitle(title, x=0.01, ha="left")
    return figure


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
            check_probabilities(
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
                wrong = wrong_bits(target_arrays[k], arrays[k], np.ones(L, dtype=bool))
                ax.scatter(wrong[:, 0], wrong[:, 1], marker="x", s=8, color=ERROR_COLOR, lw=0.8)
        for ax in block:
            ax.set_yticks([])
    axes[0].set_xlim(-0.5, longest - 0.5)
    axes[-1].set_xlabel("output step (answer phase)")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        figure.suptitle(title, x=0.01, ha="left")
    return figure
