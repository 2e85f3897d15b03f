#!/usr/bin/env bash
# Sets up the project's virtual environment in .venv (idempotent, quick when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "avtalsbok kräver Python 3.11 eller senare ($PY)." >&2
    exit 2
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
# Byte-compile the package as an installed wheel would be: every button click and run starts a
# new Python process, and compiling the sources each time costs tens of milliseconds.
.venv/bin/python -m compileall -q avtalsbok >/dev/null
