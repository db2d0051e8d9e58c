"""Course notebooks -> student and teacher handouts: ipynb, self-contained HTML, PDF if possible.

The input is the committed, executed `notebooks/NN_topic.ipynb` (not re-run unless
`execute=True`: CI already checks that the stored outputs match a fresh run). Per edition
(`ntm_edu.editions.make_edition`):

- **teacher**: every cell with its outputs.
- **student**: cells tagged `solution` are removed; cells tagged `exercise` keep their source but
  lose their outputs; every code cell after a solution that calls a `check_*` helper loses its
  outputs too (it would print PASS for the reference answer).

Both editions lose `# NBVAL_*` markers and stale progress bars. In HTML, links to another
course notebook (`03_addressing.ipynb#...`) point at its page (`03_addressing.html#...`), and
code wraps instead of running off a printed page.

Formats: `ipynb` (opens in Jupyter, runs as is), `html` (one self-contained page per notebook:
figures are inline base64 PNGs, with a table of contents built from the notebook's headings,
previous/next links, and an `index.html` per edition), `pdf` (Chromium printing that HTML,
else nbconvert's WebPDF (playwright) or LaTeX (xelatex) exporters; if none is installed the
PDFs are skipped with a printed message). Equations are typeset by MathJax, which the page
loads from its CDN: offline they show as LaTeX source; nothing else is fetched.

**Widgets.** A live ipywidgets view needs a kernel. nbconvert renders a widget view from the
widget state an executed notebook stores (loading the widget manager from a CDN, and showing
only the state frozen at save time) and, when the state lacks the widget, falls back to the
output's next MIME type (`text/html`, else `text/plain`). So the builder drops the widget views
and the notebook's widget state and shows a static fallback instead. Every
`ntm_edu.widgets.Explorer` publishes one when displayed: a grid of a few low-resolution frames
(or a small JS animation), stored in the display output's *metadata* under
`ntm_edu.widgets.base.STATIC_FALLBACK_KEY`, not as a `text/html` output. That placement is
deliberate: strict nbval compares every output MIME type (`text/html` included) byte for byte
but never output metadata, and PNG bytes drawn by matplotlib differ between builds linking
other freetype/zlib versions (pip wheels versus conda-forge). Metadata keeps the notebook tests
independent of those bytes and needs no nbval configuration. The builder turns the fallback
into a `text/html` output (in the ipynb handouts too, so a handout opened without a kernel
shows pictures instead of "model not found"). Widget outputs without a fallback (tqdm
progress bars, whose stored text is their first frame) are left out.

The build is deterministic: the same notebooks give byte-identical ipynb and HTML files.

Usage: `python -m ntm_edu handouts --out handouts` or `build_handouts("handouts")`.
Not taught in a notebook: this is the instructors' tool (README, "For instructors").
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat

from ntm_edu.editions import EDITIONS, _choices, make_edition

__all__ = [
    "EDITIONS",
    "FORMATS",
    "build_handouts",
    "make_edition",
    "notebook_html",
    "find_pdf_converter",
]

FORMATS = ("ipynb", "html", "pdf")
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
# A relative link to another course notebook (optionally to a heading in it): in HTML it
# must point at that notebook's page.
NOTEBOOK_LINK = re.compile(r"""href=(["'])(\d\d_[\w-]+)\.ipynb(#[^"']*)?\1""")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NAV_MARKER = "<!--ntm-edu-nav-->"
FOOTER_MARKER = "<!--ntm-edu-footer-->"
PDF_TIMEOUT_S = 180
# A system MathJax 2 (Debian: `apt-get install libjs-mathjax fonts-mathjax`) lets PDFs typeset
# their equations offline; HTML pages keep the CDN so they work when copied elsewhere.
LOCAL_MATHJAX = ("/usr/share/javascript/mathjax/MathJax.js", "/usr/share/mathjax/MathJax.js")
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"

HANDOUT_CSS = """
<style type="text/css">
.ntm-nav { font: 14px/1.4 var(--jp-ui-font-family, sans-serif); margin: 8px 0 16px;
  padding: 6px 10px; background: #f3f5f8; border-radius: 4px; display: flex; gap: 16px; }
.ntm-nav .ntm-edition { margin-left: auto; color: #666; }
.ntm-toc { font: 14px/1.5 var(--jp-ui-font-family, sans-serif); margin: 0 0 16px 10px; }
.ntm-toc ul { margin: 2px 0; padding-left: 18px; }
.jp-Cell.celltag_exercise { border-left: 4px solid #e0a800; }
.jp-Cell.celltag_solution { border-left: 4px solid #2a9d4b; }
.jp-Cell.celltag_solution::before { content: "Solution"; color: #2a9d4b; font-weight: bold;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 12px; padding-left: 8px; }
/* Code never runs off the page: long lines wrap (the PDFs cut them at ~76 characters). */
.jp-InputArea-editor pre, .jp-RenderedText pre, .highlight pre {
  white-space: pre-wrap; overflow-wrap: anywhere; }
@media print { .ntm-nav { display: none; }
  .jp-InputArea-editor, .jp-OutputArea-output { overflow: visible !important; } }
</style>
"""

# Our page template: the JupyterLab look, minus require.js and the CDN widget manager (the
# static fallbacks replace live widgets), plus markers where navigation is inserted.
TEMPLATE = (
    "{%- extends 'index.html.j2' -%}\n"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{% block jupyter_widgets %}{% endblock jupyter_widgets %}\n"
    "{% block extra_css %}" + HANDOUT_CSS + "{% endblock extra_css %}\n"
    "{%- block body_header -%}{{ super() }}\n" + NAV_MARKER + "\n{%- endblock body_header -%}\n"
    "{% block body_footer %}" + FOOTER_MARKER + "\n{{ super() }}{% endblock body_footer %}\n"
)
TEMPLATE_NAME = "ntm_edu_handout.html.j2"


# --- arguments -------------------------------------------------------------------------------
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


# --- HTML ------------------------------------------------------------------------------------
class _Headings(HTMLParser):
    """Collects (level, id, text) of the h1-h3 headings nbconvert gave anchors to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self._current: list[Any] | None = None
        self._in_anchor = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("h1", "h2", "h3") and attributes.get("id"):
            self._current = [int(tag[1]), attributes["id"], ""]
        elif tag == "a" and self._current and "anchor-link" in (attributes.get("class") or ""):
            self._in_anchor += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in_anchor:
            self._in_anchor -= 1
        elif self._current and tag == f"h{self._current[0]}":
            level, anchor, text = self._current
            self.headings.append((level, anchor, " ".join(text.split())))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current and not self._in_anchor:
            self._current[2] += data


def _toc(headings: list[tuple[int, str, str]]) -> str:
    """Nested lists of links to the headings (skipping the page title, the first h1)."""
    if headings and headings[0][0] == 1:
        headings = headings[1:]
    if not headings:
        return ""
    top = min(level for level, _, _ in headings)
    parts, depth = ["<nav class='ntm-toc'><b>On this page</b>"], top - 1
    for level, anchor, text in headings:
        level = max(level, top)
        while depth < level:
            parts.append("<ul>")
            depth += 1
        while depth > level:
            parts.append("</ul>")
            depth -= 1
        parts.append(f"<li><a href='#{html.escape(anchor)}'>{html.escape(text)}</a></li>")
    parts.extend(["</ul>"] * (depth - top + 1))
    parts.append("</nav>")
    return "".join(parts)


def _nav(edition: str, previous: tuple[str, str] | None, following: tuple[str, str] | None) -> str:
    def link(target: tuple[str, str] | None, arrow: str) -> str:
        if target is None:
            return "<span></span>"
        href, title = target
        text = f"&larr; {html.escape(title)}" if arrow == "prev" else f"{html.escape(title)} &rarr;"
        return f"<a class='ntm-{arrow}' rel='{arrow}' href='{html.escape(href)}'>{text}</a>"

    return (
        "<nav class='ntm-nav'>"
        + link(previous, "prev")
        + "<a class='ntm-index' href='index.html'>All notebooks</a>"
        + link(following, "next")
        + f"<span class='ntm-edition'>{edition} edition</span></nav>"
    )


def _title(notebook: Any, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return fallback


def notebook_html(
    notebook: Any,
    title: str,
    edition: str,
    previous: tuple[str, str] | None = None,
    following: tuple[str, str] | None = None,
    resources_path: Path | None = None,
    mathjax_url: str | None = None,
) -> str:
    """One handout page: nbconvert's JupyterLab HTML plus contents and previous/next links.

    Args:
        notebook: an edition made by `make_edition` (widget views already replaced).
        title: the page title.
        edition: shown in the navigation bar.
        previous, following: (href, title) of the neighbouring pages, or None.
        resources_path: folder that relative image links in markdown are read from.
        mathjax_url: where the page loads MathJax from (default: nbconvert's CDN URL).

    Returns:
        The HTML page as a string (figures inline; deterministic for a given notebook).
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file=TEMPLATE_NAME,
        extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
        embed_images=True,
        **({"mathjax_url": mathjax_url} if mathjax_url else {}),
    )
    resources = {"metadata": {"name": title, "path": str(resources_path or Path.cwd())}}
    page, _ = exporter.from_notebook_node(notebook, resources=resources)
    parser = _Headings()
    parser.feed(page)
    nav = _nav(edition, previous, following)
    if page.count(NAV_MARKER) != 1 or page.count(FOOTER_MARKER) != 1:
        raise RuntimeError("the handout template's navigation markers are missing")
    page = page.replace(NAV_MARKER, nav + _toc(parser.headings))
    page = NOTEBOOK_LINK.sub(lambda m: f"href={m[1]}{m[2]}.html{m[3] or ''}{m[1]}", page)
    return page.replace(FOOTER_MARKER, nav)


def _index_html(edition: str, entries: list[tuple[str, str, list[str]]]) -> str:
    """The edition's contents page: one row per notebook with links to each format built."""
    rows = []
    for stem, title, formats in entries:
        links = [f"<a href='{html.escape(stem)}.{fmt}'>{fmt}</a>" for fmt in formats]
        main = f"<a href='{html.escape(stem)}.html'>{html.escape(title)}</a>"
        rows.append(
            f"<li><code>{html.escape(stem[:2])}</code> {main}"
            f" <small>({', '.join(links)})</small></li>"
        )
    heading = f"ntm-edu: Neural Turing Machines from scratch ({edition} edition)"
    note = (
        "Solutions are included."
        if edition == "teacher"
        else "Exercises are left for you to solve; the check cells tell you when you are right."
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head><meta charset='utf-8'/>"
        f"<title>{html.escape(heading)}</title>"
        "<style>body{font:16px/1.5 sans-serif;max-width:760px;margin:2em auto;padding:0 1em}"
        "li{margin:4px 0}</style></head>\n<body>\n"
        f"<h1>{html.escape(heading)}</h1>\n<p>{note}</p>\n<ol class='ntm-index'>\n"
        + "\n".join(rows)
        + "\n</ol>\n</body>\n</html>\n"
    )


# --- PDF -------------------------------------------------------------------------------------
def find_pdf_converter() -> tuple[str, str] | None:
    """The first available PDF route: ("chromium", binary), ("webpdf", ""), ("latex", xelatex)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        binary = shutil.which(name)
        if binary:
            return "chromium", binary
    try:
        import playwright  # noqa: F401
    except ImportError:
        pass
    else:
        return "webpdf", ""
    xelatex = shutil.which("xelatex")
    if xelatex:
        return "latex", xelatex
    return None


def _local_mathjax() -> str | None:
    for candidate in LOCAL_MATHJAX:
        if Path(candidate).is_file():
            return Path(candidate).as_uri() + MATHJAX_CONFIG
    return None


def _chromium_pdf(binary: str, page: Path, target: Path) -> None:
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ntm-edu-chromium-") as profile:
        command = [
            binary,
            "--headless",
            "--no-sandbox",  # needed as root (containers, CI); the page is our own file
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=10000",  # let MathJax typeset when it can be fetched
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT_S)
    if not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError("chromium wrote no PDF")


def _pdf(converter: tuple[str, str], notebook: Any, page: Path, target: Path) -> None:
    kind, binary = converter
    if kind == "chromium":
        _chromium_pdf(binary, page, target)
        return
    from nbconvert import PDFExporter, WebPDFExporter

    target.parent.mkdir(parents=True, exist_ok=True)
    exporter = WebPDFExporter() if kind == "webpdf" else PDFExporter()
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": target.stem, "path": str(page.parent)}}
    )
    target.write_bytes(body)


# --- the build -------------------------------------------------------------------------------
def _execute(notebook: Any, folder: Path) -> None:
    from nbconvert.preprocessors import ExecutePreprocessor

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
    local_mathjax = _local_mathjax() if converter and converter[0] == "chromium" else None
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
        sources.append((path, notebook, _title(notebook, path.stem)))

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
                            _pdf(converter, handout, page_file, target)
                    except Exception as error:  # a PDF is a bonus: report, never abort
                        print(f"PDF skipped for {edition}/{stem}: {converter[0]} failed ({error})")
                    else:
                        written.append(target)
                        built.append("pdf")
            entries.append((stem, title, built))
        if "html" in formats:
            written.append(_write(folder / "index.html", _index_html(edition, entries)))
    return written
