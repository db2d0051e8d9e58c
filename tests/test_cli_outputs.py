"""Nothing lost, nothing overwritten unasked: the CLI's output paths, overwrite rules, full
disks and thread count.

Paths are checked before any work starts: each bad case below replaces `train` with a function
that fails the test if it is called, and expects exit status 1 with one line on stderr.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import types

import pytest
import torch

import ntm_edu.training
import ntm_edu.training.loop
import ntm_edu.training.pretrained
from ntm_edu.__main__ import main
from ntm_edu.training import load_checkpoint
from ntm_edu.training.pretrained import PRETRAINED_DIR

TINY = ["--batch-size", "2", "--no-progress", "--checkpoint-every", "2"]


@pytest.fixture
def no_training(monkeypatch):
    """`train` (as the CLI and regenerate_pretrained import it) must not be reached."""

    def refuse(*args, **kwargs):
        raise AssertionError("training started although the output path is unusable")

    monkeypatch.setattr(ntm_edu.training, "train", refuse)
    monkeypatch.setattr(ntm_edu.training.loop, "train", refuse)
    monkeypatch.setattr(ntm_edu.training.pretrained, "train", refuse)


def one_error_line(capsys, *expected: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0], (text, lines[0])
    return lines[0]


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody can write in: a read-only tmpfs as root (who ignores modes), else 0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(folder)],
            capture_output=True,
        )
        if mounted.returncode != 0:
            pytest.skip("root, but cannot mount a read-only tmpfs here")
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


BAD_FILES = {
    "parent is a file": (lambda d: str(d / "afile" / "c.pt"), "is a file, not a folder"),
    "a directory": (lambda d: str(d / "adir"), "is a folder"),
    "empty": (lambda d: "", "the path is empty"),
    "trailing slash": (lambda d: str(d / "new") + "/", "names a folder"),
}


@pytest.fixture
def places(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "adir").mkdir()
    return tmp_path


@pytest.mark.parametrize("case", BAD_FILES)
def test_train_out_is_checked_before_training(case, places, no_training, capsys):
    out, message = BAD_FILES[case]
    assert main(["train", "copy", "--steps", "2", "--out", out(places), *TINY]) == 1
    one_error_line(capsys, "train: error:", "--out", message)


def test_train_out_in_a_read_only_folder(read_only_dir, no_training, capsys):
    out = str(read_only_dir / "run.pt")
    assert main(["train", "copy", "--steps", "2", "--out", out, *TINY]) == 1
    one_error_line(capsys, "cannot write in", str(read_only_dir))


def test_library_train_checks_its_checkpoint_path_first(places):
    from test_training_checkpoints import fresh

    from ntm_edu.training import OutputPathError

    model, task = fresh()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(OutputPathError, match="checkpoint_path.*is a folder"):
        ntm_edu.training.train(model, task, 3, progress=False, checkpoint_path=places / "adir")
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        (lambda d: str(d / "afile"), "is a file, not a folder"),
        (lambda d: str(d / "afile" / "sub"), "is a file, not a folder"),
        (lambda d: "", "the path is empty"),
    ],
)
def test_pretrained_out_dir_is_checked_before_training(places, folder, message, no_training,
                                                       capsys):  # fmt: skip
    argv = ["pretrained", "--only", "copy_ntm", "--max-steps", "1", "--out-dir", folder(places)]
    assert main(argv) == 1
    one_error_line(capsys, "pretrained: error:", message)


def test_pretrained_read_only_out_dir(read_only_dir, no_training, capsys):
    argv = ["pretrained", "--only", "copy_ntm", "--max-steps", "1", "--out-dir"]
    assert main([*argv, str(read_only_dir)]) == 1
    one_error_line(capsys, "cannot write in")


def shipped_state():
    return {p.name: p.stat().st_mtime_ns for p in PRETRAINED_DIR.glob("*.pt*")}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "say where the checkpoints go: --out-dir DIR, or --into-package"),
        (["--into-package"], "--max-steps makes smoke-test files, which never go into the package"),
        (["--out-dir", str(PRETRAINED_DIR)], "say --into-package"),
    ],
)
def test_pretrained_never_writes_into_the_package_unasked(argv, message, no_training, capsys):
    """`pretrained --only copy_ntm --max-steps 2` replaced the shipped copy_ntm.pt."""
    before = shipped_state()
    assert main(["pretrained", "--only", "copy_ntm", "--max-steps", "2", *argv]) == 1
    one_error_line(capsys, message)
    assert shipped_state() == before


def test_pretrained_replaces_files_only_when_asked(tmp_path, capsys, monkeypatch):
    argv = ["pretrained", "--only", "copy_ntm", "--out-dir", str(tmp_path), "--device", "cpu",
            "--no-progress", "--max-steps"]  # fmt: skip
    assert main([*argv, "2"]) == 0
    finished = (tmp_path / "copy_ntm.pt").read_bytes()
    capsys.readouterr()
    assert main([*argv, "1"]) == 1  # a finished file is in the way
    one_error_line(capsys, "copy_ntm.pt (finished)", "--resume", "--overwrite")
    assert (tmp_path / "copy_ntm.pt").read_bytes() == finished
    (tmp_path / "copy_lstm.pt.part").write_bytes(finished)  # an interrupted run's work file
    assert main([*argv, "1", "--only", "copy_lstm"]) == 1
    one_error_line(capsys, "copy_lstm.pt.part (work)")
    (tmp_path / "copy_lstm.pt.part").unlink()
    assert main([*argv, "1", "--overwrite"]) == 0
    assert load_checkpoint(tmp_path / "copy_ntm.pt").step == 1


def test_regenerate_pretrained_needs_a_folder_and_keeps_the_package_out_of_smoke_tests():
    from ntm_edu.training import regenerate_pretrained

    before = shipped_state()
    with pytest.raises(ValueError, match="needs a folder"):
        regenerate_pretrained(["copy_ntm"], max_steps=1)
    with pytest.raises(ValueError, match="max_steps makes smoke-test files"):
        regenerate_pretrained(["copy_ntm"], folder=PRETRAINED_DIR, max_steps=1)
    assert shipped_state() == before


@pytest.fixture
def fake_handouts(monkeypatch):
    calls = []
    fake = types.ModuleType("ntm_edu.handouts")
    fake.build_handouts = lambda out, **kwargs: calls.append(out) or []
    monkeypatch.setitem(sys.modules, "ntm_edu.handouts", fake)
    return calls


def test_handouts_out_is_checked_first(places, read_only_dir, fake_handouts, capsys):
    assert main(["handouts", "--out", str(places / "afile")]) == 1
    one_error_line(capsys, "handouts: error:", "is a file, not a folder")
    assert main(["handouts", "--out", str(read_only_dir / "h")]) == 1
    one_error_line(capsys, "cannot write in")
    assert fake_handouts == []


def test_bad_out_from_the_real_command_line_is_one_line(places):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ntm_edu",
            "train",
            "copy",
            "--steps",
            "2",
            "--out",
            str(places / "adir"),
            *TINY,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"python -m ntm_edu train: error: --out '{places / 'adir'}' is a folder; give a file "
        f"path such as {places / 'adir' / 'run.pt'}"
    ]


# ------------------------------------------------------------------------ overwriting
@pytest.fixture
def previous_run(tmp_path):
    path = tmp_path / "prev_run.pt"
    assert main(["train", "copy", "--steps", "4", "--out", str(path), *TINY]) == 0
    return path


def test_a_finished_checkpoint_is_not_replaced_unasked(previous_run, no_training, capsys):
    """`train copy --steps 1 --out prev_run.pt` overwrote a 20-step run with a 1-step one."""
    data = previous_run.read_bytes()
    capsys.readouterr()
    assert main(["train", "copy", "--steps", "1", "--out", str(previous_run), *TINY]) == 1
    one_error_line(capsys, "already exists", "--overwrite", f"--resume {previous_run}")
    assert previous_run.read_bytes() == data


def test_overwrite_and_resume_replace_it(previous_run, tmp_path):
    argv = ["train", "copy", "--steps", "1", "--out", str(previous_run), *TINY, "--overwrite"]
    assert main(argv) == 0
    assert load_checkpoint(previous_run).step == 1
    assert main(["train", "copy", "--steps", "3", "--resume", str(previous_run), *TINY]) == 0
    assert load_checkpoint(previous_run).step == 3
    other = tmp_path / "other.pt"
    other.write_bytes(previous_run.read_bytes())
    # Resuming one file into another existing one needs --overwrite as well.
    argv = ["train", "copy", "--steps", "5", "--resume", str(previous_run), "--out", str(other)]
    assert main([*argv, *TINY]) == 1


def test_resuming_a_shipped_file_writes_elsewhere(tmp_path, capsys, no_training):
    """`--resume ntm_edu/pretrained/copy_ntm.pt` used to write back over the shipped file."""
    shipped = PRETRAINED_DIR / "copy_ntm.pt"
    before = shipped_state()
    argv = ["train", "copy", "--steps", "6001", "--resume", str(shipped), *TINY]
    assert main(argv) == 1
    one_error_line(capsys, "shipped checkpoint", "--out")
    assert shipped_state() == before


def test_resuming_a_shipped_file_into_out_says_the_optimizer_restarts(tmp_path, capsys):
    shipped = PRETRAINED_DIR / "copy_ntm.pt"
    before = shipped_state()
    out = tmp_path / "mine.pt"
    step = load_checkpoint(shipped).step
    argv = ["train", "copy", "--steps", str(step + 1), "--resume", str(shipped), "--out"]
    assert main([*argv, str(out), *TINY]) == 0
    assert "holds no optimizer state" in capsys.readouterr().out
    assert load_checkpoint(out).step == step + 1
    assert shipped_state() == before


# ------------------------------------------------------------------------ full disks
def failing_writes(monkeypatch, after_bytes: int = 2000):
    """torch.save's writes fail with ENOSPC after `after_bytes`, as on a full disk."""
    real_save = torch.save

    class FullDisk:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, data):
            self.written += len(data)
            if self.written > after_bytes:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self.handle.write(data)

        def flush(self):
            self.handle.flush()

    monkeypatch.setattr(torch, "save", lambda obj, handle: real_save(obj, FullDisk(handle)))


def test_full_disk_leaves_the_previous_file_and_no_temp(previous_run, monkeypatch, capsys):
    data = previous_run.read_bytes()
    capsys.readouterr()
    failing_writes(monkeypatch)
    assert main(["train", "copy", "--steps", "6", "--resume", str(previous_run), *TINY]) == 1
    monkeypatch.undo()
    one_error_line(capsys, "prev_run.pt", "No space left on device", "previous file is unchanged")
    assert previous_run.read_bytes() == data
    assert sorted(p.name for p in previous_run.parent.iterdir()) == ["prev_run.pt"]


def test_full_disk_for_a_new_file(tmp_path, monkeypatch, capsys):
    failing_writes(monkeypatch)
    assert main(["train", "copy", "--steps", "2", "--out", str(tmp_path / "new.pt"), *TINY]) == 1
    monkeypatch.undo()
    one_error_line(capsys, "new.pt", "No space left on device", "no file was written")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (mount)")
def test_real_full_disk(tmp_path):
    """A 4 MB tmpfs: the first checkpoint fits; once the disk is full the resumed one does not."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        run = [sys.executable, "-m", "ntm_edu", "train", "copy", *TINY]
        out = disk / "ntm.pt"
        first = subprocess.run([*run, "--steps", "2", "--out", str(out)], capture_output=True)
        assert first.returncode == 0, first.stderr
        data = out.read_bytes()
        with open(disk / "filler", "wb") as filler, contextlib.suppress(OSError):
            filler.write(b"\0" * (4 * 1024 * 1024))  # fill what is left
        second = subprocess.run(
            [*run, "--steps", "4", "--resume", str(out)], capture_output=True, text=True
        )
        assert second.returncode == 1
        assert "Traceback" not in second.stderr
        assert "No space left on device" in second.stderr
        assert "previous file is unchanged" in second.stderr
        assert out.read_bytes() == data
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "ntm.pt"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)
        shutil.rmtree(disk, ignore_errors=True)


# ------------------------------------------------------------------------ threads
@pytest.fixture
def thread_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    return calls


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("threads") / "tiny.pt"
    assert main(["train", "copy", "--steps", "1", "--out", str(path), *TINY]) == 0
    return str(path)


def test_one_thread_by_default(tiny_file, thread_calls, monkeypatch):
    """On a busy 2-core machine `train copy --steps 20` took 170 s with 2 threads, 5 s with 1."""
    monkeypatch.delenv("NTM_EDU_THREADS", raising=False)
    assert main(["evaluate", tiny_file, "--sequences", "1"]) == 0
    assert thread_calls == [1]


def test_threads_option_and_environment(tiny_file, thread_calls, monkeypatch, capsys):
    monkeypatch.setenv("NTM_EDU_THREADS", "3")
    assert main(["evaluate", tiny_file, "--sequences", "1"]) == 0
    assert main(["evaluate", tiny_file, "--sequences", "1", "--threads", "2"]) == 0
    assert thread_calls == [3, 2]
    monkeypatch.setenv("NTM_EDU_THREADS", "many")
    capsys.readouterr()
    assert main(["evaluate", tiny_file, "--sequences", "1"]) == 1
    one_error_line(capsys, "NTM_EDU_THREADS must be a positive integer")
    with pytest.raises(SystemExit):
        main(["train", "copy", "--threads", "0"])


@pytest.mark.parametrize("command", ["train", "evaluate", "pretrained"])
def test_help_says_one_thread(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--threads" in text and "NTM_EDU_THREADS, else 1" in text
