"""Extensions left on a contract and the latest date it can run to, as the exports see them
(docs/regler.md 7: the officer counts the extensions used)."""

from __future__ import annotations

from datetime import date

import pytest
from exports import export
from helpers import contract


@pytest.mark.parametrize(
    ("option", "used", "end", "left", "text", "max_extent"),
    [
        ("2+1+1", None, date(2024, 12, 31), (12, 12), "2 × 12 mån", date(2026, 12, 31)),
        ("2+1+1", 1, date(2025, 12, 31), (12,), "12 mån", date(2026, 12, 31)),
        ("2+1+1", 2, date(2026, 12, 31), (), "Ingen", date(2026, 12, 31)),
        ("2x12 mån", 0, date(2026, 12, 31), (12, 12), "2 × 12 mån", date(2028, 12, 31)),
        ("12 mån", None, date(2026, 12, 31), (12,), "12 mån", date(2027, 12, 31)),
        ("1+1+0,5", None, date(2023, 12, 31), (12, 6), "12 + 6 mån", date(2025, 6, 30)),
        ("Ingen", None, date(2026, 12, 31), (), "Ingen", date(2026, 12, 31)),
    ],
)
def test_extensions_left(
    option: str,
    used: int | None,
    end: date,
    left: tuple[int, ...],
    text: str,
    max_extent: date,
) -> None:
    row = contract(start=date(2023, 1, 1), end=end, extension_option=option, extensions_used=used)
    (facts,) = export(row).contracts
    assert facts.extensions.periods_left == left
    assert facts.extensions.text == text
    assert facts.extensions.latest_end == max_extent
