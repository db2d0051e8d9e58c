"""Output paths checked before the work that fills them: a file or folder we can really write.

A training run that ends in ``IsADirectoryError`` when it saves has lost its work, so the CLI
(`ntm_edu.__main__`), `train(checkpoint_path=...)` and `regenerate_pretrained` check where they
will write *before* they start. The check is a real one: it creates (and removes) a small probe
file in the nearest folder that exists, so a read-only folder or file system, a missing
permission or a path through a file fails here, and nothing is created on success (the save
makes missing folders itself). What it cannot foresee is a disk that fills up later; the atomic
save in `training/checkpoints.py` leaves the previous file intact then.

Only the standard library is used, so the CLI can check its paths before importing torch.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["OutputPathError", "check_output_file", "check_output_folder", "inside", "same_file"]


class OutputPathError(ValueError):
    """An output path that cannot be written; the message names it and says why."""


def _text(path: str | os.PathLike, what: str) -> str:
    text = os.fspath(path)
    if not isinstance(text, str) or not text.strip():
        raise OutputPathError(f"{what}: the path is empty")
    return text


def _probe_folder(folder: Path, what: str, text: str) -> None:
    """Fail unless `folder` exists as a folder we can write, or could be created as one."""
    existing = folder
    while not existing.exists():  # the nearest ancestor that exists decides
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPathError(f"{what} {text!r}: {existing} is a file, not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".ntm_edu-write-test-", dir=existing)
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputPathError(f"{what} {text!r}: cannot write in {existing} ({reason})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def check_output_file(path: str | os.PathLike, what: str = "output file") -> Path:
    """Return `path` as a Path if a file can be written there, else raise OutputPathError.

    The path must not be empty, must not name a folder (an existing one, or one given with a
    trailing slash) or anything but a regular file, and its folder must exist and be writable
    or be creatable. An existing file is fine here: whether it may be replaced is the caller's
    decision.
    """
    text = _text(path, what)
    if text.endswith(("/", os.sep)) or (os.altsep and text.endswith(os.altsep)):
        raise OutputPathError(f"{what} {text!r} names a folder; give a file name inside it")
    file = Path(text)
    if file.is_dir():
        raise OutputPathError(
            f"{what} {text!r} is a folder; give a file path such as {file / 'run.pt'}"
        )
    if file.exists() and not file.is_file():
        raise OutputPathError(f"{what} {text!r} exists and is not a regular file")
    _probe_folder(file.parent, what, text)
    return file


def check_output_folder(path: str | os.PathLike, what: str = "output folder") -> Path:
    """Return `path` as a Path if files can be written in it (now or once it is created)."""
    text = _text(path, what)
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise OutputPathError(f"{what} {text!r} is a file, not a folder")
    _probe_folder(folder, what, text)
    return folder


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (or would, once created)."""
    with contextlib.suppress(OSError):
        return os.path.samefile(a, b)
    return Path(a).resolve() == Path(b).resolve()


def inside(path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """Whether `path` lies in `folder` (either may not exist yet; symlinks resolved)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())
