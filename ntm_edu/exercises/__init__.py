"""Checks for the notebooks' exercises.

Each `check_*` runs a student's function on fresh inputs against the package's own
implementation and prints a clear pass or fail with the first mismatch (shape, value or
exception), never the answer itself. One module per notebook, re-exported here.
"""

from ntm_edu.exercises.base import CheckResult, compare

__all__ = ["CheckResult", "compare"]

from ntm_edu.exercises.tasks import *  # noqa: E402,F401,F403
from ntm_edu.exercises.tasks import __all__ as _tasks_all  # noqa: E402

__all__ += list(_tasks_all)

from ntm_edu.exercises.welcome import *  # noqa: E402,F401,F403
from ntm_edu.exercises.welcome import __all__ as _welcome_all  # noqa: E402

__all__ += list(_welcome_all)

from ntm_edu.exercises.memory import *  # noqa: E402,F401,F403
from ntm_edu.exercises.memory import __all__ as _memory_all  # noqa: E402

__all__ += list(_memory_all)

from ntm_edu.exercises.algorithmic import *  # noqa: E402,F401,F403
from ntm_edu.exercises.algorithmic import __all__ as _algorithmic_all  # noqa: E402

__all__ += list(_algorithmic_all)

from ntm_edu.exercises.training import *  # noqa: E402,F401,F403
from ntm_edu.exercises.training import __all__ as _training_all  # noqa: E402

__all__ += list(_training_all)

from ntm_edu.exercises.ngrams import *  # noqa: E402,F401,F403
from ntm_edu.exercises.ngrams import __all__ as _ngrams_all  # noqa: E402

__all__ += list(_ngrams_all)
