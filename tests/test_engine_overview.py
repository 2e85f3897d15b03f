"""`Översikt` as the officer sees it: every block title, header and row label of `grid()` for
small key figures, the fixed rows of the blocks and the ranges the charts point at, the column the
`Uppnått` colours cover, the month labels and the sheet of an empty book."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from avtalsbok.core.goals import GoalResult
from avtalsbok.core.overview import (
    KeyFigures,
    block_positions,
    block_spans,
    charts,
    empty_grid,
    grid,
    next_months,
    tall_rows,
    verdict_column,
)
from avtalsbok.core.owners import OwnerLoad

TODAY = date(2026, 11, 3)
AT = datetime(2026, 11, 3, 7, 45)

# Every figure distinct, so that each row label is pinned to its own figure.
FIGURES = KeyFigures(
    today=TODAY,
    computed_at=AT,
    contracts=41,
    active=32,
    not_started=3,
    ended=9,
    expiring=4,
    extension_decisions=2,
    procurements=5,
    evaluations_due=6,
    samples_proposed=7,
    price_adjustments_90=8,
    follow_ups_overdue=11,
    follow_ups_due_30=12,
    follow_ups_due_90=13,
    coverage_pct=87.5,
    open_deviations=14,
    overdue_action_plans=15,
    passive_deviations=16,
    errors=17,
    warnings=18,
    tiers=((4, 12.5, 10.0), (10, 31.3, 30.0), (18, 56.2, 60.0)),
    months=tuple(zip(next_months(TODAY), range(21, 33), strict=True)),
    open_by_severity=(31, 32, 33, 34),
    open_by_step=(40, 41, 42, 43, 44),
    sustainability_contracts=3,
    sustainability_followed_up=2,
    audits=7,
    audited_contracts=51,
    audited_suppliers=52,
    audit_cost=1250.5,
    audits_per_supplier=(("Bygg AB", 4, 800.0), ("Städ AB", 3, 450.5)),
    owners=(OwnerLoad("Anna", 1, 2, 3, 4),),
    goals=(GoalResult("Uppföljningstäckning (%)", 90.0, "Minst", "2026", "", 87.5, False),),
)

OVERVIEW = [
    ["Översikt – avtalsbok"],
    ["Referensdatum (Idag)", TODAY],
    ["Beräknad", AT],
    [],
    ["Nyckeltal"],
    ["Mått", "Värde"],
    ["Avtal totalt", 41],
    ["Aktiva avtal (inkl. ej startade)", 32],
    ["Ej startade avtal", 3],
    ["Upphörda avtal", 9],
    ["Avtal som löper ut", 4],
    ["Förlängningsbeslut krävs", 2],
    ["Försenade uppföljningar", 11],
    ["Uppföljningar inom 30 dagar", 12],
    ["Uppföljningar inom 90 dagar", 13],
    ["Uppföljningstäckning (%)", 87.5],
    ["Öppna avvikelser", 14],
    ["Försenade åtgärdsplaner", 15],
    ["Avvikelser med sanktionsrisk", 16],
    ["Fel i arbetsboken", 17],
    ["Varningar i arbetsboken", 18],
    [],
    ["Avtal per prioritet"],
    ["Prioritet", "Antal", "Andel (%)", "Mål (%)"],
    ["Prioritet 1", 4, 12.5, 10.0],
    ["Prioritet 2", 10, 31.3, 30.0],
    ["Prioritet 3", 18, 56.2, 60.0],
    [],
    ["Planerade uppföljningar per månad"],
    ["Månad", "Antal"],
    ["nov 2026", 21],
    ["dec 2026", 22],
    ["jan 2027", 23],
    ["feb 2027", 24],
    ["mar 2027", 25],
    ["apr 2027", 26],
    ["maj 2027", 27],
    ["jun 2027", 28],
    ["jul 2027", 29],
    ["aug 2027", 30],
    ["sep 2027", 31],
    ["okt 2027", 32],
    [],
    ["Öppna avvikelser per allvarlighetsgrad"],
    ["Allvarlighetsgrad", "Antal"],
    ["Låg", 31],
    ["Medel", 32],
    ["Hög", 33],
    ["Allvarlig", 34],
    [],
    ["Öppna avvikelser per eskaleringssteg"],
    ["Steg", "Antal"],
    ["0 Dialog", 40],
    ["1 Åtgärdsplan", 41],
    ["2 Skriftlig varning", 42],
    ["3 Sanktion", 43],
    ["4 Uppsägning/hävning", 44],
    [],
    ["Utvärdering (hållbarhetsvillkor och revisioner)"],
    ["Fråga", "Värde"],
    ["Avtal med hållbarhetsvillkor", 3],
    ["– varav uppföljda", 2],
    ["– andel uppföljda (%)", 66.7],
    ["Revisioner totalt", 7],
    ["Avtal med revision", 51],
    ["Leverantörer med revision", 52],
    ["Kostnad för revisioner (kr)", 1250.5],
    ["Revisioner per avtal med hållbarhetsvillkor", 2.33],
    [],
    ["Revisioner per leverantör"],
    ["Leverantör", "Revisioner", "Kostnad (kr)"],
    ["Bygg AB", 4, 800.0],
    ["Städ AB", 3, 450.5],
    [],
    ["Avtalsförvaltning"],
    ["Mått", "Värde"],
    ["Ny upphandling krävs", 5],
    ["Utvärderingar inför beslut", 6],
    ["Prisjusteringar inom 90 dagar", 8],
    ["Stickprov föreslagna", 7],
    [],
    ["Mål"],
    ["Mått", "Mål", "Utfall", "Uppnått", "Period"],
    ["Uppföljningstäckning (%)", 90.0, 87.5, "Nej", "2026"],
    [],
    ["Att göra per avtalsansvarig"],
    [
        "Avtalsansvarig",
        "Försenade uppföljningar",
        "Uppföljningar inom 30 dagar",
        "Beslut inom 90 dagar",
        "Avvikelser efter tidsgränsen",
    ],
    ["Anna", 1, 2, 3, 4],
    [],
]


def test_the_sheet_shows_every_block_title_header_and_label_beside_its_own_figure() -> None:
    assert grid(FIGURES) == OVERVIEW


def test_the_blocks_stand_at_the_rows_every_book_s_charts_point_at() -> None:
    assert block_positions() == {
        "Nyckeltal": (7, 21),
        "Avtal per prioritet": (25, 27),
        "Planerade uppföljningar per månad": (31, 42),
        "Öppna avvikelser per allvarlighetsgrad": (46, 49),
        "Öppna avvikelser per eskaleringssteg": (53, 57),
        "Utvärdering (hållbarhetsvillkor och revisioner)": (61, 68),
        "Revisioner per leverantör": (72, 71),
        "Avtalsförvaltning": (75, 78),
    }
    # (title row, blank row under the block): the last, open-ended block is left out.
    assert block_spans() == [(5, 22), (23, 28), (29, 43), (44, 50), (51, 58), (59, 69), (70, 72)]
    # The blank row under each charted block, in rows of the default height.
    assert tall_rows() == {28: 11, 43: 2, 50: 10, 58: 9}


def test_the_grid_writes_each_fixed_block_under_its_title_row() -> None:
    rows = grid(FIGURES)  # Excel row n is rows[n - 1]
    fixed = list(block_positions().items())[:7]  # down to the suppliers' title, which grows
    assert [rows[first - 3] for _, (first, _) in fixed] == [[title] for title, _ in fixed]
    assert all(rows[last] == [] for _, (_, last) in fixed[:6])


def test_the_charts_point_at_the_fixed_blocks_with_the_sheet_name_quoted() -> None:
    specs = [(c.title, c.kind, c.categories, c.values, c.series_name, c.anchor) for c in charts()]
    assert specs == [
        ("Avtal per prioritet", "column", "='Översikt'!$A$25:$A$27", "='Översikt'!$B$25:$B$27",
         "Antal avtal", "E23"),
        ("Planerade uppföljningar per månad", "column", "='Översikt'!$A$31:$A$42",
         "='Översikt'!$B$31:$B$42", "Planerade uppföljningar", "E29"),
        ("Öppna avvikelser per allvarlighetsgrad", "bar", "='Översikt'!$A$46:$A$49",
         "='Översikt'!$B$46:$B$49", "Öppna avvikelser", "E44"),
        ("Öppna avvikelser per eskaleringssteg", "bar", "='Översikt'!$A$53:$A$57",
         "='Översikt'!$B$53:$B$57", "Öppna avvikelser", "E51"),
    ]  # fmt: skip
    assert [(c.categories, c.values) for c in charts("Kim's")][:1] == [
        ("='Kim''s'!$A$25:$A$27", "='Kim''s'!$B$25:$B$27")
    ]


def test_the_verdict_colours_cover_uppnatt_from_the_goal_title_of_an_empty_book() -> None:
    assert verdict_column() == (80, 4)


def test_an_empty_book_plans_twelve_months_from_this_one_across_the_new_year() -> None:
    rows = empty_grid(TODAY)
    assert rows[:4] == [
        ["Översikt – avtalsbok"],
        ["Referensdatum (Idag)", TODAY],
        ["Beräknad", datetime(2026, 11, 3, 0, 0)],
        [],
    ]
    assert isinstance(rows[2][1], datetime)
    first, last = block_positions()["Planerade uppföljningar per månad"]
    assert rows[first - 1 : last] == [
        [label, 0]
        for label in (
            "nov 2026", "dec 2026", "jan 2027", "feb 2027", "mar 2027", "apr 2027",
            "maj 2027", "jun 2027", "jul 2027", "aug 2027", "sep 2027", "okt 2027",
        )
    ]  # fmt: skip


def test_an_empty_book_shows_nothing_but_zeros_and_the_tier_targets() -> None:
    rows = empty_grid(date(2026, 1, 15))
    figures = {cell for row in rows[4:] for cell in row[1:] if not isinstance(cell, str)}
    assert figures == {0, 10.0, 30.0, 60.0}
    assert len(rows) == 85


def test_a_count_missing_from_the_severities_or_steps_fails_rather_than_drops_a_row() -> None:
    with pytest.raises(ValueError):
        grid(KeyFigures(today=TODAY, computed_at=AT, open_by_severity=(1, 2, 3)))
    with pytest.raises(ValueError):
        grid(KeyFigures(today=TODAY, computed_at=AT, open_by_step=(1, 2, 3, 4)))
