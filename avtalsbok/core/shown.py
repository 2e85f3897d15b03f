"""Whether a cell already shows what a run would write: equality as the officer sees it.

A run compares each value it would write with the value the reader found in the cell, and
writes only those that differ (issue #14). The rule is exact, on value and type: a date read
from a serial with a date format equals the same date, a number equals the same number whether
it was stored as 1 or 1.0, but `1` does not equal `"1"`, `True` does not equal `1`, and text
that differs in a single space is different. An empty cell, a cell holding only `""` and
`None` (a cleared cell) are the same: nothing shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any


def same_shown(old: Any, new: Any) -> bool:
    """Whether a cell holding `old` (as read) shows what writing `new` would show."""
    if old.__class__ is new.__class__:
        return bool(old == new)
    if _blank(new) and _blank(old):
        return True
    if isinstance(new, bool) or isinstance(old, bool):
        return False  # same class was handled above: a bool equals only a bool
    if isinstance(new, int | float):
        return isinstance(old, int | float) and old == new
    if isinstance(new, date) and isinstance(old, date):
        # A date written into a date-time format reads back as a date-time at midnight, and a
        # date-time at midnight into a date format as a date.
        return _as_datetime(old) == _as_datetime(new)
    return False


def same_rows(
    old: Sequence[Sequence[Any]],
    new: Sequence[Sequence[Any]],
    *,
    ignore: tuple[int, int] | None = None,
) -> bool:
    """Whether a sheet holding `old` (rows from A1 as read) shows what writing the grid `new`
    from A1 would show, the cell at `ignore` (row, column, 0-based) aside, if any. Trailing
    empty cells and rows are nothing: they compare as blanks."""
    for r in range(max(len(old), len(new))):
        old_row = old[r] if r < len(old) else ()
        new_row = new[r] if r < len(new) else ()
        for c in range(max(len(old_row), len(new_row))):
            if (r, c) == ignore:
                continue
            a = old_row[c] if c < len(old_row) else None
            b = new_row[c] if c < len(new_row) else None
            if not same_shown(a, b):
                return False
    return True


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _as_datetime(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
