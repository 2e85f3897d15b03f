"""Reminders: one digest per contract owner, grouped by book, sent once per day."""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from test_mail import Server, smtp_server  # noqa: F401  (the SMTP server fixture)

from avtalsbok.cli import main
from avtalsbok.demo import generate
from avtalsbok.mail.deliver import Status
from avtalsbok.mail.reminders import digests, reminder_messages
from avtalsbok.mail.sanitize import address
from avtalsbok.mail.send import send_reminders
from avtalsbok.mail.transport import MailError, MailSettings, Security
from avtalsbok.report.records import BookRecord, BookStatus, DueItem, LateDeviation, book_record
from avtalsbok.workbook.template import build_workbook

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 6, 0)
ANNA = "anna.berg@kommun.se"
BO = "bo.ek@kommun.se"


def due(contract: str, days: int, email: str, owner: str = "", activity: str = "") -> DueItem:
    return DueItem(
        TODAY + timedelta(days=days),
        contract,
        f"Avtal {contract}",
        "Leverantör AB",
        2,
        activity or "Statistikuppföljning + uppföljningsmöte",
        owner,
        email,
        "Försenad" if days < 0 else "Inom 30 dagar",
        -days if days < 0 else None,
        "Aktivt",
    )


def late(deviation: str, contract: str, email: str) -> LateDeviation:
    return LateDeviation(
        deviation, contract, f"Avtal {contract}", "Leverantör AB", "Hög", 1,
        TODAY - timedelta(days=20), 45, "2 Skriftlig varning", "Anna Berg", "Anna Berg", email,
    )  # fmt: skip


def record(
    unit: str,
    follow_ups: tuple[DueItem, ...] = (),
    decisions: tuple[DueItem, ...] = (),
    late_deviations: tuple[LateDeviation, ...] = (),
) -> BookRecord:
    return BookRecord(
        f"/enheter/{unit}/avtal.xlsx",
        unit,
        BookStatus.OK,
        today=TODAY,
        follow_ups=follow_ups,
        decisions=decisions,
        late_deviations=late_deviations,
    )


@pytest.fixture
def records() -> list[BookRecord]:
    return [
        record(
            "Vård",
            follow_ups=(due("V-2", 5, ANNA, "Anna Berg"), due("V-1", -10, "Anna.Berg@Kommun.se")),
            decisions=(due("V-3", 40, BO, "Bo Ek", "Beslut om förlängning senast"),),
            late_deviations=(late("AVV-1", "V-1", ANNA),),
        ),
        record(
            "Skola",
            follow_ups=(due("S-1", 3, ANNA), due("S-2", 1, ""), due("S-3", 2, "åsa@kommun.se")),
        ),
    ]


def test_one_digest_per_owner_grouped_by_book(records: list[BookRecord]) -> None:
    found = digests(records)
    assert [d.recipient.addr_spec for d in found.digests] == [ANNA, BO]
    anna, bo = found.digests
    assert anna.recipient.display_name == "Anna Berg"
    assert [(b.unit, [i.contract_id for i in b.follow_ups]) for b in anna.books] == [
        ("Skola", ["S-1"]),
        ("Vård", ["V-1", "V-2"]),  # overdue first: by date
    ]
    assert (anna.follow_ups, anna.decisions, anna.deviations) == (3, 0, 1)
    assert (bo.follow_ups, bo.decisions, bo.deviations) == (0, 1, 0)
    assert found.unaddressed == (
        ("/enheter/Skola/avtal.xlsx", "S-2", ""),
        ("/enheter/Skola/avtal.xlsx", "S-3", "åsa@kommun.se"),
    )


def test_the_digest_says_what_is_due_in_text_and_html(records: list[BookRecord]) -> None:
    sender = address("avtalsbok@kommun.se", "Avtalsbok")
    anna = reminder_messages(digests(records), TODAY, 14, sender)[0].message
    assert anna["Subject"] == (
        "Påminnelse 2026-11-02: 3 uppföljningar och 1 avvikelse att hantera i dina avtal"
    )
    assert str(anna["To"]) == f"Anna Berg <{ANNA}>"
    text = anna.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "Hej Anna Berg!" in body and "uppföljningar inom 14 dagar" in body
    assert (
        "Skola – avtal.xlsx\n  Uppföljningar\n    2026-11-05  S-1 Avtal S-1 (Leverantör AB)" in body
    )
    assert "2026-10-23  V-1 Avtal V-1 (Leverantör AB): Statistikuppföljning" in body
    assert (
        "AVV-1 på V-1 Avtal V-1 (Leverantör AB): Hög, steg 1, åtgärdsplan senast 2026-10-13 "
        "(försenad 20 dagar) – Ta ställning till steg 2 Skriftlig varning"
    ) in body
    html = anna.get_body(("html",))
    assert html is not None and "<h3>Vård – avtal.xlsx</h3>" in html.get_content()


def test_evaluations_and_price_adjustments_reach_the_owner() -> None:
    book = replace(
        record("Vård"),
        evaluation_items=(due("V-4", 20, BO, "Bo Ek", "Utvärdering inför avtalsslut"),),
        price_items=(due("V-5", 9, BO, "Bo Ek", "Prisjustering (KPI)"),),
    )
    (bo,) = digests([book]).digests
    assert (bo.evaluations, bo.price_adjustments, bo.follow_ups) == (1, 1, 0)
    sender = address("avtalsbok@kommun.se", "Avtalsbok")
    message = reminder_messages(digests([book]), TODAY, 30, sender)[0].message
    assert message["Subject"] == (
        "Påminnelse 2026-11-02: 1 utvärdering och 1 prisjustering att hantera i dina avtal"
    )
    text = message.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert (
        "  Utvärderingar inför beslut\n    2026-11-22  V-4 Avtal V-4 (Leverantör AB): "
        "Utvärdering inför avtalsslut, om 20 dagar – Sammanställ hur avtalet har fungerat "
        "(bladet Utvärdering)\n  Prisjusteringar\n    2026-11-11  V-5 Avtal V-5 (Leverantör AB): "
        "Prisjustering (KPI), om 9 dagar – Justera priset med indexförändringen"
    ) in body


def test_text_from_the_books_is_escaped_in_html() -> None:
    item = replace(due("X-1", 1, ANNA, "Anna <b>Berg</b>"), contract_name="<script>x</script>")
    sender = address("avtalsbok@kommun.se")
    msg = reminder_messages(digests([record("Vård", follow_ups=(item,))]), TODAY, 14, sender)
    html = msg[0].message.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "<script>" not in content and "<b>Berg" not in content
    assert "&lt;script&gt;x&lt;/script&gt;" in content and "Anna &lt;b&gt;Berg" in content


def test_reminders_are_sent_over_smtp_once_per_day(
    records: list[BookRecord],
    tmp_path: Path,
    smtp_server: Server,  # noqa: F811
) -> None:
    settings = MailSettings(
        sender="avtalsbok@kommun.se",
        outbox=tmp_path / "utkorg",
        host=smtp_server.host,
        port=smtp_server.port,
        security=Security.NONE,
    )
    _, first = send_reminders(records, TODAY, 14, settings, now=NOW)
    _, second = send_reminders(records, TODAY, 14, settings, now=NOW)
    _, forced = send_reminders(records, TODAY, 14, settings, now=NOW, force=True)
    assert [d.status for d in first] == [Status.SENT, Status.SENT]
    assert [d.status for d in second] == [Status.ALREADY_SENT, Status.ALREADY_SENT]
    assert [d.status for d in forced] == [Status.SENT, Status.SENT]
    got = smtp_server.sink.received
    assert [r.recipients for r in got] == [[ANNA], [BO], [ANNA], [BO]]
    assert got[1].message["Subject"] == (
        "Påminnelse 2026-11-02: 1 förlängningsbeslut att hantera i dina avtal"
    )


def test_remind_command_over_a_generated_book_writes_one_message_per_owner(
    tmp_path: Path,
) -> None:
    book = tmp_path / "Skola" / "avtal.xlsx"
    book.parent.mkdir()
    build_workbook(book, generate(30, seed=4, mistakes=False))
    before = book.read_bytes()
    rec = book_record(str(book), "Skola", today=TODAY, write=False, due_days=14)
    items = (*rec.follow_ups, *rec.decisions, *rec.evaluation_items, *rec.price_items)
    owners = {i.email.lower() for i in items} | {d.email.lower() for d in rec.late_deviations}
    assert rec.evaluation_items  # a late one among them
    assert all(i.activity.startswith("Utvärdering inför ") for i in rec.evaluation_items)
    assert all(i.activity.startswith("Prisjustering (") for i in rec.price_items)
    planned = (*rec.follow_ups, *rec.evaluation_items, *rec.price_items)
    assert all(i.date <= TODAY + timedelta(days=14) for i in planned)
    out = io.StringIO()
    args = ["remind", str(tmp_path), "--today", "2026-11-02", "--days", "14", "--json"]
    assert main([*args, "--outbox", str(tmp_path / "utkorg")], out) == 0
    summary = json.loads(out.getvalue())
    assert summary["reminders"] == len(owners - {""}) > 0
    assert [m["status"] for m in summary["mail"]] == ["sent"] * summary["reminders"]
    assert len(list((tmp_path / "utkorg").glob("paminnelse-*.eml"))) == summary["reminders"]
    assert book.read_bytes() == before  # reminders only read the book
    again = io.StringIO()
    assert main([*args, "--outbox", str(tmp_path / "utkorg")], again) == 0
    assert {m["status"] for m in json.loads(again.getvalue())["mail"]} == {"already-sent"}


# --- each item's timing and next step, the book's link, replies and drafts ------------------


def test_each_item_says_when_it_is_due_from_the_reminders_date_and_what_to_do_next(
    records: list[BookRecord],
) -> None:
    sender = address("avtalsbok@kommun.se")
    found = digests(records)
    anna, bo = (m.message for m in reminder_messages(found, TODAY, 60, sender))
    anna_body = anna.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert (
        "2026-11-07  V-2 Avtal V-2 (Leverantör AB): Statistikuppföljning + uppföljningsmöte, "
        "om 5 dagar – Begär statistik och boka uppföljningsmöte"
    ) in anna_body
    assert (
        "2026-10-23  V-1 Avtal V-1 (Leverantör AB): Statistikuppföljning + uppföljningsmöte, "
        "försenad 10 dagar – Begär statistik och boka uppföljningsmöte"
    ) in anna_body
    assert "Inom 30 dagar" not in anna_body  # the plan's wording, not the 60-day window's
    bo_body = bo.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert (
        "2026-12-12  V-3 Avtal V-3 (Leverantör AB): sista dag att besluta om förlängning, "
        "om 40 dagar – Fatta beslut om förlängning"
    ) in bo_body
    assert "uppföljningar inom 60 dagar" in bo_body


def test_a_deviation_without_a_proposed_step_asks_for_the_action_plan() -> None:
    plain = replace(late("AVV-2", "V-1", ANNA), proposed_step="")
    sender = address("avtalsbok@kommun.se")
    found = digests([record("Vård", late_deviations=(plain,))])
    (message,) = reminder_messages(found, TODAY, 14, sender)
    body = message.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "(försenad 20 dagar) – Begär åtgärdsplan" in body


UNC = "\\\\fil01\\Upphandling\\Vård och omsorg\\Avtal 2026 – åäö.xlsx"


def test_the_book_is_named_by_its_full_path_and_linked() -> None:
    rec = replace(record("Vård", follow_ups=(due("V-2", 5, ANNA, "Anna Berg"),)), location=UNC)
    (message,) = reminder_messages(digests([rec]), TODAY, 14, address("avtalsbok@kommun.se"))
    uri = "file://fil01/Upphandling/V%C3%A5rd%20och%20omsorg/Avtal%202026%20%E2%80%93%20%C3%A5%C3%A4%C3%B6.xlsx"
    text = message.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"  Avtalsboken: {UNC}\n  <{uri}>\n" in text
    html = message.message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'<a href="{uri}">{UNC}</a>' in html


def test_replies_go_to_the_books_svarsadress_else_to_the_configured_one(
    records: list[BookRecord],
) -> None:
    sender = address("avtalsbok@kommun.se")
    vard = replace(records[0], reply_to=("upphandling@kommun.se",))
    skola = replace(records[1], reply_to=("Upphandling@kommun.se", "skola@kommun.se"))
    anna, bo = reminder_messages(digests([vard, skola]), TODAY, 14, sender, reply_to=["it@k.se"])
    # Skola's book comes first; Vård's address is the same one, in other letters.
    assert anna.message["Reply-To"] == "Upphandling@kommun.se, skola@kommun.se"
    assert bo.message["Reply-To"] == "upphandling@kommun.se"
    (plain,) = reminder_messages(digests([records[1]]), TODAY, 14, sender, reply_to=["it@k.se"])
    assert plain.message["Reply-To"] == "it@k.se"
    (none,) = reminder_messages(digests([records[1]]), TODAY, 14, sender)
    assert none.message["Reply-To"] is None


def test_outbox_reminders_are_drafts_and_smtp_ones_are_not(
    records: list[BookRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVTALSBOK_MAIL_REPLY_TO", "upphandling@kommun.se")
    settings = MailSettings.from_env(dict(os.environ), outbox=tmp_path / "utkorg")
    send_reminders(records, TODAY, 14, settings, now=NOW)
    emls = sorted((tmp_path / "utkorg").glob("*.eml"))
    assert len(emls) == 2
    for eml in emls:
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message["X-Unsent"] == "1"
        assert message["Reply-To"] == "upphandling@kommun.se"
    sender = address("avtalsbok@kommun.se")
    (sent, _) = reminder_messages(digests(records), TODAY, 14, sender)
    assert "X-Unsent" not in sent.message


def test_a_bad_configured_reply_to_is_a_mail_setting_error() -> None:
    with pytest.raises(MailError, match="AVTALSBOK_MAIL_REPLY_TO"):
        MailSettings.from_env({"AVTALSBOK_MAIL_REPLY_TO": "upphandling@"})


def test_a_book_locked_to_its_own_idag_counts_its_items_from_it_and_says_so(
    records: list[BookRecord],
) -> None:
    locked = replace(records[1], today=date(2026, 10, 31))
    found = digests([records[0], locked])
    anna = reminder_messages(found, TODAY, 60, address("avtalsbok@kommun.se"))[0].message
    body = anna.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    skola = body[body.index("Skola") :]
    assert "Räknat per 2026-10-31 (avtalsbokens Idag)" in skola
    assert (
        "S-1 Avtal S-1 (Leverantör AB): Statistikuppföljning + uppföljningsmöte, om 5 dagar"
        in skola
    )
    assert "Räknat per" not in body[: body.index("Skola")]
