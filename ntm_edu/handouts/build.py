"""`build_handouts`: course notebooks -> student and teacher handouts (ipynb, HTML, PDF).

See the package docstring for what each edition and format holds.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

from ntm_edu.editions import EDITIONS, _choices, make_edition
from ntm_edu.handouts.pages import index_html, notebook_html, notebook_title
from ntm_edu.handouts.pdf import find_local_mathjax, find_pdf_converter, write_pdf

__all__ = ["FORMATS", "build_handouts"]

FORMATS = ("ipynb", "html", "pdf")
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


def _notebook_paths(notebooks: Iterable[str | Path] | None, source_dir: Path) -> list[Path]:
    if notebooks is None:
        if not source_dir.is_dir():
            raise ValueError(f"source_dir {source_dir} is not a folder of notebooks")
        paths = sorted(source_dir.glob(NOTEBOOK_GLOB))
        if not paths:
            raise ValueError(f"no notebooks matching {NOTEBOOK_GLOB} in {source_dir}")
        return paths
    paths = []
    for item in [notebooks] if isinstance(notebooks, str | Path) else notebooks:
        path = Path(item)
        if not path.exists():
            path = source_dir / (path.name if path.suffix == ".ipynb" else f"{path.name}.ipynb")
        if not path.is_file():
            raise ValueError(f"notebook {str(item)!r} not found (looked in {source_dir})")
        paths.append(path)
    if not paths:
        raise ValueError("notebooks is empty: pass None for every notebook in source_dir")
    return paths


def _execute(notebook: Any, folder: Path) -> None:
    from nbconvert.preprocessors import ExecutePreprocessor  # only a build with execute=True

    ExecutePreprocessor(timeout=900, kernel_name="python3").preprocess(
        notebook, {"metadata": {"path": str(folder)}}
    )


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def build_handouts(
    out_dir: str | Path,
    editions: str | Iterable[str] = EDITIONS,
    formats: str | Iterable[str] = ("ipynb", "html"),
    notebooks: Iterable[str | Path] | None = None,
    source_dir: str | Path | None = None,
    execute: bool = False,
) -> list[Path]:
    """Build the handouts into `out_dir/<edition>/`: NN_topic.{ipynb,html,pdf} and index.html.

    Args:
        out_dir: output folder (created; files of the same name are overwritten).
        editions: "student" and/or "teacher" (a tuple, or a comma-separated string).
        formats: any of "ipynb", "html", "pdf" (a tuple, or "ipynb,html,pdf"). PDFs need
            Chromium, playwright or xelatex; without one they are skipped with a message.
        notebooks: names ("03_addressing"), file names or paths; default every
            NN_topic.ipynb in `source_dir`.
        source_dir: folder of the executed notebooks (default: the repository's notebooks/).
        execute: re-run each notebook first (slow; the stored outputs are normally current).

    Returns:
        The paths written, in build order.

    Raises:
        ValueError: an unknown edition or format, or no such notebook.
    """
    editions = _choices("edition", editions, EDITIONS)
    formats = _choices("format", formats, FORMATS)
    source = Path(source_dir) if source_dir is not None else NOTEBOOKS_DIR
    paths = _notebook_paths(notebooks, source)
    out = Path(out_dir)

    converter = find_pdf_converter() if "pdf" in formats else None
    local_mathjax = find_local_mathjax() if converter and converter[0] == "chromium" else None
    if converter and converter[0] == "chromium" and local_mathjax is None:
        print(
            "PDF note: equations are typeset by MathJax from its CDN; offline they stay LaTeX "
            "source (`apt-get install libjs-mathjax fonts-mathjax` typesets them locally)."
        )
    if "pdf" in formats and converter is None:
        print(
            "PDF skipped: no converter found (install Chromium, e.g. "
            "`apt-get install chromium`, or playwright, or xelatex); "
            "the HTML handouts print to PDF from any browser."
        )

    sources = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if execute:
            _execute(notebook, path.parent)
        sources.append((path, notebook, notebook_title(notebook, path.stem)))

    written: list[Path] = []
    for edition in editions:
        folder = out / edition
        entries = []
        for index, (path, notebook, title) in enumerate(sources):
            stem = path.stem
            handout, counts = make_edition(notebook, edition)
            if counts["widgets_without_fallback"]:
                print(
                    f"{edition}/{stem}: {counts['widgets_without_fallback']} widget output(s) "
                    "without a static fallback (progress bars) were left out"
                )
            built = []
            if "ipynb" in formats:
                written.append(_write(folder / f"{stem}.ipynb", nbformat.writes(handout) + "\n"))
                built.append("ipynb")
            if "html" in formats or converter is not None:
                previous = sources[index - 1] if index > 0 else None
                following = sources[index + 1] if index + 1 < len(sources) else None
                links = (
                    (f"{previous[0].stem}.html", previous[2]) if previous else None,
                    (f"{following[0].stem}.html", following[2]) if following else None,
                    path.parent,
                )
                page = notebook_html(handout, title, edition, *links)
                if "html" in formats:
                    written.append(_write(folder / f"{stem}.html", page))
                    built.append("html")
                if converter is not None:
                    target = folder / f"{stem}.pdf"
                    try:
                        if converter[0] == "chromium" and local_mathjax:
                            page = notebook_html(handout, title, edition, *links, local_mathjax)
                        with tempfile.TemporaryDirectory(prefix="ntm-edu-pdf-") as scratch:
                            page_file = _write(Path(scratch) / f"{stem}.html", page)
                            write_pdf(converter, handout, page_file, target)
                    except Exception as error:  # a PDF is a bonus: report, never abort
                        print(f"PDF skipped for {edition}/{stem}: {converter[0]} failed ({error})")
                    else:
                        written.append(target)
                        built.append("pdf")
            entries.append((stem, title, built))
        if "html" in formats:
            written.append(_write(folder / "index.html", index_html(edition, entries)))
    return written
