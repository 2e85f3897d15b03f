"""Benchmark: one click on Uppdatera, as a whole process, with a fake of Excel.

A click in Excel starts a new Python (`RunPython`): `python -B -c "import xlwings.utils;
xlwings.utils.prepare_sys_path(...); import avtalsbok.excel.handlers as h; h.uppdatera()"`.
This runs the same command line with one change: `xlwings.Book.caller()` hands back the fake
book of tests/fakexw.py, filled from a 700-contract demo book (loaded once, beforehand, so that
the timed process does what the real one does: start, import, read the book, evaluate, write).
Both routes are timed, in turn: the template's button (the caller is the book holding it) and
the add-in's ribbon (Excel has the add-in open too, and the caller is the active workbook, as
xlwings' custom add-in module hands it over). Each click is timed as a whole process, in wall
seconds and in CPU seconds (on a machine other processes share, the wall time includes the time
spent waiting for a processor; the CPU time does not); bare `python` and `import xlwings` are
timed too, to show what of a click is ours. What the fake
cannot show is the time Excel itself spends handing the values over and taking them back (one
call per sheet and per block).

Target on this machine: a click ≤ 1.0 s. Prints a table; the last line is one JSON object.

    .venv/bin/python bench/button.py [--contracts 700] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from installed import compile_package

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0

#: The click, as xlwings' RunPython builds it (see macros/xlwings.bas, ExecuteWindows), with the
#: fake standing in for the Excel that called it.
CLICK = """\
import time; started = time.perf_counter()
import xlwings.utils; xlwings.utils.prepare_sys_path("false;;;;;;{tests}")
import xlwings, fakexw
app = fakexw.FakeApp()
{addin}fake = fakexw.FakeBook.from_snapshot(open({snapshot!r}, "rb").read(), app=app)
xlwings.Book.caller = staticmethod({caller})
ready = time.perf_counter()
import avtalsbok.excel.handlers as h; h.uppdatera()
done = time.perf_counter()
import json
print(json.dumps({{"status": fake.values()["Översikt"][(4, 1)], "writes": len(fake.writes),
                  "xlwings_s": ready - started, "uppdatera_s": done - ready}}))
"""
#: How the caller is found on each route: the template's book itself, or the active workbook
#: of an Excel that has the add-in open as well.
ROUTES = {
    "template": {"addin": "", "caller": "lambda: fake"},
    "addin": {
        "addin": 'fakexw.FakeBook.blank("avtalsbok.conf", fullname="avtalsbok.xlam", app=app, '
        "addin=True)\n",
        "caller": "app.addin_caller",
    },
}


def wall(cmd: list[str]) -> tuple[float, str, float]:
    """Seconds one child process takes from start to exit, what it printed, and its CPU seconds
    (user + system: what the click costs when the machine is not shared)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} … misslyckades:\n{proc.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, proc.stdout, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    compile_package()

    sys.path.insert(0, str(ROOT / "tests"))
    from fakexw import FakeBook

    from avtalsbok.demo import DEMO_TODAY, generate
    from avtalsbok.workbook.template import build_workbook

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "avtalsbok.xlsm"
        build_workbook(book, generate(args.contracts), today=DEMO_TODAY)
        snapshot = Path(tmp) / "avtalsbok.pickle"
        snapshot.write_bytes(FakeBook.open(book).snapshot())
        codes = {
            route: CLICK.format(tests=ROOT / "tests", snapshot=str(snapshot), **parts)
            for route, parts in ROUTES.items()
        }
        python = [sys.executable, "-B"]
        bare: list[float] = []
        xlwings: list[float] = []
        clicks: dict[str, list[float]] = {route: [] for route in ROUTES}
        cpu: dict[str, list[float]] = {route: [] for route in ROUTES}
        inside: dict[str, list[dict[str, Any]]] = {route: [] for route in ROUTES}
        for _ in range(args.repeat):
            bare.append(wall([*python, "-c", "pass"])[0])
            xlwings.append(wall([*python, "-c", "import xlwings.utils"])[0])
            for route, code in codes.items():
                elapsed, out, seconds = wall([*python, "-c", code])
                report = json.loads(out.splitlines()[-1])
                if not report["status"].startswith("Uppdaterad "):
                    raise SystemExit(f"Uppdatera skrev ingen statusrad ({route}): {report}")
                clicks[route].append(elapsed)
                cpu[route].append(seconds)
                inside[route].append(report)

    click_s = statistics.median(clicks["template"])
    addin_s = statistics.median(clicks["addin"])
    result = {
        "contracts": args.contracts,
        "repeat": args.repeat,
        "click_s": round(click_s, 3),
        "click_max_s": round(max(clicks["template"]), 3),
        "addin_click_s": round(addin_s, 3),
        "addin_click_max_s": round(max(clicks["addin"]), 3),
        "click_cpu_s": round(statistics.median(cpu["template"]), 3),
        "addin_click_cpu_s": round(statistics.median(cpu["addin"]), 3),
        "python_s": round(statistics.median(bare), 3),
        "import_xlwings_s": round(statistics.median(xlwings), 3),
        "uppdatera_s": round(statistics.median(r["uppdatera_s"] for r in inside["template"]), 3),
        "writes": inside["template"][0]["writes"],
        "target_s": TARGET_S,
        "ok": max(click_s, addin_s) <= TARGET_S,
    }
    xlwings_s = result["import_xlwings_s"] - result["python_s"]
    print(f"Ett klick på Uppdatera, {args.contracts} avtal, median av {args.repeat} processer:")
    print(f"  hela processen            {click_s:6.3f} s  (mål ≤ {TARGET_S} s)")
    print(f"  genom tillägget           {addin_s:6.3f} s  (aktiva arbetsboken som anropare)")
    print(
        f"  processortid per klick    {result['click_cpu_s']:6.3f} s  "
        f"(tillägget {result['addin_click_cpu_s']:.3f} s)"
    )
    print(f"  varav Python startar      {result['python_s']:6.3f} s")
    print(f"  varav import av xlwings   {xlwings_s:6.3f} s")
    writes = result["writes"]
    print(f"  varav import + Uppdatera  {result['uppdatera_s']:6.3f} s ({writes} skrivningar)")
    print(json.dumps({"button": result}))


if __name__ == "__main__":
    main()
