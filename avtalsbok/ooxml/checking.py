"""How a save has each new part checked (see `partcheck`) before the part goes into the book.

The editor hands every part to a `PartChecker` as soon as it is packed and asks for the verdict
before the new file replaces the book. `CheckHere` checks each part at once, in this process; a
caller may give the editor another checker (the workbook layer runs `partcheck` as a helper
process for large saves), which this package never starts on its own.
"""

from __future__ import annotations

from typing import Protocol

from . import partcheck
from .errors import OoxmlError
from .packing import Blob


class PartChecker(Protocol):
    """Checks the parts of one save."""

    def check(self, name: str, blob: Blob) -> None:
        """Take a part as packed (the check may run later, elsewhere)."""

    def result(self) -> None:
        """Raise `OoxmlError` if a part failed its check (or the check could not finish)."""

    def stop(self) -> None:
        """Give up the check (the save failed or is done); never raises."""


def problem_error(problem: partcheck.Problem) -> OoxmlError:
    """The error a part's problem is."""
    code, part, detail = problem
    return OoxmlError(code, part=part, reason=detail)


class CheckHere:
    """Checks each part at once, in this process, and remembers the first problem."""

    def __init__(self) -> None:
        self._problem: partcheck.Problem | None = None

    def check(self, name: str, blob: Blob) -> None:
        if self._problem is None:
            stream = partcheck.pieces(blob.stream)
            self._problem = partcheck.problem(name, stream, blob.method, blob.crc, blob.size)

    def result(self) -> None:
        if self._problem is not None:
            raise problem_error(self._problem)

    def stop(self) -> None:
        pass
