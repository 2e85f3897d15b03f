"""Extensions left on a contract and the latest date it can run to (docs/regler.md 12 a)."""

from __future__ import annotations

from datetime import date

import pytest
from exports import export
from helpers import contract


@pytest.mark.parametrize(
    ("option", "end", "left", "text", "max_extent"),
    [
        # 2+1+1 from 2023-01-01: the base term ends at the end of 2024.
        ("2+1+1", date(2024, 12, 31), (12, 12), "2 × 12 mån", date(2026, 12, 31)),
        ("2+1+1", date(2025, 12, 31), (12,), "12 mån", date(2026, 12, 31)),
        ("2+1+1", date(2026, 12, 31), (), "Ingen", date(2026, 12, 31)),
        # An end date a month short of the term still counts as that term.
        ("2+1+1", date(2025, 12, 1), (12,), "12 mån", date(2026, 12, 1)),
        ("2+1+1", date(2025, 11, 30), (12, 12), "2 × 12 mån", date(2027, 11, 30)),
        # Without a base term the option is what is left.
        ("2x12 mån", date(2026, 12, 31), (12, 12), "2 × 12 mån", date(2028, 12, 31)),
        ("12 mån", date(2026, 12, 31), (12,), "12 mån", date(2027, 12, 31)),
        ("1+1+0,5", date(2023, 12, 31), (12, 6), "12 + 6 mån", date(2025, 6, 30)),
        ("Ingen", date(2026, 12, 31), (), "Ingen", date(2026, 12, 31)),
    ],
)
def test_extensions_left(
    option: str, end: date, left: tuple[int, ...], text: str, max_extent: date
) -> None:
    (facts,) = export(contract(start=date(2023, 1, 1), end=end, extension_option=option)).contracts
    assert facts.extensions.months == left
    assert facts.extensions.text == text
    assert facts.extensions.max_extent == max_extent
