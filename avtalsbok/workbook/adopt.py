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
  header row.

The officer's own columns, headers and values are never renamed, moved or rewritten. What is to
be added is a `WritePlan`, carried out by the loss-free file writer (`avtalsbok init`) or on the
book open in Excel (the button), so both take one path. A book that already is an avtalsbok gets
an empty plan: adopting twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

from ..core import schema
from ..core.book import BookInput, SheetInput
from ..core.findings import Level
from ..core.output import Grid, SheetCells, WritePlan, locate_columns
from ..core.overview import empty_grid
from ..core.settings import DEFINITIONS
from ..core.words import counted
from ..ooxml.refs import MAX_COL
from .template import LISTS_SHEET, instruction_texts

#: Every sheet an adopted book has: the contract's, then the dropdown lists as in the template.
ADOPTED_SHEETS = (*schema.ALL_SHEETS, LISTS_SHEET)


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


def blocking(book: BookInput) -> list[str]:
    """Why the book cannot be adopted: it cannot be read, it has no `Avtal` sheet, or a sheet has
    values so far to the right that the columns it lacks do not fit after them."""
    problems = [f.message for f in book.findings if f.level is Level.ERROR]
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


def describe(plan: WritePlan) -> list[str]:
    """What a plan adds, in Swedish, one line each."""
    lines = [
        f"Kolumnerna {', '.join(header for row in cells.rows.values() for header in row.values())}"
        f" på bladet {sheet}"
        for sheet, cells in plan.cells.items()
    ]
    if plan.add_sheets:
        lines.append("Bladen " + ", ".join(plan.add_sheets))
    return lines


@dataclass
class Adoption:
    """What `avtalsbok init` did to one file: why it could not, or what it added."""

    problems: list[str]
    added: list[str]


def adopt_file(path: str | PathLike[str], today: date | None = None) -> Adoption:
    """Adopt the workbook at `path` in place, loss-free and atomically (raises WriteError).

    Nothing is written when the book cannot be adopted or already is an avtalsbok.
    """
    from python_calamine import CalamineWorkbook

    from .atomic import file_stamp
    from .reader import read_book
    from .runner import apply_plan

    try:
        stamp: tuple[int, int] | None = file_stamp(path)
    except OSError:
        stamp = None  # the reader reports a missing or unreadable file
    book = read_book(path)
    problems = blocking(book)
    if problems:
        return Adoption(problems, [])
    with Path(path).open("rb") as stream, CalamineWorkbook.from_filelike(stream) as workbook:
        names: list[Any] = workbook.sheet_names
    plan = adoption_plan(book, [str(n) for n in names], today or date.today())
    lines = describe(plan)
    if lines:
        apply_plan(path, plan, read_stamp=stamp)
    return Adoption([], lines)
