"""The demo's rows as Excel holds them: each input sheet's columns in order, and the row records.

Column order follows the schema's input columns; a key missing from the schema fails at import.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..core import schema
from ..core.settings import DEFINITIONS
from .catalogue import OWNER_EMAILS, OWNERS, REPORT_RECIPIENT
from .history import Deviation
from .register import Contract
from .terms import columns

_JA, _NEJ = schema.YES_NO

_AVTAL_KEYS = (
    "contract_id",
    "name",
    "supplier",
    "org_number",
    "category",
    "form",
    "central_follows_up",
    "award_date",
    "start",
    "end",
    "extension_option",
    "extensions_used",
    "notice_months",
    "annual_value",
    "critical",
    "probability",
    "consequence",
    "sustainability",
    "price_index",
    "price_month",
    "base_month",
    "index_share",
    "price_threshold",
    "last_price_adjustment",
    "owner",
    "email",
    "manual_priority",
    "motivation",
    "how_to_order",
    "earlier_follow_up",
)
_FOLLOW_UP_KEYS = (
    "contract_id",
    "date",
    "type",
    "method",
    "performed_by",
    "cost",
    "result",
    "comment",
    "joint",
)
_DEVIATION_KEYS = (
    "deviation_id",
    "contract_id",
    "detected",
    "area",
    "description",
    "severity",
    "plan_deadline",
    "remedied",
    "status",
    "step",
    "responsible",
    "step_taken",
)
_LOG_KEYS = (
    "timestamp",
    "deviation_id",
    "contract_id",
    "event",
    "from_value",
    "to_value",
    "source",
    "step_taken",
)
_SETTING_KEYS = ("key", "value", "description")
_GOAL_KEYS = ("measure", "target", "direction", "period", "comment")


def _headers(sheet: schema.SheetDef, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sheet.column(k).header for k in keys)


_AVTAL_HEADERS = _headers(schema.AVTAL_SHEET, _AVTAL_KEYS)
_FOLLOW_UP_HEADERS = _headers(schema.UPPFOLJNINGAR_SHEET, _FOLLOW_UP_KEYS)
_DEVIATION_HEADERS = _headers(schema.AVVIKELSER_SHEET, _DEVIATION_KEYS)
_LOG_HEADERS = _headers(schema.HANDELSELOGG_SHEET, _LOG_KEYS)
_SETTING_HEADERS = _headers(schema.INSTALLNINGAR_SHEET, _SETTING_KEYS)
_GOAL_HEADERS = _headers(schema.MAL_SHEET, _GOAL_KEYS)

#: The demo's goals for the year of its `Idag`: (measure, target, direction, comment). Fixed,
#: not drawn: the 700-contract book meets some and misses others (one exactly at its target).
_GOALS = (
    ("Uppföljningstäckning (%)", 95.0, "Minst", "Verksamhetsplanen"),
    ("Andel uppföljda avtal med hållbarhetsvillkor (%)", 90.0, "Minst", "Verksamhetsplanen"),
    ("Stickprov genomförda", 20.0, "Minst", "Revisioner av leverantörer med hög risk"),
    ("Försenade åtgärdsplaner", 5.0, "Högst", None),
    ("Avvikelser med sanktionsrisk", 5.0, "Högst", None),
    ("Fel i arbetsboken", 0.0, "Högst", "Rätta allt på bladet Fel"),
)


def _how_to_order(c: Contract) -> str:
    """How to order, by contract form (drawn from nothing random: the rest stays the same)."""
    if c.form == schema.CALL_OFF_FORM:
        return "Avropa enligt ramavtalets avropsvägledning; kontakta avtalsansvarig först."
    if c.form == "Ramavtal":
        return f"Beställ i e-handelssystemet, sök på avtal {c.contract_id}."
    return "Kontakta avtalsansvarig före beställning."


def contract_row(c: Contract, today: date) -> dict[str, Any]:
    life = columns(c, today)
    return dict(
        zip(
            _AVTAL_HEADERS,
            (
                c.contract_id,
                c.name,
                c.supplier,
                c.org_number,
                c.category,
                c.form,
                c.central,
                c.award,
                c.start,
                c.end,
                c.option,
                life["extensions_used"],
                c.notice,
                c.value,
                _JA if c.critical else _NEJ,
                c.probability,
                c.consequence,
                _JA if c.sustainability else _NEJ,
                c.price_index,
                c.price_month,
                life["base_month"],
                life["index_share"],
                life["price_threshold"],
                life["last_price_adjustment"],
                OWNERS[c.owner],
                OWNER_EMAILS[c.owner],
                c.manual,
                c.motivation,
                _how_to_order(c),
                None,  # the demo's register began with the book: no earlier follow-ups
            ),
            strict=True,
        )
    )


def follow_up_row(values: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(_FOLLOW_UP_HEADERS, values, strict=True))


def deviation_row(d: Deviation) -> dict[str, Any]:
    return dict(
        zip(
            _DEVIATION_HEADERS,
            (
                d.deviation_id,
                d.contract.contract_id,
                d.detected,
                d.area,
                d.description,
                d.severity,
                d.plan_deadline,
                d.remedied,
                d.status,
                float(d.step),
                OWNERS[d.contract.owner],
                None,  # the day a step was taken is left to the officer
            ),
            strict=True,
        )
    )


def log_row(values: tuple[Any, ...]) -> dict[str, Any]:
    """A log row of the demo's history (which records no `Steg taget`)."""
    return dict(zip(_LOG_HEADERS, (*values, None), strict=True))


def goal_rows(today: date) -> list[dict[str, Any]]:
    """The demo's goals on `Mål`, for the calendar year of `today`."""
    return [
        dict(
            zip(_GOAL_HEADERS, (measure, target, direction, str(today.year), comment), strict=True)
        )
        for measure, target, direction, comment in _GOALS
    ]


def settings_rows(today: date) -> list[dict[str, Any]]:
    described = {d.key: d.description for d in DEFINITIONS}
    return [
        dict(zip(_SETTING_HEADERS, (key, value, described[key]), strict=True))
        for key, value in (("Idag", today), ("Rapportmottagare", REPORT_RECIPIENT))
    ]
