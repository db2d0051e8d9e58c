"""`show_source` reads in JupyterLab's light and dark themes: its box sets its own background and
text colour on every element the theme styles, and every colour in it contrasts with that
background (WCAG AA: 4.5)."""

from __future__ import annotations

import re

import pytest

import ntm_edu
from ntm_edu._display import SOURCE_BACKGROUND

COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{3,6})\b")


def _luminance(color: str) -> float:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def page() -> str:
    return ntm_edu.show_source(ntm_edu.model.addressing.address)._repr_html_()


def test_the_box_sets_background_and_text_colour(page):
    assert page.startswith("<div class='ntm-edu-source' style='background:")
    assert page.rstrip().endswith("</div>")
    outer = page[: page.index(">")]
    assert f"background:{SOURCE_BACKGROUND}" in outer and "color:" in outer


def test_themed_elements_carry_their_own_colours(page):
    # JupyterLab gives <pre> and <code> in rendered HTML the theme's background and text
    # colours (light on dark in a dark theme); only inline styles on them win.
    for tag in re.findall(r"<(?:pre|code)\b[^>]*>", page):
        assert "background:" in tag and "color:" in tag, tag


def test_every_colour_contrasts_with_the_background(page):
    colours = set(COLOR.findall(page))
    assert len(colours) >= 5, "highlighted source uses several token colours"
    # Pygments' whitespace tokens (#BBB) colour only spaces: nothing to read.
    low = {c: contrast(c, SOURCE_BACKGROUND) for c in colours if c.upper() not in ("#BBB",)}
    assert min(low.values()) >= 4.5, {c: round(v, 2) for c, v in low.items() if v < 4.5}


def test_plain_repr_is_the_source():
    view = ntm_edu.show_source(ntm_edu.model.addressing.shift)
    assert repr(view).startswith("# ntm_edu/model/addressing.py\ndef shift(")
