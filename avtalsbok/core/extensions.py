"""The extensions a contract has left, and the latest date it can run to with all of them.

An option written with its base term (`2+1+1`: two years and two extensions of one year) tells
how many extensions are already used: the end date has moved past the base term by them. An
option without a base term (`12 mån`, `2x12 mån`) is taken as what is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import add_months
from .models import Contract

#: How far before the end of a term (base plus extensions) an end date may lie and still count
#: as that term: end dates are often written as the day before, or at a month's end.
_SLACK = timedelta(days=31)


@dataclass(frozen=True)
class ExtensionsLeft:
    """The extensions still to decide on (months each), and the end date with all of them."""

    months: tuple[int, ...]
    max_extent: date | None

    @property
    def text(self) -> str:
        """`2 × 12 mån`, `12 + 6 mån` or `Ingen` as the catalogue shows it."""
        if not self.months:
            return "Ingen"
        if len(set(self.months)) == 1 and len(self.months) > 1:
            return f"{len(self.months)} × {self.months[0]} mån"
        return " + ".join(str(m) for m in self.months) + " mån"


def extensions_left(c: Contract) -> ExtensionsLeft:
    """What `c`'s extension option has left at its current end date."""
    option = c.extension_option
    if option is None or not option.extensions_months or c.end is None:
        return ExtensionsLeft((), c.end)
    months = option.extensions_months
    used = 0
    if option.base_years is not None and c.start is not None:
        term = option.base_years * 12
        for length in months:
            term += length
            try:
                if c.end < add_months(c.start, term) - _SLACK:
                    break
            except OverflowError:
                break
            used += 1
    left = months[used:]
    try:
        return ExtensionsLeft(left, add_months(c.end, sum(left)))
    except OverflowError:
        return ExtensionsLeft(left, None)
