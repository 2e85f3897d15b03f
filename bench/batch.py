"""Benchmark: `avtalsbok batch` over 300 avtalsböcker of 700 contracts each, as a whole process.

The books are generated once into bench/.cache/batch-BOOKSxCONTRACTS (not timed), spread over
unit folders like a shared drive; each round copies them fresh to a temp folder and times
`avtalsbok batch DIR --workers 2 --today 2026-11-02` as a subprocess, then checks that every
book was updated; then times a second pass over the same books on the same day (the nightly
batch run again), which must rewrite none of them. Prints the times and books per minute of
both passes; the last line is one JSON object.

Target on this 2-core machine: 300 books × 700 contracts with 2 workers in ≤ 25 s. The JSON
also gives the CPU time of the run (workers included) and the wall time it means on an idle
machine, since other work on a shared machine stretches the wall time.

    .venv/bin/python bench/batch.py [--books 300] [--contracts 700] [--workers 2] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from installed import compile_package

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
TODAY = "2026-11-02"
TARGET_S = 25.0
UNITS = 12


def _build(path: Path, contracts: int, seed: int) -> None:
    from avtalsbok.demo import DEMO_TODAY, generate
    from avtalsbok.workbook.template import build_workbook

    tmp = path.with_name(path.name + ".tmp.xlsx")
    build_workbook(tmp, generate(contracts, seed=seed), today=DEMO_TODAY)
    tmp.replace(path)


def books_for(count: int, contracts: int) -> Path:
    """A folder of `count` demo books in unit folders, built once (in parallel) and cached."""
    folder = CACHE / f"batch-{count}x{contracts}"
    wanted = [
        folder / f"Enhet {i % UNITS + 1:02d}" / f"avtalsbok-{i:03d}.xlsx" for i in range(count)
    ]
    missing = [(p, i) for i, p in enumerate(wanted) if not p.exists()]
    if missing:
        started = time.perf_counter()
        for p, _ in missing:
            p.parent.mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor() as pool:
            list(
                pool.map(
                    _build,
                    [p for p, _ in missing],
                    [contracts] * len(missing),
                    [i for _, i in missing],
                )
            )
        took = time.perf_counter() - started
        print(f"  byggde {len(missing)} böcker på {took:.0f} s", file=sys.stderr)
    return folder


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Pass = tuple[float, float, dict[str, object]]


def run_once(source: Path, workers: int) -> tuple[Pass, Pass]:
    """Wall and CPU seconds of one whole `avtalsbok batch` process (workers included) over a
    fresh copy, and its summary; then the same of a second pass over the books the first one
    wrote. The CPU time does not depend on what else the machine runs: divided by the workers
    it is the wall time on an otherwise idle machine."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "enheter"
        shutil.copytree(source, copy)
        first = _batch(copy, workers)
        second = _batch(copy, workers)
    return first, second


def _batch(folder: Path, workers: int) -> Pass:
    exe = str(Path(sys.executable).with_name("avtalsbok"))
    cmd = [exe, "batch", str(folder), "--workers", str(workers), "--today", TODAY, "--json"]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} misslyckades ({proc.returncode}):\n{proc.stderr}")
    summary: dict[str, object] = json.loads(proc.stdout)
    return elapsed, cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=300)
    parser.add_argument("--contracts", type=int, default=700)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    compile_package()
    source = books_for(args.books, args.contracts)
    times, cpus, again_times, again_cpus = [], [], [], []
    summary: dict[str, object] = {}
    for _ in range(args.repeat):
        (elapsed, cpu, summary), (again, again_cpu, again_summary) = run_once(source, args.workers)
        times.append(elapsed)
        cpus.append(cpu)
        again_times.append(again)
        again_cpus.append(again_cpu)
        written = _written(summary)
        rewritten = _written(again_summary)
        for label, (s, c, n) in {
            "första": (elapsed, cpu, written),
            "andra samma dag": (again, again_cpu, rewritten),
        }.items():
            print(
                f"{args.books} böcker × {args.contracts} avtal, {args.workers} processer, "
                f"{label}: {s:.1f} s, {60 * args.books / s:.0f} böcker/minut, "
                f"{n} uppdaterade; {c:.1f} s processortid ({1000 * c / args.books:.0f} ms "
                f"per bok), på en ledig maskin {c / args.workers:.1f} s",
                file=sys.stderr,
            )
        if written != args.books:
            raise SystemExit(f"bara {written} av {args.books} böcker uppdaterades")
        if rewritten or again_summary.get("unchanged") != args.books:
            raise SystemExit(f"andra körningen skrev om {rewritten} oförändrade böcker")
    best = min(times)
    idle = min(cpus) / args.workers
    print(
        json.dumps(
            {
                "bench": "batch",
                "books": args.books,
                "contracts_per_book": args.contracts,
                "workers": args.workers,
                "seconds": round(best, 2),
                "books_per_minute": round(60 * args.books / best, 1),
                "target_seconds": TARGET_S,
                "target_met": best <= TARGET_S,
                "cpu_seconds": round(min(cpus), 2),
                "cpu_ms_per_book": round(1000 * min(cpus) / args.books, 1),
                "idle_estimate_seconds": round(idle, 2),
                "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
                "contracts": summary.get("contracts"),
                "second_pass_seconds": round(min(again_times), 2),
                "second_pass_cpu_seconds": round(min(again_cpus), 2),
                "second_pass_share": round(min(again_times) / best, 2),
                "second_pass_cpu_share": round(min(again_cpus) / min(cpus), 2),
            }
        )
    )


def _written(summary: dict[str, object]) -> int:
    items = summary["items"]
    assert isinstance(items, list)
    return sum(1 for item in items if item["written"])


if __name__ == "__main__":
    main()
