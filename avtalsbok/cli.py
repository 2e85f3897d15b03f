"""The `avtalsbok` command: dispatch and exit codes (its commands and arguments: `clicommands`;
printing: `cliout`).

Exit codes: 0 no errors, 1 findings at error level (or, for a batch, a book skipped),
2 usage error or an unusable file, 128 + the signal when stopped (130 for Ctrl+C).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from . import interrupt
from .clicommands import build_parser
from .cliout import render_batch, render_book, render_mail, render_reminders, render_report
from .gcpause import paused_gc
from .interrupt import stop_on_signals
from .publish.commands import PUBLISH_COMMANDS

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    _escape_what_cannot_be_printed()
    args = build_parser().parse_args(argv)
    try:
        # Each command loads its modules only when it runs, and creates thousands of objects
        # on the way that it keeps: no cycle collection while it does (see `paused_gc`).
        with stop_on_signals(), paused_gc():
            return _command(args, out)
    except KeyboardInterrupt as stop:
        print(interrupt.MESSAGE, file=sys.stderr)
        return interrupt.exit_code(stop)
    except BrokenPipeError:
        # Whoever read the output went away (`avtalsbok check … | head`): the work is done,
        # what is left to print goes nowhere, and Python's own flush at exit must not fail.
        if out is None:
            with suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _escape_what_cannot_be_printed() -> None:
    """A console or redirect that cannot encode a character of a path or a cell (a cp1252 log
    on Windows, a file name that is not UTF-8) prints its escape, `\\u202e`, which is also
    that character in JSON, instead of stopping with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def _command(args: argparse.Namespace, out: TextIO | None) -> int:
    stream = out or sys.stdout
    command: str = args.command
    if command in ("new", "template", "addin"):  # the commands that pack the VBA modules
        from .workbook.vbaproject import MacrosMissing

        try:
            if command == "new":
                return _new(args.path, args.force, stream)
            return _template(args.dir, stream) if command == "template" else _addin(args, stream)
        except MacrosMissing as exc:
            print(f"avtalsbok: fel: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if command in ("check", "run"):
        from .workbook.runner import process

        outcome = process(args.path, today=args.today, write=command == "run", reuse=True)
        render_book(outcome, args.json, stream)
        return outcome.exit_code
    if command == "demo":
        return _demo(args.dir, args.contracts, args.json, stream)
    if command in _HEADLESS:
        return _HEADLESS[command](args, stream)
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


def _template(folder: Path, stream: TextIO) -> int:
    from .workbook.template import build_template

    folder.mkdir(parents=True, exist_ok=True)
    for suffix in (".xlsx", ".xlsm"):
        target = folder / f"avtalsbok{suffix}"
        build_template(target)
        print(f"Mallen byggd: {target}", file=stream)
    return EXIT_OK


def _demo(folder: Path, contracts: int, as_json: bool, stream: TextIO) -> int:
    from .demo import DEMO_TODAY, MIN_CONTRACTS_WITH_MISTAKES, generate
    from .workbook.runner import process
    from .workbook.template import build_workbook

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "avtalsbok-demo.xlsx"
    mistakes = contracts >= MIN_CONTRACTS_WITH_MISTAKES
    build_workbook(path, generate(contracts, mistakes=mistakes), today=DEMO_TODAY)
    outcome = process(path)
    render_book(outcome, as_json, stream)
    if not as_json:
        print(f"\nDemo-avtalsboken finns här: {path.resolve()}", file=stream)
    return EXIT_OK if outcome.usable and not outcome.blocked else outcome.exit_code


# ---------------------------------------------------------------------------------------------
# Many books at once: batch, report, mail, remind


def _usage_error(message: str) -> int:
    print(f"avtalsbok: fel: {message}", file=sys.stderr)
    return EXIT_USAGE


def _mail_settings(args: argparse.Namespace) -> Any:
    import os

    from .mail.transport import MailSettings

    return MailSettings.from_env(
        os.environ,
        host=args.smtp_host,
        port=args.smtp_port,
        user=args.smtp_user,
        security=args.smtp_security,
        sender=args.mail_from,
        outbox=args.outbox,
        max_mb=args.max_attachment_mb,
        cafile=args.smtp_cafile,
    )


def _missing(paths: Sequence[Path]) -> list[Path]:
    return [p for p in paths if not p.exists()]


def _batch(args: argparse.Namespace, stream: TextIO) -> int:
    from .batch.progress import progress_for
    from .batch.run import BatchOptions, run_batch
    from .mail.sanitize import AddressError, addresses
    from .mail.transport import MailError
    from .workbook.targets import refusal

    mailing = bool(args.mail or args.mail_to)
    if mailing and args.report is None:
        return _usage_error("--mail och --mail-to kräver --report")
    if missing := _missing(args.paths):
        return _usage_error(f"{missing[0]} finns inte")
    if args.report is not None and not args.report.parent.is_dir():
        return _usage_error(f"mappen för rapporten finns inte: {args.report.parent}")
    if args.report is not None and (why := _report_refusal(args.report)) is not None:
        return _usage_error(f"rapporten kan inte skrivas: {why}")
    if args.katalog is not None and not args.katalog.parent.is_dir():
        return _usage_error(f"mappen för avtalskatalogen finns inte: {args.katalog.parent}")
    if args.katalog is not None and (why := refusal(args.katalog)) is not None:
        return _usage_error(f"avtalskatalogen kan inte skrivas: {why}")
    try:
        settings = _mail_settings(args) if mailing else None
        addresses(args.mail_to)
    except (MailError, AddressError) as exc:
        return _usage_error(str(exc))
    options = BatchOptions(
        paths=args.paths,
        today=args.today or date.today(),
        fixed_today=args.today is not None,
        include=args.include,
        exclude=args.exclude,
        report=args.report,
        katalog=args.katalog,
        dry_run=args.dry_run,
        workers=args.workers,
        mail=mailing,
        mail_to=args.mail_to,
        force=args.force,
    )
    result = run_batch(options, progress_for(sys.stderr), mail_settings=settings)
    if not result.records and not result.problems:
        return _usage_error("inga arbetsböcker hittades (se --include och --exclude)")
    render_batch(result, args.json, stream)
    return result.exit_code


def _report_refusal(path: Path) -> str | None:
    """Why the report may not replace `path`: a folder, or a workbook but an earlier report."""
    from .report import REPORT_CATEGORY
    from .workbook.targets import refusal

    return refusal(path, own_category=REPORT_CATEGORY)


def _report_command(args: argparse.Namespace, stream: TextIO) -> int:
    from .batch.discover import find_books
    from .batch.pool import Job, run_books
    from .batch.progress import progress_for
    from .report.records import BookStatus, reference_date, unit_of
    from .report.totals import Totals
    from .report.workbook import write_report
    from .workbook.atomic import WriteError

    if missing := _missing(args.paths):
        return _usage_error(f"{missing[0]} finns inte")
    if not args.output.parent.is_dir():
        return _usage_error(f"mappen för rapporten finns inte: {args.output.parent}")
    if (why := _report_refusal(args.output)) is not None:
        return _usage_error(f"rapporten kan inte skrivas: {why}")
    found = find_books(args.paths, args.include, args.exclude, skip=[args.output])
    if not found.books:
        return _usage_error("inga arbetsböcker hittades (se --include och --exclude)")
    jobs = [Job(path, unit_of(path, root)) for path, root in found.books]
    records = run_books(
        jobs, progress_for(sys.stderr), today=args.today, write=False, workers=args.workers
    )
    today = reference_date(records, args.today)
    try:
        write_report(args.output, records, today)
    except WriteError as exc:
        return _usage_error(f"rapporten kunde inte skrivas: {exc}")
    totals = Totals.of(records, today)
    render_report(args.output, totals, args.json, stream)
    fine = all(r.status is BookStatus.OK for r in records) and not found.problems
    return EXIT_OK if fine else EXIT_ERRORS


def _mail_command(args: argparse.Namespace, stream: TextIO) -> int:
    from datetime import datetime

    from .mail.message import AttachmentTooLarge
    from .mail.sanitize import AddressError
    from .mail.send import send_report
    from .mail.transport import MailError
    from .report.workbook import read_key_figures

    if not args.report.is_file():
        return _usage_error(f"{args.report} finns inte")
    try:
        settings = _mail_settings(args)
        day, figures = read_key_figures(args.report)
        deliveries = send_report(
            args.report,
            day,
            figures,
            args.to,
            settings,
            now=datetime.now().replace(microsecond=0),
            force=args.force,
        )
    except (MailError, AddressError, AttachmentTooLarge, ValueError, OSError) as exc:
        return _usage_error(str(exc))
    render_mail(deliveries, args.json, stream)
    failed = not all(d.done for d in deliveries)
    return EXIT_ERRORS if failed else EXIT_OK


def _remind(args: argparse.Namespace, stream: TextIO) -> int:
    from datetime import datetime

    from .batch.discover import find_books
    from .batch.pool import Job, run_books
    from .batch.progress import progress_for
    from .mail.sanitize import AddressError
    from .mail.send import send_reminders
    from .mail.transport import MailError
    from .report.records import BookStatus, reference_date, unit_of

    if missing := _missing(args.paths):
        return _usage_error(f"{missing[0]} finns inte")
    try:
        settings = _mail_settings(args)
    except MailError as exc:
        return _usage_error(str(exc))
    found = find_books(args.paths, args.include, args.exclude)
    if not found.books:
        return _usage_error("inga arbetsböcker hittades (se --include och --exclude)")
    jobs = [Job(path, unit_of(path, root)) for path, root in found.books]
    records = run_books(
        jobs,
        progress_for(sys.stderr),
        today=args.today,
        write=False,
        due_days=args.days,
        workers=args.workers,
        export=True,
    )
    try:
        digests, deliveries = send_reminders(
            records,
            reference_date(records, args.today),
            args.days,
            settings,
            now=datetime.now().replace(microsecond=0),
            force=args.force,
        )
    except (MailError, AddressError) as exc:
        return _usage_error(str(exc))
    unreadable = [r for r in records if r.status is BookStatus.UNREADABLE]
    render_reminders(len(records), unreadable, digests, deliveries, args.json, stream)
    failed = not all(d.done for d in deliveries)
    return EXIT_ERRORS if failed or unreadable else EXIT_OK


def _addin(args: argparse.Namespace, stream: TextIO) -> int:
    from .workbook.addin import ADDIN_NAME, build_addin
    from .workbook.atomic import WriteError

    try:
        args.dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _usage_error(f"{args.dir} är ingen mapp och kan inte skapas")
    target = args.dir / ADDIN_NAME
    try:
        build_addin(target)
    except WriteError as exc:
        return _usage_error(f"tillägget kunde inte skrivas: {exc}")
    print(f"Tillägget byggt: {target}", file=stream)
    return EXIT_OK


def _init(args: argparse.Namespace, stream: TextIO) -> int:
    from .workbook.adopt import adopt_file
    from .workbook.atomic import WriteError

    try:
        adoption = adopt_file(args.path, args.today)
    except WriteError as exc:
        return _usage_error(f"{args.path} ändrades inte: {exc}")
    if adoption.problems:
        return _usage_error(f"{args.path}: " + " ".join(adoption.problems))
    if not adoption.added:
        print(f"{args.path} är redan en avtalsbok: inget ändrades.", file=stream)
        return EXIT_OK
    print(f"{args.path} är nu en avtalsbok. Tillagt:", file=stream)
    for line in adoption.added:
        print(f"  {line}", file=stream)
    return EXIT_OK


_HEADLESS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "batch": _batch,
    "report": _report_command,
    "mail": _mail_command,
    "remind": _remind,
    "addin": _addin,
    "init": _init,
    **PUBLISH_COMMANDS,
}


if __name__ == "__main__":
    raise SystemExit(main())
