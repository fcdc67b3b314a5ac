#!/usr/bin/env bash
# UI tests: builds ui/ (typecheck + vite) and runs ui/tests/ in headless Chromium
# (/usr/bin/chromium, Debian's `chromium` package) with the Tauri IPC mocked.
# Screenshots go to $THREADMARK_SCREENSHOTS (default /tmp).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO/ui"

# Installed again when package-lock.json changed since (a new dev dependency, e.g. axe-core).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "ui-test: ${CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)" >&2
  exit 1
fi

npm run --silent build
npm run --silent test:ui
