"""Rows of a replaced stretch of a sheet (`WorkbookEditor.replace_sheet_rows`) that are written
over whole, rendered the quick way.

A regenerated sheet (a follow-up plan sorted by date) moves most of its rows by a few places
every day, so on a next-day run nearly every old row is written over by another row's values.
Each cell written over keeps its own format; a cell left without a value keeps only its format;
a cell that only carried a format stays as it is; a new cell takes its column's format. This is
what `SheetModel._render_row` does for such a row; here the cells of a row written the plain way
(`<c r="A1" s="3" …>`, columns in order, no formula, no row format, no extension list) are read
with one pattern and put together without splitting the row a cell at a time. Any other row, or
one with a cell that may hold something and is not written over, is left to `_render_row`.
"""

from __future__ import annotations

import re
from functools import cache

from .cells import CellValue, RowWork
from .refs import column_number
from .sheetxml import SheetXml, bare_row, row_style


@cache
def _plain_cell(prefix: str) -> re.Pattern[str]:
    """A cell's start tag written the plain way (group 1): its column letters (group 2), its
    format when `s` comes right after `r` (group 3), and '/' when the cell closes in itself
    (group 4). A tag with `s` further on does not match, so its row is counted as not plain."""
    p = re.escape(prefix)
    later = r'(?:\s+(?!s\s*=)[\w:.-]+\s*=\s*"[^"]*")*'
    return re.compile(f'(<{p}c r="([A-Z]{{1,3}})\\d+"(?: s="(\\d+)")?{later}\\s*(/?)>)')


def render_overwritten(
    s: SheetXml,
    numbers: list[int],
    targets: dict[int, int | None],
    edits: dict[int, dict[int, CellValue]],
    clear_from: int,
    work: RowWork,
) -> dict[int, str]:
    """The new text of each existing row among `numbers` from `clear_from` down that is written
    the plain way and whose every cell that holds something is written over (see the module);
    the others are left out, for `_render_row`."""
    xml, cell_marker, close = s.xml, s.cell_marker, s.row_close
    ext_marker, f_marker = s.ext_marker, s.f_marker
    tag_starts, tag_ends, ends = s.starts, s.tag_ends, s.ends
    finditer = _plain_cell(s.p).finditer
    rest, cell_open = work.rest, work.cell_open
    columns = _Columns()
    rendered: dict[int, str] = {}
    for number in numbers:
        i = targets[number]
        if i is None or number < clear_from or number in s.missing_r:
            continue
        tag_end, end = tag_ends[i], ends[i] - len(close)
        tag = xml[tag_starts[i] : tag_end]
        if tag.endswith("/>") or (" s=" in tag and row_style(tag) is not None):
            continue
        if xml.find(ext_marker, tag_end, end) >= 0 or xml.find(f_marker, tag_end, end) >= 0:
            continue
        found = list(finditer(xml, tag_end, end))
        if len(found) != xml.count(cell_marker, tag_end, end):
            continue  # a cell not written the plain way, or rich text (`<color`)
        if found and found[0].start() != tag_end:
            continue  # something before the first cell (white space): left to `_render_row`
        row_edits = edits.get(number) or {}
        if None in row_edits.values():
            continue  # a cell cleared by name: left to `_render_row`
        row = str(number)
        cols: list[int] = []
        texts: list[str] = []
        previous = 0
        for k, match in enumerate(found):
            letters, style, closed = match[2], match[3], match[4]
            col = columns[letters]
            if col <= previous:
                break  # columns out of order, or no column at all
            previous = col
            value = row_edits.get(col)
            if value is not None:
                texts.append(cell_open(col) + row + rest(style or None, value))
            elif closed:
                # Only a format, if that: it stays as it is, with what follows it up to the next
                # cell (white space between the cells), as `_render_row` keeps it.
                stop = found[k + 1].start() if k + 1 < len(found) else end
                texts.append(xml[match.start() : stop])
            else:
                break  # a cell that may hold something and is not written over
            cols.append(col)
        else:
            if not row_edits.keys() <= set(cols):
                _add_cells(s, row, row_edits, cols, texts, work)
            rendered[number] = _row_text(tag, cols, texts, number, close, work)
    return rendered


class _Columns(dict[str, int]):
    """Column letters → column number (0 for letters that name no column), each worked out
    once."""

    def __missing__(self, letters: str) -> int:
        col = self[letters] = column_number(letters)
        return col


def _add_cells(
    s: SheetXml,
    row: str,
    row_edits: dict[int, CellValue],
    cols: list[int],
    texts: list[str],
    work: RowWork,
) -> None:
    """Put in, in column order, the cells `row_edits` makes where the row has none: each takes
    its column's format, as Excel gives a cell typed into a row without a format of its own."""
    had = set(cols)
    new = [(col, value) for col, value in sorted(row_edits.items()) if col not in had]
    merged = sorted(
        [
            *zip(cols, texts, strict=True),
            *((c, work.cell(c, row, s.col_style(c), v)) for c, v in new),
        ]
    )
    cols[:] = [col for col, _ in merged]
    texts[:] = [text for _, text in merged]


def _row_text(
    tag: str, cols: list[int], texts: list[str], number: int, close: str, work: RowWork
) -> str:
    if not texts:
        return "" if bare_row(tag) else tag + close
    first, last = cols[0], cols[-1]
    tag = work.row_tag(tag, number, first, last)
    return tag + "".join(texts) + close
