"""One batch run: find the books, bring each up to date in parallel, write the report and
send it, and sum it all up for the summary, `--json` and the exit code."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..mail.deliver import Delivery
from ..mail.message import AttachmentTooLarge
from ..mail.sanitize import AddressError, address
from ..mail.send import send_report
from ..mail.transport import MailError, MailSettings
from ..publish.katalog import catalogue_html
from ..publish.output import save
from ..report.records import BookRecord, BookStatus, reference_date, unit_of
from ..report.totals import Totals
from ..report.workbook import write_report
from ..workbook.atomic import WriteError
from .discover import find_books
from .pool import Job, run_books
from .progress import Progress, per_minute


@dataclass(frozen=True)
class BatchOptions:
    """What the procurement manager asked for."""

    paths: Sequence[Path]
    today: date
    fixed_today: bool = False
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    report: Path | None = None
    katalog: Path | None = None
    dry_run: bool = False
    workers: int | None = None
    mail: bool = False
    mail_to: Sequence[str] = ()
    force: bool = False


@dataclass
class BatchResult:
    """Everything a batch did."""

    options: BatchOptions
    records: list[BookRecord]
    totals: Totals
    #: folders that could not be searched: (path, reason)
    problems: list[tuple[Path, str]] = field(default_factory=list)
    elapsed: float = 0.0
    report_written: bool = False
    report_error: str = ""
    katalog_written: bool = False
    katalog_error: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    mail_error: str = ""
    #: why no mail was sent although it was asked for, when that is not a failure
    mail_note: str = ""

    @property
    def all_fine(self) -> bool:
        t = self.totals
        return (
            t.ok == t.books
            and not self.problems
            and not self.report_error
            and not self.katalog_error
            and not self.mail_error
            and all(d.done for d in self.deliveries)
        )

    @property
    def exit_code(self) -> int:
        """0 when every book is fine and everything asked for was done, else 1."""
        return 0 if self.all_fine else 1

    @property
    def books_per_minute(self) -> float:
        return per_minute(len(self.records), self.elapsed)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.totals.to_json(),
            "dry_run": self.options.dry_run,
            "elapsed_s": round(self.elapsed, 2),
            "books_per_minute": round(self.books_per_minute, 1),
            "report": str(self.options.report) if self.report_written else None,
            "report_error": self.report_error or None,
            "katalog": str(self.options.katalog) if self.katalog_written else None,
            "katalog_error": self.katalog_error or None,
            "mail": [d.to_json() for d in self.deliveries],
            "mail_error": self.mail_error or None,
            "mail_note": self.mail_note or None,
            "problems": [{"path": str(p), "reason": r} for p, r in self.problems],
            "items": [r.to_json() for r in self.records],
        }


def run_batch(
    options: BatchOptions,
    progress: Progress,
    *,
    mail_settings: MailSettings | None = None,
    now: datetime | None = None,
    context: ssl.SSLContext | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> BatchResult:
    """Run every book under `options.paths`; write and mail the report and write the
    catalogue when asked (not when no book was found)."""
    started = clock()
    skip = [p for p in (options.report, options.katalog) if p is not None]
    found = find_books(options.paths, options.include, options.exclude, skip)
    jobs = [Job(path, unit_of(path, root)) for path, root in found.books]
    records = run_books(
        jobs,
        progress,
        today=options.today if options.fixed_today else None,
        write=not options.dry_run,
        workers=options.workers,
        export=options.katalog is not None,
    )
    today = reference_date(records, options.today if options.fixed_today else None)
    result = BatchResult(options, records, Totals.of(records, today), found.problems)
    if options.report is not None and records:
        try:
            write_report(options.report, records, today)
            result.report_written = True
        except WriteError as exc:
            result.report_error = str(exc)
    if options.katalog is not None and records:
        _katalog(result, options.katalog)
    if options.mail and result.report_written and options.report is not None:
        _mail(result, options.report, mail_settings or MailSettings(), now, context)
    result.elapsed = clock() - started
    return result


def _katalog(result: BatchResult, target: Path) -> None:
    """The contract catalogue of the books as they are after the run (their exports were made
    from the same results the books were written with)."""
    books = [r.export for r in result.records if r.export is not None]
    html = catalogue_html(books, result.totals.today)
    try:
        save(target, html.encode())
        result.katalog_written = True
    except WriteError as exc:
        result.katalog_error = str(exc)


def recipients_of(
    options: BatchOptions, records: Sequence[BookRecord]
) -> tuple[list[str], list[str]]:
    """`--mail-to`, or else every book's `Rapportmottagare` (each once, in order); and the
    books' addresses that cannot be mailed to (left out)."""
    if options.mail_to:
        return list(options.mail_to), []
    usable: dict[str, None] = {}
    unusable: dict[str, None] = {}
    for r in sorted(records, key=lambda r: (r.unit, r.file_name)):
        if r.status is not BookStatus.UNREADABLE:
            for email in r.recipients:
                try:
                    usable.setdefault(address(email).addr_spec, None)
                except AddressError:
                    unusable.setdefault(email, None)
    return list(usable), list(unusable)


def _mail(
    result: BatchResult,
    report: Path,
    settings: MailSettings,
    now: datetime | None,
    context: ssl.SSLContext | None,
) -> None:
    if result.options.dry_run:
        result.mail_note = "ingen e-post skickas vid --dry-run"
        return
    recipients, unusable = recipients_of(result.options, result.records)
    if unusable:
        result.mail_note = "kan inte skicka till Rapportmottagare " + ", ".join(unusable)
    if not recipients:
        result.mail_error = (
            "ingen mottagare: ange --mail-to eller Rapportmottagare i avtalsböckernas Inställningar"
        )
        return
    try:
        result.deliveries = send_report(
            report,
            result.totals.today,
            result.totals.key_figures(),
            recipients,
            settings,
            now=now or datetime.now().replace(microsecond=0),
            force=result.options.force,
            context=context,
        )
    except (AddressError, AttachmentTooLarge, MailError, OSError) as exc:
        result.mail_error = str(exc)
