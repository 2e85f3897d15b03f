"""The golden tests' difference report names each changed place, and misses none."""

from __future__ import annotations

from golden_diff import differences, report


def test_each_changed_place_is_named_with_its_old_and_new_value() -> None:
    expected = {"Avtal": {"row 2": {"Årsvärde": 1.0, "E-post": "a@b.se"}}, "tiers": [1, 2, 3]}
    actual = {"Avtal": {"row 2": {"Årsvärde": 1, "Ny": None}}, "tiers": [1, 5], "extra": 0}
    assert differences(expected, actual) == [
        "Avtal / row 2 / Årsvärde: 1.0 → 1",
        "Avtal / row 2 / E-post: missing (was 'a@b.se')",
        "Avtal / row 2 / Ny: new (None)",
        "tiers[1]: 2 → 5",
        "tiers: 3 items → 2 items",
        "extra: new (0)",
    ]
    assert differences(expected, expected) == []


def test_a_long_report_shows_the_first_places_and_counts_the_rest() -> None:
    found = differences(list(range(50)), list(range(1, 51)))
    text = report("The book", found)
    assert text.startswith("The book changed in 50 places:\n[0]: 0 → 1\n")
    assert text.endswith("\n… and 10 more")
