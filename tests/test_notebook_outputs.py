"""Stored notebook outputs show only what holds on every machine.

Strict nbval compares every stored output with a fresh run, on whatever CPU the test runs.
`tools/run_tests.py` proves the outputs under three sets of CPU kernels; these checks keep the
rules that make that possible from eroding, without running anything:

* a cell whose output the tests ignore (tag ``nbval-ignore-output``) either shows only a
  progress bar, or is followed by a checked cell whose ``ntm_edu.expect`` states what the
  ignored numbers teach, or is listed below with the reason its output depends on the machine;
* a cell that trains a model has its output ignored (the progress bar shows rates and times);
* ignored outputs are marked by tag, never by a ``# NBVAL_...`` comment a student would see;
* no compared output holds text that depends on the machine or the moment: absolute paths,
  memory addresses, rates, dates.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")
)
IGNORE = "nbval-ignore-output"

# (notebook, a line of the cell's source) -> why its output may differ between machines.
IGNORED_FOR_A_REASON = {
    ("00_welcome", "import platform"): "prints this machine's Python and torch versions",
}

MACHINE_DEPENDENT = {
    "an absolute path": re.compile(r"(/home/|/Users/|/tmp/|/work/|/root/|[A-Z]:\\\\)"),
    "a memory address": re.compile(r"\bat 0x[0-9a-f]{6,}"),
    "a rate or elapsed time of a progress bar": re.compile(r"\d(it|step)/s\b|\[\d\d:\d\d<"),
    "a date or clock time": re.compile(r"\b20\d\d-\d\d-\d\d[ T]\d\d:\d\d"),
}


def code_cells(path: Path) -> list:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def ignored(cell) -> bool:
    return IGNORE in cell.metadata.get("tags", [])


def only_progress(cell) -> bool:
    """True if every output is a stderr stream (tqdm draws its bars on stderr)."""
    return all(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs)


def reason_listed(path: Path, cell) -> bool:
    return any(nb == path.stem and line in cell.source for nb, line in IGNORED_FOR_A_REASON)


def compared_text(cell) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(str(output.data.get("text/plain", "")))
            parts.append(str(output.data.get("text/html", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_ignored_output_is_explained(path: Path) -> None:
    cells = code_cells(path)
    for index, cell in enumerate(cells):
        if not ignored(cell) or only_progress(cell) or reason_listed(path, cell):
            continue
        following = [c for c in cells[index + 1 :] if not ignored(c)][:1]
        assert following and "expect(" in following[0].source, (
            f"{path.name}: the ignored output of the cell starting {cell.source[:60]!r} is "
            "neither a progress bar nor followed by a checked `ntm_edu.expect(...)` cell; "
            "state what it shows, or add it to IGNORED_FOR_A_REASON with the reason"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_training_cells_ignore_their_progress_bars(path: Path) -> None:
    for cell in code_cells(path):
        trains = re.search(r"ntm_edu\.train\(|regenerate_pretrained\(", cell.source)
        if trains and "if RETRAIN" not in cell.source and "def " not in cell.source:
            assert ignored(cell), f"{path.name}: {cell.source[:60]!r} trains; ignore its output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markers_are_tags_not_comments(path: Path) -> None:
    for cell in code_cells(path):
        assert "# NBVAL_" not in cell.source, (
            f"{path.name}: use the cell tag {IGNORE!r} (invisible to students) instead of a "
            f"comment in {cell.source[:60]!r}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_compared_outputs_hold_nothing_machine_dependent(path: Path) -> None:
    for cell in code_cells(path):
        if ignored(cell):
            continue
        text = compared_text(cell)
        for what, pattern in MACHINE_DEPENDENT.items():
            found = pattern.search(text)
            assert found is None, (
                f"{path.name}: the output of {cell.source[:60]!r} shows {what} "
                f"({found.group(0)!r}), which differs on other machines"
            )


def test_the_rules_catch_what_they_forbid() -> None:
    """Each rule rejects a cell made to break it (so the checks above can fail)."""
    bar = nbformat.v4.new_output("stream", name="stderr", text="NTM: 100%| 5/5 [00:01<00:00]")
    numbers = nbformat.v4.new_output("stream", name="stdout", text="cost: 27.5\n")
    cell = nbformat.v4.new_code_cell("print(cost)", metadata={"tags": [IGNORE]})
    cell.outputs = [numbers]
    assert ignored(cell) and not only_progress(cell)
    cell.outputs = [bar]
    assert only_progress(cell)
    shown = nbformat.v4.new_code_cell("x")
    shown.outputs = [nbformat.v4.new_output("stream", name="stdout", text="/work/main/x.pt\n")]
    assert MACHINE_DEPENDENT["an absolute path"].search(compared_text(shown))
    shown.outputs = [bar]
    assert MACHINE_DEPENDENT["a rate or elapsed time of a progress bar"].search(
        compared_text(shown)
    )
