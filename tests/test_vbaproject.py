"""The VBA project built from macros/: read back with oletools and olefile, not with our code."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import random
import re
import struct
import tomllib
import warnings
import zipfile
from pathlib import Path
from typing import Any

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avtalsbok.workbook import vbaproject
from avtalsbok.workbook.vbaproject import Module, compound_file, compress, vba_project

with warnings.catch_warnings():  # oletools' own use of pyparsing warns on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"
XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").origin).parent  # type: ignore[arg-type,union-attr]
SHEETS = [f"Sheet{i}" for i in range(1, 12)]
BUTTONS = {
    "Kontrollera": "kontrollera",
    "Uppdatera": "uppdatera",
    "SkapaRapport": "skapa_rapport",
    "SkickaRapport": "skicka_rapport",
    "VisaFel": "visa_fel",
    "GorTillAvtalsbok": "gor_till_avtalsbok",
}


def pinned_xlwings() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (pin,) = [d for d in project["dependencies"] if d.startswith("xlwings")]
    match = re.fullmatch(r"xlwings==([0-9.]+)", pin)
    assert match, f"xlwings must be pinned to one release: {pin}"
    return match.group(1)


def decompressed(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


def decrypt(hex_text: str, project_id: str) -> tuple[int, bytes]:
    """MS-OVBA 2.4.3.3, written here from the specification: (version, data)."""
    enc = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = enc[0], enc[1], enc[2]
    assert seed ^ key_enc == sum(project_id.encode("cp1252")) & 0xFF
    unencrypted, encrypted1, encrypted2 = seed ^ key_enc, key_enc, version_enc
    out = bytearray()
    for byte_enc in enc[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted = encrypted1, byte_enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", out, ignored)
    data = bytes(out[ignored + 4 :])
    assert len(data) == length
    return seed ^ version_enc, data


# --- the modules in macros/ ----------------------------------------------------------------


def test_xlwings_module_is_the_installed_release_unchanged() -> None:
    assert (MACROS / "xlwings.bas").read_bytes() == (XLWINGS_DIR / "xlwings.bas").read_bytes()


def test_xlwings_module_version_is_the_pinned_package() -> None:
    source = (MACROS / "xlwings.bas").read_text(encoding="cp1252")
    assert re.findall(r'XLWINGS_VERSION As String = "([^"]+)"', source) == [pinned_xlwings()]
    assert importlib.metadata.version("xlwings") == pinned_xlwings()


def test_button_module_has_one_sub_per_button_calling_its_handler() -> None:
    module = vbaproject.read_module(MACROS / "Avtalsbok.bas")
    assert module.name == "Avtalsbok"
    subs = re.findall(r"^Sub (\w+)\(\)\r\n(.*)\r\nEnd Sub\r$", module.source.decode(), re.M)
    assert {sub: line for sub, line in subs} == {
        sub: f'    RunPython "import avtalsbok.excel.handlers as h; h.{name}()"'
        for sub, name in BUTTONS.items()
    }


def test_a_module_without_its_name_line_or_with_bare_newlines_is_refused(tmp_path: Path) -> None:
    nameless = tmp_path / "a.bas"
    nameless.write_bytes(b"Sub A()\r\nEnd Sub\r\n")
    with pytest.raises(ValueError, match="VB_Name"):
        vbaproject.read_module(nameless)
    unix = tmp_path / "b.bas"
    unix.write_bytes(b'Attribute VB_Name = "B"\r\nSub B()\nEnd Sub\r\n')
    with pytest.raises(ValueError, match="CRLF"):
        vbaproject.read_module(unix)


# --- compression (MS-OVBA 2.4.1), checked against oletools' decompressor ----------------------


@pytest.mark.parametrize("size", [0, 1, 2, 3, 17, 4095, 4096, 4097, 8192, 20000])
def test_compression_round_trips_text_of_every_size(size: int) -> None:
    text = (MACROS / "xlwings.bas").read_bytes()[:size]
    assert decompressed(compress(text)) == text


def test_repeated_bytes_compress_to_long_copies() -> None:
    data = b" " * 10000 + b"x" * 5000
    packed = compress(data)
    assert decompressed(packed) == data
    assert len(packed) < 0.02 * len(data)


def test_incompressible_chunks_are_stored_raw() -> None:
    data = random.Random(7).randbytes(3 * 4096)
    packed = compress(data)
    assert decompressed(packed) == data
    assert len(packed) == 1 + 3 * (2 + 4096)


def test_an_incompressible_short_last_chunk_is_padded_as_the_specification_says() -> None:
    data = random.Random(8).randbytes(4000)
    assert decompressed(compress(data)) == data + bytes(96)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="ab c\r\n", max_size=9000).map(str.encode))
def test_compression_round_trips_anything(data: bytes) -> None:
    out = decompressed(compress(data))
    assert out[: len(data)] == data and not out[len(data) :].strip(b"\x00")


def test_module_source_compresses_about_as_well_as_excel_does() -> None:
    source = (MACROS / "xlwings.bas").read_bytes()
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm") as z:
        theirs = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    assert len(compress(source)) < 1.1 * theirs.get_size("VBA/xlwings")


# --- protection state (MS-OVBA 2.4.3) -----------------------------------------------------


def test_decryption_here_reads_the_values_excel_wrote_in_xlwings_quickstart() -> None:
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm") as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    values = dict(re.findall(r'^(\w+)="([^"]*)"', text, re.M))
    assert decrypt(values["CMG"], values["ID"]) == (2, bytes(4))
    assert decrypt(values["DPB"], values["ID"]) == (2, b"\x00")
    assert decrypt(values["GC"], values["ID"]) == (2, b"\xff")


def test_project_is_unprotected_without_password_and_visible() -> None:
    ole = olefile.OleFileIO(io.BytesIO(vba_project(SHEETS)))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    values = dict(re.findall(r'^(\w+)="([^"]*)"', text, re.M))
    assert values["ID"] == vbaproject.PROJECT_ID
    assert decrypt(values["CMG"], values["ID"]) == (2, bytes(4))
    assert decrypt(values["DPB"], values["ID"]) == (2, b"\x00")
    assert decrypt(values["GC"], values["ID"]) == (2, b"\xff")


@pytest.mark.parametrize("seed", [0x00, 0x02, 0x04, 0x06, 0xFF])
def test_encryption_round_trips_for_every_count_of_ignored_bytes(seed: int) -> None:
    key = sum(b"{X}") & 0xFF
    assert decrypt(vbaproject.encrypt(b"\x01\x02\x03", key, seed), "{X}") == (2, b"\x01\x02\x03")


# --- the compound file (MS-CFB) -------------------------------------------------------------


def directory(data: bytes) -> list[tuple[str, int, int, int, int, int]]:
    """(name, type, colour, left, right, child) of every directory entry, as olefile reads it."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    return [
        (e.name, e.entry_type, e.color, e.sid_left, e.sid_right, e.sid_child)
        for e in ole.direntries
        if e is not None
    ]


def check_tree(entries: list[tuple[str, int, int, int, int, int]], root: int) -> int:
    """Walk one red-black tree of siblings; returns its black height, asserting the invariants."""
    none = 0xFFFFFFFF

    def key(i: int) -> tuple[int, str]:
        return len(entries[i][0]), entries[i][0].upper()

    def walk(i: int, parent_red: bool, low: tuple[int, str] | None, high: Any) -> int:
        if i == none:
            return 1
        name, _kind, colour, left, right, _child = entries[i]
        red = colour == 0
        assert not (red and parent_red), f"two red nodes in a row at {name}"
        assert low is None or key(i) > low
        assert high is None or key(i) < high
        left_height = walk(left, red, low, key(i))
        assert left_height == walk(right, red, key(i), high), f"black heights differ at {name}"
        return left_height + (0 if red else 1)

    assert entries[root][2] == 1, "the root of a tree is black"
    return walk(root, False, None, None)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 40])
def test_sibling_trees_are_valid_red_black_trees(count: int) -> None:
    names = [f"S{i:0{i % 3 + 1}d}" for i in range(count)]
    data = compound_file({f"D/{n}": n.encode() for n in names})
    entries = directory(data)
    storage = next(e for e in entries if e[0] == "D")
    check_tree(entries, storage[5])
    ole = olefile.OleFileIO(io.BytesIO(data))
    assert sorted(ole.listdir()) == sorted(["D", n] for n in names)
    for n in names:
        assert ole.openstream(f"D/{n}").read() == n.encode()


def test_small_and_large_streams_read_back_exactly() -> None:
    rng = random.Random(3)
    streams = {
        "empty": b"",
        "tiny": b"x",
        "below cutoff": rng.randbytes(4095),
        "at cutoff": rng.randbytes(4096),
        "A/B/deep": rng.randbytes(700),
        "large": rng.randbytes(200_000),  # needs more than one FAT sector
    }
    data = compound_file(streams)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content
    assert struct.unpack_from("<I", data, 44)[0] > 1  # FAT sectors


# --- the whole project ----------------------------------------------------------------------


def test_olevba_reads_back_every_module_exactly() -> None:
    data = vba_project(SHEETS)
    parser = VBA_Parser("vbaProject.bin", data=data)
    found = {name: code for _f, _s, name, code in parser.extract_macros()}
    macros = vbaproject.read_macros()
    expected = {f"{m.name}.bas" for m in macros} | {
        f"{n}.cls" for n in [vbaproject.WORKBOOK_MODULE, *SHEETS]
    }
    assert set(found) == expected
    ole = olefile.OleFileIO(io.BytesIO(data))
    for m in macros:
        assert decompressed(ole.openstream(f"VBA/{m.name}").read()) == m.source
        assert found[f"{m.name}.bas"].replace("\r\n", "\n") in m.source.decode("cp1252").replace(
            "\r\n", "\n"
        )


def test_document_modules_name_the_workbook_and_each_sheet() -> None:
    data = vba_project(["Sheet1", "Sheet2"])
    ole = olefile.OleFileIO(io.BytesIO(data))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert re.findall(r"^(Document|Module)=(\w+)", project, re.M) == [
        ("Document", "ThisWorkbook"),
        ("Document", "Sheet1"),
        ("Document", "Sheet2"),
        ("Module", "Avtalsbok"),
        ("Module", "xlwings"),
    ]
    sheet = decompressed(ole.openstream("VBA/Sheet2").read()).decode()
    assert sheet.startswith('Attribute VB_Name = "Sheet2"\r\nAttribute VB_Base = "0{00020820-')
    book = decompressed(ole.openstream("VBA/ThisWorkbook").read()).decode()
    assert 'Attribute VB_Base = "0{00020819-' in book
    assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == b"\xcc\x61\xff\xff"


def test_module_names_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        vba_project(["Sheet1"], [Module("Sheet1", b'Attribute VB_Name = "Sheet1"\r\n')])


def test_build_is_deterministic() -> None:
    assert vba_project(SHEETS) == vba_project(SHEETS)
