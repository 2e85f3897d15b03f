"""`avtalsbok ocds`: an OCDS 1.1 release package, validated against the official schema."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from exports import export
from helpers import TODAY, contract, deviation, flatten, follow_up, run, setting
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.publish.ocds import Publisher, PublishError, release_package
from avtalsbok.workbook.template import build_workbook

SCHEMAS = Path(__file__).parent / "ocds"
ORG = (
    setting("Organisation", "Exempelkommun"),
    setting("Organisationens organisationsnummer", "212000-0142"),
    setting("OCID-prefix", "ocds-abc123"),
)
PUBLISHER = Publisher("Exempelkommun")


def validator() -> Draft4Validator:
    """The release-package schema, its `$ref` to the release schema resolved from the files."""
    package, release = (
        json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        for name in ("release-package-schema.json", "release-schema.json")
    )
    registry: Registry[Any] = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry)


def valid(package: dict[str, Any]) -> dict[str, Any]:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(package)]
    assert errors == []
    return package


def test_the_validator_rejects_what_breaks_the_schema() -> None:
    package = release_package([export(contract(), settings=ORG)], TODAY, PUBLISHER)
    package["releases"][0]["contracts"][0]["implementation"]["milestones"] = [
        {"id": "x", "status": "klar"}
    ]
    del package["releases"][0]["contracts"][0]["awardID"]
    assert len(list(validator().iter_errors(package))) == 2


def test_one_valid_release_per_contract_with_buyer_supplier_period_value_and_status() -> None:
    book = export(
        contract(
            contract_id="AV-1",
            org_number="556036-0793",
            annual_value=120000,
            start=date(2023, 1, 1),
            end=date(2025, 12, 31),
            extension_option="2+1+1",
            extensions_used=1,
            category="Städ och hygien",
        ),
        contract(contract_id="AV-2", start=date(2025, 6, 1), end=date(2027, 5, 31)),
        contract(contract_id="AV-3", start=date(2020, 1, 1), end=date(2024, 12, 31)),
        settings=ORG,
    )
    package = valid(release_package([book], TODAY, PUBLISHER))
    assert package["version"] == "1.1"
    assert package["publishedDate"] == "2025-03-14T00:00:00Z"
    assert package["uri"] == "urn:avtalsbok:ocds-abc123:2025-03-14"
    first, second, _ = package["releases"]
    assert (first["ocid"], first["tag"], first["id"]) == (
        "ocds-abc123-AV-1",
        ["contract"],
        "ocds-abc123-AV-1-2025-03-14",
    )
    assert first["buyer"] == {"id": "SE-BLV-212000-0142", "name": "Exempelkommun"}
    buyer, supplier = first["parties"]
    assert buyer["roles"] == ["buyer"]
    assert buyer["identifier"] == {"scheme": "SE-BLV", "id": "212000-0142"}
    assert supplier == {
        "id": "SE-BLV-556036-0793",
        "name": "Städbolaget AB",
        "roles": ["supplier"],
        "identifier": {"scheme": "SE-BLV", "id": "556036-0793", "legalName": "Städbolaget AB"},
    }
    (award,) = first["awards"]
    (c,) = first["contracts"]
    assert award["suppliers"] == [{"id": supplier["id"], "name": "Städbolaget AB"}]
    assert c["awardID"] == award["id"]
    assert c["value"] == {"amount": 120000.0, "currency": "SEK"}
    # 2+1+1 ending 2025 with one extension recorded as used: one year is left.
    assert c["period"] == {
        "startDate": "2023-01-01T00:00:00Z",
        "endDate": "2025-12-31T00:00:00Z",
        "maxExtentDate": "2026-12-31T00:00:00Z",
    }
    assert [r["contracts"][0]["status"] for r in package["releases"]] == [
        "active",
        "pending",
        "terminated",
    ]
    assert "value" not in second["contracts"][0]


def test_milestones_are_the_last_follow_up_held_and_the_planned_ones() -> None:
    book = export(
        contract(critical="Ja", end=date(2025, 12, 31), extension_option="1+1", notice_months=3),
        follow_ups=(follow_up(date=date(2024, 10, 1)),),
        deviations=(deviation(),),
        settings=ORG,
    )
    (release,) = valid(release_package([book], TODAY, PUBLISHER))["releases"]
    milestones = release["contracts"][0]["implementation"]["milestones"]
    # Held 2024-10-01, so the next was due 2025-02-03 (4 months, the first business day): past.
    assert [(m["type"], m["status"], m.get("dueDate", m.get("dateMet"))) for m in milestones] == [
        ("assessment", "met", "2024-10-01T00:00:00Z"),
        ("assessment", "notMet", "2025-02-03T00:00:00Z"),
        ("assessment", "scheduled", "2025-07-03T00:00:00Z"),  # the evaluation before deciding
        ("assessment", "scheduled", "2025-07-14T00:00:00Z"),
        ("approval", "scheduled", "2025-09-01T00:00:00Z"),
        ("assessment", "scheduled", "2025-11-14T00:00:00Z"),
    ]
    assert len({m["id"] for m in milestones}) == len(milestones)
    assert "avvikelse" not in json.dumps(release).lower()  # the deviation check is internal


def test_internal_data_and_a_sole_traders_personal_number_are_not_exported() -> None:
    book = export(
        contract(
            org_number="199001011239",
            supplier="Anna Andersson Städ",
            probability=4,
            consequence=4,
            critical="Ja",
            how_to_order="Ring Anna",
        ),
        deviations=(deviation(description="Hemlig brist"),),
        settings=ORG,
    )
    assert [c.org_number for c in book.contracts] == [""]  # a personal identity number
    text = json.dumps(valid(release_package([book], TODAY, PUBLISHER)), ensure_ascii=False)
    assert "900101" not in text
    assert "Anna Andersson Städ" in text
    for internal in ("Hemlig brist", "D1", "risk", "priorit", "Medel"):
        assert internal not in text


def test_without_an_ocid_prefix_or_a_buyer_the_package_cannot_be_made() -> None:
    with pytest.raises(PublishError, match="OCID-prefix"):
        release_package([export(contract())], TODAY, PUBLISHER)
    with pytest.raises(PublishError, match="Organisation"):
        release_package([export(contract())], TODAY, Publisher("", "ocds-abc123"))
    package = release_package([export(contract())], TODAY, Publisher("X", "ocds-abc123"))
    assert valid(package)["releases"][0]["ocid"] == "ocds-abc123-A1"


def test_an_invalid_prefix_setting_is_a_finding() -> None:
    bad = (setting("OCID-prefix", "min-kommun"),)
    assert flatten(run([contract()], settings=bad).findings) == [
        ("Inställningar", 2, "B", "invalid-setting")
    ]
    assert export(contract(), settings=bad).ocid_prefix == ""
    assert export(contract(), settings=(setting("OCID-prefix", "OCDS-Abc123"),)).ocid_prefix == (
        "ocds-abc123"
    )


def _book(path: Path, settings: tuple[dict[str, Any], ...] = ORG) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(
        path,
        {
            schema.AVTAL: [contract(annual_value=50000), contract(contract_id="A2")],
            schema.INSTALLNINGAR: [setting("Idag", TODAY), *settings],
        },
    )
    return path


def test_ocds_command_writes_a_valid_package(tmp_path: Path) -> None:
    _book(tmp_path / "Vård" / "avtal.xlsx")
    target = tmp_path / "avtal.json"
    out = io.StringIO()
    assert main(["ocds", str(tmp_path), "-o", str(target), "--workers", "1"], out) == 0
    package = valid(json.loads(target.read_text(encoding="utf-8")))
    assert [r["ocid"] for r in package["releases"]] == ["ocds-abc123-A1", "ocds-abc123-A2"]
    uri = ["--uri", "https://data.kommun.se/avtal.json"]
    assert main(["ocds", str(tmp_path), "-o", str(target), "--workers", "1", *uri]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["uri"] == uri[1]
    assert package["publisher"] == {"name": "Exempelkommun"}
    assert "2 avtal" in out.getvalue()


def test_the_same_avtals_id_in_two_books_is_published_once_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _book(tmp_path / "Vård" / "avtal.xlsx")
    _book(tmp_path / "Skola" / "avtal.xlsx")
    target = tmp_path / "avtal.json"
    assert main(["ocds", str(tmp_path), "-o", str(target), "--workers", "1"]) == 0
    package = valid(json.loads(target.read_text(encoding="utf-8")))
    assert [r["ocid"] for r in package["releases"]] == ["ocds-abc123-A1", "ocds-abc123-A2"]
    assert "2 avtal har samma Avtals-ID som ett avtal i en annan bok" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("settings", "extra", "message"),
    [
        ((), [], "ange utgivaren med --publisher"),
        ((), ["--publisher", "Kommunen"], "inget OCID-prefix"),
        ((), ["--publisher", "K", "--ocid-prefix", "abc"], "är inget OCID-prefix"),
        (ORG, ["--uri", "avtal.json"], "är ingen fullständig adress"),
        (ORG, ["--uri", "C:\\data\\avtal.json"], "är ingen fullständig adress"),
    ],
)
def test_ocds_command_without_what_it_needs_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    settings: tuple[dict[str, Any], ...],
    extra: list[str],
    message: str,
) -> None:
    book = _book(tmp_path / "avtal.xlsx", settings)
    target = tmp_path / "avtal.json"
    assert main(["ocds", str(book), "-o", str(target), "--workers", "1", *extra]) == 2
    assert message in capsys.readouterr().err
    assert not target.exists()
