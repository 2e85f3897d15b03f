#!/usr/bin/env bash
# Mutation testing of the engine's rule modules: mutmut mutates avtalsbok/core, runs the fast
# engine tests against each mutant and this script prints killed / total per module.
#
#   bash scripts/mutation.sh                 # the rule modules (about an hour on 2 idle cores)
#   bash scripts/mutation.sh calendar tiers  # only these modules of avtalsbok/core
#   bash scripts/mutation.sh --score         # the scores of the last run again, without running
#
# mutmut works on a copy of the sources and tests in .mutation/ (git-ignored; mutmut's own copy
# with the mutants is .mutation/mutants/). Results are kept there between runs: a second run only
# tests the mutants of functions that changed. `MUTATION_FRESH=1` starts from scratch. To look at a
# survivor: `cd .mutation && ../.venv/bin/mutmut show NAME`; `MUTANTS="NAME ..."` (names or globs)
# tests only those mutants again, e.g. the survivors after new tests. Runs under `nice` so it can
# share the machine; MUTATION_CHILDREN sets how many mutants run at once (default: every core).
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
work=.mutation

score_only=0
if [ "${1:-}" = --score ]; then
    score_only=1
    shift
fi
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    # Every module of avtalsbok/core that holds a rule, smallest first. Not here: the records
    # (book, state, findings' catalogue), the schema, the typed rows (models: their parsers are
    # in cells, datecells and optioncells), the write plan (output) and the entry point (engine).
    modules=(words shown extensions owners evaluation calendar optioncells computed indexcells
        typedin tiers samples goals schedule datecells suppliers validate stages prices settings
        settingvalues overview deviations figures checks cells)
fi
for m in "${modules[@]}"; do
    [ -f "avtalsbok/core/$m.py" ] || { echo "no module avtalsbok/core/$m.py" >&2; exit 2; }
done

if [ "$score_only" = 0 ]; then
    bash scripts/setup.sh
    MUTMUT_VERSION=3.8.1
    if [ "$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("mutmut"))' \
        2>/dev/null)" != "$MUTMUT_VERSION" ]; then
        .venv/bin/python -m pip install -q "mutmut==$MUTMUT_VERSION"
    fi
    [ "${MUTATION_FRESH:-}" = 1 ] && rm -rf "$work"
    mkdir -p "$work"
    # The sources and tests as they are in the working tree (uncommitted tests count too).
    # (avtalsbok/macros links to ../macros, so that folder comes along; some tests read docs/.)
    rm -rf "$work/avtalsbok" "$work/tests" "$work/macros" "$work/docs"
    cp -r avtalsbok tests macros docs pyproject.toml "$work/"
    find "$work/avtalsbok" "$work/tests" -name __pycache__ -prune -exec rm -rf {} +
    # mutmut runs every mutant in a process forked after the whole suite has run once, so the
    # engine's caches (holidays per year, parsed cell values) would answer from the unmutated
    # code: in the copy, each test starts with them empty.
    cat >> "$work/tests/conftest.py" <<'PY'


# --- Added by scripts/mutation.sh --------------------------------------------------------------
import functools as _functools
import gc as _gc

import pytest as _pytest

_caches = None


@_pytest.fixture(autouse=True)
def _empty_caches() -> None:
    global _caches
    if _caches is None:
        _caches = [
            o
            for o in _gc.get_objects()
            if isinstance(o, _functools._lru_cache_wrapper)
            and getattr(o, "__module__", "").startswith("avtalsbok.")
        ]
    for cache in _caches:
        cache.cache_clear()
PY
    # mutmut reads [tool.mutmut] from pyproject.toml, else [mutmut] from setup.cfg: the copy's
    # pyproject has no such table, so this file is the configuration. The fast engine tests:
    # every example test of the engine, the calendar and the cell parsers (the property tests
    # re-run hundreds of examples per mutant; they guard against crashes, not wrong values).
    {
        echo "[mutmut]"
        echo "source_paths = avtalsbok"
        echo "also_copy ="
        echo "    docs"
        echo "only_mutate ="
        for m in "${modules[@]}"; do echo "    avtalsbok/core/$m.py"; done
        echo "pytest_add_cli_args_test_selection ="
        for t in tests/test_engine_*.py tests/test_boundaries_*.py tests/test_calendar.py \
            tests/test_cells.py tests/test_typed_in_computed.py; do
            [ "$t" = tests/test_engine_properties.py ] || echo "    $t"
        done
        # The shared wording's own examples (the rest of that file runs whole commands).
        echo "    tests/test_words.py::test_a_count_takes_the_singular_for_one_only"
        echo "    tests/test_words.py::test_typed_text_stands_between_swedish_quotation_marks"
        echo "pytest_add_cli_args ="
        echo "    -p"
        echo "    no:cacheprovider"
    } > "$work/setup.cfg"
    # mutmut maps which tests reach which function once, and only in the modules it mutates then:
    # a module added later finds no test for any of its mutants (exit code 33). So when the
    # modules change, the tests are mapped again and the mutants that found none are tested.
    if [ "$(cat "$work/modules" 2>/dev/null)" != "${modules[*]}" ]; then
        rm -f "$work/mutants/mutmut-stats.json"
        .venv/bin/python - "$work"/mutants/avtalsbok/core/*.py.meta <<'PY'
import json
import sys
from pathlib import Path

for meta in map(Path, sys.argv[1:]):
    data = json.loads(meta.read_text(encoding="utf-8"))
    codes = data["exit_code_by_key"]
    data["exit_code_by_key"] = {k: None if c == 33 else c for k, c in codes.items()}
    meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
PY
    fi
    echo "${modules[*]}" >"$work/modules"
    children=${MUTATION_CHILDREN:-$(nproc)}
    read -r -a only <<<"${MUTANTS:-}"
    (cd "$work" && CI=1 nice -n 10 ../.venv/bin/mutmut run --max-children "$children" \
        "${only[@]}" >mutmut.log 2>&1) || {
        tail -n 30 "$work/mutmut.log" >&2
        exit 1
    }
fi

# Score per module from mutmut's result files: the exit code of the tests per mutant (1 and 3:
# a test failed; timeouts count as killed). Functions that run only while their module is
# imported (before mutmut switches a mutant on) cannot be tested this way: they are counted apart.
.venv/bin/python - "$work" "${modules[@]}" <<'EOF'
import json
import sys
from pathlib import Path

AT_IMPORT = ("calendar.x__load_sweden__", "cells.x_choice_parser__", "settingvalues.x_step__")
# The factories of the measures (`goals.MEASURES`) and the computed columns' values
# (`typedin._ONLY`): each module's tables are built with them while it is imported.
AT_IMPORT += ("goals.x__count__", "goals.x__percent__")
AT_IMPORT += ("typedin.x__one_of__", "typedin.x__matching__")
KILLED = {1, 3, 24, -24, 36, 152, 255}
work, modules = Path(sys.argv[1]), sys.argv[2:]
print(f"{'module':<12} {'killed':>7} {'total':>6} {'score':>7} {'at import':>10}")
rows = []
for module in modules:
    meta = work / "mutants" / "avtalsbok" / "core" / f"{module}.py.meta"
    if not meta.exists():
        print(f"{module:<12} not run")
        continue
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    at_import = {k for k in codes if any(f".{p}" in k for p in AT_IMPORT)}
    tested = {k: c for k, c in codes.items() if k not in at_import}
    killed = sum(1 for c in tested.values() if c in KILLED)
    total = len(tested)
    score = 100 * killed / total if total else 100.0
    print(f"{module:<12} {killed:>7} {total:>6} {score:>6.1f}% {len(at_import):>10}")
    rows += [(k, c) for k, c in sorted(tested.items()) if c not in KILLED]
for name, code in rows:
    print(f"    {name}  ({'not run' if code is None else f'exit code {code}'})")
EOF
