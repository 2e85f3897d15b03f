"""The models' fast paths for cells in final form give exactly what the cell parsers give."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from avtalsbok.core import cells, datecells, models, schema

VALUES = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(["Ja", "Nej", "ja", " Ja", "3", "3.0", "#N/A", "Städ\u00a0AB ", "Låg", "-0"]),
    st.integers(-5, 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 3.0, 4.0, 1e300, True, False]),
    st.dates(),
    st.datetimes(),
)

CASES: list[tuple[Any, Any]] = [
    (models.Text, cells.parse_text),
    (models.Day, datecells.parse_date),
    (models.Moment, datecells.parse_datetime),
    (models.Amount, cells.parse_amount),
    (models.Flag, cells.parse_bool),
    (models.Email, cells.parse_email),
    (models.Month, datecells.parse_month),
    (
        models.Contract.__pydantic_fields__["probability"].rebuild_annotation(),
        lambda v: cells.parse_int(v, 1, 4),
    ),
    (
        models.Deviation.__pydantic_fields__["severity"].rebuild_annotation(),
        lambda v: cells.parse_choice(v, schema.SEVERITIES),
    ),
]


def outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except cells.CellError as exc:
        return "error", exc.code
    except ValidationError as exc:
        return "error", exc.errors()[0]["type"]


@pytest.mark.parametrize(("annotation", "parse"), CASES)
@given(value=VALUES)
def test_fast_path_equals_parser(annotation: Any, parse: Any, value: Any) -> None:
    adapter = TypeAdapter(annotation)
    got = outcome(lambda: adapter.validate_python(value, context={"warnings": []}))
    want = outcome(lambda: parse(value)[0])
    assert got == want
    if got[0] == "ok" and isinstance(got[1], float):
        assert str(got[1]) == str(want[1])  # -0.0 and 0.0 are not the same to an officer


def test_cells_already_final_keep_their_identity() -> None:
    day, moment = date(2025, 1, 31), datetime(2025, 1, 31, 8, 30)
    assert TypeAdapter(models.Day).validate_python(day) is day
    assert TypeAdapter(models.Moment).validate_python(moment) is moment
