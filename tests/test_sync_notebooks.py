"""tools/sync_notebooks.py keeps cell ids across a rebuild, so a diff shows only what changed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location(
        "sync_notebooks", ROOT / "tools" / "sync_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
        for kind, text in cells
    ]
    return notebook


def test_unchanged_and_edited_cells_keep_their_ids(tmp_path):
    old = _notebook(("md", "# Title"), ("code", "x = 1"), ("code", "print(x)"))
    path = tmp_path / "nb.ipynb"
    nbformat.write(old, path)
    # jupytext would give every cell a fresh id; the second cell was edited, one was added.
    new = _notebook(("md", "# Title"), ("code", "x = 2"), ("code", "print(x)"), ("md", "end"))
    _tool().keep_cell_ids(new, path)
    assert [c.id for c in new.cells[:3]] == [c.id for c in old.cells]
    assert new.cells[3].id not in {c.id for c in old.cells}
    assert len({c.id for c in new.cells}) == 4


def test_repeated_sources_do_not_share_an_id(tmp_path):
    old = _notebook(("code", "plot()"), ("code", "plot()"))
    path = tmp_path / "nb.ipynb"
    nbformat.write(old, path)
    new = _notebook(("code", "plot()"), ("code", "plot()"), ("code", "plot()"))
    _tool().keep_cell_ids(new, path)
    assert [c.id for c in new.cells[:2]] == [c.id for c in old.cells]
    assert len({c.id for c in new.cells}) == 3


def test_a_new_notebook_keeps_the_fresh_ids(tmp_path):
    new = _notebook(("code", "x = 1"))
    before = new.cells[0].id
    _tool().keep_cell_ids(new, tmp_path / "missing.ipynb")
    assert new.cells[0].id == before
