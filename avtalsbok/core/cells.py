"""Tolerant parsing of one cell value as an Excel reader delivers it.

Officers type dates, amounts and yes/no answers in many ways. Every parser takes the raw value
(None, str, int, float, bool, date, datetime, time or timedelta) and returns `(value, warning)`:
the usable value, and a warning `(code, params)` when text had to be interpreted. A value that
cannot be used raises `CellError` with a finding code from `findings.CATALOGUE`; user data never
raises anything else. Blank cells (None, empty or whitespace-only text) give `(None, None)`.

This module holds what every parser shares (the error, the warning, cleaning text) and the
parsers of text, amounts, yes/no, whole numbers, organisation numbers, e-mail addresses and
dropdown choices. Dates and months of the year are in `datecells`, extension options and
months written with their unit in `optioncells`, the price-adjustment cells in `indexcells`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

#: A warning about a value that had to be interpreted: (catalogue code, message params).
Warn = tuple[str, dict[str, Any]] | None


class CellError(Exception):
    """A cell value that cannot be used: a finding code from findings.CATALOGUE + message params."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params


# ---------------------------------------------------------------------------------------------
# Shared text handling

#: Spaces Excel users paste in from web pages and Word: no-break, narrow no-break, thin, figure.
_ODD_SPACES = ("\u00a0", "\u202f", "\u2009", "\u2007")

#: Error values a formula leaves in a cell; never meaningful text.
_EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    }
)


#: Longest text worth trying to read as a date, amount, number or option.
MAX_TEXT = 100


_PLAIN_SPACES = str.maketrans(dict.fromkeys(_ODD_SPACES, " "))
#: Text `parse_text` returns unchanged: no space at either end, no odd space, no leading `#`
#: (which every Excel error value has). Lets callers skip the parser for the common case.
PLAIN_TEXT = re.compile("[^\\s#{0}](?:[^{0}]*[^\\s{0}])?".format("".join(_ODD_SPACES)))
_HAS_ODD_SPACE = re.compile("[" + "".join(_ODD_SPACES) + "]")


def clean(s: str) -> str:
    """Text with odd spaces made plain and the ends stripped."""
    if not s.isascii() and _HAS_ODD_SPACE.search(s):
        s = s.translate(_PLAIN_SPACES)
    return s.strip()


def _number_text(x: float) -> str:
    """A number as Excel shows it in a General cell: no `.0`, at most 15 significant digits."""
    if x.is_integer():
        return str(int(x))
    return format(x, ".15g")


def _swedish_number(x: float) -> str:
    """A non-negative number written the Swedish way: `1 200 000` or `1 200 000,50`."""
    if x.is_integer():
        return f"{int(x):,}".replace(",", " ")
    text = f"{x:,.2f}" if round(x, 2) == x else f"{x:,.6f}".rstrip("0")
    return text.replace(",", " ").replace(".", ",")


def timestamp_text(v: datetime) -> str:
    """A date-time as text: `2025-03-14 09:30`, seconds only when there are any."""
    spec = "minutes" if not (v.second or v.microsecond) else "seconds"
    return v.isoformat(sep=" ", timespec=spec)


# ---------------------------------------------------------------------------------------------
# Text


def parse_text(v: Any) -> tuple[str | None, Warn]:
    """Text as the officer sees it: numbers without `.0`, dates in ISO form, ends stripped."""
    if v is None:
        return None, None
    if type(v) is str:
        s = clean(v)
        if not s:
            return None, None
        if s in _EXCEL_ERRORS:
            raise CellError("invalid-text")
        return s, None
    if isinstance(v, bool | timedelta):
        raise CellError("invalid-text")
    if isinstance(v, int):
        try:
            return str(v), None
        except ValueError:  # more digits than Python turns into text
            raise CellError("invalid-text") from None
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CellError("invalid-text")
        return _number_text(v), None
    if isinstance(v, datetime):
        if v.time() == time():
            return v.date().isoformat(), None
        return timestamp_text(v), None
    if isinstance(v, date):
        return v.isoformat(), None
    if isinstance(v, time):
        return v.isoformat(timespec="minutes" if not v.second else "seconds"), None
    if isinstance(v, str):
        return parse_text(str(v))
    raise CellError("invalid-text")


# ---------------------------------------------------------------------------------------------
# Amounts

#: Unit words after (or before) an amount → multiplier. Keys are lower case without dots.
_AMOUNT_UNITS: dict[str, int] = {
    "": 1,
    "kr": 1,
    "kronor": 1,
    "sek": 1,
    "skr": 1,
    "tkr": 1_000,
    "tsek": 1_000,
    "ksek": 1_000,
    "k": 1_000,
    "tusen": 1_000,
    "tusen kr": 1_000,
    "tusen kronor": 1_000,
    "mkr": 1_000_000,
    "msek": 1_000_000,
    "mnkr": 1_000_000,
    "mn kr": 1_000_000,
    "mn": 1_000_000,
    "milj": 1_000_000,
    "milj kr": 1_000_000,
    "miljon": 1_000_000,
    "miljon kr": 1_000_000,
    "miljoner": 1_000_000,
    "miljoner kr": 1_000_000,
    "miljoner kronor": 1_000_000,
    "mdkr": 1_000_000_000,
    "mdr": 1_000_000_000,
    "mdr kr": 1_000_000_000,
    "miljard": 1_000_000_000,
    "miljarder": 1_000_000_000,
    "miljarder kr": 1_000_000_000,
}

#: `ca 1 200 000 kr/år`, `SEK 1200000`, `1,2 mkr`, `1 200:-`, `1 200,-` (after case folding).
_AMOUNT = re.compile(
    r"(?:(?:ca\.?|cirka|~)\s*)?(?P<currency>sek|kr\.?)?\s*(?P<neg>[-−])?\s*"
    r"(?P<num>[0-9][0-9 .,]*?)\s*(?P<unit>[a-zåäö.]+(?: [a-zåäö.]+)?)?\s*(?:[:,]-)?"
    r"(?:\s*(?:/|per)\s*år)?"
)
_DIGIT_GROUPS = re.compile(r"[0-9]{1,3}(?:(?P<sep>[ .,])[0-9]{3})?(?:(?P=sep)[0-9]{3})*")


def _decimal(num: str, scaled: bool) -> Decimal | None:
    """The number in `num` (digits, spaces, dots and commas), or None if it is ambiguous junk.

    A comma is the Swedish decimal sign. Spaces, and dots in `1.200.000`, group thousands.
    When both a dot and a comma occur the last one is the decimal sign. A single dot before
    exactly three digits groups thousands (`1.200`) unless a unit scales the number (`1.500 mkr`).
    """
    commas, dots = num.count(","), num.count(".")
    if commas and dots:
        decimal_sign = "," if num.rfind(",") > num.rfind(".") else "."
    elif commas == 1:
        decimal_sign = ","
    elif dots == 1:
        head, tail = num.split(".")
        grouping = len(tail) == 3 and len(head) <= 3 and head[0] != "0"
        decimal_sign = "" if grouping and not scaled else "."
    else:
        decimal_sign = ""
    whole, fraction = num, "0"
    if decimal_sign:
        whole, _, fraction = num.rpartition(decimal_sign)
        if not fraction.isdigit():
            return None
    if not _DIGIT_GROUPS.fullmatch(whole) and not whole.isdigit():
        return None
    digits = whole.replace(" ", "").replace(".", "").replace(",", "")
    return Decimal(f"{digits}.{fraction}")


def _amount_from_text(s: str) -> float:
    text = clean(s).casefold()
    m = _AMOUNT.fullmatch(text) if len(text) <= MAX_TEXT else None
    if not m:
        raise CellError("invalid-amount")
    unit = (m["unit"] or "").replace(".", "").strip()
    if unit not in _AMOUNT_UNITS or (m["currency"] and unit not in ("", "kr", "kronor", "sek")):
        raise CellError("invalid-amount")
    multiplier = _AMOUNT_UNITS[unit]
    number = _decimal(m["num"].strip(), multiplier != 1)
    if number is None:
        raise CellError("invalid-amount")
    # At most 100 characters of digits, times at most 10⁹: far below a float's limit, 1.8e308.
    value = float(number * multiplier)
    if m["neg"] and value:
        raise CellError("negative-amount")
    return value


def parse_amount(v: Any) -> tuple[float | None, Warn]:
    """An amount in kronor (≥ 0) from a number, or from Swedish text (with a warning)."""
    if v is None:
        return None, None
    if type(v) is float:
        x = v
    elif isinstance(v, str):
        if not v.strip():
            return None, None
        x = _amount_from_text(v)
        return x, ("amount-as-text", {"parsed": _swedish_number(x)})
    elif isinstance(v, int | float) and not isinstance(v, bool):
        try:
            x = float(v)
        except OverflowError:
            raise CellError("invalid-amount") from None
    else:
        raise CellError("invalid-amount")
    if not math.isfinite(x):
        raise CellError("invalid-amount")
    if x < 0:
        raise CellError("negative-amount")
    return x + 0.0, None


# ---------------------------------------------------------------------------------------------
# Yes/no and whole numbers

_BOOL_WORDS: dict[str, bool] = {
    "ja": True,
    "j": True,
    "yes": True,
    "y": True,
    "x": True,
    "1": True,
    "true": True,
    "sant": True,
    "nej": False,
    "n": False,
    "no": False,
    "0": False,
    "false": False,
    "falskt": False,
}


def parse_bool(v: Any) -> tuple[bool | None, Warn]:
    """Yes or no from Ja/Nej, J/N, Yes/No, Y, X, 1/0, TRUE/FALSE, Sant/Falskt or a real bool."""
    if v is None:
        return None, None
    if isinstance(v, bool):
        return v, None
    if isinstance(v, str):
        s = clean(v).casefold()
        if not s:
            return None, None
        if s in _BOOL_WORDS:
            return _BOOL_WORDS[s], None
        raise CellError("invalid-bool")
    if isinstance(v, int | float) and v in (0, 1):
        return v == 1, None
    raise CellError("invalid-bool")


_INTEGER = re.compile(r"[-+]?[0-9]{1,18}(?:[.,]0+)?")


def _allowed_range(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo}–{hi}"
    return f"minst {lo}" if lo is not None else f"högst {hi}"


def parse_int(v: Any, lo: int | None = None, hi: int | None = None) -> tuple[int | None, Warn]:
    """A whole number from 3, 3.0, "3" or " 3 ", within lo..hi (inclusive) when given."""
    if v is None:
        return None, None
    t = type(v)
    if t is int:
        n = v
    elif isinstance(v, float):
        if not v.is_integer():
            raise CellError("invalid-integer")
        n = int(v)
    elif isinstance(v, str):
        s = clean(v)
        if not s:
            return None, None
        if not _INTEGER.fullmatch(s):
            raise CellError("invalid-integer")
        n = int(s.replace(",", ".").partition(".")[0])
    elif isinstance(v, int) and not isinstance(v, bool):
        n = int(v)
    else:
        raise CellError("invalid-integer")
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        raise CellError("out-of-range", allowed=_allowed_range(lo, hi))
    return n, None


def parse_labelled_int(
    v: Any, labels: Sequence[str], lo: int | None = None, hi: int | None = None
) -> tuple[int | None, Warn]:
    """As `parse_int`, and a dropdown label that starts with its number (`2 Skriftlig varning`,
    matched ignoring case and spaces) is that number."""
    if isinstance(v, str):
        label = _choice_lookup(tuple(labels)).get(_choice_key(v))
        if label is not None:
            return parse_int(label.split(maxsplit=1)[0], lo, hi)
    return parse_int(v, lo, hi)


# ---------------------------------------------------------------------------------------------
# Organisation numbers and e-mail

_ORG_NUMBER = re.compile(r"([0-9]{2})?([0-9]{6})\s*[-+–]?\s*([0-9]{4})")
_CENTURIES = frozenset({"16", "18", "19", "20"})


def luhn_digit(nine_digits: str) -> int:
    """The Luhn check digit of nine digits, as in Swedish organisation and personal numbers."""
    if len(nine_digits) != 9 or not nine_digits.isascii() or not nine_digits.isdigit():
        raise ValueError(f"nine digits expected, got {nine_digits!r}")
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 - i % 2)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def parse_org_number(v: Any) -> tuple[str | None, Warn]:
    """An organisation number as `NNNNNN-NNNN`, with its check digit verified.

    Accepts 10 digits or 12 with a century prefix (16, 18, 19, 20), with or without a dash,
    as text or as a number. A third digit below 2 marks a personal identity number (a sole
    trader): it is returned with a warning.
    """
    if v is None:
        return None, None
    if isinstance(v, str):
        s = clean(v)
        if not s:
            return None, None
    elif isinstance(v, bool):
        raise CellError("invalid-org-number")
    elif isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        n = int(v)
        if not 0 <= n < 10**12:
            raise CellError("invalid-org-number")
        # Excel drops the leading zero of personal numbers born 2000–2009.
        s = str(n).zfill(10) if n >= 10**8 else str(n)
    else:
        raise CellError("invalid-org-number")
    m = _ORG_NUMBER.fullmatch(s) if len(s) <= MAX_TEXT else None
    if not m or (m.group(1) is not None and m.group(1) not in _CENTURIES):
        raise CellError("invalid-org-number")
    digits = m.group(2) + m.group(3)
    if luhn_digit(digits[:9]) != int(digits[9]):
        raise CellError("org-number-checksum")
    number = f"{digits[:6]}-{digits[6:]}"
    if digits[2] < "2":
        return number, ("org-number-personal", {})
    return number, None


_EMAIL = re.compile(
    r"(?P<local>[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*)"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
)


def parse_email(v: Any) -> tuple[str | None, Warn]:
    """An e-mail address, strictly: one plain `name@domain.tld`, nothing around it."""
    if v is None:
        return None, None
    if not isinstance(v, str):
        raise CellError("invalid-email")
    s = clean(v)
    if not s:
        return None, None
    m = _EMAIL.fullmatch(s) if len(s) <= 254 else None
    if not m or len(m["local"]) > 64:
        raise CellError("invalid-email")
    return s, None


# ---------------------------------------------------------------------------------------------
# Choices from a list


def _choice_key(s: str) -> str:
    return "".join(s.casefold().split())


@lru_cache(maxsize=256)
def _choice_lookup(choices: tuple[str, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for choice in choices:
        lookup.setdefault(_choice_key(choice), choice)
    return lookup


def choice_parser(choices: Sequence[str]) -> Callable[[Any], tuple[str | None, Warn]]:
    """`parse_choice` for one fixed list, with a fast path for a value spelled exactly right."""
    options = tuple(choices)
    exact = frozenset(options)

    def parse(v: Any) -> tuple[str | None, Warn]:
        if type(v) is str and v in exact:
            return v, None
        return parse_choice(v, options)

    return parse


def parse_choice(v: Any, choices: Sequence[str]) -> tuple[str | None, Warn]:
    """The canonical spelling of a dropdown value, matched ignoring case and spaces.

    Text outside the list is kept as written, with a warning naming the allowed values.
    """
    s, _ = parse_text(v)
    if s is None:
        return None, None
    options = choices if isinstance(choices, tuple) else tuple(choices)
    canonical = _choice_lookup(options).get(_choice_key(s))
    if canonical is not None:
        return canonical, None
    return s, ("unknown-choice", {"allowed": ", ".join(options)})
