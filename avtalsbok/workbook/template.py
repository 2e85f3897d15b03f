"""Builds a fresh avtalsbok with XlsxWriter: the template officers start from, or a filled book.

Every sheet of the workbook contract stands in the order of `schema.ALL_SHEETS`. Each data
sheet and each regenerated list sheet is one Excel table with the schema's headers. Columns get
their widths, number formats and dropdowns from the schema; computed columns are grey and say
so in a header comment. Colour rules read the computed columns, so the engine only ever writes
values and Excel does the colouring. `Översikt` holds the empty key figures and native charts
over their fixed cells. The build is deterministic: the same input gives the same bytes.

A path ending in `.xlsm` gives the macro-enabled book: the same sheets plus the VBA project built
from `macros/`, the buttons on `Avtal` and `Översikt`, and the hidden `xlwings.conf` sheet that
tells xlwings which Python to start.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from io import BytesIO
from os import PathLike
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core import overview, schema
from ..core.book import SheetInput
from ..core.findings import Level
from ..core.schema import Column, Kind, SheetDef, ValueType
from ..core.settings import DEFINITIONS, parse_settings
from . import instructions
from .colours import COLOURS, VERDICT_FORMATS, verdict_range
from .instructions import REQUIRED_NOTE
from .printing import page_breaks, set_up_page
from .vbaproject import Module, read_macros, vba_project

#: The day the template's `Översikt` shows until the first run, and the file's creation date.
#: Fixed, so that two builds of the template are identical byte for byte.
TEMPLATE_DAY = date(2025, 1, 1)

#: Hidden sheet with the dropdown lists, after the sheets of the contract.
LISTS_SHEET = "Listor"
TABLE_STYLE = "Table Style Light 9"
#: Rows that get dropdowns and colour rules before the officer has typed anything in them.
PREPARED_ROWS = 5000
#: What the template's `Översikt` shows instead of dates until the first run.
NOT_YET_RUN = "Klicka på Uppdatera"
#: `Översikt` prints at this size, its blocks and charts (A to L) one page wide on A4 landscape,
#: with this many rows on a page; with room to spare in Excel (Calibri), so that a client that
#: sets the text in a wider font (LibreOffice without Calibri) fits it as well.
_OVERVIEW_SCALE, _OVERVIEW_PAGE_ROWS = 65, 42
_OVERVIEW_PRINT_COLUMNS = (0, 11)  # A to L
#: The default row height, in points.
_DEFAULT_ROW_POINTS = 15

#: The buttons of the macro-enabled book: the VBA `Sub` each runs (macros/Avtalsbok.bas), caption.
#: Uppdatera, the one an officer needs after typing anything, comes first and is the widest.
MAIN_BUTTON = "Uppdatera"
BUTTONS = (
    ("Uppdatera", "Uppdatera"),
    ("Kontrollera", "Kontrollera"),
    ("SkapaRapport", "Skapa rapport"),
    ("SkickaRapport", "Skicka rapport"),
    ("VisaFel", "Visa fel"),
)
#: Buttons per sheet: all on `Översikt`; on `Avtal` those for the register itself.
SHEET_BUTTONS = {
    schema.OVERSIKT: tuple(sub for sub, _ in BUTTONS),
    schema.AVTAL: ("Uppdatera", "Kontrollera", "VisaFel"),
}
#: The sheet xlwings reads its settings from: keys from A1 down, values in column B.
XLWINGS_CONF = "xlwings.conf"
#: Blank `Interpreter_Win`: xlwings falls back to `INTERPRETER` from its configuration files,
#: else `python` on PATH. The book's own folder stays off `sys.path`: each click then imports
#: nothing from the shared drive the book lies on.
XLWINGS_SETTINGS = (("Interpreter_Win", ""), ("ADD_WORKBOOK_TO_PYTHONPATH", "false"))
_XLWINGS_NOTES = (
    "Inställningar för xlwings, som knapparna använder för att starta Python.",
    "Interpreter_Win: sökvägen till python.exe eller pythonw.exe där avtalsbok är "
    "installerat, t.ex. C:\\Program Files\\Python311\\pythonw.exe. Tomt: xlwings tar "
    "INTERPRETER ur sin konfigurationsfil, annars python i PATH.",
    "Ett värde i det här bladet gäller före xlwings konfigurationsfiler. Ta bort en rad för att "
    "använda filerna i stället. Inställningarna måste börja i A1, utan tomma rader emellan.",
    "Mer i docs/installation.md.",
)
_BUTTON_WIDTH, _BUTTON_HEIGHT, _BUTTON_GAP = 100, 24, 4
_MAIN_BUTTON_WIDTH = 150
#: `Avtal`'s header row is made tall enough for the buttons above the header text.
_AVTAL_HEADER_HEIGHT = 45

_AUTHOR = "Avtalsbok"
_REGENERATED_NOTE = "Hela bladet skapas om vid varje körning – skriv inte här."
_LOG_NOTE = (
    "Händelseloggen fylls bara på: varje körning lägger till nya rader längst ned. "
    "Ändra eller ta inte bort rader – loggen dokumenterar varje steg på eskaleringstrappan."
)
#: Lists that only suggest values: an officer may type a category of their own.
#: Lists Excel only warns about: own categories, and a step typed as its bare number (`2`).
_SUGGESTION_LISTS = (schema.CATEGORIES, schema.STEPS)

_NUMBER_FORMATS = {
    ValueType.DATE: "yyyy-mm-dd",
    ValueType.DATETIME: "yyyy-mm-dd hh:mm",
    ValueType.AMOUNT: "#,##0",
}
_PERCENT_FIGURE = "0.0"
_COMPUTED = {"bg_color": "#EDEDED", "font_color": "#595959", "italic": True}
_COMPUTED_HEADER = {"bg_color": "#D9D9D9", "font_color": "#404040", "italic": True, "bold": True}

# The regenerated list sheets, described like data sheets so they are laid out the same way.
# The whole sheet is rewritten on every run, so its columns are not marked computed one by one.
_PLAN_WIDTHS = {
    "Datum": 12.0,
    "Vecka": 8.0,
    "Avtalsnamn": 34.0,
    "Leverantör": 28.0,
    "Prioritet": 9.0,
    "Aktivitet": 32.0,
    "Avtalsansvarig": 20.0,
    "E-post": 26.0,
    "Status": 14.0,
    "Dagar försenad": 10.0,
    "Avtalsstatus": 22.0,
}
_EVALUATION_WIDTHS = {
    **_PLAN_WIDTHS,
    "Beslut": 20.0,
    "Beslutsdatum": 12.0,
    "Utvärdera senast": 12.0,
    "Senaste uppföljning": 12.0,
    "Kostnad revisioner (kr)": 14.0,
}
_SAMPLE_WIDTHS = {
    **_PLAN_WIDTHS,
    "Nr": 6.0,
    "Status": 18.0,
    "Organisationsnummer": 16.0,
    "Riskvärde": 9.0,
    "Årsvärde (kr)": 14.0,
    "Senaste revision eller gemensam uppföljning": 16.0,
    "Motivering": 70.0,
}
_FEL_WIDTHS = {
    "Blad": 16.0,
    "Rad": 7.0,
    "Kolumn": 8.0,
    "Rubrik": 24.0,
    "Värde": 24.0,
    "Nivå": 9.0,
    "Meddelande": 90.0,
    "Kod": 24.0,
    "Gå till": 16.0,
}

#: Header notes of the regenerated list sheets' columns.
_LIST_NOTES = {
    "Gå till": "Kopiera cellen, tryck F5 (Gå till), klistra in och tryck Enter: "
    "Excel visar cellen där felet finns.",
    "Dagar försenad": "Antal dagar sedan aktiviteten skulle ha gjorts (bara för Försenad).",
    "Avtalsstatus": "Avtalets status; Status är aktivitetens egen.",
    "Senaste revision eller gemensam uppföljning": "Leverantörens senaste revision eller "
    "gemensamma uppföljning, på vilket av dess avtal som helst.",
}


#: Headers of the list sheets whose cells are dates.
_DATE_HEADERS = (
    "Datum",
    "Beslutsdatum",
    "Utvärdera senast",
    "Senaste uppföljning",
    "Senaste revision eller gemensam uppföljning",
)


def _list_sheet(
    name: str, table: str, headers: Sequence[str], widths: Mapping[str, float]
) -> SheetDef:
    return SheetDef(
        name=name,
        table=table,
        columns=tuple(
            Column(
                h,
                h,
                type=ValueType.DATE if h in _DATE_HEADERS else ValueType.TEXT,
                width=widths.get(h, 14.0),
                note=_LIST_NOTES.get(h, ""),
            )
            for h in headers
        ),
    )


def _kontroll_early(sheet: SheetDef) -> SheetDef:
    """`Avtal` as the template lays it out: `Kontroll` right after `Avtalsnamn`, where an
    officer sees it without scrolling. Only the template: the reader finds columns by header,
    so an officer's own book keeps its order."""
    if sheet.name != schema.AVTAL:
        return sheet
    check = sheet.column("check")
    rest = [col for col in sheet.columns if col is not check]
    at = rest.index(sheet.column("name")) + 1
    return replace(sheet, columns=(*rest[:at], check, *rest[at:]))


_TABLE_SHEETS: dict[str, SheetDef] = {
    **{name: _kontroll_early(sheet) for name, sheet in schema.DATA_SHEETS.items()},
    schema.UPPFOLJNINGSPLAN: _list_sheet(
        schema.UPPFOLJNINGSPLAN, "Uppfoljningsplan", schema.PLAN_HEADERS, _PLAN_WIDTHS
    ),
    schema.UTVARDERING: _list_sheet(
        schema.UTVARDERING, "Utvardering", schema.EVALUATION_HEADERS, _EVALUATION_WIDTHS
    ),
    schema.STICKPROV: _list_sheet(
        schema.STICKPROV, "Stickprov", schema.SAMPLE_HEADERS, _SAMPLE_WIDTHS
    ),
    schema.FEL: _list_sheet(schema.FEL, "Fel", schema.FEL_HEADERS, _FEL_WIDTHS),
}


def template_sheet(name: str) -> SheetDef:
    """A table sheet as the template lays it out (its columns in template order)."""
    return _TABLE_SHEETS[name]


@dataclass(frozen=True)
class _Rule:
    """A colour rule: an Excel formula for row 2, `{key}` standing for that column's cell."""

    formula: str
    colour: str
    #: The one column coloured; None colours the whole table row.
    key: str | None = None


def _begins(key: str, text: str) -> str:
    return f'=LEFT({{{key}}},{len(text)})="{text}"'


def _not_ok(key: str) -> str:
    return f'=AND({{{key}}}<>"",{{{key}}}<>"{schema.CHECK_OK}")'


_EXPIRING, _DECISION, _ENDED, _PROCUREMENT = schema.CONTRACT_STATUSES[2:6]
_YES = schema.YES_NO[0]

# Rules that colour one cell come first: Excel gives them priority over the whole-row colour.
_RULES: dict[str, tuple[_Rule, ...]] = {
    schema.AVTAL: (
        _Rule(_begins("follow_up_status", "Försenad"), "orange", "follow_up_status"),
        _Rule(_begins("follow_up_status", "Inom"), "yellow", "follow_up_status"),
        _Rule(
            f'=OR({{contract_status}}="{_EXPIRING}",{{contract_status}}="{_DECISION}",'
            f'{{contract_status}}="{_PROCUREMENT}")',
            "amber",
            "contract_status",
        ),
        _Rule(f'={{contract_status}}="{_ENDED}"', "grey text", "contract_status"),
        _Rule(_not_ok("check"), "red"),
    ),
    schema.UPPFOLJNINGAR: (_Rule(_not_ok("check"), "red"),),
    schema.AVVIKELSER: (
        _Rule('={passivity}<>""', "orange", "passivity"),
        _Rule(_not_ok("check"), "red", "check"),
        _Rule(f'={{overdue}}="{_YES}"', "red"),
    ),
    schema.UPPFOLJNINGSPLAN: (
        _Rule(f'={{Status}}="{schema.STATUS_OVERDUE}"', "orange", "Status"),
        _Rule(_begins("Status", "Inom"), "yellow", "Status"),
    ),
    schema.FEL: (
        _Rule(f'={{Nivå}}="{Level.ERROR.swedish}"', "red"),
        _Rule(f'={{Nivå}}="{Level.WARNING.swedish}"', "yellow"),
    ),
}


def instruction_texts() -> list[str]:
    """The text of `Instruktioner`, one paragraph per line (also for `Gör till avtalsbok`, which
    writes values only: the help line points to the setting instead of linking to it)."""
    return [
        instructions.STATIC_HELP_LINE if style == "link" else text
        for style, text in instructions.lines()
    ]


class _Formats:
    """Every cell format of the book, made once per distinct look and shared by all cells."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._made: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **properties: Any) -> Format:
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self._workbook.add_format(properties)
        return self._made[key]

    def number(self, value_type: ValueType) -> Format:
        return self.get(num_format=_NUMBER_FORMATS[value_type])

    def column(self, sheet: SheetDef, col: Column) -> Format | None:
        """The look of a column's cells: its number format, grey when computed."""
        properties: dict[str, Any] = {}
        if col.type in _NUMBER_FORMATS:
            properties["num_format"] = _NUMBER_FORMATS[col.type]
        if col.kind is Kind.COMPUTED:
            properties.update(_COMPUTED)
        if sheet.name == schema.INSTALLNINGAR:
            # The descriptions are long: wrap them and keep each setting's cells aligned on top.
            properties["valign"] = "top"
            if col.key == "description":
                properties["text_wrap"] = True
        return self.get(**properties) if properties else None


class _Lists:
    """The dropdown lists: one column each on the hidden `Listor` sheet, one name each."""

    def __init__(self) -> None:
        self._lists: list[tuple[str, str, list[str | int]]] = []

    def add(self, sheet: SheetDef, col: Column) -> str:
        """Store the column's choices and return the defined name its dropdown refers to."""
        name = "Lista_" + _name_part(sheet.name) + "_" + _name_part(col.header)
        # Bare numbers go in as numbers (what Excel stores when one is picked); labels as text.
        values: list[str | int] = [int(v) if v.isdigit() else v for v in col.choices]
        self._lists.append((name, f"{sheet.name}: {col.header}", values))
        return name

    def write(self, workbook: Workbook, formats: _Formats) -> None:
        ws = workbook.add_worksheet(LISTS_SHEET)
        for c, (name, title, values) in enumerate(self._lists):
            ws.set_column(c, c, 28)
            ws.write_string(0, c, title, formats.get(bold=True))
            ws.write_column(1, c, values)
            letter = schema.column_letter(c + 1)
            workbook.define_name(name, f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}")
        ws.hide()


def _name_part(text: str) -> str:
    """`Sannolikhet (1-4)` → `Sannolikhet_1_4`: a piece of an Excel name, ASCII only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "_".join(re.findall(r"[A-Za-z0-9]+", ascii_text))


def _write_value(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    date_format: Format | None,
    datetime_format: Format | None,
) -> None:
    """One cell, by the value's type. Text is always text, even when it looks like a formula."""
    if isinstance(value, str):
        if value:
            ws.write_string(row, col, value)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, datetime_format)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, date_format)
    elif value is not None:
        ws.write_string(row, col, str(value))


def _write_table(
    workbook: Workbook,
    sheet: SheetDef,
    rows: Sequence[Mapping[str, Any]],
    formats: _Formats,
    lists: _Lists,
) -> None:
    """One table sheet: formatted columns, the rows, the table, notes, dropdowns, colours."""
    ws = workbook.add_worksheet(sheet.name)
    for c, col in enumerate(sheet.columns):
        ws.set_column(c, c, col.width, formats.column(sheet, col))
    _write_rows(ws, sheet, rows, formats)
    # An empty table still has one (blank) data row, where the officer starts typing.
    last_row = max(len(rows), 1)
    ws.add_table(
        0,
        0,
        last_row,
        len(sheet.columns) - 1,
        {
            "name": sheet.table,
            "style": TABLE_STYLE,
            "columns": [
                {
                    "header": col.header,
                    "header_format": formats.get(**_COMPUTED_HEADER)
                    if col.kind is Kind.COMPUTED
                    else None,
                }
                for col in sheet.columns
            ],
        },
    )
    _write_header_notes(ws, sheet)
    ws.freeze_panes(1, 2 if sheet.name == schema.AVTAL else 0)
    set_up_page(ws, [col.width for col in sheet.columns])
    prepared = max(last_row, PREPARED_ROWS - 1)
    for c, col in enumerate(sheet.columns):
        message = _input_message(col)
        if message:
            # The header shows it too; its own validation takes any text, so it can be renamed.
            ws.data_validation(0, c, 0, c, {"validate": "any", **message})
        if col.choices:
            _add_dropdown(ws, c, prepared, col, lists.add(sheet, col), message)
        elif message:
            ws.data_validation(1, c, prepared, c, {"validate": "any", **message})
    _add_colour_rules(ws, sheet, prepared, formats)


def _write_rows(
    ws: Worksheet, sheet: SheetDef, rows: Sequence[Mapping[str, Any]], formats: _Formats
) -> None:
    """The rows under the header; cells take their column's format unless a date needs one."""
    headers = [col.header for col in sheet.columns]
    known = set(headers)
    stamps: list[tuple[Format | None, Format | None]] = [
        (None, None)
        if col.type in (ValueType.DATE, ValueType.DATETIME)
        else (formats.number(ValueType.DATE), formats.number(ValueType.DATETIME))
        for col in sheet.columns
    ]
    for r, record in enumerate(rows, start=1):
        if not record.keys() <= known:
            unknown = sorted(set(record) - known)
            raise ValueError(f"{sheet.name}: unknown headers {unknown}")
        for c, header in enumerate(headers):
            value = record.get(header)
            if value is not None:
                _write_value(ws, r, c, value, *stamps[c])


def _add_colour_rules(ws: Worksheet, sheet: SheetDef, last_row: int, formats: _Formats) -> None:
    """The sheet's colour rules over its prepared rows, column references taken from the schema."""
    refs = {col.key: f"${schema.column_letter(c + 1)}2" for c, col in enumerate(sheet.columns)}
    for rule in _RULES.get(sheet.name, ()):
        first, last = 0, len(sheet.columns) - 1
        if rule.key is not None:
            first = last = next(c for c, col in enumerate(sheet.columns) if col.key == rule.key)
        ws.conditional_format(
            1,
            first,
            last_row,
            last,
            {
                "type": "formula",
                "criteria": rule.formula.format(**refs),
                "format": formats.get(**COLOURS[rule.colour]),
            },
        )


def _write_header_notes(ws: Worksheet, sheet: SheetDef) -> None:
    """Header comments: computed, required, the column's own note, and the sheet's note."""
    sheet_note = {
        schema.HANDELSELOGG: _LOG_NOTE,
        schema.UPPFOLJNINGSPLAN: _REGENERATED_NOTE,
        schema.UTVARDERING: _REGENERATED_NOTE,
        schema.STICKPROV: _REGENERATED_NOTE,
        schema.FEL: _REGENERATED_NOTE,
    }.get(sheet.name)
    for c, col in enumerate(sheet.columns):
        notes = []
        if col.kind is Kind.COMPUTED:
            notes.append(schema.COMPUTED_NOTE)
        elif col.required:
            notes.append(REQUIRED_NOTE)
        if col.note:
            notes.append(col.note)
        if c == 0 and sheet_note:
            notes.append(sheet_note)
        if notes:
            text = "\n".join(notes)
            scale = 1 if len(text) < 60 else 2
            ws.write_comment(0, c, text, {"author": _AUTHOR, "x_scale": scale, "y_scale": scale})


def _input_message(col: Column) -> dict[str, str]:
    """The input message Excel shows on a selected cell of an input column: its example."""
    if col.kind is Kind.COMPUTED or not col.example:
        return {}
    lead = "Obligatorisk. " if col.required else ""
    pick = "Välj i listan. " if col.choices else ""
    return {
        # Excel's limits: 32 characters of title, 255 of message.
        "input_title": col.header[:32],
        "input_message": f"{lead}{pick}Exempel: {col.example}"[:255],
    }


def _add_dropdown(
    ws: Worksheet,
    c: int,
    last_row: int,
    col: Column,
    list_name: str,
    message: Mapping[str, str],
) -> None:
    if col.choices in _SUGGESTION_LISTS:
        options = {
            "error_type": "warning",
            "error_title": "Värdet finns inte i listan",
            "error_message": f"{col.header}: värdet finns inte i listan. "
            "Välj Ja för att behålla det ändå.",
        }
    else:
        options = {
            "error_type": "stop",
            "error_title": "Ogiltigt värde",
            "error_message": f"{col.header}: välj ett värde i listan.",
        }
    ws.data_validation(
        1, c, last_row, c, {"validate": "list", "source": f"={list_name}", **options, **message}
    )


def _write_overview(workbook: Workbook, today: date | None, formats: _Formats) -> None:
    """`Översikt` as an empty book shows it, with the charts the engine's figures feed.

    Without `today` (the template) no date is shown until the first run: a new book would
    otherwise show the template's build day as its reference date and months long past.
    """
    ws = workbook.add_worksheet(schema.OVERSIKT)
    grid = overview.empty_grid(today or TEMPLATE_DAY)
    if today is None:
        grid[1][1] = grid[2][1] = NOT_YET_RUN
        first, last = overview.block_positions()["Planerade uppföljningar per månad"]
        for excel_row in range(first, last + 1):
            grid[excel_row - 1][0] = None
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 17)  # wide enough for the "Beräknad" date and time
    ws.set_column(2, 3, 12)
    # Excel's default width, written out so that every client lays the charts out alike.
    ws.set_column(4, _OVERVIEW_PRINT_COLUMNS[1], 8.43)
    title_rows: set[int] = set()
    header_rows: set[int] = set()
    #: Excel row of each data row → its block's headers, which tell percent and kronor apart.
    block_headers: dict[int, list[Any]] = {}
    for first, last in overview.block_positions().values():
        title_rows.add(first - 2)
        header_rows.add(first - 1)
        for excel_row in range(first, last + 1):
            block_headers[excel_row] = grid[first - 2]

    title = formats.get(bold=True, font_size=14)
    bold = formats.get(bold=True)
    header = formats.get(bold=True, bottom=1)
    for r, cells in enumerate(grid):
        excel_row = r + 1
        row_format: Format | None = None
        if r == 0:
            row_format = title
        elif excel_row in title_rows:
            row_format = bold
        elif excel_row in header_rows:
            row_format = header
        for c, value in enumerate(cells):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, formats.number(ValueType.DATETIME))
            elif isinstance(value, date):
                ws.write_datetime(r, c, value, formats.number(ValueType.DATE))
            elif isinstance(value, str):
                ws.write_string(r, c, value, row_format)
            elif value is not None:
                headers = block_headers.get(excel_row, [])
                labels = (headers[c] if c < len(headers) else "", cells[0])
                ws.write_number(r, c, value, _figure_format(labels, formats))

    for row, height in overview.tall_rows().items():
        ws.set_row(row - 1, height * _DEFAULT_ROW_POINTS)
    for text, look in VERDICT_FORMATS.items():
        ws.conditional_format(
            verdict_range(),
            {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": formats.get(**look)},
        )
    for spec in overview.charts(schema.OVERSIKT):
        chart = workbook.add_chart({"type": spec.kind})
        chart.add_series(
            {"name": spec.series_name, "categories": spec.categories, "values": spec.values}
        )
        chart.set_title({"name": spec.title})
        chart.set_legend({"none": True})
        ws.insert_chart(spec.anchor, chart)
    _set_up_overview_page(ws)


def _set_up_overview_page(ws: Worksheet) -> None:
    """Landscape, the blocks and charts one page wide, a page never parting a chart from its
    block. The print area is whole columns, so it holds however many rows the last block grows
    to; the page breaks stay where the template put them, as the blocks above the last do."""
    first_col, last_col = _OVERVIEW_PRINT_COLUMNS
    ws.print_area(0, first_col, ws.xls_rowmax - 1, last_col)
    spans = [(first - 1, last - 1) for first, last in overview.block_spans()]
    # The title rows go with the first block.
    units = [(0, spans[0][1]), *spans[1:]]
    tall = {row - 1: height for row, height in overview.tall_rows().items()}
    ws.set_h_pagebreaks(page_breaks(units, _OVERVIEW_PAGE_ROWS, tall))
    set_up_page(ws, [], header_rows=0, landscape=True, scale=_OVERVIEW_SCALE)


def _figure_format(labels: Sequence[Any], formats: _Formats) -> Format | None:
    """Percent-like figures with one decimal and kronor with thousands, by header or row label."""
    for label in labels:
        text = str(label)
        if text.endswith("(%)"):
            return formats.get(num_format=_PERCENT_FIGURE)
        if text.endswith("(kr)"):
            return formats.number(ValueType.AMOUNT)
    return None


#: Characters that fit on one line of the 110-wide `Instruktioner` column, with margin.
_INSTRUCTION_LINE = 95


def _write_instructions(workbook: Workbook, formats: _Formats, help_link: str) -> None:
    """`Instruktioner`; `help_link` is the `Hjälpsida` the book is built with (its link's
    value until a spreadsheet program calculates the formula)."""
    ws = workbook.add_worksheet(schema.INSTRUKTIONER)
    ws.set_column(0, 0, 110, formats.get(text_wrap=True, valign="top"))
    styles = {
        "title": formats.get(bold=True, font_size=16, text_wrap=True),
        "heading": formats.get(bold=True, font_size=12, text_wrap=True),
        "text": formats.get(text_wrap=True, valign="top"),
        "strong": formats.get(text_wrap=True, valign="top", bold=True),
        "item": formats.get(text_wrap=True, valign="top", indent=1),
        "link": formats.get(font_color="#0563C1", underline=1),
    }
    row = 0
    for style, text in instructions.lines():
        if style == "heading":
            row += 1  # a blank line before each heading
        if style == "link":
            shown = instructions.link_text(help_link)
            ws.write_formula(row, 0, instructions.HELP_FORMULA, styles[style], shown)
        else:
            ws.write_string(row, 0, text, styles[style])
        if style in ("text", "item", "strong"):
            # Row heights for the wrapped lines, so every client shows the whole paragraph.
            ws.set_row(row, 15 * max(1, -(-len(text) // _INSTRUCTION_LINE)))
        row += 1
    set_up_page(ws, [], header_rows=0, landscape=False)


def _help_link(rows: Sequence[Mapping[str, Any]]) -> str:
    """The usable `Hjälpsida` among `Inställningar` rows given to the build, or ""."""
    records = [dict(r) for r in rows]
    settings, _ = parse_settings(SheetInput.from_records(schema.INSTALLNINGAR, records))
    return settings.help_link


def _settings_rows() -> list[dict[str, Any]]:
    """One row per setting with its default and description: the template's `Inställningar`."""
    sheet = schema.INSTALLNINGAR_SHEET
    key, value, description = (sheet.column(k).header for k in ("key", "value", "description"))
    return [{key: d.key, value: d.default_text, description: d.description} for d in DEFINITIONS]


def build_workbook(
    path: str | PathLike[str],
    data: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    *,
    today: date | None = None,
) -> None:
    """Write a fresh avtalsbok to `path` (macro-enabled, with buttons, when it ends in `.xlsm`).

    `data` maps a table sheet's name to its rows, each keyed by header; sheets not in it are
    empty (`Inställningar` then lists every setting with its default). `today` is the date the
    empty `Översikt` shows; it defaults to a fixed day so the template is deterministic.
    """
    data = data or {}
    unknown = sorted(set(data) - set(_TABLE_SHEETS))
    if unknown:
        raise ValueError(f"not table sheets of the avtalsbok: {unknown}")
    # Read before anything is written: a missing module must not leave half a book behind.
    macros = read_macros() if Path(path).suffix.lower() == ".xlsm" else None
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties(
        {
            "title": "Avtalsbok",
            "subject": "Avtalsuppföljning",
            "created": datetime.combine(TEMPLATE_DAY, datetime.min.time()),
        }
    )
    formats = _Formats(workbook)
    lists = _Lists()
    for name in schema.ALL_SHEETS:
        if name == schema.INSTRUKTIONER:
            help_link = _help_link(data.get(schema.INSTALLNINGAR, ()))
            _write_instructions(workbook, formats, help_link)
        elif name == schema.OVERSIKT:
            _write_overview(workbook, today, formats)
        else:
            default = _settings_rows() if name == schema.INSTALLNINGAR else []
            _write_table(workbook, _TABLE_SHEETS[name], data.get(name, default), formats, lists)
    lists.write(workbook, formats)
    if macros is not None:
        _add_macros(workbook, formats, macros)
    workbook.close()


def _add_macros(workbook: Workbook, formats: _Formats, macros: Sequence[Module]) -> None:
    """The macro-enabled book's extras: `xlwings.conf`, the buttons and the VBA project."""
    conf = workbook.add_worksheet(XLWINGS_CONF)
    conf.set_column(0, 0, 30)
    conf.set_column(1, 1, 60)
    for r, (key, value) in enumerate(XLWINGS_SETTINGS):
        conf.write_string(r, 0, key)
        if value:
            conf.write_string(r, 1, value)
    wrapped = formats.get(text_wrap=True, valign="top")
    for r, note in enumerate(_XLWINGS_NOTES, start=len(XLWINGS_SETTINGS) + 1):
        conf.merge_range(r, 0, r, 1, note, wrapped)
        conf.set_row(r, 15 * (1 + len(note) // 80))
    conf.hide()

    captions = dict(BUTTONS)
    for sheet, subs in SHEET_BUTTONS.items():
        ws = workbook.get_worksheet_by_name(sheet)
        if sheet == schema.AVTAL:
            ws.set_row(0, _AVTAL_HEADER_HEIGHT)
        # On Översikt the buttons stand right of the title, above the first block's chart.
        first_col = 2 if sheet == schema.OVERSIKT else 0
        x = _BUTTON_GAP
        for sub in subs:
            width = _MAIN_BUTTON_WIDTH if sub == MAIN_BUTTON else _BUTTON_WIDTH
            ws.insert_button(
                0,
                first_col,
                {
                    "macro": sub,
                    "caption": captions[sub],
                    "width": width,
                    "height": _BUTTON_HEIGHT,
                    "x_offset": x,
                    "y_offset": 2,
                },
            )
            x += width + _BUTTON_GAP

    sheets = workbook.worksheets()
    for ws in sheets:
        ws.set_vba_name()  # Sheet1, Sheet2, … in sheet order
    workbook.add_vba_project(BytesIO(vba_project([ws.vba_codename for ws in sheets], macros)), True)


def build_template(path: str | PathLike[str]) -> None:
    """Write the empty avtalsbok officers start from: `.xlsx`, or `.xlsm` with the buttons."""
    build_workbook(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("Användning: python -m avtalsbok.workbook.template MÅL.xlsx", file=sys.stderr)
        sys.exit(2)
    build_template(sys.argv[1])
