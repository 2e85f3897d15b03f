"""Key figures for `Översikt` and the 12-month `Uppföljningsplan`, from the contracts' states."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from . import evaluation, prices, schema
from .calendar import add_months
from .findings import Finding, Level
from .models import Contract, FollowUp
from .overview import SEVERITY_ORDER, KeyFigures, next_months
from .owners import owner_loads
from .schedule import (
    DECISION,
    ENDED,
    EXPIRING,
    KIND_BY_TIER,
    NOT_STARTED,
    PROCUREMENT,
    planned_dates,
    task_status,
)
from .state import ContractState, DeviationState, Rows, RunContext

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
    #: The task's own status: `Planerad`, `Inom N dagar` or `Försenad` (with `days_late`).
    status: str
    days_late: int | None
    #: The contract's `Avtalsstatus`.
    contract_status: str

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
            self.days_late,
            self.contract_status,
        ]


def plan(
    states: list[ContractState],
    rows: Rows,
    deviation_states: dict[int, DeviationState],
    ctx: RunContext,
) -> list[PlanRow]:
    """Every planned follow-up, extension decision, evaluation before a decision, price
    adjustment and deviation check before today + 12 months.

    Overdue follow-ups are listed too, at their date, so nothing late drops out of the plan.
    """
    today = ctx.today
    horizon = add_months(today, 12)
    out: list[PlanRow] = []
    for state in states:
        c, s, tier = state.contract, state.schedule, state.tier.tier

        def add(
            day: date,
            activity: str,
            status: str | None = None,
            c: Contract = c,
            tier: int | None = tier,
            st: str = state.status,
        ) -> None:
            out.append(
                PlanRow(
                    day,
                    c.contract_id or "",
                    c.name or "",
                    c.supplier or "",
                    tier,
                    activity,
                    c.owner or "",
                    c.email or "",
                    # A status of the task's own (Under tröskeln) stands as it is; else by date.
                    *((status, None) if status else task_status(day, today, ctx.settings)),
                    st,
                )
            )

        if s.next_kind and tier is not None:
            for i, day in enumerate(planned_dates(state, horizon, ctx)):
                add(day, s.next_kind if i == 0 else KIND_BY_TIER[tier])
        deadline = state.extension_deadline
        if deadline and state.status != ENDED and today <= deadline < horizon:
            add(deadline, DECISION_ACTIVITY)
        for item in (
            evaluation.plan_item(state, horizon, ctx),
            prices.plan_item(state, horizon, ctx),
        ):
            if item is not None:
                add(*item)
    tier_of = {s.row: s.tier.tier for s in states}
    status_of = {s.row: s.status for s in states}
    for d in rows.deviations:
        dev = deviation_states[d.row]
        if dev.is_open and dev.next_check and dev.next_check < horizon:
            contract = rows.by_id.get(d.contract_id or "")
            out.append(
                PlanRow(
                    dev.next_check,
                    d.contract_id or "",
                    contract.name or "" if contract else "",
                    contract.supplier or "" if contract else "",
                    tier_of[contract.row] if contract else None,
                    f"Kontroll av avvikelse {d.deviation_id or ''} (steg {d.step or 0})",
                    d.responsible or (contract.owner or "" if contract else ""),
                    contract.email or "" if contract else "",
                    *(
                        (schema.STATUS_OVERDUE, (today - dev.deadline).days)
                        if dev.is_overdue and dev.deadline
                        else task_status(dev.next_check, today, ctx.settings)
                    ),
                    status_of[contract.row] if contract else "",
                )
            )
    out.sort(key=lambda r: (r.date, r.contract_id, r.activity))
    return out


def key_figures(
    states: list[ContractState],
    rows: Rows,
    deviation_states: dict[int, DeviationState],
    plan_rows: list[PlanRow],
    findings: list[Finding],
    ctx: RunContext,
    evaluations_due: int,
    samples_proposed: int,
) -> KeyFigures:
    """Every figure of `Översikt`, including the regions' evaluation questions;
    `evaluations_due` counts the rows of `Utvärdering`, `samples_proposed` the sample audits
    `Stickprov` proposes."""
    today, settings = ctx.today, ctx.settings
    statuses = Counter(s.status for s in states)
    active = [s for s in states if s.status != ENDED]
    running = [s for s in active if s.status != NOT_STARTED]
    overdue = due30 = due90 = 0
    for s in active:
        nxt = s.schedule.next_date
        if nxt is None:
            continue
        days = (nxt - today).days
        overdue += int(days < 0)
        due30 += int(0 <= days <= 30)
        due90 += int(0 <= days <= 90)
    late = sum(1 for s in running if (s.schedule.next_date or today) < today)
    on_plan = len(running) - late
    coverage = round(100.0 * on_plan / len(running), 1) if running else 0.0
    tier_counts = Counter(s.tier.tier for s in active)
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
    open_devs = [d for d in rows.deviations if deviation_states[d.row].is_open]
    by_severity = Counter(d.severity for d in open_devs)
    by_step = Counter(d.step or 0 for d in open_devs)
    performed = [f for f in rows.follow_ups if f.date is not None and f.date <= today]
    followed_ids = {f.contract_id for f in performed}
    with_condition = [c for c in rows.contracts if c.sustainability]
    audits = [f for f in performed if f.is_audit]
    per_supplier = _audits_per_supplier(states, audits)
    audits_per_supplier = tuple(
        sorted(((s, len(v), sum(v)) for s, v in per_supplier.items()), key=lambda t: (-t[1], t[0]))
    )
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    return KeyFigures(
        today=today,
        computed_at=ctx.now,
        contracts=len(states),
        active=len(active),
        not_started=statuses.get(NOT_STARTED, 0),
        ended=statuses.get(ENDED, 0),
        expiring=statuses.get(EXPIRING, 0),
        extension_decisions=statuses.get(DECISION, 0),
        procurements=statuses.get(PROCUREMENT, 0),
        evaluations_due=evaluations_due,
        samples_proposed=samples_proposed,
        price_adjustments_90=sum(
            1
            for s in active
            if s.price.next_date is not None and 0 <= (s.price.next_date - today).days <= 90
        ),
        follow_ups_overdue=overdue,
        running=len(running),
        follow_ups_on_plan=on_plan,
        follow_ups_due_30=due30,
        follow_ups_due_90=due90,
        coverage_pct=coverage,
        open_deviations=len(open_devs),
        overdue_action_plans=sum(1 for d in open_devs if deviation_states[d.row].is_overdue),
        passive_deviations=sum(1 for d in open_devs if deviation_states[d.row].passivity),
        errors=errors,
        warnings=len(findings) - errors,
        tiers=tier_rows,
        months=tuple((m, month_counts.get((m.year, m.month), 0)) for m in months),
        open_by_severity=tuple(by_severity.get(s, 0) for s in SEVERITY_ORDER),
        open_by_step=tuple(by_step.get(i, 0) for i in range(5)),
        step_names=tuple(s.name for s in settings.ladder),
        sustainability_contracts=len(with_condition),
        sustainability_followed_up=sum(1 for c in with_condition if c.contract_id in followed_ids),
        audits=len(audits),
        audits_this_year=sum(1 for f in audits if f.date is not None and f.date.year == today.year),
        audited_contracts=len({f.contract_id for f in audits}),
        audited_suppliers=len(per_supplier),
        audit_cost=float(sum(f.cost or 0.0 for f in audits)),
        audits_per_supplier=audits_per_supplier,
        owners=owner_loads(states, rows, deviation_states, today),
    )


#: Where an audit on an unknown Avtals-ID, or on a contract without supplier, is counted.
UNKNOWN_SUPPLIER = "(okänd leverantör)"


def _audits_per_supplier(
    states: list[ContractState], audits: list[FollowUp]
) -> dict[str, list[float]]:
    """The audits' costs by supplier, a supplier being the identity the supplier stage gave each
    contract (`suppliers.Identities`), shown by the name its first contract gives it; an audit on
    an unknown Avtals-ID, or on a contract with neither supplier name nor organisation number,
    under `UNKNOWN_SUPPLIER`. Two suppliers shown by the same name (one name, two organisation
    numbers) stay apart, each with its number after the name."""
    name_of: dict[str, str] = {}
    supplier_of: dict[str | None, str] = {}
    for s in states:
        key, c = s.supplier, s.contract
        if c.contract_id and key:
            name_of.setdefault(key, c.supplier or key[3:])
            supplier_of.setdefault(c.contract_id, key)
    by_key: dict[str, list[float]] = defaultdict(list)
    for f in audits:
        by_key[supplier_of.get(f.contract_id, "")].append(f.cost or 0.0)
    shown = Counter(name_of[key] for key in by_key if key)
    per_supplier: dict[str, list[float]] = {}
    for key, costs in by_key.items():
        name = name_of[key] if key else UNKNOWN_SUPPLIER
        if key.startswith("nr:") and shown[name] > 1:
            name = f"{name} ({key[3:]})"
        per_supplier[name] = costs
    return per_supplier


FOLLOW_UP_ACTIVITIES = frozenset((schema.STARTUP_TYPE, *KIND_BY_TIER.values()))
