"""The consolidated report workbook (`rapport.xlsx`), built fresh with XlsxWriter.

`Översikt` holds the key figures and native charts (contracts per tier and unit, planned
follow-ups per month for the next twelve months, open deviations by escalation step); the
other sheets list one row per book, every overdue follow-up, every open deviation past its
deadline (each with its next step), the contracts that need a new procurement or an
evaluation before a decision, what needs action per avtalsansvarig over every book, the
extension decisions and contracts ending within the warning window (`actions`), the regions'
evaluation figures, each book's goals and the whole organisation's (`goals`), every supplier
over the books and each book's proposed sample audits (`suppliers`), and every finding with its
file; `Böcker` links each book's full path.
Everything copied from a workbook is written as a value of its own type, text always as text, so
a cell that an officer typed as `=...` can never become a formula; the report holds no formula at
all. Same records and date → same bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.findings import sort_key
from ..core.schema import MONTHS_SV
from ..workbook.atomic import WriteError, atomic_replace, owner_of
from ..workbook.targets import refusal
from . import REPORT_CATEGORY, decisions, goals, suppliers
from .actions import ENDING, ENDING_COLUMNS, OWNER_COLUMNS, OWNERS, ending_rows, owner_rows
from .location import MAX_EXCEL_LINK, is_windows_path
from .records import BookRecord, next_step
from .totals import Figure, Totals

OVERSIKT = "Översikt"
BOOKS = "Böcker"
OVERDUE = "Försenade uppföljningar"
LATE_DEVIATIONS = "Försenade avvikelser"
EVALUATION = "Utvärdering"
SUPPLIERS = "Revisioner per leverantör"
FINDINGS = "Fel"

TITLE = "Avtalsuppföljning – samlad rapport"
#: Where `Översikt` keeps its reference date and its key-figure block (0-based rows).
DATE_ROW = 1
FIGURES_TITLE_ROW = 3
FIGURES_FIRST_ROW = FIGURES_TITLE_ROW + 2

#: Excel keeps at most this many characters in a cell.
MAX_TEXT = 32_767


@dataclass(frozen=True)
class Link:
    """A book's full path, written as a link that opens it."""

    path: str


Cell = str | int | float | date | datetime | Link | None


@dataclass
class _Formats:
    title: Format
    bold: Format
    header: Format
    date: Format
    money: Format
    percent: Format
    link: Format

    @classmethod
    def of(cls, wb: Workbook) -> _Formats:
        return cls(
            title=wb.add_format({"bold": True, "font_size": 14}),
            bold=wb.add_format({"bold": True}),
            header=wb.add_format({"bold": True, "bottom": 1, "bg_color": "#D9E1F2"}),
            date=wb.add_format({"num_format": "yyyy-mm-dd"}),
            money=wb.add_format({"num_format": "#,##0"}),
            percent=wb.add_format({"num_format": "0.0"}),
            link=wb.add_format({"font_color": "#0563C1", "underline": 1}),
        )


def write_report(path: str | os.PathLike[str], records: Sequence[BookRecord], today: date) -> None:
    """Build the report for `records` at the reference date and save it atomically.

    Raises WriteError (Swedish message) when the file is open in Excel, is a folder or a
    workbook other than an earlier report, or cannot be written; what is at `path` is then
    left as it was.
    """
    target = Path(path)
    if (why := refusal(target, own_category=REPORT_CATEGORY)) is not None:
        raise WriteError(why)
    owner = owner_of(target)
    if owner is not None:
        raise WriteError("rapporten är öppen", code="file-locked", owner=owner)
    data = report_bytes(records, today)

    def write(out: BinaryIO) -> None:
        out.write(data)

    atomic_replace(target, write)


def report_bytes(records: Sequence[BookRecord], today: date) -> bytes:
    """The report workbook as bytes (deterministic for the same records and date).

    `today` is the report's date (`records.reference_date`); each book's days late are
    counted from the book's own reference date, which `Böcker` shows beside it."""
    ordered = sorted(records, key=lambda r: (r.unit, r.file_name, r.path))
    totals = Totals.of(ordered, today)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    midnight = datetime.combine(today, datetime.min.time())
    wb.set_properties(
        {
            "title": TITLE,
            "subject": "Avtalsuppföljning",
            "author": "avtalsbok",
            "category": REPORT_CATEGORY,
            "created": midnight,
        }
    )
    fmt = _Formats.of(wb)
    _overview(wb, totals, fmt)
    _table(wb, BOOKS, _BOOK_COLUMNS, [_book_row(r) for r in ordered], fmt)
    _table(
        wb,
        OVERDUE,
        _OVERDUE_COLUMNS,
        [
            [
                r.unit,
                r.file_name,
                i.date,
                ((r.today or today) - i.date).days,
                i.contract_id,
                i.contract_name,
                i.supplier,
                i.tier,
                i.activity,
                next_step(i),
                i.owner,
                i.email,
            ]
            for r in ordered
            for i in r.overdue_follow_ups
        ],
        fmt,
    )
    _table(
        wb,
        LATE_DEVIATIONS,
        _DEVIATION_COLUMNS,
        [
            [
                r.unit,
                r.file_name,
                d.deviation_id,
                d.contract_id,
                d.contract_name,
                d.supplier,
                d.severity,
                d.step,
                d.deadline,
                ((r.today or today) - d.deadline).days if d.deadline else None,
                d.days_open,
                d.proposed_step,
                next_step(d),
                d.responsible,
                d.owner,
                d.email,
            ]
            for r in ordered
            for d in r.late_deviations
        ],
        fmt,
    )
    _table(
        wb,
        decisions.PROCUREMENTS,
        decisions.PROCUREMENT_COLUMNS,
        decisions.procurement_rows(ordered, today),
        fmt,
    )
    _table(
        wb,
        decisions.EVALUATIONS_DUE,
        decisions.EVALUATION_COLUMNS,
        decisions.evaluation_rows(ordered),
        fmt,
    )
    _table(wb, OWNERS, OWNER_COLUMNS, owner_rows(ordered), fmt)
    _table(wb, ENDING, ENDING_COLUMNS, ending_rows(ordered, today), fmt)
    _table(wb, EVALUATION, _EVALUATION_COLUMNS, _evaluation_rows(ordered, totals), fmt)
    _table(
        wb,
        SUPPLIERS,
        _SUPPLIER_COLUMNS,
        [list(row) for row in totals.audits_per_supplier],
        fmt,
    )
    goal_rows = goals.rows(ordered)
    _table(wb, goals.SHEET, goals.COLUMNS, goal_rows, fmt)
    goals.colour(wb, len(goal_rows))
    _table(
        wb, suppliers.SUPPLIERS, suppliers.SUPPLIER_COLUMNS, suppliers.supplier_rows(ordered), fmt
    )
    _table(wb, suppliers.SAMPLES, suppliers.SAMPLE_COLUMNS, suppliers.sample_rows(ordered), fmt)
    _table(
        wb,
        FINDINGS,
        _FINDING_COLUMNS,
        [
            [
                r.unit,
                r.file_name,
                f.sheet or "(arbetsboken)",
                f.row,
                f.column,
                f.header,
                f.value,
                f.level.swedish,
                f.code,
                f.message,
            ]
            for r in ordered
            for f in sorted(r.findings, key=sort_key)
        ],
        fmt,
    )
    wb.close()
    return buffer.getvalue()


def read_key_figures(path: str | os.PathLike[str]) -> tuple[date, list[Figure]]:
    """The reference date and key figures of a report this module wrote (for `avtalsbok mail`).

    Raises ValueError when the file is not such a report.
    """
    from python_calamine import CalamineWorkbook

    from ..workbook.panics import panics_as_errors

    try:
        with panics_as_errors():
            sheet = CalamineWorkbook.from_path(os.fspath(path)).get_sheet_by_name(OVERSIKT)
            rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own, undocumented error types
        raise ValueError(f"{Path(path).name} är ingen rapport från avtalsbok ({exc})") from None
    if len(rows) <= FIGURES_FIRST_ROW or not rows or rows[0][:1] != [TITLE]:
        raise ValueError(f"{Path(path).name} är ingen rapport från avtalsbok")
    day = rows[DATE_ROW][1] if len(rows[DATE_ROW]) > 1 else None
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        raise ValueError(f"{Path(path).name} saknar referensdatum")
    figures: list[Figure] = []
    for row in rows[FIGURES_FIRST_ROW:]:
        label = row[0] if row else ""
        if not isinstance(label, str) or not label:
            break
        value = row[1] if len(row) > 1 else 0
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        figures.append((label, value if isinstance(value, int | float) else 0))
    return day, figures


# ---------------------------------------------------------------------------------------------
# Sheets

#: (header, width, kind) — kind picks the number format: "date", "money", "percent" or "".
Column = tuple[str, int, str]

_BOOK_COLUMNS: tuple[Column, ...] = (
    ("Enhet", 28, ""),
    ("Fil", 30, ""),
    ("Status", 20, ""),
    ("Avtal", 9, ""),
    ("Aktiva avtal", 9, ""),
    ("Fel", 7, ""),
    ("Varningar", 9, ""),
    ("Försenade uppföljningar", 12, ""),
    ("Öppna avvikelser", 10, ""),
    ("Passerad åtgärdsplan", 10, ""),
    ("Uppdaterad", 10, ""),
    ("Referensdatum", 11, "date"),
    ("Kommentar", 50, ""),
    ("Sökväg", 60, ""),
)
_OVERDUE_COLUMNS: tuple[Column, ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Datum", 11, "date"),
    ("Dagar försenad", 9, ""),
    ("Avtals-ID", 12, ""),
    ("Avtalsnamn", 36, ""),
    ("Leverantör", 28, ""),
    ("Prioritet", 8, ""),
    ("Aktivitet", 36, ""),
    ("Nästa steg", 36, ""),
    ("Avtalsansvarig", 22, ""),
    ("E-post", 30, ""),
)
_DEVIATION_COLUMNS: tuple[Column, ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Avvikelse-ID", 14, ""),
    ("Avtals-ID", 12, ""),
    ("Avtalsnamn", 36, ""),
    ("Leverantör", 28, ""),
    ("Allvarlighetsgrad", 12, ""),
    ("Eskaleringssteg", 9, ""),
    ("Åtgärdsplan senast", 11, "date"),
    ("Dagar efter tidsgränsen", 10, ""),
    ("Dagar öppen", 9, ""),
    ("Föreslaget steg", 28, ""),
    ("Nästa steg", 36, ""),
    ("Ansvarig", 22, ""),
    ("Avtalsansvarig", 22, ""),
    ("E-post", 30, ""),
)
_EVALUATION_COLUMNS: tuple[Column, ...] = (
    ("Enhet", 28, ""),
    ("Fil", 30, ""),
    ("Avtal med hållbarhetsvillkor", 14, ""),
    ("– varav uppföljda", 12, ""),
    ("Andel uppföljda (%)", 12, "percent"),
    ("Revisioner", 10, ""),
    ("Avtal med revision", 10, ""),
    ("Revisioner per avtal med villkor", 12, "percent"),
    ("Kostnad för revisioner (kr)", 16, "money"),
)
_SUPPLIER_COLUMNS: tuple[Column, ...] = (
    ("Leverantör", 36, ""),
    ("Revisioner", 10, ""),
    ("Kostnad (kr)", 16, "money"),
    ("Enheter", 9, ""),
)
_FINDING_COLUMNS: tuple[Column, ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Blad", 16, ""),
    ("Rad", 7, ""),
    ("Kolumn", 7, ""),
    ("Rubrik", 22, ""),
    ("Värde", 24, ""),
    ("Nivå", 8, ""),
    ("Kod", 24, ""),
    ("Meddelande", 80, ""),
)


def _book_row(r: BookRecord) -> list[Cell]:
    return [
        r.unit,
        r.file_name,
        r.status.swedish,
        r.contracts,
        r.active,
        r.errors,
        r.warnings,
        len(r.overdue_follow_ups),
        r.open_deviations,
        len(r.late_deviations),
        # Up to date: written now, or already showing all this run computed (not written again).
        "Ja" if r.written or r.unchanged else "Nej",
        r.today,
        r.problem,
        Link(r.location or r.path),
    ]


def _evaluation_rows(records: Sequence[BookRecord], totals: Totals) -> list[list[Cell]]:
    def ratio(part: int, whole: int, scale: float, digits: int) -> float:
        return round(scale * part / whole, digits) if whole else 0.0

    rows: list[list[Cell]] = []
    for r in records:
        e = r.evaluation
        rows.append(
            [
                r.unit,
                r.file_name,
                e.sustainability_contracts,
                e.sustainability_followed_up,
                ratio(e.sustainability_followed_up, e.sustainability_contracts, 100.0, 1),
                e.audits,
                e.audited_contracts,
                ratio(e.audits, e.sustainability_contracts, 1.0, 2),
                e.audit_cost,
            ]
        )
    rows.append(
        [
            "Totalt",
            None,
            totals.sustainability_contracts,
            totals.sustainability_followed_up,
            totals.sustainability_followed_up_pct,
            totals.audits,
            totals.audited_contracts,
            ratio(totals.audits, totals.sustainability_contracts, 1.0, 2),
            totals.audit_cost,
        ]
    )
    return rows


def _table(
    wb: Workbook,
    name: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    fmt: _Formats,
) -> None:
    """A sheet with a header row, filter buttons, a frozen header and one row per item."""
    ws = wb.add_worksheet(name)
    formats = {"date": fmt.date, "money": fmt.money, "percent": fmt.percent}
    for c, (header, width, kind) in enumerate(columns):
        ws.set_column(c, c, width, formats.get(kind))
        ws.write_string(0, c, header, fmt.header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _write(ws, r, c, value, fmt, formats.get(columns[c][2]))
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    ws.freeze_panes(1, 0)


def _write(
    ws: Worksheet, row: int, col: int, value: Any, fmt: _Formats, cell_format: Format | None
) -> None:
    """One value by its type; text is always text (never a formula, link or number)."""
    if value is None or value == "":
        return
    if isinstance(value, Link):
        _write_link(ws, row, col, value.path, fmt.link)
    elif isinstance(value, str):
        ws.write_string(row, col, value[:MAX_TEXT], cell_format)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Ja" if value else "Nej", cell_format)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, cell_format)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt.date)
    else:
        ws.write_string(row, col, str(value)[:MAX_TEXT], cell_format)


def _write_link(ws: Worksheet, row: int, col: int, path: str, cell_format: Format | None) -> None:
    """The path, shown as it is, as a hyperlink that opens the book (not a formula: nothing in
    the report is). Excel links to a Windows or network path as `file:///C:\\…` or
    `file:///\\\\server\\…`, spaces as `%20`; XlsxWriter writes that form from `external:`.
    A path it cannot carry whole (`#` starts an anchor there, a `%` is taken as already
    encoded), a path of another system, or one longer than Excel takes, stays plain text."""
    if not is_windows_path(path) or any(ch in path for ch in "#%") or len(path) > MAX_EXCEL_LINK:
        ws.write_string(row, col, path[:MAX_TEXT], cell_format)
        return
    ws.write_url(row, col, "external:" + path, cell_format, path)


def _overview(wb: Workbook, t: Totals, fmt: _Formats) -> None:
    ws = wb.add_worksheet(OVERSIKT)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 4, 12)
    ws.write_string(0, 0, TITLE, fmt.title)
    ws.write_string(DATE_ROW, 0, "Referensdatum (Idag)")
    ws.write_datetime(DATE_ROW, 1, t.today, fmt.date)
    row = _block(ws, FIGURES_TITLE_ROW, "Nyckeltal", ("Mått", "Värde"), t.key_figures(), fmt)

    tier_top = row
    row = _block(
        ws,
        row,
        "Avtal per enhet och prioritet (aktiva avtal)",
        ("Enhet", "Prioritet 1", "Prioritet 2", "Prioritet 3"),
        t.tiers_by_unit,
        fmt,
    )
    month_top = row
    row = _block(
        ws,
        row,
        "Planerade uppföljningar per månad",
        ("Månad", "Antal"),
        [(f"{MONTHS_SV[m.month - 1][:3]} {m.year}", n) for m, n in t.months],
        fmt,
    )
    step_top = row
    _block(
        ws,
        row,
        "Öppna avvikelser per eskaleringssteg",
        ("Steg", "Antal"),
        [
            (f"{i} {name}", n)
            for i, (name, n) in enumerate(zip(t.step_names, t.open_by_step, strict=True))
        ],
        fmt,
    )

    def rng(top: int, count: int, col: int) -> list[Any]:
        first = top + 2
        return [OVERSIKT, first, col, first + max(count, 1) - 1, col]

    units = len(t.tiers_by_unit)
    tiers = wb.add_chart({"type": "column", "subtype": "stacked"})
    for i, colour in enumerate(_TIER_COLOURS, start=1):
        tiers.add_series(
            {
                "name": [OVERSIKT, tier_top + 1, i],
                "categories": rng(tier_top, units, 0),
                "values": rng(tier_top, units, i),
                "fill": {"color": colour},
            }
        )
    tiers.set_title({"name": "Avtal per prioritet och enhet"})
    months = wb.add_chart({"type": "column"})
    months.add_series(
        {
            "name": "Planerade uppföljningar",
            "categories": rng(month_top, len(t.months), 0),
            "values": rng(month_top, len(t.months), 1),
        }
    )
    months.set_title({"name": "Planerade uppföljningar per månad"})
    months.set_legend({"none": True})
    steps = wb.add_chart({"type": "bar"})
    steps.add_series(
        {
            "name": "Öppna avvikelser",
            "categories": rng(step_top, len(t.open_by_step), 0),
            "values": rng(step_top, len(t.open_by_step), 1),
        }
    )
    steps.set_title({"name": "Öppna avvikelser per eskaleringssteg"})
    steps.set_legend({"none": True})
    # The charts stand beside the figures, one below the other; the tier chart grows with
    # the number of units so every unit keeps a readable column.
    anchor = FIGURES_TITLE_ROW
    for chart, height_rows in ((tiers, max(16, units // 2 + 8)), (months, 16), (steps, 14)):
        chart.set_size({"width": 760, "height": _ROW_PX * height_rows})
        ws.insert_chart(anchor, _CHART_COLUMN, chart)
        anchor += height_rows + 1
    ws.activate()


_TIER_COLOURS = ("#C00000", "#ED7D31", "#5B9BD5")
_CHART_COLUMN = 6
_ROW_PX = 20


def _block(
    ws: Worksheet,
    top: int,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    fmt: _Formats,
) -> int:
    """A titled block from row `top`; returns the row after it and a blank line."""
    ws.write_string(top, 0, title, fmt.bold)
    for c, header in enumerate(headers):
        ws.write_string(top + 1, c, header, fmt.header)
    for r, row in enumerate(rows, start=top + 2):
        for c, value in enumerate(row):
            _write(ws, r, c, value, fmt, None)
    return top + 2 + len(rows) + 1
