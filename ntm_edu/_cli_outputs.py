"""Where the command line writes, and what an interrupted command left there, told truthfully.

Two rules from ``ntm_edu.__main__``: a finished checkpoint is replaced only when the user asked
(``--overwrite``, or ``--resume`` of that very file; a shipped file never by ``train``), and a
message names a file only if it exists and says the step it really holds. The second rule is
kept by looking rather than by bookkeeping: `FileState` remembers each output file as it was
before the work started (inode, size, modification time; an atomic save makes a new inode), so
after an interrupt, at whatever moment it came, "written by this run" is a fact read from the
disk, and the step is read back from the file itself.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import NamedTuple

from ntm_edu._paths import check_output_file, inside, same_file
from ntm_edu.training.checkpoints import CheckpointError, load_checkpoint
from ntm_edu.training.interrupts import TrainingInterrupted, signal_name

__all__ = [
    "CommandError",
    "FileState",
    "handouts_interrupt_line",
    "interrupt_line",
    "listing",
    "pretrained_interrupt_line",
    "signal_of",
    "train_output",
]


class CommandError(Exception):
    """A failure to report as ``error: ...`` with exit status 1."""


class FileState(NamedTuple):
    """What a path held at one moment (None fields: nothing there)."""

    inode: int | None
    size: int | None
    mtime_ns: int | None

    @classmethod
    def of(cls, path: Path) -> FileState:
        try:
            st = os.stat(path)
        except OSError:
            return cls(None, None, None)
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


def _written_since(path: Path, before: FileState) -> bool:
    return path.is_file() and FileState.of(path) != before


def _step_in(path: Path) -> str:
    try:
        return str(load_checkpoint(path).step)
    except CheckpointError:
        return "?"


def signal_of(interrupt: BaseException) -> int:
    """The signal behind a KeyboardInterrupt (SIGINT unless it says otherwise)."""
    return getattr(interrupt, "signum", None) or signal.SIGINT


def train_output(
    out: str | None, resume: Path | None, default: str, overwrite: bool, shipped: Path
) -> Path:
    """The file `train` will write, checked: writable, and not a finished file in the way.

    Args:
        out: the --out text (None: not given).
        resume: the --resume file (None: a fresh run).
        default: the file of a fresh run without --out.
        overwrite: whether --overwrite was given.
        shipped: the package's pretrained/ folder, whose files `train` never writes over
            unless named explicitly with --out.
    """
    if out is None and resume is not None and inside(resume, shipped):
        raise CommandError(
            f"{resume} is a shipped checkpoint, which is never written over: give --out FILE "
            "for the continued run"
        )
    path = check_output_file(out if out is not None else (resume or default), "--out")
    continuing = resume is not None and same_file(path, resume)
    if path.exists() and not (continuing or overwrite):
        raise CommandError(
            f"{path} already exists: choose another --out, continue it with --resume {path}, "
            "or replace it with --overwrite"
        )
    return path


def interrupt_line(interrupt: BaseException, out: Path, before: FileState, start: int) -> str:
    """What `train` left after a KeyboardInterrupt, SIGINT or SIGTERM, in one line.

    Args:
        interrupt: the exception (a `TrainingInterrupted` says which steps completed).
        out: the checkpoint file; before: its state when training started.
        start: the step the run started from (0, or the --resume file's).
    """
    name = signal_name(signal_of(interrupt))
    step = interrupt.step if isinstance(interrupt, TrainingInterrupted) else None
    at = f" at step {step}" if step is not None else ""
    if _written_since(out, before):
        saved = getattr(interrupt, "saved_step", None)
        held = saved if saved is not None else _step_in(out)
        return (
            f"interrupted ({name}){at}; checkpoint saved to {out} (step {held}); "
            f"continue with --resume {out}"
        )
    if step is not None and step > start:
        what = f"{at} before a checkpoint was written: nothing was saved"
    elif start == 0:
        what = " before the first step completed: nothing was saved"
    else:
        what = f" before step {start + 1} completed: nothing new was saved"
    kept = f"; {out} is unchanged" if out.is_file() else ""
    return f"interrupted ({name}){what}{kept}"


def pretrained_interrupt_line(interrupt: BaseException, before: dict[Path, FileState]) -> str:
    """What an interrupted `pretrained` left: the files it wrote, with their steps."""
    name = signal_name(signal_of(interrupt))
    written = [
        f"{path} (step {_step_in(path)})" for path in before if _written_since(path, before[path])
    ]
    if not written:
        return f"interrupted ({name}) before a checkpoint was written: nothing was saved"
    return (
        f"interrupted ({name}); written: {', '.join(written)}; run the same command with "
        "--resume to continue"
    )


def listing(folder: Path) -> dict[Path, FileState]:
    """The files under `folder` and their states ({} if it does not exist)."""
    if not folder.is_dir():
        return {}
    return {p: FileState.of(p) for p in folder.rglob("*") if p.is_file()}


def handouts_interrupt_line(
    interrupt: BaseException, folder: Path, before: dict[Path, FileState]
) -> str:
    """What an interrupted `handouts` left (it writes its files one by one)."""
    name = signal_name(signal_of(interrupt))
    if listing(folder) != before:
        return f"interrupted ({name}); the handouts in {folder} are incomplete"
    return f"interrupted ({name}) before a handout was written: nothing was saved"
