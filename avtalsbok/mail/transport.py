"""Getting a message out: SMTP with TLS and certificate verification, or an outbox folder.

Where and how to send comes from command-line options or the environment; the password only
ever from the environment (`AVTALSBOK_SMTP_PASSWORD`) and it is never shown, logged or put in
an error message. With no SMTP server configured, messages are written as `.eml` files to an
outbox folder, which works on any machine and can be opened in any mail program.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Protocol

from .sanitize import AddressError, address

ENV_HOST = "AVTALSBOK_SMTP_HOST"
ENV_PORT = "AVTALSBOK_SMTP_PORT"
ENV_USER = "AVTALSBOK_SMTP_USER"
ENV_PASSWORD = "AVTALSBOK_SMTP_PASSWORD"
ENV_SECURITY = "AVTALSBOK_SMTP_SECURITY"
ENV_FROM = "AVTALSBOK_MAIL_FROM"
ENV_OUTBOX = "AVTALSBOK_OUTBOX"
ENV_MAX_MB = "AVTALSBOK_MAIL_MAX_MB"
ENV_CAFILE = "AVTALSBOK_SMTP_CAFILE"
ENV_REPLY_TO = "AVTALSBOK_MAIL_REPLY_TO"

#: Sender when none is configured (an outbox message still needs a valid From).
DEFAULT_SENDER = "avtalsbok@localhost.invalid"
#: Largest attachment sent by default: most mail servers refuse more than 10–25 MB.
DEFAULT_MAX_MB = 10.0
DEFAULT_TIMEOUT = 60.0
#: Header naming what a message is (`rapport`, `paminnelse`), for mail rules and outbox names.
KIND_HEADER = "X-Avtalsbok"


class Security(StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"

    @property
    def default_port(self) -> int:
        return {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}[self]


class MailError(Exception):
    """Sending failed or the mail settings cannot be used; `str()` is the Swedish message."""


def default_outbox() -> Path:
    """The outbox used when none is set: `avtalsbok/utkorg` in the user's home folder (in the
    current folder for an account without one)."""
    try:
        home = Path.home()
    except RuntimeError:
        home = Path.cwd()
    return home / "avtalsbok" / "utkorg"


@dataclass(frozen=True)
class MailSettings:
    """Where and how mail goes. Built by `from_env`; `password` is left out of `repr`."""

    sender: str = DEFAULT_SENDER
    outbox: Path = field(default_factory=default_outbox)
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    security: Security = Security.STARTTLS
    max_attachment_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024)
    timeout: float = DEFAULT_TIMEOUT
    #: extra CA certificates to trust (an organisation's own CA), besides the system's
    cafile: Path | None = None
    #: where replies go when a book names no `Svarsadress`
    reply_to: tuple[str, ...] = ()

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        host: str | None = None,
        port: int | None = None,
        user: str | None = None,
        security: str | None = None,
        sender: str | None = None,
        outbox: Path | None = None,
        max_mb: float | None = None,
        cafile: Path | None = None,
    ) -> MailSettings:
        """Options given on the command line win over the environment; the password is only
        read from the environment. Raises MailError for a value that cannot be used."""
        security_text = (security or env.get(ENV_SECURITY) or Security.STARTTLS.value).lower()
        try:
            sec = Security(security_text)
        except ValueError:
            raise MailError(
                f"okänt säkerhetsläge {security_text!r} (välj starttls, tls eller none)"
            ) from None
        port_text = env.get(ENV_PORT, "").strip()
        if port is None and port_text:
            if not port_text.isdigit():
                raise MailError(f"{ENV_PORT} ska vara ett portnummer, inte {port_text!r}")
            port = int(port_text)
        if port is not None and not 0 < port < 65536:
            raise MailError(f"portnumret {port} är ogiltigt")
        mb_text = env.get(ENV_MAX_MB, "").strip()
        if max_mb is None and mb_text:
            try:
                max_mb = float(mb_text.replace(",", "."))
            except ValueError:
                raise MailError(f"{ENV_MAX_MB} ska vara ett tal, inte {mb_text!r}") from None
        if max_mb is not None and max_mb <= 0:
            raise MailError("största bilagestorlek måste vara större än 0 MB")
        from_text = sender or env.get(ENV_FROM) or DEFAULT_SENDER
        try:
            address(from_text)
        except AddressError as exc:
            raise MailError(f"avsändaradressen: {exc}") from None
        reply_to = tuple(p.strip() for p in re.split(r"[,;]", env.get(ENV_REPLY_TO, "")))
        for email in filter(None, reply_to):
            try:
                address(email)
            except AddressError as exc:
                raise MailError(f"svarsadressen ({ENV_REPLY_TO}): {exc}") from None
        outbox_text = env.get(ENV_OUTBOX)
        cafile_text = env.get(ENV_CAFILE)
        cafile = cafile or (Path(cafile_text) if cafile_text else None)
        if cafile is not None and not cafile.is_file():
            raise MailError(f"certifikatfilen {cafile} finns inte")
        settings = cls(
            sender=from_text,
            outbox=outbox or (Path(outbox_text) if outbox_text else default_outbox()),
            host=host or env.get(ENV_HOST) or None,
            port=port,
            user=user or env.get(ENV_USER) or None,
            password=env.get(ENV_PASSWORD) or None,
            security=sec,
            max_attachment_bytes=int((max_mb or DEFAULT_MAX_MB) * 1024 * 1024),
            cafile=cafile,
            reply_to=tuple(filter(None, reply_to)),
        )
        if settings.host and settings.security is Security.NONE and settings.user:
            raise MailError(
                "inloggning utan kryptering är avstängd: välj säkerhetsläget starttls eller tls"
            )
        return settings

    @property
    def uses_smtp(self) -> bool:
        return bool(self.host)


class Transport(Protocol):
    """Sends messages; used as a context manager so one connection serves a whole run."""

    def __enter__(self) -> Transport: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def send(self, message: EmailMessage) -> str:
        """Send one message; returns where it went (server or file). Raises MailError."""
        ...


class OutboxTransport:
    """Writes each message as an `.eml` file in a folder (created when missing)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> OutboxTransport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def send(self, message: EmailMessage) -> str:
        data = message.as_bytes()
        name = _eml_name(message, data)
        target = self.folder / name
        tmp = self.folder / f".{name}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            with suppress(OSError):
                tmp.unlink()
            raise MailError(
                f"kunde inte skriva till utkorgen {self.folder}: {exc.strerror}"
            ) from None
        return str(target)


class SmtpTransport:
    """Sends over SMTP: STARTTLS or implicit TLS with certificate verification, or plain.

    `context` is the TLS context: by default the system's trusted certificates plus the
    settings' `cafile`, with the server's name checked against its certificate.
    """

    def __init__(self, settings: MailSettings, context: ssl.SSLContext | None = None) -> None:
        if not settings.host:
            raise MailError("ingen e-postserver är angiven")
        self.settings = settings
        self.host: str = settings.host
        self.port = settings.port or settings.security.default_port
        if context is None:
            context = ssl.create_default_context()
            if settings.cafile is not None:
                try:
                    context.load_verify_locations(cafile=str(settings.cafile))
                except (OSError, ssl.SSLError) as exc:
                    raise MailError(
                        f"certifikatfilen {settings.cafile} kan inte läsas: {exc}"
                    ) from None
        self.context = context
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._smtp is not None:
            with suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def send(self, message: EmailMessage) -> str:
        where = f"{self.host}:{self.port}"
        try:
            smtp = self._smtp or self._connect()
            smtp.send_message(message)
        except MailError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(sorted(exc.recipients))
            raise MailError(f"e-postservern {where} tog inte emot mottagaren {refused}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise MailError(f"e-post kunde inte skickas via {where}: {_reason(exc)}") from None
        return where

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{self.host}:{self.port}"
        smtp: smtplib.SMTP
        try:
            if s.security is Security.TLS:
                smtp = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=s.timeout, context=self.context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.security is Security.STARTTLS:
                    if not smtp.has_extn("starttls"):
                        raise MailError(f"e-postservern {where} erbjuder inte STARTTLS")
                    smtp.starttls(context=self.context)
                    smtp.ehlo()
                if s.user:
                    _login(smtp, s.user, s.password or "")
            except BaseException:
                with suppress(smtplib.SMTPException, OSError):
                    smtp.close()
                raise
        except smtplib.SMTPAuthenticationError:
            raise MailError(
                f"inloggningen på e-postservern {where} misslyckades för användaren {s.user} "
                f"(kontrollera användarnamnet och {ENV_PASSWORD})"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(
                f"kunde inte ansluta till e-postservern {where}: {_reason(exc)}"
            ) from None
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            with suppress(smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; credentials with å, ä, ö go as UTF-8 over AUTH PLAIN (RFC 4616), which
    smtplib's own login cannot send."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise MailError(
            "e-postservern erbjuder inte inloggning med AUTH PLAIN, som behövs för ett "
            "användarnamn eller lösenord med å, ä eller ö"
        )
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, response = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def transport_for(settings: MailSettings, context: ssl.SSLContext | None = None) -> Transport:
    """SMTP when a server is configured, otherwise the outbox folder."""
    if settings.uses_smtp:
        return SmtpTransport(settings, context)
    return OutboxTransport(settings.outbox)


def _eml_name(message: EmailMessage, data: bytes) -> str:
    kind = str(message.get(KIND_HEADER, "") or "meddelande")
    to = message["To"]
    recipient = to.addresses[0].addr_spec if to is not None and to.addresses else "okand"
    safe = "".join(ch if ch.isalnum() or ch in "@.-" else "_" for ch in f"{kind}-{recipient}")
    return f"{safe[:100]}-{hashlib.sha256(data).hexdigest()[:12]}.eml"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"servercertifikatet kunde inte verifieras ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS-fel ({exc.reason or exc})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"servern svarade {exc.smtp_code} {text}"
    if isinstance(exc, TimeoutError):
        return "servern svarade inte i tid"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
