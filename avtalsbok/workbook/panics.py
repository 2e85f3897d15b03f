"""A Rust panic inside a reader library (calamine) as an ordinary, catchable error.

pyo3 raises a panic as `PanicException`, a `BaseException`: an `except Exception` around a
read lets it through, and the command ends in a traceback instead of a message about the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class ReaderPanic(Exception):
    """The reader library gave up on a file it could not make sense of."""


@contextmanager
def panics_as_errors() -> Iterator[None]:
    """Within the block, a panic raises `ReaderPanic`; Ctrl+C and exits pass as they are."""
    try:
        yield
    except (Exception, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        raise ReaderPanic(f"{type(exc).__name__}: {exc}") from exc
