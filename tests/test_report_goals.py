"""The report's goal table: each book's goals as the book shows them, and the whole
organisation's, counts summed and percentages recomputed against the goals added up."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from helpers import contract, follow_up, goal, run

from avtalsbok.core.goals import shares
from avtalsbok.report.goals import SHEET, WHOLE, rows
from avtalsbok.report.records import BookRecord, BookStatus
from avtalsbok.report.workbook import report_bytes

TODAY = date(2025, 3, 14)
COVERAGE = "Uppföljningstäckning (%)"
LATE = "Försenade uppföljningar"


def record(unit: str, running: int, late: int, *goals: dict[str, object]) -> BookRecord:
    """A unit's book of `running` contracts, `late` of them never followed up (so overdue),
    the others followed up this month, with these goals."""
    contracts = [contract(contract_id=f"A{i}") for i in range(running)]
    follow_ups = [
        follow_up(contract_id=f"A{i}", date=date(2025, 3, 3)) for i in range(late, running)
    ]
    result = run(contracts, follow_ups, goals=goals)
    f = result.figures
    return BookRecord(
        f"{unit}/avtal.xlsx", unit, BookStatus.OK, today=TODAY, goals=f.goals, shares=shares(f)
    )


def test_each_books_goals_then_the_whole_organisations() -> None:
    skola = record("Skola", 3, 1, goal(COVERAGE, 90, period="2025"), goal(LATE, 0, "Högst", "2025"))
    vard = record("Vård", 1, 0, goal(COVERAGE, 80, period="2025"), goal(LATE, 2, "Högst", "2025"))
    kultur = record("Kultur", 2, 2, goal(LATE, 1, "Högst", "2026"))
    # Enhet, Fil, Böcker, Mått, Riktning, Mål, Utfall, Uppnått, Period
    assert [tuple(row[:9]) for row in rows([skola, vard, kultur])] == [
        ("Skola", "avtal.xlsx", 1, COVERAGE, "Minst", 90, 66.7, "Nej", "2025"),
        ("Skola", "avtal.xlsx", 1, LATE, "Högst", 0, 1, "Nej", "2025"),
        ("Vård", "avtal.xlsx", 1, COVERAGE, "Minst", 80, 100.0, "Ja", "2025"),
        ("Vård", "avtal.xlsx", 1, LATE, "Högst", 2, 0, "Ja", "2025"),
        ("Kultur", "avtal.xlsx", 1, LATE, "Högst", 1, 2, "Nej", "2026"),
        # 3 of 4 contracts on plan, against (90 × 3 + 80 × 1) / 4: not the mean of the books.
        (WHOLE, None, 2, COVERAGE, "Minst", 87.5, 75.0, "Nej", "2025"),
        # One late follow-up against an allowance of 0 + 2.
        (WHOLE, None, 2, LATE, "Högst", 2, 1, "Ja", "2025"),
        # Another period is a goal of its own.
        (WHOLE, None, 1, LATE, "Högst", 1, 2, "Nej", "2026"),
    ]


def test_equal_percentage_goals_stay_the_goal_and_a_share_of_nothing_is_blank() -> None:
    share = "Andel uppföljda avtal med hållbarhetsvillkor (%)"
    books = [record(unit, 1, 0, goal(share, 75)) for unit in ("Skola", "Vård")]
    assert tuple(rows(books)[-1][2:8]) == (2, share, "Minst", 75, None, None)
    covered = [record(unit, n, 1, goal(COVERAGE, 66.7)) for unit, n in (("Skola", 3), ("Vård", 6))]
    # 2 of 3 and 5 of 6: 7 of 9 (77.8 %) against the same 66.7.
    assert tuple(rows(covered)[-1][2:8]) == (2, COVERAGE, "Minst", 66.7, 77.8, "Ja")


def test_the_report_has_the_goal_sheet() -> None:
    books = [record("Skola", 2, 0, goal(LATE, 0, "Högst", "2025"))]
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(books, TODAY)))
    assert [tuple(r) for r in wb[SHEET].iter_rows(max_col=8, values_only=True)] == [
        ("Enhet", "Fil", "Böcker", "Mått", "Riktning", "Mål", "Utfall", "Uppnått"),
        ("Skola", "avtal.xlsx", 1, LATE, "Högst", 0, 0, "Ja"),
        (WHOLE, None, 1, LATE, "Högst", 0, 0, "Ja"),
    ]
    rules = [
        (str(cf.sqref), rule.formula, rule.dxf.fill.bgColor.rgb[-6:])
        for cf in wb[SHEET].conditional_formatting
        for rule in cf.rules
    ]
    assert rules == [("H2:H3", ['"Ja"'], "C6EFCE"), ("H2:H3", ['"Nej"'], "FFC7CE")]
