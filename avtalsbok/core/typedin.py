"""Rule: a value an officer typed into a computed column, found before the run replaces it.

A computed column (`schema.Kind.COMPUTED`) is overwritten on every run. The book keeps no memory
of what the previous run wrote, so what was typed is told apart only where the engine could never
have written it: a formula (it writes values), text in a date or number column, a number, date or
yes/no in a text column, or a value outside the few a column ever holds (`Avtalsstatus`,
`Prioritet`, `Kontroll`, ...). A date typed over a computed date, or a number over a computed
number, looks exactly like a value that moved because the inputs or the day changed, and is not
reported (docs/regler.md, *Eget val*).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from . import schema
from .book import SheetInput
from .findings import Finding, display_value, make
from .validate import ColumnMap
from .words import quoted

_Fits = Callable[[Any], bool]

_FOLLOW_UP_STATUS = re.compile(
    rf"{schema.STATUS_PLANNED}|Inom \d+ dagar|{schema.STATUS_OVERDUE} \(\d+ dag(ar)?\)"
    rf"|{schema.STATUS_NONE}"
)
_PASSIVITY = re.compile(r"Ja – inget nytt steg på \d+ dagar")
_CHECK_HEADS = (schema.CHECK_OK, "FEL – ", "Varning – ")


def _one_of(*allowed: object) -> _Fits:
    return lambda value: value in allowed and not isinstance(value, bool)


def _matching(pattern: re.Pattern[str]) -> _Fits:
    return lambda value: isinstance(value, str) and pattern.fullmatch(value) is not None


def _check(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_CHECK_HEADS)


_BLANK: frozenset[type] = frozenset({type(None)})
#: Either, in a date or a number column: a date column that lost its date format shows the
#: engine's date as a number, a number column formatted as dates its number as a date.
_NUMBER_OR_DATE = _BLANK | {int, float, date, datetime}
#: The classes of value a column of each type may hold as the engine left it.
_BY_TYPE: dict[schema.ValueType, frozenset[type]] = {
    schema.ValueType.TEXT: _BLANK | {str},
    schema.ValueType.DATE: _NUMBER_OR_DATE,
    schema.ValueType.INTEGER: _NUMBER_OR_DATE,
    schema.ValueType.NUMBER: _NUMBER_OR_DATE,
}

#: (sheet, column key) → what the engine ever writes there, where it is a few values only.
_ONLY: dict[tuple[str, str], _Fits] = {
    (schema.AVTAL, "priority"): _one_of(1, 2, 3),
    (schema.AVTAL, "highest_step"): _one_of(0, 1, 2, 3, 4),
    (schema.AVTAL, "follow_up_status"): _matching(_FOLLOW_UP_STATUS),
    (schema.AVTAL, "contract_status"): _one_of(*schema.CONTRACT_STATUSES),
    (schema.AVVIKELSER, "overdue"): _one_of(*schema.YES_NO),
    (schema.AVVIKELSER, "passivity"): _matching(_PASSIVITY),
}

_FOLLOW_UPS = (
    "Registrera genomförda uppföljningar på bladet Uppföljningar (en uppföljning från tiden "
    "före avtalsboken i Senaste uppföljning före avtalsboken), så räknas nästa fram."
)
_DEVIATIONS = "Registrera avvikelser och deras eskaleringssteg på bladet Avvikelser."
_STEPS = "Fyll i Eskaleringssteg och Steg taget när ett steg tas, och Åtgärdsplan senast."
#: (sheet, column key) → the input to fill in instead, where there is one.
_INSTEAD: dict[tuple[str, str], str] = {
    (schema.AVTAL, "priority"): "Sätt prioriteten själv i Manuell prioritet, med en Motivering.",
    (schema.AVTAL, "priority_reason"): "Skriv skälet till en manuell prioritet i Motivering.",
    (schema.AVTAL, "last_follow_up"): _FOLLOW_UPS,
    (schema.AVTAL, "next_follow_up"): _FOLLOW_UPS,
    (schema.AVTAL, "next_follow_up_kind"): _FOLLOW_UPS,
    (schema.AVTAL, "follow_up_status"): _FOLLOW_UPS,
    (schema.AVTAL, "extension_deadline"): "Den räknas från Slutdatum och Uppsägningstid (mån).",
    (schema.AVTAL, "extensions_left"): "Fyll i Utnyttjade förlängningar.",
    (schema.AVTAL, "latest_end"): "Fyll i Förlängningsoption och Utnyttjade förlängningar.",
    (schema.AVTAL, "contract_status"): "Den räknas från Startdatum, Slutdatum och förlängningarna.",
    (schema.AVTAL, "open_deviations"): _DEVIATIONS,
    (schema.AVTAL, "highest_step"): _DEVIATIONS,
    (schema.AVTAL, "next_price_adjustment"): "Fyll i Justeringsmånad och Senaste prisjustering.",
    (schema.AVTAL, "index_change"): "Fyll i indexvärdena på bladet Index.",
    (schema.AVVIKELSER, "days_open"): "Den räknas från Upptäckt och Åtgärdad.",
    (schema.AVVIKELSER, "overdue"): _STEPS,
    (schema.AVVIKELSER, "proposed_step"): _STEPS,
    (schema.AVVIKELSER, "next_check"): _STEPS,
    (schema.AVVIKELSER, "passivity"): _STEPS,
}
_NOTES = "Egna anteckningar hör hemma i en egen kolumn, som avtalsboken lämnar orörd."
#: The warning's code: it describes the book as the run found it, before the run replaced the value.
CODE = "typed-in-computed"


def typed_in(sheet_name: str, sheet: SheetInput | None, columns: ColumnMap) -> list[Finding]:
    """A `typed-in-computed` warning at each computed cell of the sheet that holds what the
    engine never writes there; a blank cell is never one."""
    if sheet is None:
        return []
    found: list[Finding] = []
    definition = schema.DATA_SHEETS[sheet_name]
    formulas = sheet.formulas
    for column in definition.computed_columns:
        found_at = columns.columns.get(column.key)
        if found_at is None:
            continue
        header, letter = found_at
        where = (sheet_name, column.key)
        fits = _ONLY.get(where, _check if column.key == "check" else None)
        classes = _BLANK if fits else _BY_TYPE[column.type]
        number = schema.column_index(letter)
        if fits is None and not formulas:  # the common case, in one pass at C speed
            cells = [
                (row, value)
                for row, values in sheet.rows
                if (value := values.get(header)).__class__ not in classes
            ]
        else:
            cells = [(row, values.get(header)) for row, values in sheet.rows]
        for excel_row, value in cells:
            formula = bool(formulas) and (excel_row, number) in formulas
            if not formula and (
                value.__class__ in classes or _blank(value) or (fits is not None and fits(value))
            ):
                continue
            instead = _NOTES if column.key == "check" else _INSTEAD.get(where)
            found.append(
                make(
                    CODE,
                    sheet=sheet_name,
                    row=excel_row,
                    column=letter,
                    header=header,
                    value=value,
                    what=_what(value, formula),
                    instead=f" {instead}" if instead else "",
                )
            )
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _what(value: Any, formula: bool) -> str:
    """What the cell holds, in words: `Texten ”snart”`, `En formel (som visar 12)`."""
    if formula:
        shown = quoted(display_value(value))
        return "En formel" if _blank(value) else f"En formel (som visar {shown})"
    if isinstance(value, str):
        return f"Texten {quoted(value)}"
    if isinstance(value, datetime | date):
        return f"Datumet {display_value(value)}"
    return f"Värdet {quoted(display_value(value))}"
