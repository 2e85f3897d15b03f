"""Key figures for `Översikt` and the 12-month `Uppföljningsplan`, from the evaluated rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from . import schema
from .calendar import add_months
from .deviations import DeviationState
from .models import Contract, Deviation, FollowUp
from .overview import SEVERITY_ORDER, KeyFigures, next_months
from .schedule import (
    DECISION,
    ENDED,
    EXPIRING,
    KIND_BY_TIER,
    NOT_STARTED,
    Schedule,
    planned_dates,
)
from .settings import Settings
from .tiers import Tier

#: The plan's activity for an extension decision coming up.
DECISION_ACTIVITY = "Beslut om förlängning senast"


@dataclass(frozen=True)
class PlanRow:
    """One planned activity of the next 12 months."""

    date: date
    contract_id: str
    contract_name: str
    supplier: str
    tier: int | None
    activity: str
    owner: str
    email: str
    status: str

    def cells(self) -> list[object]:
        """The row as `Uppföljningsplan` shows it (`schema.PLAN_HEADERS`)."""
        return [
            self.date,
            self.date.isocalendar()[1],
            self.contract_id,
            self.contract_name,
            self.supplier,
            self.tier,
            self.activity,
            self.owner,
            self.email,
            self.status,
        ]


def is_audit(f: FollowUp) -> bool:
    """An audit (revision), by type or by method."""
    return f.type == schema.AUDIT_TYPE or f.method == schema.AUDIT_TYPE


def plan(
    contracts: list[Contract],
    by_id: dict[str, Contract],
    tiers: dict[int, Tier],
    schedules: dict[int, Schedule],
    deviations: list[Deviation],
    deviation_states: dict[int, DeviationState],
    today: date,
    settings: Settings,
) -> list[PlanRow]:
    """Every planned follow-up, extension decision and deviation check before today + 12 months.

    Overdue follow-ups are listed too, at their date, so nothing late drops out of the plan.
    """
    horizon = add_months(today, 12)
    rows: list[PlanRow] = []
    for c in contracts:
        s = schedules[c.row]
        tier = tiers[c.row].tier

        def add(
            day: date, activity: str, status: str, c: Contract = c, tier: int | None = tier
        ) -> None:
            rows.append(
                PlanRow(
                    day,
                    c.contract_id or "",
                    c.name or "",
                    c.supplier or "",
                    tier,
                    activity,
                    c.owner or "",
                    c.email or "",
                    status,
                )
            )

        if s.next_date and s.next_kind and tier is not None:
            first_status = s.follow_up_status or ""
            dates = planned_dates(s.next_date, tier, c.end, today, horizon, settings)
            for i, day in enumerate(dates):
                if i == 0:
                    add(day, s.next_kind, first_status)
                else:
                    add(day, KIND_BY_TIER[tier], schema.STATUS_PLANNED)
        if s.extension_deadline and s.status != ENDED and today <= s.extension_deadline < horizon:
            add(s.extension_deadline, DECISION_ACTIVITY, s.status)
    for d in deviations:
        state = deviation_states[d.row]
        if state.is_open and state.next_check and state.next_check < horizon:
            contract = by_id.get(d.contract_id or "")
            rows.append(
                PlanRow(
                    state.next_check,
                    d.contract_id or "",
                    contract.name or "" if contract else "",
                    contract.supplier or "" if contract else "",
                    tiers[contract.row].tier if contract else None,
                    f"Kontroll av avvikelse {d.deviation_id or ''} (steg {d.step or 0})",
                    d.responsible or (contract.owner or "" if contract else ""),
                    contract.email or "" if contract else "",
                    "Försenad" if state.is_overdue else schema.STATUS_PLANNED,
                )
            )
    rows.sort(key=lambda r: (r.date, r.contract_id, r.activity))
    return rows


def key_figures(
    contracts: list[Contract],
    tiers: dict[int, Tier],
    schedules: dict[int, Schedule],
    follow_ups: list[FollowUp],
    deviations: list[Deviation],
    deviation_states: dict[int, DeviationState],
    plan_rows: list[PlanRow],
    errors: int,
    warnings: int,
    today: date,
    now: datetime,
    settings: Settings,
) -> KeyFigures:
    """Every figure of `Översikt`, including the regions' evaluation questions."""
    statuses = Counter(schedules[c.row].status for c in contracts)
    active = [c for c in contracts if schedules[c.row].status != ENDED]
    running = [c for c in active if schedules[c.row].status != NOT_STARTED]
    overdue = due30 = due90 = 0
    for c in active:
        nxt = schedules[c.row].next_date
        if nxt is None:
            continue
        days = (nxt - today).days
        overdue += int(days < 0)
        due30 += int(0 <= days <= 30)
        due90 += int(0 <= days <= 90)
    late = {c.row for c in running if (schedules[c.row].next_date or today) < today}
    on_plan = len(running) - len(late)
    coverage = round(100.0 * on_plan / len(running), 1) if running else 0.0
    tier_counts = Counter(tiers[c.row].tier for c in active)
    shares = (settings.tier1_share, settings.tier2_share, settings.tier3_share)
    tier_rows = tuple(
        (
            tier_counts.get(t, 0),
            round(100.0 * tier_counts.get(t, 0) / len(active), 1) if active else 0.0,
            shares[t - 1],
        )
        for t in (1, 2, 3)
    )
    months = next_months(today)
    month_counts = Counter(
        (max(r.date, today).year, max(r.date, today).month)
        for r in plan_rows
        if r.activity in FOLLOW_UP_ACTIVITIES
    )
    open_devs = [d for d in deviations if deviation_states[d.row].is_open]
    by_severity = Counter(d.severity for d in open_devs)
    by_step = Counter(d.step or 0 for d in open_devs)
    performed = [f for f in follow_ups if f.date is not None and f.date <= today]
    followed_ids = {f.contract_id for f in performed}
    with_condition = [c for c in contracts if c.sustainability]
    audits = [f for f in performed if is_audit(f)]
    supplier_of = {c.contract_id: c.supplier or "" for c in contracts if c.contract_id}
    per_supplier: dict[str, list[float]] = defaultdict(list)
    for f in audits:
        per_supplier[supplier_of.get(f.contract_id or "", "") or "(okänd leverantör)"].append(
            f.cost or 0.0
        )
    audits_per_supplier = tuple(
        sorted(((s, len(v), sum(v)) for s, v in per_supplier.items()), key=lambda t: (-t[1], t[0]))
    )
    return KeyFigures(
        today=today,
        computed_at=now,
        contracts=len(contracts),
        active=len(active),
        not_started=statuses.get(NOT_STARTED, 0),
        ended=statuses.get(ENDED, 0),
        expiring=statuses.get(EXPIRING, 0),
        extension_decisions=statuses.get(DECISION, 0),
        follow_ups_overdue=overdue,
        follow_ups_due_30=due30,
        follow_ups_due_90=due90,
        coverage_pct=coverage,
        open_deviations=len(open_devs),
        overdue_action_plans=sum(1 for d in open_devs if deviation_states[d.row].is_overdue),
        passive_deviations=sum(1 for d in open_devs if deviation_states[d.row].passivity),
        errors=errors,
        warnings=warnings,
        tiers=tier_rows,
        months=tuple((m, month_counts.get((m.year, m.month), 0)) for m in months),
        open_by_severity=tuple(by_severity.get(s, 0) for s in SEVERITY_ORDER),
        open_by_step=tuple(by_step.get(i, 0) for i in range(5)),
        step_names=tuple(s.name for s in settings.ladder),
        sustainability_contracts=len(with_condition),
        sustainability_followed_up=sum(1 for c in with_condition if c.contract_id in followed_ids),
        audits=len(audits),
        audited_contracts=len({f.contract_id for f in audits}),
        audited_suppliers=len(per_supplier),
        audit_cost=float(sum(f.cost or 0.0 for f in audits)),
        audits_per_supplier=audits_per_supplier,
    )


FOLLOW_UP_ACTIVITIES = frozenset((schema.STARTUP_TYPE, *KIND_BY_TIER.values()))
