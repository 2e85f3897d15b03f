"""The `avtalsbok` command: argument parsing, rendering and exit codes only.

Exit codes: 0 no errors, 1 findings at error level (or, for a batch, a book skipped),
2 usage error or an unusable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .workbook.runner import Outcome

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
MAX_LISTED = 200


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inget datum (ÅÅÅÅ-MM-DD)") from None


class _Parser(argparse.ArgumentParser):
    """argparse with Swedish-friendly errors and exit code 2 for usage errors."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"avtalsbok: fel: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="avtalsbok",
        description="Avtalsuppföljning: kontrollera och uppdatera avtalsböcker i Excel.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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
    p.add_argument("--contracts", type=int, default=700, help="antal avtal (standard 700)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("template", help="bygg mallarna avtalsbok.xlsx och avtalsbok.xlsm")
    p.add_argument("dir", nargs="?", type=Path, default=Path("templates"))
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    stream = out or sys.stdout
    command: str = args.command
    if command == "new":
        return _new(args.path, args.force, stream)
    if command in ("check", "run"):
        from .workbook.runner import process

        outcome = process(args.path, today=args.today, write=command == "run")
        _report(outcome, args.json, stream)
        return outcome.exit_code
    if command == "demo":
        return _demo(args.dir, args.contracts, args.json, stream)
    if command == "template":
        from .workbook.template import build_template

        args.dir.mkdir(parents=True, exist_ok=True)
        for suffix in (".xlsx", ".xlsm"):
            target = args.dir / f"avtalsbok{suffix}"
            build_template(target)
            print(f"Mallen byggd: {target}", file=stream)
        return EXIT_OK
    raise AssertionError(command)  # argparse only lets known commands through


def _new(path: Path, force: bool, stream: TextIO) -> int:
    from .workbook.template import build_workbook

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        print("avtalsbok: fel: filen ska sluta på .xlsx eller .xlsm", file=sys.stderr)
        return EXIT_USAGE
    if path.exists() and not force:
        print(
            f"avtalsbok: fel: {path} finns redan (använd --force för att skriva över)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(path)
    print(f"Ny avtalsbok: {path}", file=stream)
    return EXIT_OK


def _demo(folder: Path, contracts: int, as_json: bool, stream: TextIO) -> int:
    from .demo import DEMO_TODAY, generate
    from .workbook.runner import process
    from .workbook.template import build_workbook

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "avtalsbok-demo.xlsx"
    build_workbook(path, generate(contracts), today=DEMO_TODAY)
    outcome = process(path)
    _report(outcome, as_json, stream)
    if not as_json:
        print(f"\nDemo-avtalsboken finns här: {path.resolve()}", file=stream)
    return EXIT_OK if outcome.usable and not outcome.blocked else outcome.exit_code


def _report(outcome: Outcome, as_json: bool, stream: TextIO) -> None:
    if as_json:
        json.dump(outcome.to_json(), stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
        return
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=True)
    console.print(f"[bold]Avtalsbok:[/bold] {outcome.path}")
    result = outcome.result
    if result is not None:
        s = result.summary()
        console.print(
            f"Idag {s['today']} · {s['contracts']} avtal ({s['active']} aktiva) · "
            f"prioritet 1/2/3: {'/'.join(str(n) for n in s['tiers'])}"
        )
        console.print(
            f"Försenade uppföljningar {s['follow_ups_overdue']} · inom 30 dagar "
            f"{s['follow_ups_due_30']} · löper ut {s['expiring']} · förlängningsbeslut "
            f"{s['extension_decisions']} · öppna avvikelser {s['open_deviations']} "
            f"({s['overdue_action_plans']} med passerad åtgärdsplan)"
        )
    errors = outcome.errors
    warnings = len(outcome.findings) - errors
    colour = "red" if errors else ("yellow" if warnings else "green")
    console.print(f"[{colour}]{errors} fel, {warnings} varningar[/{colour}]")
    if outcome.written:
        console.print("Arbetsboken är uppdaterad.")
    by_sheet: dict[str, list[Any]] = {}
    for f in outcome.findings[:MAX_LISTED]:
        by_sheet.setdefault(f.sheet or "Arbetsboken", []).append(f)
    for sheet, items in by_sheet.items():
        console.print(f"\n[bold]{sheet}[/bold]")
        for f in items:
            where = " ".join(x for x in (f"rad {f.row}" if f.row else "", f.column or "") if x)
            style = "red" if f.is_error else "yellow"
            label = "Fel" if f.is_error else "Varning"
            console.print(
                f"  [{style}]{label:7}[/{style}] {where:10} {f.message} [dim]({f.code})[/dim]"
            )
    if len(outcome.findings) > MAX_LISTED:
        console.print(f"\n… och {len(outcome.findings) - MAX_LISTED} till: se bladet Fel.")


if __name__ == "__main__":
    raise SystemExit(main())
