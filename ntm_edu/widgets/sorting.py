"""The priority-sort explorer: step through the output steps of one sorted episode.

A thin shell over `ntm_edu.viz.sorting.write_vs_priority_figure`: the figure is drawn once,
and a slider move only moves the two rings that mark the j-th highest priority and where
output step j read.

Taught in `notebooks/10_priority_sort`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ntm_edu.viz.base import LiveFigure
from ntm_edu.viz.sorting import write_vs_priority_figure
from ntm_edu.widgets.base import PlotExplorer

__all__ = ["SortExplorer", "sort_explorer"]


def sort_explorer(
    priorities: Any,
    write_locations: Any,
    read_locations: Any,
    drop_worst: int = 0,
    title: str = "Priority sort: where each vector was written, and the read order",
) -> SortExplorer:
    """A slider over output steps j: marks the j-th highest priority and where step j read.

    Args:
        priorities: [n] priorities of one episode's inputs.
        write_locations: [n] location each input was written to.
        read_locations: [m] location each output step read.
        drop_worst: writes left out of the line fit (`ntm_edu.viz.fit_line`), drawn hollow.
        title: caption and stable repr.
    """
    priorities = np.asarray(priorities, float)
    write_locations = np.asarray(write_locations, float)
    read_locations = np.asarray(read_locations, float)
    controls = {
        "output_step": widgets.IntSlider(
            value=0, min=0, max=len(read_locations) - 1, description="output step j"
        )
    }

    return SortExplorer(priorities, write_locations, read_locations, drop_worst, controls, title)


class SortExplorer(PlotExplorer):
    """Output steps of a priority-sort episode: the figure is drawn once and a move only
    moves the two highlight rings. Built by `sort_explorer`."""

    def __init__(self, priorities, write_locations, read_locations, drop_worst, controls, title):
        self.arrays = (priorities, write_locations, read_locations)
        self.drop_worst = drop_worst
        self.order = np.argsort(-priorities)
        self._init_explorer(controls, title)

    def compute(self, output_step: int) -> dict[str, Any]:
        return {"output_step": int(output_step)}

    def _static(self, state: dict[str, Any]) -> Figure:
        return write_vs_priority_figure(
            *self.arrays, highlight=state["output_step"], drop_worst=self.drop_worst
        )

    def _make_plot(self, key: Any, dpi: float | None) -> LiveFigure:
        figure = self._static({"output_step": 0})
        rings = [figure.axes[0].collections[-1], figure.axes[1].collections[0]]  # drawn last
        return LiveFigure(figure, rings, dpi)

    def _show(self, plot: LiveFigure, state: dict[str, Any]) -> None:
        priorities, writes, reads = self.arrays
        step = state["output_step"]
        chosen = self.order[step]
        left, right = plot._tracked
        left.set_offsets([[priorities[chosen], writes[chosen]]])
        right.set_offsets([[step, reads[step]]])
        plot.changed()
