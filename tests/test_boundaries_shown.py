"""Whether a cell already shows what a run would write (regler.md, "Bara det som ändrats
skrivs"): equal on value and type as the officer sees it, blanks alike, the rest written."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from avtalsbok.core.shown import same_rows, same_shown


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("AV-1", "AV-1"),
        (3, 3.0),
        (3.0, 3),
        (date(2026, 3, 31), datetime(2026, 3, 31)),
        (datetime(2026, 3, 31), date(2026, 3, 31)),
        (None, ""),
        ("", None),
        (None, None),
        (True, True),
    ],
)
def test_a_cell_already_showing_the_value_is_not_written_again(old: object, new: object) -> None:
    assert same_shown(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("AV-1", "AV-1 "),
        (1, "1"),
        ("1", 1),
        (True, 1),
        (1, True),
        (False, 0),
        (0, None),
        ("", 0),
        (None, "x"),
        ("x", None),
        (3, 4),
        (3.5, 3),
        (date(2026, 3, 31), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 12), date(2026, 3, 31)),
        (date(2026, 3, 31), "2026-03-31"),
        ("2026-03-31", date(2026, 3, 31)),
        (45747, date(2025, 3, 31)),
    ],
)
def test_a_cell_showing_anything_else_is_written(old: object, new: object) -> None:
    assert not same_shown(old, new)


def test_a_sheet_showing_the_grid_is_not_written_again() -> None:
    grid = [["Översikt", None], ["Avtal", 3]]
    assert same_rows([["Översikt"], ["Avtal", 3.0, ""], [None, ""]], grid, ignore=(9, 9))
    assert same_rows([["Översikt", ""], ["Avtal", 3]], [*grid, [None], []], ignore=(9, 9))


def test_one_cell_that_differs_anywhere_in_the_sheet_rewrites_it() -> None:
    grid = [["Översikt", None], ["Avtal", 3]]
    assert not same_rows([["Översikt"], ["Avtal", 4]], grid, ignore=(9, 9))
    assert not same_rows([["Översikt"], ["Avtal"]], grid, ignore=(9, 9))
    assert not same_rows([["Översikt"], ["Avtal", 3, "kvar"]], grid, ignore=(9, 9))
    assert not same_rows([["Översikt"], ["Avtal", 3], [None, "kvar"]], grid, ignore=(9, 9))
    assert not same_rows([["Översikt"], ["Avtal", 3], ["kvar"]], grid, ignore=(9, 9))
    assert not same_rows([["Översikt"]], grid, ignore=(9, 9))


def test_the_cell_set_aside_may_differ_but_only_that_one() -> None:
    grid = [["Översikt", "2026-11-02"], ["Avtal", 3]]
    assert same_rows([["Översikt", "2026-11-01"], ["Avtal", 3]], grid, ignore=(0, 1))
    assert not same_rows([["Översikt", "2026-11-01"], ["Avtal", 4]], grid, ignore=(0, 1))
    assert not same_rows([["Översikt", "2026-11-01"], ["Avtal", 3]], grid, ignore=(1, 0))
    assert not same_rows([["Översikt", "2026-11-01"], ["Avtal", 3]], grid, ignore=(0, 0))
