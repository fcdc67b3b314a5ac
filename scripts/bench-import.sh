#!/usr/bin/env bash
# Import of a 10,000-post Hacker News thread (DESIGN §5), side by side with the
# naive baseline, in one run: `threadmark import` (release build: parse, sanitize,
# render, resolve quotes, store, index) against scripts/bench/naive_import.py
# (Python json + sqlite3 + FTS5, nothing else). Each into a new library file,
# alternating, RUNS times; prints the median wall time and the peak RSS of each
# (from /usr/bin/time -v). Opt-in: not part of `make test`.
#
#   scripts/bench-import.sh [POSTS=10000] [RUNS=7]
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-10000}
runs=${2:-7}
target="${CARGO_TARGET_DIR:-target}"
cache="$target/bench-cache"
mkdir -p "$cache"
cargo build --release -q -p threadmark-cli
cargo build --release -q -p threadmark-core --features synthetic --example synth
thread="$cache/hn-$posts.json"
[ -s "$thread" ] || "$target"/release/examples/synth hn "$posts" "$thread" 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() { # name, command...; appends "seconds kilobytes" to $tmp/name
  local name=$1; shift
  rm -f "$tmp"/db*
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null
  cat "$tmp/t" >>"$tmp/$name"
}
for i in $(seq "$runs"); do
  measure threadmark "$target"/release/threadmark --db "$tmp/db.sqlite3" import "$thread"
  measure naive python3 scripts/bench/naive_import.py "$thread" "$tmp/db.sqlite3"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "thread: $thread ($(stat -c %s "$thread") bytes, $posts posts); $runs runs each, alternating"
echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
for name in threadmark naive; do
  t=$(cut -d' ' -f1 "$tmp/$name" | median)
  m=$(cut -d' ' -f2 "$tmp/$name" | sort -n | tail -1)
  echo "$name: median ${t} s, all: $(cut -d' ' -f1 "$tmp/$name" | tr '\n' ' '), peak RSS $((m / 1024)) MiB"
done
