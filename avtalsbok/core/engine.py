"""The one entry point of the engine: `evaluate(book, today=...) -> Result`.

A run is a row of stages (`stages`), each returning what it made and what it found, as in
beancount's loader: context → parse → check → one state per contract (term, status and
extension deadline → tier → schedule → deviations → history and the decision ahead → price
adjustment, with the `Index` values → the supplier's history) → the sample audits → the computed
rows, the plan, `Utvärdering`, `Stickprov`, the key figures and the goals of `Mål` against them.
Nothing here reads or writes a file, or looks at the clock unless no date is given. Same input
and same date → same result.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any, TypeVar

from . import schema, stages
from .book import BookInput
from .computed import Computed, LogRow, computed_rows
from .evaluation import due, sheet_rows
from .figures import PlanRow, key_figures, plan
from .findings import Finding, Level, display_value, sort_key
from .goals import results as goal_results
from .models import Contract, Deviation
from .overview import KeyFigures
from .overview import grid as overview_grid
from .prices import Indexes
from .samples import PROPOSED, SampleRow
from .settings import Settings
from .stages import Staged
from .state import ContractState, DeviationState
from .suppliers import SupplierHistory
from .typedin import CODE as TYPED_IN
from .validate import ColumnMap

T = TypeVar("T")


@dataclass(frozen=True)
class Result:
    """What the workbook should say after a run.

    `computed`: sheet → Excel row → its computed row (`computed.AvtalComputed`, ...), or None
    for a row found blank (its stale computed cells are cleared). `sheets()`: the regenerated
    sheets as grids from A1. `log_rows`: rows to append to `Händelselogg`. `states`: the state
    of each contract, in sheet order; `contracts` and `deviations` are the parsed rows,
    `deviation_states` the deviations' state by Excel row, for reports built on a run;
    `indexes` the `Index` sheet's values, `evaluations` the rows of `Utvärdering`;
    `suppliers` each supplier's history by identity, `samples` the rows of `Stickprov`.
    """

    book: str
    today: date
    now: datetime
    settings: Settings
    findings: list[Finding]
    computed: Computed
    figures: KeyFigures
    plan: list[PlanRow]
    log_rows: list[LogRow]
    columns: dict[str, ColumnMap] = field(default_factory=dict)
    contracts: list[Contract] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    deviation_states: dict[int, DeviationState] = field(default_factory=dict)
    states: list[ContractState] = field(default_factory=list)
    indexes: Indexes = field(default_factory=lambda: Indexes({}))
    evaluations: list[list[Any]] = field(default_factory=list)
    suppliers: dict[str, SupplierHistory] = field(default_factory=dict)
    samples: list[SampleRow] = field(default_factory=list)

    @property
    def proposed_samples(self) -> list[SampleRow]:
        """The sample audits proposed, by rank."""
        return [s for s in self.samples if s.status == PROPOSED]

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
        """The regenerated sheets `Översikt`, `Uppföljningsplan`, `Utvärdering`, `Stickprov`
        and `Fel` as grids from A1."""
        return {
            schema.OVERSIKT: overview_grid(self.figures),
            schema.UPPFOLJNINGSPLAN: [list(schema.PLAN_HEADERS)] + [r.cells() for r in self.plan],
            schema.UTVARDERING: [list(schema.EVALUATION_HEADERS), *self.evaluations],
            schema.STICKPROV: [list(schema.SAMPLE_HEADERS)] + [s.cells() for s in self.samples],
            schema.FEL: [list(schema.FEL_HEADERS)] + [fel_row(f) for f in self.findings],
        }

    def log_grid(self) -> list[dict[str, Any]]:
        """New `Händelselogg` rows keyed by column key."""
        keys = [f.name for f in fields(LogRow)]
        return [{key: getattr(r, key) for key in keys} for r in self.log_rows]

    @property
    def settled(self) -> bool:
        """Whether the next run, on the book as this one writes it, would find the same: not
        when a finding warns of a value this run replaces (`typedin.CODE`), which the next run
        no longer sees."""
        return not any(f.code == TYPED_IN for f in self.findings)

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
            "procurements": f.procurements,
            "evaluations_due": len(self.evaluations),
            "price_adjustments_90": f.price_adjustments_90,
            "samples_proposed": f.samples_proposed,
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
        f.message,
        f.code,
        f.location,
    ]


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
    found: list[Finding] = list(book.findings)

    def keep(staged: Staged[T]) -> T:
        data, new = staged
        found.extend(new)
        return data

    ctx = keep(stages.context(book, today, now, source))
    rows = keep(stages.parse(book))
    keep(stages.check(rows, ctx))
    states = keep(stages.open_states(rows, ctx))
    states = keep(stages.rank(states, ctx))
    states = keep(stages.plan_follow_ups(states, ctx))
    deviations = keep(stages.follow_deviations(rows, ctx))
    states = keep(stages.count_deviations(states, rows, deviations))
    states = keep(stages.review(states, rows, ctx))
    indexes = keep(stages.index_values(rows))
    states = keep(stages.adjust_prices(states, rows, indexes, ctx))
    states, suppliers = keep(stages.follow_suppliers(states, rows, ctx))
    samples = keep(stages.propose_samples(states, suppliers, ctx))

    findings = sorted(found, key=sort_key)
    plan_rows = plan(states, rows, deviations.states, ctx)
    evaluations = sheet_rows(due(states, ctx.today, ctx.settings))
    figures = key_figures(
        states,
        rows,
        deviations.states,
        plan_rows,
        findings,
        ctx,
        len(evaluations),
        sum(1 for s in samples if s.status == PROPOSED),
    )
    return Result(
        book=book.name,
        today=ctx.today,
        now=ctx.now,
        settings=ctx.settings,
        findings=findings,
        computed=computed_rows(states, rows, deviations.states, findings, ctx.settings),
        figures=replace(figures, goals=goal_results(rows.goals, figures)),
        plan=plan_rows,
        log_rows=deviations.log_rows,
        columns=rows.columns,
        contracts=rows.contracts,
        deviations=rows.deviations,
        deviation_states=deviations.states,
        states=states,
        indexes=indexes,
        evaluations=evaluations,
        suppliers=suppliers,
        samples=samples,
    )
