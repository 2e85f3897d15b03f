"""Builders for engine tests: a valid row of each sheet, a tiny book, compact findings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.core.engine import Result, evaluate
from avtalsbok.core.findings import Finding

#: The reference date of most tests: a Friday.
TODAY = date(2025, 3, 14)

Record = dict[str, Any]
Flat = tuple[str | None, int | None, str | None, str]


def _row(sheet: schema.SheetDef, defaults: Record, overrides: Record) -> Record:
    """Every input column of `sheet` in template order, keyed by header; blank unless given.

    With every column present, column letters are those of the template (`Slutdatum` is J).
    """
    keys = [c.key for c in sheet.input_columns]
    unknown = set(overrides) - set(keys)
    if unknown:
        raise KeyError(f"no input column {sorted(unknown)} on {sheet.name}")
    values = {**defaults, **overrides}
    return {c.header: values.get(c.key) for c in sheet.input_columns}


def contract(**overrides: Any) -> Record:
    """A valid, running contract of `Avtal` (2023 – 2026, nothing else filled in)."""
    defaults = {
        "contract_id": "A1",
        "name": "Städtjänster",
        "supplier": "Städbolaget AB",
        "start": date(2023, 1, 1),
        "end": date(2026, 12, 31),
    }
    return _row(schema.AVTAL_SHEET, defaults, overrides)


def fillers(count: int, **overrides: Any) -> list[Record]:
    """`count` ordinary contracts F01, F02, … without value or risk: they rank last."""
    return [contract(contract_id=f"F{i:02}", **overrides) for i in range(1, count + 1)]


def follow_up(**overrides: Any) -> Record:
    """A follow-up meeting of contract A1 held in January 2025."""
    defaults = {"contract_id": "A1", "date": date(2025, 1, 15), "type": "Uppföljningsmöte"}
    return _row(schema.UPPFOLJNINGAR_SHEET, defaults, overrides)


def deviation(**overrides: Any) -> Record:
    """An open deviation of medium severity on contract A1, found on 3 March 2025."""
    defaults = {
        "deviation_id": "D1",
        "contract_id": "A1",
        "detected": date(2025, 3, 3),
        "severity": "Medel",
    }
    return _row(schema.AVVIKELSER_SHEET, defaults, overrides)


def index_value(series: str, month: Any, value: Any) -> Record:
    """One row of `Index`: a series' published value for a month."""
    return {"Serie": series, "Månad": month, "Värde": value}


def goal(measure: Any, target: Any, direction: Any = "Minst", period: Any = None) -> Record:
    """One row of `Mål`: a measure, its target and its direction."""
    return {"Mått": measure, "Mål": target, "Riktning": direction, "Period": period}


def setting(key: str, value: Any) -> Record:
    """One row of `Inställningar`."""
    return {"Inställning": key, "Värde": value}


def log_records(result: Result) -> list[Record]:
    """The log rows a run appends, as rows of `Händelselogg` for the next run."""
    headers = {c.key: c.header for c in schema.HANDELSELOGG_SHEET.columns}
    return [{headers[k]: v for k, v in row.items()} for row in result.log_grid()]


def book(
    contracts: Iterable[Record] = (),
    follow_ups: Iterable[Record] = (),
    deviations: Iterable[Record] = (),
    settings: Iterable[Record] = (),
    log: Iterable[Record] = (),
    index: Iterable[Record] = (),
    goals: Iterable[Record] = (),
) -> BookInput:
    """A book with the given rows; sheets without rows are left out (as optional sheets)."""
    sheets = {
        schema.AVTAL: list(contracts),
        schema.UPPFOLJNINGAR: list(follow_ups),
        schema.AVVIKELSER: list(deviations),
        schema.INSTALLNINGAR: list(settings),
        schema.HANDELSELOGG: list(log),
        schema.INDEX: list(index),
        schema.MAL: list(goals),
    }
    return BookInput.from_records({k: v for k, v in sheets.items() if v or k == schema.AVTAL})


def run(
    contracts: Iterable[Record] = (),
    follow_ups: Iterable[Record] = (),
    deviations: Iterable[Record] = (),
    settings: Iterable[Record] = (),
    log: Iterable[Record] = (),
    *,
    index: Iterable[Record] = (),
    goals: Iterable[Record] = (),
    today: date | None = TODAY,
    now: datetime | None = None,
) -> Result:
    """Evaluate a book built from the given rows."""
    return evaluate(
        book(contracts, follow_ups, deviations, settings, log, index, goals), today=today, now=now
    )


def flatten(findings: Iterable[Finding]) -> list[Flat]:
    """Findings as (sheet, row, column, code), in the order given."""
    return [(f.sheet, f.row, f.column, f.code) for f in findings]


def codes(result: Result) -> list[str]:
    """The codes of a run's findings, in reading order."""
    return [f.code for f in result.findings]


def contract_values(result: Result, row: int, *keys: str) -> tuple[Any, ...]:
    """Computed values of one `Avtal` row."""
    values = result.computed[schema.AVTAL][row]
    return tuple(getattr(values, k) for k in keys)


def deviation_values(result: Result, row: int, *keys: str) -> tuple[Any, ...]:
    """Computed values of one `Avvikelser` row."""
    values = result.computed[schema.AVVIKELSER][row]
    return tuple(getattr(values, k) for k in keys)


RULES = Path(__file__).resolve().parent.parent / "docs" / "regler.md"


def documented(*phrases: str) -> None:
    """Each phrase stands in docs/regler.md (a worked example the test also computes); line
    breaks and runs of spaces in the document count as one space."""
    text = " ".join(RULES.read_text(encoding="utf-8").split())
    missing = [p for p in phrases if p not in text]
    assert not missing, f"docs/regler.md lacks {missing}"
