"""The report's goal table: each book's goals with their outcome, and the whole organisation's.

A whole-organisation row stands for every goal the books set for one measure, direction and
period. Its outcome is the measure over the books with that goal: counts and kronor summed, a
percentage recomputed from the books' numerators and denominators (`goals.total`). Its goal is
the books' goals added up the same way: for a count each book's target summed (each unit's
allowance together), for a percentage the share of all the contracts counted that the books'
targets ask for, each book's target weighted by the contracts it counts (equal targets give
that target; with nothing to count, the strictest target). Reached or not is compared exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from xlsxwriter.workbook import Workbook

from ..core.goals import (
    AT_LEAST,
    GoalResult,
    Share,
    achieved,
    is_percent,
    period_key,
    verdict,
)
from ..core.goals import total as total_share
from ..workbook.colours import VERDICT_FORMATS
from .records import BookRecord

SHEET = "Mål"
WHOLE = "Hela organisationen"
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Böcker", 8, ""),
    ("Mått", 40, ""),
    ("Riktning", 9, ""),
    ("Mål", 9, ""),
    ("Utfall", 9, ""),
    ("Uppnått", 9, ""),
    ("Period", 12, ""),
    ("Kommentar", 40, ""),
)

Cell = str | int | float | date | None
#: Books' goals grouped as one whole-organisation row: measure, direction, period as compared.
_Key = tuple[str, str, str]


def rows(records: Sequence[BookRecord]) -> list[list[Cell]]:
    """One row per goal of each book (books in the given order), then one per measure,
    direction and period for the whole organisation."""
    out: list[list[Cell]] = []
    groups: dict[_Key, list[tuple[BookRecord, GoalResult]]] = {}
    for r in records:
        seen: set[_Key] = set()
        for g in r.goals:
            out.append(
                [
                    r.unit,
                    r.file_name,
                    1,
                    g.measure,
                    g.direction,
                    g.target,
                    g.outcome,
                    g.achieved_text,
                    g.period or None,
                    g.comment or None,
                ]
            )
            key = (g.measure, g.direction, period_key(g.period))
            if key not in seen:  # a book's second goal for the same is a finding in the book
                seen.add(key)
                groups.setdefault(key, []).append((r, g))
    for (measure, direction, _period), members in groups.items():
        share, target = whole_organisation(measure, direction, members)
        out.append(
            [
                WHOLE,
                None,
                len(members),
                measure,
                direction,
                round(float(target), 2),
                share.outcome,
                verdict(achieved(share, target, direction)),
                members[0][1].period or None,
                None,
            ]
        )
    return out


def colour(wb: Workbook, count: int) -> None:
    """`Uppnått` on the sheet of `count` rows green for Ja and red for Nej, as on `Översikt`."""
    ws = wb.get_worksheet_by_name(SHEET)
    column = [header for header, _width, _kind in COLUMNS].index("Uppnått")
    for text, look in VERDICT_FORMATS.items():
        ws.conditional_format(
            1,
            column,
            max(count, 1),
            column,
            {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": wb.add_format(look)},
        )


def whole_organisation(
    measure: str, direction: str, members: Sequence[tuple[BookRecord, GoalResult]]
) -> tuple[Share, Fraction]:
    """The measure over the books that set the goal, and the goal they add up to."""
    parts = [r.shares[measure] for r, _g in members]
    share = total_share(parts)
    targets = [Fraction(g.target) for _r, g in members]
    if not is_percent(measure):
        return share, sum(targets, Fraction(0))
    weights = [Fraction(p.denominator or 0) for p in parts]
    if not sum(weights):
        return share, max(targets) if direction == AT_LEAST else min(targets)
    weighted = sum((t * w for t, w in zip(targets, weights, strict=True)), Fraction(0))
    return share, weighted / sum(weights)
