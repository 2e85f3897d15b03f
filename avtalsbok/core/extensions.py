"""Rule: a contract's extensions used and left, its latest possible end, and the day a new
procurement must start by.

`Slutdatum` is the current end: the officer moves it when an extension is used and counts the
extension in `Utnyttjade förlängningar`. The extensions left are the option's periods after
the used ones; each is added to the end in turn as Lag (1930:173) 1 § counts months. The
latest end is an end date, not a deadline, so it is not moved to a weekday; the procurement
deadline (latest end − the lead time) is.
"""

from __future__ import annotations

from .calendar import add_months, next_business_day
from .findings import Finding
from .models import Contract
from .settings import Settings
from .state import Term
from .validate import ColumnMap


def _periods(c: Contract) -> tuple[int, ...]:
    """The option's extension periods in months (none without an option)."""
    option = c.extension_option
    return option.extensions_months if option is not None else ()


def term(c: Contract, settings: Settings) -> Term:
    """The contract's extensions left, latest possible end and procurement deadline.

    Extensions left are blank without an option (and 0 when more were used than it has); an
    end outside the years 1–9999 leaves the dates blank.
    """
    periods = _periods(c)
    left = periods[c.extensions_used or 0 :]
    extensions_left = len(left) if periods else None
    if c.end is None:
        return Term(extensions_left, None, None, left)
    try:
        latest = c.end
        for months in left:
            latest = add_months(latest, months)
    except OverflowError:
        return Term(extensions_left, None, None, left)
    try:
        deadline = next_business_day(add_months(latest, -settings.procurement_lead_months))
    except OverflowError:
        return Term(extensions_left, latest, None, left)
    return Term(extensions_left, latest, deadline, left)


def _count(n: int) -> str:
    if n == 0:
        return "ingen förlängning"
    return f"{n} förlängning" if n == 1 else f"{n} förlängningar"


def check_used(contracts: list[Contract], columns: ColumnMap) -> list[Finding]:
    """An error for each contract that has used more extensions than its option has."""
    found = []
    for c in contracts:
        used, periods = c.extensions_used or 0, _periods(c)
        if used > len(periods):
            option = c.extension_option
            found.append(
                columns.at(
                    "extensions_used",
                    c.row,
                    "extensions-exceeded",
                    used,
                    option=f"”{option.text}”" if option is not None else "(tom)",
                    periods=_count(len(periods)),
                )
            )
    return found
