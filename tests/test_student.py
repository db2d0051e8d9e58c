"""Where students work: generated student copies (no runnable solution, a deliberate way to see
one, Colab's badge and setup cell), a private workspace that tracked files never feed back
into, and links that agree with the one place naming the repository (`ntm_edu.course`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from ntm_edu import course
from ntm_edu.editions import HIDDEN_SOLUTION_TAG, make_edition
from ntm_edu.student import (
    prepare_workspace,
    stale_student_copies,
    student_copy,
    write_student_copies,
)
from ntm_edu.widgets.base import WIDGET_VIEW

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUDENT = ROOT / course.STUDENT_DIR
AUTHORED = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
PROGRESS_BAR = re.compile(r"\d+%\|")


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _output_text(output) -> str:
    return json.dumps(output.get("data", {})) + "".join(output.get("text", ""))


def _solution_lines(notebook) -> list[str]:
    """Distinctive lines of the reference solutions (not ones the exercise shares)."""
    exercise = {
        line.strip()
        for c in notebook.cells
        if "exercise" in _tags(c)
        for line in c.source.split("\n")
    }
    return [
        line.strip()
        for cell in notebook.cells
        if "solution" in _tags(cell)
        for line in cell.source.split("\n")
        if len(line.strip()) > 12 and line.strip() not in exercise and not line.startswith("#")
    ]


# --- the committed student copies --------------------------------------------------------------
def test_course_lists_every_notebook():
    assert course.NOTEBOOKS == tuple(p.stem for p in AUTHORED)
    assert sorted(p.name for p in STUDENT.glob("*.ipynb")) == [p.name for p in AUTHORED]


def test_student_copies_match_the_authored_notebooks():
    stale = stale_student_copies(STUDENT, NOTEBOOKS)
    assert not stale, (
        f"student copies {stale} differ from what notebooks/ gives: run `make student` "
        "(`make sync` does it after re-executing a notebook) and commit student/"
    )


@pytest.mark.parametrize("path", AUTHORED, ids=lambda p: p.stem)
def test_student_copy_runs_no_solution_but_offers_it(path):
    authored = nbformat.read(path, as_version=4)
    student = nbformat.read(STUDENT / path.name, as_version=4)
    code = [c for c in student.cells if c.cell_type == "code"]
    hidden = [c for c in student.cells if HIDDEN_SOLUTION_TAG in _tags(c)]
    solutions = [c for c in authored.cells if "solution" in _tags(c)]
    assert not any("solution" in _tags(c) for c in student.cells)
    assert len(hidden) == len(solutions), "every solution is offered, folded"
    code_text = "\n".join(c.source for c in code)
    outputs = "\n".join(_output_text(o) for c in code for o in c.outputs)
    for line in _solution_lines(authored):
        assert line not in code_text, f"a code cell holds solution line {line!r}"
        assert line not in outputs, f"an output shows solution line {line!r}"
    for cell, solution in zip(hidden, solutions, strict=True):
        assert cell.cell_type == "markdown"  # Run All cannot execute it
        assert cell.source.startswith("<details><summary>") and "<details open" not in cell.source
        assert solution.source.strip().split("\n")[-1] in cell.source
    assert "[PASS]" not in outputs, "a stored check output shows PASS for the reference"
    for cell in code:
        assert "NBVAL_" not in cell.source
        if "exercise" in _tags(cell):
            assert cell.outputs == [] and cell.execution_count is None
        for output in cell.outputs:
            assert WIDGET_VIEW not in output.get("data", {}), "a dead widget view"
            assert not PROGRESS_BAR.search(_output_text(output)), "a stale progress bar"
    assert "widgets" not in student.metadata and "jupytext" not in student.metadata


@pytest.mark.parametrize("path", AUTHORED, ids=lambda p: p.stem)
def test_student_copy_starts_with_colab_badge_and_setup(path):
    student = nbformat.read(STUDENT / path.name, as_version=4)
    badge, setup = student.cells[:2]
    assert badge.cell_type == "markdown" and course.colab_url(path.stem) in badge.source
    assert setup.cell_type == "code" and setup.source == course.colab_setup_source()
    assert setup.outputs == []
    # Explorers show their static picture until their cell runs (the widget view is gone).
    authored = nbformat.read(path, as_version=4)
    views = sum(
        WIDGET_VIEW in o.get("data", {}) and "ntm_edu/static_fallback" in o.get("metadata", {})
        for c in authored.cells
        for o in c.get("outputs", [])
        if "solution" not in _tags(c)
    )
    pictures = sum(
        "ntm-edu-fallback" in "".join(o.get("data", {}).get("text/html", ""))
        for c in student.cells
        for o in c.get("outputs", [])
    )
    assert pictures == views


def test_student_copies_are_deterministic(tmp_path):
    first = write_student_copies(tmp_path, NOTEBOOKS, ["03_addressing"])
    assert [p.name for p in first] == ["03_addressing.ipynb"]
    assert write_student_copies(tmp_path, NOTEBOOKS, ["03_addressing"]) == [], "no change"
    assert (tmp_path / "03_addressing.ipynb").read_bytes() == (
        STUDENT / "03_addressing.ipynb"
    ).read_bytes()


def test_a_changed_notebook_makes_its_copy_stale(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    notebook = nbformat.read(NOTEBOOKS / "02_memory.ipynb", as_version=4)
    nbformat.write(notebook, source / "02_memory.ipynb")
    out = tmp_path / "student"
    write_student_copies(out, source)
    assert stale_student_copies(out, source) == []
    notebook.cells[0].source += "\n\nA new paragraph."
    nbformat.write(notebook, source / "02_memory.ipynb")
    assert stale_student_copies(out, source) == ["02_memory.ipynb"]
    (out / "99_orphan.ipynb").write_text("{}")
    assert "99_orphan.ipynb" in stale_student_copies(out, source)


def test_solutions_stay_hidden_in_a_synthetic_notebook():
    from nbformat.v4 import new_code_cell, new_notebook

    secret = "return value * 4242  # the reference"
    notebook = new_notebook(
        cells=[
            new_code_cell("# NBVAL_IGNORE_OUTPUT\ntrain()", outputs=[]),
            new_code_cell(
                "def answer(value):\n    raise NotImplementedError", metadata={"tags": ["exercise"]}
            ),
            new_code_cell(f"def answer(value):\n    {secret}", metadata={"tags": ["solution"]}),
            new_code_cell("check_answer(answer)"),
        ]
    )
    copy = student_copy(notebook, "03_addressing")
    kinds = [(c.cell_type, tuple(_tags(c))) for c in copy.cells]
    assert kinds == [
        ("markdown", ("colab-badge",)),
        ("code", ("colab-setup",)),
        ("code", ()),
        ("code", ("exercise",)),
        ("markdown", (HIDDEN_SOLUTION_TAG,)),
        ("code", ()),
    ]
    assert copy.cells[2].source == "train()"
    assert secret in copy.cells[4].source
    removed, counts = make_edition(notebook, "student")
    assert counts["solutions_removed"] == 1 and counts["markers_removed"] == 1
    assert all(secret not in c.source for c in removed.cells)


# --- Colab ---------------------------------------------------------------------------------------
def test_colab_setup_does_nothing_outside_colab(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(course.colab_setup_source(), "setup-cell", "exec"), {})
    assert calls == []


def test_colab_setup_installs_the_package_without_dependencies(monkeypatch):
    calls, shown = [], []
    monkeypatch.setattr(subprocess, "run", lambda command, **k: calls.append((command, k)))
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(course, "show_course_links", lambda *a: shown.append(a))
    exec(compile(course.colab_setup_source(), "setup-cell", "exec"), {})
    ((command, options),) = calls
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert "--no-deps" in command, "Colab's torch must stay: no dependency may be reinstalled"
    assert command[-1] == f"ntm_edu @ {course.package_url()}"
    assert not any("torch" in part for part in command)
    assert options.get("check") is True and shown == [()]


def test_course_links_point_at_colab():
    page = course.course_links_html("03_addressing")
    assert page.count("colab.research.google.com") == len(course.NOTEBOOKS) - 1
    assert "<b>03_addressing</b>" in page
    with pytest.raises(ValueError, match="unknown notebook"):
        course.colab_url("99_nothing")


def test_readme_links_come_from_the_one_repository_setting():
    readme = (ROOT / "README.md").read_text()
    assert course.binder_url() in readme, "the Binder badge opens the student copies"
    for stem in course.NOTEBOOKS:
        assert course.colab_url(stem) in readme, f"README lacks the Colab link of {stem}"
    repositories = set(re.findall(r"github(?:\.com)?/([\w.-]+/[\w.-]+?)(?:/|\.git|\))", readme))
    assert repositories <= {course.REPOSITORY}, repositories


# --- the workspace -------------------------------------------------------------------------------
def test_workspace_copies_once_and_never_overwrites(tmp_path):
    workspace = tmp_path / "workspace"
    copied, kept = prepare_workspace(workspace, STUDENT)
    assert [p.name for p in copied] == [p.name for p in AUTHORED] and kept == []
    mine = workspace / "03_addressing.ipynb"
    mine.write_text(mine.read_text().replace("Show the solution", "my notes"))
    copied, kept = prepare_workspace(workspace, STUDENT)
    assert copied == [] and mine in kept
    assert "my notes" in mine.read_text(), "a student's work is never overwritten"
    (workspace / "02_memory.ipynb").unlink()
    copied, _ = prepare_workspace(workspace, STUDENT)
    assert [p.name for p in copied] == ["02_memory.ipynb"]


def _formats(config) -> str:
    formats = config.formats
    return formats if isinstance(formats, str) else ",".join(formats)


def test_workspace_pairs_no_python_script(tmp_path):
    jupytext_config = pytest.importorskip("jupytext.config")
    prepare_workspace(tmp_path / "workspace", STUDENT)
    found = jupytext_config.find_jupytext_configuration_file(str(tmp_path / "workspace"))
    config = jupytext_config.load_jupytext_configuration_file(found)
    assert _formats(config) == "ipynb", "no .py twin is written next to a student's notebook"
    authored = jupytext_config.load_jupytext_configuration_file(
        jupytext_config.find_jupytext_configuration_file(str(NOTEBOOKS))
    )
    assert "py:percent" in _formats(authored)  # the authored folder does pair: not the same


def test_workspace_is_ignored_and_student_copies_are_tracked():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "workspace/03_addressing.ipynb"], cwd=ROOT
    )
    if ignored.returncode == 128:
        pytest.skip("not a git checkout")
    assert ignored.returncode == 0, "workspace/ must be git-ignored"
    tracked = subprocess.run(["git", "check-ignore", "-q", "student/03_addressing.ipynb"], cwd=ROOT)
    assert tracked.returncode == 1, "student/ is committed (Colab and Binder open it)"


def test_make_lab_opens_the_workspace_not_the_authored_notebooks():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "Makefile lacks a lab target"
    lines = recipe.group(1)
    assert "ntm_edu.student workspace" in lines
    assert re.search(r"jupyter lab .*workspace", lines) and "notebooks" not in lines
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "student" in course.binder_url() and "--no-deps" in post_build
