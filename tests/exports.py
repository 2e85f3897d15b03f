"""Builders for the export tests: a book's export from inline rows, as a batch worker makes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from helpers import TODAY, run

from avtalsbok.publish.facts import BookExport, book_export


def export(
    *contracts: dict[str, Any],
    follow_ups: tuple[dict[str, Any], ...] = (),
    deviations: tuple[dict[str, Any], ...] = (),
    settings: tuple[dict[str, Any], ...] = (),
    today: date = TODAY,
    path: str = "/avtal/Vård/avtal.xlsx",
    unit: str = "Vård",
) -> BookExport:
    """The export of a book with these rows, evaluated at `today`."""
    result = run(contracts, follow_ups, deviations, settings, today=today)
    return book_export(result, path, unit)
