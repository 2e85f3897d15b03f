"""The `Inställningar` sheet: every default, bad values falling back, unknown keys, `Idag`."""

from datetime import date
from typing import Any

import pytest
from helpers import TODAY, contract, flatten, run, setting

from avtalsbok.core import schema
from avtalsbok.core.book import SheetInput
from avtalsbok.core.settings import DEFINITIONS, Settings, Step, parse_settings

KEYS = [d.key for d in DEFINITIONS]


def settings_of(*rows: dict[str, Any]) -> tuple[Settings, list[tuple[Any, ...]]]:
    parsed, found = parse_settings(SheetInput.from_records(schema.INSTALLNINGAR, list(rows)))
    return parsed, flatten(found)


def test_every_default_is_the_domains() -> None:
    s, found = parse_settings(None)
    assert found == []
    assert s == Settings()
    assert s.today is None
    assert (s.tier1_share, s.tier2_share, s.tier3_share) == (10.0, 30.0, 60.0)
    assert s.interval_months == (4, 12, 24)
    assert s.standstill_days == 10
    assert s.startup_window_months == 12
    assert s.extension_lead_days == 30
    assert s.expiry_warning_days == 90
    assert s.soon_days == 30
    assert s.high_risk_threshold == 9
    assert s.plan_days == (60, 30, 14, 7)
    assert s.passivity_days == 60
    assert s.ladder == (
        Step(0, "Dialog", 14),
        Step(1, "Åtgärdsplan", 30),
        Step(2, "Skriftlig varning", 30),
        Step(3, "Sanktion", 30),
        Step(4, "Uppsägning/hävning", None),
    )
    assert s.report_recipients == ()


def test_the_templates_default_values_read_back_as_the_defaults() -> None:
    rows = [setting(d.key, d.default_text) for d in DEFINITIONS]
    assert settings_of(*rows) == (Settings(), [])


def test_every_setting_has_a_unique_key_and_a_description() -> None:
    assert len(set(KEYS)) == len(KEYS)
    assert all(d.description for d in DEFINITIONS)


def test_blank_values_keep_the_defaults() -> None:
    assert settings_of(*(setting(k, "  ") for k in KEYS)) == (Settings(), [])


@pytest.mark.parametrize("key", KEYS)
def test_a_bad_value_is_an_error_and_the_default_is_used(key: str) -> None:
    s, found = settings_of(setting(key, "-1;-1"))
    assert found == [("Inställningar", 2, "B", "invalid-setting")]
    assert s == Settings()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "Andel prioritet 1 (%)",
            "hälften",
            "Inställningen Andel prioritet 1 (%) har ett ogiltigt värde ”hälften”; "
            "standardvärdet 10 används.",
        ),
        (
            "Idag",
            "i morgon",
            "Inställningen Idag har ett ogiltigt värde ”i morgon”; standardvärdet (tomt) används.",
        ),
        (
            "Eskaleringssteg 2",
            "Varning",
            "Inställningen Eskaleringssteg 2 har ett ogiltigt värde ”Varning”; "
            "standardvärdet Skriftlig varning; 30 används.",
        ),
    ],
)
def test_the_message_names_the_setting_and_its_default(key: str, value: str, message: str) -> None:
    r = run([contract()], settings=[setting(key, value)])
    assert [f.message for f in r.findings] == [message]


@pytest.mark.parametrize(
    ("key", "value", "field", "expected"),
    [
        ("Andel prioritet 1 (%)", 15, "tier1_share", 15.0),
        ("Andel prioritet 1 (%)", 0.15, "tier1_share", 15.0),  # a cell formatted as percent
        ("Andel prioritet 1 (%)", "15 %", "tier1_share", 15.0),
        ("Andel prioritet 1 (%)", "0,5 %", "tier1_share", 0.5),
        ("Andel prioritet 2 (%)", "0", "tier2_share", 0.0),
        ("Intervall prioritet 3 (mån)", "36", "interval_months", (4, 12, 36)),
        ("Avtalsspärr (dagar)", 15, "standstill_days", 15),
        ("Åtgärdsplan dagar – Allvarlig", 3, "plan_days", (60, 30, 14, 3)),
        (
            "Eskaleringssteg 0",
            "Samtal; 7",
            "ladder",
            (Step(0, "Samtal", 7), *Settings().ladder[1:]),
        ),
        (
            "Eskaleringssteg 4",
            "Hävning",
            "ladder",
            (*Settings().ladder[:4], Step(4, "Hävning", None)),
        ),
        (
            "Rapportmottagare",
            "chef@kommun.se; ekonomi@kommun.se",
            "report_recipients",
            ("chef@kommun.se", "ekonomi@kommun.se"),
        ),
        ("Idag", "2025-01-15", "today", date(2025, 1, 15)),
        ("Svarsadress", "upphandling@kommun.se", "reply_to", ("upphandling@kommun.se",)),
        (
            "Hjälpsida",
            " https://intranät.kommun.se/avtal?flik=2 ",
            "help_link",
            "https://intranät.kommun.se/avtal?flik=2",
        ),
        ("Hjälpsida", "https://X.se/" + "x" * 242, "help_link", "https://X.se/" + "x" * 242),
        ("Organisation", "Exempelkommun", "organisation", "Exempelkommun"),
        ("Organisationens organisationsnummer", 5599001236, "organisation_number", "559900-1236"),
        ("OCID-prefix", " OCDS-A1B2C3 ", "ocid_prefix", "ocds-a1b2c3"),
    ],
)
def test_values_are_read_as_officers_write_them(
    key: str, value: Any, field: str, expected: Any
) -> None:
    s, found = settings_of(setting(key, value))
    assert found == []
    assert getattr(s, field) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Organisation", "1234"),  # no letter: no name
        ("Organisationens organisationsnummer", "811218-9876"),  # a personal identity number
        ("Organisationens organisationsnummer", "559900-1235"),  # wrong check digit
        ("OCID-prefix", "ocds-a1b2c"),  # five characters after ocds-
        ("Hjälpsida", "https://intranat.kommun.se/" + "x" * 229),  # 256 characters
    ],
)
def test_a_bad_name_number_prefix_or_link_leaves_it_blank(key: str, value: str) -> None:
    r = run([contract()], settings=[setting(key, value)])
    assert [f.message.endswith("; standardvärdet (tomt) används.") for f in r.findings] == [True]
    assert (r.settings.organisation, r.settings.organisation_number) == ("", "")
    assert (r.settings.ocid_prefix, r.settings.help_link) == ("", "")


@pytest.mark.parametrize(
    "link",
    [
        "intranat.kommun.se/avtal",  # no scheme: Excel would take it for a file
        "file:///C:/avtal.xlsx",
        "javascript:alert(1)",
        "https://",
        "https://intranat.kommun.se/avtal uppföljning",
        'https://intranat.kommun.se/"><b>',
    ],
)
def test_a_help_link_is_a_web_address_or_an_error(link: str) -> None:
    s, found = settings_of(setting("Hjälpsida", link))
    assert found == [("Inställningar", 2, "B", "invalid-setting")]
    assert s.help_link == ""


def test_keys_are_matched_like_headers() -> None:
    s, found = settings_of(setting("  andel PRIORITET 1 (%) *", 20))
    assert (s.tier1_share, found) == (20.0, [])


def test_an_unknown_key_is_a_warning() -> None:
    s, found = settings_of(setting("Andel prioritet 4 (%)", 5), setting("Avtalsspärr (dagar)", 15))
    assert found == [("Inställningar", 2, "A", "unknown-setting")]
    assert s.standstill_days == 15


def test_a_row_that_cannot_be_used_does_not_stop_the_rows_after_it() -> None:
    parsed, found = parse_settings(
        SheetInput.from_records(
            schema.INSTALLNINGAR,
            [
                setting("#N/A", 5),
                setting(None, 5),
                setting("Idag", " "),
                setting("Andel prioritet 4 (%)", 5),
                setting("Andel prioritet 1 (%)", "hälften"),
                setting("Avtalsspärr (dagar)", 15),
            ],
        )
    )
    assert parsed.standstill_days == 15
    assert [(f.code, f.sheet, f.row, f.column, f.header, f.value) for f in found] == [
        ("invalid-text", "Inställningar", 2, "A", "Inställning", "#N/A"),
        ("unknown-setting", "Inställningar", 5, "A", "Inställning", "Andel prioritet 4 (%)"),
        ("invalid-setting", "Inställningar", 6, "B", "Andel prioritet 1 (%)", "hälften"),
    ]


def test_a_key_given_twice_uses_the_first() -> None:
    s, found = settings_of(setting("Avtalsspärr (dagar)", 15), setting("avtalsspärr (dagar)", 12))
    assert found == [("Inställningar", 3, "A", "duplicate-setting")]
    assert s.standstill_days == 15


def test_shares_over_100_percent_fall_back_to_the_defaults() -> None:
    s, found = settings_of(
        setting("Andel prioritet 1 (%)", 60), setting("Andel prioritet 2 (%)", 50)
    )
    assert found == [("Inställningar", None, None, "invalid-setting")]
    assert (s.tier1_share, s.tier2_share) == (10.0, 30.0)
    _, [finding] = parse_settings(
        SheetInput.from_records(
            schema.INSTALLNINGAR,
            [setting("Andel prioritet 1 (%)", 60), setting("Andel prioritet 2 (%)", 50)],
        )
    )
    assert (finding.header, finding.value) == ("Andel prioritet 2 (%)", 50.0)
    assert finding.message.endswith("; standardvärdet 30 används.")


@pytest.mark.parametrize(
    ("row", "missing"), [({"Inställning": "Idag"}, "Värde"), ({"Värde": 15}, "Inställning")]
)
def test_a_settings_sheet_without_its_key_or_value_column_uses_every_default(
    row: dict[str, Any], missing: str
) -> None:
    s, found = parse_settings(SheetInput.from_records(schema.INSTALLNINGAR, [row]))
    assert (s, flatten(found)) == (Settings(), [("Inställningar", None, None, "missing-column")])
    assert found[0].message == f"Kolumnen {missing} saknas på bladet Inställningar."


def test_the_first_key_and_value_columns_are_used() -> None:
    """`Nyckel` is another name of `Inställning`, `VÄRDE` the same header as `Värde`."""
    row = {
        "Beskrivning": "Egen",
        "Inställning": "Avtalsspärr (dagar)",
        "Nyckel": "Framförhållning ny upphandling (mån)",
        "Värde": 15,
        "VÄRDE": 12,
    }
    s, found = settings_of(row)
    assert (s.standstill_days, s.procurement_lead_months, found) == (15, 12, [])


def test_a_share_is_kept_to_four_decimals() -> None:
    s, found = settings_of(setting("Andel prioritet 1 (%)", "10,123456 %"))
    assert (s.tier1_share, found) == (10.1235, [])


@pytest.mark.parametrize("value", [date(1899, 12, 31), date(9999, 1, 1), "0001-01-01"])
def test_idag_must_leave_room_for_a_twelve_month_plan(value: Any) -> None:
    s, found = settings_of(setting("Idag", value))
    assert (s.today, found) == (None, [("Inställningar", 2, "B", "invalid-setting")])


def test_idag_from_the_settings_is_the_reference_date() -> None:
    rows = [contract(end=date(2025, 2, 28), extension_option="1+1")]
    r = run(rows, settings=[setting("Idag", date(2025, 1, 15))], today=None)
    assert r.today == date(2025, 1, 15)
    assert r.computed[schema.AVTAL][2].contract_status == "Förlängningsbeslut krävs"
    # A locked date is a warning on every run, so no one mistakes it for the calendar's.
    locked = [f for f in r.findings if f.code == "today-locked"]
    assert [(f.sheet, f.header, f.level.value) for f in locked] == [
        ("Inställningar", "Idag", "warning")
    ]
    assert locked[0].message.startswith("Idag är låst till 2025-01-15: ")


def test_an_explicit_date_overrides_idag() -> None:
    rows = [contract(end=date(2025, 2, 28))]
    r = run(rows, settings=[setting("Idag", date(2025, 1, 15))], today=TODAY)
    assert r.today == TODAY
    assert r.computed[schema.AVTAL][2].contract_status == "Upphört"
    assert "today-locked" not in [f.code for f in r.findings]
