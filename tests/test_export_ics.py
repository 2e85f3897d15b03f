"""`avtalsbok kalender` and the reminders' calendar: RFC 5545 read back with icalendar."""

from __future__ import annotations

import email
import io
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from exports import export
from helpers import TODAY, contract, deviation, fillers, follow_up, setting
from icalendar import Calendar, Event

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.publish.ics import calendar_bytes
from avtalsbok.workbook.template import build_workbook

ANNA = "anna.berg@kommun.se"


def events(data: bytes) -> list[Event]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def by_summary(data: bytes) -> dict[str, Event]:
    return {str(e["SUMMARY"]): e for e in events(data)}


def test_a_follow_up_is_an_all_day_event_with_the_contract_and_an_alarm() -> None:
    book = export(
        contract(
            contract_id="AV-2024-0012",
            critical="Ja",
            owner="Anna Berg",
            email=ANNA,
            category="Städ",
        ),
        follow_ups=(follow_up(contract_id="AV-2024-0012", date=date(2025, 1, 15)),),
        settings=(setting("Kalenderpåminnelse (dagar före)", 3),),
    )
    found = events(calendar_bytes([book], TODAY))
    # Prioritet 1 (critical): an utvecklingsmöte every 4 months from the last one.
    assert [(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in found] == [
        ("Utvecklingsmöte: AV-2024-0012 Städtjänster (Städbolaget AB)", d)
        for d in (date(2025, 5, 15), date(2025, 9, 15), date(2026, 1, 15))
    ]
    first = found[0]
    assert first.decoded("DTEND") == date(2025, 5, 16)
    alarm = next(iter(first.walk("VALARM")))
    assert alarm.decoded("TRIGGER") == timedelta(days=-3)
    assert str(alarm["ACTION"]) == "DISPLAY"
    description = str(first["DESCRIPTION"])
    assert "Leverantör: Städbolaget AB" in description
    assert "Kategori: Städ" in description
    assert "Avtalsperiod: 2023-01-01 – 2026-12-31" in description
    assert f"Ansvarig: Anna Berg <{ANNA}>" in description
    assert "Avtalsbok: Vård – avtal.xlsx" in description


def test_the_summary_names_the_tiers_meeting_form() -> None:
    book = export(contract(contract_id="A1", probability=3, consequence=3), *fillers(9))
    summaries = {str(e["SUMMARY"]) for e in events(calendar_bytes([book], TODAY))}
    assert "Uppföljningsmöte: F01 Städtjänster (Städbolaget AB)" in summaries
    assert "Uppföljning: F04 Städtjänster (Städbolaget AB)" in summaries


def test_start_up_evaluation_decision_and_deviation_check_are_in_the_calendar() -> None:
    book = export(
        contract(
            critical="Ja",
            start=date(2025, 2, 1),
            end=date(2025, 12, 31),
            extension_option="1+1",
            notice_months=3,
        ),
        deviations=(deviation(),),
    )
    found = [
        (e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events(calendar_bytes([book], TODAY))
    ]
    title = "A1 Städtjänster (Städbolaget AB)"
    assert found == [
        (date(2025, 2, 3), f"Uppstartsmöte: {title}"),
        (date(2025, 3, 17), f"Kontroll av avvikelse D1: {title}"),
        (date(2025, 7, 3), f"Utvärdering inför förlängningsbeslut: {title}"),
        (date(2025, 7, 14), f"Utvecklingsmöte: {title}"),
        (date(2025, 9, 1), f"Förlängningsbeslut: {title}"),
        (date(2025, 11, 14), f"Utvecklingsmöte: {title}"),
    ]


def test_the_same_item_keeps_its_uid_when_its_date_moves_and_gets_a_higher_sequence() -> None:
    first = export(contract(critical="Ja"), follow_ups=(follow_up(date=date(2025, 1, 15)),))
    later = TODAY + timedelta(days=30)
    held = (follow_up(date=date(2025, 1, 15)), follow_up(date=date(2025, 4, 1)))
    moved = export(contract(critical="Ja"), follow_ups=held, today=later)
    a, b = events(calendar_bytes([first], TODAY)), events(calendar_bytes([moved], later))
    assert [e.decoded("DTSTART") for e in a] == [date(2025, m, 15) for m in (5, 9)] + [
        date(2026, 1, 15)
    ]
    assert [e.decoded("DTSTART") for e in b] == [
        date(2025, 8, 1),
        date(2025, 12, 1),
        date(2026, 4, 1),
    ]
    assert [str(e["UID"]) for e in a] == [str(e["UID"]) for e in b]
    assert {int(e["SEQUENCE"]) for e in a} == {(TODAY - date(2000, 1, 1)).days}
    assert {int(e["SEQUENCE"]) for e in b} == {(later - date(2000, 1, 1)).days}


def test_same_input_same_bytes_and_different_books_different_uids() -> None:
    one = export(contract(), deviations=(deviation(),))
    assert calendar_bytes([one], TODAY) == calendar_bytes([one], TODAY)
    other = export(contract(), deviations=(deviation(),), path="/avtal/Skola/annan.xlsx")
    uids = [str(e["UID"]) for e in events(calendar_bytes([one, other], TODAY))]
    assert len(uids) == len(set(uids)) == 4


def test_two_units_with_the_same_file_name_and_avtals_id_get_distinct_uids() -> None:
    a = export(contract(), path="/avtal/Vård/avtal.xlsx", unit="Vård")
    b = export(contract(), path="/avtal/Skola/avtal.xlsx", unit="Skola")
    uids = [str(e["UID"]) for e in events(calendar_bytes([a, b], TODAY))]
    assert len(uids) == len(set(uids)) == 2


def test_owner_gets_only_their_items_ignoring_case() -> None:
    book = export(
        contract(contract_id="A1", email=ANNA, critical="Ja"),
        contract(contract_id="A2", email="bo@kommun.se", critical="Ja"),
    )
    mine = events(calendar_bytes([book], TODAY, owner="Anna.Berg@Kommun.se"))
    assert {str(e["SUMMARY"]).split(":")[1].split()[0] for e in mine} == {"A1"}
    assert len(mine) == len(events(calendar_bytes([book], TODAY))) // 2 > 0


def test_lines_are_crlf_folded_at_75_octets_and_text_is_escaped() -> None:
    name = "Städ, fönster; mattor\nmed mera och en lång rad som måste vikas i kalenderfilen"
    book = export(contract(name=name, supplier="Ek & Björk; AB", critical="Ja"))
    data = calendar_bytes([book], TODAY)
    assert data.count(b"\r\n") == data.count(b"\n")  # no bare LF
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert any(line.startswith(b" ") for line in data.split(b"\r\n"))  # something was folded
    unfolded = data.replace(b"\r\n ", b"")
    assert "Städ\\, fönster\\; mattor\\nmed mera".encode() in unfolded
    assert "(Ek & Björk\\; AB)".encode() in unfolded
    assert str(events(data)[0]["SUMMARY"]) == f"Utvecklingsmöte: A1 {name} (Ek & Björk; AB)"


def _write_book(path: Path, **overrides: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [contract(email=ANNA, owner="Anna Berg", critical="Ja", **overrides)]
    data = {schema.AVTAL: rows, schema.INSTALLNINGAR: [setting("Idag", TODAY)]}
    build_workbook(path, data)
    return path


def test_kalender_command_writes_the_file_atomically_and_to_stdout(tmp_path: Path) -> None:
    book = _write_book(tmp_path / "Vård" / "avtal.xlsx")
    target = tmp_path / "plan.ics"
    args = ["kalender", str(tmp_path), "-o", str(target), "--workers", "1"]
    assert main(args, io.StringIO()) == 0
    written = events(target.read_bytes())
    assert {str(e["SUMMARY"]) for e in written} == {
        "Utvecklingsmöte: A1 Städtjänster (Städbolaget AB)"
    }
    out = io.StringIO()
    assert main(["kalender", str(book), "--owner", ANNA, "--workers", "1"], out) == 0
    assert [str(e["UID"]) for e in events(out.getvalue().encode())] == [
        str(e["UID"]) for e in written
    ]
    assert not list(tmp_path.glob(".~avtalsbok-*"))


def test_kalender_on_a_windows_console_is_the_files_bytes(tmp_path: Path) -> None:
    book = _write_book(tmp_path / "Vård" / "avtal.xlsx")
    target = tmp_path / "plan.ics"
    assert main(["kalender", str(book), "-o", str(target), "--workers", "1"], io.StringIO()) == 0
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp1252", errors="strict", newline="\r\n")
    assert main(["kalender", str(book), "--workers", "1"], console) == 0
    assert raw.getvalue() == target.read_bytes()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--owner", "inte en adress"], "e-postadress"),
        (["-o", "/finns/inte/plan.ics"], "mappen för filen finns inte"),
    ],
)
def test_kalender_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    book = _write_book(tmp_path / "avtal.xlsx")
    assert main(["kalender", str(book), *extra]) == 2
    assert message in capsys.readouterr().err


def test_kalender_with_a_bad_date_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["kalender", "bok.xlsx", "--today", "2025-13-01"])
    assert caught.value.code == 2
    assert "är inget datum (ÅÅÅÅ-MM-DD)" in capsys.readouterr().err


def test_kalender_on_a_missing_path_or_an_empty_folder_exits_2(tmp_path: Path) -> None:
    assert main(["kalender", str(tmp_path / "saknas")]) == 2
    assert main(["kalender", str(tmp_path)]) == 2


def test_each_owners_reminder_carries_their_own_calendar(tmp_path: Path) -> None:
    _write_book(tmp_path / "Vård" / "avtal.xlsx")
    outbox = tmp_path / "utkorg"
    args = ["remind", str(tmp_path), "--today", TODAY.isoformat(), "--outbox", str(outbox)]
    assert main([*args, "--workers", "1"], io.StringIO()) == 0
    (eml,) = outbox.glob("paminnelse-*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "avtalsbok.ics"
    assert part.get_param("method") == "PUBLISH"
    summaries = {str(e["SUMMARY"]) for e in events(part.get_payload(decode=True))}
    assert summaries == {"Utvecklingsmöte: A1 Städtjänster (Städbolaget AB)"}
