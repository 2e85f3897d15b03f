"""Rule: who a supplier is, and its history over every contract with it.

One identity serves the sample audits (`samples`), the column `Leverantörens historik` and the
batch report's `Leverantörer`: the organisation number (read as `NNNNNN-NNNN`), else the name
compared without case and extra spaces. A contract without an organisation number joins the
supplier whose contracts of the same name carry exactly one organisation number (*Eget val*:
the officer left the number out on one row; two numbers under one name stay apart).

The history is one pass over the contracts, the follow-ups and the contracts' deviation
figures, grouped by identity: no supplier is compared with another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .models import FollowUp
from .schedule import ENDED
from .state import ContractState, Rows, RunContext
from .words import counted

#: What the latest audit or joint follow-up was, as the history line and `Stickprov` name it.
AUDIT = "revision"
JOINT = "gemensam uppföljning"
JOINT_AUDIT = "gemensam revision"
#: Of two on one day the history names the weightier: a joint audit, an audit, a joint one.
_WEIGHT = {JOINT: 0, AUDIT: 1, JOINT_AUDIT: 2}


def name_key(name: str | None) -> str:
    """A supplier's name as names are compared: case-folded, spaces (any white space, a
    non-breaking one too) collapsed."""
    return " ".join(name.split()).casefold() if name else ""


class Identities:
    """The identity of each (name, organisation number) among a set of contracts.

    Made from every pair first, so that a row without a number finds the number its name
    carries elsewhere, in this book or (in the batch report) in any book.
    """

    def __init__(self, pairs: Iterable[tuple[str | None, str | None]]) -> None:
        first: dict[str | None, str] = {}  # name as written → its first number
        twice: set[str | None] = set()  # names written with two numbers
        for name, number in pairs:
            if number and first.setdefault(name, number) != number:
                twice.add(name)
        number_of: dict[str, str] = {}
        shared: set[str] = set()  # names as compared that carry two numbers
        for name, number in first.items():  # each name as written once, then as compared
            folded = name_key(name)
            if name in twice or number_of.setdefault(folded, number) != number:
                shared.add(folded)
        self._number_of = {n: v for n, v in number_of.items() if n not in shared}

    def key(self, name: str | None, number: str | None) -> str:
        """`nr:556677-8899`, else `namn:städbolaget ab`; empty without either."""
        if number:
            return f"nr:{number}"
        folded = name_key(name)
        if not folded:
            return ""
        found = self._number_of.get(folded)
        return f"nr:{found}" if found else f"namn:{folded}"


def kind_of(f: FollowUp) -> str | None:
    """What a follow-up counts as for a supplier's audits: `revision`, `gemensam uppföljning`,
    `gemensam revision`, or None for any other follow-up."""
    if f.joint:
        return JOINT_AUDIT if f.is_audit else JOINT
    return AUDIT if f.is_audit else None


@dataclass(frozen=True, slots=True)
class Check:
    """A supplier's audit or joint follow-up: its day, what it was, and on which contract."""

    day: date
    kind: str
    contract_id: str


class SupplierHistory(NamedTuple):
    """One supplier over every contract with it in a book.

    `active` and `annual_value` count the contracts that have not ended; follow-ups are those
    performed up to today; `latest_audit` and `latest_check` (an audit or a joint follow-up)
    the newest of each; deviations all of them, the open ones and the highest step among those.
    (A named tuple: a book has thousands of suppliers, and a tuple is made three times faster
    than a frozen dataclass.)
    """

    key: str
    name: str
    org_number: str | None
    contracts: int
    active: int
    annual_value: float
    follow_ups: int
    audits: int
    latest_audit: date | None
    joint: int
    latest_check: Check | None
    deviations: int
    open_deviations: int
    highest_step: int | None

    @property
    def text(self) -> str:
        """`3 avtal · 7 uppföljningar · revision 2025-03-02 · 2 avvikelser, 1 öppen (steg 2)`."""
        check = self.latest_check
        parts = [
            counted(self.contracts, "avtal", "avtal"),
            counted(self.follow_ups, "uppföljning", "uppföljningar"),
            f"{check.kind} {check.day.isoformat()}" if check else "ingen revision",
        ]
        if not self.deviations:
            parts.append("inga avvikelser")
        elif not self.open_deviations:
            parts.append(f"{counted(self.deviations, 'avvikelse', 'avvikelser')}, ingen öppen")
        else:
            parts.append(
                f"{counted(self.deviations, 'avvikelse', 'avvikelser')}, "
                f"{counted(self.open_deviations, 'öppen', 'öppna')} (steg {self.highest_step})"
            )
        return " · ".join(parts)


class _Tally:
    """A supplier's figures while the pass adds them up."""

    __slots__ = (
        "active",
        "audits",
        "check",
        "contracts",
        "deviations",
        "follow_ups",
        "joint",
        "latest_audit",
        "name",
        "number",
        "open",
        "step",
        "value",
    )

    def __init__(self, name: str, number: str | None) -> None:
        self.name, self.number = name, number
        self.contracts = self.active = self.follow_ups = self.audits = self.joint = 0
        self.deviations = self.open = 0
        self.value = 0.0
        self.latest_audit: date | None = None
        self.check: Check | None = None
        self.step: int | None = None

    def add_follow_up(self, f: FollowUp, day: date, contract_id: str) -> None:
        self.follow_ups += 1
        kind = kind_of(f)
        if kind is None:
            return
        if f.is_audit:
            self.audits += 1
            if self.latest_audit is None or day > self.latest_audit:
                self.latest_audit = day
        if f.joint:
            self.joint += 1
        c = self.check
        if c is None or (day, _WEIGHT[kind]) > (c.day, _WEIGHT[c.kind]):
            self.check = Check(day, kind, contract_id)

    def record(self, key: str) -> SupplierHistory:
        return SupplierHistory(
            key,
            self.name,
            self.number,
            self.contracts,
            self.active,
            self.value,
            self.follow_ups,
            self.audits,
            self.latest_audit,
            self.joint,
            self.check,
            self.deviations,
            self.open,
            self.step,
        )


def histories(
    states: list[ContractState], rows: Rows, ctx: RunContext
) -> tuple[list[str], dict[str, SupplierHistory]]:
    """Each contract's supplier identity (in `states` order) and every supplier's history,
    by identity. The deviation figures are the contracts' own (`history`, `deviations`), each
    Avtals-ID counted once."""
    ids = Identities((s.contract.supplier, s.contract.org_number) for s in states)
    keys: list[str] = []
    tallies: dict[str, _Tally] = {}
    key_of_id: dict[str, str] = {}
    for s in states:
        c = s.contract
        key = ids.key(c.supplier, c.org_number)
        keys.append(key)
        if not key:
            continue
        t = tallies.get(key)
        if t is None:
            t = tallies[key] = _Tally(c.supplier or c.org_number or "", c.org_number)
        elif c.org_number:  # one identity carries one number: a row with it fills it in
            t.number = c.org_number
        t.contracts += 1
        if s.status != ENDED:
            t.active += 1
            t.value += c.annual_value or 0.0
        ident = c.contract_id
        if ident and ident not in key_of_id:
            key_of_id[ident] = key
            t.deviations += s.history.deviations
            t.open += s.deviations.open
            step = s.deviations.highest_step
            if step is not None and (t.step is None or step > t.step):
                t.step = step
    today = ctx.today
    for f in rows.follow_ups:
        day, ident = f.date, f.contract_id
        if day is None or day > today or ident is None:
            continue
        owner = key_of_id.get(ident)
        if owner is not None:
            tallies[owner].add_follow_up(f, day, ident)
    return keys, {key: t.record(key) for key, t in tallies.items()}
