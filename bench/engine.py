"""Benchmark: the engine alone – parsing and evaluation of demo books, no file I/O.

For 700, 10 000 and 100 000 contracts (follow-ups, deviations and event log in the demo's
proportions, from `avtalsbok.demo.generate`) times `evaluate(book)` on the raw rows as a reader
hands them over (`BookInput`, built once beforehand; reading files is bench/workbook.py's part):
the median of 5 runs (3 for 100 000). Each size runs in its own process, after a warm-up on a
small book, so sizes do not share caches or memory. Each run pauses the cycle collector as
every door that calls the engine does (`avtalsbok.gcpause`); `--collect` lets it run, to show
what the pause buys. One more run per size is traced with tracemalloc: its peak is the memory
parsing and evaluation allocate on top of the input rows.
Prints a table (with the CPU time beside the wall time: on a shared machine the difference is
time spent waiting for a core); the last line is one JSON object.

Targets on a 2-core machine: 10 000 contracts ≤ 0.5 s, 100 000 ≤ 5 s, memory linear in size.

    .venv/bin/python bench/engine.py [--sizes 700,10000,100000] [--collect]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

RUNS = {700: 5, 10_000: 5, 100_000: 3}


def child(size: int, runs: int, collect: bool) -> dict[str, Any]:
    """Time and trace the engine on one size; runs in its own process."""
    from contextlib import AbstractContextManager, nullcontext

    from avtalsbok.core.book import BookInput
    from avtalsbok.core.engine import evaluate
    from avtalsbok.demo import generate
    from avtalsbok.gcpause import paused_gc

    def pause() -> AbstractContextManager[None]:
        return nullcontext() if collect else paused_gc()

    evaluate(BookInput.from_records(generate(100, mistakes=False)))
    rows = generate(size)
    book = BookInput.from_records(rows)
    seconds, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        with pause():
            result = evaluate(book)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        del result
    tracemalloc.start()
    with pause():
        result = evaluate(book)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": statistics.median(seconds),
        "cpu_seconds": statistics.median(cpu),
        "runs": seconds,
        "rows": {sheet: len(records) for sheet, records in rows.items()},
        "findings": len(result.findings),
        "peak_mb": peak / 2**20,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(size: int, collect: bool) -> dict[str, Any]:
    """One size in a fresh process."""
    runs = RUNS.get(size, 3 if size > 10_000 else 5)
    cmd = [sys.executable, __file__, "--child", str(size), "--runs", str(runs)]
    cmd += ["--collect"] if collect else []
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    measured: dict[str, Any] = json.loads(out.splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="700,10000,100000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument(
        "--collect", action="store_true", help="let the cycle collector run during each run"
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs, args.collect)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    seconds: dict[str, float] = {}
    peaks: dict[str, float] = {}
    header = (
        f"{'avtal':>8} {'uppföljn.':>10} {'avvik.':>7} {'median (s)':>11} {'min–max (s)':>14} "
        f"{'CPU (s)':>8} {'µs/avtal':>9} {'topp MB':>8} {'kB/avtal':>9} {'RSS MB':>7}"
    )
    print(header)
    for size in sizes:
        m = measure(size, args.collect)
        seconds[str(size)] = round(m["seconds"], 3)
        peaks[str(size)] = round(m["peak_mb"], 1)
        spread = f"{min(m['runs']):.3f}–{max(m['runs']):.3f}"
        print(
            f"{size:>8} {m['rows']['Uppföljningar']:>10} {m['rows']['Avvikelser']:>7} "
            f"{m['seconds']:>11.3f} {spread:>14} {m['cpu_seconds']:>8.3f} "
            f"{1e6 * m['seconds'] / size:>9.0f} "
            f"{m['peak_mb']:>8.1f} {1024 * m['peak_mb'] / size:>9.1f} {m['rss_mb']:>7.0f}"
        )
    print(json.dumps({"engine_seconds": seconds, "peak_mb": peaks}))


if __name__ == "__main__":
    main()
