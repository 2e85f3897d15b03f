#!/usr/bin/env bash
# Sets up everything the tests need (packages, LibreOffice headless, Chromium) and runs the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-libreoffice.sh
bash scripts/install-chromium.sh
exec .venv/bin/python -m pytest "$@"
