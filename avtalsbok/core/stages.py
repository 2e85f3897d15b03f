"""The engine's stages, in the order a run takes them; each returns `(data, findings)`.

context → parse → check → open states → tiers → schedule → deviations → reviews → index
values → prices → suppliers → sample audits → (plan, figures and computed rows in `engine`).
Each stage is a small pure function of the context and what the stages before it made; the
rules themselves live in `checks`, `extensions`, `schedule`, `tiers`, `deviations`,
`evaluation`, `prices`, `suppliers` and `samples`. A new stage goes here, in its place in
`engine.evaluate`, and adds its part to `ContractState` (or to a record of its own) with
`_replace`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from . import schema
from .book import BookInput
from .checks import check_contracts, check_deviations, check_follow_ups
from .computed import LogRow
from .deviations import evaluate_deviations, summaries
from .evaluation import with_reviews
from .extensions import check_used, term
from .findings import Finding, make
from .goals import check_goals
from .models import Contract, Deviation, FollowUp, Goal, IndexValueRow, LogEntry
from .prices import Indexes, read_indexes, with_prices
from .samples import SampleRow, propose
from .schedule import contract_status, extension_deadline, schedule
from .settings import parse_settings
from .state import ContractState, DeviationState, Rows, RunContext
from .suppliers import SupplierHistory, histories
from .tiers import assign_tiers
from .typedin import typed_in
from .validate import parse_sheet

T = TypeVar("T")
#: What a stage returns: what it made, and what it found.
Staged = tuple[T, list[Finding]]


class Deviations(NamedTuple):
    """What the deviation stage makes: each deviation's state by Excel row, new log rows."""

    states: dict[int, DeviationState]
    log_rows: list[LogRow]


def context(
    book: BookInput, today: date | None, now: datetime | None, source: str
) -> Staged[RunContext]:
    """The run's settings from `Inställningar`, its reference date (given, else the settings'
    `Idag`, else the real date) and the time new log rows get: the given time when it falls on
    the reference date, else that date at midnight — a run for a locked `Idag` logs for that
    day, never after it, so the next run reads the same state. A locked `Idag` in use is a
    warning on every run: every output is then for that day."""
    settings, found = parse_settings(book.sheets.get(schema.INSTALLNINGAR))
    if today is None and settings.today is not None:
        today = settings.today
        found.append(make("today-locked", sheet=schema.INSTALLNINGAR, header="Idag", value=today))
    today = today or date.today()
    if now is None or now.date() != today:
        now = datetime.combine(today, datetime.min.time())
    return RunContext(today, now, source, settings), found


def parse(book: BookInput) -> Staged[Rows]:
    """The data sheets as typed rows; every unreadable cell is a located finding, and so is
    every computed cell holding what the engine never writes there (`typedin`)."""
    found: list[Finding] = []
    columns = {}
    blank: dict[str, list[int]] = {}

    def sheet(name: str, model: type[Any]) -> list[Any]:
        models, cmap, sheet_found, blank_rows = parse_sheet(
            name, book.sheets.get(name), model, date1904=book.date1904
        )
        found.extend(sheet_found)
        columns[name] = cmap
        blank[name] = [excel_row for excel_row, _values in blank_rows]
        return models

    contracts: list[Contract] = sheet(schema.AVTAL, Contract)
    follow_ups: list[FollowUp] = sheet(schema.UPPFOLJNINGAR, FollowUp)
    deviations: list[Deviation] = sheet(schema.AVVIKELSER, Deviation)
    index: list[IndexValueRow] = sheet(schema.INDEX, IndexValueRow)
    goals: list[Goal] = sheet(schema.MAL, Goal)
    for name, definition in schema.DATA_SHEETS.items():
        if definition.computed_columns:
            found.extend(typed_in(name, book.sheets.get(name), columns[name]))
    log, log_found = _log_entries(book)
    by_id: dict[str, Contract] = {}
    for c in contracts:
        if c.contract_id:
            by_id.setdefault(c.contract_id, c)
    rows = Rows(contracts, follow_ups, deviations, log, index, goals, columns, blank, by_id)
    return rows, found + log_found


def _log_entries(book: BookInput) -> Staged[list[LogEntry]]:
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


def check(rows: Rows, ctx: RunContext) -> Staged[Rows]:
    """Rows read against each other (duplicate ids, dates in order, unknown contracts, a goal
    set twice, ...)."""
    columns = rows.columns
    found = check_contracts(rows.contracts, columns[schema.AVTAL], ctx.today)
    found += check_used(rows.contracts, columns[schema.AVTAL])
    found += check_follow_ups(rows.follow_ups, columns[schema.UPPFOLJNINGAR], rows.by_id, ctx.today)
    found += check_deviations(rows.deviations, columns[schema.AVVIKELSER], rows.by_id, ctx.today)
    found += check_goals(rows.goals, columns[schema.MAL])
    return rows, found


def open_states(rows: Rows, ctx: RunContext) -> Staged[list[ContractState]]:
    """A state per contract: its term (extensions left, latest end, procurement deadline), its
    extension deadline (while an extension is left), its status, its last follow-up
    (registered on `Uppföljningar`, or `Senaste uppföljning före avtalsboken` when later)."""
    today, settings = ctx.today, ctx.settings
    last_done: dict[str, date] = {}
    for fu in rows.follow_ups:
        ident, day = fu.contract_id, fu.date
        if ident and day and day <= today and (ident not in last_done or day > last_done[ident]):
            last_done[ident] = day
    states = []
    for c in rows.contracts:
        life = term(c, settings)
        deadline = extension_deadline(c, settings) if life.extensions_left else None
        status = contract_status(c, deadline, life, ctx)
        last = last_done.get(c.contract_id or "")
        earlier = c.earlier_follow_up
        if earlier is not None and earlier <= today and (last is None or earlier > last):
            last = earlier
        states.append(ContractState(c, status, deadline, last, life))
    return states, []


def rank(states: list[ContractState], ctx: RunContext) -> Staged[list[ContractState]]:
    """Each contract's SKR tier with its reason (see `tiers`)."""
    tiers, found = assign_tiers(states, ctx.settings)
    return [s._replace(tier=t) for s, t in zip(states, tiers, strict=True)], found


def plan_follow_ups(states: list[ContractState], ctx: RunContext) -> Staged[list[ContractState]]:
    """Each contract's next follow-up (see `schedule`)."""
    return [s._replace(schedule=schedule(s, ctx)) for s in states], []


def follow_deviations(rows: Rows, ctx: RunContext) -> Staged[Deviations]:
    """Each deviation on the escalation ladder, and the log rows of what changed."""
    states, log_rows, found = evaluate_deviations(rows, ctx)
    return Deviations(states, log_rows), found


def count_deviations(
    states: list[ContractState], rows: Rows, deviations: Deviations
) -> Staged[list[ContractState]]:
    """Each contract's open deviations and the highest step among them."""
    per_contract = summaries(rows.deviations, deviations.states)
    summary_of = per_contract.get
    return [
        s
        if (summary := summary_of(s.contract.contract_id or "")) is None
        else s._replace(deviations=summary)
        for s in states
    ], []


def review(states: list[ContractState], rows: Rows, ctx: RunContext) -> Staged[list[ContractState]]:
    """Each contract's history and the decision its evaluation prepares (see `evaluation`)."""
    return with_reviews(states, rows, ctx), []


def index_values(rows: Rows) -> Staged[Indexes]:
    """The `Index` sheet's values by series and month; conflicting rows are findings."""
    return read_indexes(rows.index, rows.columns[schema.INDEX])


def adjust_prices(
    states: list[ContractState], rows: Rows, indexes: Indexes, ctx: RunContext
) -> Staged[list[ContractState]]:
    """Each contract's next price adjustment and index change (see `prices`)."""
    return with_prices(states, indexes, rows.columns[schema.AVTAL], ctx)


def follow_suppliers(
    states: list[ContractState], rows: Rows, ctx: RunContext
) -> Staged[tuple[list[ContractState], dict[str, SupplierHistory]]]:
    """Each contract's supplier and its history line; every supplier's history by identity
    (see `suppliers`)."""
    keys, found = histories(states, rows, ctx)
    text = {key: h.text for key, h in found.items()}
    return (
        [
            s._replace(supplier=key, supplier_history=text[key]) if key else s
            for s, key in zip(states, keys, strict=True)
        ],
        found,
    ), []


def propose_samples(
    states: list[ContractState], suppliers: dict[str, SupplierHistory], ctx: RunContext
) -> Staged[list[SampleRow]]:
    """This year's sample audits and the candidates left out (see `samples`)."""
    return propose(states, suppliers, ctx.today, ctx.settings), []
