#!/usr/bin/env bash
# A long run of the randomized sync convergence test (issue 16): many cases of
# three libraries editing offline and exchanging files with faults.
#   scripts/sync-soak.sh [CASES] [SEED_HEX]
# CASES defaults to 2000. SEED_HEX (64 hex digits) replays a run; without it each
# run takes a new seed, printed first, so a failure can be replayed.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-2000}
seed=${2:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
echo "sync soak: $cases cases, THREADMARK_SYNC_SEED=$seed"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
THREADMARK_SYNC_CASES=$cases THREADMARK_SYNC_SEED=$seed \
  nice cargo test --release -p threadmark-core --test tests sync::convergence -- --nocapture
