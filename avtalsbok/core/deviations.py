"""Deviations on the escalation ladder: what is overdue, the proposed next step, and the log.

A deviation whose action-plan deadline has passed without remedy is overdue and the next step
is proposed — never applied: the officer records the step taken. Every change of status or
step since the last logged state is appended to `Händelselogg`, so a run with no change logs
nothing. An open deviation without a new step for too long is flagged (passivity can cost the
right to sanctions).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import add_days_business
from .findings import Finding
from .models import Deviation, LogEntry
from .settings import Settings
from .validate import ColumnMap

EVENT_REGISTERED = "Avvikelse registrerad"
EVENT_STATUS = "Status ändrad"
EVENT_STEP = "Eskaleringssteg ändrat"
DEFAULT_STATUS = "Öppen"
_LEADING_INT = re.compile(r"\s*(\d+)")


@dataclass(frozen=True)
class DeviationState:
    """The computed columns of one deviation."""

    days_open: int | None
    overdue: str
    proposed_step: str
    next_check: date | None
    passivity: str
    deadline: date | None
    is_open: bool
    is_overdue: bool


@dataclass(frozen=True)
class LogRow:
    """A new row for `Händelselogg`."""

    timestamp: datetime
    deviation_id: str
    contract_id: str
    event: str
    from_value: str
    to_value: str
    source: str


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


def _logged_states(log: list[LogEntry]) -> dict[str, _Logged]:
    """The last logged status and step of each deviation, in log order."""
    states: dict[str, _Logged] = defaultdict(_Logged)
    entries = sorted(
        (e for e in log if e.deviation_id), key=lambda e: (e.timestamp or datetime.min, e.row)
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
            match = _LEADING_INT.match(e.to_value or "")
            if match:
                state.step = int(match.group(1))
                # A step found at registration was taken on an unknown day: the clock runs
                # from detection, as on the run that registered it.
                if e.from_value and e.timestamp:
                    state.last_step_change = e.timestamp.date()
    return states


def evaluate_deviations(
    deviations: list[Deviation],
    log: list[LogEntry],
    cmap: ColumnMap,
    duplicate_ids: set[str],
    today: date,
    now: datetime,
    source: str,
    settings: Settings,
) -> tuple[dict[int, DeviationState], list[LogRow], list[Finding]]:
    """Computed columns per deviation row, new log rows, and escalation warnings."""
    logged = _logged_states(log)
    states: dict[int, DeviationState] = {}
    new_rows: list[LogRow] = []
    found: list[Finding] = []
    for d in deviations:
        step = d.step if d.step is not None else 0
        status = current_status(d)
        last_change = d.detected
        ident = d.deviation_id
        if ident and ident not in duplicate_ids:
            prior = logged.get(ident, _Logged())
            rows, warnings = _changes(d, prior, status, step, cmap, now, source, settings)
            new_rows.extend(rows)
            found.extend(warnings)
            if prior.registered and any(r.event == EVENT_STEP for r in rows):
                last_change = today
            elif prior.last_step_change:
                last_change = prior.last_step_change
        states[d.row] = _state(d, step, last_change, today, settings)
    return states, new_rows, found


def _changes(
    d: Deviation,
    prior: _Logged,
    status: str,
    step: int,
    cmap: ColumnMap,
    now: datetime,
    source: str,
    settings: Settings,
) -> tuple[list[LogRow], list[Finding]]:
    ident, contract = d.deviation_id or "", d.contract_id or ""

    def row(event: str, before: str, after: str) -> LogRow:
        return LogRow(now, ident, contract, event, before, after, source)

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


def _business_day_after(d: date, days: int) -> date | None:
    """`d` + `days`, moved to a business day; None after the last date the calendar holds."""
    try:
        return add_days_business(d, days)
    except OverflowError:
        return None


def _state(
    d: Deviation, step: int, last_change: date | None, today: date, settings: Settings
) -> DeviationState:
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


def per_contract(
    deviations: list[Deviation], states: dict[int, DeviationState]
) -> dict[str, tuple[int, int | None]]:
    """Avtals-ID → (open deviations, highest step among them)."""
    out: dict[str, tuple[int, int | None]] = {}
    for d in deviations:
        if not d.contract_id or not states[d.row].is_open:
            continue
        count, highest = out.get(d.contract_id, (0, None))
        step = d.step or 0
        out[d.contract_id] = (count + 1, step if highest is None else max(highest, step))
    return out
