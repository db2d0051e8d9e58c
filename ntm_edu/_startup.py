"""The first second of ``python -m ntm_edu``: an interrupt then ends it with one line.

Starting the command line imports torch (about a second), and until `ntm_edu.__main__.main`
runs no code of ours could catch a KeyboardInterrupt: Ctrl-C or SIGTERM in that window used
to print a traceback. Nothing has been done or written yet, so the honest answer is to say so
and exit (status 128 + the signal's number). `main` replaces these handlers as it starts.
Only the standard library is imported here: this runs before the package's own imports.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Any

__all__ = ["install_if_command_line"]

PROG = "python -m ntm_edu"


def _started_as_command_line() -> bool:
    # While `python -m ntm_edu` imports the package to find __main__, sys.argv[0] is "-m"
    # (for any other program it is that program's path); the console script is `ntm-edu`.
    argv = getattr(sys, "argv", None) or [""]
    return argv[0] == "-m" or Path(argv[0]).stem == "ntm-edu"


def _exit_quietly(signum: int, frame: Any) -> None:
    name = signal.Signals(signum).name
    message = f"{PROG}: interrupted ({name}) while starting up: nothing was saved\n"
    with contextlib.suppress(OSError):
        os.write(2, message.encode())
    os._exit(128 + signum)  # not SystemExit: it must not run half-imported modules' cleanup


def install_if_command_line() -> None:
    """Install the quiet handlers, but only when this process is the command line."""
    if not _started_as_command_line():
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, _exit_quietly)
