"""Regenerate each notebooks/NN_topic.ipynb from its .py twin and execute it in place.

Usage: python tools/sync_notebooks.py [NN_topic ...]   (default: every notebook)

The .py (jupytext py:percent) is the source we edit and review; the .ipynb is rebuilt from it
and executed top to bottom in a fresh kernel so its stored outputs are exactly what a student
(and nbval in CI) gets. Each run also rewrites the notebook's student copy in student/
(`ntm_edu.student`), which a test keeps in step.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

from ntm_edu.student import write_student_copies

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def keep_cell_ids(notebook: nbformat.NotebookNode, previous_path: Path) -> None:
    """Give each cell the id it had in the previous .ipynb, so that a diff shows what changed.

    jupytext makes new random ids on every read. A cell keeps its old id if its source is
    unchanged, else the id of the old cell at the same position and of the same type; ids
    stay unique.
    """
    if not previous_path.exists():
        return
    old_cells = nbformat.read(previous_path, as_version=4).cells
    by_source: dict[tuple[str, str], list[str]] = {}
    for cell in old_cells:
        by_source.setdefault((cell.cell_type, cell.source), []).append(cell.id)
    used: set[str] = set()
    unmatched = []
    for index, cell in enumerate(notebook.cells):
        ids = [i for i in by_source.get((cell.cell_type, cell.source), []) if i not in used]
        if ids:
            cell.id = ids[0]
            used.add(cell.id)
        else:
            unmatched.append(index)
    for index in unmatched:  # an edited cell: the old id at its position, if free
        cell = notebook.cells[index]
        if index < len(old_cells):
            old = old_cells[index]
            if old.cell_type == cell.cell_type and old.id not in used:
                cell.id = old.id
        used.add(cell.id)


def sync(py_path: Path, timeout: int = 900) -> float:
    notebook = jupytext.read(py_path)
    keep_cell_ids(notebook, py_path.with_suffix(".ipynb"))
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    start = time.perf_counter()
    ExecutePreprocessor(
        timeout=timeout, kernel_name="python3", store_widget_state=False
    ).preprocess(notebook, {"metadata": {"path": str(NOTEBOOKS)}})
    seconds = time.perf_counter() - start
    for cell in notebook.cells:  # execution timestamps only make diffs noisy
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, py_path.with_suffix(".ipynb"))
    return seconds


def main(names: list[str]) -> None:
    paths = (
        [NOTEBOOKS / f"{name.removesuffix('.py').removesuffix('.ipynb')}.py" for name in names]
        if names
        else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    )
    for path in paths:
        if not path.exists():
            sys.exit(f"no such notebook source: {path}")
        seconds = sync(path)
        write_student_copies(notebooks=[path.stem])
        print(f"{path.stem:28s} executed in {seconds:6.1f} s (student copy updated)")


if __name__ == "__main__":
    main(sys.argv[1:])
