#!/usr/bin/env bash
# `just bench`: release benchmarks, each next to its baseline in the same run (these machines are noisy:
# compare ratios, not absolute figures across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/bench

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "domain engine: evaluation, recomputation, peer statistics (release)"
cargo bench -p tdb-domain --bench engine

step "baseline: pandas peer statistics on the same shape (../shared/bench/pandas_peer_baseline.py)"
if [ -f "$shared/pandas_peer_baseline.py" ]; then
    python3 -c 'import pandas' 2>/dev/null || python3 -m pip install --quiet pandas
    python3 "$shared/pandas_peer_baseline.py" 22000 114
else
    echo "SKIPPED: $shared/pandas_peer_baseline.py not found (it lives in the shared folder beside the repository)"
fi

step "imports: engine vs raw multi-row INSERT, 22,000 structures × 100 values, SQLite and PostgreSQL (release)"
# PostgreSQL from TDB_BENCH_POSTGRES_URL (or TDB_TEST_POSTGRES_URL); without it only SQLite runs.
cargo bench -p tdb-api --bench imports

step "events and webhooks: feed read of 100,000 events, deliveries to a local receiver per replica (release)"
# Targets: the feed read < 1 s; ≥ 2,000 events/s per replica.
cargo bench -p tdb-api --bench webhooks

step "FINESS referential: a generated 100,000-line extract (then 200,000) into SQLite, lines/s and peak memory (release)"
# Target ≥ 50,000 lines/s; the peak memory of the two sizes shows it does not follow the file size.
cargo bench -p tdb-api --bench finess

step "forms API at national scale: GET and PATCH …/form on SQLite and PostgreSQL (scripts/bench-api.sh)"
scripts/bench-api.sh

step "restitution: peer statistics from the database vs pandas, structure benchmark endpoint (scripts/bench-peers.sh)"
scripts/bench-peers.sh

step "memory: peak RSS of tdb serve during a 2.2 M-value import, ten parallel regional exports, bomb files (scripts/bench-memory.sh)"
scripts/bench-memory.sh

step "web app: Lighthouse on seven pages, mobile profile, release server (scripts/lighthouse.sh; targets performance ≥ 90, accessibility 100, best practices ≥ 95)"
[ -f crates/web-ui/dist/index.html ] || scripts/web-build.sh
TDB_RELEASE=1 scripts/lighthouse.sh
