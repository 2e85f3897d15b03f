"""Swedish wording shared by every message: a count with its noun in the right number (`1
varning`, `2 varningar`), and a value an officer typed between Swedish quotation marks (”AV-1”)."""

from __future__ import annotations


def counted(n: int, one: str, many: str) -> str:
    """`1 varning`, `2 varningar`: a count with its noun in the right number. The noun may be a
    phrase whose other words agree with it (`1 avtalsbok har`, `2 avtalsböcker har`)."""
    return f"{n} {one if n == 1 else many}"


def findings_text(errors: int, warnings: int) -> str:
    """`9 fel, 1 varning`."""
    return f"{errors} fel, {counted(warnings, 'varning', 'varningar')}"


def quoted(value: object) -> str:
    """Text as it was typed, between Swedish quotation marks (”AV-1”); a truth value as Excel
    shows it in Swedish (`SANT`, `FALSKT`); a number as a Swedish cell shows it, a whole one
    without decimals (`-1` for -1.0, `2,5`); a date or nothing as it reads (`2025-03-31`,
    `None`)."""
    if isinstance(value, str):
        return f"”{value}”"
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float) and abs(value) < 1e15:
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)
