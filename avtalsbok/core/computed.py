"""The rows the engine writes, one typed record per sheet, and where each value comes from.

Each data sheet's computed columns are one immutable record (a named tuple) whose fields are
exactly the schema's computed column keys, in schema order (`AvtalComputed`,
`UppfoljningComputed`, `AvvikelseComputed`; `tests/test_engine_records.py` holds them equal);
`LogRow` is the same for a new `Händelselogg` row. The builders below are the one place a state
becomes a row, so a column added to the schema and to its record, but not filled here, fails at
construction (and in mypy), and a column missing from a record fails the test: never a
silently blank column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from . import schema
from .datecells import FIRST_EXCEL_DAY
from .findings import Finding, Level
from .schedule import follow_up_form
from .settings import Settings
from .state import ContractState, DeviationState, Rows
from .words import counted


class AvtalComputed(NamedTuple):
    """The computed columns of one `Avtal` row."""

    priority: int | None
    priority_reason: str
    follow_up_form: str
    last_follow_up: date | None
    next_follow_up: date | None
    next_follow_up_kind: str | None
    follow_up_status: str | None
    extension_deadline: date | None
    extensions_left: int | None
    latest_end: date | None
    procurement_deadline: date | None
    contract_status: str
    open_deviations: int
    highest_step: int | None
    supplier_history: str
    next_price_adjustment: date | None
    index_change: float | None
    check: str


class UppfoljningComputed(NamedTuple):
    """The computed columns of one `Uppföljningar` row."""

    check: str


class AvvikelseComputed(NamedTuple):
    """The computed columns of one `Avvikelser` row."""

    days_open: int | None
    overdue: str
    proposed_step: str
    next_check: date | None
    passivity: str
    check: str


@dataclass(frozen=True, slots=True)
class LogRow:
    """A new row for `Händelselogg` (its fields are the sheet's column keys)."""

    timestamp: datetime
    deviation_id: str
    contract_id: str
    event: str
    from_value: str
    to_value: str
    source: str
    #: the day the step was taken, as the officer recorded it (`Steg taget`), for a step change
    step_taken: date | None = None


ComputedRow = AvtalComputed | UppfoljningComputed | AvvikelseComputed

#: Data sheet → the record of its computed row. A sheet with computed columns has one here.
RECORDS: dict[str, type[ComputedRow]] = {
    schema.AVTAL: AvtalComputed,
    schema.UPPFOLJNINGAR: UppfoljningComputed,
    schema.AVVIKELSER: AvvikelseComputed,
}

#: Sheet → Excel row → its computed row, or None for a blank row (its stale cells are cleared).
Computed = dict[str, dict[int, ComputedRow | None]]


def values_of(keys: tuple[str, ...]) -> Callable[[ComputedRow], tuple[Any, ...]]:
    """A getter of these column keys' values from a computed record, as one tuple.

    The keys are schema keys; a record without one of them raises, never reads blank.
    """
    if len(keys) > 1:
        return attrgetter(*keys)
    if keys:
        one = attrgetter(keys[0])
        return lambda record: (one(record),)
    return lambda record: ()


def check_text(findings: list[Finding], limit: int = 250) -> str:
    """`Kontroll` of a row: `OK`, or its findings in one short line."""
    if not findings:
        return schema.CHECK_OK
    errors = [f for f in findings if f.level is Level.ERROR]
    head = "FEL" if errors else "Varning"
    # A message that names its column (`Avtals-ID ”AV-1” finns på flera rader`) is not led by it.
    parts = [
        f"{f.header}: {f.message}" if f.header and f.header not in f.message else f.message
        for f in (errors or findings)
    ]
    text = f"{head} – " + " | ".join(parts)
    others = len(findings) - len(errors) if errors else 0
    if others:
        text += f" (+{counted(others, 'varning', 'varningar')})"
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: (tier, a call-off the central purchasing body follows up) → `Uppföljningsform`
Forms = Mapping[tuple[int | None, bool], str]


def follow_up_forms(settings: Settings) -> Forms:
    """Every `Uppföljningsform` there is, each worded once per run (see `follow_up_form`)."""
    return {
        (tier, central): follow_up_form(tier, central, settings)
        for tier in (None, 1, 2, 3)
        for central in (False, True)
    }


def shown_date(d: date | None) -> date | None:
    """A deadline counted back from the dates of a contract, or blank where it falls before
    Excel's first day (1900-01-01): no workbook can show it. Only a date typed as a small
    number puts it there (a Slutdatum of `5` is 1900-01-05)."""
    return d if d is None or d >= FIRST_EXCEL_DAY else None


def avtal_row(state: ContractState, check: str, forms: Forms) -> AvtalComputed:
    """The computed `Avtal` row of a contract's final state."""
    c, tier, s, term = state.contract, state.tier, state.schedule, state.term
    return AvtalComputed(
        priority=tier.tier,
        priority_reason=tier.reason,
        follow_up_form=forms[tier.tier, bool(c.is_call_off and c.central_follows_up)],
        last_follow_up=state.last_follow_up,
        next_follow_up=s.next_date,
        next_follow_up_kind=s.next_kind,
        follow_up_status=s.follow_up_status,
        extension_deadline=shown_date(state.extension_deadline),
        extensions_left=term.extensions_left,
        latest_end=term.latest_end,
        procurement_deadline=shown_date(term.procurement_deadline),
        contract_status=state.status,
        open_deviations=state.deviations.open,
        highest_step=state.deviations.highest_step,
        supplier_history=state.supplier_history,
        next_price_adjustment=state.price.next_date,
        index_change=state.price.change,
        check=check,
    )


def avvikelse_row(state: DeviationState, check: str) -> AvvikelseComputed:
    """The computed `Avvikelser` row of a deviation's state."""
    return AvvikelseComputed(
        days_open=state.days_open,
        overdue=state.overdue,
        proposed_step=state.proposed_step,
        next_check=state.next_check,
        passivity=state.passivity,
        check=check,
    )


def computed_rows(
    states: list[ContractState],
    rows: Rows,
    deviation_states: Mapping[int, DeviationState],
    findings: list[Finding],
    settings: Settings,
) -> Computed:
    """Every computed row of the book; `findings` (sorted) give each row's `Kontroll`."""
    # Findings of the book or of a whole sheet stand under a row None: no row asks for them.
    by_row: dict[tuple[str | None, int | None], list[Finding]] = defaultdict(list)
    for f in findings:
        by_row[(f.sheet, f.row)].append(f)

    def check(sheet: str, row: int) -> str:
        return check_text(by_row[(sheet, row)])

    forms = follow_up_forms(settings)
    computed: Computed = {
        schema.AVTAL: {s.row: avtal_row(s, check(schema.AVTAL, s.row), forms) for s in states},
        schema.UPPFOLJNINGAR: {
            f.row: UppfoljningComputed(check=check(schema.UPPFOLJNINGAR, f.row))
            for f in rows.follow_ups
        },
        schema.AVVIKELSER: {
            d.row: avvikelse_row(deviation_states[d.row], check(schema.AVVIKELSER, d.row))
            for d in rows.deviations
        },
    }
    for name, blank in rows.blank.items():
        cleared = computed.get(name)
        if cleared is None:  # a sheet without computed columns (Index, Mål): nothing to clear
            continue
        for excel_row in blank:
            cleared[excel_row] = None
    return computed
