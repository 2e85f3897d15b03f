"""Tolerant parsing of a date, a date-time or a month of the year in one cell.

The parsers have the shape of those in `cells`: each takes the raw value a reader delivers and
returns `(value, warning)`, or raises `cells.CellError` with a finding code. A date comes as a
real date, a date-time, an Excel serial number in either date system (ECMA-376 Part 1,
18.17.4.1), or text in the forms officers write (`2024-05-07`, `7/5/2024`, `7 maj 2024`), the
last read with a warning.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from .cells import MAX_TEXT, CellError, Warn, clean, parse_int, timestamp_text

_MONTH_NAMES: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "augusti": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_TIME = r"(?:[ t]([0-9]{1,2})[:.]([0-9]{2})(?:[:.]([0-9]{2})(?:[.,]([0-9]{1,6}))?)?)?"
#: 2024-05-07, 2024/05/07, 2024.05.07, optionally with a time.
_YMD = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})" + _TIME)
#: 20240507
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
#: 07.05.2024, 7/5/2024, 7-5-2024 (day first, as in Sweden), optionally with a time.
_DMY = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})" + _TIME)
#: 7 maj 2024, 7:e maj 2024, den 7 jan. 2024, tisdag 7 maj 2024 (after case folding).
_TEXT_DATE = re.compile(
    r"(?:[a-zåäö]+dag(?:en)?,?\s+)?(?:den\s+)?([0-9]{1,2})(?::[ae]|\.)?\s*"
    r"([a-zåäö]+)\.?,?\s+([0-9]{4})" + _TIME
)

#: Excel serial number limits: 1 = 1900-01-01, 2958465 = 9999-12-31; in the 1904 date system
#: 0 = 1904-01-01 (ECMA-376 Part 1, 18.17.4.1) and 2957003 = 9999-12-31.
_SERIAL_MAX_1900 = 2958465
_SERIAL_MAX_1904 = 2957003
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1900_EARLY = date(1899, 12, 31)
_EPOCH_1904 = date(1904, 1, 1)
#: The first day an Excel date can be (serial 1 of the 1900 date system).
FIRST_EXCEL_DAY = date(1900, 1, 1)
#: Serial 60 is 1900-02-29, a day that never was (kept by Excel for Lotus 1-2-3).
_FAKE_LEAP_DAY = 60


def _serial_date(n: int, date1904: bool) -> date:
    """The date of a whole Excel serial number."""
    if date1904:
        if not 0 <= n <= _SERIAL_MAX_1904:
            raise CellError("invalid-date")
        return _EPOCH_1904 + timedelta(days=n)
    if not 1 <= n <= _SERIAL_MAX_1900 or n == _FAKE_LEAP_DAY:
        raise CellError("invalid-date")
    epoch = _EPOCH_1900 if n > _FAKE_LEAP_DAY else _EPOCH_1900_EARLY
    return epoch + timedelta(days=n)


def _serial_number(v: int | float, date1904: bool) -> tuple[date, float]:
    """The date part and the fraction of a day of an Excel serial number."""
    if isinstance(v, float):
        if not math.isfinite(v):  # the whole part's range is `_serial_date`'s to check
            raise CellError("invalid-date")
        whole = math.floor(v)
        return _serial_date(whole, date1904), v - whole
    return _serial_date(v, date1904), 0.0


def _text_datetime(s: str) -> datetime:
    """A date or date-time written as text, in any of the forms officers use."""
    folded = clean(s).casefold()
    if len(folded) > MAX_TEXT:
        raise CellError("invalid-date")
    clock: tuple[str | None, ...] = (None, None, None, None)
    if m := _YMD.fullmatch(folded):
        year, month, day = m.group(1), m.group(3), m.group(4)
        clock = m.group(5, 6, 7, 8)
    elif m := _COMPACT.fullmatch(folded):
        year, month, day = m.group(1, 2, 3)
    elif m := _DMY.fullmatch(folded):
        day, month, year = m.group(1), m.group(3), m.group(4)
        clock = m.group(5, 6, 7, 8)
    elif (m := _TEXT_DATE.fullmatch(folded)) and m.group(2) in _MONTH_NAMES:
        day, year = m.group(1), m.group(3)
        month = str(_MONTH_NAMES[m.group(2)])
        clock = m.group(4, 5, 6, 7)
    else:
        raise CellError("invalid-date")
    hour, minute, second, fraction = clock
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        raise CellError("invalid-date") from None


def _excel_day(d: date) -> date:
    """A date a reader delivered, if Excel can hold it: one before 1900-01-01 is what a reader
    makes of serial 0 or of a number that is none (`NaN` in a date cell), never a real date."""
    if d < FIRST_EXCEL_DAY:
        raise CellError("invalid-date")
    return d


def parse_date(v: Any, date1904: bool = False) -> tuple[date | None, Warn]:
    """A date from a real date, a date-time, an Excel serial number or text (with a warning)."""
    if v is None:
        return None, None
    if isinstance(v, datetime):
        return _excel_day(v.date()), None
    if isinstance(v, date):
        return _excel_day(v), None
    if isinstance(v, str):
        if not v.strip():
            return None, None
        d = _text_datetime(v).date()
        return d, ("date-as-text", {"parsed": d.isoformat()})
    if isinstance(v, bool):
        raise CellError("invalid-date")
    if isinstance(v, int | float):
        return _serial_number(v, date1904)[0], None
    if isinstance(v, time) and date1904:
        # A serial below 1, which readers give as a time of day: 1904-01-01 in this system.
        return _EPOCH_1904, None
    raise CellError("invalid-date")


def parse_datetime(v: Any, date1904: bool = False) -> tuple[datetime | None, Warn]:
    """A timestamp (of the event log): a date-time, a date (midnight), a serial number or text."""
    if v is None:
        return None, None
    if isinstance(v, datetime):
        _excel_day(v.date())
        return v, None
    if isinstance(v, date):
        d = _excel_day(v)
        return datetime(d.year, d.month, d.day), None
    if isinstance(v, time) and date1904:
        # A serial below 1, which readers give as a time of day: 1904-01-01 in this system.
        return datetime.combine(_EPOCH_1904, v), None
    if isinstance(v, str):
        if not v.strip():
            return None, None
        dt = _text_datetime(v)
        return dt, ("date-as-text", {"parsed": timestamp_text(dt)})
    if isinstance(v, bool):
        raise CellError("invalid-date")
    if isinstance(v, int | float):
        day, fraction = _serial_number(v, date1904)
        try:
            return datetime.combine(day, time()) + timedelta(
                milliseconds=round(fraction * 86_400_000)
            ), None
        except OverflowError:
            raise CellError("invalid-date") from None
    raise CellError("invalid-date")


# ---------------------------------------------------------------------------------------------
# Months of the year


def parse_month(v: Any) -> tuple[int | None, Warn]:
    """A month 1–12 from its Swedish or English name or abbreviation, or its number."""
    if v is None:
        return None, None
    if isinstance(v, str):
        if not v.strip():
            return None, None
        s = clean(v).casefold().rstrip(".")
        if s in _MONTH_NAMES:
            return _MONTH_NAMES[s], None
    if not isinstance(v, bool) and isinstance(v, int | float | str):
        try:
            n, _ = parse_int(v, 1, 12)
        except CellError:
            pass
        else:
            return n, None
    raise CellError("out-of-range", allowed="januari–december (1–12)")
