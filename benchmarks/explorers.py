"""Kernel-side redraw time of every explorer in the course: does the picture follow the hand?

Usage: python benchmarks/explorers.py [NN_topic ...]   (default: every notebook; ~4 minutes)

Each notebook runs top to bottom in a fresh kernel (as `make sync` runs it, nothing written),
then one extra cell finds every `Explorer` the notebook built and moves each of its controls
through up to 10 positions, recording `explorer.last_render_ms` (the render and the PNG
encoding; the transfer to the browser and its decoding come on top: tests/test_browser.py
measures those for 03, 05 and 09). It prints, per explorer, the median and worst of each
control's moves and the control with the slowest median. The design's budget is 150 ms from a
move to the new picture, so the kernel side should stay well below it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jupytext
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4 import new_code_cell

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MOVES = 10

TIMING_CELL = f"""
import gc, json, statistics
from ntm_edu.widgets.base import Explorer, fallback_values

def explorers():
    found = []
    for thing in gc.get_objects():
        try:
            if isinstance(thing, Explorer):
                found.append(thing)
        except ReferenceError:  # a dead weak proxy
            pass
    return found


rows = []
for explorer in explorers():
    worst = None
    for name, control in explorer.controls.items():
        if getattr(control, "disabled", False):
            continue
        start = control.value
        times = []
        for value in fallback_values(control, {MOVES + 1}):
            if value == control.value:
                continue
            control.value = value
            times.append(explorer.last_render_ms)
        control.value = start
        if times and (worst is None or statistics.median(times) > worst[1]):
            worst = (name, statistics.median(times), max(times), len(times))
    if worst:
        rows.append([explorer.title or type(explorer).__name__, *worst])
print("NTM_EDU_TIMES " + json.dumps(rows))
"""


def time_notebook(py_path: Path) -> list[list]:
    notebook = jupytext.read(py_path)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells.append(new_code_cell(TIMING_CELL))
    ExecutePreprocessor(timeout=900, kernel_name="python3", store_widget_state=False).preprocess(
        notebook, {"metadata": {"path": str(NOTEBOOKS)}}
    )
    for output in notebook.cells[-1].outputs:
        for line in output.get("text", "").splitlines():
            if line.startswith("NTM_EDU_TIMES "):
                return json.loads(line.removeprefix("NTM_EDU_TIMES "))
    raise RuntimeError(f"{py_path.stem}: the timing cell printed nothing")


def main(names: list[str]) -> None:
    paths = (
        [NOTEBOOKS / f"{name.removesuffix('.py').removesuffix('.ipynb')}.py" for name in names]
        if names
        else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    )
    print(f"{'notebook':22s} {'explorer':58s} {'slowest control':16s} {'median':>7s} {'worst':>7s}")
    for path in paths:
        for title, control, median, worst, moves in time_notebook(path):
            print(
                f"{path.stem:22s} {title[:58]:58s} {control:16s} {median:5.0f} ms {worst:5.0f} ms"
                f"  ({moves} moves)"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
