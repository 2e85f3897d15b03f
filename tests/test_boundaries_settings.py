"""Boundaries of `Inställningar` (docs/regler.md, section 12): each limit value is accepted, the
value one step beyond it falls back to the default with `invalid-setting`."""

from datetime import date
from typing import Any

import pytest
from helpers import flatten, setting

from avtalsbok.core import schema
from avtalsbok.core.book import SheetInput
from avtalsbok.core.settings import Settings, Step, parse_settings

INVALID = [("Inställningar", 2, "B", "invalid-setting")]


def settings_of(*rows: dict[str, Any]) -> tuple[Settings, list[tuple[Any, ...]]]:
    parsed, found = parse_settings(SheetInput.from_records(schema.INSTALLNINGAR, list(rows)))
    return parsed, flatten(found)


@pytest.mark.parametrize("value", [date(1900, 1, 1), date(9998, 12, 31)])
def test_idag_on_the_first_and_last_day_allowed(value: date) -> None:
    """`Idag` måste vara ett datum mellan 1900-01-01 och 9998-12-31."""
    assert settings_of(setting("Idag", value)) == (Settings(today=value), [])


@pytest.mark.parametrize(
    ("tier1", "tier2", "found"),
    [
        (60, 40, []),  # exactly 100 %: tier 3 gets nothing
        (60, "40,5", [("Inställningar", None, None, "invalid-setting")]),
    ],
)
def test_shares_of_tier_1_and_2_up_to_exactly_100_percent(
    tier1: Any, tier2: Any, found: list[tuple[Any, ...]]
) -> None:
    """Andel prioritet 1 + Andel prioritet 2 får inte överstiga 100 %; annars används
    standardvärdena för båda."""
    s, findings = settings_of(
        setting("Andel prioritet 1 (%)", tier1), setting("Andel prioritet 2 (%)", tier2)
    )
    assert findings == found
    assert (s.tier1_share, s.tier2_share, s.tier3_share) == (
        (60.0, 40.0, 0.0) if not found else (10.0, 30.0, 60.0)
    )


@pytest.mark.parametrize(
    ("value", "share"),
    [(0, 0.0), (100, 100.0), ("100 %", 100.0), (0.5, 50.0), (1, 1.0), ("0,5 %", 0.5)],
)
def test_a_share_from_0_to_100_percent_a_fraction_below_1_from_a_percent_cell(
    value: Any, share: float
) -> None:
    """Andelar skrivs i procent (`10`, `10 %`) eller som bråkdel från en procentformaterad cell
    (`0,1`): a number between 0 and 1 is a fraction, 1 itself is one per cent."""
    s, found = settings_of(
        setting("Andel prioritet 1 (%)", value), setting("Andel prioritet 2 (%)", 0)
    )
    assert (s.tier1_share, found) == (share, [])


@pytest.mark.parametrize("value", [100.5, "100,5 %", -1])
def test_a_share_beyond_100_percent_or_below_0_is_invalid(value: Any) -> None:
    assert settings_of(setting("Andel prioritet 1 (%)", value)) == (Settings(), INVALID)


@pytest.mark.parametrize(
    ("key", "value", "step"),
    [
        ("Eskaleringssteg 0", "Dialog; 1", Step(0, "Dialog", 1)),
        ("Eskaleringssteg 3", "Sanktion; 3650", Step(3, "Sanktion", 3650)),
        ("Eskaleringssteg 4", "Hävning", Step(4, "Hävning", None)),
    ],
)
def test_a_ladder_step_with_days_from_1_to_3650(key: str, value: str, step: Step) -> None:
    """Ett eskaleringssteg skrivs `Namn; dagar`, t.ex. `Dialog; 14`. Steg 0–3 måste ha dagar;
    steg 4 har inga."""
    s, found = settings_of(setting(key, value))
    assert found == []
    assert s.ladder[step.number] == step


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Eskaleringssteg 0", "Dialog; 0"),
        ("Eskaleringssteg 3", "Sanktion; 3651"),
        ("Eskaleringssteg 3", "Sanktion"),  # steps 0–3 must have days
        ("Eskaleringssteg 1", "; 30"),  # and a name
    ],
)
def test_a_ladder_step_beyond_its_limits_is_invalid(key: str, value: str) -> None:
    assert settings_of(setting(key, value)) == (Settings(), INVALID)
