"""What the exports know of one book, projected from the engine's `Result` as small picklable
data: each contract's facts and the plan's items with a stable identity. No rule is computed
here; a batch worker makes this and sends it back to the parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from ..core import evaluation, prices, schema
from ..core.engine import Result
from ..core.figures import DECISION_ACTIVITY, PlanRow
from ..core.schedule import ENDED, KIND_BY_TIER, MEETING_BY_TIER, NOT_STARTED
from ..core.state import ContractState, Term

#: The plan's text of a deviation check, `Kontroll av avvikelse D1 (steg 2)`: which deviation.
_DEVIATION_CHECK = re.compile(r"Kontroll av avvikelse (?P<id>.*) \(steg \d+\)")


@dataclass(frozen=True, slots=True)
class Kind:
    """What kind of planned item a plan row is, as the exports name it.

    `group` with the item's ordinal makes its identity; `label` starts a calendar event's
    summary; `milestone` is the OCDS milestone type, or None for items not published
    (deviation checks are internal).
    """

    group: str
    label: str
    milestone: str | None


#: Plan activities → kinds: a new kind of plan item is one entry here. A price adjustment
#: (`Prisjustering (KPI)`, one activity per series) is a kind of its own in `kind_of`, not
#: published; an activity not listed is still put in the calendar, under its own text, but
#: not published.
KINDS: dict[str, Kind] = {
    schema.STARTUP_TYPE: Kind("uppstart", schema.STARTUP_TYPE, "assessment"),
    **{
        activity: Kind("uppfoljning", MEETING_BY_TIER[tier].capitalize(), "assessment")
        for tier, activity in KIND_BY_TIER.items()
    },
    DECISION_ACTIVITY: Kind("forlangning", "Förlängningsbeslut", "approval"),
    **{
        activity: Kind("utvardering", activity, "assessment")
        for activity in evaluation.ACTIVITIES.values()
    },
}


def kind_of(activity: str) -> Kind:
    """The kind of a plan activity."""
    if found := KINDS.get(activity):
        return found
    if activity.startswith(prices.ACTIVITY + " ("):
        return Kind("prisjustering", activity, None)
    if m := _DEVIATION_CHECK.fullmatch(activity):
        return Kind(f"avvikelse/{m['id']}", f"Kontroll av avvikelse {m['id']}", None)
    return Kind(activity, activity, None)


@dataclass(frozen=True, slots=True)
class Item:
    """One planned item: the plan row, its kind, and its identity in the book
    (`contract/group/ordinal`): the same item keeps it when its date moves."""

    row: PlanRow
    kind: Kind
    key: str


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """One contract as the exports see it. `org_number` is blank for a sole trader (the number
    is a personal identity number); `status` is the engine's Avtalsstatus."""

    contract_id: str
    name: str
    supplier: str
    org_number: str
    category: str
    form: str
    start: date | None
    end: date | None
    extensions: Term
    annual_value: float | None
    how_to_order: str
    owner: str
    email: str
    status: str
    last_follow_up: date | None

    @property
    def in_force(self) -> bool:
        """Started and not ended: a contract one may order from today."""
        return self.status not in ("", ENDED, NOT_STARTED)

    @property
    def title(self) -> str:
        return contract_title(self.contract_id, self.name, self.supplier)


@dataclass(frozen=True)
class BookExport:
    """One book's contracts and plan, with the settings the exports use."""

    path: str
    unit: str
    today: date
    organisation: str
    organisation_number: str
    ocid_prefix: str
    alarm_days: int
    contracts: tuple[ContractFacts, ...]
    items: tuple[Item, ...]

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def label(self) -> str:
        """`Socialförvaltningen – avtal.xlsx`: where the book is, as people say it."""
        stem = Path(self.path).stem
        return self.file_name if self.unit in ("", stem) else f"{self.unit} – {self.file_name}"

    def contract(self, contract_id: str) -> ContractFacts | None:
        """The first contract with this Avtals-ID."""
        return self._by_id.get(contract_id)

    @cached_property
    def _by_id(self) -> dict[str, ContractFacts]:
        by_id: dict[str, ContractFacts] = {}
        for c in self.contracts:
            by_id.setdefault(c.contract_id, c)
        return by_id


def contract_title(contract_id: str, name: str, supplier: str) -> str:
    """`AV-2024-0012 Städtjänster (Städbolaget AB)`."""
    text = contract_id
    if name:
        text = f"{text} {name}" if text else name
    if supplier:
        text += f" ({supplier})"
    return text


def book_export(result: Result, path: str, unit: str) -> BookExport:
    """The exports' view of an evaluated book."""
    personal = {
        f.row
        for f in result.findings
        if f.code == "org-number-personal" and f.sheet == schema.AVTAL and f.row
    }
    contracts = tuple(_facts(state, state.row in personal) for state in result.states)
    s = result.settings
    return BookExport(
        path=path,
        unit=unit,
        today=result.today,
        organisation=s.organisation,
        organisation_number=s.organisation_number,
        ocid_prefix=s.ocid_prefix,
        alarm_days=s.calendar_alarm_days,
        contracts=contracts,
        items=items_of(result.plan),
    )


def items_of(plan: list[PlanRow]) -> tuple[Item, ...]:
    """The plan's rows with their kinds and identities: per contract and kind, the first item
    in date order is number 0, the next number 1, and so on."""
    counts: dict[tuple[str, str], int] = {}
    items = []
    for row in sorted(plan, key=lambda r: (r.date, r.contract_id, r.activity)):
        kind = kind_of(row.activity)
        n = counts.get((row.contract_id, kind.group), 0)
        counts[(row.contract_id, kind.group)] = n + 1
        items.append(Item(row, kind, f"{row.contract_id}/{kind.group}/{n}"))
    return tuple(items)


def _facts(state: ContractState, personal: bool) -> ContractFacts:
    c = state.contract
    return ContractFacts(
        contract_id=c.contract_id or "",
        name=c.name or "",
        supplier=c.supplier or "",
        org_number="" if personal else (c.org_number or ""),
        category=c.category or "",
        form=c.form or "",
        start=c.start,
        end=c.end,
        extensions=state.term,
        annual_value=c.annual_value,
        how_to_order=c.how_to_order or "",
        owner=c.owner or "",
        email=c.email or "",
        status=state.status,
        last_follow_up=state.last_follow_up,
    )
