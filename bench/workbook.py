"""Benchmark: whole-process `avtalsbok run` against an openpyxl load + save of the same books.

Builds demo avtalsböcker of 700, 10 000 and 100 000 contracts (cached in bench/.cache), then
for each size times `avtalsbok run` as a separate process (what an officer waits for) and an
openpyxl `load_workbook` + `save` round trip of the same file, with each process's peak memory.
Prints a table; the last line is one JSON object.

Targets on a 2-core machine: 700 rows ≤ 0.5 s; 10 000 rows ≤ 2 s and ≥ 6× faster than the
openpyxl round trip; 100 000 rows ≤ 20 s and ≤ 1 GB peak memory.

    .venv/bin/python bench/workbook.py [--sizes 700,10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import compile_package

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
TODAY = "2026-11-02"
OPENPYXL_ROUND_TRIP = (
    "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])"
)


def book_for(size: int) -> Path:
    """A demo book of `size` contracts, built once and cached."""
    path = CACHE / f"demo-{size}.xlsx"
    if not path.exists():
        from avtalsbok.demo import DEMO_TODAY, generate
        from avtalsbok.workbook.template import build_workbook

        CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp.xlsx")
        build_workbook(tmp, generate(size), today=DEMO_TODAY)
        tmp.replace(path)
        print(f"  byggde {path.name} på {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} misslyckades ({proc.returncode}):\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(size: int, repeat: int) -> dict[str, float]:
    source = book_for(size)
    runs: list[tuple[float, float]] = []
    trips: list[tuple[float, float]] = []
    exe = str(Path(sys.executable).with_name("avtalsbok"))
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            copy = Path(tmp) / f"run-{i}.xlsx"
            shutil.copyfile(source, copy)
            runs.append(timed([exe, "run", str(copy), "--today", TODAY]))
            saved = Path(tmp) / f"openpyxl-{i}.xlsx"
            trips.append(
                timed([sys.executable, "-c", OPENPYXL_ROUND_TRIP, str(source), str(saved)])
            )
    run_s = statistics.median(r[0] for r in runs)
    trip_s = statistics.median(t[0] for t in trips)
    return {
        "run_s": round(run_s, 3),
        "run_peak_mb": round(max(r[1] for r in runs), 1),
        "openpyxl_s": round(trip_s, 3),
        "openpyxl_peak_mb": round(max(t[1] for t in trips), 1),
        "ratio": round(trip_s / run_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="700,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    compile_package()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, dict[str, float]] = {}
    print(f"{'avtal':>8} {'run (s)':>9} {'run MB':>8} {'openpyxl (s)':>13} {'MB':>8} {'kvot':>6}")
    for size in sizes:
        repeat = args.repeat if size <= 10_000 else 1
        r = measure(size, repeat)
        results[str(size)] = r
        print(
            f"{size:>8} {r['run_s']:>9.3f} {r['run_peak_mb']:>8.0f} {r['openpyxl_s']:>13.3f} "
            f"{r['openpyxl_peak_mb']:>8.0f} {r['ratio']:>6.1f}"
        )
    print(json.dumps({"workbook": results}))


if __name__ == "__main__":
    main()
