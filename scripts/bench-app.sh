#!/usr/bin/env bash
# App start and memory (DESIGN §5), opt-in, not part of `make test`:
# the release app under Xvfb :99, RUNS times each, in one run:
#   empty  — a new library (the app adds its sample thread), the library view;
#   10k    — a library holding a synthetic 10,000-post Hacker News thread, which is
#            then opened from the library view (keys j, Enter) and left to render;
#   lib100 — a library of 100 threads: that 10,000-post thread and 99 synthetic HN
#            threads of 50 to 500 posts (seeds 101-199, sizes spread evenly), the
#            library view (DESIGN §5: start with a library of 100 threads).
# Start = from exec to the "Threadmark" window mapped (polled every 10 ms with
# xdotool); drawn = from exec to the library's first thread on the screen, the
# window activated as soon as it mapped (polled with `import`, ~20-100 ms a poll
# on this machine, so a coarse figure). Memory = the sum of PSS over the app and all its child processes
# (WebKit web and network processes) from /proc/PID/smaps_rollup, 4 s after the
# window mapped (and, for 10k, again 6 s after the thread was opened), with the
# share of each process: app (threadmark-app), web (WebKitWebProcess), net
# (WebKitNetworkProcess).
# Screenshots of the last 10k run (thread open) and of the last lib100 run (library
# view) are left at $BENCH_SCREENSHOT and $BENCH_SCREENSHOT_LIB100.
#
#   flock /tmp/threadmark-e2e.lock scripts/bench-app.sh [RUNS=3]
#   BENCH_APP_BUILD=0 scripts/bench-app.sh   # measure the binaries already built
# (the script takes that lock itself when it is not held).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${BENCH_APP_LOCKED:-}" ]; then
  BENCH_APP_LOCKED=1 exec flock /tmp/threadmark-e2e.lock "$0" "$@"
fi
RUNS=${1:-3}
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
SHOT="${BENCH_SCREENSHOT:-/tmp/threadmark-bench-app.png}"
SHOT100="${BENCH_SCREENSHOT_LIB100:-/tmp/threadmark-bench-app-lib100.png}"
for tool in Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "bench-app: $tool missing (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
if [ "${BENCH_APP_BUILD:-1}" != 0 ]; then # BENCH_APP_BUILD=0: the binaries already built
  (cd "$REPO/ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run --silent build)
  (cd "$REPO" && cargo build -q --release -p threadmark-app -p threadmark-cli \
    && cargo build -q --release -p threadmark-core --features synthetic --example synth)
fi

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
# 100 threads: the 10k one and 99 of 50-500 posts (k*181 mod 451 spreads them evenly).
cp "$WORK/10k.sqlite3" "$WORK/lib100.sqlite3"
for k in $(seq 1 99); do
  "$TARGET/release/examples/synth" hn $((50 + (k * 181) % 451)) "$WORK/t.json" $((100 + k))
  "$TARGET/release/threadmark" --db "$WORK/lib100.sqlite3" import "$WORK/t.json" >/dev/null
done
threads=$("$TARGET/release/threadmark" --db "$WORK/lib100.sqlite3" list --json | grep -o '"id":' | wc -l)
[ "$threads" = 100 ] || { echo "bench-app: lib100 holds $threads threads, not 100" >&2; exit 1; }

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
pss_mib() { # PSS of the app's process tree, MiB: "TOTAL app=A web=W net=N"
  local total=0 app=0 web=0 net=0 kb name
  for p in $(descendants "$APP_PID"); do
    kb=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
    kb=${kb:-0}
    name=$(cat /proc/"$p"/comm 2>/dev/null || echo gone)
    total=$((total + kb))
    case "$name" in
      WebKitWebProces*) web=$((web + kb)) ;;
      WebKitNetworkPr*) net=$((net + kb)) ;;
      *) app=$((app + kb)) ;;
    esac
  done
  echo "$((total / 1024)) app=$((app / 1024)) web=$((web / 1024)) net=$((net / 1024))"
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
  # A window manager activates a new window; Xvfb has none, and WebKit draws nothing
  # in a window never activated. Then wait for the first thread of the list to show
  # (its place on the screen holds more than one colour), polled with `import`.
  xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
  local drawn="" colours
  for _ in $(seq 300); do
    colours=$(import -window "$win" -crop 500x100+200+160 +repage -format %k info: 2>/dev/null || echo 0)
    if [ "${colours:-0}" -gt 1 ]; then drawn=$(date +%s%N); break; fi
    sleep 0.02
  done
  [ -n "$drawn" ] || { import -window root "$WORK/blank.png"; echo "bench-app: the library did not show in 6 s" >&2; exit 1; }
  sleep 4
  local idle idle_split
  read -r idle idle_split < <(pss_mib)
  local opened="-" opened_split="-"
  if [ "$name" = 10k ]; then
    xdotool key --window "$win" j Return
    sleep 6
    read -r opened opened_split < <(pss_mib)
    import -window root "$SHOT"
  fi
  [ "$name" != lib100 ] || import -window root "$SHOT100"
  echo "$name start_ms=$(((mapped - start) / 1000000)) drawn_ms=$(((drawn - start) / 1000000)) pss_library_mib=$idle pss_thread_open_mib=$opened" | tee -a "$WORK/results"
  echo "  by process, library view: $idle_split; thread open: $opened_split" | tee -a "$WORK/results"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  sleep 1
}

echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
for i in $(seq "$RUNS"); do
  run empty "$WORK/empty-$i.sqlite3"
  run 10k "$WORK/10k.sqlite3"
  run lib100 "$WORK/lib100.sqlite3"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for name in empty 10k lib100; do
  for key in start_ms drawn_ms pss_library_mib pss_thread_open_mib; do
    [ "$name" = 10k ] || [ "$key" != pss_thread_open_mib ] || continue
    v=$(grep "^$name " "$WORK/results" | tr ' ' '\n' | sed -n "s/^$key=//p" | median)
    echo "$name median $key: $v"
  done
done
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
echo "screenshots: $SHOT (10k thread open), $SHOT100 (lib100 library view)"
