#!/usr/bin/env bash
# Sets up everything the tests need (packages, LibreOffice headless) and runs the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-libreoffice.sh
exec .venv/bin/python -m pytest "$@"
