"""E-mail: safe headers, the report message, SMTP with and without TLS, the outbox, the ledger."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from avtalsbok.cli import main
from avtalsbok.mail.deliver import Status
from avtalsbok.mail.ledger import LEDGER_NAME
from avtalsbok.mail.message import AttachmentTooLarge, build
from avtalsbok.mail.sanitize import AddressError, address, addresses, file_name, header_text
from avtalsbok.mail.send import send_report
from avtalsbok.mail.transport import (
    MailError,
    MailSettings,
    OutboxTransport,
    Security,
    SmtpTransport,
)
from avtalsbok.report.records import BookRecord, BookStatus, DueItem
from avtalsbok.report.totals import Totals
from avtalsbok.report.workbook import read_key_figures, write_report

TODAY = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 11, 2, 6, 0)
PASSWORD = "hemligt-lösen-4711"


# ---------------------------------------------------------------------------------------------
# A real SMTP server on 127.0.0.1


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Sink:
    """aiosmtpd handler that keeps every message it receives."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


@dataclass
class Server:
    host: str
    port: int
    sink: Sink
    client_context: ssl.SSLContext | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"avtalsbok"
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("cert")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def _client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def _serve(client: ssl.SSLContext | None = None, **options: Any) -> Iterator[Server]:
    """An aiosmtpd server on a free loopback port for one test, stopped afterwards."""
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield Server("127.0.0.1", port, sink, client)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A plain SMTP server (no TLS, no login)."""
    yield from _serve()


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """STARTTLS required, login required (only after TLS)."""
    yield from _serve(
        _client_context(certificate),
        tls_context=_server_context(certificate),
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticator,
    )


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """Implicit TLS from the first byte (port 465 style)."""
    yield from _serve(
        _client_context(certificate),
        ssl_context=_server_context(certificate),
        server_hostname="localhost",
    )


# ---------------------------------------------------------------------------------------------
# Records and a report to send


def _record(unit: str, overdue: int, contracts: int = 40, status: str = "ok") -> BookRecord:
    items = tuple(
        DueItem(
            TODAY - dt.timedelta(days=10 + i),
            f"A-{i:03d}",
            f"Avtal {i}",
            "Leverantör AB",
            2,
            "Statistikuppföljning + uppföljningsmöte",
            "Anna Berg",
            "anna.berg@kommun.se",
            "Försenad",
            10 + i,
            "Aktivt",
        )
        for i in range(overdue)
    )
    return BookRecord(
        path=f"/enheter/{unit}/avtal.xlsx",
        unit=unit,
        status=BookStatus(status),
        written=True,
        today=TODAY,
        contracts=contracts,
        active=contracts,
        tiers=(4, 12, contracts - 16),
        follow_ups=items,
    )


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "rapport.xlsx"
    write_report(path, [_record("Skola", 3), _record("Vård", 4, contracts=60)], TODAY)
    return path


def _outbox_settings(tmp_path: Path, **kw: Any) -> MailSettings:
    return MailSettings(sender="avtalsbok@kommun.se", outbox=tmp_path / "utkorg", **kw)


# ---------------------------------------------------------------------------------------------
# Sanitising


def test_header_text_turns_line_breaks_and_controls_into_spaces() -> None:
    assert header_text("Rapport\r\nBcc: x@evil.se") == "Rapport Bcc: x@evil.se"
    assert header_text("a\u2028b\x00c\u0085d\u202ee") == "a b c d e"
    assert header_text("x" * 300, 10) == "xxxxxxxxx…"


@pytest.mark.parametrize(
    "bad",
    [
        "anna@kommun.se\r\nBcc: x@evil.se",
        "anna@kommun.se\nx",
        "Anna <anna@kommun.se>",
        "anna berg@kommun.se",
        "anna@kommun",
        "anna@@kommun.se",
        "anna@kommun..se",
        "anna@-kommun.se",
        "åsa@kommun.se",
        "anna@kommun.se,",
        "",
    ],
)
def test_bad_addresses_are_refused(bad: str) -> None:
    with pytest.raises(AddressError):
        address(bad)


def test_good_addresses_pass_and_a_swedish_domain_is_encoded() -> None:
    assert address("anna.berg+avtal@kommun.se").addr_spec == "anna.berg+avtal@kommun.se"
    assert address("info@håbo.se").domain == "xn--hbo-ula.se"
    named = address("anna@kommun.se", "Anna\r\nBcc: x@evil.se")
    assert named.display_name == "Anna Bcc: x@evil.se"
    found = addresses(["a@kommun.se; B@kommun.se", "b@kommun.se", "c@kommun.se"])
    assert [a.addr_spec for a in found] == ["a@kommun.se", "B@kommun.se", "c@kommun.se"]


def test_attachment_file_names_lose_path_separators_and_quotes() -> None:
    assert file_name('..\\a/"b\r\n.xlsx') == ".._a__b .xlsx"


def test_no_header_can_be_injected_through_subject_or_name(tmp_path: Path) -> None:
    sender = address("avtalsbok@kommun.se", "Avtalsbok\r\nX-Injected: 1")
    out = build(
        kind="rapport",
        day=TODAY,
        sender=sender,
        recipient=address("anna@kommun.se", "Anna\nBcc: evil@evil.se"),
        subject="Rapport\r\nBcc: evil@evil.se\r\n\r\nbody",
        text="Hej",
        html="<p>Hej</p>",
    )
    raw = out.message.as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert parsed["Subject"] == "Rapport Bcc: evil@evil.se body"
    assert [a.addr_spec for a in parsed["To"].addresses] == ["anna@kommun.se"]


def test_an_attachment_over_the_limit_is_refused_before_sending(report: Path) -> None:
    with pytest.raises(AttachmentTooLarge, match=r"mer än gränsen 0,0 MB"):
        build(
            kind="rapport",
            day=TODAY,
            sender=address("a@kommun.se"),
            recipient=address("b@kommun.se"),
            subject="s",
            text="t",
            html="h",
            attachment=report,
            max_attachment_bytes=10,
        )


# ---------------------------------------------------------------------------------------------
# Settings


def test_settings_come_from_options_over_environment_and_the_password_only_from_it() -> None:
    env = {
        "AVTALSBOK_SMTP_HOST": "smtp.kommun.se",
        "AVTALSBOK_SMTP_PORT": "2525",
        "AVTALSBOK_SMTP_USER": "avtalsbok",
        "AVTALSBOK_SMTP_PASSWORD": PASSWORD,
        "AVTALSBOK_SMTP_SECURITY": "tls",
        "AVTALSBOK_MAIL_FROM": "avtalsbok@kommun.se",
        "AVTALSBOK_OUTBOX": "/srv/utkorg",
        "AVTALSBOK_MAIL_MAX_MB": "2,5",
    }
    s = MailSettings.from_env(env, host="relay.kommun.se")
    assert (s.host, s.port, s.user, s.security.value) == (
        "relay.kommun.se",
        2525,
        "avtalsbok",
        "tls",
    )
    assert (s.sender, s.outbox, s.max_attachment_bytes) == (
        "avtalsbok@kommun.se",
        Path("/srv/utkorg"),
        int(2.5 * 1024 * 1024),
    )
    assert s.password == PASSWORD and PASSWORD not in repr(s)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AVTALSBOK_SMTP_SECURITY": "ssl3"}, "okänt säkerhetsläge"),
        ({"AVTALSBOK_SMTP_PORT": "tjugofem"}, "portnummer"),
        ({"AVTALSBOK_MAIL_FROM": "avtalsbok"}, "avsändaradressen"),
        ({"AVTALSBOK_MAIL_MAX_MB": "0"}, "större än 0"),
        (
            {
                "AVTALSBOK_SMTP_HOST": "h",
                "AVTALSBOK_SMTP_USER": "u",
                "AVTALSBOK_SMTP_SECURITY": "none",
            },
            "utan kryptering",
        ),
    ],
)
def test_unusable_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(MailError, match=message):
        MailSettings.from_env(env)


def test_without_a_server_messages_go_to_an_outbox_in_the_home_folder() -> None:
    s = MailSettings.from_env({})
    assert not s.uses_smtp
    assert s.outbox == Path.home() / "avtalsbok" / "utkorg"


# ---------------------------------------------------------------------------------------------
# Sending the report


def _attachment_workbook(msg: EmailMessage) -> openpyxl.Workbook:
    parts = list(msg.iter_attachments())
    assert [p.get_filename() for p in parts] == ["rapport.xlsx"]
    assert parts[0].get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(parts[0].get_content()))


def test_the_report_goes_over_plain_smtp_with_figures_in_text_html_and_attachment(
    tmp_path: Path, report: Path, smtp_server: Server
) -> None:
    settings = _outbox_settings(
        tmp_path, host=smtp_server.host, port=smtp_server.port, security=Security.NONE
    )
    day, figures = read_key_figures(report)
    sent = send_report(
        report, day, figures, ["chef@kommun.se", "controller@kommun.se"], settings, now=NOW
    )
    assert [(d.recipient, d.status) for d in sent] == [
        ("chef@kommun.se", Status.SENT),
        ("controller@kommun.se", Status.SENT),
    ]
    got = smtp_server.sink.received
    assert [r.recipients for r in got] == [["chef@kommun.se"], ["controller@kommun.se"]]
    msg = got[0].message
    assert msg["Subject"] == (
        "Avtalsuppföljning 2026-11-02: 2 avtalsböcker, 7 försenade uppföljningar, "
        "0 avvikelser efter tidsgränsen"
    )
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    assert "Försenade uppföljningar" in text.get_content()
    assert "Avtal                                       100" in text.get_content()
    assert '<td>Avtal</td><td style="text-align:right">100</td>' in html.get_content()
    book = _attachment_workbook(msg)
    assert book.sheetnames[0] == "Översikt"
    assert len(list(book["Försenade uppföljningar"].iter_rows(min_row=2))) == 7


def test_starttls_with_login_verifies_the_certificate_and_never_shows_the_password(
    tmp_path: Path,
    report: Path,
    starttls_server: Server,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {
        "AVTALSBOK_SMTP_HOST": starttls_server.host,
        "AVTALSBOK_SMTP_PORT": str(starttls_server.port),
        "AVTALSBOK_SMTP_USER": "avtalsbok",
        "AVTALSBOK_SMTP_PASSWORD": PASSWORD,
        "AVTALSBOK_MAIL_FROM": "avtalsbok@kommun.se",
        "AVTALSBOK_OUTBOX": str(tmp_path / "utkorg"),
    }
    settings = MailSettings.from_env(env)
    day, figures = read_key_figures(report)
    sent = send_report(
        report,
        day,
        figures,
        ["chef@kommun.se"],
        settings,
        now=NOW,
        context=starttls_server.client_context,
    )
    assert [d.status for d in sent] == [Status.SENT]
    assert len(starttls_server.sink.received) == 1
    _attachment_workbook(starttls_server.sink.received[0].message)

    # The system's trust store does not know the test certificate: refused, not sent.
    refused = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW, force=True)
    assert refused[0].status is Status.FAILED
    assert "servercertifikatet kunde inte verifieras" in refused[0].error
    # A wrong password is reported without the password.
    wrong = MailSettings.from_env({**env, "AVTALSBOK_SMTP_PASSWORD": "fel"})
    failed = send_report(
        report,
        day,
        figures,
        ["chef@kommun.se"],
        wrong,
        now=NOW,
        force=True,
        context=starttls_server.client_context,
    )
    assert failed[0].status is Status.FAILED and "inloggningen" in failed[0].error
    seen = capsys.readouterr()
    everything = seen.out + seen.err + caplog.text + repr(sent + refused + failed)
    everything += (tmp_path / "utkorg" / LEDGER_NAME).read_text(encoding="utf-8")
    assert PASSWORD not in everything


def test_implicit_tls_sends_with_the_injected_context(
    tmp_path: Path, report: Path, tls_server: Server
) -> None:
    settings = _outbox_settings(
        tmp_path, host=tls_server.host, port=tls_server.port, security=Security.TLS
    )
    with SmtpTransport(settings, tls_server.client_context) as transport:
        msg = build(
            kind="rapport",
            day=TODAY,
            sender=address("avtalsbok@kommun.se"),
            recipient=address("chef@kommun.se"),
            subject="Prov",
            text="Hej",
            html="<p>Hej</p>",
            attachment=report,
        ).message
        assert transport.send(msg) == f"127.0.0.1:{tls_server.port}"
    assert tls_server.sink.received[0].message["Subject"] == "Prov"


def test_a_server_that_does_not_answer_is_a_clear_failure(tmp_path: Path, report: Path) -> None:
    settings = _outbox_settings(
        tmp_path, host="127.0.0.1", port=_free_port(), security=Security.NONE
    )
    day, figures = read_key_figures(report)
    sent = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW)
    assert sent[0].status is Status.FAILED
    assert sent[0].error.startswith("kunde inte ansluta till e-postservern 127.0.0.1:")
    ledger = (tmp_path / "utkorg" / LEDGER_NAME).read_text().splitlines()
    assert [json.loads(line)["state"] for line in ledger] == ["sending", "failed"]


# ---------------------------------------------------------------------------------------------
# Outbox and ledger


def test_without_a_server_the_report_is_written_to_the_outbox_once(
    tmp_path: Path, report: Path
) -> None:
    settings = _outbox_settings(tmp_path)
    day, figures = read_key_figures(report)
    first = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW)
    assert first[0].status is Status.SENT
    emls = sorted((tmp_path / "utkorg").glob("*.eml"))
    assert len(emls) == 1 and emls[0].name.startswith("rapport-chef@kommun.se-")
    parsed = message_from_bytes(emls[0].read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    _attachment_workbook(parsed)

    again = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW)
    assert [d.status for d in again] == [Status.ALREADY_SENT]
    other = send_report(report, day, figures, ["controller@kommun.se"], settings, now=NOW)
    assert [d.status for d in other] == [Status.SENT]
    forced = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW, force=True)
    assert [d.status for d in forced] == [Status.SENT]
    write_report(report, [_record("Skola", 5)], TODAY)  # new content: a new message
    day, figures = read_key_figures(report)
    changed = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW)
    assert [d.status for d in changed] == [Status.SENT]
    ledger = (tmp_path / "utkorg" / LEDGER_NAME).read_text().splitlines()
    assert [json.loads(line)["state"] for line in ledger] == ["sending", "sent"] * 4


def test_a_ledger_line_cut_short_by_a_crash_is_ignored_and_does_not_swallow_the_next(
    tmp_path: Path, report: Path
) -> None:
    settings = _outbox_settings(tmp_path)
    ledger = tmp_path / "utkorg" / LEDGER_NAME
    ledger.parent.mkdir()
    ledger.write_text('{"kind": "rapport", "date": "2026-', encoding="utf-8")
    day, figures = read_key_figures(report)
    assert send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW)[0].status is (
        Status.SENT
    )
    again = send_report(report, day, figures, ["chef@kommun.se"], settings, now=NOW)
    assert again[0].status is Status.ALREADY_SENT
    # The cut line is gone: the lines written after it are whole.
    assert [json.loads(line)["state"] for line in ledger.read_text().splitlines()] == [
        "sending",
        "sent",
    ]


def test_an_outbox_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    msg = EmailMessage()
    msg["To"] = "a@kommun.se"
    with pytest.raises(MailError, match="kunde inte skriva till utkorgen"):
        OutboxTransport(blocker / "utkorg").send(msg)


# ---------------------------------------------------------------------------------------------
# The command


def test_mail_command_sends_a_report_and_says_so(
    tmp_path: Path, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVTALSBOK_OUTBOX", str(tmp_path / "utkorg"))
    monkeypatch.delenv("AVTALSBOK_SMTP_HOST", raising=False)
    out = io.StringIO()
    assert main(["mail", str(report), "--to", "chef@kommun.se"], out) == 0
    # No SMTP server: the message is a file in the outbox, and the command says so.
    assert "E-post till chef@kommun.se: sparat i utkorgen" in out.getvalue()
    out = io.StringIO()
    assert main(["mail", str(report), "--to", "chef@kommun.se"], out) == 0
    assert "redan skickat" in out.getvalue()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "chef@kommun.se\r\nBcc: x@evil.se"], "ingen giltig e-postadress"),
        (["--to", "chef@kommun.se", "--max-attachment-mb", "0.001"], "mer än gränsen"),
    ],
)
def test_mail_command_refuses_bad_input_with_exit_2(
    tmp_path: Path,
    report: Path,
    extra: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["mail", str(report), "--outbox", str(tmp_path / "utkorg"), *extra]
    assert main(args, io.StringIO()) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "utkorg").exists()


def test_mail_command_refuses_a_report_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["mail", str(tmp_path / "saknas.xlsx"), "--to", "chef@kommun.se"]
    assert main([*args, "--outbox", str(tmp_path / "u")], io.StringIO()) == 2
    assert "saknas.xlsx finns inte" in capsys.readouterr().err


def test_mail_command_refuses_a_file_that_is_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "annat.xlsx"
    wb = openpyxl.Workbook()
    wb.save(other)
    args = ["mail", str(other), "--to", "chef@kommun.se", "--outbox", str(tmp_path / "u")]
    assert main(args, io.StringIO()) == 2
    assert "ingen rapport från avtalsbok" in capsys.readouterr().err


def test_key_figures_read_back_from_the_report_are_the_totals(report: Path) -> None:
    records = [_record("Skola", 3), _record("Vård", 4, contracts=60)]
    assert read_key_figures(report) == (TODAY, Totals.of(records, TODAY).key_figures())


def test_subject_says_one_book_in_the_singular() -> None:
    from avtalsbok.mail.report_message import subject
    from avtalsbok.report.totals import BOOKS

    assert subject(dt.date(2026, 11, 2), [(BOOKS, 1)]).startswith(
        "Avtalsuppföljning 2026-11-02: 1 avtalsbok, "
    )
