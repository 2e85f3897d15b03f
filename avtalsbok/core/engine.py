"""The one entry point of the engine: `evaluate(book, today=...) -> Result`.

parse → settings → cross-row checks → status and tiers → schedule → deviations → figures and
plan. Nothing here reads or writes a file, or looks at the clock unless no date is given.
Same input and same date → same result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from . import schema
from .book import BookInput
from .checks import check_contracts, check_deviations, check_follow_ups
from .deviations import DeviationState, LogRow, evaluate_deviations, per_contract
from .figures import PlanRow, key_figures, plan
from .findings import Finding, Level, display_value, make, sort_key
from .gcpause import paused_gc
from .models import Contract, Deviation, FollowUp, LogEntry
from .overview import KeyFigures
from .overview import grid as overview_grid
from .schedule import ENDED, Schedule, contract_status, extension_deadline, follow_up_form, schedule
from .settings import Settings, parse_settings
from .tiers import assign_tiers
from .validate import ColumnMap, parse_sheet

#: computed values of one row: column key → value
Values = dict[str, Any]


@dataclass(frozen=True)
class Result:
    """What the workbook should say after a run.

    `computed`: sheet → Excel row → {computed column key: value} (rows found blank map to {}
    so their stale computed cells are cleared). `sheets`: the regenerated sheets as grids from A1.
    `log_rows`: rows to append to `Händelselogg`. `contracts` and `deviations` are the parsed
    rows, `deviation_states` their computed state by Excel row, for reports built on a run.
    """

    book: str
    today: date
    now: datetime
    settings: Settings
    findings: list[Finding]
    computed: dict[str, dict[int, Values]]
    figures: KeyFigures
    plan: list[PlanRow]
    log_rows: list[LogRow]
    columns: dict[str, ColumnMap] = field(default_factory=dict)
    contracts: list[Contract] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    deviation_states: dict[int, DeviationState] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.WARNING)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def sheets(self) -> dict[str, list[list[Any]]]:
        """The regenerated sheets `Översikt`, `Uppföljningsplan` and `Fel` as grids from A1."""
        return {
            schema.OVERSIKT: overview_grid(self.figures),
            schema.UPPFOLJNINGSPLAN: [list(schema.PLAN_HEADERS)] + [r.cells() for r in self.plan],
            schema.FEL: [list(schema.FEL_HEADERS)] + [fel_row(f) for f in self.findings],
        }

    def log_grid(self) -> list[dict[str, Any]]:
        """New `Händelselogg` rows keyed by column key."""
        return [
            {
                "timestamp": r.timestamp,
                "deviation_id": r.deviation_id,
                "contract_id": r.contract_id,
                "event": r.event,
                "from_value": r.from_value,
                "to_value": r.to_value,
                "source": r.source,
            }
            for r in self.log_rows
        ]

    def summary(self) -> dict[str, Any]:
        """The figures a status line, `--json` and a batch report need."""
        f = self.figures
        return {
            "today": self.today.isoformat(),
            "contracts": f.contracts,
            "active": f.active,
            "errors": self.errors,
            "warnings": self.warnings,
            "follow_ups_overdue": f.follow_ups_overdue,
            "follow_ups_due_30": f.follow_ups_due_30,
            "expiring": f.expiring,
            "extension_decisions": f.extension_decisions,
            "open_deviations": f.open_deviations,
            "overdue_action_plans": f.overdue_action_plans,
            "tiers": [t[0] for t in f.tiers],
            "new_log_rows": len(self.log_rows),
        }


def fel_row(f: Finding) -> list[Any]:
    """A finding as a row of `Fel` (`schema.FEL_HEADERS`)."""
    return [
        f.sheet or "(arbetsboken)",
        f.row,
        f.column,
        f.header,
        display_value(f.value),
        f.level.swedish,
        f.code,
        f.message,
    ]


def check_text(findings: list[Finding], limit: int = 250) -> str:
    """`Kontroll` of a row: `OK`, or its findings in one short line."""
    if not findings:
        return schema.CHECK_OK
    errors = [f for f in findings if f.level is Level.ERROR]
    head = "FEL" if errors else "Varning"
    parts = [f"{f.header}: {f.message}" if f.header else f.message for f in (errors or findings)]
    text = f"{head} – " + " | ".join(parts)
    others = len(findings) - len(errors) if errors else 0
    if others:
        text += f" (+{others} varning{'ar' if others > 1 else ''})"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _log_entries(book: BookInput) -> tuple[list[LogEntry], list[Finding]]:
    """The rows of `Händelselogg`; a row with a cell that cannot be read is skipped with a warning.

    The log is the engine's own record: a damaged row is no error in the officer's book.
    """
    entries, _cmap, found, _blank = parse_sheet(
        schema.HANDELSELOGG,
        book.sheets.get(schema.HANDELSELOGG),
        LogEntry,
        date1904=book.date1904,
    )
    bad = {f.row for f in found if f.is_error and f.row is not None}
    kept = [f for f in found if f.row not in bad]
    kept += [make("invalid-log-row", sheet=schema.HANDELSELOGG, row=row) for row in sorted(bad)]
    return [e for e in entries if e.row not in bad], kept


def evaluate(
    book: BookInput,
    today: date | None = None,
    *,
    now: datetime | None = None,
    source: str = "avtalsbok",
) -> Result:
    """Evaluate a whole book.

    `today` overrides the settings' `Idag`; with neither, the real date is used. `now` stamps
    new log rows (default: `today` at midnight, so a run is reproducible); `source` names who
    ran it (file, user) in the log.
    """
    with paused_gc():
        return _evaluate(book, today, now, source)


def _evaluate(book: BookInput, today: date | None, now: datetime | None, source: str) -> Result:
    findings: list[Finding] = list(book.findings)
    settings, setting_findings = parse_settings(book.sheets.get(schema.INSTALLNINGAR))
    findings += setting_findings
    today = today or settings.today or date.today()
    now = now or datetime.combine(today, datetime.min.time())

    def sheet(name: str, model: type[Any]) -> tuple[list[Any], ColumnMap, list[Any]]:
        models, cmap, found, blank = parse_sheet(
            name, book.sheets.get(name), model, date1904=book.date1904
        )
        findings.extend(found)
        return models, cmap, blank

    contracts, c_map, c_blank = sheet(schema.AVTAL, Contract)
    follow_ups, f_map, f_blank = sheet(schema.UPPFOLJNINGAR, FollowUp)
    deviations, d_map, d_blank = sheet(schema.AVVIKELSER, Deviation)
    log, log_findings = _log_entries(book)
    findings += log_findings

    by_id: dict[str, Contract] = {}
    for c in contracts:
        if c.contract_id:
            by_id.setdefault(c.contract_id, c)
    findings += check_contracts(contracts, c_map)
    findings += check_follow_ups(follow_ups, f_map, by_id, today)
    findings += check_deviations(deviations, d_map, by_id, today)

    deadlines = {c.row: extension_deadline(c, settings) for c in contracts}
    statuses = {c.row: contract_status(c, deadlines[c.row], today, settings) for c in contracts}
    ended = {row for row, status in statuses.items() if status == ENDED}
    tiers, tier_findings = assign_tiers(contracts, ended, settings)
    findings += tier_findings

    last_done: dict[str, date] = {}
    for fu in follow_ups:
        done = fu.contract_id and fu.date and fu.date <= today
        if done and (fu.contract_id not in last_done or fu.date > last_done[fu.contract_id]):
            last_done[fu.contract_id] = fu.date
    schedules: dict[int, Schedule] = {
        c.row: schedule(
            c,
            statuses[c.row],
            deadlines[c.row],
            tiers[c.row].tier,
            last_done.get(c.contract_id or ""),
            today,
            settings,
        )
        for c in contracts
    }

    duplicate_devs = {f.value for f in findings if f.code == "duplicate-deviation-id" and f.sheet}
    dev_states, log_rows, dev_findings = evaluate_deviations(
        deviations, log, d_map, duplicate_devs, today, now, source, settings
    )
    findings += dev_findings
    open_per_contract = per_contract(deviations, dev_states)

    findings.sort(key=sort_key)
    by_row: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet and f.row:
            by_row[(f.sheet, f.row)].append(f)

    computed: dict[str, dict[int, Values]] = {
        schema.AVTAL: {},
        schema.UPPFOLJNINGAR: {},
        schema.AVVIKELSER: {},
    }
    for c in contracts:
        s, t = schedules[c.row], tiers[c.row]
        n_open, highest = open_per_contract.get(c.contract_id or "", (0, None))
        computed[schema.AVTAL][c.row] = {
            "priority": t.tier,
            "priority_reason": t.reason,
            "follow_up_form": follow_up_form(
                t.tier, bool(c.is_call_off and c.central_follows_up), settings
            ),
            "last_follow_up": last_done.get(c.contract_id or ""),
            "next_follow_up": s.next_date,
            "next_follow_up_kind": s.next_kind,
            "follow_up_status": s.follow_up_status,
            "extension_deadline": s.extension_deadline,
            "contract_status": s.status,
            "open_deviations": n_open,
            "highest_step": highest,
            "check": check_text(by_row.get((schema.AVTAL, c.row), [])),
        }
    for fu in follow_ups:
        computed[schema.UPPFOLJNINGAR][fu.row] = {
            "check": check_text(by_row.get((schema.UPPFOLJNINGAR, fu.row), []))
        }
    for d in deviations:
        st = dev_states[d.row]
        computed[schema.AVVIKELSER][d.row] = {
            "days_open": st.days_open,
            "overdue": st.overdue,
            "proposed_step": st.proposed_step,
            "next_check": st.next_check,
            "passivity": st.passivity,
            "check": check_text(by_row.get((schema.AVVIKELSER, d.row), [])),
        }
    for name, blank in (
        (schema.AVTAL, c_blank),
        (schema.UPPFOLJNINGAR, f_blank),
        (schema.AVVIKELSER, d_blank),
    ):
        for excel_row, _values in blank:
            computed[name][excel_row] = {}

    plan_rows = plan(contracts, by_id, tiers, schedules, deviations, dev_states, today, settings)
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    figures = key_figures(
        contracts,
        tiers,
        schedules,
        follow_ups,
        deviations,
        dev_states,
        plan_rows,
        errors,
        len(findings) - errors,
        today,
        now,
        settings,
    )
    return Result(
        book=book.name,
        today=today,
        now=now,
        settings=settings,
        findings=findings,
        computed=computed,
        figures=figures,
        plan=plan_rows,
        log_rows=log_rows,
        columns={schema.AVTAL: c_map, schema.UPPFOLJNINGAR: f_map, schema.AVVIKELSER: d_map},
        contracts=contracts,
        deviations=deviations,
        deviation_states=dev_states,
    )
