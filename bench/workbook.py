"""Benchmark: whole-process `avtalsbok run` — first run, same-day rerun, next-day run — against
an openpyxl load + save of the same books.

Builds demo avtalsböcker of 700, 10 000 and 100 000 contracts (cached in bench/.cache), then
for each size times, as separate processes (what an officer waits for): the first run on a
fresh copy (`--today 2026-11-02`), a second run of the book it wrote on the same day, a run of
that book the next day (`--today 2026-11-03`), and an openpyxl `load_workbook` + `save` round
trip; each with the peak memory of its whole process tree (helper processes included: the
resident memory of the process and its descendants summed, sampled from /proc every 5 ms; the
kernel's own peak of a child is not used, since a child forked from this process, which built
the demo book, starts with this process's size). The same-day rerun must leave the file as it was
(bytes and modification time). With `--baseline DIR` the three runs are also timed with the
package in DIR (a checkout of main, say), in the same loop, side by side. Run it from a folder
without a package of its own (`python -c` puts the current folder first on the path).
Prints a table; the last line is one JSON object.

Targets on a 2-core machine: 700 rows ≤ 0.5 s; 10 000 rows ≤ 2 s and ≥ 6× faster than the
openpyxl round trip; 100 000 rows ≤ 20 s and ≤ 1 GB peak memory of the whole tree; the
same-day rerun writes nothing and takes ≤ 50 % of the first run at 10 000 and 100 000; the
next-day run at 10 000 takes ≤ 60 % of the first run.

    .venv/bin/python bench/workbook.py [--sizes 700,10000,100000] [--repeat 3] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from installed import compile_package

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
TODAY = "2026-11-02"
NEXT_DAY = "2026-11-03"
OPENPYXL_ROUND_TRIP = (
    "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])"
)
CLI = "import sys; from avtalsbok.cli import main; sys.exit(main())"
#: How often the process tree's memory is sampled (seconds).
SAMPLE_S = 0.005


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


def _tree_rss_kb(pid: int) -> int:
    """Resident memory (kB) of a process and all its descendants, from /proc (0 if gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one child process and its whole tree."""
    with tempfile.TemporaryFile() as out:
        peak = [0]
        done = threading.Event()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, _usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        said = out.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} misslyckades ({proc.returncode}):\n{said[-3000:]}")
    return elapsed, peak[0] / 1024


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def measure(size: int, repeat: int, baseline: Path | None) -> dict[str, float | bool]:
    source = book_for(size)
    runs: dict[str, list[tuple[float, float]]] = {}
    cli = [sys.executable, "-c", CLI, "run"]
    untouched = True
    checkouts: list[tuple[str, dict[str, str] | None]] = [("", None)]
    if baseline is not None:
        checkouts.insert(0, ("baseline_", dict(os.environ, PYTHONPATH=str(baseline))))
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            for prefix, env in checkouts:
                copy = Path(tmp) / f"{prefix}run-{i}.xlsx"
                shutil.copyfile(source, copy)
                for name, day in (("first", TODAY), ("same_day", TODAY), ("next_day", NEXT_DAY)):
                    before = _fingerprint(copy)
                    timing = timed([*cli, str(copy), "--today", day], env)
                    runs.setdefault(prefix + name, []).append(timing)
                    if name == "same_day" and not prefix:
                        untouched = untouched and _fingerprint(copy) == before
            saved = Path(tmp) / f"openpyxl-{i}.xlsx"
            runs.setdefault("openpyxl", []).append(
                timed([sys.executable, "-c", OPENPYXL_ROUND_TRIP, str(source), str(saved)])
            )
    out: dict[str, float | bool] = {}
    for name, figures in runs.items():
        out[f"{name}_s"] = round(statistics.median(f[0] for f in figures), 3)
        out[f"{name}_peak_mb"] = round(max(f[1] for f in figures), 1)
    out["same_day_untouched"] = untouched
    for prefix, _ in checkouts:
        first = float(out[f"{prefix}first_s"])
        out[f"{prefix}same_day_share"] = round(float(out[f"{prefix}same_day_s"]) / first, 2)
        out[f"{prefix}next_day_share"] = round(float(out[f"{prefix}next_day_s"]) / first, 2)
    out["ratio"] = round(float(out["openpyxl_s"]) / float(out["first_s"]), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="700,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout whose first run is timed too")
    args = parser.parse_args()
    compile_package()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, dict[str, float | bool]] = {}
    columns = ["first", "same_day", "next_day", "openpyxl"]
    if args.baseline is not None:
        columns[:0] = ["baseline_first", "baseline_same_day", "baseline_next_day"]
    print(f"{'avtal':>8} " + " ".join(f"{c + ' s':>16} {'MB':>6}" for c in columns))
    for size in sizes:
        repeat = args.repeat if size <= 10_000 else 1
        r = measure(size, repeat, args.baseline)
        results[str(size)] = r
        print(
            f"{size:>8} "
            + " ".join(f"{r[c + '_s']:>16.3f} {r[c + '_peak_mb']:>6.0f}" for c in columns)
            + f"  samma dag {r['same_day_share']:.0%}"
            + (" orörd" if r["same_day_untouched"] else " SKREVS")
            + f", nästa dag {r['next_day_share']:.0%}"
            + (
                f" (baslinjen: samma dag {r['baseline_same_day_share']:.0%}, nästa dag "
                f"{r['baseline_next_day_share']:.0%})"
                if args.baseline is not None
                else ""
            )
        )
    print(json.dumps({"workbook": results}))


if __name__ == "__main__":
    main()
