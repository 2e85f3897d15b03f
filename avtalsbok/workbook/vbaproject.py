"""Builds the VBA project (`xl/vbaProject.bin`) of the macro-enabled avtalsbok from `macros/*.bas`.

The modules are package data, read through `importlib.resources`: `avtalsbok/macros` is a link
to the top-level `macros/`, so a checkout (or an editable install) reads the files themselves and
a wheel carries copies of them.

The project is written from scratch, deterministically: an OLE compound file (MS-CFB, version 3)
holding `PROJECT`, `PROJECTwm`, `VBA/_VBA_PROJECT`, `VBA/dir` and one stream per module
(MS-OVBA). Each module stream holds only the module's source, compressed (MS-OVBA 2.4.1), with
no compiled code: `_VBA_PROJECT` carries version 0xFFFF, so Excel compiles the source when it
opens the book. The workbook and every worksheet get their document module, named by the
sheet code names the template gives them.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

#: Code name of the workbook's document module.
WORKBOOK_MODULE = "ThisWorkbook"
PROJECT_NAME = "VBAProject"
#: The project's fixed identity, so that two builds are identical byte for byte.
PROJECT_ID = "{5B0C8A57-2F3E-4C1D-9A6B-7E1F0D2C4A31}"
CODEPAGE = 1252

_NAME_LINE = re.compile(rb'\AAttribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"\r\n')
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_DOCUMENT_ATTRIBUTES = (
    "Attribute VB_GlobalNameSpace = False",
    "Attribute VB_Creatable = False",
    "Attribute VB_PredeclaredId = True",
    "Attribute VB_Exposed = True",
    "Attribute VB_TemplateDerived = False",
    "Attribute VB_Customizable = True",
)
#: The type libraries every new Excel VBA project refers to: (name, libid).
_REFERENCES = (
    (
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
        "#OLE Automation",
    ),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
        r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, its source as Excel stores it (code page 1252, CRLF), its kind."""

    name: str
    source: bytes
    document: bool = False


class MacrosMissing(Exception):
    """The installation lacks the VBA modules: the message is for the officer, in Swedish."""

    def __init__(self, folder: Traversable) -> None:
        super().__init__(
            f"VBA-modulerna saknas i installationen ({folder}), så ingen bok med makron (.xlsm) "
            "och inget tillägg (.xlam) kan byggas. Installera om avtalsbok."
        )


def macros_folder() -> Traversable:
    """Where the package keeps the button module and the xlwings module."""
    return files("avtalsbok") / "macros"


def read_module(path: Traversable) -> Module:
    """A standard module from an exported `.bas` file, whose first line names it."""
    source = path.read_bytes()
    match = _NAME_LINE.match(source)
    if match is None:
        raise ValueError(f'{path}: the first line must be Attribute VB_Name = "..." (CRLF)')
    if b"\n" in source.replace(b"\r\n", b""):
        raise ValueError(f"{path}: lines must end in CRLF, as VBA stores them")
    return Module(match.group(1).decode("ascii"), source)


def read_macros(folder: Traversable | None = None) -> list[Module]:
    """Every `.bas` module of the folder (the package's by default), by file name."""
    folder = folder or macros_folder()
    try:
        paths = [p for p in folder.iterdir() if p.name.endswith(".bas")]
    except OSError:  # the folder itself is missing
        paths = []
    if not paths:
        raise MacrosMissing(folder)
    return [read_module(p) for p in sorted(paths, key=lambda p: p.name)]


def document_module(name: str, workbook: bool = False) -> Module:
    """The (empty) document module of the workbook or of one worksheet."""
    base = _WORKBOOK_BASE if workbook else _WORKSHEET_BASE
    lines = (f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"')
    text = "".join(line + "\r\n" for line in lines + _DOCUMENT_ATTRIBUTES)
    return Module(name, text.encode("ascii"), document=True)


def vba_project(
    sheet_code_names: Sequence[str],
    macros: Sequence[Module] = (),
    *,
    project_name: str = PROJECT_NAME,
) -> bytes:
    """`vbaProject.bin` for a workbook with these worksheet code names and `macros/` modules
    (default: every module of `macros/`), its project named `project_name`."""
    modules = [
        document_module(WORKBOOK_MODULE, workbook=True),
        *(document_module(name) for name in sheet_code_names),
        *(macros or read_macros()),
    ]
    names = [m.name.casefold() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError(f"module names must be unique: {[m.name for m in modules]}")
    streams = {
        "PROJECT": _project_stream(modules, project_name),
        "PROJECTwm": _name_map(modules),
        "VBA/_VBA_PROJECT": _VBA_PROJECT_HEADER,
        "VBA/dir": compress(_dir_stream(modules, project_name)),
        **{f"VBA/{m.name}": compress(m.source) for m in modules},
    }
    return compound_file(streams)


# ---------------------------------------------------------------------------------------------
# MS-OVBA 2.4.1: compression

_CHUNK = 4096


def compress(data: bytes) -> bytes:
    """A CompressedContainer of `data` (MS-OVBA 2.4.1.3.6)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start : start + _CHUNK])
    return bytes(out)


def _copy_token_bits(offset_in_chunk: int) -> int:
    """Bits of a copy token that hold the offset, at this decompressed position (2.4.1.3.19.1)."""
    return max((offset_in_chunk - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    """One CompressedChunk: header and tokens, or the raw bytes when they are shorter."""
    body = bytearray()
    #: where each three-byte sequence starts in the chunk, nearest last
    seen: dict[bytes, list[int]] = {}
    pos = indexed = 0
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            length, offset = _longest_match(chunk, pos, seen)
            if length:
                bits = _copy_token_bits(pos)
                body += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))
                body[flag_at] |= 1 << bit
            else:
                body.append(chunk[pos])
                length = 1
            pos += length
            for p in range(indexed, pos):
                seen.setdefault(chunk[p : p + 3], []).append(p)
            indexed = pos
    if len(body) <= _CHUNK:
        return struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)
    # A raw chunk holds 4096 bytes, a shorter last chunk padded with zeros (2.4.1.3.10).
    return struct.pack("<H", 0x3FFF) + chunk.ljust(_CHUNK, b"\x00")


def _longest_match(chunk: bytes, pos: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    """(length, offset) of the longest earlier copy of the bytes at `pos`; (0, 0) below 3."""
    if pos == 0:
        return 0, 0
    max_length = min((0xFFFF >> _copy_token_bits(pos)) + 3, len(chunk) - pos)
    best, best_at = 0, 0
    for candidate in reversed(seen.get(chunk[pos : pos + 3], ())):
        if best and chunk[candidate + best] != chunk[pos + best]:
            continue
        n = 0
        while n < max_length and chunk[candidate + n] == chunk[pos + n]:
            n += 1
        if n > best:
            best, best_at = n, candidate
            if n == max_length:
                break
    return (best, pos - best_at) if best >= 3 else (0, 0)


# ---------------------------------------------------------------------------------------------
# MS-OVBA 2.3: the project's streams

#: Reserved1 0x61CC, Version 0xFFFF (no compiled code: Excel compiles the source), Reserved2/3.
_VBA_PROJECT_HEADER = bytes.fromhex("CC61FFFF000100")


def _mbcs(text: str) -> bytes:
    return text.encode(f"cp{CODEPAGE}")


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text_record(record_id: int, text: str, unicode_id: int) -> bytes:
    """A record with a text in the code page followed by the same text in UTF-16."""
    return _record(record_id, _mbcs(text)) + _record(unicode_id, text.encode("utf-16-le"))


def _dir_stream(modules: Sequence[Module], project_name: str) -> bytes:
    """The `dir` stream before compression: project information, references, modules."""
    u32 = struct.Struct("<I").pack
    out = bytearray()
    out += _record(0x0001, u32(3))  # SysKind: 64-bit Windows
    out += _record(0x0002, u32(0x0409))  # Lcid
    out += _record(0x0014, u32(0x0409))  # LcidInvoke
    out += _record(0x0003, struct.pack("<H", CODEPAGE))
    out += _record(0x0004, _mbcs(project_name))
    out += _text_record(0x0005, "", 0x0040)  # DocString
    out += _text_record(0x0006, "", 0x003D)  # HelpFile
    out += _record(0x0007, u32(0))  # HelpContext
    out += _record(0x0008, u32(0))  # LibFlags
    # PROJECTVERSION: its size field is fixed at 4 while 6 bytes follow (major 4, minor 2).
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _text_record(0x000C, "", 0x003C)  # Constants
    for name, libid in _REFERENCES:
        out += _text_record(0x0016, name, 0x003E)
        registered = u32(len(libid)) + _mbcs(libid) + u32(0) + struct.pack("<H", 0)
        out += _record(0x000D, registered)
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # project cookie
    for m in modules:
        out += _record(0x0019, _mbcs(m.name))
        out += _record(0x0047, m.name.encode("utf-16-le"))
        out += _text_record(0x001A, m.name, 0x0032)  # stream name
        out += _text_record(0x001C, "", 0x0048)  # DocString
        out += _record(0x0031, u32(0))  # TextOffset: the source starts the stream
        out += _record(0x001E, u32(0))  # HelpContext
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # module cookie
        out += _record(0x0022 if m.document else 0x0021, b"")
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


def _name_map(modules: Sequence[Module]) -> bytes:
    """`PROJECTwm`: each module name in the code page and in UTF-16."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def _project_stream(modules: Sequence[Module], project_name: str) -> bytes:
    """`PROJECT`: the project's properties as text (MS-OVBA 2.3.1)."""
    lines = [f'ID="{PROJECT_ID}"']
    for m in modules:
        lines.append(f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}")
    key = sum(_mbcs(PROJECT_ID)) & 0xFF
    unprotected, no_password, visible = bytes(4), bytes(1), bytes([0xFF])
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(unprotected, key)}"',
        f'DPB="{encrypt(no_password, key)}"',
        f'GC="{encrypt(visible, key)}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
    ]
    return _mbcs("".join(line + "\r\n" for line in lines))


def encrypt(data: bytes, project_key: int, seed: int = 0x4C) -> str:
    """Data Encryption (MS-OVBA 2.4.3.2) as hex text; a fixed seed keeps builds identical."""
    version = 2
    out = [seed, seed ^ version, seed ^ project_key]
    unencrypted, encrypted1, encrypted2 = project_key, seed ^ project_key, seed ^ version
    ignored = bytes((seed & 6) // 2)
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((encrypted2 + unencrypted) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted = encrypted1, byte_enc, byte
    return bytes(out).hex().upper()


# ---------------------------------------------------------------------------------------------
# MS-CFB: the compound file

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_IDS_PER_SECTOR = _SECTOR // 4
_HEADER_DIFAT = 109
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] | None = None
    left: int = _NO_STREAM
    right: int = _NO_STREAM
    child: int = _NO_STREAM
    colour: int = _BLACK
    start: int = _END
    id: int = 0


def _cfb_order(entry: _Entry) -> tuple[int, str]:
    """Sibling order of MS-CFB 2.6.4: shorter names first, then by upper-case name."""
    return len(entry.name.encode("utf-16-le")), entry.name.upper()


def _tree(siblings: list[_Entry], depth: int, deepest: int) -> int:
    """Link sorted siblings into a balanced red-black tree; returns the root's id.

    Median splits put every leaf on the last two levels; the nodes of the last level of a
    tree that is not full are red, all others black, so every path has the same black count.
    """
    if not siblings:
        return _NO_STREAM
    mid = len(siblings) // 2
    node = siblings[mid]
    node.colour = _RED if depth == deepest and depth > 0 else _BLACK
    node.left = _tree(siblings[:mid], depth + 1, deepest)
    node.right = _tree(siblings[mid + 1 :], depth + 1, deepest)
    return node.id


def _is_full(count: int) -> bool:
    return (count + 1) & count == 0


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An MS-CFB version 3 file holding these streams ("storage/stream" paths)."""
    root = _Entry("Root Entry", _ROOT, children=[])
    entries = [root]
    storages = {"": root}
    for path, data in streams.items():
        parent_path = ""
        for part in path.split("/")[:-1]:
            here = f"{parent_path}/{part}"
            if here not in storages:
                storages[here] = _Entry(part, _STORAGE, children=[])
                storages[parent_path].children.append(storages[here])  # type: ignore[union-attr]
                entries.append(storages[here])
            parent_path = here
        stream = _Entry(path.split("/")[-1], _STREAM, data=data)
        storages[parent_path].children.append(stream)  # type: ignore[union-attr]
        entries.append(stream)
    for i, entry in enumerate(entries):
        entry.id = i
    for entry in entries:
        if entry.children:
            ordered = sorted(entry.children, key=_cfb_order)
            deepest = (len(ordered)).bit_length() - 1
            entry.child = _tree(ordered, 0, -1 if _is_full(len(ordered)) else deepest)

    # Small streams live in the mini stream, the others in sectors of their own.
    mini = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != _STREAM or not entry.data:
            continue
        if len(entry.data) >= _MINI_CUTOFF:
            big.append(entry)
            continue
        count = -(-len(entry.data) // _MINI_SECTOR)
        entry.start = len(mini_fat)
        mini_fat += [*range(entry.start + 1, entry.start + count), _END]
        mini += entry.data.ljust(count * _MINI_SECTOR, b"\x00")

    sectors = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        count = -(-len(data) // _SECTOR)
        first = len(fat)
        fat.extend([*range(first + 1, first + count), _END])
        sectors.extend(data.ljust(count * _SECTOR, b"\x00"))
        return first

    for entry in big:
        entry.start = place(entry.data)
    if mini:
        root.start = place(bytes(mini))
    mini_fat_start = _END
    mini_fat_sectors = 0
    if mini_fat:
        table = _ids(mini_fat, _SECTOR)
        mini_fat_start = place(table)
        mini_fat_sectors = len(table) // _SECTOR
    unused = -len(entries) % (_SECTOR // 128)
    directory = b"".join(_dir_entry(e, len(mini)) for e in entries) + _UNUSED_ENTRY * unused
    directory_start = place(directory)

    fat_sectors = 1
    while fat_sectors * _IDS_PER_SECTOR < len(fat) + fat_sectors:
        fat_sectors += 1
    if fat_sectors > _HEADER_DIFAT:
        raise ValueError("VBA project too large for a compound file without DIFAT sectors")
    fat_start = len(fat)
    fat += [_FAT_SECTOR] * fat_sectors
    sectors += _ids(fat, _SECTOR)

    difat = list(range(fat_start, fat_start + fat_sectors))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        bytes(16),
        0x003E,  # minor version
        0x0003,  # major version: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift
        6,  # mini sector shift
        bytes(6),
        0,  # directory sectors (always 0 in version 3)
        fat_sectors,
        directory_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        mini_fat_start,
        mini_fat_sectors,
        _END,  # no DIFAT sectors
        0,
    ) + _ids(difat + [_FREE] * (_HEADER_DIFAT - len(difat)), 0)
    return header.ljust(_SECTOR, b"\x00") + bytes(sectors)


_UNUSED_ENTRY = bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM)
_UNUSED_ENTRY += bytes(128 - len(_UNUSED_ENTRY))


def _ids(values: Iterable[int], pad_to: int) -> bytes:
    """Sector ids as little-endian words, padded with free ids to a multiple of `pad_to` bytes."""
    data = b"".join(struct.pack("<I", v) for v in values)
    if pad_to and len(data) % pad_to:
        data += struct.pack("<I", _FREE) * ((pad_to - len(data) % pad_to) // 4)
    return data


def _dir_entry(entry: _Entry, mini_size: int) -> bytes:
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file names have at most 31 characters: {entry.name!r}")
    size = mini_size if entry.kind == _ROOT else len(entry.data)
    start = entry.start if entry.kind != _STORAGE else 0
    if entry.kind == _ROOT and not mini_size:
        start = _END
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2,
        entry.kind,
        entry.colour,
        entry.left,
        entry.right,
        entry.child,
        bytes(16),  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        start,
        size,
    )
