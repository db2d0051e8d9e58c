"""Handouts: student editions leak no solution, figures and widget fallbacks reach the HTML, the
navigation links the pages, and two builds are byte-identical.

A synthetic two-notebook course (built here with nbformat, outputs included, so no kernel runs)
tests the rules exactly; a parametrised pass checks the same properties on the real notebooks.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
import numpy as np
import pytest
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

from ntm_edu import handouts
from ntm_edu.handouts import build_handouts, make_edition
from ntm_edu.viz.base import figure_to_png, heatmap, new_figure
from ntm_edu.widgets.base import (
    STATIC_FALLBACK_KEY,
    WIDGET_VIEW,
    Explorer,
    fallback_values,
    with_static_fallback,
)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
REAL = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
IMG_DATA = re.compile(r"<img\s[^>]*src=['\"]data:image/png;base64,")
PROGRESS_BAR = re.compile(r"\d+%\|")  # tqdm's text form: needs no picture fallback
SECRET = "    return value * 4242  # the reference answer"


# --- helpers ---------------------------------------------------------------------------------
def _render(position: int, width: int = 6):
    figure = new_figure(2.0, 1.0)
    heatmap(figure.add_subplot(), np.roll(np.eye(width), position, axis=1), xlabel=None)
    return figure


def _explorer(**kwargs) -> Explorer:
    return Explorer(
        _render,
        {"position": widgets.IntSlider(0, 0, 5), "width": widgets.IntSlider(6, 4, 8)},
        title="Test explorer",
        **kwargs,
    )


def _display_output(obj, execution_count: int):
    """The output a kernel stores when a cell's last expression is `obj`."""
    bundle = obj._repr_mimebundle_()
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    return new_output(
        "execute_result", data=data, metadata=metadata, execution_count=execution_count
    )


def _png_output(execution_count: int):
    import base64

    png = base64.b64encode(figure_to_png(_render(2))).decode("ascii")
    return new_output(
        "execute_result",
        data={"image/png": png, "text/plain": "<Figure size 160x80 with 1 Axes>"},
        execution_count=execution_count,
    )


def _stream(text: str):
    return new_output("stream", name="stdout", text=text)


def _synthetic(title: str) -> nbformat.NotebookNode:
    """A small executed lesson with every kind of cell the handouts treat specially."""
    progress = new_output(
        "display_data",
        data={
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "abc"},
            "text/plain": "100%|##########| 3/3 [00:00<00:00]",
        },
    )
    cells = [
        new_markdown_cell(
            f"# {title}\n\nA lesson about $w_t$; see [the other one](01_beta.ipynb#Part-one)"
            " and [the paper](https://arxiv.org/abs/1410.5401)."
        ),
        new_code_cell("import ntm_edu", execution_count=1),
        new_markdown_cell("## Part one: a figure"),
        new_code_cell("figure = draw()\nfigure", execution_count=2, outputs=[_png_output(2)]),
        new_markdown_cell("## Part two: an explorer"),
        new_code_cell("explorer", execution_count=3, outputs=[_display_output(_explorer(), 3)]),
        new_code_cell("# NBVAL_IGNORE_OUTPUT\ntrain()", execution_count=4, outputs=[progress]),
        new_code_cell(
            "long = " + repr("x" * 150) + "  # TAIL-OF-A-LONG-LINE", execution_count=9, outputs=[]
        ),
        new_markdown_cell("## Exercises\n### Exercise 1"),
        new_code_cell(
            "def answer(value):\n    raise NotImplementedError  # your code here",
            execution_count=5,
            outputs=[_stream("STUB RAN\n")],
            metadata={"tags": ["exercise"]},
        ),
        new_code_cell(
            f"def answer(value):\n{SECRET}\nprint('reference loaded')",
            execution_count=6,
            outputs=[_stream("reference loaded\n")],
            metadata={"tags": ["solution"]},
        ),
        new_code_cell(
            "ntm_edu.exercises.check_answer(answer)",
            execution_count=7,
            outputs=[_stream("PASS check_answer\n")],
        ),
        new_code_cell(
            "print('after the exercises')", execution_count=8, outputs=[_stream("kept\n")]
        ),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return notebook


def _all_text(path: Path) -> str:
    """Everything a reader of the file could see: decoded JSON strings, or HTML without tags."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        strings: list[str] = []

        def walk(node):
            if isinstance(node, dict):
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
            elif isinstance(node, str):
                strings.append(node)

        walk(json.loads(raw))
        return raw + "\n" + "".join(strings)
    return raw + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))


def _payloads(text: str) -> set[str]:
    """The base64 PNGs in some HTML (nbconvert re-serialises markup, never the data)."""
    return set(re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text))


def _solution_lines(notebook) -> list[str]:
    """Lines only solution cells hold (a stub's `def f(x):` is shared with the exercise)."""
    others = "\n".join(
        c.source for c in notebook.cells if "solution" not in c.metadata.get("tags", [])
    )
    lines = []
    for cell in notebook.cells:
        if "solution" in cell.metadata.get("tags", []):
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) >= 12 and line not in others:
                    lines.append(line)
    return lines


def _expected_images(notebook) -> int:
    """Images the HTML must show: PNG outputs, `<img>` inside HTML outputs, markdown images."""
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            count += len(re.findall(r"!\[[^\]]*\]\([^)]+\.png\)", cell.source))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:  # nbconvert prefers HTML to PNG
                count += len(IMG_DATA.findall("".join(data["text/html"])))
            elif "image/png" in data:
                count += 1
    return count


def _fallbacks(notebook) -> list[str]:
    return [
        output["metadata"][STATIC_FALLBACK_KEY]["text/html"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if STATIC_FALLBACK_KEY in output.get("metadata", {})
    ]


# --- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Two synthetic notebooks in a source folder, built once in both editions."""
    source = tmp_path_factory.mktemp("source")
    nbformat.write(_synthetic("Alpha lesson"), source / "00_alpha.ipynb")
    nbformat.write(_synthetic("Beta lesson"), source / "01_beta.ipynb")
    out = tmp_path_factory.mktemp("handouts")
    written = build_handouts(out, source_dir=source)
    return source, out, written


def _cell_after(notebook, source_start: str):
    return next(c for c in notebook.cells if c.source.startswith(source_start))


# --- the synthetic course ----------------------------------------------------------------------
def test_build_writes_both_editions_and_indexes(course):
    _, out, written = course
    names = sorted(str(p.relative_to(out)) for p in written)
    assert names == sorted(
        f"{edition}/{name}"
        for edition in ("student", "teacher")
        for name in (
            "00_alpha.ipynb",
            "00_alpha.html",
            "01_beta.ipynb",
            "01_beta.html",
            "index.html",
        )
    )
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)


def test_student_edition_holds_no_solution_anywhere(course):
    _, out, _ = course
    for path in (out / "student").iterdir():
        text = _all_text(path)
        assert SECRET.strip() not in text, f"{path.name} leaks the solution"
        assert "reference loaded" not in text, f"{path.name} leaks the solution's output"
        assert "PASS check_answer" not in text, f"{path.name} shows the check passing"


def test_teacher_edition_keeps_solutions(course):
    _, out, _ = course
    for path in (out / "teacher").glob("0*"):
        text = _all_text(path)
        assert SECRET.strip() in text, f"{path.name} lost the solution"
        assert "PASS check_answer" in text


def test_student_edition_clears_exercise_and_check_outputs_but_keeps_their_source(course):
    _, out, _ = course
    student = nbformat.read(out / "student" / "00_alpha.ipynb", as_version=4)
    exercise = _cell_after(student, "def answer(value):\n    raise")
    check = _cell_after(student, "ntm_edu.exercises.check_answer")
    later = _cell_after(student, "print('after")
    assert exercise.outputs == [] and exercise.execution_count is None
    assert check.outputs == [] and "check_answer(answer)" in check.source
    assert later.outputs[0]["text"] == "kept\n", "cells that reveal nothing keep their outputs"
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    teacher = nbformat.read(out / "teacher" / "00_alpha.ipynb", as_version=4)
    assert _cell_after(teacher, "def answer(value):\n    raise").outputs, "teacher keeps outputs"
    assert len(teacher.cells) == len(student.cells) + 1


def test_widget_views_become_static_fallbacks(course):
    source, out, _ = course
    original = nbformat.read(source / "00_alpha.ipynb", as_version=4)
    fallback = _fallbacks(original)
    assert len(fallback) == 1 and len(IMG_DATA.findall(fallback[0])) == 4
    for edition in ("student", "teacher"):
        handout = nbformat.read(out / edition / "00_alpha.ipynb", as_version=4)
        assert "widgets" not in handout.metadata, "stale widget state would need a CDN"
        explorer = _cell_after(handout, "explorer").outputs[0]
        assert WIDGET_VIEW not in explorer["data"]
        assert explorer["data"]["text/html"] == fallback[0]
        progress = _cell_after(handout, "train()")  # its NBVAL marker line is gone
        assert progress.outputs == [], "a progress bar's stored text is its stale first frame"
        page = (out / edition / "00_alpha.html").read_text()
        assert _payloads(fallback[0]) <= _payloads(page)
        assert "widget-view+json" not in page and "require.js" not in page


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_html_shows_every_figure_inline(course, edition):
    _, out, _ = course
    for name in ("00_alpha", "01_beta"):
        handout = nbformat.read(out / edition / f"{name}.ipynb", as_version=4)
        page = (out / edition / f"{name}.html").read_text()
        assert len(IMG_DATA.findall(page)) == _expected_images(handout) == 1 + 4
        # Resources the page loads (links one may follow, like the paper's, fetch nothing).
        external = re.findall(r"(?:src=|<link[^>]*href=)['\"](https?://[^'\"]+)", page)
        assert all("mathjax" in url for url in external), external


def test_navigation_contents_and_index(course):
    _, out, _ = course
    for edition in ("student", "teacher"):
        first = (out / edition / "00_alpha.html").read_text()
        second = (out / edition / "01_beta.html").read_text()
        assert "rel='next' href='01_beta.html'" in first and "rel='prev'" not in first
        assert "rel='prev' href='00_alpha.html'" in second and "rel='next'" not in second
        assert first.count("href='index.html'") == 2, "navigation at the top and the bottom"
        assert "<title>Alpha lesson</title>" in first
        toc = re.search(r"<nav class='ntm-toc'>.*?</nav>", first).group(0)
        anchors = re.findall(r"href='#([^']+)'", toc)
        assert len(anchors) == 4, toc  # Part one, Part two, Exercises, Exercise 1
        for anchor in anchors:
            assert f'id="{anchor}"' in first
        index = (out / edition / "index.html").read_text()
        assert "href='00_alpha.html'>Alpha lesson</a>" in index
        assert "href='01_beta.html'>Beta lesson</a>" in index
        assert f"({edition} edition)" in index


def test_build_is_deterministic(course, tmp_path):
    source, out, written = course
    again = build_handouts(tmp_path, source_dir=source)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(out) for p in written]
    for first, second in zip(written, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between builds"


def test_arguments_are_checked(course, tmp_path):
    source, _, _ = course
    with pytest.raises(ValueError, match="unknown edition 'tutor'.*student, teacher"):
        build_handouts(tmp_path, editions=("tutor",), source_dir=source)
    with pytest.raises(ValueError, match="unknown format 'docx'.*ipynb, html, pdf"):
        build_handouts(tmp_path, formats="html,docx", source_dir=source)
    with pytest.raises(ValueError, match="at least one"):
        build_handouts(tmp_path, formats=(), source_dir=source)
    with pytest.raises(ValueError, match="'99_missing' not found"):
        build_handouts(tmp_path, notebooks=["99_missing"], source_dir=source)
    with pytest.raises(ValueError, match="no notebooks"):
        build_handouts(tmp_path, source_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown edition"):
        make_edition(_synthetic("x"), "draft")
    assert list(tmp_path.iterdir()) == [], "a bad argument writes nothing"


def test_cli_style_arguments(course, tmp_path):
    source, _, _ = course
    written = build_handouts(
        tmp_path, editions="student", formats="ipynb", notebooks=["01_beta"], source_dir=source
    )
    assert written == [tmp_path / "student" / "01_beta.ipynb"]


def test_pdf_is_skipped_with_a_message_without_a_converter(course, tmp_path, monkeypatch, capsys):
    source, _, _ = course
    monkeypatch.setattr(handouts.build, "find_pdf_converter", lambda: None)
    written = build_handouts(
        tmp_path,
        editions="student",
        formats=("html", "pdf"),
        notebooks=["00_alpha"],
        source_dir=source,
    )
    assert "PDF skipped: no converter" in capsys.readouterr().out
    assert [p.suffix for p in written] == [".html", ".html"]  # the page and the index


def test_a_failing_converter_is_reported_not_raised(course, tmp_path, monkeypatch, capsys):
    source, _, _ = course
    monkeypatch.setattr(
        handouts.build, "find_pdf_converter", lambda: ("chromium", "/nonexistent/chrome")
    )
    written = build_handouts(
        tmp_path, editions="teacher", formats="pdf", notebooks=["00_alpha"], source_dir=source
    )
    assert written == []
    assert "PDF skipped for teacher/00_alpha" in capsys.readouterr().out


@pytest.mark.skipif(handouts.find_pdf_converter() is None, reason="no PDF converter installed")
def test_pdf_is_built_when_a_converter_exists(course, tmp_path):
    source, _, _ = course
    written = build_handouts(
        tmp_path, editions="student", formats="pdf", notebooks=["01_beta"], source_dir=source
    )
    assert written == [tmp_path / "student" / "01_beta.pdf"]
    assert written[0].read_bytes().startswith(b"%PDF")


# --- the fallback mechanism --------------------------------------------------------------------
def test_explorer_publishes_its_fallback_in_metadata_not_data():
    data, metadata = _explorer()._repr_mimebundle_()
    assert set(data) == {"text/plain", WIDGET_VIEW}, "strict nbval compares every data entry"
    assert data["text/plain"] == "<Test explorer: controls position, width>"
    fallback = metadata[STATIC_FALLBACK_KEY]["text/html"]
    assert len(IMG_DATA.findall(fallback)) == 4
    assert [f"position = {v}" in fallback for v in (0, 2, 3, 5)] == [True] * 4


def test_explorer_fallback_is_deterministic_and_follows_the_other_controls():
    first, second = _explorer(), _explorer()
    assert first.static_fallback() == second.static_fallback()
    second.controls["width"].value = 8
    assert first.static_fallback() != second.static_fallback()


def test_declared_fallbacks():
    grid = _explorer(fallback=("width", [4, 8])).static_fallback()
    assert len(IMG_DATA.findall(grid)) == 2 and "width = 8" in grid
    animation = _explorer(fallback=("position", [0, 1, 2], "animation")).static_fallback()
    assert "<script>" in animation and len(_payloads(animation)) == 3
    assert animation == _explorer(fallback=("position", [0, 1, 2], "animation")).static_fallback()
    assert not isinstance(_explorer(fallback=False)._repr_mimebundle_(), tuple)
    for bad, message in [
        (("speed", [1]), "not one of"),
        (("position", []), "at least one value"),
        (("position", [1], "movie"), "style must be one of"),
        ("position", "fallback must be"),
    ]:
        with pytest.raises(ValueError, match=message):
            _explorer(fallback=bad)


def test_fallback_values_spread_over_each_kind_of_control():
    assert fallback_values(widgets.IntSlider(3, 0, 10)) == [0, 3, 7, 10]
    assert fallback_values(widgets.IntSlider(0, 0, 2)) == [0, 1, 2]
    assert fallback_values(widgets.FloatSlider(0.5, min=0, max=1, step=0.1)) == [0.0, 0.3, 0.7, 1.0]
    assert fallback_values(widgets.Dropdown(options=[("a", 1), ("b", 2)])) == [1, 2]
    assert fallback_values(widgets.SelectionSlider(options=list("abcdefg"))) == ["a", "c", "e", "g"]
    assert fallback_values(widgets.Checkbox(True)) == [False, True]
    assert fallback_values(widgets.FloatLogSlider(1.0, min=0, max=3)) == [1.0, 10.0, 100.0, 1000.0]
    assert fallback_values(widgets.IntRangeSlider(value=(2, 5), min=0, max=9)) == [(2, 5)]
    assert fallback_values(widgets.Text("hi")) == ["hi"]
    with pytest.raises(ValueError, match="count must be at least 1"):
        fallback_values(widgets.IntSlider(), count=0)


def test_with_static_fallback_wraps_any_widget():
    box = with_static_fallback(widgets.VBox([_explorer()]), lambda: "<p>static</p>")
    data, metadata = box._repr_mimebundle_()
    assert WIDGET_VIEW in data and metadata[STATIC_FALLBACK_KEY]["text/html"] == "<p>static</p>"


# --- the real notebooks ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_course(tmp_path_factory):
    """The real notebooks: student ipynb + HTML, teacher ipynb (HTML export is the slow part)."""
    if not REAL:
        pytest.skip("notebooks/ holds no NN_topic.ipynb yet")
    out = tmp_path_factory.mktemp("real")
    build_handouts(out, editions="student", formats="ipynb,html", notebooks=REAL)
    build_handouts(out, editions="teacher", formats="ipynb", notebooks=REAL)
    return out


def _outputs(notebook):
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_notebook_handouts(real_course, path):
    source = nbformat.read(path, as_version=4)
    student_files = [real_course / "student" / f"{path.stem}.{ext}" for ext in ("ipynb", "html")]
    teacher_file = real_course / "teacher" / f"{path.stem}.ipynb"
    solution_lines = _solution_lines(source)
    for file in student_files:
        text = _all_text(file)
        leaks = [line for line in solution_lines if line in text]
        assert not leaks, f"student {file.name} leaks solution lines {leaks}"
    if solution_lines:  # the same search does find them where they belong
        assert all(line in _all_text(teacher_file) for line in solution_lines)
    student = nbformat.read(student_files[0], as_version=4)
    for cell in student.cells:
        if "exercise" in cell.metadata.get("tags", []):
            assert cell.outputs == [], "exercise outputs must be cleared"
    page = student_files[1].read_text()
    assert len(IMG_DATA.findall(page)) == _expected_images(student), "a figure is missing"
    kept = [c for c in source.cells if "solution" not in c.metadata.get("tags", [])]
    for fallback in _fallbacks(nbformat.v4.new_notebook(cells=kept)):
        assert _payloads(fallback) <= _payloads(page), "a widget fallback is missing"
    teacher = nbformat.read(teacher_file, as_version=4)
    png = [sum("image/png" in o.get("data", {}) for o in _outputs(nb)) for nb in (source, teacher)]
    assert png[0] == png[1], "the teacher edition keeps every figure"
    assert len(teacher.cells) == len(source.cells)


def test_real_handouts_are_deterministic(real_course, tmp_path):
    again = build_handouts(tmp_path, formats="ipynb", notebooks=REAL)
    for path in again:
        first = real_course / path.relative_to(tmp_path)
        assert path.read_bytes() == first.read_bytes(), f"{first} differs between builds"


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_notebook_widgets_carry_a_static_fallback(path):
    notebook = nbformat.read(path, as_version=4)
    missing = [
        "".join(output["data"].get("text/plain", "?"))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
        and STATIC_FALLBACK_KEY not in output.get("metadata", {})
        and not PROGRESS_BAR.search("".join(output["data"].get("text/plain", "")))
    ]
    assert not missing, (
        f"{path.name}: widget outputs without a static fallback {missing}: display an Explorer "
        "(it publishes one), wrap composites with ntm_edu.widgets.with_static_fallback, and "
        f"re-run `make sync NB={path.stem}`"
    )


# --- print-ready pages -------------------------------------------------------------------------
def test_markers_are_removed_from_both_editions(course):
    _, out, _ = course
    for edition in ("student", "teacher"):
        handout = nbformat.read(out / edition / "00_alpha.ipynb", as_version=4)
        assert not any("NBVAL_" in cell.source for cell in handout.cells)
        assert "NBVAL_" not in (out / edition / "00_alpha.html").read_text()


def test_links_between_notebooks_point_at_the_html_pages(course):
    _, out, _ = course
    page = (out / "student" / "00_alpha.html").read_text()
    assert 'href="01_beta.html#Part-one"' in page
    assert 'href="01_beta.ipynb' not in page
    assert 'href="https://arxiv.org/abs/1410.5401"' in page, "other links stay as they are"


def test_code_wraps_instead_of_running_off_the_page(course):
    _, out, _ = course
    page = (out / "student" / "00_alpha.html").read_text()
    css = page[page.index("ntm-nav {") : page.index("</style>", page.index("ntm-nav {"))]
    assert re.search(r"\.highlight pre\s*\{[^}]*white-space:\s*pre-wrap", css)


@pytest.mark.skipif(
    not (handouts.find_pdf_converter() or (None,))[0] == "chromium"
    or not __import__("shutil").which("pdftotext"),
    reason="needs chromium and pdftotext (apt-get install chromium poppler-utils)",
)
def test_pdf_keeps_the_end_of_long_code_lines(course, tmp_path):
    source, _, _ = course
    build_handouts(
        tmp_path, editions="student", formats="pdf", notebooks=["00_alpha"], source_dir=source
    )
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "student" / "00_alpha.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TAIL-OF-A-LONG-LINE" in text, "the end of a 170-character code line was cut off"


def _smallest_text_px(figure, dpi: float) -> float:
    sizes = [
        text.get_fontsize()
        for text in figure.findobj(lambda artist: hasattr(artist, "get_fontsize"))
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * dpi / 72


def test_fallback_frames_have_readable_text():
    """Text of at least 9 px in every static frame (60 dpi frames gave ~5 px)."""
    from ntm_edu import widgets as course_widgets
    from ntm_edu.widgets.base import FALLBACK_DPI

    addressing = course_widgets.addressing_explorer()
    addressing.static_fallback()
    frames = [plot.figure for (_, dpi), plot in addressing._plots.items() if dpi == FALLBACK_DPI]
    assert frames, "the fallback draws on plots at the fallback resolution"
    for figure in frames:
        assert figure.dpi == FALLBACK_DPI
        assert _smallest_text_px(figure, figure.dpi) >= 9
    tasks = course_widgets.task_explorer("copy")
    figure = tasks.render_function(**tasks.values)  # saved at FALLBACK_DPI in the fallback
    assert _smallest_text_px(figure, FALLBACK_DPI) >= 9


def test_displaying_an_explorer_publishes_its_fallback_on_either_ipywidgets_line(monkeypatch):
    """ipywidgets 8 displays through `_repr_mimebundle_`, 7.x (Colab's) through
    `_ipython_display_`: either way the view and the fallback metadata are published."""
    import IPython.display
    from IPython.core.formatters import DisplayFormatter

    from ntm_edu.widgets.base import MIMEBUNDLE_DISPLAY

    explorer = _explorer()
    assert MIMEBUNDLE_DISPLAY == (int(widgets.__version__.split(".")[0]) >= 8)
    if MIMEBUNDLE_DISPLAY:
        data, metadata = DisplayFormatter().format(explorer)
    else:
        published = []
        monkeypatch.setattr(
            IPython.display, "display", lambda data, **kwargs: published.append((data, kwargs))
        )
        explorer._ipython_display_()
        ((data, kwargs),) = published
        assert kwargs.get("raw") is True
        metadata = kwargs["metadata"]
    assert data[WIDGET_VIEW]["model_id"] == explorer.model_id
    assert data["text/plain"] == repr(explorer)
    assert "data:image/png" in metadata[STATIC_FALLBACK_KEY]["text/html"]
