"""Ctrl-C and SIGTERM during training: finish the step, save it, and say what was saved.

Python turns SIGINT (Ctrl-C, Jupyter's "interrupt kernel") into a KeyboardInterrupt wherever
the main thread happens to be, and by default SIGTERM (what a batch scheduler, a closing
terminal or a Binder cull sends) ends the process without running any Python code at all.
Neither suits a training loop: an exception in the middle of ``optimizer.step()`` leaves
half-updated weights and Adam moments, and a SIGTERM loses everything since the last periodic
save. So `train` holds the signals in a `StopOnSignal` while it runs: the first one is only
recorded, the loop finishes its step, saves it and raises `TrainingInterrupted`; a second one
raises at once (for a step that hangs). Afterwards a SIGTERM whose normal action was to end
the process still ends it, once the checkpoint is on disk.

Outside the main thread Python cannot set signal handlers; there `StopOnSignal` does nothing
and a KeyboardInterrupt arrives as it always does (`train` still saves the last completed step).

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = [
    "TERMINATING_SIGNALS",
    "SignalInterrupt",
    "StopOnSignal",
    "TrainingInterrupted",
    "exit_status",
    "raise_interrupt",
    "signal_name",
]

TERMINATING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def signal_name(signum: int) -> str:
    """ "SIGINT", "SIGTERM", ..."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def exit_status(signum: int | None) -> int:
    """The shell's convention for "ended by a signal": 128 + its number (130 for Ctrl-C)."""
    return 128 + int(signum if signum is not None else signal.SIGINT)


class SignalInterrupt(KeyboardInterrupt):
    """A KeyboardInterrupt raised for a signal; `signum` says which (SIGINT, SIGTERM, ...)."""

    def __init__(self, signum: int):
        self.signum = int(signum)
        super().__init__(signal_name(signum))


def raise_interrupt(signum: int, frame: Any) -> None:
    """A signal handler that makes SIGTERM (or any signal) behave like Ctrl-C, naming it."""
    raise SignalInterrupt(signum)


class TrainingInterrupted(KeyboardInterrupt):
    """`train` stopped on a signal or a KeyboardInterrupt; says exactly what was saved.

    A KeyboardInterrupt, so code that catches those (and Jupyter) treats it as one.

    Attributes:
        step: the last completed step, counted over the whole run; the model and History in
            memory hold it.
        checkpoint: the file holding `saved_step`, written by this call; None if none was.
        saved_step: the step that file holds (`step`, unless a second signal stopped a step
            midway and only an earlier periodic save could be kept).
        signum: the signal (None for a KeyboardInterrupt raised by code, e.g. a callback).
    """

    def __init__(
        self,
        step: int,
        checkpoint: Path | None = None,
        saved_step: int | None = None,
        signum: int | None = None,
        checkpoint_path: Path | None = None,
    ):
        self.step, self.checkpoint, self.saved_step, self.signum = (
            step,
            checkpoint,
            saved_step,
            signum,
        )
        cause = f" by {signal_name(signum)}" if signum is not None else ""
        if checkpoint is not None and saved_step == step:
            what = f"checkpoint saved to {checkpoint}"
        elif checkpoint is not None:
            what = f"stopped at once: {checkpoint} holds step {saved_step}, the last save"
        elif step == 0:
            what = "no step had completed, so nothing was saved"
        elif checkpoint_path is None:
            what = "no checkpoint_path was given: the model and History in memory hold it"
        else:
            what = f"stopped at once before any save: nothing was written to {checkpoint_path}"
        super().__init__(f"training interrupted{cause} at step {step}; {what}")


class StopOnSignal:
    """Within ``with``, SIGINT and SIGTERM ask for a stop instead of raising mid-step.

    The first signal sets `signum` and prints one line; the loop polls `requested` between
    steps. A second raises `SignalInterrupt` at once, setting `forced`. Ignored signals
    (SIG_IGN, e.g. in a background shell job) stay ignored; outside the main thread nothing
    is installed. The previous handlers are restored on exit.
    """

    def __init__(self, signals: tuple[int, ...] = TERMINATING_SIGNALS, saves: bool = True):
        self.signals = signals
        self.saves = saves  # only for the message: whether the stop writes a checkpoint
        self.signum: int | None = None
        self.forced = False
        self._previous: dict[int, Any] = {}
        self.restored: dict[int, Any] = {}  # the handlers put back on exit

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def __enter__(self) -> StopOnSignal:
        return self.install()

    def __exit__(self, *exc_info: Any) -> None:
        self.restore()

    def install(self) -> StopOnSignal:
        """Take over the signals (what ``with`` does); returns self."""
        if threading.current_thread() is threading.main_thread():
            for signum in self.signals:
                previous = signal.getsignal(signum)
                if previous in (signal.SIG_IGN, None):  # ignored, or set outside Python
                    continue
                self._previous[signum] = previous
                signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
            again = "Ctrl-C" if signum == signal.SIGINT else signal_name(signum)
            saving = " and saving it" if self.saves else ""
            _say(
                f"\n{signal_name(signum)}: stopping after this step{saving} "
                f"({again} again to stop at once)\n"
            )
            return
        self.forced = True
        raise SignalInterrupt(signum)

    def restore(self) -> None:
        """Put the previous handlers back (what leaving ``with`` does)."""
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self.restored, self._previous = self._previous, {}

    def end_process_if_default(self) -> None:
        """If the recorded signal's previous action was the default one (end the process, as
        SIGTERM's is unless a program sets a handler), re-send it now that the handlers are
        restored: the process ends as it would have, only after its checkpoint was written."""
        if self.signum is None or self.restored.get(self.signum) is not signal.SIG_DFL:
            return
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os.kill(os.getpid(), self.signum)


def _say(text: str) -> None:
    """Write from a signal handler: it may run while the main thread is inside a write to the
    same stream, and a re-entered buffered stream raises RuntimeError; then go to fd 2."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (RuntimeError, OSError, ValueError, AttributeError):
        try:
            os.write(2, text.encode(errors="replace"))
        except OSError:
            pass
