"""Ctrl-C, SIGTERM and SIGKILL: the last completed step is saved (or the message says nothing
was), a message names a file only if it exists, and a resume is bit-identical.

In-process tests deliver real signals to this process from inside a run (deterministic
moments: before the first step, inside a step's sampling, after a step); subprocess tests send
them from outside to ``python -m ntm_edu`` at moments chosen by the clock or by the files it
writes, and check the same invariants.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from test_training_checkpoints import SETTINGS, fresh, same_weights

from ntm_edu.__main__ import main
from ntm_edu.training import Callback, load_checkpoint, train
from ntm_edu.training.interrupts import TrainingInterrupted, raise_interrupt

TINY = ["--batch-size", "2", "--no-progress"]
ROOT = Path(__file__).resolve().parent.parent


def send(signum: int) -> None:
    os.kill(os.getpid(), signum)


class SignalAt(Callback):
    """Send `signum` (`times` times) to this process at the end of step `step`."""

    def __init__(self, step: int, signum: int = signal.SIGINT, times: int = 1):
        self.step, self.signum, self.times = step, signum, times

    def on_step_end(self, ctx):
        if ctx.step == self.step:
            for _ in range(self.times):
                send(self.signum)


def reference(steps: int):
    model, task = fresh()
    train(model, task, steps, progress=False, **SETTINGS)
    return model


def resume_to(path: Path, steps: int):
    checkpoint = load_checkpoint(path)
    train(
        checkpoint.model,
        checkpoint.task,
        steps - checkpoint.step,
        history=checkpoint.history,
        progress=False,
    )
    return checkpoint.model


@pytest.fixture(autouse=True)
def sigint_as_in_a_terminal():
    """These tests press Ctrl-C as in a terminal. A shell starts background jobs with SIGINT
    ignored, which the code keeps ignored on purpose (interrupts.py), so a test run launched
    as `... &` would see no signal at all: give SIGINT Python's usual handler here."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, previous)


def _sigint_by_default() -> None:
    """Child processes start with SIGINT at its default, as a terminal's foreground job."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def sigterm_raises():
    """SIGTERM raises (as under the CLI) instead of ending pytest, whatever the code does."""
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    yield
    signal.signal(signal.SIGTERM, previous)


class TestInProcess:
    def test_sigint_after_a_step_saves_it_and_resumes_identically(self, tmp_path, capsys):
        path = tmp_path / "run.pt"
        model, task = fresh()
        with pytest.raises(TrainingInterrupted) as info:
            train(model, task, 20, progress=False, checkpoint_path=path, checkpoint_every=4,
                  callbacks=[SignalAt(7)], **SETTINGS)  # fmt: skip
        assert (info.value.step, info.value.saved_step, info.value.checkpoint) == (7, 7, path)
        assert f"checkpoint saved to {path}" in str(info.value)
        assert "stopping after this step" in capsys.readouterr().err
        assert load_checkpoint(path).step == 7
        assert same_weights(resume_to(path, 13), reference(13))
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored

    def test_a_signal_inside_a_step_lets_the_step_finish(self, tmp_path, monkeypatch):
        """Python raises KeyboardInterrupt wherever it is: here, inside a batch's sampling."""
        path = tmp_path / "run.pt"
        model, task = fresh()
        calls = []
        real_sample = type(task).sample

        def sample(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 6:  # step 5's batch (the first call draws the probe batch)
                send(signal.SIGINT)
            return real_sample(self, *args, **kwargs)

        monkeypatch.setattr(type(task), "sample", sample)
        with pytest.raises(TrainingInterrupted) as info:
            train(model, task, 20, progress=False, checkpoint_path=path, **SETTINGS)
        monkeypatch.undo()
        assert info.value.step == 5 and load_checkpoint(path).step == 5
        assert same_weights(resume_to(path, 9), reference(9))

    def test_sigterm_is_a_stop_too(self, tmp_path, sigterm_raises):
        path = tmp_path / "run.pt"
        model, task = fresh()
        with pytest.raises(TrainingInterrupted, match="by SIGTERM at step 3"):
            train(model, task, 20, progress=False, checkpoint_path=path,
                  callbacks=[SignalAt(3, signal.SIGTERM)], **SETTINGS)  # fmt: skip
        assert load_checkpoint(path).step == 3
        assert same_weights(resume_to(path, 6), reference(6))

    def test_a_second_signal_stops_at_once_and_keeps_the_last_save(self, tmp_path):
        path = tmp_path / "run.pt"
        model, task = fresh()
        with pytest.raises(TrainingInterrupted, match=r"holds step 4, the last save") as info:
            train(model, task, 20, progress=False, checkpoint_path=path, checkpoint_every=4,
                  callbacks=[SignalAt(6, times=2)], **SETTINGS)  # fmt: skip
        assert info.value.step == 6 and info.value.saved_step == 4
        assert load_checkpoint(path).step == 4
        assert same_weights(resume_to(path, 9), reference(9))

    def test_before_the_first_step_nothing_is_saved_and_it_says_so(self, tmp_path):
        class AtBegin(Callback):
            def on_train_begin(self, ctx):
                send(signal.SIGINT)

        path = tmp_path / "run.pt"
        model, task = fresh()
        with pytest.raises(TrainingInterrupted, match="no step had completed, so nothing was"):
            train(model, task, 5, progress=False, checkpoint_path=path,
                  callbacks=[AtBegin()], **SETTINGS)  # fmt: skip
        assert not path.exists()

    def test_cli_before_the_first_step(self, tmp_path, monkeypatch, capsys):
        """The message used to say "checkpoint saved to X" although X did not exist."""
        import ntm_edu.training.loop as loop

        real = loop.make_optimizer

        def interrupted_setup(*args, **kwargs):
            send(signal.SIGINT)
            return real(*args, **kwargs)

        monkeypatch.setattr(loop, "make_optimizer", interrupted_setup)
        out = tmp_path / "early.pt"
        assert main(["train", "copy", "--steps", "5", "--out", str(out), *TINY]) == 130
        err = capsys.readouterr().err
        assert not out.exists()
        assert "before the first step completed: nothing was saved" in err
        assert str(out) not in err

    def test_cli_sigterm_mid_run(self, tmp_path, monkeypatch, capsys, sigterm_raises):
        from ntm_edu.tasks.copy import CopyTask

        calls = []
        real_sample = CopyTask._sample

        def sample(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 4:
                send(signal.SIGTERM)
            return real_sample(self, *args, **kwargs)

        monkeypatch.setattr(CopyTask, "_sample", sample)
        out = tmp_path / "term.pt"
        code = main(["train", "copy", "--steps", "50", "--out", str(out), *TINY])
        err = capsys.readouterr().err
        assert code == 143, err
        assert load_checkpoint(out).step == 4
        assert f"interrupted (SIGTERM) at step 4; checkpoint saved to {out} (step 4)" in err


# ------------------------------------------------------------------------ real processes
def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ntm_edu", *args]


def check_truthful(stderr: str, out: Path) -> int | None:
    """The invariants of any interrupted run; returns the step the file holds (None: none)."""
    assert "Traceback" not in stderr, stderr
    if not out.exists():
        assert "nothing was saved" in stderr, stderr
        assert f"saved to {out}" not in stderr, stderr
        return None
    step = load_checkpoint(out).step
    assert f"checkpoint saved to {out} (step {step})" in stderr, stderr
    return step


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_while_starting_up(tmp_path, signum):
    """During the imports (about a second) it gave a bare KeyboardInterrupt traceback."""
    out = tmp_path / "early.pt"
    process = subprocess.Popen(
        cli("train", "copy", "--steps", "500", "--out", str(out), *TINY),
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_sigint_by_default,
    )
    time.sleep(0.4)  # after the interpreter's own start, while torch is being imported
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    check_truthful(stderr, out)
    assert len(stderr.strip().splitlines()) == 1, stderr


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """The CLI's own uninterrupted runs, in-process (same code, same single thread)."""
    folder = tmp_path_factory.mktemp("reference")

    def run(steps: int):
        path = folder / f"ref{steps}.pt"
        if not path.exists():
            assert main(["train", "copy", "--steps", str(steps), "--out", str(path), *TINY]) == 0
        return load_checkpoint(path).model

    return run


@pytest.mark.parametrize(
    "signum",
    [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
    ids=["SIGINT", "SIGTERM", "SIGKILL"],
)
def test_signal_while_training_then_resume_is_identical(tmp_path, signum, reference_run):
    out = tmp_path / "run.pt"
    process = subprocess.Popen(
        cli(
            "train",
            "copy",
            "--steps",
            "100000",
            "--checkpoint-every",
            "1",
            "--out",
            str(out),
            *TINY,
        ),  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_sigint_by_default,
    )
    wait_for(out, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    if signum == signal.SIGKILL:  # no code runs: the last periodic save is what remains
        assert process.returncode == -signal.SIGKILL
        step = load_checkpoint(out).step
    else:
        assert process.returncode == 128 + signum, stderr
        step = check_truthful(stderr, out)
    assert step >= 1
    resumed = subprocess.run(
        cli("train", "copy", "--steps", str(step + 2), "--resume", str(out), *TINY),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert same_weights(load_checkpoint(out).model, reference_run(step + 2))
    assert not list(tmp_path.glob(".*.tmp"))  # a SIGKILL mid-save leaves one: the resume removes it


def test_library_sigterm_saves_then_ends_the_process(tmp_path):
    """Without a handler of its own, a SIGTERM still ends the process, but after the save."""
    path = tmp_path / "lib.pt"
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from test_training_checkpoints import SETTINGS, fresh
from ntm_edu.training import Callback, train
class Term(Callback):
    def on_step_end(self, ctx):
        if ctx.step == 3:
            os.kill(os.getpid(), signal.SIGTERM)
model, task = fresh()
train(model, task, 50, progress=False, checkpoint_path={str(path)!r}, callbacks=[Term()],
      **SETTINGS)
print("not reached")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert "not reached" not in result.stdout
    assert load_checkpoint(path).step == 3


def test_sigkill_during_a_save_leaves_a_temp_file_that_the_next_save_removes(tmp_path):
    path = tmp_path / "killed.pt"
    script = f"""
import os, signal, sys
import torch
sys.path.insert(0, {str(ROOT / "tests")!r})
from test_training_checkpoints import fresh
from ntm_edu.training import save_checkpoint
model, task = fresh()
save_checkpoint({str(path)!r}, model, task)  # a complete previous file
def killed(obj, handle, *args, **kwargs):
    handle.write(b"half a checkpoint")
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)
torch.save = killed
save_checkpoint({str(path)!r}, model, task)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    (leftover,) = tmp_path.glob(".killed.pt.*.tmp")
    assert re.fullmatch(r"\.killed\.pt\.\d+\.\w+\.tmp", leftover.name)
    assert load_checkpoint(path).step == 0  # the previous file is intact
    model, task = fresh()
    from ntm_edu.training import save_checkpoint

    save_checkpoint(path, model, task)
    assert not leftover.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["killed.pt"]
    assert torch.equal(load_checkpoint(path).model.output.bias, model.output.bias)
