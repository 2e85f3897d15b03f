"""Boundaries of what needs action per avtalsansvarig (docs/regler.md, Översikt, "Att göra per
avtalsansvarig"): a follow-up late from the day after it was due, one due within 30 days, a
decision within 90 days, a late deviation even on a contract the book does not hold."""

from datetime import date
from typing import Any

import pytest
from helpers import contract, deviation, follow_up, run

from avtalsbok.core.owners import UNOWNED, OwnerLoad, merged, ranked


def loads(today: date, contracts: list[Any], *rows: Any, **kw: Any) -> list[tuple[Any, ...]]:
    r = run(contracts, list(rows), today=today, **kw)
    return [load.cells() for load in r.figures.owners]


#: Tier 2, followed up on Thursday 11 April 2024: next follow-up Friday 11 April 2025.
YEARLY = contract(owner="Bo", manual_priority=2, motivation="t")
DONE = follow_up(date=date(2024, 4, 11))


@pytest.mark.parametrize(
    ("today", "cells"),
    [
        (date(2025, 3, 11), []),  # due in 31 days
        (date(2025, 3, 12), [("Bo", 0, 1, 0, 0)]),  # in 30 days
        (date(2025, 4, 11), [("Bo", 0, 1, 0, 0)]),  # today: not yet late
        (date(2025, 4, 12), [("Bo", 1, 0, 0, 0)]),  # a day late
    ],
)
def test_a_follow_up_is_due_from_30_days_before_and_late_the_day_after(
    today: date, cells: list[tuple[Any, ...]]
) -> None:
    assert loads(today, [YEARLY], DONE) == cells


#: Decide on extension by Monday 2 June 2025.
EXTENSION = contract(owner="Bo", end=date(2025, 9, 30), notice_months=3, extension_option="1+1")


@pytest.mark.parametrize(
    ("today", "decisions"),
    [
        (date(2025, 3, 3), 0),  # 91 days before
        (date(2025, 3, 4), 1),  # 90 days before
        (date(2025, 6, 2), 1),  # the day itself
        (date(2025, 6, 3), 0),  # passed
    ],
)
def test_a_decision_is_due_from_90_days_before_to_its_day(today: date, decisions: int) -> None:
    r = run([EXTENSION], [follow_up(date=today)], today=today)
    assert [load.decisions_due for load in r.figures.owners] == ([1] if decisions else [])


def test_a_late_deviation_on_a_contract_not_in_the_book_has_no_owner() -> None:
    late = deviation(contract_id="X9", step=1, plan_deadline=date(2025, 3, 10))
    r = run([contract(owner="Bo")], [follow_up()], [late])
    assert [load.cells() for load in r.figures.owners] == [(UNOWNED, 0, 0, 0, 1)]


def test_with_as_much_late_and_to_decide_more_follow_ups_due_comes_first() -> None:
    few, many = OwnerLoad("Anna", follow_ups_due=1), OwnerLoad("Bo", follow_ups_due=2)
    assert ranked([few, many]) == (many, few)


def test_loads_of_one_owner_from_several_books_are_added_up_under_the_first_spelling() -> None:
    first = OwnerLoad("Eva", 1, 2, 3, 4)
    second = OwnerLoad("EVA ", 10, 20, 30, 40)
    other = OwnerLoad("Bo", 0, 1, 0, 0)
    assert [load.cells() for load in merged([first, other, second])] == [
        ("Eva", 11, 22, 33, 44),
        ("Bo", 0, 1, 0, 0),
    ]
