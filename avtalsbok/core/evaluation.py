"""Rule: the evaluation before a contract's extension decision or its end.

Before a decision on extension, or before a contract ends, the regions' guidance asks for a
summary of how the contract has worked (Realisera avtalet). For each contract this module
finds the decision ahead (`Förlängningsbeslut` while extensions are left, else `Avtalet
upphör`), the day to evaluate by, and what has happened so far (follow-ups, audits and their
cost, deviations and the highest step any reached); it builds the rows of `Utvärdering` and
the plan's evaluation items from them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from . import schema
from .calendar import add_months, next_business_day
from .deviations import logged_step
from .schedule import ENDED
from .settings import Settings
from .state import NO_HISTORY, ContractState, History, Review, Rows, RunContext

EXTENSION, END = schema.DECISION_SUBJECTS
#: The plan's and reminders' activity for each subject.
ACTIVITIES = {
    EXTENSION: "Utvärdering inför förlängningsbeslut",
    END: "Utvärdering inför avtalsslut",
}


def histories(rows: Rows, ctx: RunContext) -> dict[str, History]:
    """Avtals-ID → what has happened in the contract up to today.

    The highest step is the highest any of its deviations has now or had in `Händelselogg`.
    """
    follow_ups: dict[str, int] = defaultdict(int)
    audits: dict[str, list[float]] = defaultdict(list)
    deviations: dict[str, int] = defaultdict(int)
    steps: dict[str, int] = {}

    def reached(ident: str, step: int) -> None:
        steps[ident] = max(step, steps.get(ident, 0))

    for f in rows.follow_ups:
        if f.contract_id and f.date is not None and f.date <= ctx.today:
            follow_ups[f.contract_id] += 1
            if f.is_audit:
                audits[f.contract_id].append(f.cost or 0.0)
    for d in rows.deviations:
        if d.contract_id:
            deviations[d.contract_id] += 1
            reached(d.contract_id, d.step or 0)
    for e in rows.log:
        step = logged_step(e)
        if e.contract_id and step is not None and e.contract_id in deviations:
            reached(e.contract_id, step)
    return {
        ident: History(
            follow_ups[ident],
            len(audits[ident]),
            float(sum(audits[ident])),
            deviations[ident],
            steps.get(ident),
        )
        for ident in follow_ups.keys() | deviations.keys()
    }


def review(state: ContractState, ctx: RunContext) -> Review | None:
    """The decision ahead of a contract that has not ended, and the day to evaluate by: the
    decision day − the setting's days, moved to a business day."""
    if state.status == ENDED:
        return None
    if state.term.extensions_left and state.extension_deadline:
        subject, day = EXTENSION, state.extension_deadline
    elif state.contract.end:
        subject, day = END, state.contract.end
    else:
        return None
    try:
        evaluate_by = next_business_day(day - timedelta(days=ctx.settings.evaluation_lead_days))
    except OverflowError:
        return None
    return Review(subject, day, evaluate_by)


def with_reviews(states: list[ContractState], rows: Rows, ctx: RunContext) -> list[ContractState]:
    """Each state with its history and the decision ahead."""
    found = histories(rows, ctx).get
    return [
        s._replace(history=found(s.contract.contract_id or "", NO_HISTORY), review=review(s, ctx))
        for s in states
    ]


def due(states: list[ContractState], today: date, settings: Settings) -> list[ContractState]:
    """The contracts `Utvärdering` lists: not ended, their decision within the setting's
    months (or passed while they still run), by decision date and Avtals-ID."""
    horizon = add_months(today, settings.evaluation_window_months)
    listed = [s for s in states if s.review is not None and s.review.decision_date <= horizon]
    return sorted(listed, key=lambda s: (_review(s).decision_date, s.contract.contract_id or ""))


def _review(state: ContractState) -> Review:
    assert state.review is not None
    return state.review


def sheet_rows(due_states: list[ContractState]) -> list[list[Any]]:
    """The rows of `Utvärdering` (`schema.EVALUATION_HEADERS`), one per contract `due` lists."""
    out = []
    for s in due_states:
        c, r, h = s.contract, _review(s), s.history
        out.append(
            [
                c.contract_id,
                c.name,
                c.supplier,
                c.owner,
                c.email,
                r.subject,
                r.decision_date,
                r.evaluate_by,
                None if c.sustainability is None else schema.YES_NO[not c.sustainability],
                h.follow_ups,
                s.last_follow_up,
                h.audits,
                h.audit_cost,
                h.deviations,
                s.deviations.open,
                h.highest_step_ever,
                s.term.extensions_left,
            ]
        )
    return out


def plan_item(
    state: ContractState, horizon: date, ctx: RunContext
) -> tuple[date, str, str | None] | None:
    """The plan's evaluation of a contract: (day, activity, None, as its status is by its
    date), while its decision is today or ahead and the day to evaluate by is before
    `horizon`; a late one stays at its day."""
    r = state.review
    if r is None or r.decision_date < ctx.today or r.evaluate_by >= horizon:
        return None
    return r.evaluate_by, ACTIVITIES[r.subject], None
