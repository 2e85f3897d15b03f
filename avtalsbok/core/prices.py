"""Rule: price adjustments by index — the published values, the next adjustment's date and the
index change by SCB's method.

SCB, "Att räkna med index": new price = old price × I₂ / I₁, and with a share k of the price
tied to the index the change is (I₂ − I₁) / I₁ × k. I₁ is the series' value for the contract's
base month, I₂ its value for the latest month with the same month number before the
adjustment. The officer pastes the published values on the `Index` sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from . import schema
from .calendar import add_months
from .findings import Finding
from .models import Contract, IndexValueRow
from .schedule import ENDED
from .state import NO_PRICE, ContractState, Price, RunContext
from .validate import ColumnMap

_CENT = Decimal("0.01")
#: The plan's activity for a price adjustment is this, then the series in brackets.
ACTIVITY = "Prisjustering"


def month_text(month: date) -> str:
    """A month as the book writes it: `2024-05`."""
    return f"{month.year:04}-{month.month:02}"


def series_key(name: str) -> str:
    """Series names compared without case or spaces (`kpi` is `KPI`)."""
    return "".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Indexes:
    """The `Index` sheet's values: series key → first day of a month → (value, Excel row)."""

    values: dict[str, dict[date, tuple[float, int]]]

    def value(self, series: str, month: date) -> float | None:
        found = self.values.get(series_key(series), {}).get(month)
        return found[0] if found else None


def read_indexes(rows: list[IndexValueRow], columns: ColumnMap) -> tuple[Indexes, list[Finding]]:
    """The index values by series and month; a second, different value for the same series and
    month is an error at its row (the first one is used), the same value twice is no problem."""
    values: dict[str, dict[date, tuple[float, int]]] = {}
    found: list[Finding] = []
    for r in rows:
        if not r.series or r.month is None or r.value is None:
            continue
        months = values.setdefault(series_key(r.series), {})
        first = months.get(r.month)
        if first is None:
            months[r.month] = (r.value, r.row)
        elif first[0] != r.value:
            found.append(
                columns.at(
                    "value",
                    r.row,
                    "index-conflict",
                    r.value,
                    series=r.series,
                    month=month_text(r.month),
                    first=f"{first[0]:g}",
                    other=first[1],
                )
            )
    return Indexes(values), found


def change_fraction(base: float, comparison: float, share: float) -> Decimal:
    """The change (I₂ − I₁) / I₁ × k as an exact fraction; `share` in percent."""
    i1, i2 = Decimal(repr(base)), Decimal(repr(comparison))
    return (i2 - i1) / i1 * Decimal(repr(share)) / 100


def change_percent(base: float, comparison: float, share: float) -> float:
    """`Indexförändring (%)`: the change in percent, rounded half up to two decimals."""
    return float((change_fraction(base, comparison, share) * 100).quantize(_CENT, ROUND_HALF_UP))


def next_adjustment(c: Contract) -> date | None:
    """The first day of `Justeringsmånad` in the first year where it is at least 12 months
    after the later of `Startdatum` and `Senaste prisjustering`; None after `Slutdatum`."""
    anchors = [d for d in (c.start, c.last_price_adjustment) if d is not None]
    if c.price_month is None or not anchors:
        return None
    anchor = max(anchors)
    try:
        earliest = add_months(anchor, 12)
        day = date(earliest.year, c.price_month, 1)
        if day < earliest:
            day = date(earliest.year + 1, c.price_month, 1)
    except (OverflowError, ValueError):
        return None
    if c.end is not None and day > c.end:
        return None
    return day


def comparison_month(base: date, adjustment: date) -> date:
    """The latest month with the base month's number that lies before the adjustment's month."""
    year = adjustment.year if base.month < adjustment.month else adjustment.year - 1
    return date(year, base.month, 1)


def published_by(today: date) -> date:
    """The last month whose index value a book should hold on `today`: the month before last
    (SCB publishes a month's KPI in the middle of the next one)."""
    return add_months(today.replace(day=1), -2)


def price(
    c: Contract, indexes: Indexes, columns: ColumnMap, ctx: RunContext
) -> tuple[Price, list[Finding]]:
    """A contract's next price adjustment and index change, and what keeps them blank: a value
    missing on `Index` is a warning once it should have been published, else only blank."""
    settings = ctx.settings
    series = c.price_index
    if not series or series in schema.NO_PRICE_INDEX:
        return NO_PRICE, []
    found: list[Finding] = []
    if c.price_month is None:
        found.append(columns.at("price_month", c.row, "price-month-missing"))
    next_date = next_adjustment(c)
    share = 100.0 if c.index_share is None else c.index_share
    if 0 < share <= 1:
        found.append(columns.at("index_share", c.row, "index-share-fraction", c.index_share))
    if next_date is None:  # nothing to adjust, nothing to plan
        return NO_PRICE, found
    if c.base_month is None:  # only the date is followed
        return Price(series, next_date, None, False), found
    months = (c.base_month, comparison_month(c.base_month, next_date))
    base, comparison = (indexes.value(series, month) for month in months)
    if base is None or comparison is None:
        due = published_by(ctx.today)
        missing = [
            month_text(m)
            for m, v in zip(months, (base, comparison), strict=True)
            if v is None and m <= due
        ]
        if missing:
            found.append(
                columns.at(
                    "base_month", c.row, "index-missing", series=series, month=" och ".join(missing)
                )
            )
        return Price(series, next_date, None, False), found
    change = change_percent(base, comparison, share)
    threshold = settings.price_threshold if c.price_threshold is None else c.price_threshold
    below = abs(change) < threshold
    if below:
        found.append(
            columns.at(
                "index_change",
                c.row,
                "below-threshold",
                change,
                change=_number(change),
                threshold=_number(threshold),
            )
        )
    return Price(series, next_date, change, below), found


def _number(x: float) -> str:
    """A percentage as a message shows it: `1,59`, `2`."""
    return f"{x:g}".replace(".", ",")


def with_prices(
    states: list[ContractState], indexes: Indexes, columns: ColumnMap, ctx: RunContext
) -> tuple[list[ContractState], list[Finding]]:
    """Each state with its next price adjustment; the findings of those that cannot be
    computed."""
    out, found = [], []
    for s in states:
        p, new = price(s.contract, indexes, columns, ctx)
        found += new
        out.append(s._replace(price=p))
    return out, found


def plan_item(
    state: ContractState, horizon: date, ctx: RunContext
) -> tuple[date, str, str | None] | None:
    """The plan's price adjustment of a contract: (day, `Prisjustering (KPI)`, `Under
    tröskeln` or None for a status by its date) from today to `horizon`; an ended contract
    has none."""
    p = state.price
    if p.next_date is None or not ctx.today <= p.next_date < horizon or state.status == ENDED:
        return None
    status = schema.BELOW_THRESHOLD if p.below_threshold else None
    return p.next_date, f"{ACTIVITY} ({p.series})", status
