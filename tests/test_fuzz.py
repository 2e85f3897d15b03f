"""Issue #11's fuzz test: mutated books never make `check` or `run` crash or lose anything.

A few hundred mutants, from a fixed seed, of the template (with its buttons), a small demo
book and the Excel-saved corpus, mutated at zip, XML and value level. For every mutant, through
the command's public entry: no exception escapes, the exit code is 0, 1 or 2, no traceback is
printed, `--json` is strict JSON, memory stays bounded; and after `run` either the book is
unchanged, or every part the run does not own is byte-identical, none is gone, and the result
opens in openpyxl whenever the mutant did.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import resource
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.demo import DEMO_TODAY, generate
from avtalsbok.workbook.template import build_workbook

SEED = 11
MUTANTS = 300
TODAY = DEMO_TODAY.isoformat()
CORPUS = Path(__file__).parent / "corpus" / "excel-saved"
#: The sheets a run writes: computed columns, computed sheets, the appended log.
OWNED_SHEETS = {*schema.COMPUTED_SHEETS, "Avtal", "Uppföljningar", "Avvikelser", "Händelselogg"}
#: Package parts a run may rewrite besides its own sheets (new sheets, date styles, formulas
#: dropped from the calculation chain, a table's range following its rows, the run's mark in
#: the custom properties).
SHARED_PARTS = re.compile(
    r"\[Content_Types\]\.xml|docProps/app\.xml|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels"
    r"|xl/styles\.xml|xl/calcChain\.xml|xl/tables/[^/]+\.xml|docProps/custom\.xml"
)
#: The relationship that registers a run's mark (`docProps/custom.xml`) with the package.
MARK_REL = re.compile(
    rb'<Relationship Id="rId\d+" Type="[^"]*/custom-properties" Target="docProps/custom.xml"/>'
)
#: Growth of the process's peak memory all mutants together may cause.
MEMORY_BOUND = 600 * 1024 * 1024

Entries = list[tuple[zipfile.ZipInfo, bytes]]
Mutation = Callable[[random.Random, Entries], Entries | bytes]

# Values no cell should hold, or that test the limits of each column's parsing.
_VALUES = [
    "NaN", "INF", "-INF", "1e309", "9" * 400, "-1e308", "", "abc", "1e15", "-1", "0", "60",
    "2958466", "4.5", "1E+2", "0x10", "٣",
]  # fmt: skip
_TEXTS = [
    "[/x]", "[red]röd[/red]", "=1+1", "@SUM(A1)", "a\u2028b", "#N/A", "x" * 40_000, "   ",
    "&amp;&lt;", "Ö\u0301", "\U0001f600", "<![CDATA[x]]>",
]  # fmt: skip


def _entries(data: bytes) -> Entries:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def _pack(entries: Entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name it is told to write
        for info, data in entries:
            z.writestr(info, data)
    return out.getvalue()


_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def _xml_parts(entries: Entries, pattern: str = r".*\.(xml|rels)$") -> list[int]:
    return [i for i, (info, _) in enumerate(entries) if re.fullmatch(pattern, info.filename)]


def _edit(
    rng: random.Random, entries: Entries, pattern: str, edit: Callable[[bytes], bytes]
) -> Entries:
    """`edit` applied to one of the parts matching `pattern` that it changes, if any does."""
    choices = _xml_parts(entries, pattern) or _xml_parts(entries)
    rng.shuffle(choices)
    for i in choices:
        info, data = entries[i]
        edited = edit(data)
        if edited != data:
            return [*entries[:i], (info, edited), *entries[i + 1 :]]
    return entries


def _sub_one(
    rng: random.Random, data: bytes, pattern: bytes, make: Callable[[bytes], bytes]
) -> bytes:
    found = list(re.finditer(pattern, data, re.S))
    if not found:
        return data
    m = rng.choice(found)
    return data[: m.start()] + make(m.group(0)) + data[m.end() :]


# --- zip level ---------------------------------------------------------------------------------


def drop_entry(rng: random.Random, entries: Entries) -> Entries:
    # A worksheet as often as any other part: a sheet without its part (item 5 of issue #11).
    sheets = [i for i, (info, _) in enumerate(entries) if _SHEET.fullmatch(info.filename)]
    i = rng.choice(sheets if sheets and rng.random() < 0.5 else range(len(entries)))
    return entries[:i] + entries[i + 1 :]


def duplicate_entry(rng: random.Random, entries: Entries) -> Entries:
    # A second entry of one part (item 1 of issue #11): the same name, or one that differs in
    # case or in `\\` for `/`, holding an empty sheet, the part cut short, or the part itself.
    info, data = rng.choice(entries)
    name = rng.choice([info.filename, info.filename.upper(), info.filename.replace("/", "\\")])
    body = rng.choice([b"<worksheet><sheetData/></worksheet>", data[: len(data) // 2], data])
    copy = zipfile.ZipInfo(name, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    return [*entries, (copy, body)] if rng.random() < 0.5 else [(copy, body), *entries]


def sheet_kind(rng: random.Random, entries: Entries) -> Entries:
    # A worksheet made a chart, dialog or macro sheet by its relationship (item 5 of issue #11).
    kind = rng.choice((b"chartsheet", b"dialogsheet", b"macrosheet"))
    return _edit(
        rng,
        entries,
        r"xl/_rels/workbook\.xml\.rels",
        lambda d: _sub_one(rng, d, rb"relationships/worksheet\b", lambda m: m[:-9] + kind),
    )


def lzma_part(rng: random.Random, entries: Entries) -> Entries:
    # A part packed with LZMA or BZIP2 (item 4 of issue #11).
    i = rng.randrange(len(entries))
    info, data = entries[i]
    info.compress_type = rng.choice((zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2))
    return [*entries[:i], (info, data), *entries[i + 1 :]]


def truncate_file(rng: random.Random, entries: Entries) -> bytes:
    data = _pack(entries)
    return data[: rng.randrange(len(data))]


def flip_bytes(rng: random.Random, entries: Entries) -> bytes:
    data = bytearray(_pack(entries))
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def store_uncompressed(rng: random.Random, entries: Entries) -> Entries:
    out = []
    for info, data in entries:
        info.compress_type = zipfile.ZIP_STORED if rng.random() < 0.5 else zipfile.ZIP_DEFLATED
        out.append((info, data))
    return out


# --- XML level ---------------------------------------------------------------------------------


def truncate_part(rng: random.Random, entries: Entries) -> Entries:
    return _edit(rng, entries, r".*", lambda d: d[: rng.randrange(len(d) + 1)])


def drop_element(rng: random.Random, entries: Entries) -> Entries:
    names = rb"c|row|sheet|tableColumn|definedName|si|xf|Relationship|Override|col"
    tags = rb"<(" + names + rb")\b[^>]*?(/>|>.*?</\1>)"
    return _edit(rng, entries, r".*\.(xml|rels)$", lambda d: _sub_one(rng, d, tags, lambda m: b""))


def duplicate_element(rng: random.Random, entries: Entries) -> Entries:
    tags = rb"<(c|row|sheet|tableColumn|si|Relationship|col)\b[^>]*?(/>|>.*?</\1>)"
    return _edit(
        rng, entries, r".*\.(xml|rels)$", lambda d: _sub_one(rng, d, tags, lambda m: m + m)
    )


def change_attribute(rng: random.Random, entries: Entries) -> Entries:
    values = [b"XFD1048577", b"A0", b"999", b"-1", b"", b"s", b"e", b"b", b"str", b"inlineStr",
              b"A1:XFD1048576", b"Fel", b"Avtal", b"../../x.xml", b"1e309"]  # fmt: skip
    attr = rb'\b(r|s|t|ref|name|sheetId|Target|spans|count|numFmtId|state)="[^"]*"'

    def change(m: bytes) -> bytes:
        return m.split(b"=")[0] + b'="' + rng.choice(values) + b'"'

    return _edit(rng, entries, r".*\.(xml|rels)$", lambda d: _sub_one(rng, d, attr, change))


def insert_garbage(rng: random.Random, entries: Entries) -> Entries:
    garbage = [b"\x00", b"\xff\xfe", b"&bogus;", b"<!DOCTYPE x>", b"<x>", b"]]>", b"</worksheet>",
               b"\xc3", b"&#1;", b"<?xml version='1.0'?>"]  # fmt: skip

    def insert(d: bytes) -> bytes:
        at = rng.randrange(len(d) + 1)
        return d[:at] + rng.choice(garbage) + d[at:]

    return _edit(rng, entries, r".*\.(xml|rels)$", insert)


# --- value level -------------------------------------------------------------------------------


def change_number(rng: random.Random, entries: Entries) -> Entries:
    def change(m: bytes) -> bytes:
        return b"<v>" + rng.choice(_VALUES).encode() + b"</v>"

    return _edit(
        rng, entries, r"xl/worksheets/.*\.xml", lambda d: _sub_one(rng, d, rb"<v>[^<]*</v>", change)
    )


def change_text(rng: random.Random, entries: Entries) -> Entries:
    def change(m: bytes) -> bytes:
        text = rng.choice(_TEXTS).replace("&amp;&lt;", "\x00&amp;&lt;")
        return b"<t>" + text.encode("utf-8", "surrogatepass") + b"</t>"

    return _edit(
        rng,
        entries,
        r"xl/(sharedStrings|worksheets/.*)\.xml",
        lambda d: _sub_one(rng, d, rb"<t(?: [^>]*)?>[^<]*</t>", change),
    )


def change_cell_type(rng: random.Random, entries: Entries) -> Entries:
    types = [b' t="s"', b' t="b"', b' t="e"', b' t="str"', b' t="d"', b' t="n"', b""]

    def change(m: bytes) -> bytes:
        return re.sub(rb' t="[^"]*"', b"", m) + rng.choice(types)

    return _edit(
        rng,
        entries,
        r"xl/worksheets/.*\.xml",
        lambda d: _sub_one(rng, d, rb'<c r="[A-Z]+\d+"[^>/]*', change),
    )


MUTATIONS: list[Mutation] = [
    drop_entry,
    duplicate_entry,
    lzma_part,
    sheet_kind,
    truncate_file,
    flip_bytes,
    store_uncompressed,
    truncate_part,
    drop_element,
    duplicate_element,
    change_attribute,
    insert_garbage,
    change_number,
    change_number,
    change_text,
    change_cell_type,
]


def _mutant(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """One to three mutations of a book, and their names; one of the whole file comes last."""
    entries, names = _entries(data), []
    for _ in range(rng.choice((1, 1, 2, 3))):
        mutation = rng.choice(MUTATIONS)
        names.append(mutation.__name__)
        mutated = mutation(rng, entries)
        if isinstance(mutated, bytes):
            return mutated, names
        entries = mutated
    return _pack(entries), names


# --- checking what a run did -------------------------------------------------------------------


def _part_text(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read(name).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError):
        return ""


def _part_bytes(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def _tags(xml: str, name: str) -> list[dict[str, str]]:
    """The attributes of each `<name …>` tag (a quoted value may hold `>`)."""
    tags = re.findall(rf'<{name}\b((?:[^>"]|"[^"]*")*)>', xml)
    return [dict(re.findall(r'([\w:]+)="([^"]*)"', tag)) for tag in tags]


def _owned_parts(data: bytes) -> set[str]:
    """The worksheet parts (and their relationships) of the sheets a run writes."""
    rels = _tags(_part_text(data, "xl/_rels/workbook.xml.rels"), "Relationship")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    owned = set()
    for sheet in _tags(_part_text(data, "xl/workbook.xml"), "sheet"):
        name, rid = sheet.get("name"), sheet.get("r:id")
        if name in OWNED_SHEETS and rid in targets:
            part = targets[rid].lstrip("/")
            part = part if part.startswith("xl/") else "xl/" + part
            owned |= {part, part.replace("worksheets/", "worksheets/_rels/") + ".rels"}
    return owned


def _opens_in_openpyxl(path: Path) -> bool:
    """Whether openpyxl reads the package and every sheet's rows. Streaming: a full load makes a
    cell object for every cell a comment's or merge's range covers, and a mutant's range may
    cover the whole sheet."""
    try:
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            for sheet in book.worksheets:
                sheet.reset_dimensions()
                for _ in sheet.iter_rows(values_only=True):
                    pass
        finally:
            book.close()
    except Exception:
        return False
    return True


def _streams(data: bytes) -> dict[str, bytes]:
    """Each entry's stored (compressed) bytes, as they are: also those whose CRC is wrong."""
    streams = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            at = info.header_offset
            name_length, extra_length = struct.unpack("<HH", data[at + 26 : at + 30])
            start = at + 30 + name_length + extra_length
            streams[info.filename] = data[start : start + info.compress_size]
    return streams


def _check_run(mutant: bytes, path: Path, label: str) -> None:
    after = path.read_bytes()
    if after == mutant:
        return
    after_streams = _streams(after)
    owned = _owned_parts(mutant)
    for name, stream in _streams(mutant).items():
        if name in owned or SHARED_PARTS.fullmatch(name):
            continue
        if name == "_rels/.rels" and after_streams.get(name) != stream:
            # Only the relationship to the run's mark may be added.
            rels = _part_bytes(after, name)
            assert MARK_REL.subn(b"", rels) == (_part_bytes(mutant, name), 1), label
            continue
        assert after_streams.get(name) == stream, f"{label}: {name} changed or is gone"
    original = path.with_suffix(".mutant" + path.suffix)
    original.write_bytes(mutant)
    if _opens_in_openpyxl(original):
        assert _opens_in_openpyxl(path), f"{label}: openpyxl cannot open the result"


# --- the test ----------------------------------------------------------------------------------


def _sources(folder: Path) -> list[tuple[str, bytes]]:
    template = folder / "mall.xlsm"
    build_workbook(template)
    demo = folder / "demo.xlsx"
    build_workbook(demo, generate(12, seed=3, mistakes=False), today=DEMO_TODAY)
    # The demo three times over: its rows are where values meet the rules.
    books = [("mallen", template.read_bytes())] + [("demo", demo.read_bytes())] * 3
    return books + [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.xls*"))]


def _not_json(constant: str) -> object:
    raise AssertionError(f"{constant} in --json: not strict JSON")


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(args), out=out)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_fuzzed_books_never_crash_run_or_lose_what_the_run_does_not_own(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    sources = _sources(tmp_path)
    start_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    for n in range(MUTANTS):
        name, data = sources[n % len(sources)]
        mutant, names = _mutant(rng, data)
        label = f"mutant {n} ({' + '.join(names)} of {name})"
        suffix = ".xlsm" if name.endswith(".xlsm") or name == "mallen" else ".xlsx"
        path = tmp_path / f"bok{n}{suffix}"
        path.write_bytes(mutant)
        as_json = n % 2 == 0
        if n % 3 == 0:
            code, out, err = _run("check", str(path), "--today", TODAY, *(["--json"] * as_json))
            assert code in (0, 1, 2), label
            assert path.read_bytes() == mutant, f"{label}: check wrote the book"
        code, out, err = _run("run", str(path), "--today", TODAY, *(["--json"] * as_json))
        assert code in (0, 1, 2), label
        assert "Traceback" not in out + err, label
        if as_json:
            json.loads(out, parse_constant=_not_json)
        _check_run(mutant, path, label)
        for leftover in tmp_path.glob(".~avtalsbok-*"):
            pytest.fail(f"{label}: temp file {leftover.name} left behind")
        path.unlink()
        path.with_suffix(".mutant" + path.suffix).unlink(missing_ok=True)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start_memory
    assert grown < MEMORY_BOUND, f"peak memory grew by {grown // 2**20} MB"
