#!/usr/bin/env bash
# Installs Debian's Chromium and its chromedriver (the independent browser of the catalogue
# tests) when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
packages=(chromium chromium-driver)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installerar Chromium och chromedriver för testerna av avtalskatalogen ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}"; } \
        >/dev/null || echo "Chromium kunde inte installeras: webbläsartesterna hoppas över." >&2
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { sudo apt-get update -qq && sudo -E apt-get install -y -qq --no-install-recommends \
        "${packages[@]}"; } >/dev/null \
        || echo "Chromium kunde inte installeras: webbläsartesterna hoppas över." >&2
else
    echo "Chromium saknas och kan inte installeras här: webbläsartesterna hoppas över." >&2
fi
