"""HTML handout page -> PDF: Chromium if installed, else nbconvert's WebPDF or LaTeX exporters.

If none is installed, the PDFs are skipped with a printed message (`build_handouts`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["find_pdf_converter", "find_local_mathjax", "write_pdf"]

PDF_TIMEOUT_S = 180
# A system MathJax 2 (Debian: `apt-get install libjs-mathjax fonts-mathjax`) lets PDFs typeset
# their equations offline; HTML pages keep the CDN so they work when copied elsewhere.
LOCAL_MATHJAX = ("/usr/share/javascript/mathjax/MathJax.js", "/usr/share/mathjax/MathJax.js")
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"


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


def find_local_mathjax() -> str | None:
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


def write_pdf(converter: tuple[str, str], notebook: Any, page: Path, target: Path) -> None:
    kind, binary = converter
    if kind == "chromium":
        _chromium_pdf(binary, page, target)
        return
    from nbconvert import PDFExporter, WebPDFExporter  # only without Chromium

    target.parent.mkdir(parents=True, exist_ok=True)
    exporter = WebPDFExporter() if kind == "webpdf" else PDFExporter()
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": target.stem, "path": str(page.parent)}}
    )
    target.write_bytes(body)
