"""What a run carries from stage to stage: its context, the parsed rows, one state per contract.

The engine is a row of stages (see `stages`). The first turns the book into `Rows`; the next
ones build a `ContractState` per contract, each adding what it computes (term, status and
extension deadline → tier → schedule → deviation summary → history and evaluation → price
adjustment), and a `DeviationState` per deviation. These are plain immutable records: the rules
that fill them live in `extensions`, `schedule`, `tiers`, `deviations`, `evaluation` and
`prices`, and the doors read them from `Result.states` and `Result.deviation_states`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from .models import Contract, Deviation, FollowUp, Goal, IndexValueRow, LogEntry
from .settings import Settings
from .validate import ColumnMap


@dataclass(frozen=True, slots=True)
class RunContext:
    """The world of one run: the reference date, the clock for new log rows, who ran it, and
    the book's settings. Every stage gets it; none reads the clock itself."""

    today: date
    now: datetime
    source: str
    settings: Settings


@dataclass(frozen=True, slots=True)
class Rows:
    """The book's data sheets as typed rows, with where their columns stand in this book.

    `blank`: sheet → the Excel rows found blank (no input at all), whose computed cells are
    cleared. `by_id`: Avtals-ID → the first contract with that id.
    """

    contracts: list[Contract]
    follow_ups: list[FollowUp]
    deviations: list[Deviation]
    log: list[LogEntry]
    index: list[IndexValueRow]
    goals: list[Goal]
    columns: dict[str, ColumnMap]
    blank: dict[str, list[int]]
    by_id: dict[str, Contract]


@dataclass(frozen=True, slots=True)
class Tier:
    """A contract's tier (None when it has ended, or before the tier stage) and the rule that
    gave it."""

    tier: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """A contract's next follow-up: its date, its kind, and how it stands against today."""

    next_date: date | None
    next_kind: str | None
    follow_up_status: str | None


@dataclass(frozen=True, slots=True)
class DeviationSummary:
    """A contract's open deviations and the highest escalation step among them."""

    open: int
    highest_step: int | None


@dataclass(frozen=True, slots=True)
class Term:
    """A contract's extensions left (None without an option) and their months, the latest end
    they allow, and the day a new procurement must start by."""

    extensions_left: int | None
    latest_end: date | None
    procurement_deadline: date | None
    periods_left: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """The extensions left as the catalogue shows them: `2 × 12 mån`, `12 + 6 mån`, or
        `Ingen`."""
        months = self.periods_left
        if not months:
            return "Ingen"
        if len(set(months)) == 1 and len(months) > 1:
            return f"{len(months)} × {months[0]} mån"
        return " + ".join(str(m) for m in months) + " mån"


@dataclass(frozen=True, slots=True)
class History:
    """What has happened in a contract so far: follow-ups performed (and how many of them were
    audits, at what cost) and deviations (all of them, and the highest step any reached)."""

    follow_ups: int
    audits: int
    audit_cost: float
    deviations: int
    highest_step_ever: int | None


@dataclass(frozen=True, slots=True)
class Review:
    """The decision a contract's evaluation prepares: `Förlängningsbeslut` or `Avtalet
    upphör` (`schema.DECISION_SUBJECTS`), its date, and the day to evaluate by."""

    subject: str
    decision_date: date
    evaluate_by: date


@dataclass(frozen=True, slots=True)
class Price:
    """A contract's next price adjustment: the series, its date, the index change in percent
    (None when a value is missing), and whether the change is below the threshold."""

    series: str
    next_date: date | None
    change: float | None
    below_threshold: bool


UNRANKED = Tier(None, "")
UNSCHEDULED = Schedule(None, None, None)
NO_DEVIATIONS = DeviationSummary(0, None)
NO_TERM = Term(None, None, None)
NO_HISTORY = History(0, 0, 0.0, 0, None)
NO_PRICE = Price("", None, None, False)


class ContractState(NamedTuple):
    """One contract as the engine sees it after the stages so far.

    The first stage makes it from the rows (term, status, extension deadline, last follow-up);
    the tier stage adds `tier`, the schedule stage `schedule`, the deviation stage
    `deviations`, the review stage `history` and `review` (None when no decision lies ahead),
    the price stage `price`, the supplier stage `supplier` and `supplier_history`. A field a
    stage has not filled yet holds its empty value (`UNRANKED`, `UNSCHEDULED`,
    `NO_DEVIATIONS`, `NO_HISTORY`, None, `NO_PRICE`, blank). A stage adds its part with
    `_replace` (an immutable named tuple: a run makes one per contract and stage, and a tuple
    is made three times faster than a frozen dataclass).
    """

    contract: Contract
    status: str
    extension_deadline: date | None
    last_follow_up: date | None
    term: Term = NO_TERM
    tier: Tier = UNRANKED
    schedule: Schedule = UNSCHEDULED
    deviations: DeviationSummary = NO_DEVIATIONS
    history: History = NO_HISTORY
    review: Review | None = None
    price: Price = NO_PRICE
    #: the supplier's identity (`suppliers.Identities`) and its history line over the book
    supplier: str = ""
    supplier_history: str = ""

    @property
    def row(self) -> int:
        """The contract's Excel row on `Avtal`."""
        return self.contract.row


@dataclass(frozen=True, slots=True)
class DeviationState:
    """One deviation as the engine sees it: its computed columns, its action-plan deadline
    (given, or derived from the detection date and severity), and whether it is open and
    overdue."""

    days_open: int | None
    overdue: str
    proposed_step: str
    next_check: date | None
    passivity: str
    deadline: date | None
    is_open: bool
    is_overdue: bool
