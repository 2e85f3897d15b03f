"""One worksheet with the edits made to it, spliced together into its new XML on save.

The sheet's XML (`SheetXml`) is read when the sheet is first needed and let go once a save has
written it (a book's large sheets need not all be in memory at once). A save copies untouched
stretches of rows as they are; in a row that changes, the cells before the first edited column
are copied as one piece and only the cells from there on are looked at. A formula that spans
cells (an array formula, a shared formula's master) is never half overwritten.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from .cells import CellValue, RowWork
from .condformat import EqualsRule, added_formats
from .errors import OoxmlError
from .overwrite import render_overwritten
from .packing import Packer
from .refs import MAX_COL, column_letter, parse_range, range_ref, union
from .sheetxml import SheetXml, bare_row, row_style
from .styles import Styles
from .tables import Table
from .workbookxml import SheetEntry
from .xmltext import attributes, element_span, set_attr

#: Rows rendered together (see `SheetModel._render_plain`); their new text is held meanwhile.
_BATCH_ROWS = 1000


class SheetModel:
    """One worksheet's XML with the edits made to it, spliced together on save.

    The XML is read, and the rows of `<sheetData>` indexed by number, when the sheet is first
    needed; once a save has written the sheet they are let go (a book's large sheets need not
    all be in memory at once). A save copies untouched stretches of rows as they are; in a row
    that changes, the cells before the first edited column are copied as one piece and only the
    cells from there on are looked at.
    """

    def __init__(
        self, entry: SheetEntry, load: Callable[[], str], tables: list[Table], together: bool
    ) -> None:
        """`together`: render the rows that only gain cells together (`_render_plain`), and
        the rows of a replaced stretch that are written over whole the quick way
        (`overwrite`)."""
        self.entry = entry
        self.together = together
        self.name = entry.name
        self.tables = tables
        self.edits: dict[int, dict[int, CellValue]] = {}
        self.clear_from: int | None = None
        #: conditional formats to add where the sheet lacks them: (range, rules)
        self.formats: list[tuple[str, tuple[EqualsRule, ...]]] = []
        self._load = load
        self._xml: SheetXml | None = None

    def changed(self) -> bool:
        return bool(self.edits) or self.clear_from is not None or bool(self.formats)

    def release(self) -> None:
        """Let the XML and its index go (the sheet is read again if it is needed again)."""
        self._xml = None

    def _open(self) -> SheetXml:
        if self._xml is None:
            self._xml = SheetXml(self._load(), self.entry.part, self.name)
        return self._xml

    def last_value_row(self) -> int:
        """The last row holding a value once the edits so far are applied (0: none)."""
        s = self._open()
        last = max(
            (r for r, cells in self.edits.items() if any(v is not None for v in cells.values())),
            default=0,
        )
        for i in range(len(s.rows) - 1, -1, -1):
            number = s.rows[i]
            if number <= last:
                break
            if self.clear_from is not None and number >= self.clear_from:
                continue
            if s.row_has_values(i):
                return number
        return last

    # --- rendering -------------------------------------------------------------------------

    def render(
        self, styles: Styles, date1904: bool, packer: Packer
    ) -> tuple[str, set[tuple[int, int]]] | None:
        """Write the sheet XML from `<sheetData>` on, every edit applied, into `packer`; return
        what goes before it (the dimension set to the cells now used) and the cells whose
        formulas went. A row whose new XML is its old XML is copied as it stands; when every
        row is, and the head too, and the sheet has every conditional format asked for, nothing
        is written and None says the sheet is unchanged."""
        s = self._open()
        self._check_array_formulas(s)
        xml = s.xml
        work = RowWork(styles, date1904, s.p)
        targets: dict[int, int | None] = {r: s.row_at(r) for r in self.edits}
        if self.clear_from is not None:
            for k in range(bisect_left(s.rows, self.clear_from), len(s.rows)):
                if s.row_has_values(k):
                    targets[s.rows[k]] = k
        for number in s.missing_r:
            targets[number] = s.row_at(number)
        content_start, content_end = s.content
        # Shared formulas that stay, by group, when the sheet has formulas at all.
        shared: dict[str, None] | None = {} if s.has_formulas() else None
        pos = content_start
        starts, ends, edits, clear_from = s.starts, s.ends, self.edits, self.clear_from
        render_row, write, write_slice = self._render_row, packer.write, packer.write_slice
        changed = False
        order = sorted(targets)
        for begin in range(0, len(order), _BATCH_ROWS):
            batch = order[begin : begin + _BATCH_ROWS]
            plain = self._render_plain(s, batch, targets, work) if self.together else {}
            if self.together and clear_from is not None:
                plain.update(render_overwritten(s, batch, targets, edits, clear_from, work))
            for number in batch:
                i = targets[number]
                if i is None:
                    j = bisect_right(s.rows, number)
                    at = starts[j] if j < len(starts) else content_end
                else:
                    at = starts[i]
                row = plain.get(number)
                if row is None:
                    cleared = i is not None and clear_from is not None and number >= clear_from
                    row = render_row(s, i, number, edits.get(number), cleared, work)
                if (
                    (not row)
                    if i is None
                    else (len(row) == ends[i] - at and xml.startswith(row, at))
                ):
                    continue  # as it was: part of the stretch copied next
                if at > pos:
                    write_slice(xml, pos, at)
                    if shared is not None:
                        s.note_shared(shared, xml, pos, at)
                pos = at if i is None else ends[i]
                changed = True
                write(row)
                if shared is not None:
                    s.note_shared(shared, row, 0, len(row))
        if shared is not None:
            s.note_shared(shared, xml, pos, content_end)
            self._check_shared_formulas(shared, work.removed_shared)
        head = xml[: s.sd[0]] + f"<{s.p}sheetData>" if s.self_closing else xml[:content_start]
        head = self._with_dimension(s, head, work, set(targets.values()))
        tail = s.sd[2] if s.self_closing else content_end
        formats = (
            added_formats(xml, s.p, tail, self.formats, styles.add_dxf) if self.formats else None
        )
        if not changed and formats is None and (s.self_closing or head == xml[:content_start]):
            return None
        packer.write_slice(xml, pos, content_end)
        if s.self_closing:
            packer.write(f"</{s.p}sheetData>")
        at, added = formats if formats is not None else (len(xml), "")
        packer.write_slice(xml, tail, at)
        packer.write(added)
        packer.write_slice(xml, at, len(xml))
        return head, work.removed_formulas

    def _render_plain(
        self, s: SheetXml, numbers: list[int], targets: dict[int, int | None], work: RowWork
    ) -> dict[int, str]:
        """The rows among `numbers` that only gain cells, rendered together; the others are left
        to `_render_row`, which renders them the same way one at a time.

        Such a row is new, or has cells that all come before its first edited column, no row
        format, no extension list and its `r`; and at least one of its edits makes a cell. Its
        new cells are made a column at a time: the same value in the same column gives the same
        text on every row, so each is made once.
        """
        xml, p, edits = s.xml, s.p, self.edits
        tag_starts, tag_ends, ends = s.starts, s.tag_ends, s.ends
        ext_marker, close, clear_from = s.ext_marker, s.row_close, self.clear_from
        chosen: list[tuple[int, str, str, int]] = []  # number, tag, cells kept, first column
        row_edits: list[dict[int, CellValue]] = []
        for number in numbers:
            cells = edits.get(number)
            if not cells or number in s.missing_r:
                continue
            i = targets[number]
            if i is None:
                chosen.append((number, f'<{p}row r="{number}">', "", 0))
                row_edits.append(cells)
                continue
            if clear_from is not None and number >= clear_from:
                continue  # its cells are cleared
            tag_end, end = tag_ends[i], ends[i] - len(close)
            tag = xml[tag_starts[i] : tag_end]
            if tag.endswith("/>") or (" s=" in tag and row_style(tag) is not None):
                continue
            if xml.find(ext_marker, tag_end, end) >= 0:
                continue
            last = s.last_cell(tag_end, end)
            if last < 0 or not 0 < s.col_at(last) < min(cells):
                continue
            chosen.append((number, tag, xml[tag_end:end], s.first_col(tag_end, end)))
            row_edits.append(cells)
        if not chosen:
            return {}
        columns = sorted(set().union(*row_edits))
        rows = [str(number) for number, _, _, _ in chosen]
        made: list[list[str]] = []
        for col in columns:
            values = [cells.get(col) for cells in row_edits]
            rests = map(work.rests(s, col).__getitem__, zip(map(type, values), values, strict=True))
            open_ = work.cell_open(col)
            made.append(
                [open_ + row + rest if rest else "" for row, rest in zip(rows, rests, strict=True)]
            )
        rendered: dict[int, str] = {}
        last_index = len(columns) - 1
        for k, new in enumerate(map("".join, zip(*made, strict=True))):
            number, tag, kept, first = chosen[k]
            if not new:
                continue  # no cell made: `_render_row` knows what such a row becomes
            c = last_index
            while not made[c][k]:
                c -= 1
            last = columns[c]
            if not first:  # no cell kept (at most white space)
                c = 0
                while not made[c][k]:
                    c += 1
                first = columns[c]
            tag = work.row_tag(tag, number, first, last)
            rendered[number] = tag + kept + new + close
        return rendered

    def _render_row(
        self,
        s: SheetXml,
        i: int | None,
        number: int,
        edits: dict[int, CellValue] | None,
        cleared: bool,
        work: RowWork,
    ) -> str:
        """One row as it is to be written ('' for a new row that would stay empty).

        A new cell takes the row's format, else its column's, as Excel does when one types; a
        cell written over keeps its own.
        """
        xml, p = s.xml, s.p
        row = str(number)
        items = sorted(edits.items()) if edits else []
        kept = after = ""
        tail: list[tuple[int, str]] = []
        start = cut = 0
        if i is None:
            tag = f'<{p}row r="{row}">'
        else:
            tag = xml[s.starts[i] : s.tag_ends[i]]
            if tag.endswith("/>"):
                tag = tag[:-2].rstrip() + ">"
            else:
                start, end = s.tag_ends[i], s.ends[i] - len(s.row_close)
                extension = xml.find(s.ext_marker, start, end)
                stop = end if extension < 0 else extension
                after = xml[stop:end]
                if self.together and items and not cleared and number not in s.missing_r:
                    given = row_style(tag) if " s=" in tag else None
                    spliced = self._splice(s, start, stop, number, items, given, work)
                    if spliced is not None:
                        body, first, last = spliced
                        tag = work.row_tag(tag, number, first, last)
                        return tag + body + after + s.row_close
                from_col = 1 if cleared else items[0][0] if items else MAX_COL + 1
                cut, tail = s.split(start, stop, number, from_col)
                kept = xml[start:cut]
            if number in s.missing_r:
                tag = f'<{p}row r="{row}"' + tag[len(p) + 4 :]
        given = row_style(tag) if items and " s=" in tag else None
        make, col_style = work.cell, s.col_style
        cols: list[int] = []
        texts: list[str] = []
        e = 0
        if tail:
            n = len(items)
            for col, text in tail:
                while e < n and items[e][0] < col:
                    new, value = items[e]
                    e += 1
                    if value is not None:
                        cols.append(new)
                        texts.append(make(new, row, given or col_style(new), value))
                if e < n and items[e][0] == col:
                    made = make(col, row, self._forget(s, text, number, col, work), items[e][1])
                    e += 1
                    if made:
                        cols.append(col)
                        texts.append(made)
                elif cleared and s.re_value.search(text):
                    style = self._forget(s, text, number, col, work)
                    if style is not None:
                        cols.append(col)
                        texts.append(f'{work.cell_open(col)}{row}" s="{style}"/>')
                else:
                    cols.append(col)
                    texts.append(text)
        if e < len(items):
            work.new_cells(row, items[e:] if e else items, given, s, cols, texts)
        if not kept and not texts and not after and (i is None or bare_row(tag)):
            return ""
        # The first cell kept, else the first made (white space before the cells is no column).
        first = s.first_col(start, cut) if kept else 0
        if first or cols:
            first = first or cols[0]
            last = cols[-1] if cols else s.last_col(start, cut)
            tag = work.row_tag(tag, number, first, last)
        texts.append(after)
        texts.append(s.row_close)
        return tag + kept + "".join(texts)

    def _splice(
        self,
        s: SheetXml,
        start: int,
        stop: int,
        number: int,
        items: list[tuple[int, CellValue]],
        given: str | None,
        work: RowWork,
    ) -> tuple[str, int, int] | None:
        """The cells of xml[start:stop] with `items` (column, value) written, and the columns of
        the row's first and last cell; None when the row is to be split whole (`_render_row`).

        Each edited cell is found by its reference and the cells between edited ones are copied
        as they stand, so a row edited in a few places far apart (`Kontroll` in column C and the
        computed columns at the end) costs those places, not every cell from the first of them.
        A new cell goes before the first cell of a later column, found by walking the cells from
        the last edit. An empty value (which clears a cell) leaves the row to `_render_row`, and
        so does a row with anything before its first cell, a cell without a reference, or one
        the search by reference could not find.
        """
        if any(value is None for _, value in items):
            return None
        xml, row = s.xml, str(number)
        make, col_style, cell_open = work.cell, s.col_style, s.cell_open
        last_at = s.last_cell(start, stop)
        last_col = s.col_at(last_at) if last_at >= 0 else 0
        first_at = s.next_cell(start, stop)
        first_col = s.col_at(first_at) if first_at < stop else MAX_COL + 1
        if first_at != start or not first_col or (last_at >= 0 and not last_col):
            return None  # something before the first cell, or a cell without a reference
        if xml.count(s.cell_marker, start, stop) != xml.count(cell_open, start, stop) and any(
            match[1] is None for match in s.re_cell.finditer(xml, start, stop)
        ):
            return None  # a cell without a reference: `_render_row` writes each one's `r`
        pieces: list[str] = []
        pos = start
        for k, (col, value) in enumerate(items):
            if col > last_col:  # this and every later edit come after the row's last cell
                pieces.append(xml[pos:stop])
                pos = stop
                pieces += [make(new, row, given or col_style(new), v) for new, v in items[k:]]
                break
            at = xml.find(f'{cell_open}{column_letter(col)}{row}"', pos, stop)
            if at >= 0:  # the cell is there: written over, keeping its format
                end = s.next_cell(at + 1, stop)
                pieces.append(xml[pos:at])
                style = self._forget(s, xml[at:end], number, col, work)
                pieces.append(make(col, row, style, value))
                pos = end
                continue
            at = s.next_cell(pos, stop)
            while at < stop:
                found = s.col_at(at)
                if not found or found == col:
                    return None  # no reference, or one written so the search missed it
                if found > col:
                    break
                at = s.next_cell(at + 1, stop)
            pieces.append(xml[pos:at])
            pieces.append(make(col, row, given or col_style(col), value))
            pos = at
        pieces.append(xml[pos:stop])
        return "".join(pieces), min(first_col, items[0][0]), max(last_col, items[-1][0])

    def _forget(self, s: SheetXml, text: str, number: int, col: int, work: RowWork) -> str | None:
        """The style of a cell about to be overwritten; notes the formula it loses, if any."""
        tag_end = text.find(">")
        at = text.find(' s="', 0, tag_end)
        if at >= 0:
            style: str | None = text[at + 4 : text.find('"', at + 4)]
        elif "s=" in text[:tag_end]:
            style = attributes(text[: tag_end + 1]).get("s")
        else:
            style = None
        formula = s.re_formula.search(text) if s.f_marker in text else None
        if formula is not None:
            work.removed_formulas.add((number, col))
            f_attrs = attributes(formula[1])
            if f_attrs.get("t") == "shared" and "ref" in f_attrs:
                work.removed_shared[f_attrs.get("si", "")] = (
                    f"{column_letter(col)}{number}",
                    f_attrs["ref"],
                )
        return style

    def _with_dimension(
        self, s: SheetXml, head: str, work: RowWork, rewritten: set[int | None]
    ) -> str:
        span = element_span(head, s.p, "dimension")
        if span is None:
            return head
        tag = head[span[0] : span[1]]
        try:
            old: tuple[int, int, int, int] | None = parse_range(attributes(tag).get("ref", ""))
        except ValueError:
            old = None
        bounds = work.bounds
        if self.clear_from is None:
            # Cells were only written: the used range can only grow.
            bounds = union(bounds, old)
        else:
            # Rows were cleared: measure what is left.
            kept = [i for i in range(len(s.rows)) if i not in rewritten]
            top = next((i for i in kept if s.has_cells(i)), None)
            bottom = next((i for i in reversed(kept) if s.has_cells(i)), None)
            if top is not None and bottom is not None:
                c1, c2 = (old[1], old[3]) if old is not None else (1, 1)
                bounds = union(bounds, (s.rows[top], c1, s.rows[bottom], c2))
        ref = range_ref(*bounds) if bounds is not None else "A1"
        return head[: span[0]] + set_attr(tag, "ref", ref) + head[span[1] :]

    def _written(self, row: int, col: int) -> bool:
        if self.clear_from is not None and row >= self.clear_from:
            return True
        cells = self.edits.get(row)
        return cells is not None and col in cells

    def _check_array_formulas(self, s: SheetXml) -> None:
        start, end = s.content
        xml = s.xml
        if xml.find('t="array"', start, end) < 0 and xml.find('t="dataTable"', start, end) < 0:
            return
        for match in s.re_formula.finditer(xml, start, end):
            attrs = attributes(match[1])
            if attrs.get("t") not in ("array", "dataTable") or ":" not in attrs.get("ref", ""):
                continue
            r1, c1, r2, c2 = parse_range(attrs["ref"])
            written = [self._written(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
            if any(written) and not all(written):
                raise OoxmlError("array-formula-part", ref=attrs["ref"], sheet=self.name)

    def _check_shared_formulas(
        self, shared: dict[str, None], removed: dict[str, tuple[str, str]]
    ) -> None:
        """Refuse a save that would leave cells sharing a formula whose master was written."""
        for si in shared:
            if si in removed:
                cell, ref = removed[si]
                raise OoxmlError("shared-formula-master", cell=cell, sheet=self.name, ref=ref)
