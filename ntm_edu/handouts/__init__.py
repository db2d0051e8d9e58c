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

    build.py   build_handouts: which notebooks, which editions and formats, where
    pages.py   one notebook -> one HTML page (navigation, table of contents, links), the index
    pdf.py     HTML page -> PDF (Chromium, else nbconvert's WebPDF or LaTeX exporters)
Not taught in a notebook: this is the instructors' tool (README, "For instructors").
"""

from __future__ import annotations

from ntm_edu.editions import EDITIONS, make_edition
from ntm_edu.handouts.build import FORMATS, build_handouts
from ntm_edu.handouts.pages import notebook_html
from ntm_edu.handouts.pdf import find_pdf_converter

__all__ = [
    "EDITIONS",
    "FORMATS",
    "build_handouts",
    "make_edition",
    "notebook_html",
    "find_pdf_converter",
]
