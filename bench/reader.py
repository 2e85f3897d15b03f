"""Benchmark: every hostile or broken workbook of the test corpus, read in its own process.

Each file (bombs, encrypted, legacy, fuzzed) must give a clear finding in under 5 s and under
500 MB. Prints one line per file (finding, seconds, peak memory) and, last, one JSON object.

    .venv/bin/python bench/reader.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HOSTILE = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "hostile"
READ_ONE = (
    "import sys; from avtalsbok.workbook.reader import read_book; "
    "print(','.join(f.code for f in read_book(sys.argv[1]).findings))"
)
LIMIT_S, LIMIT_MB = 5.0, 500.0


def read_one(path: Path) -> tuple[str, float, float]:
    """Finding codes, wall seconds and peak RSS (MB) of reading one file in a fresh process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", READ_ONE, str(path)], stdout=subprocess.PIPE, text=True
    )
    _pid, _status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    codes = proc.stdout.read().strip() if proc.stdout else ""
    return codes, elapsed, usage.ru_maxrss / 1024


def main() -> None:
    results: dict[str, dict[str, object]] = {}
    print(f"{'fil':60} {'fynd':20} {'s':>6} {'MB':>6}")
    for path in sorted(HOSTILE.iterdir()):
        codes, seconds, mb = read_one(path)
        results[path.name] = {"finding": codes, "seconds": round(seconds, 3), "peak_mb": round(mb)}
        print(f"{path.name[:60]:60} {codes:20} {seconds:6.2f} {mb:6.0f}")
    worst_s = max(float(str(r["seconds"])) for r in results.values())
    worst_mb = max(float(str(r["peak_mb"])) for r in results.values())
    ok = worst_s < LIMIT_S and worst_mb < LIMIT_MB and all(r["finding"] for r in results.values())
    print(
        json.dumps(
            {"hostile": results, "max_seconds": worst_s, "max_peak_mb": worst_mb, "target_met": ok}
        )
    )


if __name__ == "__main__":
    main()
