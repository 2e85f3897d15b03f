"""Swedish calendar rules for deadlines: business days and month arithmetic (Lag 1930:173).

A deadline counted in months ends on the same day number in the target month, or on that
month's last day when it has no such day. A deadline that falls on a Saturday, a Sunday, a
public holiday, midsummer eve, Christmas eve or New Year's eve moves to the next weekday.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from functools import cache
from importlib import machinery, util
from typing import TYPE_CHECKING

import holidays

if TYPE_CHECKING:
    from holidays.countries.sweden import Sweden


def _load_sweden() -> type[holidays.HolidayBase]:
    """The `holidays` package's Sweden, its module loaded on its own.

    `import holidays.countries.sweden` first runs the package `holidays.countries`, which
    imports every one of its 200-odd countries: more than the rest of the engine takes to load.
    Where the package's layout is not as expected, the normal import is used.
    """
    name = "holidays.countries.sweden"
    module = sys.modules.get(name)
    if module is None:
        folder = os.path.join(os.path.dirname(holidays.__file__), "countries")
        spec = machinery.PathFinder.find_spec(name, [folder])
        if spec is None or spec.loader is None:
            from holidays.countries.sweden import Sweden

            return Sweden
        module = util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    sweden: type[holidays.HolidayBase] = module.Sweden
    return sweden


if not TYPE_CHECKING:
    Sweden = _load_sweden()

_DAY = timedelta(days=1)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _SwedishHolidays(Sweden):
    """The package's Swedish holidays, computed for every year up to 9999.

    The package stops at 2100 by default; open-ended contracts are often given end dates such
    as 2199-12-31 or 9999-12-31, and their deadlines must still skip public holidays. The
    package knows no holidays before 1953; those years only get the three eves added here.
    """

    end_year = 9999


def _midsummer_eve(year: int) -> date:
    """The Friday between 19 and 25 June."""
    june19 = date(year, 6, 19)
    return june19 + timedelta(days=(4 - june19.weekday()) % 7)


@cache
def _named_holidays(year: int) -> tuple[tuple[date, str], ...]:
    days: dict[date, str] = dict(
        _SwedishHolidays(years=year, include_sundays=False, language="sv").items()
    )
    days[_midsummer_eve(year)] = "Midsommarafton"
    days[date(year, 12, 24)] = "Julafton"
    days[date(year, 12, 31)] = "Nyårsafton"
    return tuple(sorted(days.items()))


@cache
def _closed_days(year: int) -> frozenset[date]:
    return frozenset(d for d, _ in _named_holidays(year))


def holidays_for(year: int) -> dict[date, str]:
    """Public holidays of `year` with their Swedish names, plus midsummer, Christmas and
    New Year's eve. Sundays count as non-business days through the weekday rule, not here."""
    return dict(_named_holidays(year))


def is_business_day(d: date) -> bool:
    """Whether `d` is a weekday that is neither a public holiday nor one of the three eves."""
    return d.weekday() < 5 and d not in _closed_days(d.year)


def next_business_day(d: date) -> date:
    """`d` itself if it is a business day, else the first business day after it.

    Raises OverflowError only when no business day is left before 10000-01-01.
    """
    while not is_business_day(d):
        d += _DAY
    return d


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(d: date, months: int) -> date:
    """`d` plus `months` calendar months (negative goes back), by Lag (1930:173): the same day
    number in the target month, or that month's last day when it has no such day.

    Raises OverflowError only when the result would fall outside the years 1–9999.
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(f"{d.isoformat()} plus {months} months is outside the years 1–9999")
    month = month0 + 1
    return date(year, month, min(d.day, _days_in_month(year, month)))


def add_months_business(d: date, months: int) -> date:
    """A deadline `months` months from `d`, moved to the next business day when needed."""
    return next_business_day(add_months(d, months))


def add_days_business(d: date, days: int) -> date:
    """A deadline `days` calendar days from `d`, moved to the next business day when needed."""
    return next_business_day(d + timedelta(days=days))
