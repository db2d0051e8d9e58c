"""Every notebook is a jupytext pair whose .ipynb and .py hold the same cells, and the .ipynb is
committed executed (students and instructors read the stored outputs)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
IPYNBS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def cells(notebook):
    return [
        (cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", ())))
        for cell in notebook.cells
    ]


def test_there_are_notebooks():
    assert IPYNBS, "notebooks/ holds no NN_topic.ipynb"


def test_every_source_has_a_notebook_and_back():
    assert {p.stem for p in IPYNBS} == {p.stem for p in SOURCES}


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.stem)
def test_pair_agrees(ipynb):
    from_ipynb = jupytext.read(ipynb)
    from_py = jupytext.read(ipynb.with_suffix(".py"))
    a, b = cells(from_ipynb), cells(from_py)
    for index, (left, right) in enumerate(zip(a, b, strict=False)):
        assert left == right, (
            f"{ipynb.name} and its .py differ at cell {index}: run `make sync NB={ipynb.stem}`"
        )
    assert len(a) == len(b), f"{ipynb.name} has {len(a)} cells, its .py {len(b)}"


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.stem)
def test_notebook_is_committed_executed(ipynb):
    notebook = jupytext.read(ipynb)
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    assert code, f"{ipynb.name} has no code"
    unexecuted = [i for i, cell in enumerate(code) if cell.get("execution_count") is None]
    assert not unexecuted, f"{ipynb.name}: code cells {unexecuted} were never executed"
    counts = [cell["execution_count"] for cell in code]
    assert counts == list(range(1, len(code) + 1)), f"{ipynb.name} was not run top to bottom once"
    errors = [
        output
        for cell in code
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors, f"{ipynb.name} stores an error output"
