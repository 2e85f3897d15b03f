"""Tolerant parsing of a contract's extension option (`1+1`, `2x12 mån`) and of a number of
months written with its unit (`3 mån`, `1 år`).

The parsers have the shape of those in `cells`: each returns `(value, warning)` or raises
`cells.CellError` with a finding code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .cells import MAX_TEXT, CellError, Warn, clean, parse_int


@dataclass(frozen=True, slots=True)
class ExtensionOption:
    """A contract's extension option: base term in years (when written) and each extension."""

    base_years: int | None
    extensions_months: tuple[int, ...]
    text: str

    @property
    def total_extension_months(self) -> int:
        return sum(self.extensions_months)


_NO_OPTION = frozenset({"ingen", "inga", "nej", "saknas", "-", "–", "—", "0"})
_NUM = r"[0-9]{1,3}(?:[.,][0-9]{1,2})?"
_UNIT = r"år|mån(?:ad(?:er)?)?|mnd"
#: 2x12 mån, 2 x 12 månader, 2×1 år
_OPT_TIMES = re.compile(rf"([0-9]{{1,2}})\s*[x×*]\s*({_NUM})\s*({_UNIT})\.?")
#: 12 mån, 1 år, 1,5 år
_OPT_SINGLE = re.compile(rf"({_NUM})\s*({_UNIT})\.?")
#: 1+1, 2+1+1 år, 2 år + 1 år, 24+12 mån
_OPT_PART = rf"{_NUM}\s*(?:(?:{_UNIT})\.?)?"
_OPT_PLUS = re.compile(rf"{_OPT_PART}(?:\s*\+\s*{_OPT_PART}){{1,10}}")
_OPT_PART_SPLIT = re.compile(rf"({_NUM})\s*(?:({_UNIT})\.?)?")
#: Longest single extension, and most extensions, an option may have.
_MAX_EXTENSION_MONTHS = 120
_MAX_EXTENSIONS = 10


def _months(number: str, unit: str | None) -> int:
    """Whole months of `number` in `unit` (years unless months are written)."""
    amount = Decimal(number.replace(",", ".")) * (1 if unit and unit != "år" else 12)
    if amount != amount.to_integral_value():
        raise CellError("invalid-option")
    return int(amount)


def _extensions(lengths: list[int]) -> tuple[int, ...]:
    if len(lengths) > _MAX_EXTENSIONS or any(n > _MAX_EXTENSION_MONTHS for n in lengths):
        raise CellError("invalid-option")
    return tuple(n for n in lengths if n > 0)


def parse_extension_option(v: Any) -> tuple[ExtensionOption | None, Warn]:
    """An extension option such as `1+1`, `2+1+1`, `12 mån`, `2x12 mån` or `1 år`.

    `Ingen`, `Nej` and `-` mean no option, like a blank cell.
    """
    if v is None:
        return None, None
    if not isinstance(v, str):
        raise CellError("invalid-option")
    text = " ".join(clean(v).split())
    s = text.casefold()
    if not s or s in _NO_OPTION:
        return None, None
    if len(s) > MAX_TEXT:
        raise CellError("invalid-option")
    base_years: int | None = None
    if m := _OPT_TIMES.fullmatch(s):
        count = int(m.group(1))
        extensions = _extensions([_months(m.group(2), m.group(3))] * count)
    elif m := _OPT_SINGLE.fullmatch(s):
        extensions = _extensions([_months(m.group(1), m.group(2))])
    elif _OPT_PLUS.fullmatch(s):
        parts = [p.group(1, 2) for p in _OPT_PART_SPLIT.finditer(s)]
        default_unit = parts[-1][1]
        months = [_months(number, unit or default_unit) for number, unit in parts]
        base_months, lengths = months[0], months[1:]
        base_years = base_months // 12 if base_months % 12 == 0 else None
        extensions = _extensions(lengths)
    else:
        raise CellError("invalid-option")
    if not extensions:
        return None, None
    return ExtensionOption(base_years, extensions, text), None


def parse_months(v: Any, lo: int | None = None, hi: int | None = None) -> tuple[int | None, Warn]:
    """Whole months from a number, or from text with its unit as an option writes one
    (`3 mån`, `3 månader`, `6 mnd`, `1 år`), read with a warning."""
    if isinstance(v, str) and (m := _OPT_SINGLE.fullmatch(" ".join(clean(v).casefold().split()))):
        try:
            months = _months(m.group(1), m.group(2))
        except CellError:
            raise CellError("invalid-integer") from None
        n, _ = parse_int(months, lo, hi)
        return n, ("months-as-text", {"parsed": n})
    return parse_int(v, lo, hi)
