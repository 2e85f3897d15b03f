"""Pausing Python's cycle collector while a run builds many objects that it keeps.

Loading the modules of a command, and a run over a book, create objects by the hundred
thousand and free almost none of them before they are done: the cycle collector would walk
them over and over for nothing (a quarter of the time of a 100 000-contract book). Whatever
cycles they leave are collected once the pause ends.

A concern of the process, so it lives at the doors, never in the engine: the command line
pauses for a whole command (`cli.main`), the runner for one book read, evaluated and written
(`runner.process`, also each batch worker's book), the Excel buttons for the evaluation.
`bench/engine.py --collect` shows what the pause buys the engine.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector off for the `with` block, then back as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
