#!/usr/bin/env bash
# Longer cargo-fuzz runs of every target (issue 8), seeded with the shared corpus.
#   scripts/fuzz-long.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Stable Rust only here, so
# RUSTC_BOOTSTRAP=1 and no sanitizer (`-s none`): the code under test is safe Rust,
# the runs look for panics, aborts, stack overflows, hangs and memory blow-ups.
# Findings land in fuzz/artifacts/TARGET/; each becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-300}
shift || true
corpus=../../shared/corpus
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(import import_hn import_reddit import_lobsters import_discourse import_mbox import_text anchor)
seeds() {
  case $1 in
    import) echo "$corpus/hn/algolia $corpus/reddit $corpus/lobsters $corpus/discourse $corpus/seed" ;;
    import_hn) echo "$corpus/hn/algolia $corpus/hn/firebase $corpus/hn/hnpwa $corpus/hn/html" ;;
    import_reddit) echo "$corpus/reddit" ;;
    import_lobsters) echo "$corpus/lobsters" ;;
    import_discourse) echo "$corpus/discourse" ;;
    import_mbox) echo "$corpus/mbox/b4 $corpus/email-quotes/emails" ;;
    import_text) echo "$corpus/seed $corpus/email-quotes/emails" ;;
    anchor) echo "" ;;
  esac
}
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: ${secs}s"
  # shellcheck disable=SC2046
  cargo fuzz run -s none "$t" "corpus/$t" $(seeds "$t") -- \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 2>&1 |
    grep -E "^(#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|==[0-9]+== ERROR|SUMMARY|.*deadly signal|.*panicked)" || true
done
