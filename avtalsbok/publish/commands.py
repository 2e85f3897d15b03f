"""The `kalender`, `katalog` and `ocds` commands: their arguments, loading the books, writing
the file, and what they say. `cli.py` only registers them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..core.words import counted, quoted

if TYPE_CHECKING:
    from .facts import BookExport

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace, TextIO], int]

_PATHS_HELP = "avtalsböcker, eller mappar som söks igenom med undermappar"


def add_publish_commands(
    sub: Any, add_book_options: Callable[[argparse.ArgumentParser, str], None]
) -> None:
    """Register the three commands on the `avtalsbok` parser's subparsers; `add_book_options`
    adds the options every command over many books has (`--include`, `--today`, `--json` …)."""
    today_help = "referensdatum ÅÅÅÅ-MM-DD (annars varje boks Idag)"
    p = sub.add_parser(
        "kalender",
        help="uppföljningsplanen som kalenderfil (.ics) för Outlook och andra kalendrar",
        description="Skriver uppföljningar, uppstartsmöten, förlängningsbeslut och kontroller "
        "av avvikelser som heldagshändelser i en .ics-fil. Importera filen igen när planen "
        "ändrats: samma händelse uppdateras i stället för att dubbleras.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="BOK|MAPP", help=_PATHS_HELP)
    p.add_argument(
        "-o", "--output", type=Path, metavar="FIL.ics", help="filen att skriva (annars stdout)"
    )
    p.add_argument("--owner", metavar="E-POST", help="bara den avtalsansvariges poster")
    add_book_options(p, today_help)

    p = sub.add_parser(
        "katalog",
        help="avtalskatalog: alla gällande avtal som en HTML-fil för alla som beställer",
        description="Skriver en fristående HTML-fil med alla gällande avtal: vad avtalet "
        "gäller, leverantör, kategori, period, förlängning kvar, hur man beställer och vem "
        "man frågar. Inga interna uppgifter (risk, avvikelser, årsvärde, fel) kommer med.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="MAPP|BOK", help=_PATHS_HELP)
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FIL.html", help="filen att skriva"
    )
    p.add_argument("--organisation", metavar="NAMN", help="namnet i rubriken")
    add_book_options(p, today_help)

    p = sub.add_parser(
        "ocds",
        help="avtalen som öppna data (OCDS 1.1, JSON)",
        description="Skriver ett OCDS 1.1-releasepaket (Open Contracting Data Standard) med "
        "en release per avtal. Risk, avvikelser och fel kommer inte med.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="BOK|MAPP", help=_PATHS_HELP)
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FIL.json", help="filen att skriva"
    )
    p.add_argument(
        "--publisher",
        metavar="NAMN",
        help="utgivarens namn (annars böckernas inställning Organisation)",
    )
    p.add_argument(
        "--ocid-prefix",
        metavar="PREFIX",
        help="OCID-prefix (ocds-xxxxxx) för böcker utan inställningen OCID-prefix",
    )
    p.add_argument("--uri", metavar="ADRESS", help="adressen där filen publiceras")
    add_book_options(p, today_help)


@dataclass(frozen=True)
class _Loaded:
    books: list[BookExport]
    unreadable: list[tuple[str, str]]
    with_errors: int


def _load(args: argparse.Namespace) -> _Loaded | str:
    """The books' exports, or a usage error message."""
    from ..batch.discover import find_books
    from ..batch.pool import Job, run_books
    from ..batch.progress import progress_for
    from ..report.records import BookStatus, unit_of
    from ..workbook.targets import refusal

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        return f"{missing[0]} finns inte"
    output: Path | None = args.output
    if output is not None and not output.parent.is_dir():
        return f"mappen för filen finns inte: {output.parent}"
    if output is not None and (why := refusal(output)) is not None:
        return why
    found = find_books(args.paths, args.include, args.exclude, skip=[output] if output else [])
    if not found.books:
        return "inga arbetsböcker hittades (se --include och --exclude)"
    jobs = [Job(path, unit_of(path, root)) for path, root in found.books]
    records = run_books(
        jobs,
        progress_for(sys.stderr),
        today=args.today,
        write=False,
        workers=args.workers,
        export=True,
    )
    unreadable = [(r.path, r.problem) for r in records if r.export is None]
    unreadable += [(str(p), why) for p, why in found.problems]
    errors = sum(1 for r in records if r.status is BookStatus.ERRORS)
    return _Loaded([r.export for r in records if r.export], unreadable, errors)


def _usage(message: str) -> int:
    print(f"avtalsbok: fel: {message}", file=sys.stderr)
    return EXIT_USAGE


def _finish(
    args: argparse.Namespace, loaded: _Loaded, count: int, noun: str, stream: TextIO
) -> int:
    """Say what was written (`count` events or contracts) and what was left out; the exit
    code."""
    output: Path | None = args.output
    if args.json:
        summary = {
            "file": str(output) if output else None,
            "books": len(loaded.books) + len(loaded.unreadable),
            "items": count,
            "books_with_errors": loaded.with_errors,
            "unreadable": [{"path": p, "reason": why} for p, why in loaded.unreadable],
        }
        json.dump(summary, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    elif output is not None:
        print(f"{output}: {count} {noun}", file=stream)
    for path, why in loaded.unreadable:
        print(f"Kan inte läsas, inte med: {path}: {why}", file=sys.stderr)
    if loaded.with_errors:
        print(
            f"{counted(loaded.with_errors, 'avtalsbok har', 'avtalsböcker har')} fel "
            "(se bladet Fel); deras avtal är med "
            "som de står.",
            file=sys.stderr,
        )
    return EXIT_ERRORS if loaded.unreadable or loaded.with_errors else EXIT_OK


def _today(args: argparse.Namespace, books: Sequence[BookExport]) -> date:
    """The reference date of the export: `--today`, else the latest of the books' dates."""
    given: date | None = args.today
    return given or max((b.today for b in books), default=date.today())


def kalender(args: argparse.Namespace, stream: TextIO) -> int:
    from ..mail.sanitize import AddressError, address
    from ..workbook.atomic import WriteError
    from .ics import calendar_bytes, owner_items
    from .output import save

    if args.output is None and args.json:
        return _usage("--json kräver -o (kalendern skrivs annars på stdout)")
    owner = None
    if args.owner is not None:
        try:
            owner = address(args.owner).addr_spec
        except AddressError as exc:
            return _usage(str(exc))
    loaded = _load(args)
    if isinstance(loaded, str):
        return _usage(loaded)
    data = calendar_bytes(loaded.books, _today(args, loaded.books), owner)
    count = sum(1 for _ in owner_items(loaded.books, owner))
    if args.output is None:
        _write_bytes(stream, data)
    else:
        try:
            save(args.output, data)
        except WriteError as exc:
            return _usage(f"kalendern kunde inte skrivas: {exc}")
    return _finish(args, loaded, count, "händelser", stream)


def katalog(args: argparse.Namespace, stream: TextIO) -> int:
    from ..workbook.atomic import WriteError
    from .katalog import catalogue_html
    from .output import save

    loaded = _load(args)
    if isinstance(loaded, str):
        return _usage(loaded)
    html = catalogue_html(loaded.books, _today(args, loaded.books), args.organisation or "")
    try:
        save(args.output, html.encode())
    except WriteError as exc:
        return _usage(f"avtalskatalogen kunde inte skrivas: {exc}")
    count = sum(c.in_force for b in loaded.books for c in b.contracts)
    return _finish(args, loaded, count, "gällande avtal", stream)


def ocds(args: argparse.Namespace, stream: TextIO) -> int:
    from ..core.settingvalues import OCID_PREFIX
    from ..workbook.atomic import WriteError
    from .ocds import Publisher, PublishError, release_package
    from .output import save

    prefix = args.ocid_prefix
    if prefix is not None and not OCID_PREFIX.fullmatch(prefix.lower()):
        return _usage(f"{quoted(prefix)} är inget OCID-prefix (ocds- och sex tecken)")
    if args.uri is not None and not _absolute_uri(args.uri):
        return _usage(f"{quoted(args.uri)} är ingen fullständig adress (t.ex. https://…)")
    loaded = _load(args)
    if isinstance(loaded, str):
        return _usage(loaded)
    name = args.publisher or next((b.organisation for b in loaded.books if b.organisation), "")
    if not name:
        return _usage("ange utgivaren med --publisher eller Organisation under Inställningar")
    publisher = Publisher(name, (prefix or "").lower(), args.uri or "")
    try:
        package = release_package(loaded.books, _today(args, loaded.books), publisher)
    except PublishError as exc:
        return _usage(str(exc))
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    try:
        save(args.output, text.encode())
    except WriteError as exc:
        return _usage(f"filen kunde inte skrivas: {exc}")
    with_id = sum(1 for b in loaded.books for c in b.contracts if c.contract_id)
    if shared := with_id - len(package["releases"]):
        print(
            f"{shared} avtal har samma Avtals-ID som ett avtal i en annan bok och publicerades "
            "bara en gång (det första, i böckernas ordning).",
            file=sys.stderr,
        )
    return _finish(args, loaded, len(package["releases"]), "avtal (OCDS-releaser)", stream)


def _write_bytes(stream: TextIO, data: bytes) -> None:
    """`data` as it is on a text stream: through its byte buffer where it has one, so that a
    console's encoding (cp1252) or newline translation (Windows: CRLF becomes CR CR LF) cannot
    change or refuse a file meant for another program."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(data.decode())
    else:
        stream.flush()
        buffer.write(data)
        buffer.flush()


def _absolute_uri(text: str) -> bool:
    """A URI with a scheme (`https://…`, `urn:…`) and no spaces, as OCDS wants `uri`."""
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    return bool(parts.scheme) and len(parts.scheme) > 1 and not any(c.isspace() for c in text)


PUBLISH_COMMANDS: dict[str, Handler] = {"kalender": kalender, "katalog": katalog, "ocds": ocds}
