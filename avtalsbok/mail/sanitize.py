"""Header values that cannot smuggle in another header: clean text and strictly valid addresses.

Names, subjects and file names come from officers' workbooks and from the command line, so
everything that ends up in a header passes through here first, whatever the Python version's
own protection against line breaks in headers.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address

#: Longest subject or display name we put in a header.
MAX_HEADER_TEXT = 200

_LOCAL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_LOCAL_ATOM}(?:\.{_LOCAL_ATOM})*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_SPACES = re.compile(r"\s+")


class AddressError(ValueError):
    """An e-mail address that cannot be used; `str()` is the Swedish explanation."""


def header_text(text: str, limit: int = MAX_HEADER_TEXT) -> str:
    """`text` as one safe header line: control and line-break characters become spaces."""
    cleaned = "".join(" " if _is_control(ch) else ch for ch in text)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def file_name(text: str) -> str:
    """A file name fit for an attachment header: safe text without path separators or quotes."""
    cleaned = header_text(text, 120)
    for ch in '/\\"':
        cleaned = cleaned.replace(ch, "_")
    return cleaned or "bilaga"


def address(email: str, name: str = "") -> Address:
    """A strictly valid `local@domain.tld` with a cleaned display name, or AddressError.

    The local part must be plain ASCII (no SMTPUTF8); a domain with å, ä or ö is converted
    to its ASCII (IDNA) form.
    """
    text = email.strip()
    if not text or any(_is_control(ch) or ch.isspace() for ch in text):
        raise AddressError(f"{_shown(email)} är ingen giltig e-postadress")
    local, at, domain = text.rpartition("@")
    if not at or not _LOCAL.fullmatch(local) or len(local) > 64:
        raise AddressError(f"{_shown(email)} är ingen giltig e-postadress")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise AddressError(f"{_shown(email)} har ett ogiltigt domännamn") from None
    labels = ascii_domain.split(".")
    if (
        len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
        or len(local) + 1 + len(ascii_domain) > 254
    ):
        raise AddressError(f"{_shown(email)} har ett ogiltigt domännamn")
    return Address(display_name=header_text(name), username=local, domain=ascii_domain)


def addresses(texts: list[str]) -> list[Address]:
    """Every address in `texts` (each may hold several, separated by `,` or `;`), in order,
    each once (case-insensitively); AddressError names the first bad one."""
    seen: set[str] = set()
    out: list[Address] = []
    for text in texts:
        for part in re.split(r"[,;]", text):
            if part.strip():
                found = address(part)
                if found.addr_spec.lower() not in seen:
                    seen.add(found.addr_spec.lower())
                    out.append(found)
    return out


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls incl. CR, LF, TAB; Zl/Zp: Unicode line and paragraph separators;
    # Cf: invisible format characters (e.g. BOM, bidi overrides) that disguise a value.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cf")


def _shown(text: str) -> str:
    return repr(header_text(text, 80))
