"""Issue #11 item 12: no double sends, ever.

Two `remind` processes at once against a real SMTP server send each reminder once; a ledger
that cannot be read stops the send; a send that cannot be noted ends non-zero; a message a
killed run may have sent is sent again and said to be.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from test_mail import Sink, _free_port

from avtalsbok.cli import main
from avtalsbok.demo import generate
from avtalsbok.mail.deliver import INTERRUPTED_BEFORE
from avtalsbok.mail.ledger import LEDGER_NAME, LOCK_NAME, Ledger, LedgerError
from avtalsbok.workbook.template import build_workbook

TODAY = "2026-11-02"


class SlowSink(Sink):
    """A server that takes its time over each message, as a busy mail relay does."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_server() -> Iterator[tuple[int, SlowSink]]:
    sink = SlowSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, sink
    finally:
        controller.stop()


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "böcker"
    (folder / "Skola").mkdir(parents=True)
    build_workbook(folder / "Skola" / "avtal.xlsx", generate(30, seed=4, mistakes=False))
    return folder


def remind_args(books: Path, outbox: Path) -> list[str]:
    return ["remind", str(books), "--today", TODAY, "--workers", "1", "--outbox", str(outbox)]


def remind(books: Path, outbox: Path) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main([*remind_args(books, outbox), "--json"], out)
    return code, json.loads(out.getvalue()) if out.getvalue() else {}


def test_two_remind_runs_at_once_send_each_reminder_once(
    tmp_path: Path, books: Path, slow_server: tuple[int, SlowSink]
) -> None:
    port, sink = slow_server
    smtp = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none"]
    command = [sys.executable, "-m", "avtalsbok.cli", *remind_args(books, tmp_path / "utkorg")]
    command += [*smtp, "--mail-from", "avtalsbok@kommun.se", "--json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    results = [json.loads(run.communicate(timeout=120)[0]) for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    owners = results[0]["reminders"]
    assert owners > 1
    statuses = sorted(m["status"] for r in results for m in r["mail"])
    assert statuses == ["already-sent"] * owners + ["sent"] * owners
    recipients = [r.recipients[0] for r in sink.received]
    assert len(recipients) == len(set(recipients)) == owners


def test_a_second_run_stops_with_a_message_when_the_first_keeps_the_lock(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "utkorg"
    outbox.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                from avtalsbok.mail.ledger import Ledger
                from pathlib import Path
                with Ledger(Path({str(outbox)!r})).locked():
                    print("LOCKED", flush=True)
                    input()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        busy = "en annan körning skickar e-post just nu"
        with pytest.raises(LedgerError, match=busy), Ledger(outbox).locked(wait=0.5):
            pass
    finally:
        holder.communicate("\n", timeout=30)
    with Ledger(outbox).locked(wait=0.5):  # released when its holder ends
        assert (outbox / LOCK_NAME).exists()


@pytest.mark.parametrize(
    "content",
    [
        b'{"kind": "p\xe5minnelse"}\n',
        b"inte json\n" + b'{"kind": "rapport", "date": "2026-11-02"}\n',
        b'{"kind": "rapport", "date": "2026-11-02", "recipient": 1, "digest": "x"}\n',
    ],
)
def test_a_ledger_that_cannot_be_read_stops_the_send(
    tmp_path: Path, books: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = tmp_path / "utkorg"
    outbox.mkdir()
    (outbox / LEDGER_NAME).write_bytes(content)
    code, _ = remind(books, outbox)
    assert code == 2
    assert "listan över skickad e-post" in capsys.readouterr().err
    assert not list(outbox.glob("*.eml"))


def test_a_ledger_in_a_folder_with_a_line_separator_in_its_name_is_read(
    tmp_path: Path, books: Path
) -> None:
    outbox = tmp_path / "utkorg\u2028B"
    code, first = remind(books, outbox)
    assert code == 0 and {m["status"] for m in first["mail"]} == {"sent"}
    code, again = remind(books, outbox)
    assert code == 0 and {m["status"] for m in again["mail"]} == {"already-sent"}


def test_a_send_that_cannot_be_noted_ends_non_zero_and_says_so(
    tmp_path: Path, books: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Ledger, "record", disk_full)
    out = io.StringIO()
    assert main(remind_args(books, tmp_path / "utkorg"), out) == 1
    assert "skickat, men kunde inte antecknas" in out.getvalue()


def test_a_message_a_killed_run_may_have_sent_goes_again_and_is_said_to(
    tmp_path: Path, books: Path
) -> None:
    outbox = tmp_path / "utkorg"
    assert remind(books, outbox)[0] == 0
    ledger = outbox / LEDGER_NAME
    lines = ledger.read_text(encoding="ascii").splitlines()
    # Killed after the server took the messages, before they were noted as sent.
    ledger.write_text(
        "".join(line + "\n" for line in lines if json.loads(line)["state"] == "sending"),
        encoding="ascii",
    )
    code, again = remind(books, outbox)
    assert code == 0
    assert {(m["status"], m["note"]) for m in again["mail"]} == {("sent", INTERRUPTED_BEFORE)}
    code, third = remind(books, outbox)
    assert {m["status"] for m in third["mail"]} == {"already-sent"}
