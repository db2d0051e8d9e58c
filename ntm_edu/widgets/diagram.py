"""The diagram explorer: move the read and write heads' focus over the NTM diagram (Fig. 1).

A thin shell over `ntm_edu.viz.diagram.ntm_diagram_figure`: the picture is drawn once and a
move only resizes the weighting bars and re-aims the two arrows.

Taught in `notebooks/00_welcome`.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from ntm_edu.viz.base import LiveFigure
from ntm_edu.viz.diagram import head_weighting, ntm_diagram_figure
from ntm_edu.widgets.base import PlotExplorer, int_slider

__all__ = ["DiagramExplorer", "diagram_explorer"]


class DiagramExplorer(PlotExplorer):
    """Move the heads' focus over the NTM diagram: the picture is drawn once and each move only
    resizes the weighting bars and re-aims the two arrows. Built by `diagram_explorer`."""

    def __init__(self, locations: int = 10):
        self.locations = locations
        controls = {
            "read_focus": int_slider("read focus", 2, 0, locations - 1),
            "write_focus": int_slider("write focus", 5, 0, locations - 1),
        }
        self._init_explorer(controls, "NTM heads")

    def compute(self, read_focus: int, write_focus: int) -> dict[str, Any]:
        return {
            "read": head_weighting(self.locations, read_focus),
            "write": head_weighting(self.locations, write_focus),
            "read_focus": read_focus,
            "write_focus": write_focus,
        }

    def _static(self, state: dict[str, Any]) -> Figure:
        return ntm_diagram_figure(state["read_focus"], state["write_focus"], self.locations)

    def _make_plot(self, key: Any, dpi: float | None) -> LiveFigure:
        figure = ntm_diagram_figure(locations=self.locations)
        moving = [
            a for a in figure.axes[0].patches if (a.get_gid() or "").startswith(("read", "write"))
        ]
        return LiveFigure(figure, moving, dpi)

    def _show(self, plot: LiveFigure, state: dict[str, Any]) -> None:
        geometry = plot.figure.focus_geometry
        patches = {a.get_gid(): a for a in plot.figure.axes[0].patches if a.get_gid()}
        for head in ("read", "write"):
            weights = state[head]
            for row, w in enumerate(weights):
                patches[f"{head}-bar-{row}"].set_width(geometry["bar_width"] * w / weights.max())
            arrow = patches[f"{head}-arrow"]
            start = (6.35, 3.85) if head == "read" else (6.35, 1.45)
            arrow.set_positions(start, (6.9, geometry["row_y"](state[f"{head}_focus"])))
        plot.changed()


def diagram_explorer(locations: int = 10) -> DiagramExplorer:
    """Move the read and write heads' focus over the memory of the NTM diagram.

    Taught in `notebooks/00_welcome`.
    """
    return DiagramExplorer(locations)
