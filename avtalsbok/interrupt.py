"""Ctrl+C and a scheduler's stop: one clean way out for the `avtalsbok` command.

SIGINT (Ctrl+C), SIGTERM (a scheduler or `kill` stopping the run) and, on Windows, SIGBREAK
(Ctrl+Break) all raise `Interrupted` in the main thread, so every `finally` and cleanup on the
way runs: a save in progress removes its temp file and leaves the book as it was. Further
signals are ignored while that cleanup runs. The command then prints one Swedish line and exits
with 128 + the signal's number (130 for Ctrl+C), as shells and schedulers expect.

Batch workers ignore Ctrl+C (`worker_signals`): the parent decides, lets the books being
written finish, and starts no more.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: The line printed when a run is stopped.
MESSAGE = (
    "avtalsbok: avbruten. Ingen arbetsbok lämnades halvskriven: varje bok är antingen "
    "uppdaterad eller som förut."
)

_STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGBREAK") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_code` is what the command exits with."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum


def exit_code(stop: KeyboardInterrupt) -> int:
    """The exit code for a stop: 128 + the signal's number; a plain KeyboardInterrupt is Ctrl+C."""
    return stop.exit_code if isinstance(stop, Interrupted) else 128 + signal.SIGINT


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, a stopping signal raises `Interrupted` (main thread only; elsewhere,
    e.g. under a host application's thread, the block runs with the handlers it has)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.getsignal(signum) for signum in _STOPPING}
    for signum in _STOPPING:
        signal.signal(signum, _stop)
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def worker_signals() -> None:
    """For a batch worker process: Ctrl+C (and Ctrl+Break) reach the whole console and the
    parent handles them; a SIGTERM sent to the worker itself stops it cleanly."""
    for signum in _STOPPING:
        if signum == getattr(signal, "SIGTERM", None):
            signal.signal(signum, _stop)
        else:
            signal.signal(signum, signal.SIG_IGN)


def _stop(signum: int, frame: FrameType | None) -> None:
    for other in _STOPPING:
        signal.signal(other, signal.SIG_IGN)  # let the cleanup finish
    raise Interrupted(signum)
