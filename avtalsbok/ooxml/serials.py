"""Excel's serial dates in both date systems, and the workbook flag that picks the system.

A book counts days from 1899-12-30 (the 1900 system, with Lotus 1-2-3's 29 February 1900 that
never was: serials 1–59 are one day off) or from 1904-01-01 (the 1904 system, serial 0 being
1904-01-01), as `<workbookPr date1904>` says. That attribute is an `xsd:boolean`: white space
around the value is collapsed away, then `true`/`1` mean true and `false`/`0` false (XML Schema
Part 2, 3.2.2 and 4.3.6); `is_true` is the one rule every reader of the flag uses. openpyxl's
`openpyxl.utils.datetime` has the same arithmetic but costs a run openpyxl's import (about
90 ms); the tests hold these functions equal to openpyxl's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_LEAP_BUG_END = datetime(1900, 3, 1)
_FIRST_1900 = datetime(1900, 1, 1)
_DAY_EPOCH_1904 = date(1904, 1, 1)
#: XML's white space, which `xsd:boolean` collapses away.
_XML_SPACE = " \t\r\n"


def first_day(date1904: bool) -> date:
    """The first day a book of this date system can hold."""
    return _DAY_EPOCH_1904 if date1904 else date(1900, 1, 1)


def to_serial(value: date, date1904: bool) -> str:
    """The Excel serial number of a date or a date and time (the wall-clock time is kept), as
    the text a cell's `<v>` holds; ValueError for a day the book cannot show."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None)
    else:
        moment = datetime(value.year, value.month, value.day)
    if date1904:
        delta = moment - _EPOCH_1904
    else:
        if moment < _FIRST_1900:
            raise ValueError(f"Excel cannot hold a date before 1900: {value!r}")
        delta = _since_1900(moment)
    if delta.days < 0:
        raise ValueError(f"Excel cannot hold a date before 1904 in this book: {value!r}")
    seconds = delta.seconds + delta.microseconds / 1_000_000
    if not seconds:
        return str(delta.days)
    return repr(delta.days + seconds / 86_400)


def as_1904(value: date) -> date:
    """The day (and time) that `value`'s serial number in the 1900 system stands for in the
    1904 system: what a reader that took a 1904 book for a 1900 one should have given."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    shifted = _EPOCH_1904 + _since_1900(moment.replace(tzinfo=None))
    return shifted if isinstance(value, datetime) else shifted.date()


def _since_1900(moment: datetime) -> timedelta:
    """A moment's serial number in the 1900 system, as days and a time since its day 0."""
    delta = moment - _EPOCH_1900
    if moment < _LEAP_BUG_END:
        # Excel counts a 29 February 1900 that never was.
        delta -= timedelta(days=1)
    return delta


def is_true(value: str | None) -> bool:
    """An `xsd:boolean` attribute's value (None: absent, which these flags default to false);
    a value outside the type counts as absent."""
    return value is not None and value.strip(_XML_SPACE) in ("true", "1")
