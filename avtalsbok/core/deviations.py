"""Deviations on the escalation ladder: what is overdue, the proposed next step, and the log.

A deviation whose action-plan deadline has passed without remedy is overdue and the next step
is proposed — never applied: the officer records the step taken. Every change of status or
step since the last logged state is appended to `Händelselogg`, so a run with no change logs
nothing. A step change carries the day the officer says the step was taken (`Steg taget`),
and the clock towards the next check and passivity runs from that day; without it, from the
run that noticed the change. An open deviation without a new step for too long is flagged
(passivity can cost the right to sanctions).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import add_days_business
from .computed import LogRow
from .findings import Finding
from .models import Deviation, LogEntry
from .schema import AVVIKELSER
from .state import NO_DEVIATIONS, DeviationState, DeviationSummary, Rows, RunContext
from .validate import ColumnMap

EVENT_REGISTERED = "Avvikelse registrerad"
EVENT_STATUS = "Status ändrad"
EVENT_STEP = "Eskaleringssteg ändrat"
DEFAULT_STATUS = "Öppen"
_LEADING_INT = re.compile(r"\s*(\d+)")


@dataclass
class _Logged:
    status: str | None = None
    step: int | None = None
    last_step_change: date | None = None
    registered: bool = False


def current_status(d: Deviation) -> str:
    """The status as recorded, or derived when blank: `Åtgärdad` with a date, else `Öppen`."""
    if d.status:
        return d.status
    return "Åtgärdad" if d.remedied else DEFAULT_STATUS


def logged_step(e: LogEntry) -> int | None:
    """The step a log entry of a step change records (`2 Skriftlig varning` → 2), else None."""
    if e.event != EVENT_STEP:
        return None
    match = _LEADING_INT.match(e.to_value or "")
    return int(match.group(1)) if match else None


def _logged_states(log: list[LogEntry]) -> dict[str, _Logged]:
    """The last logged status and step of each deviation: day by day, and within a day in the
    order the rows were added. Not by the time of day: a run for a given day (`--today`) stamps
    its rows at midnight, before what a button logged later that day, and would else log the
    same change again on every run of that day."""
    states: dict[str, _Logged] = defaultdict(_Logged)
    entries = sorted(
        (e for e in log if e.deviation_id),
        key=lambda e: ((e.timestamp or datetime.min).date(), e.row),
    )
    for e in entries:
        state = states[e.deviation_id or ""]
        if e.event == EVENT_REGISTERED:
            state.registered = True
            state.status = e.to_value
            state.step = 0 if state.step is None else state.step
        elif e.event == EVENT_STATUS:
            state.registered = True
            state.status = e.to_value
        elif e.event == EVENT_STEP:
            state.registered = True
            step = logged_step(e)
            if step is not None:
                state.step = step
                # A step found at registration without `Steg taget` was taken on an unknown
                # day: the clock runs from detection, as on the run that registered it.
                if e.step_taken:
                    state.last_step_change = e.step_taken
                elif e.from_value and e.timestamp:
                    state.last_step_change = e.timestamp.date()
    return states


def evaluate_deviations(
    rows: Rows, ctx: RunContext
) -> tuple[dict[int, DeviationState], list[LogRow], list[Finding]]:
    """The state of each deviation by Excel row, new log rows, and escalation warnings.

    A deviation whose id is blank or not unique is not logged: its history cannot be told
    apart from another's.
    """
    logged = _logged_states(rows.log)
    seen: set[str] = set()
    duplicate_ids: set[str] = set()
    for d in rows.deviations:
        if d.deviation_id is not None:
            (duplicate_ids if d.deviation_id in seen else seen).add(d.deviation_id)
    cmap = rows.columns[AVVIKELSER]
    states: dict[int, DeviationState] = {}
    new_rows: list[LogRow] = []
    found: list[Finding] = []
    for d in rows.deviations:
        step = d.step if d.step is not None else 0
        status = current_status(d)
        last_change = d.detected
        ident = d.deviation_id
        if ident and ident not in duplicate_ids:
            prior = logged.get(ident, _Logged())
            changes, warnings = _changes(d, prior, status, step, cmap, ctx)
            new_rows.extend(changes)
            found.extend(warnings)
            taken = next((r.step_taken for r in changes if r.event == EVENT_STEP), None)
            if taken is not None:
                last_change = taken
            elif prior.registered and any(r.event == EVENT_STEP for r in changes):
                last_change = ctx.today
            elif prior.last_step_change:
                last_change = prior.last_step_change
        states[d.row] = _state(d, step, last_change, ctx)
    return states, new_rows, found


def _changes(
    d: Deviation, prior: _Logged, status: str, step: int, cmap: ColumnMap, ctx: RunContext
) -> tuple[list[LogRow], list[Finding]]:
    ident, contract = d.deviation_id or "", d.contract_id or ""
    settings = ctx.settings
    taken = step_taken(d, ctx.today)

    def row(event: str, before: str, after: str) -> LogRow:
        when = taken if event == EVENT_STEP else None
        return LogRow(ctx.now, ident, contract, event, before, after, ctx.source, when)

    rows: list[LogRow] = []
    found: list[Finding] = []
    if not prior.registered:
        rows.append(row(EVENT_REGISTERED, "", status))
        if step:
            rows.append(row(EVENT_STEP, "", settings.step_label(step)))
        return rows, found
    if prior.status != status:
        rows.append(row(EVENT_STATUS, prior.status or "", status))
    before = prior.step if prior.step is not None else 0
    if before != step:
        rows.append(row(EVENT_STEP, settings.step_label(before), settings.step_label(step)))
        if step > before + 1 and not (step == 4 and d.severity == "Allvarlig"):
            found.append(cmap.at("step", d.row, "escalation-step-skipped", step, from_step=before))
        elif step < before:
            found.append(cmap.at("step", d.row, "escalation-step-lowered", step, from_step=before))
    return rows, found


def step_taken(d: Deviation, today: date) -> date | None:
    """`Steg taget` when it can be true: not after today, not before the deviation was found
    (`checks` warns about either)."""
    taken = d.step_taken
    if taken is None or taken > today or (d.detected is not None and taken < d.detected):
        return None
    return taken


def _business_day_after(d: date, days: int) -> date | None:
    """`d` + `days`, moved to a business day; None after the last date the calendar holds."""
    try:
        return add_days_business(d, days)
    except OverflowError:
        return None


def _state(d: Deviation, step: int, last_change: date | None, ctx: RunContext) -> DeviationState:
    today, settings = ctx.today, ctx.settings
    closed = d.is_closed
    deadline = d.plan_deadline
    if deadline is None and d.detected:
        deadline = _business_day_after(d.detected, settings.plan_days_for(d.severity))
    if d.detected is None:
        days_open = None
    elif closed:
        days_open = (d.remedied - d.detected).days if d.remedied else None
    else:
        days_open = (today - d.detected).days
    if closed:
        return DeviationState(days_open, "", "", None, "", deadline, False, False)
    overdue = deadline is not None and deadline < today
    proposed = ""
    if overdue and step < 4:
        proposed = settings.step_label(step + 1)
        if d.severity == "Allvarlig" and step + 1 < 4:
            proposed += " (hävning kan övervägas)"
    next_check = None
    days = settings.ladder[step].days
    if last_change and days:
        next_check = _business_day_after(last_change, days)
    if deadline and deadline >= today and (next_check is None or deadline < next_check):
        next_check = _business_day_after(deadline, 0)
    passivity = ""
    if last_change:
        idle = (today - last_change).days
        if idle > settings.passivity_days:
            passivity = f"Ja – inget nytt steg på {idle} dagar"
    return DeviationState(
        days_open,
        "Ja" if overdue else "Nej",
        proposed,
        next_check,
        passivity,
        deadline,
        True,
        overdue,
    )


def summaries(
    deviations: list[Deviation], states: dict[int, DeviationState]
) -> dict[str, DeviationSummary]:
    """Avtals-ID → its open deviations and the highest step among them."""
    out: dict[str, DeviationSummary] = {}
    for d in deviations:
        if not d.contract_id or not states[d.row].is_open:
            continue
        before = out.get(d.contract_id, NO_DEVIATIONS)
        step = d.step or 0
        highest = step if before.highest_step is None else max(before.highest_step, step)
        out[d.contract_id] = DeviationSummary(before.open + 1, highest)
    return out
