"""The demo avtalsbok: reproducible, shaped like a municipality's book, mistakes where listed."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from golden_diff import differences, report

from avtalsbok import demo
from avtalsbok.core import schema
from avtalsbok.core.cells import CellError, parse_org_number

Book = dict[str, list[dict[str, Any]]]

#: sha256 of the canonical JSON of generate(700). Changes only when the demo is meant to change:
#: then run with UPDATE_GOLDEN=1 (which rewrites GOLDEN_BOOK, the JSON itself) and set the new hash.
GOLDEN_700 = "5fcf361df6b363f9bb68945f51e061254c200094d72bc6ad95eb16c2f0fa5f16"
GOLDEN_BOOK = Path(__file__).parent / "golden" / "demo_700.json.gz"

TODAY = demo.DEMO_TODAY
OPEN = {s for s in schema.DEVIATION_STATUSES if s not in schema.CLOSED_STATUSES}


@pytest.fixture(scope="module")
def book() -> Book:
    return demo.generate(700)


@pytest.fixture(scope="module")
def clean() -> Book:
    return demo.generate(700, mistakes=False)


def canonical(book: Book) -> str:
    def encode(v: object) -> str:
        assert isinstance(v, date | datetime), v
        return v.isoformat()

    return json.dumps(book, sort_keys=True, ensure_ascii=False, default=encode)


def planted(sheet: str) -> dict[int, demo.Mistake]:
    return {m.row: m for m in demo.MISTAKES if m.sheet == sheet}


def column(rows: list[dict[str, Any]], header: str) -> list[Any]:
    return [r[header] for r in rows]


# --- reproducible -------------------------------------------------------------------------------


def test_same_arguments_give_the_same_book(book: Book) -> None:
    assert demo.generate(700) == book
    assert demo.generate(700, seed=7) != book
    assert demo.generate(700, today=date(2025, 3, 31)) != book


def by_excel_row(book: Any) -> dict[str, dict[str, Any]]:
    """{sheet: {"row N": record}}: a difference is named by sheet, Excel row and header."""
    return {
        sheet: {f"row {i}": r for i, r in enumerate(rows, start=2)} for sheet, rows in book.items()
    }


def test_golden_hash_of_the_700_contract_book(book: Book) -> None:
    text = canonical(book)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN_BOOK.write_bytes(gzip.compress(text.encode(), mtime=0))
    golden = gzip.decompress(GOLDEN_BOOK.read_bytes()).decode()
    assert hashlib.sha256(golden.encode()).hexdigest() == GOLDEN_700, "golden file ≠ GOLDEN_700"
    found = differences(by_excel_row(json.loads(golden)), by_excel_row(json.loads(text)))
    assert not found, report("The 700-contract demo book", found)
    assert hashlib.sha256(text.encode()).hexdigest() == GOLDEN_700


# --- sheets and headers -------------------------------------------------------------------------


def test_every_input_column_of_the_schema_and_nothing_else(book: Book) -> None:
    assert list(book) == [
        schema.AVTAL,
        schema.UPPFOLJNINGAR,
        schema.AVVIKELSER,
        schema.HANDELSELOGG,
        schema.INDEX,
        schema.MAL,
        schema.INSTALLNINGAR,
    ]
    for name, rows in book.items():
        expected = [c.header for c in schema.DATA_SHEETS[name].input_columns]
        assert rows, name
        for row in rows:
            assert list(row) == expected, name


def test_settings_fix_the_reference_date(book: Book) -> None:
    settings = {r["Inställning"]: r["Värde"] for r in book[schema.INSTALLNINGAR]}
    assert settings == {"Idag": TODAY, "Rapportmottagare": "upphandlingschef@exempelkommun.se"}
    other = demo.generate(200, today=date(2025, 3, 31))[schema.INSTALLNINGAR]
    assert other[0]["Värde"] == date(2025, 3, 31)


def test_demo_book_is_the_engine_input_of_the_same_rows(book: Book) -> None:
    inp = demo.demo_book()
    assert inp.name == "demo"
    assert set(inp.sheets) == set(book)
    avtal = inp.sheets[schema.AVTAL]
    assert [values for _row, values in avtal.rows] == book[schema.AVTAL]
    assert avtal.rows[0][0] == 2


# --- the contract register ----------------------------------------------------------------------


def test_contract_counts_and_shares(clean: Book) -> None:
    avtal = clean[schema.AVTAL]
    assert len(avtal) == 700
    critical = column(avtal, "Verksamhetskritisk").count("Ja") / 700
    assert 0.05 <= critical <= 0.11
    assert set(column(avtal, "Verksamhetskritisk")) == {"Ja", "Nej"}
    sustainable = column(avtal, "Hållbarhetsvillkor").count("Ja") / 700
    assert 0.3 <= sustainable <= 0.5
    forms = Counter(column(avtal, "Avtalsform"))
    assert set(forms) == set(schema.CONTRACT_FORMS)
    assert 0.1 <= forms[schema.CALL_OFF_FORM] / 700 <= 0.2
    assert forms["Ramavtal"] > forms["Eget avtal"] > forms[schema.CALL_OFF_FORM]
    assert set(column(avtal, "Kategori")) == set(schema.CATEGORIES)


def test_call_offs_name_the_central_purchasing_body(clean: Book) -> None:
    avtal = clean[schema.AVTAL]
    call_offs = [r for r in avtal if r["Avtalsform"] == schema.CALL_OFF_FORM]
    central = Counter(r["Inköpscentral följer upp"] for r in call_offs)
    assert set(central) == {"Ja", "Nej"}
    assert central["Ja"] > 0.7 * len(call_offs)
    assert all(re.match(r"Avrop (Adda|Kammarkollegiet) – ", r["Avtalsnamn"]) for r in call_offs)
    own = [r for r in avtal if r["Avtalsform"] != schema.CALL_OFF_FORM]
    assert {r["Inköpscentral följer upp"] for r in own} == {None}


def test_annual_values_span_ten_thousand_to_two_hundred_million(clean: Book) -> None:
    values = column(clean[schema.AVTAL], "Årsvärde (kr)")
    assert all(isinstance(v, float) and 10_000 <= v <= 200_000_000 for v in values)
    assert min(values) == 10_000
    assert max(values) > 100_000_000
    assert 300_000 < sorted(values)[350] < 3_000_000


def test_numbers_are_floats_and_choices_come_from_the_lists(clean: Book) -> None:
    avtal = clean[schema.AVTAL]
    for r in avtal:
        assert isinstance(r["Uppsägningstid (mån)"], float) and 0 <= r["Uppsägningstid (mån)"] <= 6
        risk = (r["Sannolikhet (1-4)"], r["Konsekvens (1-4)"])
        assert risk == (None, None) or all(isinstance(v, float) and 1 <= v <= 4 for v in risk)
        assert r["Prisjustering"] in schema.PRICE_INDEXES
        assert r["Justeringsmånad"] in (*schema.MONTHS_SV, None)
        assert (r["Justeringsmånad"] is None) == (r["Prisjustering"] in ("Fast pris", "Ingen"))
    assert None in {r["Sannolikhet (1-4)"] for r in avtal}
    options = Counter(column(avtal, "Förlängningsoption"))
    assert set(options) == {None, "1+1", "12 mån", "2x12 mån", "2+1+1", "1+1+1"}


def test_dates_award_before_start_and_a_spread_of_contract_states(clean: Book) -> None:
    avtal = clean[schema.AVTAL]
    for r in avtal:
        assert 14 <= (r["Startdatum"] - r["Tilldelningsbeslut"]).days <= 56
        assert r["Tilldelningsbeslut"] <= TODAY
        assert r["Slutdatum"] > r["Startdatum"]
        assert 2 * 365 - 1 <= (r["Slutdatum"] - r["Startdatum"]).days <= 4 * 366
        assert (TODAY - r["Startdatum"]).days <= 6 * 365 + 31
    not_started = sum(r["Startdatum"] > TODAY for r in avtal)
    ended = sum(r["Slutdatum"] < TODAY for r in avtal)
    assert 5 <= not_started <= 50
    assert 50 <= ended <= 200


def test_suppliers_have_valid_org_numbers_and_often_several_contracts(clean: Book) -> None:
    avtal = clean[schema.AVTAL]
    numbers: dict[str, set[str]] = {}
    for r in avtal:
        assert parse_org_number(r["Organisationsnummer"]) == (r["Organisationsnummer"], None)
        assert re.fullmatch(r"\d{6}-\d{4}", r["Organisationsnummer"])
        numbers.setdefault(r["Leverantör"], set()).add(r["Organisationsnummer"])
    assert all(len(n) == 1 for n in numbers.values())
    assert len({n for ns in numbers.values() for n in ns}) == len(numbers)
    per_supplier = Counter(column(avtal, "Leverantör"))
    several = sum(1 for n in per_supplier.values() if n > 1) / len(per_supplier)
    assert 0.3 <= several <= 0.5
    assert all(re.search(r" (AB|HB)$", s) for s in per_supplier)


def test_owners_and_mail_addresses(clean: Book) -> None:
    avtal = clean[schema.AVTAL]
    owners = {(r["Avtalsansvarig"], r["E-post"]) for r in avtal}
    assert len(owners) == 25
    assert ("Åsa Lindström", "asa.lindstrom@exempelkommun.se") in owners
    assert ("Linnéa Hedlund", "linnea.hedlund@exempelkommun.se") in owners
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@exempelkommun\.se", e) for _o, e in owners)


def test_a_few_manual_priorities_each_with_a_motivation(clean: Book) -> None:
    manual = [r for r in clean[schema.AVTAL] if r["Manuell prioritet"] is not None]
    assert 3 <= len(manual) <= 20
    assert all(r["Manuell prioritet"] in (1.0, 2.0, 3.0) and r["Motivering"] for r in manual)
    assert all(r["Motivering"] is None for r in clean[schema.AVTAL] if r not in manual)


def test_contract_ids_unique_by_award_year() -> None:
    for n, digits in ((700, 4), (10_000, 5)):
        ids = column(demo.generate(n, mistakes=False)[schema.AVTAL], "Avtals-ID")
        assert len(set(ids)) == n
        assert all(re.fullmatch(rf"AV-20\d\d-\d{{{digits}}}", i) for i in ids)
        assert ids == sorted(ids)


# --- follow-ups ---------------------------------------------------------------------------------


def test_follow_up_history(clean: Book) -> None:
    avtal = {r["Avtals-ID"]: r for r in clean[schema.AVTAL]}
    follow_ups = clean[schema.UPPFOLJNINGAR]
    assert 1_000 <= len(follow_ups) <= 3_000
    assert column(follow_ups, "Datum") == sorted(column(follow_ups, "Datum"))
    assert set(column(follow_ups, "Typ")) == set(schema.FOLLOW_UP_TYPES)
    assert set(column(follow_ups, "Metod")) == set(schema.FOLLOW_UP_METHODS)
    results = Counter(column(follow_ups, "Resultat"))
    assert set(results) == set(schema.FOLLOW_UP_RESULTS)
    assert results["Avvikelse"] < 0.1 * len(follow_ups)
    for f in follow_ups:
        c = avtal[f["Avtals-ID"]]
        assert c["Tilldelningsbeslut"] < f["Datum"] <= min(TODAY, c["Slutdatum"])
        if f["Typ"] == "Uppstartsmöte":
            assert (f["Datum"] - c["Tilldelningsbeslut"]).days > 10
        joint = f["Gemensam uppföljning"] == "Ja"  # the regions' audit: no cost of the unit's
        if f["Typ"] == "Revision" and not joint:
            assert isinstance(f["Kostnad (kr)"], float)
            assert 20_000 <= f["Kostnad (kr)"] <= 150_000
        else:
            assert f["Kostnad (kr)"] is None
        assert (f["Gemensam uppföljning"] is None) == (f["Typ"] != "Revision")
    followed = {f["Avtals-ID"] for f in follow_ups}
    started = [i for i, c in avtal.items() if c["Startdatum"] < TODAY]
    never = [i for i in started if i not in followed]
    assert 10 <= len(never) <= 80


def test_some_business_critical_contracts_are_behind_schedule(clean: Book) -> None:
    """Business-critical contracts are followed up every fourth month (tier 1)."""
    last: dict[str, date] = {}
    for f in clean[schema.UPPFOLJNINGAR]:
        last[f["Avtals-ID"]] = f["Datum"]
    critical = [
        r
        for r in clean[schema.AVTAL]
        if r["Verksamhetskritisk"] == "Ja"
        and r["Startdatum"] <= date(2026, 5, 1) <= TODAY
        and r["Slutdatum"] >= TODAY
    ]
    behind = [r for r in critical if last.get(r["Avtals-ID"], date.min) < date(2026, 6, 1)]
    assert 3 <= len(behind) < len(critical) / 2


# --- deviations and the event log ---------------------------------------------------------------


def test_deviations_on_every_step_and_status(clean: Book) -> None:
    deviations = clean[schema.AVVIKELSER]
    assert len(deviations) == 60
    assert {r["Eskaleringssteg"] for r in deviations} == {0.0, 1.0, 2.0, 3.0, 4.0}
    assert set(column(deviations, "Status")) == set(schema.DEVIATION_STATUSES)
    assert set(column(deviations, "Allvarlighetsgrad")) == set(schema.SEVERITIES)
    assert set(column(deviations, "Område")) <= set(schema.DEVIATION_AREAS)
    assert len(set(column(deviations, "Område"))) >= 5
    ids = column(deviations, "Avvikelse-ID")
    assert len(set(ids)) == 60 and all(re.fullmatch(r"AVV-20\d\d-\d{3}", i) for i in ids)
    assert len(demo.generate(10_000, mistakes=False)[schema.AVVIKELSER]) == 850


def test_deviation_dates_agree_with_status(clean: Book) -> None:
    avtal = {r["Avtals-ID"]: r for r in clean[schema.AVTAL]}
    overdue = blank = remedied = 0
    for d in clean[schema.AVVIKELSER]:
        c = avtal[d["Avtals-ID"]]
        assert c["Startdatum"] <= d["Upptäckt"] <= TODAY
        assert d["Beskrivning"] and d["Ansvarig"] == c["Avtalsansvarig"]
        if d["Eskaleringssteg"] == 4.0:
            assert d["Allvarlighetsgrad"] in ("Hög", "Allvarlig")
        if d["Åtgärdsplan senast"] is None:
            blank += 1
        else:
            assert d["Åtgärdsplan senast"] >= d["Upptäckt"]
        if d["Status"] in OPEN:
            assert d["Åtgärdad"] is None
            overdue += d["Åtgärdsplan senast"] is not None and d["Åtgärdsplan senast"] < TODAY
        else:
            assert d["Upptäckt"] <= d["Åtgärdad"] <= TODAY
            remedied += 1
    assert overdue >= 5 and blank >= 3 and remedied >= 10


def test_event_log_holds_earlier_steps_of_some_deviations(clean: Book) -> None:
    deviations = {d["Avvikelse-ID"]: d for d in clean[schema.AVVIKELSER]}
    log = clean[schema.HANDELSELOGG]
    events = {"Avvikelse registrerad", "Status ändrad", "Eskaleringssteg ändrat"}
    assert set(column(log, "Händelse")) == events
    assert column(log, "Tidpunkt") == sorted(column(log, "Tidpunkt"))
    last: dict[str, dict[str, Any]] = {}
    for e in log:
        d = deviations[e["Avvikelse-ID"]]
        assert isinstance(e["Tidpunkt"], datetime)
        assert d["Upptäckt"] <= e["Tidpunkt"].date() <= TODAY
        assert e["Avtals-ID"] == d["Avtals-ID"]
        assert re.fullmatch(r"avtalsbok \([a-z]+\.[a-z]+\)", e["Källa"])
        state = last.setdefault(e["Avvikelse-ID"], {"status": None, "step": 0})
        if e["Händelse"] == "Avvikelse registrerad":
            assert (e["Från"], e["Till"], state["status"]) == (None, "Öppen", None)
            state["status"] = "Öppen"
        elif e["Händelse"] == "Status ändrad":
            assert (e["Från"], e["Till"] in schema.DEVIATION_STATUSES) == (state["status"], True)
            state["status"] = e["Till"]
        else:
            step = state["step"]
            assert re.fullmatch(rf"{step} \w.*", e["Från"])
            assert re.fullmatch(rf"{step + 1} \w.*", e["Till"])
            state["step"] = step + 1
    up_to_date = sum(
        (s["status"], s["step"]) == (deviations[i]["Status"], deviations[i]["Eskaleringssteg"])
        for i, s in last.items()
    )
    assert 10 <= up_to_date < len(last) < len(deviations)
    assert any(s["step"] >= 2 for s in last.values())


# --- planted mistakes ---------------------------------------------------------------------------


def test_mistakes_change_only_the_listed_contract_cells(book: Book, clean: Book) -> None:
    changed = {
        (i + 2, h)
        for i, (a, b) in enumerate(zip(book[schema.AVTAL], clean[schema.AVTAL], strict=True))
        for h in a
        if a[h] != b[h]
    }
    # The row that was copied keeps its values; its copy gets the same Avtals-ID. A mistake
    # may lie in a cell beside the one reported (Avtalsform beside Inköpscentral följer upp).
    copied = min(m.row for m in demo.MISTAKES if m.code == "duplicate-contract-id")
    rows = {m.row for m in demo.MISTAKES if m.sheet == schema.AVTAL} - {copied}
    assert {row for row, _h in changed} == rows
    assert (copied + 1, "Avtals-ID") in changed


def test_each_mistake_is_what_it_says(book: Book) -> None:
    avtal = book[schema.AVTAL]

    def cell(m: demo.Mistake) -> Any:
        return book[m.sheet][m.row - 2][m.header]

    by_code = {m.code: m for m in demo.MISTAKES if m.sheet == schema.AVTAL}
    duplicates = [m for m in demo.MISTAKES if m.code == "duplicate-contract-id"]
    assert len({cell(m) for m in duplicates}) == 1
    assert Counter(column(avtal, "Avtals-ID")).most_common(1)[0][1] == 2
    with pytest.raises(CellError) as err:
        parse_org_number(cell(by_code["org-number-checksum"]))
    assert err.value.code == "org-number-checksum"
    end = by_code["end-before-start"]
    assert cell(end) < avtal[end.row - 2]["Startdatum"]
    assert re.fullmatch(r"\d{1,2} [a-zåäö]+ 20\d\d", cell(by_code["date-as-text"]))
    assert re.fullmatch(r"\d{1,3}( \d{3})* kr", cell(by_code["amount-as-text"]))
    assert "@" not in cell(by_code["invalid-email"])
    priority = avtal[by_code["manual-priority-without-motivation"].row - 2]
    assert (priority["Manuell prioritet"], priority["Motivering"]) == (1.0, None)
    central = avtal[by_code["central-follow-up-not-call-off"].row - 2]
    assert (central["Avtalsform"], central["Inköpscentral följer upp"]) == ("Eget avtal", "Ja")
    ids = set(column(avtal, "Avtals-ID"))
    unknown = [m for m in demo.MISTAKES if m.code == "unknown-contract"]
    assert {m.sheet for m in unknown} == {schema.UPPFOLJNINGAR, schema.AVVIKELSER}
    assert all(cell(m) not in ids and re.fullmatch(r"AV-20\d\d-\d{4}", cell(m)) for m in unknown)
    # Only the listed rows name unknown contracts or break the org-number check.
    for sheet in (schema.UPPFOLJNINGAR, schema.AVVIKELSER):
        strays = [i + 2 for i, r in enumerate(book[sheet]) if r["Avtals-ID"] not in ids]
        assert strays == list(planted(sheet))
    bad = [i + 2 for i, r in enumerate(avtal) if not _valid_org(r["Organisationsnummer"])]
    assert bad == [by_code["org-number-checksum"].row]
    skipped = cell(by_code["index-missing"])
    aki = {r["Månad"] for r in book[schema.INDEX] if r["Serie"] == "AKI"}
    assert skipped not in aki and {"2012-05", "2012-07"} <= aki
    assert [r["Basmånad"] for r in avtal].count(skipped) == 1


def _valid_org(value: str) -> bool:
    try:
        parse_org_number(value)
    except CellError:
        return False
    return True


def test_every_mistake_names_a_known_sheet_header_and_finding_code() -> None:
    from avtalsbok.core.findings import CATALOGUE

    assert 10 <= len(demo.MISTAKES) <= 12
    for m in demo.MISTAKES:
        assert m.header in {c.header for c in schema.DATA_SHEETS[m.sheet].input_columns}
        assert m.code in CATALOGUE


def test_the_engine_reports_each_mistake_and_nothing_else_is_wrong() -> None:
    engine = pytest.importorskip("avtalsbok.core.engine")
    result = engine.evaluate(demo.demo_book())
    found = {(f.sheet, f.row, f.code) for f in result.findings}
    assert {(m.sheet, m.row, m.code) for m in demo.MISTAKES} <= found
    errors = {(f.sheet, f.row, f.code) for f in result.findings if f.is_error}
    assert errors <= {(m.sheet, m.row, m.code) for m in demo.MISTAKES}
    assert engine.evaluate(demo.demo_book(mistakes=False)).errors == 0


def test_mistakes_need_room() -> None:
    with pytest.raises(ValueError, match="mistakes=False"):
        demo.generate(demo.MIN_CONTRACTS_WITH_MISTAKES - 1)
    small = demo.generate(10, mistakes=False)
    assert len(small[schema.AVTAL]) == 10
    with pytest.raises(ValueError):
        demo.generate(0)


# --- scale --------------------------------------------------------------------------------------


def test_ten_thousand_contracts() -> None:
    big = demo.generate(10_000)
    assert len(big[schema.AVTAL]) == 10_000
