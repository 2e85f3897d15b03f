"""One book's part of a consolidated run, as a small picklable record.

A batch worker, `avtalsbok report` and the reminders all turn a book into the same
`BookRecord`: how the run went, the book's key figures, its overdue and upcoming follow-ups,
extension decisions, evaluations and price adjustments, the contracts that need a new
procurement or an evaluation before a decision, deviations past their deadline, evaluation
figures, goals and findings. Only
what the report and the e-mails need travels back from a worker, never a whole result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..core import evaluation, prices
from ..core.engine import Result
from ..core.figures import DECISION_ACTIVITY, FOLLOW_UP_ACTIVITIES, PlanRow
from ..core.findings import Finding, Level, display_value
from ..core.goals import GoalResult, Share, shares
from ..core.models import Contract
from ..core.overview import STEP_NAMES_DEFAULT, next_months
from ..core.owners import OwnerLoad
from ..core.samples import SampleRow
from ..core.schedule import DECISION, EXPIRING, KIND_BY_TIER, MEETING_BY_TIER, PROCUREMENT
from ..core.schema import STARTUP_TYPE
from ..core.settings import Settings
from ..core.state import ContractState
from ..core.suppliers import SupplierHistory
from ..publish.facts import BookExport, book_export
from ..workbook.atomic import OPEN_IN_PROGRAM, UNKNOWN_OWNER, owner_of
from ..workbook.runner import NOTHING_TO_UPDATE, Outcome, process
from .location import full_path


class BookStatus(StrEnum):
    """How one book fared: updated (or checked) cleanly, with errors, skipped, unreadable."""

    OK = "ok"
    ERRORS = "errors"
    SKIPPED = "skipped"
    UNREADABLE = "unreadable"

    @property
    def swedish(self) -> str:
        return {
            BookStatus.OK: "OK",
            BookStatus.ERRORS: "Fel i arbetsboken",
            BookStatus.SKIPPED: "Överhoppad – öppen",
            BookStatus.UNREADABLE: "Kan inte läsas",
        }[self]


#: A follow-up or extension decision due, exactly as the engine's plan gives it.
DueItem = PlanRow


@dataclass(frozen=True, slots=True)
class LateDeviation:
    """An open deviation whose action-plan deadline has passed, with the contract's owner."""

    deviation_id: str
    contract_id: str
    contract_name: str
    supplier: str
    severity: str
    step: int
    deadline: date | None
    days_open: int | None
    proposed_step: str
    responsible: str
    owner: str
    email: str


@dataclass(frozen=True, slots=True)
class ContractDue:
    """A contract that needs a new procurement (`subject` `Ny upphandling`, `day` the day it
    must start by) or an evaluation before a decision (`subject` the decision, `day` its date,
    `evaluate_by` the day to evaluate by)."""

    contract_id: str
    contract_name: str
    supplier: str
    owner: str
    email: str
    subject: str
    day: date | None
    evaluate_by: date | None
    latest_end: date | None
    extensions_left: int | None


#: The subject of a contract whose new procurement is due.
PROCUREMENT_SUBJECT = "Ny upphandling"


@dataclass(frozen=True, slots=True)
class EndingContract:
    """A contract whose extension must be decided, or which ends, within the book's warning
    window (`Varning avtalsslut (dagar)`): its status says which."""

    contract_id: str
    contract_name: str
    supplier: str
    status: str
    decide_by: date | None
    end: date | None
    owner: str
    email: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The regions' evaluation questions for one book."""

    sustainability_contracts: int = 0
    sustainability_followed_up: int = 0
    audits: int = 0
    audited_contracts: int = 0
    audit_cost: float = 0.0
    #: (supplier, audits, cost)
    audits_per_supplier: tuple[tuple[str, int, float], ...] = ()


@dataclass(frozen=True)
class BookRecord:
    """Everything a consolidated report, summary or reminder needs from one book.

    `follow_ups` holds the follow-ups that are overdue or due within the horizon the record
    was made with; `decisions` the extension decisions due within it or already in their
    decision window; `evaluation_items` the plan's evaluations before a decision (also
    late ones) and `price_items` its price adjustments due within it. `procurements` and
    `evaluations` are the contracts with status `Ny upphandling krävs` and the rows of the
    book's `Utvärdering`. `owner` names who has the book open when it was skipped.
    """

    path: str
    unit: str
    status: BookStatus
    written: bool = False
    #: the run changed nothing the book shows, so it was not written (`Inget att uppdatera`)
    unchanged: bool = False
    today: date | None = None
    contracts: int = 0
    active: int = 0
    errors: int = 0
    warnings: int = 0
    summary: dict[str, Any] = field(default_factory=dict)
    tiers: tuple[int, int, int] = (0, 0, 0)
    months: tuple[tuple[date, int], ...] = ()
    open_deviations: int = 0
    open_by_step: tuple[int, ...] = (0, 0, 0, 0, 0)
    step_names: tuple[str, ...] = STEP_NAMES_DEFAULT
    evaluation: Evaluation = Evaluation()
    follow_ups: tuple[DueItem, ...] = ()
    decisions: tuple[DueItem, ...] = ()
    evaluation_items: tuple[DueItem, ...] = ()
    price_items: tuple[DueItem, ...] = ()
    procurements: tuple[ContractDue, ...] = ()
    evaluations: tuple[ContractDue, ...] = ()
    late_deviations: tuple[LateDeviation, ...] = ()
    #: what needs action per avtalsansvarig, the most urgent first
    owners: tuple[OwnerLoad, ...] = ()
    #: extension decisions and contracts ending within the warning window
    ending: tuple[EndingContract, ...] = ()
    findings: tuple[Finding, ...] = ()
    recipients: tuple[str, ...] = ()
    owner: str | None = None
    #: the book's contracts and plan for the calendar, catalogue and open-data exports, when
    #: the record was made with `export`
    export: BookExport | None = None
    #: the book's full path (UNC as given), for links to it
    location: str = ""
    #: the book's `Svarsadress`: where replies to its report and reminders go
    reply_to: tuple[str, ...] = ()
    #: the goals of its `Mål` with their outcome, and every measure's parts (for the whole
    #: organisation's outcome)
    goals: tuple[GoalResult, ...] = ()
    shares: dict[str, Share] = field(default_factory=dict)
    #: each supplier's history in the book, the sample audits it proposes, and how many months
    #: an audit counts there (`Revision gäller (mån)`)
    suppliers: tuple[SupplierHistory, ...] = ()
    samples: tuple[SampleRow, ...] = ()
    audit_valid_months: int = Settings.audit_valid_months

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def overdue_follow_ups(self) -> tuple[DueItem, ...]:
        """Follow-ups whose date has passed (the `Försenade uppföljningar` of the report)."""
        if self.today is None:
            return ()
        today = self.today
        return tuple(item for item in self.follow_ups if item.date < today)

    @property
    def problem(self) -> str:
        """Why a book was not updated (open, unreadable, could not be saved), in Swedish."""
        if self.status is BookStatus.SKIPPED:
            return f"Öppen hos {self.owner or UNKNOWN_OWNER}; inte uppdaterad."
        codes = ("write-failed", "file-read-only") if self.status is BookStatus.ERRORS else None
        for f in self.findings:
            if f.level is Level.ERROR and (codes is None or f.code in codes):
                return f.message
        return ""

    def to_json(self) -> dict[str, Any]:
        """The book's entry in a batch's `--json` summary."""
        return {
            "book": self.path,
            "unit": self.unit,
            "status": self.status.value,
            "written": self.written,
            "reason": NOTHING_TO_UPDATE if self.unchanged else None,
            "owner": self.owner,
            "contracts": self.contracts,
            "errors": self.errors,
            "warnings": self.warnings,
            "follow_ups_overdue": len(self.overdue_follow_ups),
            "open_deviations": self.open_deviations,
            "deviations_past_deadline": len(self.late_deviations),
            "problem": self.problem,
            "summary": self.summary,
        }


def reference_date(records: Sequence[BookRecord], given: date | None = None) -> date:
    """The one date a run over many books is for, as its report and reminders print it: the
    date given (`--today`), else the books' own date when they all share one (a locked `Idag`
    included), else the real date. Each book's own counts still use its own date."""
    if given is not None:
        return given
    days = {r.today for r in records if r.today is not None}
    return days.pop() if len(days) == 1 else date.today()


def unit_of(path: Path, root: Path | None) -> str:
    """The unit a book belongs to: its folder below the searched folder, else its file name
    without extension (`Socialförvaltningen/avtal.xlsx` → `Socialförvaltningen`)."""
    if root is not None:
        try:
            folder = path.parent.relative_to(root)
        except ValueError:
            folder = Path()
        if folder.parts:
            return folder.as_posix()
    return path.stem


def book_record(
    path: str,
    unit: str,
    *,
    today: date | None = None,
    write: bool = True,
    due_days: int = 0,
    export: bool = False,
) -> BookRecord:
    """Run one book (as `avtalsbok run`, or only check it without `write`) and sum it up.

    Top-level and picklable both ways, so a process pool can run it. Never raises for a bad
    or busy file: that is the record's status.
    """
    outcome = process(path, today=today, write=write)
    return record_of(outcome, unit, due_days=due_days, export=export)


def record_of(
    outcome: Outcome, unit: str, *, due_days: int = 0, export: bool = False
) -> BookRecord:
    """The record of a processed book; follow-ups and decisions up to `due_days` ahead; with
    `export`, what the exports need of it."""
    path = os.fspath(outcome.path)
    found = tuple(_plain(f) for f in outcome.findings)
    result = outcome.result
    location = full_path(path)
    if result is None:
        return BookRecord(
            path,
            unit,
            BookStatus.UNREADABLE,
            errors=outcome.errors,
            findings=found,
            location=location,
        )
    status = BookStatus.ERRORS if outcome.errors else BookStatus.OK
    owner = None
    if outcome.blocked:
        if any(f.code == "file-locked" for f in outcome.findings):
            status = BookStatus.SKIPPED
            owner = owner_of(outcome.path) or OPEN_IN_PROGRAM
        else:
            status = BookStatus.ERRORS
    f = result.figures
    today = result.today
    horizon = today + timedelta(days=max(due_days, 0))
    follow_ups, decisions, evaluations, price_items = [], [], [], []
    for row in result.plan:
        if row.activity in FOLLOW_UP_ACTIVITIES and row.date <= horizon:
            follow_ups.append(row)
        elif row.activity == DECISION_ACTIVITY and (
            row.date <= horizon or row.contract_status == DECISION
        ):
            decisions.append(row)
        elif row.activity in _EVALUATIONS and row.date <= horizon:
            evaluations.append(row)
        elif row.activity.startswith(prices.ACTIVITY + " (") and row.date <= horizon:
            price_items.append(row)
    return BookRecord(
        path=path,
        unit=unit,
        status=status,
        written=outcome.written,
        unchanged=outcome.unchanged,
        today=today,
        contracts=f.contracts,
        active=f.active,
        errors=outcome.errors,
        warnings=len(outcome.findings) - outcome.errors,
        summary=result.summary(),
        tiers=(f.tiers[0][0], f.tiers[1][0], f.tiers[2][0]),
        months=f.months or tuple((m, 0) for m in next_months(today)),
        open_deviations=f.open_deviations,
        open_by_step=f.open_by_step,
        step_names=f.step_names,
        evaluation=Evaluation(
            sustainability_contracts=f.sustainability_contracts,
            sustainability_followed_up=f.sustainability_followed_up,
            audits=f.audits,
            audited_contracts=f.audited_contracts,
            audit_cost=f.audit_cost,
            audits_per_supplier=f.audits_per_supplier,
        ),
        follow_ups=tuple(follow_ups),
        decisions=tuple(decisions),
        evaluation_items=tuple(evaluations),
        price_items=tuple(price_items),
        procurements=tuple(
            _due(s, PROCUREMENT_SUBJECT, s.term.procurement_deadline, None)
            for s in result.states
            if s.status == PROCUREMENT
        ),
        evaluations=tuple(
            _due(s, s.review.subject, s.review.decision_date, s.review.evaluate_by)
            for s in evaluation.due(result.states, today, result.settings)
            if s.review is not None
        ),
        late_deviations=_late_deviations(result),
        owners=f.owners,
        ending=_ending(result),
        findings=found,
        recipients=result.settings.report_recipients,
        owner=owner,
        export=book_export(result, path, unit) if export else None,
        location=location,
        reply_to=result.settings.reply_to,
        goals=f.goals,
        shares=shares(f),
        suppliers=tuple(result.suppliers.values()),
        samples=tuple(result.proposed_samples),
        audit_valid_months=result.settings.audit_valid_months,
    )


#: What to do next about a follow-up, by the meeting its kind ends in.
_MEETING_STEPS = {
    "utvecklingsmöte": "Begär statistik och boka utvecklingsmöte",
    "uppföljningsmöte": "Begär statistik och boka uppföljningsmöte",
    "uppföljning": "Begär statistik och boka uppföljning",
}
_FOLLOW_UP_STEPS = {
    STARTUP_TYPE: "Boka uppstartsmöte",
    **{kind: _MEETING_STEPS[MEETING_BY_TIER[tier]] for tier, kind in KIND_BY_TIER.items()},
}
DECISION_STEP = "Fatta beslut om förlängning"
ACTION_PLAN_STEP = "Begär åtgärdsplan"
EVALUATION_STEP = "Sammanställ hur avtalet har fungerat (bladet Utvärdering)"
PRICE_STEP = "Justera priset med indexförändringen"


def next_step(item: DueItem | LateDeviation) -> str:
    """The officer's next step for an item, by its kind: the one place the wording is made.

    A follow-up: book the meeting its kind calls for. An extension decision: make it. A
    deviation past its action-plan deadline: the step the ladder proposes, else demand the plan.
    """
    if isinstance(item, LateDeviation):
        return (
            f"Ta ställning till steg {item.proposed_step}"
            if item.proposed_step
            else (ACTION_PLAN_STEP)
        )
    if item.activity == DECISION_ACTIVITY:
        return DECISION_STEP
    if item.activity in _EVALUATIONS:
        return EVALUATION_STEP
    if item.activity.startswith(prices.ACTIVITY + " ("):
        return PRICE_STEP
    return _FOLLOW_UP_STEPS[item.activity]


_EVALUATIONS = frozenset(evaluation.ACTIVITIES.values())


def _due(s: ContractState, subject: str, day: date | None, evaluate_by: date | None) -> ContractDue:
    c = s.contract
    return ContractDue(
        contract_id=c.contract_id or "",
        contract_name=c.name or "",
        supplier=c.supplier or "",
        owner=c.owner or "",
        email=c.email or "",
        subject=subject,
        day=day,
        evaluate_by=evaluate_by,
        latest_end=s.term.latest_end,
        extensions_left=s.term.extensions_left,
    )


def _plain(f: Finding) -> Finding:
    """The finding with its value as the report shows it (plain, picklable data)."""
    return replace(f, value=display_value(f.value))


def _ending(result: Result) -> tuple[EndingContract, ...]:
    """Contracts whose extension decision is due, or which end, within the warning window,
    the soonest first."""
    out = [
        EndingContract(
            c.contract_id or "",
            c.name or "",
            c.supplier or "",
            s.status,
            s.extension_deadline if s.status == DECISION else None,
            c.end,
            c.owner or "",
            c.email or "",
        )
        for s in result.states
        if s.status in (DECISION, EXPIRING)
        for c in (s.contract,)
    ]
    return tuple(sorted(out, key=lambda e: (e.decide_by or e.end or date.max, e.contract_id)))


def _late_deviations(result: Result) -> tuple[LateDeviation, ...]:
    """Open deviations whose action-plan deadline has passed, with their contract's owner."""
    contracts: dict[str, Contract] = {}
    for contract in result.contracts:
        if contract.contract_id:
            contracts.setdefault(contract.contract_id, contract)
    out = []
    for d in result.deviations:
        state = result.deviation_states[d.row]
        if not state.is_overdue:
            continue
        c = contracts.get(d.contract_id or "")
        out.append(
            LateDeviation(
                deviation_id=d.deviation_id or "",
                contract_id=d.contract_id or "",
                contract_name=(c.name or "") if c else "",
                supplier=(c.supplier or "") if c else "",
                severity=d.severity or "",
                step=d.step or 0,
                deadline=state.deadline,
                days_open=state.days_open,
                proposed_step=state.proposed_step,
                responsible=d.responsible or "",
                owner=(c.owner or "") if c else "",
                email=(c.email or "") if c else "",
            )
        )
    return tuple(sorted(out, key=lambda x: (x.deadline or date.min, x.deviation_id)))
