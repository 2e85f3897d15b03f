"""How Excel holds, hands out and takes a cell's value, for the fake of xlwings (`fakexw`):
numbers as float, dates as datetime, error values as empty; typed text read as Excel reads typed
input (a formula, a number or a date unless it starts with an apostrophe); a constant as
`Range.Formula` shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"}
)
_NUMBER = re.compile(r"\s*[-+]?(\d+|\d{1,3}( \d{3})+)([.,]\d+)?([eE][-+]?\d+)?\s*")
_ISO_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}( \d{1,2}:\d{2}(:\d{2})?)?\s*")
_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class Formula:
    """What Excel made of text written without the apostrophe that starts like a formula."""

    text: str


def held(value: Any) -> Any:
    """What Excel holds for a value that is not text: numbers as float, dates as datetime."""
    if value is None or isinstance(value, bool | datetime):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return datetime.combine(date(1899, 12, 30), value)
    raise TypeError(f"no Excel value: {value!r}")


def presented(value: Any) -> Any:
    """A stored cell value (as openpyxl reads it) as Excel hands it to xlwings."""
    if isinstance(value, str):
        return None if value in ERROR_VALUES or value == "" else value
    return held(value)


def typed(value: Any) -> Any:
    """What a cell holds after xlwings writes `value` into it (Excel's reading of typed input)."""
    if not isinstance(value, str):
        return held(value)
    if value.startswith("'"):
        return value[1:] or None
    if value == "":
        return None
    if value[0] in "=+-@":
        return Formula(value)
    if _NUMBER.fullmatch(value):
        return float(value.replace(" ", "").replace(",", "."))
    if _ISO_DATE.fullmatch(value):
        return datetime.fromisoformat(value.strip())
    return value


def letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_cell(ref: str) -> tuple[int, int]:
    match = _A1.fullmatch(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def constant_text(value: Any) -> str:
    """A constant as `Range.Formula` gives it: Excel's own text of the value."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return f"{(value - datetime(1899, 12, 30)).total_seconds() / 86400:.15g}"
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)
