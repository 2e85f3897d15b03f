"""Goals (`Mål`): each against its key figure, Minst and Högst at and around the target, a share
of nothing, the sheet's bad rows as located findings, and the goal table of `Översikt`."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from helpers import TODAY, contract, flatten, follow_up, goal, run, setting

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.core.engine import evaluate
from avtalsbok.core.goals import Share, achieved, total
from avtalsbok.core.overview import GOALS_TITLE, OWNERS_TITLE, block_positions


def outcomes(*goals: dict[str, object], **rows: Any) -> list[tuple[object, ...]]:
    """The goal table of `Översikt` for a book with these goals: (Mått, Mål, Utfall, Uppnått,
    Period) per goal."""
    return [g.cells() for g in run(goals=goals, **rows).figures.goals]


# Two audits (by type and by method), one meeting: three follow-ups of one contract.
AUDITED: dict[str, Any] = {
    "contracts": [contract(sustainability="Ja")],
    "follow_ups": [
        follow_up(date=date(2025, 1, 10), type="Revision"),
        follow_up(date=date(2024, 11, 5), type="Uppföljningsmöte", method="Revision"),
        follow_up(date=date(2025, 2, 3)),
    ],
}


@pytest.mark.parametrize(
    ("direction", "target", "reached"),
    [
        ("Minst", 1, "Ja"),
        ("Minst", 2, "Ja"),  # exactly at the goal
        ("Minst", 3, "Nej"),
        ("Högst", 1, "Nej"),
        ("Högst", 2, "Ja"),  # exactly at the goal
        ("Högst", 3, "Ja"),
    ],
)
def test_a_count_reaches_its_goal_at_the_target_itself(
    direction: str, target: int, reached: str
) -> None:
    assert outcomes(goal("Revisioner totalt", target, direction, "2025"), **AUDITED) == [
        ("Revisioner totalt", target, 2, reached, "2025")
    ]


def test_a_percentage_is_compared_exactly_not_as_shown() -> None:
    """Two of three running contracts on plan: 66.7 % shown, 66.66… % compared."""
    contracts = [contract(contract_id=i) for i in ("A1", "A2", "A3")]
    follow_ups = [follow_up(contract_id=i, date=date(2025, 3, 1)) for i in ("A1", "A2")]
    book = {"contracts": contracts, "follow_ups": follow_ups}
    measure = "Uppföljningstäckning (%)"
    assert outcomes(
        goal(measure, 66.7), goal(measure, 66.6), goal(measure, 66.7, "Högst"), **book
    ) == [
        (measure, 66.7, 66.7, "Nej", None),
        (measure, 66.6, 66.7, "Ja", None),
        (measure, 66.7, 66.7, "Ja", None),
    ]


def test_a_percentage_of_no_contracts_has_no_outcome() -> None:
    """No contract has sustainability conditions: the share of them followed up is blank, and
    so is whether the goal is reached, in either direction."""
    measure = "Andel uppföljda avtal med hållbarhetsvillkor (%)"
    assert outcomes(goal(measure, 80), goal(measure, 0, "Högst"), contracts=[contract()]) == [
        (measure, 80, None, None, None),
        (measure, 0, None, None, None),
    ]


def test_samples_performed_are_this_years_audits_up_to_today() -> None:
    follow_ups = [
        follow_up(date=date(2025, 1, 2), type="Revision"),
        follow_up(date=date(2025, 3, 14), method="Revision"),  # today
        follow_up(date=date(2024, 12, 31), type="Revision"),  # last year
        follow_up(date=date(2025, 2, 1)),  # a meeting
    ]
    assert outcomes(
        goal("Stickprov genomförda", 5, period="2025"),
        contracts=[contract()],
        follow_ups=follow_ups,
    ) == [("Stickprov genomförda", 5, 2, "Nej", "2025")]


def test_every_measure_of_the_list_has_an_outcome() -> None:
    results = run(goals=[goal(m, 0) for m in schema.GOAL_MEASURES], **AUDITED).figures.goals
    assert [(g.measure, g.outcome) for g in results] == [
        ("Uppföljningstäckning (%)", 100.0),
        ("Försenade uppföljningar", 0),
        ("Försenade åtgärdsplaner", 0),
        ("Öppna avvikelser", 0),
        ("Avvikelser med sanktionsrisk", 0),
        ("Andel uppföljda avtal med hållbarhetsvillkor (%)", 100.0),
        ("Revisioner totalt", 2),
        ("Stickprov genomförda", 1),
        ("Avtal med revision", 1),
        ("Kostnad för revisioner (kr)", 0.0),
        ("Fel i arbetsboken", 0),
    ]


def test_bad_goal_rows_are_located_findings_and_stay_off_the_overview() -> None:
    r = run(
        [contract()],
        goals=[
            goal("Nöjda kunder", 90),  # row 2: no such measure
            goal("Öppna avvikelser", "några", "Högst"),  # row 3: not a number
            goal("Öppna avvikelser", 3, None),  # row 4: no direction
            goal("Öppna avvikelser", 3, "Mer"),  # row 5: no such direction
            goal("Uppföljningstäckning (%)", 120),  # row 6: above 100 %
            goal("Öppna avvikelser", -1, "Högst"),  # row 7: below zero
            goal("Fel i arbetsboken", 0, "Högst", "2026"),  # row 8
            goal("fel i  arbetsboken", "0", "högst", " 2026 "),  # row 9: the same goal again
        ],
    )
    assert [f for f in flatten(r.findings) if f[0] == schema.MAL] == [
        ("Mål", 2, "A", "not-in-list"),
        ("Mål", 3, "B", "invalid-number"),
        ("Mål", 4, "C", "missing-value"),
        ("Mål", 5, "C", "not-in-list"),
        ("Mål", 6, "B", "goal-percent-range"),
        ("Mål", 7, "B", "out-of-range"),
        ("Mål", 9, "A", "duplicate-goal"),
        ("Mål", 9, "B", "number-as-text"),
    ]
    # Rows 8 and 9 are complete and without an error; a target above 100 % is an error, off
    # the overview like the others.
    assert [g.row for g in r.figures.goals] == [8, 9]
    assert r.figures.goals[1].measure == "Fel i arbetsboken"


def test_a_row_with_only_the_officers_own_column_is_blank_on_sheets_without_computed_columns() -> (
    None
):
    """A note in a column of the officer's own on `Mål` or `Index`, nothing else on the row."""
    sheets = {
        schema.AVTAL: [contract()],
        schema.MAL: [
            {**goal("Öppna avvikelser", 0, "Högst"), "Egen anteckning": None},
            {"Mått": None, "Egen anteckning": "Att diskutera"},
        ],
        schema.INDEX: [
            {"Serie": None, "Månad": None, "Värde": None, "Egen anteckning": "Hämtas från SCB"}
        ],
    }
    r = evaluate(BookInput.from_records(sheets), today=TODAY)
    assert (r.findings, [g.row for g in r.figures.goals]) == ([], [2])


def test_a_book_without_goals_runs_as_before() -> None:
    r = run([contract()])
    assert (r.findings, r.figures.goals) == ([], ())


def test_the_goal_table_stands_after_the_fixed_blocks_and_before_the_owners() -> None:
    r = run(
        [contract(owner="Eva")],
        settings=[setting("Idag", TODAY)],
        goals=[goal("Öppna avvikelser", 0, "Högst", "2025")],
    )
    grid = r.sheets()[schema.OVERSIKT]
    titles = [row[0] for row in grid if len(row) == 1]
    assert titles[-3:] == ["Avtalsförvaltning", GOALS_TITLE, OWNERS_TITLE]
    at = next(i for i, row in enumerate(grid) if row == [GOALS_TITLE])
    assert grid[at + 1 : at + 3] == [
        ["Mått", "Mål", "Utfall", "Uppnått", "Period"],
        ["Öppna avvikelser", 0, 0, "Ja", "2025"],
    ]
    # Below every block at a fixed row.
    assert at + 1 > max(last for _first, last in block_positions().values())


def test_many_books_parts_add_up_and_a_share_is_recomputed() -> None:
    """40 of 50 and 1 of 10 followed up: 41 of 60 (68.3 %), not the mean of 80 % and 10 %."""
    together = total([Share(40, 50), Share(1, 10)])
    assert (together, together.outcome) == (Share(41, 60), 68.3)
    assert total([Share(3), Share(4)]) == Share(7)
    assert (achieved(together, 68.3, "Minst"), achieved(together, 68.4, "Minst")) == (True, False)
    assert achieved(Share(0, 0), 0, "Högst") is None


def test_a_percentage_goal_may_be_100_and_one_measure_may_have_a_goal_per_period() -> None:
    r = run(
        [contract()],
        goals=[
            goal("Uppföljningstäckning (%)", 100, period="2025"),
            goal("Uppföljningstäckning (%)", 100.5, period="2026"),
            goal("Uppföljningstäckning (%)", 90, period="VT 2026"),
        ],
    )
    assert [(f.row, f.code, f.value, f.message) for f in r.findings] == [
        (
            3,
            "goal-percent-range",
            100.5,
            "Målet 100,5 för Uppföljningstäckning (%) är en andel i procent och måste ligga "
            "mellan 0 och 100.",
        )
    ]
    assert [g.row for g in r.figures.goals] == [2, 4]  # 100 % exactly is a goal; 100,5 is not


def test_a_goal_set_twice_names_the_row_of_the_first() -> None:
    r = run(
        [contract()],
        goals=[goal("Öppna avvikelser", 0, "Högst"), goal("Öppna avvikelser", 1, "Högst")],
    )
    assert [(f.row, f.column, f.value, f.message) for f in r.findings] == [
        (
            3,
            "A",
            "Öppna avvikelser",
            "Det finns redan ett mål för Öppna avvikelser med samma period på rad 2. Båda visas "
            "på Översikt; ta bort det som inte gäller.",
        )
    ]


def test_a_result_keeps_the_goals_direction_and_comment() -> None:
    row = {**goal("Öppna avvikelser", 2, "Högst", "2025"), "Kommentar": "Enligt planen"}
    first, second = run([contract()], goals=[row, goal("Fel i arbetsboken", 0)]).figures.goals
    assert (first.direction, first.comment, first.row) == ("Högst", "Enligt planen", 2)
    assert (second.direction, second.comment, second.period) == ("Minst", "", "")
