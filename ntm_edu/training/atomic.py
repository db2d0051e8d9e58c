"""Saving a file so that a crash, a full disk or a kill never leaves half of it.

`atomic_torch_save` writes ``torch.save`` output to a temporary file in the target's folder,
named ``.<name>.<pid>.<random>.tmp``, fsyncs it and renames it over the target: `os.replace`
is atomic, so readers see either the previous file or the complete new one. On an error the
temporary file is removed and the previous file is untouched. Only SIGKILL (or a power cut)
can leave a temporary file behind, since no cleanup runs then; the pid in its name lets the
next save of the same file tell such a leftover (its process is gone) from a save in progress
in another process, and remove it.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

__all__ = ["SaveFailed", "atomic_torch_save"]


class SaveFailed(Exception):
    """A save did not happen; says why and what is left (the caller adds the path)."""


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible (or needed) on every platform.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_WRITING: set[str] = set()  # temp files this process is writing right now


def _temp_owner_gone(temp: Path, target: Path) -> bool:
    """Whether the process that named `temp` (``.<target>.<pid>.<random>.tmp``) is gone."""
    pid_text = temp.name[len(target.name) + 2 :].split(".", 1)[0]
    if not pid_text.isdigit() or int(pid_text) <= 0:
        return True  # not in our naming scheme: an older version's leftover
    pid = int(pid_text)
    if pid == os.getpid():  # ours: stale unless a save in progress (or an earlier life of our
        return str(temp) not in _WRITING  # pid, reused in a fresh container) wrote it
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # exists, but belongs to another user
        return False
    return False


def _remove_stale_temps(path: Path) -> None:
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if _temp_owner_gone(temp, path):
            with contextlib.suppress(OSError):
                temp.unlink()


def _reason(error: BaseException) -> str:
    """The root cause in a few words: torch reports a full disk as "unexpected pos 704 vs 598"
    and chains the OSError ("No space left on device") that caused it."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        seen = seen.__cause__ or seen.__context__
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def atomic_torch_save(obj: Any, path: Path) -> None:
    """torch.save to a temp file in the same folder, fsync, then os.replace over `path`.

    Raises:
        SaveFailed: the file could not be written (the message says why, and whether a
            previous file is left unchanged); no temporary file remains. A KeyboardInterrupt
            mid-save propagates as it is, after the same cleanup.
    """
    folder = path.parent
    existed = path.is_file()
    left = "the previous file is unchanged" if existed else "no file was written"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise SaveFailed(f"not saved ({_reason(error)}); {left}") from error
    _WRITING.add(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(obj, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a checkpoint is an ordinary data file
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(error, Exception):  # not KeyboardInterrupt / SystemExit: those go on
            raise SaveFailed(f"not saved ({_reason(error)}); {left}") from error
        raise
    finally:
        _WRITING.discard(tmp)
    _fsync_folder(folder)
