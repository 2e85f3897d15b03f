"""Cell references: `C5` and `A1:C5` as row and column numbers (counted from 1), and back.

One set of rules for every reference the package reads or writes: column letters are one to
three letters up to XFD, rows 1 to 1 048 576; `$` marks and lower case are accepted where a
caller names a cell, never inside a sheet's own XML (Excel writes upper case there). openpyxl's
`openpyxl.utils.cell` knows the same rules, but importing openpyxl costs a run about 90 ms it
otherwise never spends; the tests hold these helpers equal to openpyxl's.
"""

from __future__ import annotations

import re
from functools import cache

MAX_ROW = 1_048_576
MAX_COL = 16_384

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")

#: (first row, first column, last row, last column) of a range of cells.
Bounds = tuple[int, int, int, int]


@cache
def column_letter(col: int) -> str:
    """The letters of column `col` (1 → A, 27 → AA)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def letters_value(letters: str) -> int:
    """The number ASCII column letters of either case stand for (A → 1, aa → 27), even
    beyond the sheet's last column: what a file claims, to be measured before it is refused."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


@cache
def column_number(letters: str) -> int:
    """The column of upper-case column letters, 0 if they name no column."""
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
        return 0
    if not letters.isupper():
        return 0
    col = letters_value(letters)
    return col if col <= MAX_COL else 0


def parse_cell_ref(ref: str) -> tuple[int, int]:
    """(row, column) of a reference like `C5`, `c5` or `$C$5`; ValueError for anything else."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    col = column_number(letters)
    if col and digits and digits[0] != "0" and len(digits) <= 7:
        row = int(digits)
        if row <= MAX_ROW:
            return row, col
    match = _REF.fullmatch(ref.strip())
    if match is None:
        raise ValueError(f"{ref!r} is not a cell reference like C5")
    row, col = int(match[2]), column_number(match[1].upper())
    if not col or row > MAX_ROW:
        raise ValueError(f"{ref!r} is outside the sheet")
    return row, col


def parse_range(ref: str) -> Bounds:
    """(first row, first column, last row, last column) of `A1:C5` or `A1`."""
    first, _, last = ref.partition(":")
    r1, c1 = parse_cell_ref(first)
    r2, c2 = parse_cell_ref(last) if last else (r1, c1)
    return r1, c1, r2, c2


def union(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    """The smallest range holding both (None stands for no range)."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    """`A1:C5`, or `A1` for a single cell."""
    first, last = f"{column_letter(c1)}{r1}", f"{column_letter(c2)}{r2}"
    return first if first == last else f"{first}:{last}"
