#!/usr/bin/env bash
# Sets up and runs the main job on the built-in demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/avtalsbok demo "$@"
