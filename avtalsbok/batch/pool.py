"""Running many books in parallel: one process per core, each book's work in a worker, the
records gathered in the parent; books that were open are tried once more at the end.

Workers are started the way Windows starts them (`spawn`) on every system, so what runs here
runs the same on an officer's PC or a Windows server, and no worker inherits the progress
bar's thread; the worker is a top-level function and everything passed to it is plain data.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from ..core import findings
from ..interrupt import worker_signals
from ..report.records import BookRecord, BookStatus, book_record
from .progress import Progress

Work = Callable[[str, str], BookRecord]


@dataclass(frozen=True)
class Job:
    """One book to run and the unit it belongs to."""

    path: Path
    unit: str


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def run_books(
    jobs: Sequence[Job],
    progress: Progress,
    *,
    today: date | None,
    write: bool,
    due_days: int = 0,
    workers: int | None = None,
    export: bool = False,
) -> list[BookRecord]:
    """A record per job, in the jobs' order.

    With `export` each record carries what the exports need (`BookRecord.export`).
    With one worker everything runs in this process. A book that was open (skipped) or whose
    worker process died is run once more after all the others.
    """
    count = max(1, min(workers or default_workers(), len(jobs) or 1))
    work: Work = partial(book_record, today=today, write=write, due_days=due_days, export=export)
    # The biggest books first, so no long book starts last while the other workers idle.
    order = sorted(range(len(jobs)), key=lambda i: -_size(jobs[i].path))
    progress.start(len(jobs))
    records, crashed = _run(work, jobs, order, count, progress)
    again = [i for i in order if records[i].status is BookStatus.SKIPPED or i in crashed]
    if again:
        progress.retry(len(again))
        retried, _ = _run(work, jobs, again, min(count, len(again)), progress)
        records.update(retried)
    progress.finish()
    return [records[i] for i in range(len(jobs))]


def _run(
    work: Work, jobs: Sequence[Job], indices: Sequence[int], count: int, progress: Progress
) -> tuple[dict[int, BookRecord], set[int]]:
    """Records by job index, and the indices whose worker process died."""
    records: dict[int, BookRecord] = {}
    crashed: set[int] = set()
    if count == 1:
        for i in indices:
            try:
                records[i] = work(str(jobs[i].path), jobs[i].unit)
            except Exception as exc:  # one book's failure must not stop the run over the rest
                records[i] = _internal_error(jobs[i], exc, progress)
            progress.advance(records[i])
        return records, crashed
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_signals,
    )
    try:
        futures: dict[Future[BookRecord], int] = {
            pool.submit(work, str(jobs[i].path), jobs[i].unit): i for i in indices
        }
        for future in as_completed(futures):
            i = futures[future]
            try:
                records[i] = future.result()
            except BrokenProcessPool:
                crashed.add(i)
                records[i] = _failed(jobs[i], "arbetsprocessen avslutades oväntat")
            except Exception as exc:  # one book's failure must not stop the run over the rest
                records[i] = _internal_error(jobs[i], exc, progress)
            progress.advance(records[i])
    finally:
        # On Ctrl+C the books not yet started are left alone; a book being written is either
        # replaced whole or not at all.
        pool.shutdown(wait=True, cancel_futures=True)
    return records, crashed


def _internal_error(job: Job, exc: Exception, progress: Progress) -> BookRecord:
    progress.note(f"Internt fel i {job.path}: {type(exc).__name__}: {exc}")
    return _failed(job, f"internt fel ({type(exc).__name__})")


def _failed(job: Job, reason: str) -> BookRecord:
    finding = findings.make("file-unreadable", reason=reason).with_book(job.path.name)
    return BookRecord(str(job.path), job.unit, BookStatus.UNREADABLE, errors=1, findings=(finding,))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
