"""One notebook -> one self-contained HTML page: navigation, table of contents, links; the index.

Links to another course notebook (`03_addressing.ipynb#...`) point at its page
(`03_addressing.html#...`); code wraps instead of running off a printed page. See the
package docstring for why widget views are replaced by their static fallbacks.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

__all__ = ["index_html", "notebook_html", "notebook_title"]

# A relative link to another course notebook (optionally to a heading in it): in HTML it
# must point at that notebook's page.
NOTEBOOK_LINK = re.compile(r"""href=(["'])(\d\d_[\w-]+)\.ipynb(#[^"']*)?\1""")
NAV_MARKER = "<!--ntm-edu-nav-->"
FOOTER_MARKER = "<!--ntm-edu-footer-->"

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


def notebook_title(notebook: Any, fallback: str) -> str:
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
    # Imported when a page is built: nbconvert takes a quarter of a second to import.
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


def index_html(edition: str, entries: list[tuple[str, str, list[str]]]) -> str:
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
