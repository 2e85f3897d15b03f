"""Rule: how the value of each setting on `Inställningar` is read from its cell. A value that
cannot be used raises `BadValue`; the setting then keeps its default and the officer hears of
it (`settings.parse_settings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import cells, datecells, indexcells


@dataclass(frozen=True)
class Step:
    """One step of the escalation ladder: its number, name and days to the next check."""

    number: int
    name: str
    days: int | None


class BadValue(Exception):
    """A setting value that cannot be used."""


#: `Idag` from Excel's first date to the last one that still has twelve months of plan after it.
_TODAY_RANGE = (date(1900, 1, 1), date(9998, 12, 31))


def day(v: Any) -> date:
    d = datecells.parse_date(v)[0]
    if d is None or not _TODAY_RANGE[0] <= d <= _TODAY_RANGE[1]:
        raise BadValue
    return d


def share(v: Any) -> float:
    """A share in percent: `10`, `10 %`, or a fraction such as 0,1 (a cell formatted as %)."""
    percent = isinstance(v, str) and v.strip().endswith("%")
    n = cells.parse_amount(v.strip().removesuffix("%") if percent else v)[0]
    if n is None:
        raise BadValue
    if n < 1 and not percent:  # below 0 it stays below 0
        n *= 100
    if not 0 <= n <= 100:
        raise BadValue
    return round(n, 4)


def percent(v: Any) -> float:
    """A percentage as written: `2` or `2 %` is 2 % (thresholds below 1 % are common, so a
    fraction is not read as a percent-formatted cell)."""
    n = indexcells.parse_percent(v)[0]
    if n is None:
        raise BadValue
    return n


def whole(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        n = cells.parse_int(v, lo, hi)[0]
        if n is None:
            raise BadValue
        return n

    return parse


def step(number: int) -> Callable[[Any], Step]:
    def parse(v: Any) -> Step:
        text = cells.parse_text(v)[0]
        if not text:
            raise BadValue
        name, _, days_text = text.partition(";")
        name = name.strip()
        if not name:
            raise BadValue
        days = None
        if days_text.strip():
            days = whole(1, 3650)(days_text.strip())
        elif number < 4:
            raise BadValue
        return Step(number, name, days)

    return parse


def name_text(v: Any) -> str:
    """A name: text with at least one letter."""
    text = cells.parse_text(v)[0]
    if not text or not any(ch.isalpha() for ch in text):
        raise BadValue
    return text


def org_number(v: Any) -> str:
    """An organisation's number (a personal identity number is no organisation's)."""
    number, warning = cells.parse_org_number(v)
    if number is None or warning is not None:
        raise BadValue
    return number


#: An OCDS prefix as the Open Contracting Partnership registers them: `ocds-` + 6 characters.
OCID_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")


def ocid_prefix(v: Any) -> str:
    text = (cells.parse_text(v)[0] or "").lower()
    if not OCID_PREFIX.fullmatch(text):
        raise BadValue
    return text


def emails(v: Any) -> tuple[str, ...]:
    text = cells.parse_text(v)[0] or ""
    out = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            email = cells.parse_email(part)[0]
            if email:
                out.append(email)
    return tuple(out)


#: Schemes a help link may have: a web page, nothing that runs or opens a file.
_LINK_SCHEMES = ("https://", "http://")


def link(v: Any) -> str:
    """A web address (`https://intranat.kommun.se/avtal`): one word, starting with http(s)://."""
    text = cells.parse_text(v)[0] or ""
    if (
        not text.lower().startswith(_LINK_SCHEMES)
        or len(text) > 255  # Excel's HYPERLINK takes at most 255 characters
        or any(ch.isspace() or not ch.isprintable() or ch in '"<>' for ch in text)
        or text.lower() in _LINK_SCHEMES
    ):
        raise BadValue
    return text
