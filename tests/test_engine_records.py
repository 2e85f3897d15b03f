"""The engine's typed rows and states: the records hold exactly the schema's computed columns,
and what a run writes and what `Result.states` says come from the same state."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from helpers import TODAY, book, contract, contract_values, deviation, follow_up, run

from avtalsbok.core import schema
from avtalsbok.core.computed import (
    RECORDS,
    AvtalComputed,
    AvvikelseComputed,
    LogRow,
    shown_date,
    values_of,
)
from avtalsbok.core.output import plan_writes
from avtalsbok.core.state import DeviationSummary, Schedule, Tier

SHEETS_WITH_COMPUTED = [s for s in schema.DATA_SHEETS.values() if s.computed_columns]


def names(record: type) -> list[str]:
    """Field names of a record, named tuple or dataclass."""
    return list(getattr(record, "_fields", None) or (f.name for f in fields(record)))


def test_every_sheet_with_computed_columns_has_a_record() -> None:
    assert set(RECORDS) == {s.name for s in SHEETS_WITH_COMPUTED}


@pytest.mark.parametrize("sheet", SHEETS_WITH_COMPUTED, ids=lambda s: s.name)
def test_a_record_holds_exactly_the_computed_columns_in_schema_order(
    sheet: schema.SheetDef,
) -> None:
    assert names(RECORDS[sheet.name]) == [c.key for c in sheet.computed_columns]


def test_a_log_row_holds_exactly_the_columns_of_handelselogg() -> None:
    assert names(LogRow) == [c.key for c in schema.HANDELSELOGG_SHEET.columns]


def test_the_state_of_a_contract_is_what_its_row_says() -> None:
    r = run(
        [contract(extension_option="2+1", notice_months=3, critical="Ja")],
        [follow_up(date=date(2024, 11, 4)), follow_up(date=date(2025, 1, 15))],
        [deviation(step=1), deviation(deviation_id="D2", remedied=date(2025, 3, 10))],
    )
    (state,) = r.states
    assert (state.row, state.contract.contract_id, state.status) == (2, "A1", "Aktivt")
    assert state.last_follow_up == date(2025, 1, 15)
    assert state.tier == Tier(1, "Verksamhetskritiskt avtal")
    assert state.deviations == DeviationSummary(open=1, highest_step=1)
    assert isinstance(state.schedule, Schedule) and state.schedule.next_date is not None
    row = r.computed[schema.AVTAL][2]
    assert isinstance(row, AvtalComputed)
    assert (
        row.contract_status,
        row.extension_deadline,
        row.last_follow_up,
        row.priority,
        row.priority_reason,
        row.next_follow_up,
        row.open_deviations,
        row.highest_step,
    ) == (
        state.status,
        state.extension_deadline,
        state.last_follow_up,
        state.tier.tier,
        state.tier.reason,
        state.schedule.next_date,
        1,
        1,
    )
    assert state.extension_deadline is not None and state.extension_deadline < date(2026, 9, 30)


def test_the_plan_writes_each_computed_column_from_its_record() -> None:
    rows = [contract(), {h: None for h in contract()}]
    devs = [deviation(plan_deadline=date(2025, 3, 10))]
    b = book(rows, deviations=devs)
    r = run(rows, deviations=devs)
    cells = plan_writes(b, r).cells
    avtal_row = r.computed[schema.AVTAL][2]
    avvikelse_row = r.computed[schema.AVVIKELSER][2]
    assert isinstance(avtal_row, AvtalComputed)
    assert isinstance(avvikelse_row, AvvikelseComputed)
    assert tuple(cells[schema.AVTAL].rows[2].values()) == tuple(avtal_row)
    assert tuple(cells[schema.AVVIKELSER].rows[2].values()) == tuple(avvikelse_row)
    assert avvikelse_row.overdue == "Ja" and avvikelse_row.proposed_step == "1 Åtgärdsplan"
    # The blank row's computed cells are cleared, every one of them.
    width = len(schema.AVTAL_SHEET.computed_columns)
    assert list(cells[schema.AVTAL].rows[3].values()) == [None] * width
    assert r.today == TODAY


def test_a_run_never_writes_an_input_column() -> None:
    """The new input columns (extensions used, the price adjustment terms) and the `Index`
    sheet are the officer's: the plan writes computed columns and regenerated sheets only."""
    rows = [
        contract(
            extension_option="1+1",
            extensions_used=1,
            price_index="KPI",
            price_month="april",
            base_month="2023-01",
            index_share=90,
            price_threshold=2,
            last_price_adjustment=date(2024, 4, 1),
        )
    ]
    index = [{"Serie": "KPI", "Månad": "2023-01", "Värde": 170}]
    b = book(rows, index=index)
    plan = plan_writes(b, run(rows, index=index))
    inputs = {
        schema.column_index(letter)
        for letter, header in b.sheets[schema.AVTAL].headers.items()
        if header in {c.header for c in schema.AVTAL_SHEET.input_columns}
    }
    written = {col for cells in plan.cells[schema.AVTAL].rows.values() for col in cells}
    assert len(inputs) == len(schema.AVTAL_SHEET.input_columns) and not inputs & written
    assert schema.INDEX not in {*plan.cells, *plan.replace, *plan.append}
    assert schema.UTVARDERING in plan.replace


def test_the_values_of_one_several_or_no_columns_come_as_one_tuple() -> None:
    row = run([contract(manual_priority=2, motivation="t")]).computed[schema.AVTAL][2]
    assert row is not None
    assert values_of(("priority", "check"))(row) == (2, "OK")
    assert values_of(("priority",))(row) == (2,)
    assert values_of(())(row) == ()


def test_a_deadline_on_excels_first_day_is_shown_the_day_before_is_not() -> None:
    assert shown_date(date(1900, 1, 1)) == date(1900, 1, 1)
    assert shown_date(date(1899, 12, 31)) is None
    assert shown_date(None) is None


def test_only_a_call_off_the_central_body_follows_up_gets_the_central_form() -> None:
    def form(**kw: str) -> str:
        return str(contract_values(run([contract(**kw)]), 2, "follow_up_form")[0])

    central = form(form="Avrop nationellt ramavtal", central_follows_up="Ja")
    own = form(form="Avrop nationellt ramavtal", central_follows_up="Nej")
    assert central != own
    assert form(form="Ramavtal", central_follows_up="Ja") == form(form="Ramavtal")
    assert form(form="Ramavtal", central_follows_up="Ja") != central
