"""The figures of a whole run, added up over every book: what the report's `Översikt`, the
batch summary and the report e-mail show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.overview import STEP_NAMES_DEFAULT, next_months
from ..core.suppliers import name_key
from .records import BookRecord, BookStatus

Figure = tuple[str, int | float]

BOOKS = "Avtalsböcker"
FOLLOW_UPS_OVERDUE = "Försenade uppföljningar"
DEVIATIONS_PAST_DEADLINE = "Avvikelser med passerad åtgärdsplan"


@dataclass(frozen=True)
class Totals:
    """Counts over all books of a run, for the reference date `today`."""

    today: date
    books: int
    ok: int
    with_errors: int
    skipped: int
    unreadable: int
    #: books written, and books left as they were since the run changed nothing in them
    updated: int
    unchanged: int
    contracts: int
    active: int
    follow_ups_overdue: int
    open_deviations: int
    deviations_past_deadline: int
    errors: int
    warnings: int
    #: (unit, tier 1, tier 2, tier 3), units in name order
    tiers_by_unit: tuple[tuple[str, int, int, int], ...]
    #: the twelve months from `today`: (first day of month, planned follow-ups)
    months: tuple[tuple[date, int], ...]
    open_by_step: tuple[int, ...]
    step_names: tuple[str, ...]
    sustainability_contracts: int
    sustainability_followed_up: int
    audits: int
    audited_contracts: int
    audit_cost: float
    #: (supplier, audits, cost, units), most audits first
    audits_per_supplier: tuple[tuple[str, int, float, int], ...]

    @classmethod
    def of(cls, records: Sequence[BookRecord], today: date) -> Totals:
        status = [r.status for r in records]
        by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        months = {(m.year, m.month): 0 for m in next_months(today)}
        steps = [0] * len(STEP_NAMES_DEFAULT)
        # By supplier name as names are compared (`suppliers.name_key`): each book lists its
        # suppliers by the name its first contract with them gives; the first name seen shows.
        suppliers: dict[str, list[Any]] = defaultdict(lambda: [0, 0.0, set(), ""])
        step_names: tuple[str, ...] = ()
        for r in records:
            if r.status is BookStatus.UNREADABLE:
                continue
            counts = by_unit[r.unit]
            for i, n in enumerate(r.tiers):
                counts[i] += n
            for first, n in r.months:
                key = (first.year, first.month)
                if key in months:
                    months[key] += n
            for i, n in enumerate(r.open_by_step[: len(steps)]):
                steps[i] += n
            step_names = step_names or r.step_names
            for supplier, n, cost in r.evaluation.audits_per_supplier:
                entry = suppliers[name_key(supplier) or supplier]
                entry[0] += n
                entry[1] += cost
                entry[2].add(r.unit)
                entry[3] = entry[3] or supplier
        usable = [r for r in records if r.status is not BookStatus.UNREADABLE]
        return cls(
            today=today,
            books=len(records),
            ok=status.count(BookStatus.OK),
            with_errors=status.count(BookStatus.ERRORS),
            skipped=status.count(BookStatus.SKIPPED),
            unreadable=status.count(BookStatus.UNREADABLE),
            updated=sum(1 for r in records if r.written),
            unchanged=sum(1 for r in records if r.unchanged),
            contracts=sum(r.contracts for r in usable),
            active=sum(r.active for r in usable),
            follow_ups_overdue=sum(len(r.overdue_follow_ups) for r in usable),
            open_deviations=sum(r.open_deviations for r in usable),
            deviations_past_deadline=sum(len(r.late_deviations) for r in usable),
            errors=sum(r.errors for r in records),
            warnings=sum(r.warnings for r in records),
            tiers_by_unit=tuple((u, c[0], c[1], c[2]) for u, c in sorted(by_unit.items())),
            months=tuple((date(y, m, 1), n) for (y, m), n in months.items()),
            open_by_step=tuple(steps),
            step_names=step_names or STEP_NAMES_DEFAULT,
            sustainability_contracts=sum(r.evaluation.sustainability_contracts for r in usable),
            sustainability_followed_up=sum(r.evaluation.sustainability_followed_up for r in usable),
            audits=sum(r.evaluation.audits for r in usable),
            audited_contracts=sum(r.evaluation.audited_contracts for r in usable),
            audit_cost=sum(r.evaluation.audit_cost for r in usable),
            audits_per_supplier=tuple(
                sorted(
                    ((e[3], e[0], e[1], len(e[2])) for e in suppliers.values()),
                    key=lambda t: (-t[1], t[0]),
                )
            ),
        )

    @property
    def sustainability_followed_up_pct(self) -> float:
        if not self.sustainability_contracts:
            return 0.0
        return round(100.0 * self.sustainability_followed_up / self.sustainability_contracts, 1)

    def key_figures(self) -> list[Figure]:
        """The headline figures, labelled in Swedish, in the order every output shows them."""
        return [
            (BOOKS, self.books),
            ("– utan fel", self.ok),
            ("– med fel", self.with_errors),
            ("– överhoppade (öppna hos någon)", self.skipped),
            ("– kan inte läsas", self.unreadable),
            ("Avtal", self.contracts),
            ("Aktiva avtal", self.active),
            (FOLLOW_UPS_OVERDUE, self.follow_ups_overdue),
            ("Öppna avvikelser", self.open_deviations),
            (DEVIATIONS_PAST_DEADLINE, self.deviations_past_deadline),
            ("Fel i arbetsböckerna", self.errors),
            ("Varningar i arbetsböckerna", self.warnings),
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "books": self.books,
            "ok": self.ok,
            "with_errors": self.with_errors,
            "skipped": self.skipped,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "unreadable": self.unreadable,
            "contracts": self.contracts,
            "active": self.active,
            "follow_ups_overdue": self.follow_ups_overdue,
            "open_deviations": self.open_deviations,
            "deviations_past_deadline": self.deviations_past_deadline,
            "errors": self.errors,
            "warnings": self.warnings,
        }
