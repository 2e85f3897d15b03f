"""Counts in Swedish text: a number with its noun (or phrase) in the right number, for every
line the buttons, the command line and the batch run show (`1 varning`, `2 varningar`)."""

from __future__ import annotations


def counted(n: int, one: str, many: str) -> str:
    """`1 varning`, `2 varningar`: a count with its noun in the right number. The noun may be a
    phrase whose other words agree with it (`1 avtalsbok har`, `2 avtalsböcker har`)."""
    return f"{n} {one if n == 1 else many}"


def findings_text(errors: int, warnings: int) -> str:
    """`9 fel, 1 varning`."""
    return f"{errors} fel, {counted(warnings, 'varning', 'varningar')}"
