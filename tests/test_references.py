"""References in the package's docstrings and comments resolve inside the repository.

Docstrings end "Taught in `notebooks/NN_topic`" (the d2l habit of a back-link from code to the
chapter); each must name a notebook that exists. Planning files that live outside the
repository (the design and paper notes) must not be cited: a reader of the package cannot
open them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "ntm_edu").rglob("*.py"))
NOTEBOOK_LINK = re.compile(r"`notebooks/([0-9][0-9]_[a-z_]+)`")
OUTSIDE = re.compile(r"PAPER_NOTES|DESIGN\.md|STYLE\.md|\bshared/")


def notebook_links(text: str) -> list[str]:
    return NOTEBOOK_LINK.findall(text)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_back_links_resolve(path: Path) -> None:
    for name in notebook_links(path.read_text()):
        assert (ROOT / "notebooks" / f"{name}.py").exists(), f"{path.name} cites notebooks/{name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_citations_of_files_outside_the_repository(path: Path) -> None:
    found = OUTSIDE.search(path.read_text())
    assert found is None, f"{path.name} cites {found.group(0)}, which is not in the repository"


def test_the_link_pattern_sees_links() -> None:
    text = "Taught in `notebooks/05_training` and `notebooks/03_addressing`."
    assert notebook_links(text) == ["05_training", "03_addressing"]
    assert OUTSIDE.search("see PAPER_NOTES pitfall 3")
