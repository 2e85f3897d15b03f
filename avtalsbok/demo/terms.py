"""The demo contracts' life after signing: extensions used, price adjustment terms, and the
`Index` sheet's published values.

Everything here follows from a contract's own drawn values (its order, start, option and index
series), never from the random stream, so adding these columns leaves every other row as it
was. The index values are illustrative series of the right size and trend, not SCB's figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..core import schema
from ..core.calendar import add_months
from ..core.optioncells import parse_extension_option
from .register import Contract

#: The series the demo's contracts use, with an illustrative level in January 2010 and a yearly
#: rise: KPI (1980 = 100), AKI (2008 = 100), NPI (2015 = 100), Byggkostnadsindex (1968 = 100).
SERIES = {
    "KPI": (302.0, 0.021),
    "AKI": (104.0, 0.029),
    "NPI": (92.0, 0.017),
    "Byggkostnadsindex": (1180.0, 0.031),
}
#: The first month on the demo's `Index` sheet.
FIRST_MONTH = date(2010, 1, 1)
#: Index values are published with a lag: the latest month on the sheet is this many months
#: before the reference date's month.
LAG_MONTHS = 2


def extensions_used(c: Contract, today: date) -> float | None:
    """Extensions an older contract has used: 0 to 2 by its order, never more than its
    option has (so some options are exhausted); blank for a contract under a year old."""
    option = parse_extension_option(c.option)[0] if c.option else None
    if option is None or add_months(c.start, 12) > today:
        return None
    return float(min(len(option.extensions_months), c.order % 3))


def _month(c: Contract) -> int | None:
    return schema.MONTHS_SV.index(c.price_month) + 1 if c.price_month else None


def _indexed(c: Contract) -> bool:
    return c.price_index in SERIES and c.price_month is not None


def base_month(c: Contract) -> date | str | None:
    """The month before the start, written as the officers write it: mostly `2024-05`, every
    fifth as a date, every fifth as `maj 2024`."""
    if not _indexed(c):
        return None
    base = add_months(c.start.replace(day=1), -1)
    if c.order % 5 == 0:
        return base
    if c.order % 5 == 1:
        return f"{schema.MONTHS_SV[base.month - 1]} {base.year}"
    return f"{base.year:04}-{base.month:02}"


def index_share(c: Contract) -> float | None:
    """Labour-heavy contracts tied to AKI adjust 85 % of the price; the rest all of it."""
    return 85.0 if _indexed(c) and c.price_index == "AKI" else None


def price_threshold(c: Contract) -> float | None:
    """Every fourth indexed contract does not adjust for a change under 0,5 %."""
    return 0.5 if _indexed(c) and c.order % 4 == 0 else None


def last_price_adjustment(c: Contract, today: date) -> date | None:
    """The latest adjustment made by today (one a year in `Justeringsmånad`, the first at least
    twelve months after the start); every seventh contract has not recorded it."""
    month = _month(c)
    if month is None or c.price_index not in SERIES or c.order % 7 == 3:
        return None
    earliest = add_months(c.start, 12)
    day = date(earliest.year, month, 1)
    if day < earliest:
        day = date(earliest.year + 1, month, 1)
    last = None
    while day <= min(today, c.end):
        last, day = day, date(day.year + 1, month, 1)
    return last


def columns(c: Contract, today: date) -> dict[str, Any]:
    """The contract's new input columns, by column key."""
    return {
        "extensions_used": extensions_used(c, today),
        "base_month": base_month(c),
        "index_share": index_share(c),
        "price_threshold": price_threshold(c),
        "last_price_adjustment": last_price_adjustment(c, today),
    }


def index_rows(today: date) -> list[dict[str, Any]]:
    """The `Index` sheet: each series month by month from 2010 to the latest one published,
    rising by its yearly rate with a small seasonal swing, rounded as SCB rounds (two decimals)."""
    headers = [c.header for c in schema.INDEX_SHEET.columns]
    latest = add_months(today.replace(day=1), -LAG_MONTHS)
    rows = []
    for series, (level, rise) in SERIES.items():
        month, n = FIRST_MONTH, 0
        while month <= latest:
            swing = 0.004 * ((month.month * 7) % 5 - 2) / 2
            value = round(level * (1 + rise) ** (n / 12) * (1 + swing), 2)
            rows.append(dict(zip(headers, (series, f"{month:%Y-%m}", value), strict=True)))
            month, n = add_months(month, 1), n + 1
    return rows
