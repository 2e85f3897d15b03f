"""Makes an officer's own workbook an avtalsbok: `Gör till avtalsbok` and `avtalsbok init`.

A register kept in Excel for years has its own columns, in its own order, and often only the
contract sheet. Adopting it adds what the avtalsbok contract (`core/schema.py`) has and the book
lacks, and nothing else:

- every sheet of the contract the book has no sheet for (found by name the way the reader finds
  them), in the template's order, each with the template's content: its headers, the settings
  with their defaults on `Inställningar`, the instructions, the empty `Översikt`, and `Listor`
  with the values of every dropdown list;
- on each data sheet the book has, the computed columns it lacks, with their headers, after the
  last used column (where a run would put them), found by header and alias as the reader does;
  a data sheet with no header at all (a blank sheet renamed `Avtal`) gets the template's whole
  header row;
- nothing, when a register never run as an avtalsbok has values of its own in a column the
  engine computes (its own `Prioritet` or `Avtalsstatus`): the first run would replace them,
  so the officer is asked to rename the column, which keeps it as their own (`blocking`);
- when the register holds contracts and its setting `Uppföljningar räknas från` is blank or
  missing, today's date there, so that contracts never followed up are not overdue on the first
  day (an officer's own value is never overwritten).

The officer's own columns, headers and values are never renamed, moved or rewritten. What is to
be added is a `WritePlan`, carried out by the loss-free file writer (`avtalsbok init`) or on the
book open in Excel (the button), so both take one path. A book that already is an avtalsbok gets
an empty plan: adopting twice changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from os import PathLike
from typing import Any

from ..core import schema
from ..core.book import BookInput, SheetInput
from ..core.findings import Finding, Level
from ..core.output import Grid, SheetCells, WritePlan, locate_columns
from ..core.overview import empty_grid
from ..core.settings import COUNTED_FROM_KEY, DEFINITIONS
from ..core.words import counted
from ..ooxml.refs import MAX_COL
from .template import LISTS_SHEET, instruction_texts

#: Every sheet an adopted book has: the contract's, then the dropdown lists as in the template.
ADOPTED_SHEETS = (*schema.ALL_SHEETS, LISTS_SHEET)
#: Sheets `Kontrollera` leaves in a book it checks, with each row's `Kontroll`: in a book with
#: both, that column holds the engine's values even if the book was never updated.
CHECKED_SHEETS = (schema.FEL, schema.OVERSIKT)


def adoption_plan(book: BookInput, sheet_names: Sequence[str], today: date) -> WritePlan:
    """What the book lacks of the avtalsbok contract, as a plan that only adds.

    `book` is the book as read, `sheet_names` every sheet it has (a sheet the reader does not
    read counts too), `today` the day the new `Översikt` shows until the first run.
    """
    plan = WritePlan()
    for name, sheet, new_headers in _new_columns(book):
        plan.cells[name] = SheetCells({sheet.header_row: new_headers})
    present = {schema.normalize_header(name) for name in sheet_names}
    for name in ADOPTED_SHEETS:
        if schema.normalize_header(name) not in present:
            plan.add_sheets.append(name)
            plan.replace[name] = _new_sheet(name, today)
    if _has_contracts(book):
        _propose_counted_from(book, plan, today)
    return plan


def _new_columns(book: BookInput) -> Iterator[tuple[str, SheetInput, dict[int, str]]]:
    """Each data sheet that lacks columns: its name in the book, the sheet, and {column number:
    header} of what is to be added after its last used column."""
    for canonical, sheet in book.sheets.items():
        definition = schema.DATA_SHEETS.get(canonical)
        if definition is None:
            continue
        # A sheet without a single header is the officer's only by name: it gets the template's
        # header row. Otherwise only the computed columns it lacks are added.
        wanted = definition.computed_columns if sheet.headers else definition.columns
        _numbers, new_headers = locate_columns(sheet, definition, wanted)
        if new_headers:
            yield book.sheet_names[canonical], sheet, new_headers


def _has_contracts(book: BookInput) -> bool:
    avtal = book.sheets.get(schema.AVTAL)
    return avtal is not None and bool(avtal.rows)


def _propose_counted_from(book: BookInput, plan: WritePlan, today: date) -> None:
    """`today` as `Uppföljningar räknas från`: in a new `Inställningar`, on the setting's blank
    row of the book's own, or on a row of its own below the last; never over a value."""
    new = plan.replace.get(schema.INSTALLNINGAR)
    if new is not None:
        for row in new:
            if row and row[0] == COUNTED_FROM_KEY:
                row[1] = today
        return
    sheet = book.sheets.get(schema.INSTALLNINGAR)
    if sheet is None:  # a sheet the reader could not read as settings: left alone
        return
    lookup = schema.header_lookup(schema.INSTALLNINGAR_SHEET)
    letters = {
        lookup.get(schema.normalize_header(text)): letter for letter, text in sheet.headers.items()
    }
    key_letter, value_letter = letters.get("key"), letters.get("value")
    if key_letter is None or value_letter is None:
        return
    key_header, value_header = sheet.headers[key_letter], sheet.headers[value_letter]
    wanted = schema.normalize_header(COUNTED_FROM_KEY)
    found = next(
        (
            (row, rec.get(value_header))
            for row, rec in sheet.rows
            if isinstance(key := rec.get(key_header), str)
            and schema.normalize_header(key) == wanted
        ),
        None,
    )
    value_column = schema.column_index(value_letter)
    at: int
    values: dict[int, Any]
    if found is None:  # no such row: one of its own below the last
        at = max(sheet.max_row, sheet.header_row) + 1
        values = {schema.column_index(key_letter): COUNTED_FROM_KEY, value_column: today}
    elif found[1] is None or (isinstance(found[1], str) and not found[1].strip()):
        at, values = found[0], {value_column: today}
    else:  # the officer's own date
        return
    sheet_cells = plan.cells.setdefault(book.sheet_names[schema.INSTALLNINGAR], SheetCells())
    sheet_cells.rows.setdefault(at, {}).update(values)


def _new_sheet(name: str, today: date) -> Grid:
    """The content of a sheet the book lacks, as the template has it."""
    if name == schema.INSTRUKTIONER:
        return [[text] for text in instruction_texts()]
    if name == schema.OVERSIKT:
        return empty_grid(today)
    if name == schema.UPPFOLJNINGSPLAN:
        return [list(schema.PLAN_HEADERS)]
    if name == schema.UTVARDERING:
        return [list(schema.EVALUATION_HEADERS)]
    if name == schema.STICKPROV:
        return [list(schema.SAMPLE_HEADERS)]
    if name == schema.FEL:
        return [list(schema.FEL_HEADERS)]
    if name == LISTS_SHEET:
        return _lists()
    definition = schema.DATA_SHEETS[name]
    grid: Grid = [[col.header for col in definition.columns]]
    if name == schema.INSTALLNINGAR:
        grid += [[d.key, d.default_text, d.description] for d in DEFINITIONS]
    return grid


def _lists() -> Grid:
    """`Listor`: one column per dropdown list, titled by sheet and column, values below."""
    lists = [
        [f"{sheet.name}: {col.header}", *col.choices]
        for sheet in schema.DATA_SHEETS.values()
        for col in sheet.columns
        if col.choices
    ]
    depth = max(len(values) for values in lists)
    return [[values[r] if r < len(values) else None for values in lists] for r in range(depth)]


def blocking(
    book: BookInput, sheet_names: Sequence[str], plan_header: Sequence[Any] | None
) -> list[str]:
    """Why the book cannot be adopted: it cannot be read, it has no `Avtal` sheet, a sheet has
    values so far to the right that the columns it lacks do not fit after them, or a register
    never run as an avtalsbok has values of its own in a column the engine computes (the first
    run would replace them). `sheet_names`: every sheet the book has; `plan_header`: the first
    row with a value of its `Uppföljningsplan` (`first_filled`; None: it has no such sheet, or
    the sheet could not be read)."""
    problems = [f.message for f in book.findings if f.level is Level.ERROR]
    problems += _own_values_in_computed_columns(book, sheet_names, plan_header)
    for name, _sheet, new_headers in _new_columns(book):
        if max(new_headers) > MAX_COL:
            last = schema.column_letter(min(new_headers) - 1)
            problems.append(
                f"Bladet {name} används ända till kolumn {last}, så "
                f"{counted(len(new_headers), 'kolumn', 'kolumner')} som saknas får inte plats "
                "till höger om den. Ta bort det som står längst till höger på bladet och försök "
                "igen."
            )
    return problems


def _own_values_in_computed_columns(
    book: BookInput, sheet_names: Sequence[str], plan_header: Sequence[Any] | None
) -> list[str]:
    """A problem for each computed column that holds the officer's values, in a book that has
    never been an avtalsbok (`_has_been_run`). Renaming the column keeps the values as the
    officer's own column."""
    present = {schema.normalize_header(name) for name in sheet_names}
    if _has_been_run(present, plan_header):
        return []
    checked = all(schema.normalize_header(name) in present for name in CHECKED_SHEETS)
    problems = []
    for canonical, sheet in book.sheets.items():
        definition = schema.DATA_SHEETS.get(canonical)
        if definition is None:
            continue
        lookup = schema.header_lookup(definition)
        computed = {col.key for col in definition.computed_columns}
        if checked:
            computed.discard("check")
        for letter, header in sorted(
            sheet.headers.items(), key=lambda h: schema.column_index(h[0])
        ):
            key = lookup.get(schema.normalize_header(header))
            if key not in computed:
                continue
            computed.discard(key)  # a run fills the first column of a key; a later one stays
            filled = sum(1 for _, values in sheet.rows if not _blank(values.get(header)))
            if filled:
                problems.append(
                    f"Kolumn {letter} på bladet {sheet.name}, ”{header}”, har egna värden på "
                    f"{counted(filled, 'rad', 'rader')}, men den kolumnen räknar avtalsboken "
                    "fram och skulle ersätta dem vid första uppdateringen. Byt namn på kolumnen "
                    f"(till exempel ”{header.strip()} (egen)”), så behålls värdena i en egen "
                    "kolumn, och försök igen."
                )
    return problems


def _has_been_run(present: set[str], plan_header: Sequence[Any] | None) -> bool:
    """Whether the book has been an avtalsbok, made from the template or adopted, so that what
    its computed columns hold is the engine's: it has the plan sheet every avtalsbok has had
    since the first version (the officer may have deleted `Fel`), with the plan's headers when
    it could be read (a register's own `Uppföljningsplan` is not one)."""
    if schema.normalize_header(schema.UPPFOLJNINGSPLAN) not in present:
        return False
    if plan_header is None:
        return True  # it could not be read at all: taken for the engine's
    return [h for h in plan_header if h is not None][:3] == list(schema.PLAN_HEADERS[:3])


def first_filled(rows: Iterable[Sequence[Any]]) -> list[Any]:
    """The first of `rows` that holds a value ([]: none does)."""
    return next((list(row) for row in rows if any(v is not None for v in row)), [])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def describe(plan: WritePlan, book: BookInput) -> list[str]:
    """What a plan adds, in Swedish, one line each."""
    lines = []
    for canonical, sheet in book.sheets.items():
        cells = plan.cells.get(book.sheet_names[canonical])
        if cells is not None and (headers := cells.rows.get(sheet.header_row)):
            lines.append(
                f"Kolumnerna {', '.join(map(str, headers.values()))} på bladet {sheet.name}"
            )
    if plan.add_sheets:
        lines.append("Bladen " + ", ".join(plan.add_sheets))
    if (proposed := _proposed(plan)) is not None:
        lines.append(
            f"Inställningen {COUNTED_FROM_KEY}: {proposed.isoformat()}. Avtal utan registrerad "
            "uppföljning planeras från den dagen, inte från avtalsstarten. Ändra datumet på "
            "bladet Inställningar om registret följts upp från en annan dag."
        )
    return lines


def _proposed(plan: WritePlan) -> date | None:
    """The date the plan puts in `Uppföljningar räknas från`, if it puts one there (a new
    sheet's row, or a cell on the book's own)."""
    new = plan.replace.get(schema.INSTALLNINGAR)
    rows: list[list[Any]] = list(new) if new is not None else []
    for sheet, cells in plan.cells.items():
        if schema.normalize_header(sheet) == schema.normalize_header(schema.INSTALLNINGAR):
            rows += [list(r.values()) for r in cells.rows.values()]
    # Adoption writes no other date on `Inställningar`.
    return next((v for row in rows for v in row if isinstance(v, date)), None)


@dataclass
class Adoption:
    """What `avtalsbok init` did to one file: why it could not, or what it added."""

    problems: list[str]
    added: list[str]


def adopt_file(path: str | PathLike[str], today: date | None = None) -> Adoption:
    """Adopt the workbook at `path` in place, loss-free and atomically (raises WriteError).

    Nothing is written when the book cannot be adopted or already is an avtalsbok.
    """
    from .atomic import file_stamp
    from .reader import MAX_UNCOMPRESSED, first_row, read_book
    from .runner import apply_plan
    from .sniff import sniff

    try:
        stamp: tuple[int, int] | None = file_stamp(path)
    except OSError:
        stamp = None  # the reader reports a missing or unreadable file
    book = read_book(path)
    names: list[str] = []
    if not any(f.level is Level.ERROR for f in book.findings):
        # Every sheet's name as the file-format layer reads workbook.xml: calamine may not read
        # a book the reader read with openpyxl.
        package = sniff(os.fspath(path), max_uncompressed=MAX_UNCOMPRESSED)
        if isinstance(package, Finding):  # the file changed since it was read
            return Adoption([package.message], [])
        names = [*package.sheets, *package.other_sheets]
    plan_header: list[Any] | None = None
    plan_sheet = book.sheet_names.get(schema.UPPFOLJNINGSPLAN)
    if plan_sheet is not None and names:
        # Read with the book when it was small enough; else (read by openpyxl, or too large)
        # its first row is read on its own.
        read = book.shown.get(schema.UPPFOLJNINGSPLAN)
        plan_header = first_filled(read) if read is not None else first_row(path, plan_sheet)
    problems = blocking(book, names, plan_header)
    if problems:
        return Adoption(problems, [])
    plan = adoption_plan(book, names, today or date.today())
    lines = describe(plan, book)
    if lines:
        apply_plan(path, plan, read_stamp=stamp)
    return Adoption([], lines)
