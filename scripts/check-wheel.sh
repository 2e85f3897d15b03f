#!/usr/bin/env bash
# Installs avtalsbok the way IT does (docs/installation.md): builds the wheel, installs it into a
# fresh virtual environment outside the checkout and runs every command from a folder outside it,
# checking exit codes and outputs. Run by .ci/run; pip's cache keeps it quick after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${PYTHON:-python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

fail() { echo "check-wheel: $*" >&2; exit 1; }

# The wheel is built from a copy of the files git would commit (untracked ones included), so that
# a stale build/ folder in the checkout can never slip into it.
mkdir "$TMP/src"
git ls-files -z --cached --others --exclude-standard | tar -C "$ROOT" --null -T - -cf - \
    | tar -C "$TMP/src" -xf -
"$PY" -m pip wheel -q --no-deps -w "$TMP/dist" "$TMP/src" >"$TMP/pip.log" 2>&1 \
    || { cat "$TMP/pip.log" >&2; fail "the wheel did not build"; }
wheel=("$TMP"/dist/avtalsbok-*.whl)

# The wheel's VBA modules are the top-level macros/**/*.bas, byte for byte.
"$PY" - "${wheel[0]}" "$ROOT/macros" <<'EOF'
import sys, zipfile
from pathlib import Path
with zipfile.ZipFile(sys.argv[1]) as whl:
    shipped = {
        n.removeprefix("avtalsbok/macros/"): whl.read(n)
        for n in whl.namelist()
        if n.startswith("avtalsbok/macros/")
    }
folder = Path(sys.argv[2])
source = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.bas")}
if not source or shipped != source:
    sys.exit(f"check-wheel: the wheel's macros {sorted(shipped)} differ from macros/ {sorted(source)}")
EOF

# The environment gets no pip of its own (seconds saved): the outer pip installs into it.
"$PY" -m venv --without-pip "$TMP/venv"
"$PY" -m pip --python "$TMP/venv/bin/python" install -q "${wheel[0]}" >"$TMP/pip.log" 2>&1 \
    || { cat "$TMP/pip.log" >&2; fail "the wheel did not install"; }
A="$TMP/venv/bin/avtalsbok"

mkdir "$TMP/work"
cd "$TMP/work"

# expect CODE COMMAND...: runs the installed command and checks its exit code.
expect() {
    local want="$1" got=0
    shift
    "$A" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt" || got=$?
    if [ "$got" != "$want" ]; then
        cat "$TMP/out.txt" "$TMP/err.txt" >&2
        fail "avtalsbok $* exited $got, expected $want"
    fi
    ! grep -q Traceback "$TMP/err.txt" || fail "avtalsbok $* printed a traceback"
}
exists() { for f in "$@"; do [ -s "$f" ] || fail "$f was not written"; done; }
has_vba() {
    "$TMP/venv/bin/python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).getinfo("xl/vbaProject.bin")' "$1" \
        || fail "$1 has no xl/vbaProject.bin"
}

expect 0 new ny.xlsx
expect 0 new ny.xlsm
exists ny.xlsx ny.xlsm
has_vba ny.xlsm

# The templates built from the installed package are the committed ones, byte for byte.
expect 0 template mallar
cmp mallar/avtalsbok.xlsx "$ROOT/templates/avtalsbok.xlsx" || fail "template .xlsx differs"
cmp mallar/avtalsbok.xlsm "$ROOT/templates/avtalsbok.xlsm" || fail "template .xlsm differs"

# The add-in, and an officer's own workbook made an avtalsbok.
expect 0 addin tillagg
cmp tillagg/avtalsbok.xlam "$ROOT/templates/avtalsbok.xlam" || fail "add-in differs"
"$TMP/venv/bin/python" -c 'import openpyxl; b = openpyxl.Workbook(); b.active.title = "Avtal"; b.save("eget.xlsx")'
expect 0 init eget.xlsx
grep -q "är nu en avtalsbok" "$TMP/out.txt" || fail "init did not make eget.xlsx an avtalsbok"
expect 0 check eget.xlsx

expect 0 demo demo --contracts 100
exists demo/avtalsbok-demo.xlsx
expect 0 check ny.xlsm
expect 0 run ny.xlsm
# The demo book carries its planted mistakes: errors, exit code 1.
expect 1 check demo/avtalsbok-demo.xlsx
mkdir bocker
cp ny.xlsx demo/avtalsbok-demo.xlsx bocker/
expect 1 batch bocker --report batch-rapport.xlsx
exists batch-rapport.xlsx
expect 1 report bocker -o rapport.xlsx
exists rapport.xlsx
expect 0 remind bocker --today 2025-06-01 --outbox utkorg --mail-from avtal@example.se
ls utkorg/*.eml >/dev/null 2>&1 || fail "remind wrote no message to the outbox"
# The exports (the calendar, the catalogue, OCDS); the demo book has errors: exit code 1.
expect 1 kalender bocker -o plan.ics
expect 1 katalog bocker -o katalog.html
expect 1 ocds bocker -o ocds.json --ocid-prefix ocds-abc123 --publisher "Exempel kommun"
exists plan.ics katalog.html ocds.json

# Without its VBA modules, the installation says so in Swedish, with exit code 2.
rm -r "$("$TMP/venv/bin/python" -c 'import importlib.resources as r; print(r.files("avtalsbok") / "macros")')"
expect 2 new utan-makron.xlsm
grep -q "VBA-modulerna saknas" "$TMP/err.txt" || fail "no Swedish message for missing macros"
expect 2 addin utan-makron
[ ! -e utan-makron.xlsm ] && [ ! -e utan-makron/avtalsbok.xlam ] \
    || fail "a book was written without its macros"

echo "check-wheel: the wheel installs and every command runs from it"
