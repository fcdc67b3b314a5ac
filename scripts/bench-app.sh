#!/usr/bin/env bash
# App start and memory (DESIGN §5), opt-in, not part of `make test`:
# the release app under Xvfb :99, RUNS times each, in one run:
#   empty  — a new library (the app adds its sample thread), the library view;
#   10k    — a library holding a synthetic 10,000-post Hacker News thread, which is
#            then opened from the library view (keys j, Enter) and left to render.
# Start = from exec to the "Threadmark" window mapped (polled every 10 ms with
# xdotool). Memory = the sum of PSS over the app and all its child processes
# (WebKit web and network processes) from /proc/PID/smaps_rollup, 4 s after the
# window mapped (and, for 10k, again 6 s after the thread was opened).
# A screenshot of the last 10k run is left at $BENCH_SCREENSHOT.
#
#   flock /tmp/threadmark-e2e.lock scripts/bench-app.sh [RUNS=3]
# (the script takes that lock itself when it is not held).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${BENCH_APP_LOCKED:-}" ]; then
  BENCH_APP_LOCKED=1 exec flock /tmp/threadmark-e2e.lock "$0" "$@"
fi
RUNS=${1:-3}
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
SHOT="${BENCH_SCREENSHOT:-/tmp/threadmark-bench-app.png}"
for tool in Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "bench-app: $tool missing (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
(cd "$REPO/ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run --silent build)
(cd "$REPO" && cargo build -q --release -p threadmark-app -p threadmark-cli \
  && cargo build -q --release -p threadmark-core --features synthetic --example synth)

WORK="$(mktemp -d)"
XVFB_PID=""
APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$TARGET/release/examples/synth" hn 10000 "$WORK/10k.json" 1
"$TARGET/release/threadmark" --db "$WORK/10k.sqlite3" import "$WORK/10k.json" >/dev/null

[ ! -e /tmp/.X99-lock ] || { echo "bench-app: display :99 is in use" >&2; exit 1; }
Xvfb :99 -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=:99
for _ in $(seq 100); do [ -S /tmp/.X11-unix/X99 ] && break; sleep 0.1; done

descendants() { # pid → the pid and all its descendants
  local p=$1
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do descendants "$c"; done
}
pss_mib() { # total PSS of the app's process tree, MiB
  local total=0 kb
  for p in $(descendants "$APP_PID"); do
    kb=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

run() { # name library
  local name=$1 db=$2 start mapped win
  local home="$WORK/home-$name-$RANDOM"
  mkdir -p "$home"
  start=$(date +%s%N)
  XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
    "$TARGET/release/threadmark-app" --db "$db" >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  win=""
  for _ in $(seq 3000); do
    win=$(xdotool search --onlyvisible --name '^Threadmark$' 2>/dev/null | head -n 1 || true)
    [ -n "$win" ] && break
    sleep 0.01
  done
  mapped=$(date +%s%N)
  [ -n "$win" ] || { cat "$WORK/app.log" >&2; echo "bench-app: no window" >&2; exit 1; }
  sleep 4
  local idle
  idle=$(pss_mib)
  local opened="-"
  if [ "$name" = 10k ]; then
    xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
    xdotool key --window "$win" j Return
    sleep 6
    opened=$(pss_mib)
    import -window root "$SHOT"
  fi
  echo "$name start_ms=$(((mapped - start) / 1000000)) pss_library_mib=$idle pss_thread_open_mib=$opened" | tee -a "$WORK/results"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  sleep 1
}

echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
for i in $(seq "$RUNS"); do
  run empty "$WORK/empty-$i.sqlite3"
  run 10k "$WORK/10k.sqlite3"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for name in empty 10k; do
  for key in start_ms pss_library_mib pss_thread_open_mib; do
    v=$(grep "^$name " "$WORK/results" | tr ' ' '\n' | sed -n "s/^$key=//p" | median)
    echo "$name median $key: $v"
  done
done
echo "screenshot: $SHOT"
