"""Typed rows of the input sheets: contracts, follow-ups, deviations, log entries, index values
and goals.

Each field is a tolerant cell type: a pydantic plain validator around a parser of `cells`.
A value that cannot be used raises a `PydanticCustomError` whose type is the finding code; text
that had to be interpreted is noted as a warning in the validation context. Every field may be
None, so a row with a bad cell still becomes a model and gets every value that can be computed
without that cell; required columns are checked afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import Annotated, Any, cast

from pydantic import ConfigDict, PlainValidator, ValidationInfo
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from . import cells, datecells, indexcells, optioncells, schema
from .optioncells import ExtensionOption

Warn = tuple[str, dict[str, Any]] | None


def _note(warning: Warn, value: Any, info: ValidationInfo) -> None:
    if warning is not None and info.context is not None:
        row = info.data.get("row") if info.data else None
        info.context["warnings"].append((row, info.field_name, warning, value))


def _tolerant(
    parse: Callable[[Any], tuple[Any, Warn]],
    *,
    exact: Mapping[Any, Any] | None = None,
    plain_type: type | None = None,
    plain: Callable[[Any], object] | None = None,
) -> PlainValidator:
    """A field validator from a cell parser: errors raise, warnings go to the context.

    Most cells need no interpreting, and a book holds millions of them: a value spelled
    exactly as `exact` has it maps straight to its result, and a value of `plain_type` that
    `plain` accepts (or any such value, without `plain`) is already what the parser would
    return. Everything else goes through the parser.
    """

    def validate(value: Any, info: ValidationInfo) -> Any:
        if exact is not None and (type(value) is str or type(value) is float):
            found = exact.get(value)
            if found is not None:
                return found
        if type(value) is plain_type and (plain is None or plain(value)):
            return value
        try:
            parsed, warning = parse(value)
        except cells.CellError as exc:
            raise PydanticCustomError(exc.code, exc.code, exc.params) from None
        if warning is not None:
            _note(warning, value, info)
        return parsed

    return PlainValidator(validate)


def _dated(
    parse: Callable[[Any, bool], tuple[Any, Warn]], plain_type: type | None
) -> PlainValidator:
    """Like `_tolerant`, for parsers that must know the book's date system (1900 or 1904);
    without `plain_type` every value goes through the parser."""

    # A date before Excel's first day goes to the parser, which refuses it.
    first: date = datecells.FIRST_EXCEL_DAY
    if plain_type is datetime:
        first = datetime.combine(first, time())

    def validate(value: Any, info: ValidationInfo) -> Any:
        if type(value) is plain_type and cast(date, value) >= first:
            return value
        try:
            parsed, warning = parse(value, bool(info.context and info.context.get("date1904")))
        except cells.CellError as exc:
            raise PydanticCustomError(exc.code, exc.code, exc.params) from None
        if warning is not None:
            _note(warning, value, info)
        return parsed

    return PlainValidator(validate)


def _choice(choices: tuple[str, ...]) -> PlainValidator:
    return _tolerant(cells.choice_parser(choices), exact={c: c for c in choices})


def _listed(choices: tuple[str, ...]) -> PlainValidator:
    """A choice that must be in the list (case and spaces aside): other text is an error."""
    parse = cells.choice_parser(choices)
    allowed = ", ".join(choices)

    def strict(v: Any) -> tuple[str | None, Warn]:
        value, warning = parse(v)
        if warning is not None:
            raise cells.CellError("not-in-list", allowed=allowed)
        return value, None

    return _tolerant(strict, exact={c: c for c in choices})


def _amount_is_plain(x: float) -> bool:
    return 0.0 < x < math.inf  # zero goes to the parser, which turns -0.0 into 0.0


def _int(lo: int, hi: int, labels: tuple[str, ...] = ()) -> PlainValidator:
    # Excel gives whole numbers as floats (3.0), and dropdown choices as text ("3", or a label
    # that starts with its number, "2 Skriftlig varning").
    exact: dict[Any, int] = {}
    for n in range(lo, hi + 1):
        exact[float(n)] = exact[str(n)] = n
    for label in labels:
        exact[label] = int(label.split(maxsplit=1)[0])
    return _tolerant(lambda v: cells.parse_labelled_int(v, labels, lo, hi), exact=exact)


def _months(lo: int, hi: int) -> PlainValidator:
    """Whole months: as `_int`, and text with a unit (`3 mån`) read with a warning."""
    exact: dict[Any, int] = {}
    for n in range(lo, hi + 1):
        exact[float(n)] = exact[str(n)] = n
    return _tolerant(lambda v: optioncells.parse_months(v, lo, hi), exact=exact)


def _recurring(parse: Callable[[Any], tuple[Any, Warn]]) -> Callable[[Any], tuple[Any, Warn]]:
    """`parse` remembering its recent results, for columns whose values recur across rows (a
    supplier's organisation number on each of its contracts, the same few extension options,
    owners' e-mail addresses, month names).
    These parsers are pure, and no caller changes what they return."""
    return lru_cache(maxsize=4096, typed=True)(parse)


Text = Annotated[
    str | None, _tolerant(cells.parse_text, plain_type=str, plain=cells.PLAIN_TEXT.fullmatch)
]
Day = Annotated[date | None, _dated(datecells.parse_date, date)]
Moment = Annotated[datetime | None, _dated(datecells.parse_datetime, datetime)]
Amount = Annotated[
    float | None, _tolerant(cells.parse_amount, plain_type=float, plain=_amount_is_plain)
]
Flag = Annotated[bool | None, _tolerant(cells.parse_bool, exact={"Ja": True, "Nej": False})]
OrgNumber = Annotated[str | None, _tolerant(_recurring(cells.parse_org_number))]
Email = Annotated[str | None, _tolerant(_recurring(cells.parse_email))]
Option = Annotated[
    ExtensionOption | None, _tolerant(_recurring(optioncells.parse_extension_option))
]
Month = Annotated[int | None, _tolerant(_recurring(datecells.parse_month))]
#: Months recur (the same few base months, every Index row's month): parsed once each.
YearMonth = Annotated[
    date | None, _dated(lru_cache(maxsize=4096, typed=True)(indexcells.parse_year_month), None)
]
Percent = Annotated[
    float | None,
    _tolerant(indexcells.parse_percent, plain_type=float, plain=lambda x: 0.0 <= x <= 100.0),
]
IndexValue = Annotated[
    float | None,
    _tolerant(indexcells.parse_index_value, plain_type=float, plain=_amount_is_plain),
]


#: Rows are slotted dataclasses: a region-wide book holds hundreds of thousands of them at once,
#: and a slotted row takes a tenth of the memory of a model with a `__dict__`.
_CONFIG = ConfigDict(arbitrary_types_allowed=True)


@dataclass(slots=True, config=_CONFIG)
class Row:
    """A parsed row; `row` is its Excel row number and must stay the first field."""

    row: int


@dataclass(slots=True, config=_CONFIG)
class Contract(Row):
    """One contract of the `Avtal` sheet (input columns only)."""

    contract_id: Text = None
    name: Text = None
    supplier: Text = None
    org_number: OrgNumber = None
    category: Text = None
    form: Annotated[str | None, _choice(schema.CONTRACT_FORMS)] = None
    central_follows_up: Flag = None
    award_date: Day = None
    start: Day = None
    end: Day = None
    extension_option: Option = None
    extensions_used: Annotated[int | None, _int(0, 99)] = None
    notice_months: Annotated[int | None, _months(0, 120)] = None
    annual_value: Amount = None
    critical: Flag = None
    probability: Annotated[int | None, _int(1, 4)] = None
    consequence: Annotated[int | None, _int(1, 4)] = None
    sustainability: Flag = None
    price_index: Annotated[str | None, _choice(schema.PRICE_INDEXES)] = None
    price_month: Month = None
    base_month: YearMonth = None
    index_share: Percent = None
    price_threshold: Percent = None
    last_price_adjustment: Day = None
    owner: Text = None
    email: Email = None
    manual_priority: Annotated[int | None, _int(1, 3)] = None
    motivation: Text = None
    how_to_order: Text = None
    earlier_follow_up: Day = None

    @property
    def risk(self) -> int | None:
        """Risk score = probability × consequence (1–16), when both are given."""
        if self.probability is None or self.consequence is None:
            return None
        return self.probability * self.consequence

    @property
    def is_call_off(self) -> bool:
        return self.form == schema.CALL_OFF_FORM


@dataclass(slots=True, config=_CONFIG)
class FollowUp(Row):
    """One follow-up performed, from the `Uppföljningar` sheet."""

    contract_id: Text = None
    date: Day = None
    type: Annotated[str | None, _choice(schema.FOLLOW_UP_TYPES)] = None
    method: Annotated[str | None, _choice(schema.FOLLOW_UP_METHODS)] = None
    performed_by: Text = None
    cost: Amount = None
    result: Annotated[str | None, _choice(schema.FOLLOW_UP_RESULTS)] = None
    comment: Text = None
    #: made in the regions' joint process or by the central purchasing body (blank = Nej)
    joint: Flag = None

    @property
    def is_audit(self) -> bool:
        """An audit (revision), by type or by method."""
        return self.type == schema.AUDIT_TYPE or self.method == schema.AUDIT_TYPE


@dataclass(slots=True, config=_CONFIG)
class Deviation(Row):
    """One deviation, from the `Avvikelser` sheet."""

    deviation_id: Text = None
    contract_id: Text = None
    detected: Day = None
    area: Annotated[str | None, _choice(schema.DEVIATION_AREAS)] = None
    description: Text = None
    severity: Annotated[str | None, _choice(schema.SEVERITIES)] = None
    plan_deadline: Day = None
    remedied: Day = None
    status: Annotated[str | None, _choice(schema.DEVIATION_STATUSES)] = None
    step: Annotated[int | None, _int(0, 4, schema.STEPS)] = None
    responsible: Text = None
    step_taken: Day = None

    @property
    def is_closed(self) -> bool:
        """Remedied or closed: by status, or by a date in `Åtgärdad` when the status is blank."""
        if self.status is not None:
            return self.status in schema.CLOSED_STATUSES
        return self.remedied is not None


@dataclass(slots=True, config=_CONFIG)
class LogEntry(Row):
    """One row of the append-only `Händelselogg`."""

    timestamp: Moment = None
    deviation_id: Text = None
    contract_id: Text = None
    event: Text = None
    from_value: Text = None
    to_value: Text = None
    source: Text = None
    step_taken: Day = None


@dataclass(slots=True, config=_CONFIG)
class IndexValueRow(Row):
    """One published index value, from the `Index` sheet: a series' value for a month."""

    series: Text = None
    month: YearMonth = None
    value: IndexValue = None


@dataclass(slots=True, config=_CONFIG)
class Goal(Row):
    """One goal, from the `Mål` sheet: a key figure, its target, and which way it points."""

    measure: Annotated[str | None, _listed(schema.GOAL_MEASURES)] = None
    target: Annotated[
        float | None,
        _tolerant(indexcells.parse_target, plain_type=float, plain=lambda x: 0.0 < x < math.inf),
    ] = None
    direction: Annotated[str | None, _listed(schema.GOAL_DIRECTIONS)] = None
    period: Text = None
    comment: Text = None


MODELS: dict[str, type[Row]] = {
    schema.AVTAL: Contract,
    schema.UPPFOLJNINGAR: FollowUp,
    schema.AVVIKELSER: Deviation,
    schema.HANDELSELOGG: LogEntry,
    schema.INDEX: IndexValueRow,
    schema.MAL: Goal,
}
