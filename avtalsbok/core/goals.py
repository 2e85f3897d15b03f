"""Rule: the organisation's goals (the `Mål` sheet) against the key figures of `Översikt`.

Each measure a goal may name (`schema.GOAL_MEASURES`) is a key figure kept as a numerator and,
for a percentage, a denominator, so that a report over many books can add the parts up and
recompute the share instead of averaging percentages. A goal is reached (`Uppnått` Ja) when the
outcome is at least the target (`Minst`) or at most it (`Högst`), compared exactly; a percentage
of nothing (no contract to count) has no outcome, and its goal is neither reached nor missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from . import schema
from .findings import Finding
from .models import Goal
from .validate import ColumnMap

if TYPE_CHECKING:  # `overview` holds the figures and imports this module for the results
    from .overview import KeyFigures

AT_LEAST, AT_MOST = schema.GOAL_DIRECTIONS
YES, NO = schema.YES_NO


class Share(NamedTuple):
    """A measure's parts: a count (or kronor), or a percentage's numerator and denominator."""

    numerator: float
    denominator: float | None = None

    @property
    def outcome(self) -> float | None:
        """The figure as `Översikt` shows it: the count, or the percentage with one decimal
        (None for a percentage of nothing)."""
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return None
        return round(100.0 * self.numerator / self.denominator, 1)


def total(parts: Iterable[Share]) -> Share:
    """Many books' parts together: counts summed, a percentage's numerators and denominators
    summed (the share recomputed, not the books' percentages averaged)."""
    numerator, denominator, percent = 0.0, 0.0, False
    for part in parts:
        numerator += part.numerator
        if part.denominator is not None:
            denominator += part.denominator
            percent = True
    return Share(numerator, denominator if percent else None)


def _count(figure: Callable[[KeyFigures], float]) -> Callable[[KeyFigures], Share]:
    return lambda f: Share(figure(f))


def _percent(
    part: Callable[[KeyFigures], int], whole: Callable[[KeyFigures], int]
) -> Callable[[KeyFigures], Share]:
    return lambda f: Share(part(f), whole(f))


#: Each measure's parts, from the key figures (the same figures `Översikt` shows).
MEASURES: dict[str, Callable[[KeyFigures], Share]] = {
    "Uppföljningstäckning (%)": _percent(lambda f: f.follow_ups_on_plan, lambda f: f.running),
    "Försenade uppföljningar": _count(lambda f: f.follow_ups_overdue),
    "Försenade åtgärdsplaner": _count(lambda f: f.overdue_action_plans),
    "Öppna avvikelser": _count(lambda f: f.open_deviations),
    "Avvikelser med sanktionsrisk": _count(lambda f: f.passive_deviations),
    "Andel uppföljda avtal med hållbarhetsvillkor (%)": _percent(
        lambda f: f.sustainability_followed_up, lambda f: f.sustainability_contracts
    ),
    "Revisioner totalt": _count(lambda f: f.audits),
    "Stickprov genomförda": _count(lambda f: f.audits_this_year),
    "Avtal med revision": _count(lambda f: f.audited_contracts),
    "Kostnad för revisioner (kr)": _count(lambda f: f.audit_cost),
    "Fel i arbetsboken": _count(lambda f: f.errors),
}


def is_percent(measure: str) -> bool:
    """Whether the measure is a share in percent (recomputed from its parts over many books)."""
    return measure.endswith("(%)")


def shares(figures: KeyFigures) -> dict[str, Share]:
    """Every measure's parts for one book."""
    return {name: measure(figures) for name, measure in MEASURES.items()}


def achieved(share: Share, target: float | Fraction, direction: str) -> bool | None:
    """Whether the outcome reaches the target, compared exactly (a percentage as its fraction,
    not as the rounded figure shown); None when there is no outcome."""
    if share.denominator is not None:
        if not share.denominator:
            return None
        value = Fraction(100) * Fraction(share.numerator) / Fraction(share.denominator)
    else:
        value = Fraction(share.numerator)
    goal = Fraction(target)
    return value >= goal if direction == AT_LEAST else value <= goal


def verdict(reached: bool | None) -> str | None:
    """`Uppnått` as shown: Ja, Nej, or blank without an outcome."""
    return None if reached is None else YES if reached else NO


@dataclass(frozen=True, slots=True)
class GoalResult:
    """One goal with its outcome: `Uppnått` is None when the outcome is blank."""

    measure: str
    target: float
    direction: str
    period: str
    comment: str
    outcome: float | None
    achieved: bool | None
    #: The goal's Excel row on `Mål` (0 for a goal over many books).
    row: int = 0

    @property
    def achieved_text(self) -> str | None:
        return verdict(self.achieved)

    def cells(self) -> tuple[str, float, float | None, str | None, str | None]:
        """The row of `Översikt`'s goal table: Mått, Mål, Utfall, Uppnått, Period (blank cells
        as None)."""
        return (self.measure, self.target, self.outcome, self.achieved_text, self.period or None)


#: The headers of a goal table (`Översikt`, the batch report).
HEADERS = ("Mått", "Mål", "Utfall", "Uppnått", "Period")


def results(goals: Sequence[Goal], figures: KeyFigures) -> tuple[GoalResult, ...]:
    """Every complete goal of the sheet (measure, target and direction all readable), in sheet
    order, with its outcome; a row with a finding in one of those three (a percentage above 100
    too) is left out."""
    parts = shares(figures)
    out = []
    for g in goals:
        if g.measure is None or g.target is None or g.direction is None:
            continue
        if _above_100(g.measure, g.target):
            continue
        share = parts[g.measure]
        out.append(
            GoalResult(
                g.measure,
                g.target,
                g.direction,
                g.period or "",
                g.comment or "",
                share.outcome,
                achieved(share, g.target, g.direction),
                g.row,
            )
        )
    return tuple(out)


def _above_100(measure: str, target: float) -> bool:
    """A percentage goal above 100 %: `goal-percent-range`, and no goal to measure against."""
    return is_percent(measure) and target > 100


def period_key(period: str | None) -> str:
    """A period as goals are compared by: case and spaces aside."""
    return schema.normalize_header(period or "")


def check_goals(goals: Sequence[Goal], columns: ColumnMap) -> list[Finding]:
    """A percentage target above 100, and a second complete goal (measure, target and
    direction readable) for the same measure and period."""
    found: list[Finding] = []
    first: dict[tuple[str, str], int] = {}
    for g in goals:
        if g.measure is None or g.target is None or g.direction is None:
            continue
        if _above_100(g.measure, g.target):
            found.append(
                columns.at(
                    "target",
                    g.row,
                    "goal-percent-range",
                    g.target,
                    measure=g.measure,
                    target=f"{g.target:g}".replace(".", ","),
                )
            )
        key = (g.measure, period_key(g.period))
        if key in first:
            found.append(
                columns.at(
                    "measure",
                    g.row,
                    "duplicate-goal",
                    g.measure,
                    measure=g.measure,
                    first=first[key],
                )
            )
        else:
            first[key] = g.row
    return found
