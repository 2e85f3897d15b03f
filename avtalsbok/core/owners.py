"""What needs action, per avtalsansvarig: late and coming follow-ups, decisions, late deviations.

A manager reads it as "who has what to do this month": for each contract owner (`Avtalsansvarig`
on `Avtal`, compared without regard to case) the follow-ups already late, those due within 30
days, the decisions due within 90 days (on an extension, or to start a new procurement when none
is left), and the open deviations on their contracts whose action plan is past its deadline. The
most urgent owner comes first: most things already late (follow-ups and deviations together),
then most decisions coming, then most follow-ups coming, then by name. `Översikt` shows it per
book; the batch report adds it up over every book.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .schema import CONTRACT_STATUSES

if TYPE_CHECKING:  # `overview` holds the loads and `settings` imports it: no cycle at run time
    from .state import ContractState, DeviationState, Rows

#: `schedule.ENDED` (not imported from there: `settings` imports this module through `overview`)
ENDED = CONTRACT_STATUSES[4]

#: The owner of contracts with `Avtalsansvarig` blank.
UNOWNED = "(ingen avtalsansvarig)"
FOLLOW_UP_DAYS = 30
DECISION_DAYS = 90


@dataclass(frozen=True)
class OwnerLoad:
    """One owner's counts of what needs action."""

    owner: str
    follow_ups_overdue: int = 0
    follow_ups_due: int = 0
    decisions_due: int = 0
    deviations_late: int = 0

    @property
    def late(self) -> int:
        """Things already late: follow-ups and deviations past their deadline."""
        return self.follow_ups_overdue + self.deviations_late

    def urgency(self) -> tuple[int, int, int, str, str]:
        """The sort key that puts the most urgent owner first (see the module)."""
        return (
            -self.late,
            -self.decisions_due,
            -self.follow_ups_due,
            self.owner.casefold(),
            self.owner,
        )

    def cells(self) -> tuple[str, int, int, int, int]:
        return (
            self.owner,
            self.follow_ups_overdue,
            self.follow_ups_due,
            self.decisions_due,
            self.deviations_late,
        )


#: The columns of a table of owner loads, as `Översikt` and the report head them.
HEADERS = (
    "Avtalsansvarig",
    "Försenade uppföljningar",
    f"Uppföljningar inom {FOLLOW_UP_DAYS} dagar",
    f"Beslut inom {DECISION_DAYS} dagar",
    "Avvikelser efter tidsgränsen",
)


def decision_dates(state: ContractState) -> tuple[date, ...]:
    """The decisions ahead of a contract's owner, by their last day: the extension decision
    while an extension is left, else the day a new procurement must start by."""
    if state.extension_deadline is not None:
        return (state.extension_deadline,)
    deadline = state.term.procurement_deadline
    return (deadline,) if deadline is not None and not state.term.extensions_left else ()


class _Tally:
    """Counts per owner, each owner under the first spelling met."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.counts: dict[str, list[int]] = {}

    def add(self, owner: str | None, counts: Sequence[int]) -> None:
        name = (owner or "").strip() or UNOWNED
        key = name.casefold()
        self.names.setdefault(key, name)
        total = self.counts.setdefault(key, [0, 0, 0, 0])
        for i, n in enumerate(counts):
            total[i] += n

    def loads(self) -> tuple[OwnerLoad, ...]:
        return ranked(OwnerLoad(self.names[k], *c) for k, c in self.counts.items())


#: One more of: a late follow-up, a follow-up due, a decision due, a late deviation.
_LATE, _DUE, _DECISION, _DEVIATION = ((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1))


def owner_loads(
    states: list[ContractState],
    rows: Rows,
    deviation_states: dict[int, DeviationState],
    today: date,
) -> tuple[OwnerLoad, ...]:
    """Every owner with something that needs action, the most urgent first."""
    tally = _Tally()
    for s in states:
        if s.status == ENDED:
            continue
        owner = s.contract.owner
        nxt = s.schedule.next_date
        if nxt is not None:
            days = (nxt - today).days
            if days < 0:
                tally.add(owner, _LATE)
            elif days <= FOLLOW_UP_DAYS:
                tally.add(owner, _DUE)
        for day in decision_dates(s):
            if 0 <= (day - today).days <= DECISION_DAYS:
                tally.add(owner, _DECISION)
    for d in rows.deviations:
        if deviation_states[d.row].is_overdue:
            contract = rows.by_id.get(d.contract_id or "")
            tally.add(contract.owner if contract else None, _DEVIATION)
    return tally.loads()


def ranked(loads: Iterable[OwnerLoad]) -> tuple[OwnerLoad, ...]:
    """Owner loads, the most urgent first."""
    return tuple(sorted(loads, key=OwnerLoad.urgency))


def merged(loads: Iterable[OwnerLoad]) -> tuple[OwnerLoad, ...]:
    """Loads of the same owner (from several books, case aside) added up, the most urgent
    first."""
    tally = _Tally()
    for load in loads:
        tally.add(load.owner, load.cells()[1:])
    return tally.loads()
