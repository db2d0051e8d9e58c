"""Editions of an executed course notebook: what a student and what a teacher may see.

The authored `notebooks/NN_topic.ipynb` are the source and the test subject: every
`exercise` cell is followed by its `solution` cell, so strict nbval checks the reference
answers. Students get an edition made from them by `make_edition`:

- **student**: `solution` cells are removed (handouts) or folded into a closed "Show the
  solution" block that runs nothing (`solutions="hidden"`: the student copies of
  `ntm_edu.student`, where a self-learner can open it deliberately); `exercise` cells keep
  their source but lose their outputs; every code cell after a solution that calls a
  `check_*` helper loses its outputs too (it would print PASS for the reference answer).
- **teacher**: every cell with its outputs.

Both editions also drop what only the authoring machinery needs: `# NBVAL_*` marker lines
(nbval's per-cell switches), the notebook's stored widget state, and the widget views: an
explorer's view becomes its static fallback picture (see `ntm_edu.widgets.base`), and a widget
without one (a tqdm progress bar, whose stored text is its first frame, "0%| 0/1500") is
dropped instead of showing a stale bar.

Not taught in a notebook: used by `ntm_edu.handouts` and `ntm_edu.student`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from typing import Any

from nbformat.v4 import new_markdown_cell

from ntm_edu._notebook_keys import STATIC_FALLBACK_KEY, WIDGET_VIEW

__all__ = ["EDITIONS", "SOLUTION_MODES", "make_edition", "hidden_solution"]

EDITIONS = ("student", "teacher")
SOLUTION_MODES = ("removed", "hidden")
CHECK_CALL = re.compile(r"\bcheck_\w*\s*\(")
NBVAL_MARKER = re.compile(r"^[ \t]*#[ \t]*NBVAL_[A-Z_]+[ \t]*(?:\n|$)", re.M)
HIDDEN_SOLUTION_TAG = "solution-hidden"


def _choices(argument: str, given: str | Iterable[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """Normalise `given` ("a,b" or an iterable of names) to a tuple, or raise a clear ValueError."""
    items = given.split(",") if isinstance(given, str) else list(given)
    names = tuple(dict.fromkeys(str(item).strip().lower() for item in items if str(item).strip()))
    if not names:
        raise ValueError(f"{argument} must name at least one of {', '.join(allowed)}")
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ValueError(
            f"unknown {argument} {', '.join(map(repr, unknown))}: choose from {', '.join(allowed)}"
        )
    return names


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _clear(cell: Any) -> None:
    cell.outputs = []
    cell.execution_count = None


def _static_output(output: Any) -> tuple[Any, bool]:
    """The output with its widget view swapped for the static fallback; (output, had_fallback)."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data:
        return output, True
    output = copy.deepcopy(output)
    del output.data[WIDGET_VIEW]
    fallback = output.get("metadata", {}).pop(STATIC_FALLBACK_KEY, None)
    if fallback and fallback.get("text/html"):
        output.data["text/html"] = fallback["text/html"]
        return output, True
    return output, False


def hidden_solution(source: str, cell_id: str | None = None) -> Any:
    """A markdown cell holding `source` in a closed "Show the solution" block (runs nothing).

    JupyterLab, Colab, GitHub and the HTML handouts all render `<details>` closed until it
    is clicked, so the solution is one deliberate click away and Run All never executes it.
    """
    fence = "~~~~" if "```" in source else "```"
    text = (
        "<details><summary><b>Show the solution</b> (try the exercise first; copy it into "
        "the cell above to run it)</summary>\n\n"
        f"{fence}python\n{source.rstrip()}\n{fence}\n\n</details>"
    )
    cell = new_markdown_cell(text, metadata={"tags": [HIDDEN_SOLUTION_TAG]})
    if cell_id is None:
        cell.pop("id", None)  # nbformat < 4.5 notebooks have no cell ids
    else:
        cell.id = cell_id  # the solution cell's own id: builds stay byte-identical
    return cell


def make_edition(
    notebook: Any, edition: str, solutions: str = "removed"
) -> tuple[Any, dict[str, int]]:
    """The `edition` ("student" or "teacher") of an executed notebook, as a new notebook.

    Args:
        notebook: an nbformat v4 notebook (not modified).
        edition: "student" strips solutions and the outputs that would reveal them;
            "teacher" keeps every cell. Both replace widget views by their static fallbacks.
        solutions: for the student edition, "removed" (handouts) or "hidden" (a closed
            markdown block in place of each solution cell, see `hidden_solution`).

    Returns:
        (the new notebook, counts of what changed: `solutions_removed`, `outputs_cleared`,
        `fallbacks`, `widgets_without_fallback` (dropped), `markers_removed`).
    """
    (edition,) = _choices("edition", [edition], EDITIONS)
    (solutions,) = _choices("solutions", [solutions], SOLUTION_MODES)
    result = copy.deepcopy(notebook)
    result.metadata.pop("widgets", None)  # live-widget state: replaced by static fallbacks
    result.metadata["ntm_edu"] = {"edition": edition}
    counts = dict(
        solutions_removed=0,
        outputs_cleared=0,
        fallbacks=0,
        widgets_without_fallback=0,
        markers_removed=0,
    )
    cells = []
    after_solution = False
    for cell in result.cells:
        tags = _tags(cell)
        cell.metadata.pop("execution", None)  # timestamps
        if edition == "student" and "solution" in tags:
            counts["solutions_removed"] += 1
            after_solution = True
            if solutions == "hidden":
                source = NBVAL_MARKER.sub("", cell.source)
                cells.append(hidden_solution(source, cell.get("id")))
            continue
        if cell.cell_type == "code":
            source, markers = NBVAL_MARKER.subn("", cell.source)
            cell.source = source
            counts["markers_removed"] += markers
            reveals = "exercise" in tags or (after_solution and CHECK_CALL.search(cell.source))
            if edition == "student" and reveals:
                counts["outputs_cleared"] += bool(cell.outputs)
                _clear(cell)
            outputs = []
            for output in cell.outputs:
                is_widget = WIDGET_VIEW in output.get("data", {})
                output, has_fallback = _static_output(output)
                if is_widget and not has_fallback:
                    counts["widgets_without_fallback"] += 1
                    continue  # its stored text is the widget's first frame: stale
                counts["fallbacks"] += is_widget
                outputs.append(output)
            cell.outputs = outputs
        cells.append(cell)
    result.cells = cells
    return result, counts
