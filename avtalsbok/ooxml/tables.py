"""Excel tables (ListObjects) on an edited sheet: a table's range follows the rows written.

A table whose rows are replaced is resized to them (header plus at least one row) and takes the
new header texts as its column names, as Excel requires; a replaced header row that goes on in text
right of the table widens it to those columns (a regenerated sheet that gained a column keeps one
table over all of it); rows appended below a table extend it.
A table with a totals row is left alone: the rows cannot be written without moving it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import OoxmlError
from .refs import column_letter, parse_range, range_ref
from .xmltext import (
    ATTRS,
    attributes,
    element_span,
    escape_attr,
    main_prefix,
    set_attr,
    unescape_name,
)

if TYPE_CHECKING:
    from .cells import CellValue

#: A range written as references are, whatever their size (`A1:XFD1048577` is beyond the sheet).
_REF_SHAPE = re.compile(r"\$?[A-Za-z]+\$?[0-9]+(?::\$?[A-Za-z]+\$?[0-9]+)?")


class Table:
    """An Excel table (ListObject) on an edited sheet: its range follows the rows written."""

    def __init__(self, part: str, xml: str) -> None:
        self.part = part
        self.xml = xml
        self.changed = False
        self.prefix = main_prefix(xml, part)
        span = element_span(xml, self.prefix, "table")
        if span is None:
            raise OoxmlError("table-damaged", part=part)
        attrs = attributes(xml[span[0] : span[1]])
        self.name = attrs.get("displayName") or attrs.get("name") or part
        ref = attrs.get("ref", "A1")
        try:
            self.first_row, self.first_col, self.last_row, self.last_col = parse_range(ref)
        except ValueError as exc:
            if _REF_SHAPE.fullmatch(ref):
                raise OoxmlError("table-outside", table=self.name, part=part, ref=ref) from exc
            raise OoxmlError("table-damaged", part=part) from exc
        try:
            self.header_rows = int(attrs.get("headerRowCount", "1") or 1)
            self.totals_rows = int(attrs.get("totalsRowCount", "0") or 0)
        except ValueError as exc:
            raise OoxmlError("table-damaged", part=part) from exc
        column = re.compile(f"<{re.escape(self.prefix)}tableColumn\\b({ATTRS})>")
        self.columns = [
            unescape_name(attributes(m[1]).get("name", "")) for m in column.finditer(xml)
        ]
        self._renamed: dict[int, str] = {}
        self._added: list[str] = []
        ids = (attributes(m[1]).get("id", "") for m in column.finditer(xml))
        self._last_id = max((int(i) for i in ids if i.isdigit()), default=0)

    def fit_to_replaced_rows(
        self, sheet: str, rows: Sequence[Sequence[CellValue]], first_row: int
    ) -> None:
        if self.last_row < first_row - 1:
            return
        self._refuse_totals(sheet)
        grid_last = first_row + len(rows) - 1
        if self.first_row >= first_row:
            header_at = self.first_row - first_row
            if self.header_rows and header_at >= len(rows):
                raise OoxmlError("table-no-header", table=self.name, sheet=sheet)
            if self.header_rows:
                self._take_headers(sheet, rows[header_at])
        self._set_last_row(max(grid_last, self.first_row + self.header_rows))

    def grow_for_appended_rows(
        self, sheet: str, old_last: int, new_last: int, first_col: int, last_col: int
    ) -> None:
        overlaps = first_col <= self.last_col and last_col >= self.first_col
        if not overlaps or self.first_row > old_last or self.last_row < old_last:
            return
        self._refuse_totals(sheet)
        if new_last > self.last_row:
            self._set_last_row(new_last)

    def render(self) -> str:
        xml, p = self.xml, re.escape(self.prefix)
        span = element_span(xml, self.prefix, "table")
        assert span is not None
        ref = range_ref(self.first_row, self.first_col, self.last_row, self.last_col)
        out = xml[: span[0]] + set_attr(xml[span[0] : span[1]], "ref", ref)
        rest = xml[span[1] :]
        data_first = self.first_row + self.header_rows
        for name, first in (("autoFilter", self.first_row), ("sortState", data_first)):
            span = element_span(rest, self.prefix, name)
            if span is not None:
                tag = self._shift(rest[span[0] : span[1]], first, name == "autoFilter")
                rest = rest[: span[0]] + tag + rest[span[1] :]
        if self._added:
            rest = self._with_added_columns(rest)
        if self._renamed:
            column = re.compile(f"<{p}tableColumn\\b({ATTRS})>")
            counter = iter(range(len(self.columns)))

            def rename(match: re.Match[str]) -> str:
                k = next(counter)
                new = self._renamed.get(k)
                return match[0] if new is None else set_attr(match[0], "name", escape_attr(new))

            rest = column.sub(rename, rest)
        return out + rest

    def _shift(self, tag: str, first_row: int, whole_width: bool) -> str:
        ref = attributes(tag).get("ref")
        if not ref:
            return tag
        _, c1, _, c2 = parse_range(ref)
        if whole_width:
            c1, c2 = self.first_col, self.last_col
        return set_attr(tag, "ref", range_ref(first_row, c1, max(self.last_row, first_row), c2))

    def _with_added_columns(self, rest: str) -> str:
        """`<tableColumns>` with the columns the header row gained, each with a fresh id."""
        span = element_span(rest, self.prefix, "tableColumns")
        if span is None or span[1] == span[2]:
            raise OoxmlError("table-damaged", part=self.part)
        close = rest.rfind("<", span[0], span[2])
        new = "".join(
            f'<{self.prefix}tableColumn id="{self._last_id + k}" name="{escape_attr(name)}"/>'
            for k, name in enumerate(self._added, start=1)
        )
        start = set_attr(rest[span[0] : span[1]], "count", str(len(self.columns)))
        return rest[: span[0]] + start + rest[span[1] : close] + new + rest[close:]

    def _set_last_row(self, last_row: int) -> None:
        if last_row != self.last_row:
            self.last_row = last_row
            self.changed = True

    def _refuse_totals(self, sheet: str) -> None:
        if self.totals_rows:
            raise OoxmlError("table-totals-row", table=self.name, sheet=sheet)

    def _take_headers(self, sheet: str, header: Sequence[CellValue]) -> None:
        """Excel requires a table's column names to be its header cells: keep them equal."""
        names = list(self.columns)
        renamed: dict[int, str] = {}
        for k in range(len(names)):
            col = self.first_col + k
            value = header[col - 1] if col - 1 < len(header) else None
            if not isinstance(value, str) or not value.strip():
                raise OoxmlError(
                    "table-header-not-text",
                    cell=f"{column_letter(col)}{self.first_row}",
                    table=self.name,
                    sheet=sheet,
                )
            if value != names[k]:
                names[k] = renamed[k] = value
        added = []
        for value in header[self.last_col :]:
            if not isinstance(value, str) or not value.strip():
                break
            added.append(value)
        names += added
        if len({n.casefold() for n in names}) != len(names):
            raise OoxmlError("table-duplicate-headers", table=self.name, sheet=sheet)
        if added:
            self._added += added
            self.last_col += len(added)
            self.columns = names
            self.changed = True
        if renamed:
            self._renamed.update(renamed)
            self.columns = names
            self.changed = True
