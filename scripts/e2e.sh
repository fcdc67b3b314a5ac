#!/usr/bin/env bash
# Real-window end-to-end test: builds the frontend, the app and the CLI (debug), imports
# the seed thread and a nested Hacker News thread (for collapsing) into a temporary
# library with the CLI, starts Xvfb and tauri-driver,
# and runs e2e/tests/ against the window (WebdriverIO). It also exports the seed with
# highlights as a standalone HTML page, which e2e/tests/export-html.test.mjs opens in
# headless Chromium and in WebKitGTK's MiniBrowser (a WebKitWebDriver of its own on
# $E2E_WEBKIT_PORT, default the driver port + 2) and compares. Leaves a screenshot of the
# screen at $E2E_SCREENSHOT (default /tmp/threadmark-e2e.png). Exits non-zero on any
# failure; stops what it started. E2E_ONLY="tests/a.test.mjs tests/b.test.mjs" runs only
# those files (paths relative to e2e/), for working on one test. A second tauri-driver
# on $E2E_DRIVER2_PORT (default the driver port + 3, its WebKitWebDriver on the port
# after) lets a test drive two app windows at once (e2e/tests/sync.test.mjs).
#
# Needs: Xvfb (xvfb), WebKitWebDriver and MiniBrowser (webkit2gtk-driver), import
# (imagemagick), chromium, libwebkit2gtk-4.1-dev, and tauri-driver (`cargo install tauri-driver --locked`).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEED="$REPO/../shared/corpus/seed/000_e97962a6dbc2b620.txt"
NESTED="$REPO/../shared/corpus/hn/algolia/neonmodem-49953495-trimmed.json"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
TAURI_DRIVER="${TAURI_DRIVER:-$HOME/.cargo/bin/tauri-driver}"
DISPLAY_NUMBER="${E2E_DISPLAY:-99}"
# E2E_DISPLAY=:103 and E2E_DISPLAY=103 both mean display :103.
DISPLAY_NUMBER="${DISPLAY_NUMBER#:}"
DRIVER_PORT="${E2E_DRIVER_PORT:-4444}"
# WebKitWebDriver, behind tauri-driver, on the port after it.
NATIVE_PORT=$((DRIVER_PORT + 1))
# A WebKitWebDriver for MiniBrowser, for the export test.
WEBKIT_PORT="${E2E_WEBKIT_PORT:-$((DRIVER_PORT + 2))}"
# A second tauri-driver (and its WebKitWebDriver) for a second app window at once:
# the sync test runs two apps on two libraries.
DRIVER2_PORT="${E2E_DRIVER2_PORT:-$((DRIVER_PORT + 3))}"
NATIVE2_PORT=$((DRIVER2_PORT + 1))
export E2E_SCREENSHOT="${E2E_SCREENSHOT:-/tmp/threadmark-e2e.png}"

fail() {
  echo "e2e: $*" >&2
  exit 1
}
# shellcheck source=scripts/xserver.sh
. "$(dirname "${BASH_SOURCE[0]}")/xserver.sh"

[ -f "$SEED" ] || fail "seed thread missing: $SEED"
[ -f "$NESTED" ] || fail "nested thread missing: $NESTED"
[ -x "$TAURI_DRIVER" ] || fail "tauri-driver missing at $TAURI_DRIVER (cargo install tauri-driver --locked)"
for tool in Xvfb WebKitWebDriver import xdotool xwininfo; do
  command -v "$tool" >/dev/null || fail "$tool missing (apt-get install xvfb webkit2gtk-driver imagemagick xdotool x11-utils)"
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "${CHROMIUM:-/usr/bin/chromium} missing (apt-get install chromium)"
export E2E_MINIBROWSER="${E2E_MINIBROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}"
[ -x "$E2E_MINIBROWSER" ] || fail "MiniBrowser missing at $E2E_MINIBROWSER (apt-get install libwebkit2gtk-4.1-0)"

# Build: the frontend first (the app embeds ui/dist), then the app and the CLI.
(cd "$REPO/ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run --silent build)
(cd "$REPO/e2e" && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
# E2E_PROFILE=release runs the release build (for the opt-in benchmark, E2E_PERF=1).
PROFILE="${E2E_PROFILE:-debug}"
BUILD_FLAGS=()
[ "$PROFILE" = release ] && BUILD_FLAGS=(--release)
(cd "$REPO" && cargo build "${BUILD_FLAGS[@]}" -p threadmark-app -p threadmark-cli)

WORK="$(mktemp -d)"
XVFB_PID=""
DRIVER_PID=""
DRIVER2_PID=""
WEBKIT_PID=""
cleanup() {
  local status=$?
  # (WebKitWebDriver ends with 143 on SIGTERM: `|| true`, or set -e ends the cleanup here.)
  [ -n "$WEBKIT_PID" ] && kill "$WEBKIT_PID" 2>/dev/null && { wait "$WEBKIT_PID" 2>/dev/null || true; }
  # WebKitWebDriver is tauri-driver's child: stop it too, or it outlives the run
  # (holding the caller's lock file open).
  # (`|| true`: with no child left pkill fails, and set -e would end the cleanup there.)
  [ -n "$DRIVER_PID" ] && { pkill -TERM -P "$DRIVER_PID" 2>/dev/null || true; }
  [ -n "$DRIVER_PID" ] && kill "$DRIVER_PID" 2>/dev/null && { wait "$DRIVER_PID" 2>/dev/null || true; }
  [ -n "$DRIVER2_PID" ] && { pkill -TERM -P "$DRIVER2_PID" 2>/dev/null || true; }
  [ -n "$DRIVER2_PID" ] && kill "$DRIVER2_PID" 2>/dev/null && { wait "$DRIVER2_PID" 2>/dev/null || true; }
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && { wait "$XVFB_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A library holding the seed thread (flat) and a nested thread. The webview's own
# storage (theme, reading position) lives under $WORK too, so every run starts afresh.
export THREADMARK_DB="$WORK/library.sqlite3"
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache"
NESTED_ID="$("$TARGET/$PROFILE/threadmark" --db "$THREADMARK_DB" import "$NESTED" | tail -n 1)"
[[ "$NESTED_ID" =~ ^[0-9]+$ ]] || fail "threadmark import printed '$NESTED_ID', not a thread id"
THREAD_ID="$("$TARGET/$PROFILE/threadmark" --db "$THREADMARK_DB" import "$SEED" | tail -n 1)"
[[ "$THREAD_ID" =~ ^[0-9]+$ ]] || fail "threadmark import printed '$THREAD_ID', not a thread id"
# The export test's page: the seed in a library of its own, with highlights of five
# labels and of none, and notes; its JSON backup says what the page must show.
TM=("$TARGET/$PROFILE/threadmark" --db "$WORK/export.sqlite3")
EXPORT_ID="$("${TM[@]}" import "$SEED" | tail -n 1)"
for mark in "7|solid background|Claim|Is a degree evidence?" "13|greater performance|Concession|" \
  "13|(accuracy + speed)||A highlight without a label" "19|long waits for H1B visas|Rebuttal|" \
  "60|a trade ban for Nvidia GPUs in China|Evidence|Source?" "142|赤热|Question|Which drama is this?"; do
  IFS='|' read -r post exact label note <<<"$mark"
  "${TM[@]}" highlight add "$EXPORT_ID" "$post" --exact "$exact" ${label:+--label "$label"} --note "$note" >/dev/null
done
"${TM[@]}" export "$EXPORT_ID" --format html -o "$WORK/export.html"
"${TM[@]}" export "$EXPORT_ID" --format json -o "$WORK/export.json"
# Opt-in (E2E_PERF=1): a synthetic 10,000-post Hacker News thread for the first-paint
# benchmark in e2e/tests/perf.test.mjs (skipped otherwise).
PERF_ID=""
if [ "${E2E_PERF:-}" = 1 ]; then
  (cd "$REPO" && cargo run -q -p threadmark-core --features synthetic --example synth -- hn 10000 "$WORK/perf.json")
  PERF_ID="$("$TARGET/$PROFILE/threadmark" --db "$THREADMARK_DB" import "$WORK/perf.json" | tail -n 1)"
  [[ "$PERF_ID" =~ ^[0-9]+$ ]] || fail "threadmark import printed '$PERF_ID', not a thread id"
fi

# One X server, one WebDriver proxy; each waited for before going on.
start_xvfb "$DISPLAY_NUMBER" "$WORK"

"$TAURI_DRIVER" --port "$DRIVER_PORT" --native-port "$NATIVE_PORT" >"$WORK/tauri-driver.log" 2>&1 &
DRIVER_PID=$!
wait_port "$DRIVER_PID" "$DRIVER_PORT" "$WORK/tauri-driver.log" tauri-driver

"$TAURI_DRIVER" --port "$DRIVER2_PORT" --native-port "$NATIVE2_PORT" >"$WORK/tauri-driver2.log" 2>&1 &
DRIVER2_PID=$!
wait_port "$DRIVER2_PID" "$DRIVER2_PORT" "$WORK/tauri-driver2.log" "the second tauri-driver"

# WebKitGTK's own driver for the export test (it starts MiniBrowser, not the app).
WebKitWebDriver --port="$WEBKIT_PORT" >"$WORK/webkit-driver.log" 2>&1 &
WEBKIT_PID=$!
wait_port "$WEBKIT_PID" "$WEBKIT_PORT" "$WORK/webkit-driver.log" WebKitWebDriver

rm -f "$E2E_SCREENSHOT"
status=0
E2E_FILES=(tests/)
[ -n "${E2E_ONLY:-}" ] && read -ra E2E_FILES <<<"$E2E_ONLY"
E2E_DRIVER_PORT="$DRIVER_PORT" E2E_DRIVER2_PORT="$DRIVER2_PORT" E2E_SEED="$SEED" E2E_APP="$TARGET/$PROFILE/threadmark-app" E2E_THREAD_ID="$THREAD_ID" E2E_NESTED_ID="$NESTED_ID" \
  E2E_PERF_THREAD_ID="$PERF_ID" E2E_WEBKIT_PORT="$WEBKIT_PORT" \
  E2E_EXPORT_HTML="$WORK/export.html" E2E_EXPORT_JSON="$WORK/export.json" \
  bash -c 'cd "$1/e2e" && exec node --test --test-concurrency=1 "${@:2}"' _ "$REPO" "${E2E_FILES[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: tauri-driver log:" >&2
  tail -n 50 "$WORK/tauri-driver.log" >&2
  [ -s "$WORK/tauri-driver2.log" ] && { echo "e2e: second tauri-driver log:" >&2; tail -n 30 "$WORK/tauri-driver2.log" >&2; }
fi
[ -f "$E2E_SCREENSHOT" ] && echo "e2e: screenshots at ${E2E_SCREENSHOT%.png}*.png"
exit "$status"
