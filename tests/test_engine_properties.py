"""Whatever an officer types in whichever column, a run ends with findings, never an exception."""

from datetime import date
from typing import Any

from helpers import TODAY, book, contract, deviation, follow_up, setting
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from avtalsbok.core import schema
from avtalsbok.core.engine import evaluate
from avtalsbok.core.settings import DEFINITIONS

cell = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


def rows(sheet: schema.SheetDef) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows with a random value in every column the officer may fill in."""
    return st.lists(st.fixed_dictionaries({c.header: cell for c in sheet.columns}), max_size=4)


settings_rows = st.lists(
    st.fixed_dictionaries(
        {"Inställning": st.sampled_from([d.key for d in DEFINITIONS]), "Värde": cell}
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contracts=rows(schema.AVTAL_SHEET),
    follow_ups=rows(schema.UPPFOLJNINGAR_SHEET),
    deviations=rows(schema.AVVIKELSER_SHEET),
    log=rows(schema.HANDELSELOGG_SHEET),
    options=settings_rows,
    today=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31))),
)
@example(
    contracts=[contract(start=date(9999, 12, 31), end=date(9999, 12, 31))],
    follow_ups=[follow_up(date=date(9998, 1, 2))],
    deviations=[deviation(plan_deadline=2958465, detected=date(9999, 12, 30))],
    log=[],
    options=[setting("Idag", "9999-12-31")],
    today=None,
)
@example(
    contracts=[contract(end="0001-03-01", extension_option="1+1", notice_months=120)],
    follow_ups=[],
    deviations=[],
    log=[],
    options=[setting("Varning före avtalsslut (dagar)", 730)],
    today=TODAY,
)
def test_evaluate_never_raises_on_any_cell_value(
    contracts: list[dict[str, Any]],
    follow_ups: list[dict[str, Any]],
    deviations: list[dict[str, Any]],
    log: list[dict[str, Any]],
    options: list[dict[str, Any]],
    today: date | None,
) -> None:
    r = evaluate(book(contracts, follow_ups, deviations, options, log), today=today)
    assert len(r.computed[schema.AVTAL]) == len(contracts)
    assert r.figures.contracts + sum(1 for v in r.computed[schema.AVTAL].values() if not v) == len(
        contracts
    )
    assert set(r.sheets()) == set(schema.COMPUTED_SHEETS)
