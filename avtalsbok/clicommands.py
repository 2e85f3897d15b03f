"""The `avtalsbok` command's commands and their arguments, with their help texts in Swedish
(what each command does: `cli`)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from .cliparser import Parser
from .core.words import quoted
from .publish.commands import add_publish_commands


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} är inget datum (ÅÅÅÅ-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="avtalsbok",
        description="Avtalsuppföljning: kontrollera och uppdatera avtalsböcker i Excel.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=Parser, metavar="KOMMANDO", title="kommandon"
    )

    p = sub.add_parser("new", help="skapa en ny avtalsbok från mallen (.xlsx eller .xlsm)")
    p.add_argument("path", type=Path)
    p.add_argument("--force", action="store_true", help="skriv över en befintlig fil")

    for name, text in (
        ("check", "läs och kontrollera en avtalsbok; skriver ingenting"),
        ("run", "kontrollera och uppdatera en avtalsbok (beräknade kolumner och blad)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("path", type=Path)
        p.add_argument("--today", type=_date, help="referensdatum ÅÅÅÅ-MM-DD (annars Idag)")
        p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")

    p = sub.add_parser("demo", help="skapa en demo-avtalsbok med exempeldata och kör den")
    p.add_argument("dir", nargs="?", type=Path, default=Path("demo"))
    p.add_argument(
        "--contracts",
        type=_count,
        default=700,
        help="antal avtal (standard 700; från 100 avtal finns några vanliga misstag med)",
    )
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("template", help="bygg mallarna avtalsbok.xlsx och avtalsbok.xlsm")
    p.add_argument("dir", nargs="?", type=Path, default=Path("templates"))
    _add_headless_commands(sub)
    _add_addin_commands(sub)
    add_publish_commands(sub, _add_book_options)
    return parser


def _whole(text: str, low: int, high: int | None, out_of_range: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} är inget heltal") from None
    if value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(out_of_range)
    return value


def _count(text: str) -> int:
    return _whole(text, 1, None, "ska vara minst 1")


def _days(text: str) -> int:
    return _whole(text, 0, 366, "ska vara mellan 0 och 366 dagar")


def _add_book_options(p: argparse.ArgumentParser, today_help: str) -> None:
    p.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="MÖNSTER",
        help="ta bara med filer som matchar (t.ex. '*avtal*.xlsx'); standard *.xlsx och *.xlsm",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="MÖNSTER",
        help="hoppa över filer eller sökvägar som matchar (t.ex. 'Arkiv/*')",
    )
    p.add_argument(
        "--workers", type=_count, help="antal parallella processer (standard: en per kärna)"
    )
    p.add_argument("--today", type=_date, help=today_help)
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def _add_mail_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "e-post",
        "Utan e-postserver skrivs meddelandena som .eml-filer i utkorgen. Lösenordet läses "
        "bara från miljövariabeln AVTALSBOK_SMTP_PASSWORD.",
    )
    g.add_argument("--smtp-host", metavar="VÄRD", help="e-postserver (AVTALSBOK_SMTP_HOST)")
    g.add_argument("--smtp-port", type=int, metavar="PORT", help="port (AVTALSBOK_SMTP_PORT)")
    g.add_argument("--smtp-user", metavar="ANVÄNDARE", help="inloggning (AVTALSBOK_SMTP_USER)")
    g.add_argument(
        "--smtp-security",
        choices=("starttls", "tls", "none"),
        help="starttls (standard, port 587), tls (port 465) eller none (AVTALSBOK_SMTP_SECURITY)",
    )
    g.add_argument(
        "--smtp-cafile",
        type=Path,
        metavar="FIL",
        help="egen CA att lita på (AVTALSBOK_SMTP_CAFILE)",
    )
    g.add_argument("--mail-from", metavar="ADRESS", help="avsändare (AVTALSBOK_MAIL_FROM)")
    g.add_argument(
        "--outbox", type=Path, metavar="MAPP", help="utkorg för .eml-filer (AVTALSBOK_OUTBOX)"
    )
    g.add_argument(
        "--max-attachment-mb",
        type=float,
        metavar="MB",
        help="största bilaga i MB (AVTALSBOK_MAIL_MAX_MB, standard 10)",
    )
    g.add_argument(
        "--force", action="store_true", help="skicka även det som redan har skickats samma dag"
    )


def _add_headless_commands(sub: Any) -> None:
    p = sub.add_parser(
        "batch", help="kör alla avtalsböcker i en eller flera mappar, t.ex. på en delad disk"
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="MAPP")
    _add_book_options(p, "referensdatum ÅÅÅÅ-MM-DD för alla böcker (annars varje boks Idag)")
    p.add_argument("--report", type=Path, metavar="FIL", help="skriv en samlad rapport (.xlsx)")
    p.add_argument("--katalog", type=Path, metavar="FIL", help="skriv avtalskatalogen (.html)")
    p.add_argument("--dry-run", action="store_true", help="kontrollera bara; skriv inga böcker")
    p.add_argument(
        "--mail",
        action="store_true",
        help="skicka rapporten till böckernas Rapportmottagare (kräver --report)",
    )
    p.add_argument(
        "--mail-to",
        action="append",
        default=[],
        metavar="ADRESS",
        help="skicka rapporten hit (kan upprepas; kräver --report)",
    )
    _add_mail_options(p)

    p = sub.add_parser("report", help="samlad rapport över avtalsböcker; skriver inga böcker")
    p.add_argument("paths", nargs="+", type=Path, metavar="SÖKVÄG")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FIL")
    _add_book_options(p, "referensdatum ÅÅÅÅ-MM-DD för alla böcker (annars varje boks Idag)")

    p = sub.add_parser("mail", help="skicka en rapport med e-post")
    p.add_argument("report", type=Path, metavar="RAPPORT")
    p.add_argument("--to", action="append", required=True, metavar="ADRESS")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    _add_mail_options(p)

    p = sub.add_parser(
        "remind", help="påminn varje avtalsansvarig om uppföljningar, beslut och avvikelser"
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="SÖKVÄG")
    p.add_argument(
        "--days", type=_days, default=14, help="uppföljningar inom så många dagar (standard 14)"
    )
    _add_book_options(p, "referensdatum ÅÅÅÅ-MM-DD (annars varje boks Idag)")
    _add_mail_options(p)


def _add_addin_commands(sub: Any) -> None:
    p = sub.add_parser("addin", help="bygg Excel-tillägget avtalsbok.xlam (fliken Avtalsbok)")
    p.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("templates"),
        metavar="MAPP",
        help="mappen där avtalsbok.xlam skrivs (standard templates)",
    )

    p = sub.add_parser(
        "init", help="gör en egen arbetsbok till en avtalsbok (lägger bara till det som saknas)"
    )
    p.add_argument("path", type=Path, metavar="FIL", help="arbetsboken (.xlsx eller .xlsm)")
    p.add_argument(
        "--today",
        type=_date,
        help="dagen avtalsboken börjar användas ÅÅÅÅ-MM-DD (Uppföljningar räknas från; "
        "annars dagens datum)",
    )
