"""Number cells beyond amounts: of price adjustment, months (`Basmånad`, the `Index` sheet's
`Månad`), percentages (`Andel av index (%)`, `Tröskel (%)`) and index values; and the target
of a goal (the `Mål` sheet's `Mål`).

Each parser has the shape of those in `cells`: it returns (value, warning) and raises
`cells.CellError` with a finding code for a value that cannot be used. A month is returned as
the first day of that month.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from . import datecells
from .cells import CellError, Warn

#: 2024-05, 2024-5, 2024/05, 2024.05, 2024M05 (as SCB writes its months)
_YEAR_MONTH = re.compile(r"([0-9]{4})\s*(?:[-/.]|m)\s*([0-9]{1,2})")
#: maj 2024, maj-2024, Maj 2024
_NAME_YEAR = re.compile(r"([a-zåäö]+)\.?[\s\-/]*([0-9]{4})")
#: 90, 90 %, 87,5 %, 1 234,5 (a space between thousands)
_NUMBER = re.compile(
    r"[-+]?[0-9]{1,3}(?:[ \u00a0]?[0-9]{3})*(?:[.,][0-9]+)?|[-+]?[0-9]+(?:[.,][0-9]+)?"
)


def parse_year_month(v: Any, date1904: bool = False) -> tuple[date | None, Warn]:
    """A month as its first day: from a date (its month), `2024-05`, `maj 2024` or a date as
    text (`2024-05-01`)."""
    text = " ".join(v.split()).casefold() if isinstance(v, str) else ""
    if m := _YEAR_MONTH.fullmatch(text):
        year, month = int(m.group(1)), int(m.group(2))
    elif (m := _NAME_YEAR.fullmatch(text)) and (named := _month_of(m.group(1))):
        year, month = int(m.group(2)), named
    else:  # a date, a serial number, a date as text, or blank
        try:
            d = datecells.parse_date(v, date1904)[0]
        except CellError:
            raise CellError("invalid-month") from None
        return (d and d.replace(day=1)), None
    if not (1 <= month <= 12 and year >= 1):
        raise CellError("invalid-month")
    return date(year, month, 1), None


def _month_of(name: str) -> int | None:
    """The month number of a month's name (None when it is none)."""
    try:
        return datecells.parse_month(name)[0]
    except CellError:
        return None


def _number(v: Any, code: str) -> tuple[float, Warn]:
    """A finite number from a number or from text (`87,5`, `90 %`, with a warning)."""
    if isinstance(v, bool):
        raise CellError(code)
    if isinstance(v, int | float):
        try:
            x = float(v)
        except OverflowError:  # a whole number with hundreds of digits
            raise CellError(code) from None
        if not math.isfinite(x):
            raise CellError(code)
        return x, None
    if not isinstance(v, str):
        raise CellError(code)
    text = v.strip().removesuffix("%").strip()
    if not _NUMBER.fullmatch(text):
        raise CellError(code)
    x = float(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    shown = f"{x:g}".replace(".", ",")
    return x, ("number-as-text", {"parsed": shown})


def parse_percent(v: Any) -> tuple[float | None, Warn]:
    """A percentage 0–100 written as a number (`90` is 90 %), or as text (`90 %`)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, None
    x, warning = _number(v, "invalid-percent")
    if not 0 <= x <= 100:
        raise CellError("out-of-range", allowed="0–100")
    return x + 0.0, warning


def parse_index_value(v: Any) -> tuple[float | None, Warn]:
    """An index value: a positive number (`412,37` as text with a warning)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, None
    x, warning = _number(v, "invalid-index-value")
    if x <= 0:
        raise CellError("invalid-index-value")
    return x, warning


def parse_target(v: Any) -> tuple[float | None, Warn]:
    """A goal's target: a number of zero or more (`95`, `87,5` or `95 %` as text with a
    warning)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, None
    x, warning = _number(v, "invalid-number")
    if x < 0:
        raise CellError("out-of-range", allowed="0 eller mer")
    return x + 0.0, warning
