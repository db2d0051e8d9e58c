"""Checks for the notebooks' exercises.

Each `check_*` runs a student's function on fresh inputs against the package's own
implementation and prints a clear pass or fail with the first mismatch (shape, value or
exception), never the answer itself. One module per notebook, re-exported here.
"""

from ntm_edu.exercises.base import CheckResult, compare

__all__ = ["CheckResult", "compare"]
