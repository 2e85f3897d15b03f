"""Look at a file's bytes before any parser does: what the file is, and what it would expand to.

An avtalsbok lives on a shared drive where anything can end up under an .xlsx name: an old .xls, a
password-protected book, a CSV or web-page export, a half-copied file. And an .xlsx is a zip of XML
parts that a hostile file can make expand far beyond its size on disk. `sniff` answers each of
these with one finding before a parser touches the file, and on the way measures, in the XML text
itself, how much each worksheet the reader asks for will expand to (`ScanRequest`, `SheetScan`),
so the reader can pick a parser that stays within memory.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import operator
import os
import re
import struct
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..core import findings
from ..core.findings import Finding
from ..ooxml import package as ooxml_package
from ..ooxml.errors import OoxmlError
from ..ooxml.packagecheck import CODES, check_package, check_sheets
from ..ooxml.refs import column_letter, letters_value
from ..ooxml.workbookxml import main_part, read_workbook

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
# What follows `<c` in a cell tag not written the way Excel, LibreOffice, openpyxl and XlsxWriter
# all write it (`<c r="A1" ...>`): without a reference, with other spacing, or with a reference
# outside Excel's grid (more than three letters or seven digits). A prefixed tag: `_PREFIXED_CELL`.
_ODD_CELL_TAIL = rb'[\t\r\n>/]| (?!r="[A-Za-z]{1,3}\d{1,7}")'
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Za-z]{1,3}\d{1,7}:)?([A-Za-z]{1,3})(\d{1,7})"')
# A cell that holds something (self-closing cells only carry a style and are not read).
_VALUED_REF = re.compile(rb'<c r="([A-Za-z]+)(\d+)"(?![^<>]*/>)')
_VALUE_INDEX = re.compile(rb"<v>(\d+)</v>")
# A value element written other than `<v>` (or another element whose name begins with v).
_ODD_VALUE = re.compile(rb"<v(?!>)")
_SHARED_STRING = re.compile(rb"<si[\s>/]")
_PREFIXED_SHARED_STRING = re.compile(rb":si[\s>/]")


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
    #: The worksheet parts measured on the way (see `ScanRequest`).
    scans: dict[str, SheetScan] = field(default_factory=dict)
    #: The sheets left out of `sheets`: name → kind (`chartsheet`, …; "" when the sheet's part
    #: is missing).
    other_sheets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetScan:
    """What a worksheet part expands to when parsed, measured in its XML text.

    `plain` says every cell is written with its reference the usual way, so the other figures hold;
    when False they are unknown and only a streaming parser with its own limits may read the sheet.
    `last_row` is the last row that can hold a value, exact whenever it exceeds the reader's row
    limit; `cells` bounds the box from the first to the last cell that holds a value (what a
    parser building a dense grid allocates); `text` bounds the bytes of shared-string text that the
    cells copy (a string used in a thousand cells counts a thousand times), exact whenever it
    exceeds the reader's text limit, and None when it may exceed it but cannot be counted.
    `errors` and `formulas` are what the request's `errors` and `formulas` found in the part
    (see `ScanRequest`); `size` the part's unpacked bytes.
    """

    plain: bool
    last_row: int = 0
    last_column: int = 0
    cells: int = 0
    text: int | None = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: frozenset[tuple[int, int]] = frozenset()
    size: int = 0


@dataclass(frozen=True)
class ScanRequest:
    """The worksheets `sniff` is to measure as it checks them, and the reader's limits.

    `choose` picks the parts from the book's sheets (name as it stands → worksheet part) and
    the unpacked size of every part the zip declares;
    figures are exact where a limit is in reach, else bounds (see `SheetScan`). `errors` and
    `formulas` are the reader's own looks at a plain sheet's XML while it is unpacked here (the
    cells it reads in its own way, and the cells that hold a formula, by (row, column)).
    """

    choose: Callable[[dict[str, str], dict[str, int]], Iterable[str]]
    max_rows: int
    max_cells: int
    max_text: int
    errors: Callable[[bytes], dict[tuple[int, int], str]] = lambda _: {}
    formulas: Callable[[bytes], frozenset[tuple[int, int]]] = lambda _: frozenset()


class _Refused(Exception):
    """Raised inside this module to stop at the first problem; carries the finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def sniff(
    path: str, *, max_uncompressed: int, scan: ScanRequest | None = None
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


def _sniff_zip(data: bytes, max_uncompressed: int, scan: ScanRequest | None) -> Package | Finding:
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
            strings = _shared_strings(_read_part(archive, package.shared_strings))
        scans: dict[str, SheetScan] = {}
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
    strings: _SharedStrings | None,
    scan: ScanRequest,
) -> SheetScan:
    """`_check_part` and `_scan_sheet` of one worksheet part, unpacked once for both."""
    data = _read_part(archive, info.filename)  # read whole, so zipfile verifies the checksum
    if _utf16_decoder(data[:4]) is not None:
        _check_part(archive, info, set())  # checked as transcoded text; not plain anyway
    elif _DTD.search(data):
        raise _Refused(findings.make("file-unsafe-xml", part=info.filename))
    return _scan_sheet(data, strings, scan)


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


@dataclass(frozen=True)
class _SharedStrings:
    """Byte size of each shared string (its `<si>` element), in table order."""

    sizes: array[int]
    largest: int
    # False when the table holds markup that could hide or fake `<si>` elements from a plain search
    # (comments, CDATA, processing instructions, prefixed elements): sizes are then only a guess.
    exact: bool


def _shared_strings(data: bytes) -> _SharedStrings:
    starts = [match.start() for match in _SHARED_STRING.finditer(data)]
    starts.append(len(data))
    sizes = array("q", map(operator.sub, starts[1:], starts[:-1]))
    exact = (
        b"<!" not in data
        and data.count(b"<?") <= 1
        and _PREFIXED_SHARED_STRING.search(data) is None
    )
    return _SharedStrings(sizes=sizes, largest=max(sizes, default=0), exact=exact)


def _scan_sheet(data: bytes, strings: _SharedStrings | None, scan: ScanRequest) -> SheetScan:
    max_rows, max_cells, max_text = scan.max_rows, scan.max_cells, scan.max_text
    if _utf16_decoder(data[:4]) is not None or _PREFIXED_CELL.search(data):
        return SheetScan(plain=False)
    # The sheet's own claim of its extent, checked by looking for any cell beyond it, in the
    # same pass that looks for cells written in an odd way.
    claim = _DIMENSION.search(data)
    last_row, last_column = (int(claim[2]), letters_value(claim[1].decode())) if claim else (0, 0)
    found = _odd_or_beyond(last_row, last_column).findall(data)
    if any(odd for odd, _, _ in found):
        return SheetScan(plain=False)
    beyond = [(letters, digits) for _, letters, digits in found]
    if beyond:
        rows, columns = _extent(beyond)
        last_row, last_column = max(last_row, max(rows)), max(last_column, max(columns))
    cells = last_row * last_column
    if last_row > max_rows or cells > max_cells:
        # The claim may be generous; only cells that hold a value count, measured exactly.
        rows, columns = _extent(_VALUED_REF.findall(data))
        if not rows:
            return SheetScan(plain=True)
        last_row, last_column = max(rows), max(columns)
        cells = (last_row - min(rows) + 1) * (last_column - min(columns) + 1)
    return SheetScan(
        plain=True,
        last_row=last_row,
        last_column=last_column,
        cells=cells,
        text=_copied_text(data, strings, cells, max_text),
        errors=scan.errors(data),
        formulas=scan.formulas(data),
        size=len(data),
    )


def _extent(references: list[tuple[bytes, bytes]]) -> tuple[set[int], set[int]]:
    """Row numbers and column indexes of cell references given as (letters, digits)."""
    letters = {letters for letters, _ in references}
    digits = {digits for _, digits in references}
    return {int(d) for d in digits}, {letters_value(c.decode()) for c in letters}


def _copied_text(
    data: bytes, strings: _SharedStrings | None, cells: int, max_text: int
) -> int | None:
    """Bytes of shared-string text the cells copy: a bound, counted exactly over `max_text`."""
    if strings is None:
        return 0
    bound = cells * strings.largest
    if bound <= max_text:
        return bound
    if not strings.exact or _ODD_VALUE.search(data):
        return None
    # Only a cell's `<v>` can name a shared string.
    bound = data.count(b"<v>") * strings.largest
    if bound <= max_text:
        return bound
    sizes = strings.sizes
    uses: Counter[bytes] = Counter()
    start = 0
    while start < len(data):
        # Counted a stretch of whole cells at a time, to hold only a stretch's indexes.
        end = data.find(b"<c ", start + _CHUNK)
        end = len(data) if end < 0 else end
        uses.update(_VALUE_INDEX.findall(data, start, end))
        start = end
    return sum(n * sizes[i] for value, n in uses.items() if (i := int(value)) < len(sizes))


def _odd_or_beyond(last_row: int, last_column: int) -> re.Pattern[bytes]:
    """Cells written in an odd way (group 1, see `_ODD_CELL_TAIL`), and the references (groups 2
    and 3) of cells in a later row or a later column than (last_row, last_column)."""
    columns = _letters_after(column_letter(last_column))
    rows = _number_above(last_row)
    return re.compile(
        rb"<c(?:("
        + _ODD_CELL_TAIL
        + rb')| r="(?=(?:'
        + columns
        + rb")\d|[A-Za-z]+(?:"
        + rows
        + rb')")([A-Za-z]+)(\d+)")'
    )


def _number_above(number: int) -> bytes:
    """A pattern for decimal numbers (leading zeros allowed) greater than `number`."""
    digits = str(number)
    width = len(digits)
    options = [rf"[1-9]\d{{{width},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            options.append(rf"{digits[:i]}[{int(digit) + 1}-9]\d{{{width - i - 1}}}")
    return ("0*(?:" + "|".join(options) + ")").encode()


def _letters_after(letters: str) -> bytes:
    """A pattern for column letters (either case) that come after `letters` ("" = before A)."""
    width = len(letters)
    options = [f"[A-Za-z]{{{width + 1},}}"]
    for i, letter in enumerate(letters):
        if letter != "Z":
            following = chr(ord(letter) + 1)
            same = f"(?i:{letters[:i]})" if i else ""
            options.append(f"{same}[{following}-Z{following.lower()}-z][A-Za-z]{{{width - i - 1}}}")
    return ("(?:" + "|".join(options) + ")").encode()
