"""Small notebook conveniences: reproducible setup, the package's own source, checked claims.

The package is the single home of the code; notebooks *show* it with `show_source` instead of
pasting copies that could drift from what actually runs. `expect` states what a result
teaches ("the cost fell by more than a quarter") and checks it on every run: a seeded training
run ends on other digits on another CPU, so a notebook's stored output holds the claim, which
is the same everywhere, while the digits are shown in a cell whose output the tests ignore.
"""

from __future__ import annotations

import html
import inspect
import os
import random
import re
import textwrap
from typing import Any

__all__ = ["SourceView", "expect", "show_source", "setup_notebook"]

# show_source's box: light in every theme (Pygments' default style is designed for it).
SOURCE_BACKGROUND = "#f8f8f8"
SOURCE_COLOR = "#1f2328"  # untokenised names would otherwise take a dark theme's light text
CAPTION_COLOR = "#555555"


class SourceView:
    """The source of a package object, rendered highlighted in Jupyter and as plain text elsewhere.

    The plain-text form is the source itself, so stored notebook outputs stay stable and
    readable in diffs.
    """

    def __init__(self, source: str, name: str, path: str):
        self.source = source
        self.name = name
        self.path = path

    def __repr__(self) -> str:
        return f"# {self.path}\n{self.source}"

    def _repr_html_(self) -> str:
        """Highlighted source in a light box of its own (background *and* text colour set),
        so it reads the same in JupyterLab's light and dark themes and in print; every token
        colour of Pygments' default style has a contrast of at least 4.5 on that background."""
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer
        except ImportError:  # pragma: no cover - pygments ships with IPython
            body = f"<pre style=''>{html.escape(self.source)}</pre>"
        else:
            formatter = HtmlFormatter(noclasses=True, style="default", nobackground=True)
            body = highlight(self.source, PythonLexer(), formatter)
        # JupyterLab styles every <pre> and <code> of rendered HTML with the theme's colours
        # (light text in a dark theme): inline styles on them win over those rules.
        body = re.sub(
            r"<pre style=(['\"])",
            lambda m: (
                f"<pre style={m[1]}background:{SOURCE_BACKGROUND};color:{SOURCE_COLOR};"
                "margin:0;white-space:pre-wrap;"
            ),
            body,
            count=1,
        )
        path = html.escape(self.path)
        caption = (
            f"<div style='color:{CAPTION_COLOR};font-size:85%'>from "
            f"<code style='background:transparent;color:inherit'>{path}</code></div>"
        )
        return (
            f"<div class='ntm-edu-source' style='background:{SOURCE_BACKGROUND};"
            f"color:{SOURCE_COLOR};padding:4px 8px;border-radius:3px'>{caption}{body}</div>"
        )


def show_source(obj: Any) -> SourceView:
    """Return the source of a function, class or module of `ntm_edu` for display.

    Example (in a notebook cell)::

        show_source(ntm_edu.model.addressing.shift)
    """
    try:
        source = inspect.getsource(obj)
        path = inspect.getsourcefile(obj) or "?"
    except (TypeError, OSError) as error:
        raise TypeError(f"show_source needs a function, class or module, got {obj!r}") from error
    # Show the path relative to the package so outputs do not depend on the install location.
    marker = os.sep + "ntm_edu" + os.sep
    if marker in path:
        path = "ntm_edu/" + path.split(marker, 1)[1].replace(os.sep, "/")
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", "?"))
    return SourceView(textwrap.dedent(source).rstrip() + "\n", name, path)


def expect(holds: bool, claim: str, detail: str = "") -> None:
    """Print ``✓ claim`` if `holds`, else raise `AssertionError` saying what did not hold.

    A notebook cell states what a trained result teaches, e.g.
    ``expect(last < 0.75 * first, "the cost fell by more than a quarter")``. The printed line
    is the same on every machine, so strict nbval compares it; the exact numbers, which depend
    on the CPU's floating-point rounding, go in a cell tagged ``nbval-ignore-output``.

    Args:
        holds: the result of the comparison (a bool, or a one-element tensor / array).
        claim: the behaviour, in words, as it should read when it holds.
        detail: what was measured, added to the error (e.g. ``f"{first:.1f} -> {last:.1f}"``).
    Raises:
        AssertionError: the claim does not hold on this run.
    """
    if not isinstance(claim, str) or not claim:
        raise TypeError(f"claim must be a non-empty string, got {claim!r}")
    if bool(holds):
        print(f"✓ {claim}")
        return
    measured = f": {detail}" if detail else ""
    raise AssertionError(f"expected {claim}, but it did not hold{measured}")


def setup_notebook(seed: int = 0, threads: int | None = None) -> None:
    """Seed every RNG, cap CPU threads and set plotting defaults: the first cell of each notebook.

    Args:
        seed: seeds Python's `random`, NumPy and PyTorch so stored outputs match a fresh run.
        threads: torch intra-op threads; default 1 (or $NTM_EDU_THREADS) because the course's
            small recurrent models run many tiny ops per step, which extra threads only slow
            down (and Binder gives about one core anyway).
    """
    import matplotlib
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads is None:
        threads = int(os.environ.get("NTM_EDU_THREADS", 1))
    torch.set_num_threads(max(1, threads))
    try:  # a bare `Figure` as a cell's last expression shows as a PNG only with inline plots
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and "ipykernel" in type(shell).__module__:
            shell.run_line_magic("matplotlib", "inline")
    except ImportError:  # plain Python: nothing to display into
        pass
    matplotlib.rcParams.update(
        {
            "figure.dpi": 80,
            "savefig.dpi": 80,
            "font.size": 9,
            "axes.titlesize": 10,
            "image.interpolation": "nearest",
        }
    )
