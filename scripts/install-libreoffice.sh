#!/usr/bin/env bash
# Installs LibreOffice headless (the independent spreadsheet client of the tests) when missing.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installerar LibreOffice (libreoffice-calc-nogui) för testerna ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    sudo apt-get update -qq >/dev/null
    sudo -E apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
else
    echo "LibreOffice saknas och kan inte installeras här: testerna som kräver den hoppas över." >&2
fi
