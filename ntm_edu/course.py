"""Where the course lives online: the repository, its Colab and Binder links, Colab's setup cell.

`REPOSITORY` is the one place that names the GitHub repository (a placeholder, "OWNER/REPO",
until the course is published: change it here, then `make student` rewrites the student
copies; tests/test_student.py checks that the README's badges and table agree).

Colab opens a notebook straight from GitHub (`colab_url`), in a fresh machine that has its own
PyTorch, NumPy, matplotlib, tqdm and ipywidgets (the 7.x line) but not `ntm_edu`. The student
copies therefore start with `colab_setup_source()`: a cell that does nothing outside Colab and
on Colab installs this package *without* its dependencies (reinstalling torch there would
replace the compiled library the running kernel has loaded), then lists Colab links to the
other notebooks, because relative links between notebooks do not resolve on Colab.

Not taught in a notebook: used by `ntm_edu.student` and the README.
"""

from __future__ import annotations

__all__ = [
    "BRANCH",
    "NOTEBOOKS",
    "REPOSITORY",
    "STUDENT_DIR",
    "binder_url",
    "colab_badge",
    "colab_setup_source",
    "colab_url",
    "course_links_html",
    "package_url",
    "show_course_links",
]

REPOSITORY = "OWNER/REPO"  # GitHub "owner/name" of this course: the one place to change it
BRANCH = "main"
STUDENT_DIR = "student"  # the generated student copies, committed so Colab can open them
NOTEBOOKS = (
    "00_welcome",
    "01_sequence_tasks",
    "02_memory",
    "03_addressing",
    "04_ntm",
    "05_training_copy",
    "06_lstm_baseline",
    "07_repeat_copy",
    "08_associative_recall",
    "09_dynamic_ngrams",
    "10_priority_sort",
    "11_results",
)
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
SETUP_TAG = "colab-setup"


def _check_stem(stem: str) -> str:
    if stem not in NOTEBOOKS:
        raise ValueError(f"unknown notebook {stem!r}: choose from {', '.join(NOTEBOOKS)}")
    return stem


def colab_url(stem: str) -> str:
    """The Colab page that opens the student copy of notebook `stem` from GitHub."""
    return (
        f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/"
        f"{STUDENT_DIR}/{_check_stem(stem)}.ipynb"
    )


def binder_url() -> str:
    """mybinder.org, opening the student copies in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/HEAD?urlpath=lab/tree/{STUDENT_DIR}"


def package_url() -> str:
    """What Colab's setup cell installs: an archive of the branch (no git needed)."""
    return f"https://github.com/{REPOSITORY}/archive/refs/heads/{BRANCH}.zip"


def colab_badge(stem: str) -> str:
    """Markdown for the "Open in Colab" badge of notebook `stem`."""
    return f"[![Open in Colab]({COLAB_BADGE})]({colab_url(stem)})"


def colab_setup_source() -> str:
    """The code of the student copies' first code cell (see the module docstring)."""
    return f"""\
# Colab only: install the course package. Elsewhere (make lab, Binder) it is installed already
# and this cell does nothing. --no-deps keeps Colab's own PyTorch, NumPy, matplotlib and
# ipywidgets: reinstalling them would break the libraries the running kernel has loaded.
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "ntm_edu @ {package_url()}"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", package], check=True
    )
    import ntm_edu.course

    ntm_edu.course.show_course_links()  # links between notebooks do not work on Colab
"""


def course_links_html(current: str | None = None) -> str:
    """An HTML list of Colab links to every notebook (`current` in bold, without a link)."""
    items = []
    for stem in NOTEBOOKS:
        if stem == current:
            items.append(f"<b>{stem}</b>")
        else:
            items.append(f"<a href='{colab_url(stem)}' target='_blank'>{stem}</a>")
    return "<div>The course on Colab: " + " · ".join(items) + "</div>"


def show_course_links(current: str | None = None) -> None:
    """Display `course_links_html` in the running notebook (used by Colab's setup cell)."""
    from IPython.display import HTML, display

    display(HTML(course_links_html(current)))
