"""The `Översikt` sheet's fixed layout: key-figure blocks at fixed cells, and the charts over them.

The engine regenerates `Översikt` as a grid of values on every run; the native charts in the
officer's book point at the same cells. Every block but the last four has a fixed number of
rows, so the chart ranges never move. Audits per supplier grows downwards, and the blocks added
after the charts were fixed stand under it, so that no block above them moves: the
contract-life block (new procurements, evaluations, price adjustments), the goals of `Mål` with
their outcome (which grows with the goals), then what needs action per avtalsansvarig (which
grows with the owners).

The block rows are fixed for good: the charts of every book already in use point at them (the
engine rewrites the values, never a book's charts), so a block that moved would leave those
charts showing the wrong figures. Each chart stands beside its own block; the blank row under a
charted block is made as tall as the rest of the chart, so that a page break between blocks
never cuts a chart or parts it from its table, without moving a single row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .goals import HEADERS as GOAL_HEADERS
from .goals import GoalResult
from .owners import HEADERS as OWNER_HEADERS
from .owners import OwnerLoad
from .schema import STEP_NAMES, column_letter

TITLE = "Översikt – avtalsbok"
STEP_NAMES_DEFAULT = STEP_NAMES
SEVERITY_ORDER = ("Låg", "Medel", "Hög", "Allvarlig")
#: The block that grows downwards from a fixed title, and the last block, after all others.
SUPPLIERS_TITLE = "Revisioner per leverantör"
OWNERS_TITLE = "Att göra per avtalsansvarig"
#: The goals of `Mål` with their outcome: after the fixed blocks, before the owners'.
GOALS_TITLE = "Mål"
#: The blocks that flow with the lengths above them, in this order at the end of the sheet.
FLOWING_TITLES = (GOALS_TITLE, OWNERS_TITLE)

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class KeyFigures:
    """Every figure `Översikt` shows (and the reports summarise)."""

    today: date
    computed_at: datetime
    contracts: int = 0
    active: int = 0
    not_started: int = 0
    ended: int = 0
    expiring: int = 0
    extension_decisions: int = 0
    procurements: int = 0
    evaluations_due: int = 0
    samples_proposed: int = 0
    price_adjustments_90: int = 0
    follow_ups_overdue: int = 0
    follow_ups_due_30: int = 0
    follow_ups_due_90: int = 0
    coverage_pct: float = 0.0
    #: started contracts that have not ended, and those of them not late for a follow-up
    running: int = 0
    follow_ups_on_plan: int = 0
    open_deviations: int = 0
    overdue_action_plans: int = 0
    passive_deviations: int = 0
    errors: int = 0
    warnings: int = 0
    #: tier → (count, share %, target %)
    tiers: tuple[tuple[int, float, float], ...] = ((0, 0.0, 10.0), (0, 0.0, 30.0), (0, 0.0, 60.0))
    #: the next 12 months: (first day of month, planned follow-ups)
    months: tuple[tuple[date, int], ...] = ()
    open_by_severity: tuple[int, ...] = (0, 0, 0, 0)
    open_by_step: tuple[int, ...] = (0, 0, 0, 0, 0)
    step_names: tuple[str, ...] = STEP_NAMES_DEFAULT
    sustainability_contracts: int = 0
    sustainability_followed_up: int = 0
    audits: int = 0
    #: audits performed this calendar year up to today (`Stickprov genomförda`)
    audits_this_year: int = 0
    audited_contracts: int = 0
    audited_suppliers: int = 0
    audit_cost: float = 0.0
    #: (supplier, audits, cost) sorted by audits desc, then supplier
    audits_per_supplier: tuple[tuple[str, int, float], ...] = field(default=())
    #: what needs action per avtalsansvarig, the most urgent first
    owners: tuple[OwnerLoad, ...] = field(default=())
    #: the goals of `Mål` with their outcome, in sheet order
    goals: tuple[GoalResult, ...] = field(default=())

    @property
    def sustainability_followed_up_pct(self) -> float:
        if not self.sustainability_contracts:
            return 0.0
        return round(100.0 * self.sustainability_followed_up / self.sustainability_contracts, 1)

    @property
    def audits_per_sustainability_contract(self) -> float:
        if not self.sustainability_contracts:
            return 0.0
        return round(self.audits / self.sustainability_contracts, 2)


@dataclass(frozen=True)
class ChartSpec:
    """A native chart over a block of `Översikt`: categories and values as absolute ranges."""

    title: str
    kind: str  # "column" or "bar" or "pie"
    categories: str
    values: str
    series_name: str
    anchor: str


@dataclass(frozen=True)
class Block:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def next_months(today: date, count: int = 12) -> list[date]:
    """First days of this month and the following ones: the plan's twelve months."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return firsts


def _month_label(d: date) -> str:
    from .schema import MONTHS_SV

    return f"{MONTHS_SV[d.month - 1][:3]} {d.year}"


def blocks(f: KeyFigures) -> list[Block]:
    """The blocks of `Översikt` top to bottom, filled from the figures."""
    months = f.months or tuple((m, 0) for m in next_months(f.today))
    return [
        Block(
            "Nyckeltal",
            ("Mått", "Värde"),
            [
                ("Avtal totalt", f.contracts),
                ("Aktiva avtal (inkl. ej startade)", f.active),
                ("Ej startade avtal", f.not_started),
                ("Upphörda avtal", f.ended),
                ("Avtal som löper ut", f.expiring),
                ("Förlängningsbeslut krävs", f.extension_decisions),
                ("Försenade uppföljningar", f.follow_ups_overdue),
                ("Uppföljningar inom 30 dagar", f.follow_ups_due_30),
                ("Uppföljningar inom 90 dagar", f.follow_ups_due_90),
                ("Uppföljningstäckning (%)", f.coverage_pct),
                ("Öppna avvikelser", f.open_deviations),
                ("Försenade åtgärdsplaner", f.overdue_action_plans),
                ("Avvikelser med sanktionsrisk", f.passive_deviations),
                ("Fel i arbetsboken", f.errors),
                ("Varningar i arbetsboken", f.warnings),
            ],
        ),
        Block(
            "Avtal per prioritet",
            ("Prioritet", "Antal", "Andel (%)", "Mål (%)"),
            [
                (f"Prioritet {i}", n, share, target)
                for i, (n, share, target) in enumerate(f.tiers, 1)
            ],
        ),
        Block(
            "Planerade uppföljningar per månad",
            ("Månad", "Antal"),
            [(_month_label(m), n) for m, n in months],
        ),
        Block(
            "Öppna avvikelser per allvarlighetsgrad",
            ("Allvarlighetsgrad", "Antal"),
            list(zip(SEVERITY_ORDER, f.open_by_severity, strict=True)),
        ),
        Block(
            "Öppna avvikelser per eskaleringssteg",
            ("Steg", "Antal"),
            [
                (f"{i} {name}", n)
                for i, (name, n) in enumerate(zip(f.step_names, f.open_by_step, strict=True))
            ],
        ),
        Block(
            "Utvärdering (hållbarhetsvillkor och revisioner)",
            ("Fråga", "Värde"),
            [
                ("Avtal med hållbarhetsvillkor", f.sustainability_contracts),
                ("– varav uppföljda", f.sustainability_followed_up),
                ("– andel uppföljda (%)", f.sustainability_followed_up_pct),
                ("Revisioner totalt", f.audits),
                ("Avtal med revision", f.audited_contracts),
                ("Leverantörer med revision", f.audited_suppliers),
                ("Kostnad för revisioner (kr)", f.audit_cost),
                (
                    "Revisioner per avtal med hållbarhetsvillkor",
                    f.audits_per_sustainability_contract,
                ),
            ],
        ),
        Block(
            SUPPLIERS_TITLE,
            ("Leverantör", "Revisioner", "Kostnad (kr)"),
            [(s, n, c) for s, n, c in f.audits_per_supplier],
        ),
        Block(
            "Avtalsförvaltning",
            ("Mått", "Värde"),
            [
                ("Ny upphandling krävs", f.procurements),
                ("Utvärderingar inför beslut", f.evaluations_due),
                ("Prisjusteringar inom 90 dagar", f.price_adjustments_90),
                ("Stickprov föreslagna", f.samples_proposed),
            ],
        ),
        # After the blocks at fixed places and the contract-life block: flow with their length.
        Block(GOALS_TITLE, GOAL_HEADERS, [goal.cells() for goal in f.goals]),
        Block(OWNERS_TITLE, OWNER_HEADERS, [load.cells() for load in f.owners]),
    ]


def _placed(all_blocks: list[Block]) -> list[Block]:
    """The blocks laid out from the template's rows: all but the goals' and the owners' at the
    end, which stand wherever the lengths above them put them."""
    return [b for b in all_blocks if b.title not in FLOWING_TITLES]


#: Row where the first block's title stands; rows 1–3 hold the title and dates.
FIRST_BLOCK_ROW = 5
#: The charts: block title → (chart kind, series name). Each stands beside its block.
_CHARTS = {
    "Avtal per prioritet": ("column", "Antal avtal"),
    "Planerade uppföljningar per månad": ("column", "Planerade uppföljningar"),
    "Öppna avvikelser per allvarlighetsgrad": ("bar", "Öppna avvikelser"),
    "Öppna avvikelser per eskaleringssteg": ("bar", "Öppna avvikelser"),
}
#: The column the charts stand in, and how many rows of the default height a chart is tall
#: (XlsxWriter's default chart, 288 pixels, over rows of 20 pixels).
CHART_COLUMN = "E"
CHART_ROWS = 15


#: The cell of `grid` (row, column, from 0) that says when the figures were computed: a run
#: whose figures are all as the book shows them leaves the sheet, and so this time, as it is.
STAMP = (2, 1)


def grid(f: KeyFigures) -> list[list[Cell]]:
    """`Översikt` as rows of cells from A1: what the engine writes on every run."""
    rows: list[list[Cell]] = [
        [TITLE],
        ["Referensdatum (Idag)", f.today],
        ["Beräknad", f.computed_at],
        [],
    ]
    for block in blocks(f):
        rows.append([block.title])
        rows.append(list(block.headers))
        rows.extend(list(r) for r in block.rows)
        rows.append([])
    return rows


#: The figures of an empty book: the layout of the fixed blocks does not depend on its dates.
_EMPTY = KeyFigures(today=date(2000, 1, 1), computed_at=datetime(2000, 1, 1))


def _empty_blocks() -> list[Block]:
    """The blocks laid out from the template's rows, empty."""
    return _placed(blocks(_EMPTY))


def _title_rows() -> dict[str, int]:
    """Block title → the Excel row of its title; one blank row parts a block from the next."""
    out: dict[str, int] = {}
    row = FIRST_BLOCK_ROW
    for block in _empty_blocks():
        out[block.title] = row
        row += 2 + len(block.rows) + 1
    return out


def block_positions() -> dict[str, tuple[int, int]]:
    """Block title → (first data row, last data row), Excel row numbers: where the engine writes
    each block's figures and where the charts of every book point."""
    titles = _title_rows()
    return {
        b.title: (titles[b.title] + 2, titles[b.title] + 1 + len(b.rows)) for b in _empty_blocks()
    }


def block_spans() -> list[tuple[int, int]]:
    """Each block's (title row, the blank row under it), Excel row numbers: the units a printed
    page keeps whole, a chart included (the last block is open-ended and left out)."""
    return [(first - 2, last + 1) for first, last in list(block_positions().values())[:-1]]


def tall_rows() -> dict[int, int]:
    """The blank row under each charted block → its height in rows of the default height: as
    tall as the chart reaches below the block, and a row of space. The template sets these
    heights; the rows themselves stay where they are."""
    out = {}
    for title, (first, last) in block_positions().items():
        if title in _CHARTS:
            taken = last - first + 3  # title, headers and data
            out[last + 1] = max(CHART_ROWS - taken, 0) + 1
    return out


def charts(sheet_name: str = "Översikt") -> list[ChartSpec]:
    """The charts of the template, over the fixed blocks (same for every book)."""
    pos = block_positions()
    quoted = "'" + sheet_name.replace("'", "''") + "'"

    def rng(col: int, rows: tuple[int, int]) -> str:
        letter = column_letter(col)
        return f"={quoted}!${letter}${rows[0]}:${letter}${rows[1]}"

    return [
        ChartSpec(
            title,
            kind,
            rng(1, pos[title]),
            rng(2, pos[title]),
            series,
            f"{CHART_COLUMN}{pos[title][0] - 2}",
        )
        for title, (kind, series) in _CHARTS.items()
    ]


def verdict_column() -> tuple[int, int]:
    """(first Excel row, column number) of the cells the `Uppnått` colours cover, down to the
    sheet's last row: the goal table's column from where its title stands in an empty book.
    The blocks above it only grow, so the table never stands higher, and no other block writes
    text in that column: a rule keyed on the text `Ja` or `Nej` there needs no range per run."""
    title_row = next(i for i, row in enumerate(grid(_EMPTY), 1) if row == [GOALS_TITLE])
    return title_row, GOAL_HEADERS.index("Uppnått") + 1


def empty_grid(today: date) -> list[list[Any]]:
    """The `Översikt` of an empty book, as the template shows it before the first run."""
    return grid(KeyFigures(today=today, computed_at=datetime.combine(today, datetime.min.time())))
