#!/usr/bin/env bash
# `just bench`, restitution part: peer statistics read from the database against the pandas baseline,
# then the structure benchmark endpoint under load.
#
# 1. ../shared/bench/pandas_peer_baseline.py (22,000 structures × 114 indicators × 3 levels), then
#    `cargo bench -p tdb-api --bench peers` on a SQLite database seeded with `tdb seed --national`
#    (the same shape, read from the database): both printed, with the ratio (target ≥ 3).
# 2. `tdb serve` (release) on that database, esms tokens for a spread of structures, and wrk on
#    GET …/structures/{finess}/benchmark for campaign 2024 (live: the groups are kept while no form
#    changes) and 2023 (frozen snapshot): p95 (target < 20 ms), only 200 answers counted.
#
# Knobs: BENCH_STRUCTURES (22000), BENCH_SECONDS (10), BENCH_FORMS (300), BENCH_SQLITE_FILE (a seeded
# file, used in place instead of seeding again).
set -euo pipefail
cd "$(dirname "$0")/.."

structures=${BENCH_STRUCTURES:-22000}
seconds=${BENCH_SECONDS:-10}
forms=${BENCH_FORMS:-300}
shared=../shared/bench
export TDB_JWT_SECRET=bench-only-secret-0123456789abcdef01234567
export TDB_LOG=warn
export TDB_WEB_DIST=/nonexistent
tdb=${CARGO_TARGET_DIR:-target}/release/tdb

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
file=${BENCH_SQLITE_FILE:-$work/peers.sqlite3}

step "baseline: pandas peer statistics, $structures structures × 114 indicators × 3 levels"
pandas_ms=""
if [ -f "$shared/pandas_peer_baseline.py" ]; then
    python3 -c 'import pandas' 2>/dev/null || python3 -m pip install --quiet pandas
    line=$(python3 "$shared/pandas_peer_baseline.py" "$structures" 114)
    echo "$line"
    pandas_ms=$(sed -n 's/.*: \([0-9]*\) ms$/\1/p' <<< "$line")
else
    echo "SKIPPED: $shared/pandas_peer_baseline.py not found"
fi

step "tdb: peer statistics read from the database (SQLite, release)"
# Shown as it runs through the same stderr, not by reopening /dev/stderr: `tee /dev/stderr` truncated a
# log file that both outputs were redirected to (`just bench > log 2>&1` lost everything before).
out=$(BENCH_STRUCTURES=$structures BENCH_PEERS_DATABASE="sqlite://$file" \
    timeout 3600 cargo bench -q -p tdb-api --bench peers | tee >(cat >&2) | grep '^RESULT')
warm_ms=$(sed -n 's/.* warm_ms=\([0-9]*\).*/\1/p' <<< "$out")
if [ -n "$pandas_ms" ] && [ -n "$warm_ms" ]; then
    python3 -c "import sys; p, t = float(sys.argv[1]), max(float(sys.argv[2]), 1.0); \
print(f'peer statistics: pandas {p:.0f} ms, tdb from the database {t:.0f} ms: {p / t:.1f}x faster (target >= 3x)')" \
        "$pandas_ms" "$warm_ms"
fi

step "tdb serve (release) on the seeded database"
timeout 1800 cargo build --release -q -p tdb-api
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tdb" serve --database-url "sqlite://$file" --bind "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 150); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.2; done
curl -sf "$base/api/v1/health" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
sqlite3 "$file" "SELECT finess FROM (SELECT finess, row_number() OVER (ORDER BY finess) AS n FROM structures)
  WHERE n % 50 = 0 LIMIT $forms" > "$work/finess.txt"
while read -r finess; do
    printf '%s %s\n' "$finess" "$("$tdb" token --role esms --structure "$finess")"
done < "$work/finess.txt" > "$work/tokens.txt"

rows=()
for year in 2024 2023; do
    first=$(head -n 1 "$work/tokens.txt")
    cold=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer ${first#* }" \
        "$base/api/v1/campaigns/$year/structures/${first%% *}/benchmark")
    step "$year: first request (builds the groups${year/2023/, freezes the campaign}): $cold s; wrk -t1 -c16 -d${seconds}s"
    timeout 60 wrk -t1 -c16 -d3s -s bench/wrk/benchmark.lua "$base" -- "$year" "$work/tokens.txt" > /dev/null
    result=$(timeout $((seconds + 60)) wrk -t1 -c16 -d"${seconds}s" -s bench/wrk/benchmark.lua "$base" \
        -- "$year" "$work/tokens.txt" | grep '^RESULT')
    echo "$result"
    rows+=("$year $result")
done
step "structure benchmark endpoint, $structures structures, SQLite (target: p95 < 20 ms)"
printf '%s\n' "${rows[@]}"
