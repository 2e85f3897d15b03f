"""Look at a file's bytes before any parser does: what the file is, and what it would expand to.

An avtalsbok lives on a shared drive where anything can end up under an .xlsx name: an old .xls, a
password-protected book, a CSV or web-page export, a half-copied file. And an .xlsx is a zip of XML
parts that a hostile file can make expand far beyond its size on disk. `sniff` answers each of
these with one finding before a parser touches the file, and on the way measures, in the XML text
itself, how much each worksheet the reader asks for will expand to (`sheetscan`), so the reader
can pick a parser that stays within memory.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..core import findings
from ..core.findings import Finding
from ..ooxml import package as ooxml_package
from ..ooxml.errors import OoxmlError
from ..ooxml.packagecheck import CODES, check_package, check_sheets
from ..ooxml.workbookxml import main_part, read_workbook
from . import sheetscan

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_HEAD = 8192
_CHUNK = 1024 * 1024

#: Zip entries a workbook never needs more of (Excel writes a few dozen; pictures add some).
_MAX_ENTRIES = 10_000
#: Spreadsheet XML compresses 5–30 times; an entry that inflates more than this is built to explode.
_MAX_RATIO = 500
#: Entries smaller than this may compress oddly well without doing harm.
_RATIO_MIN_SIZE = 16 * 1024 * 1024

_MB = 1024 * 1024
#: A zip file may be this much larger than its unpacked content (headers, incompressible pictures).
_ZIP_SLACK = 16 * _MB
#: What zipfile raises for a part it cannot unpack: bad checksum or header, truncated data,
#: unknown compression, or zip-level encryption.
_UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)

# Document type declarations are where XML entity bombs live; Excel never writes one.
_DTD = re.compile(rb"<!(?i:doctype|entity)")


@dataclass(frozen=True)
class Package:
    """A workbook package that passed the checks: its bytes, worksheets, shared strings and date
    system.

    `data` is the whole file as it was read once, so every parser sees the same bytes however the
    file changes on disk meanwhile. `sheets` maps the sheet name as it stands in the book to its
    worksheet part in the zip, in workbook order (chart sheets and sheets whose part is missing are
    left out).
    """

    data: bytes = field(repr=False)
    sheets: dict[str, str]
    shared_strings: str | None
    date1904: bool
    #: The workbook's `date1904` attribute as written (None: absent).
    date1904_written: str | None = None
    #: The worksheet parts measured on the way (see `sheetscan.ScanRequest`).
    scans: dict[str, sheetscan.SheetScan] = field(default_factory=dict)
    #: The sheets left out of `sheets`: name → kind (`chartsheet`, …; "" when the sheet's part
    #: is missing).
    other_sheets: dict[str, str] = field(default_factory=dict)


class _Refused(Exception):
    """Raised inside this module to stop at the first problem; carries the finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def sniff(
    path: str, *, max_uncompressed: int, scan: sheetscan.ScanRequest | None = None
) -> Package | Finding:
    """The workbook package at `path`, or the one finding that says why it cannot be read.

    Nothing is decompressed beyond `max_uncompressed` bytes, every XML part is checked for
    document type declarations, and every XML part's checksum is verified on the way. The
    worksheets `scan` chooses are measured as they are checked, each unpacked once.
    """
    if os.path.isdir(path):
        return findings.make("file-unreadable", reason="det är en mapp, inte en fil")
    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD)
            if not head:
                return findings.make("file-empty")
            if head.startswith(_OLE2_MAGIC):
                return _sniff_ole2(file, head)
            if head.startswith(_ZIP_MAGICS):
                size = os.fstat(file.fileno()).st_size
                if size > max_uncompressed + _ZIP_SLACK:
                    reason = f"filen är {size // _MB} MB, gränsen är {max_uncompressed // _MB} MB"
                    return findings.make("file-too-large", reason=reason)
                return _sniff_zip(head + file.read(), max_uncompressed, scan)
    except FileNotFoundError:
        return findings.make("file-not-found", path=path)
    except PermissionError:
        return findings.make("file-unreadable", reason="behörighet att läsa filen saknas")
    except OSError as exc:
        return findings.make("file-unreadable", reason=exc.strerror or str(exc))
    except _Refused as refused:
        return refused.finding
    return _sniff_text(head)


def _sniff_ole2(file: BinaryIO, head: bytes) -> Finding:
    """An OLE2 compound file: an encrypted .xlsx, or an Excel 97–2003 .xls, or another document."""
    names = {
        "encrypted": "EncryptedPackage".encode("utf-16-le"),
        "workbook": "Workbook".encode("utf-16-le"),
        "book": "Book\0".encode("utf-16-le"),
    }
    found: set[str] = set()
    data = head
    while data:
        found.update(key for key, name in names.items() if name in data)
        more = file.read(_CHUNK)
        data = data[-64:] + more if more else b""
    if "encrypted" in found:
        return findings.make("file-encrypted")
    if found:
        return findings.make("file-legacy-xls")
    return findings.make("file-not-workbook", reason="ett annat Office-dokument än ett kalkylark")


def _sniff_text(head: bytes) -> Finding:
    """A file that is neither OLE2 nor zip: a web page, a CSV file, or something else."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    elif b"\0" in head:
        return findings.make("file-not-workbook", reason="okänt filformat")
    else:
        try:
            # Not final: the head may end in the middle of a character.
            text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            # Swedish CSV exports from Excel are often in Windows-1252.
            text = head.decode("cp1252", errors="replace")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta")) or (
        start.startswith("<") and "<html" in start
    ):
        return findings.make("file-html")
    if "urn:schemas-microsoft-com:office:spreadsheet" in start:
        return findings.make("file-not-workbook", reason="ett XML-kalkylblad från Excel 2003")
    unreadable = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    if unreadable <= len(text) // 50:
        return findings.make("file-csv")
    return findings.make("file-not-workbook", reason="okänt filformat")


def _sniff_zip(
    data: bytes, max_uncompressed: int, scan: sheetscan.ScanRequest | None
) -> Package | Finding:
    """A zip file: an .xlsx/.xlsm that is safe to parse, or why not."""
    entries = _declared_entries(data)
    if entries is not None and entries > _MAX_ENTRIES:
        return findings.make("file-too-large", reason=f"zip-filen har {entries} delar")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        OSError,
        struct.error,
        NotImplementedError,  # a directory entry claiming a zip version no reader knows
    ):
        return findings.make(
            "file-corrupt", reason="zip-strukturen är trasig; filen kan vara ofullständigt kopierad"
        )
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        names = {info.filename for info in infos}
        kind = _zip_kind(archive, names)
        if kind is not None:
            return kind
        declared = sum(info.file_size for info in infos)
        if declared > max_uncompressed:
            return findings.make(
                "file-too-large",
                reason=f"innehållet packas upp till {declared // _MB} MB, "
                f"gränsen är {max_uncompressed // _MB} MB",
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= _RATIO_MIN_SIZE and ratio > _MAX_RATIO:
                return findings.make(
                    "file-too-large",
                    reason=f"delen {info.filename} växer {ratio:.0f} gånger när den packas upp",
                )
        # The parts that say where the sheets are come first (each checked before it is
        # parsed), so that the sheets to be read can be measured as they are checked. What is
        # wrong with those parts is told once every other part has been checked.
        checked: set[str] = set()
        package = _package(data, archive)
        chosen = (
            set(scan.choose(package.sheets, {info.filename: info.file_size for info in infos}))
            if scan and isinstance(package, Package)
            else ()
        )
        strings = None
        if chosen and isinstance(package, Package) and package.shared_strings is not None:
            _check_part(archive, archive.getinfo(package.shared_strings), checked)
            strings = sheetscan.shared_strings(_read_part(archive, package.shared_strings))
        scans: dict[str, sheetscan.SheetScan] = {}
        for info in infos:
            if info.filename in checked:
                continue
            if scan is not None and info.filename in chosen:
                scans[info.filename] = _check_and_scan(archive, info, strings, scan)
            else:
                _check_part(archive, info, checked)
        if isinstance(package, Finding):
            return package
        return dataclasses.replace(package, scans=scans)


def _declared_entries(data: bytes) -> int | None:
    """The number of entries the zip's end record declares, read before the central directory is."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    entries, comment = struct.unpack_from("<H8xH", data, end + 10)
    if end + 22 + comment != len(data):
        return None  # the signature was inside the zip comment, not the end record
    locator = end - 20
    if entries == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if data[record : record + 4] == b"PK\x06\x06" and record + 56 <= len(data):
            (entries,) = struct.unpack_from("<Q", data, record + 32)
    return int(entries)


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> Finding | None:
    """A finding when the zip is some other document than an .xlsx/.xlsm workbook."""
    if "mimetype" in names and archive.getinfo("mimetype").file_size <= 200:
        mimetype = _read_part(archive, "mimetype").strip()
        if mimetype in _ODS_MIMETYPES:
            return findings.make("file-ods")
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return findings.make("file-not-workbook", reason="ett OpenDocument-dokument")
    if "[Content_Types].xml" not in names:
        return findings.make("file-not-workbook", reason="en zip-fil utan kalkylark")
    if "xl/workbook.bin" in names:
        return findings.make("file-xlsb")
    if "word/document.xml" in names:
        return findings.make("file-not-workbook", reason="ett Word-dokument")
    if "ppt/presentation.xml" in names:
        return findings.make("file-not-workbook", reason="en PowerPoint-presentation")
    return None


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A whole part (its size was checked against the cap with all the others)."""
    try:
        return archive.read(name)
    except _UNPACK_ERRORS as exc:
        raise _Refused(_damaged(name, exc)) from exc


def _damaged(part: str, exc: Exception) -> Finding:
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return findings.make("file-encrypted")
    return findings.make("file-corrupt", reason=f"delen {part} kan inte packas upp")


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, checked: set[str]) -> None:
    """Refuse an XML part that declares a document type, or that fails its checksum."""
    tail = b""
    for chunk in _xml_chunks(archive, info):
        window = tail + chunk
        if _DTD.search(window):
            raise _Refused(findings.make("file-unsafe-xml", part=info.filename))
        tail = window[-16:]
    checked.add(info.filename)


def _check_and_scan(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    strings: sheetscan.SharedStrings | None,
    scan: sheetscan.ScanRequest,
) -> sheetscan.SheetScan:
    """`_check_part` and `sheetscan.scan_sheet` of one worksheet part, unpacked once for both."""
    data = _read_part(archive, info.filename)  # read whole, so zipfile verifies the checksum
    if _utf16_decoder(data[:4]) is not None:
        _check_part(archive, info, set())  # checked as transcoded text
        return sheetscan.SheetScan(plain=False)  # only a streaming parser reads it
    if _DTD.search(data):
        raise _Refused(findings.make("file-unsafe-xml", part=info.filename))
    return sheetscan.scan_sheet(data, strings, scan)


def _xml_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's text as UTF-8 chunks if it is XML (UTF-16 parts transcoded); nothing otherwise.

    Reading to the end makes zipfile verify the part's CRC; a part longer than the zip directory
    says is cut at the declared size, and then fails the CRC check.
    """
    try:
        with archive.open(info) as part:
            first = part.read(64)
            decoder = _utf16_decoder(first)
            if decoder is None and not _looks_like_xml(first, info.filename):
                return
            chunk = first
            while chunk:
                yield chunk if decoder is None else decoder.decode(chunk).encode("utf-8")
                chunk = part.read(_CHUNK)
    except _UNPACK_ERRORS as exc:
        raise _Refused(_damaged(info.filename, exc)) from exc


def _utf16_decoder(first: bytes) -> codecs.IncrementalDecoder | None:
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")(errors="replace")
    if first.startswith(b"<\0"):
        return codecs.getincrementaldecoder("utf-16-le")(errors="replace")
    if first.startswith(b"\0<"):
        return codecs.getincrementaldecoder("utf-16-be")(errors="replace")
    return None


def _looks_like_xml(first: bytes, name: str) -> bool:
    if name.lower().endswith((".xml", ".rels", ".vml")):
        return True
    return first.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n").startswith(b"<")


def _package(data: bytes, archive: zipfile.ZipFile) -> Package | Finding:
    """Where the workbook's sheets and shared strings are, and its date system, as the file-format
    layer reads workbook.xml and its relationships (the writer reads them the same way).

    A package that readers read in different ways (`ooxml.packagecheck`) is refused at once,
    before any part of it is unpacked for use."""
    parts = ooxml_package.Package(archive)
    try:
        check_package(parts)
        workbook = main_part(parts) or parts.find("xl/workbook.xml") or "xl/workbook.xml"
        if workbook.lower().endswith(".bin"):
            return findings.make("file-xlsb")
        if parts.find(workbook) is None:
            return findings.make("file-corrupt", reason="arbetsbokens huvuddel saknas")
        book = read_workbook(parts, workbook)
        check_sheets(parts, book)
    except OoxmlError as exc:
        if exc.code in CODES:
            raise _Refused(_ambiguous(exc)) from exc
        part = exc.details.get("part")
        reason = f"delen {part} är trasig" if part else "arbetsbokens huvuddel är trasig"
        return findings.make("file-corrupt", reason=reason)
    return Package(
        data=data,
        sheets=book.worksheets(),
        shared_strings=book.shared_strings,
        date1904=book.date1904,
        date1904_written=book.date1904_text,
        other_sheets={
            entry.name: entry.kind if entry.part else ""
            for entry in book.entries
            if not (entry.kind == "worksheet" and entry.part)
        },
    )


def _ambiguous(error: OoxmlError) -> Finding:
    """The finding for a package refused by `ooxml.packagecheck`, its reason in the writer's
    Swedish (loaded only here, so that a run that only reads does not load the writer)."""
    from .writeback import SWEDISH

    return findings.make("file-unsafe-zip", reason=SWEDISH[error.code].format(**error.details))
