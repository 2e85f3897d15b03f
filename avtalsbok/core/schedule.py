"""Dates per contract: status, start-up meeting, next follow-up, extension-decision deadline.

All dates fall on Swedish business days and months are added as Lag (1930:173) says (see
`calendar`). The reference date `today` is given, never read from the clock here.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import schema
from .calendar import add_months, add_months_business, next_business_day
from .models import Contract
from .settings import Settings
from .state import UNSCHEDULED, ContractState, RunContext, Schedule, Term
from .words import counted

NOT_STARTED, ACTIVE, EXPIRING, DECISION, ENDED, PROCUREMENT = schema.CONTRACT_STATUSES

KIND_BY_TIER = {
    1: "Statistikuppföljning + utvecklingsmöte",
    2: "Statistikuppföljning + uppföljningsmöte",
    3: "Statistikuppföljning + uppföljning",
}
MEETING_BY_TIER = {1: "utvecklingsmöte", 2: "uppföljningsmöte", 3: "uppföljning"}
_ORDINALS = {2: "vartannat", 3: "vart tredje", 4: "vart fjärde", 5: "vart femte"}


#: The schedule of a contract that has ended, or whose next follow-up would fall after its end.
NONE_DUE = Schedule(None, None, schema.STATUS_NONE)


def cadence_text(months: int) -> str:
    """`3 ggr/år`, `1 gång/år`, `vartannat år`, `var 6:e månad` for a follow-up interval."""
    if 12 % months == 0:
        times = 12 // months
        return "1 gång/år" if times == 1 else f"{times} ggr/år"
    years, rest = divmod(months, 12)
    if rest == 0 and years in _ORDINALS:
        return f"{_ORDINALS[years]} år"
    return f"var {months}:e månad"


def follow_up_form(tier: int | None, central: bool, settings: Settings) -> str:
    """The tier's follow-up form in words, as `Uppföljningsform` shows it."""
    if tier is None:
        return ""
    cadence = cadence_text(settings.interval_months[tier - 1])
    if tier == 3 and central:
        return f"Inköpscentralen följer upp; statistik {cadence} och vid behov"
    text = f"Statistik + {MEETING_BY_TIER[tier]} {cadence}"
    return text + " och vid behov" if tier == 3 else text


def extension_deadline(c: Contract, settings: Settings) -> date | None:
    """Last day to decide on extension: end − notice − lead time, moved to a business day.

    Only a contract with an extension left has a decision to make (`stages.open_states` asks
    for no other); a contract without an end, or a deadline outside the years 1–9999, has no
    date.
    """
    if c.end is None:
        return None
    try:
        notice_day = add_months(c.end, -(c.notice_months or 0))
        return next_business_day(notice_day - timedelta(days=settings.extension_lead_days))
    except OverflowError:
        return None


def contract_status(c: Contract, deadline: date | None, term: Term, ctx: RunContext) -> str:
    """`Ej startat`, `Aktivt`, `Löper ut`, `Förlängningsbeslut krävs`, `Ny upphandling krävs`
    or `Upphört`, given the contract's extension deadline (`extension_deadline`) and term
    (`extensions.term`)."""
    today, settings = ctx.today, ctx.settings
    if c.start and today < c.start:
        return NOT_STARTED
    if c.end and today > c.end:
        return ENDED
    warn = settings.expiry_warning_days
    if deadline and 0 <= (deadline - today).days <= warn:
        return DECISION
    procurement = term.procurement_deadline
    if not term.extensions_left and procurement and (procurement - today).days <= warn:
        return PROCUREMENT
    if c.end and (c.end - today).days <= warn:
        return EXPIRING
    return ACTIVE


def task_status(day: date, today: date, settings: Settings) -> tuple[str, int | None]:
    """A task's status by its date: `Försenad` with its days late, `Inom N dagar` or
    `Planerad` (no days late)."""
    days = (day - today).days
    if days < 0:
        return schema.STATUS_OVERDUE, -days
    if days <= settings.soon_days:
        return f"Inom {settings.soon_days} dagar", None
    return schema.STATUS_PLANNED, None


def due_status(next_date: date, today: date, settings: Settings) -> str:
    """`Försenad (N dagar)` (`1 dag`), `Inom N dagar` or `Planerad`."""
    status, late = task_status(next_date, today, settings)
    return status if late is None else f"{status} ({counted(late, 'dag', 'dagar')})"


def startup_date(c: Contract, settings: Settings) -> date | None:
    """The start-up meeting: the business day after the standstill, or the contract start."""
    if c.award_date:
        return next_business_day(c.award_date + timedelta(days=settings.standstill_days + 1))
    return next_business_day(c.start) if c.start else None


def schedule(state: ContractState, ctx: RunContext) -> Schedule:
    """The next follow-up of a contract, from its tier and last follow-up: a start-up meeting
    until one is held, unless the contract started before the start-up window; a contract that
    has ended has no tier (`tiers.ENDED`) and nothing due.

    A contract never followed up that started before `Uppföljningar räknas från` (the day the
    book began) is scheduled from that day instead of its start: its start-up meeting (if it
    is still in the start-up window) no earlier than that day, its follow-up one interval
    after it."""
    c, tier = state.contract, state.tier.tier
    if tier is None:
        return NONE_DUE
    settings = ctx.settings
    anchor = state.last_follow_up
    window_start = add_months(ctx.today, -settings.startup_window_months)
    # The day the book began, for a contract that started before it and was never followed up.
    counted_from = settings.counted_from if anchor is None else None
    if counted_from is not None and c.start is not None and c.start >= counted_from:
        counted_from = None
    if anchor is None and c.start is not None and c.start < window_start:
        anchor = counted_from or c.start
    try:
        if anchor is None:
            next_date = startup_date(c, settings)
            if counted_from is not None and next_date is not None:
                next_date = max(next_date, next_business_day(counted_from))
            kind = schema.STARTUP_TYPE
        else:
            next_date = add_months_business(anchor, settings.interval_months[tier - 1])
            kind = KIND_BY_TIER[tier]
    except OverflowError:  # after 9999-12-31, so after any end date
        return NONE_DUE
    if next_date is None:
        return UNSCHEDULED
    if c.end and next_date > c.end:
        return NONE_DUE
    return Schedule(next_date, kind, due_status(next_date, ctx.today, settings))


def planned_dates(state: ContractState, horizon: date, ctx: RunContext) -> list[date]:
    """The contract's follow-up dates from its next one up to `horizon`, within the term.

    An overdue follow-up is listed at its date; the ones after it are counted from today,
    when it can be held at the earliest.
    """
    first, tier, end = state.schedule.next_date, state.tier.tier, state.contract.end
    if first is None or tier is None:
        return []
    dates = [first] if first < horizon else []
    months = ctx.settings.interval_months[tier - 1]
    anchor = max(first, ctx.today)
    step = 1
    while True:
        try:
            nxt = add_months_business(anchor, months * step)
        except OverflowError:  # after 9999-12-31
            return dates
        if nxt >= horizon or (end and nxt > end):
            return dates
        dates.append(nxt)
        step += 1
