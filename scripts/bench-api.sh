#!/usr/bin/env bash
# `just bench`, API part: form read and write at national scale, on SQLite and on PostgreSQL.
#
# For each backend: a fresh database seeded with `tdb seed --national` (seed time printed), `tdb serve`
# (release) on a free loopback port, esms tokens for a spread of structures whose 2024 form is
# `en_cours`, then wrk on 127.0.0.1: GET …/form (-c16) and PATCH of one value with `If-Match: *` (-c8).
# Prints one table; every figure counts only 200 answers (non-2xx must be 0). Bounded in time: each
# step runs under `timeout`, and the server and the databases are removed on exit.
#
# Knobs (environment): BENCH_BACKENDS ("sqlite postgres"), BENCH_STRUCTURES (22000), BENCH_SECONDS (10),
# BENCH_FORMS (300 structures), BENCH_POSTGRES_URL (postgres://postgres:test@127.0.0.1:5432/postgres, the
# maintenance database; `tdb_bench` is created beside it and dropped), and, to re-run on data seeded
# before instead of seeding again: BENCH_SQLITE_FILE (a seeded file, used in place) and BENCH_POSTGRES_DB
# (a seeded database, kept); BENCH_TDB (a release `tdb` built before: no build step).
set -euo pipefail
cd "$(dirname "$0")/.."

backends=${BENCH_BACKENDS:-sqlite postgres}
structures=${BENCH_STRUCTURES:-22000}
seconds=${BENCH_SECONDS:-10}
forms=${BENCH_FORMS:-300}
pg_admin=${BENCH_POSTGRES_URL:-postgres://postgres:test@127.0.0.1:5432/postgres}
pg_db=tdb_bench
export TDB_JWT_SECRET=bench-only-secret-0123456789abcdef01234567
export TDB_LOG=warn
export TDB_WEB_DIST=/nonexistent
tdb=${BENCH_TDB:-${CARGO_TARGET_DIR:-target}/release/tdb}

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

need() { # need COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null && return
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    fi
    command -v "$1" >/dev/null || { echo "bench-api: $1 is missing (apt-get install $2)" >&2; exit 1; }
}
need wrk wrk
need curl curl
need sqlite3 sqlite3
need psql postgresql-client

work=$(mktemp -d)
server=""
dropdb=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -n "$dropdb" ]; then psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

step "tdb serve (release build)"
[ -n "${BENCH_TDB:-}" ] || timeout 1800 cargo build --release -q -p tdb-api

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The structures measured: FINESS of `en_cours` 2024 forms (writable in `collecte`), spread over the list.
pick_sql="SELECT structure_finess FROM (SELECT structure_finess, row_number() OVER (ORDER BY structure_finess) AS n
  FROM forms WHERE campaign_year = 2024 AND state = 'en_cours') AS f WHERE n % 20 = 0 ORDER BY n LIMIT $forms"

rows=()
run_backend() { # run_backend NAME URL QUERY-COMMAND...
    local name=$1 url=$2
    shift 2
    if [ -z "${reuse:-}" ]; then
        step "$name: seed --national --structures $structures"
        "$tdb" seed --help >/dev/null 2>&1 || { echo "bench-api: this tdb has no \`seed\` command" >&2; exit 1; }
        local start=$SECONDS
        timeout 1800 "$tdb" seed --national --structures "$structures" --database-url "$url" --log warn
        echo "seed time on $name: $((SECONDS - start)) s"
    fi
    "$@" "$pick_sql" | tr -d ' ' | grep -v '^$' > "$work/finess.txt"
    [ -s "$work/finess.txt" ] || { echo "bench-api: no en_cours form of 2024 in the $name database" >&2; exit 1; }

    local port
    port=$(free_port)
    step "$name: tdb serve on 127.0.0.1:$port, $(wc -l < "$work/finess.txt") structures"
    timeout $((seconds * 3 + 300)) "$tdb" serve --database-url "$url" --bind "127.0.0.1:$port" \
        > "$work/server-$name.log" 2>&1 &
    server=$!
    local base="http://127.0.0.1:$port"
    for _ in $(seq 150); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.2; done
    curl -sf "$base/api/v1/health" >/dev/null || { cat "$work/server-$name.log" >&2; exit 1; }
    while read -r finess; do
        printf '%s %s\n' "$finess" "$("$tdb" token --role esms --structure "$finess")"
    done < "$work/finess.txt" > "$work/tokens.txt"

    # First reads: each computes and caches its form (the cost of a read after a write elsewhere).
    local cold=()
    while read -r finess token; do
        cold+=("$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
            "$base/api/v1/campaigns/2024/structures/$finess/form")")
    done < <(head -n 50 "$work/tokens.txt")
    local cold_ms
    cold_ms=$(printf '%s\n' "${cold[@]}" | awk '$1 == 200 { print $2 * 1000 }' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else printf "%.1f", v[int((NR + 1) / 2)] }')
    # Warm-up (not measured): reads every measured form once more through wrk.
    timeout 60 wrk -t1 -c16 -d3s -s bench/wrk/forms.lua "$base" -- GET "$work/tokens.txt" > /dev/null

    step "$name: wrk GET (-t1 -c16 -d${seconds}s), then PATCH (-t1 -c8 -d${seconds}s), whole form then summary"
    local get patch minimal
    get=$(timeout $((seconds + 60)) wrk -t1 -c16 -d"${seconds}s" -s bench/wrk/forms.lua "$base" \
        -- GET "$work/tokens.txt" | grep '^RESULT')
    patch=$(timeout $((seconds + 60)) wrk -t1 -c8 -d"${seconds}s" -s bench/wrk/forms.lua "$base" \
        -- PATCH "$work/tokens.txt" | grep '^RESULT')
    minimal=$(timeout $((seconds + 60)) wrk -t1 -c8 -d"${seconds}s" -s bench/wrk/forms.lua "$base" \
        -- PATCH_MINIMAL "$work/tokens.txt" | grep '^RESULT')
    echo "$get"
    echo "$patch"
    echo "$minimal"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }
    local errors=0 result
    for result in "$get" "$patch" "$minimal"; do
        errors=$((errors + $(field non2xx "$result") + $(field socket_errors "$result")))
    done
    rows+=("$(printf '%-9s %9s %11s %12s %12s %14s %10s %11s' "$name" "$(field rps "$get")" \
        "$(field p99_ms "$get")" "$(field p95_ms "$patch")" "$(field rps "$patch")" \
        "$(field p95_ms "$minimal")" "$cold_ms" "$errors")")
}

for backend in $backends; do
    case $backend in
    sqlite)
        reuse=${BENCH_SQLITE_FILE:-}
        file=${BENCH_SQLITE_FILE:-$work/bench.sqlite3}
        run_backend sqlite "sqlite://$file" sqlite3 "$file"
        ;;
    postgres)
        if ! psql -q "$pg_admin" -c 'SELECT 1' >/dev/null 2>&1; then
            echo "SKIPPED PostgreSQL: $pg_admin does not answer"
            continue
        fi
        reuse=${BENCH_POSTGRES_DB:-}
        db=${BENCH_POSTGRES_DB:-$pg_db}
        if [ -z "$reuse" ]; then
            psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
            dropdb=1
        fi
        url="${pg_admin%/*}/$db"
        run_backend postgres "$url" psql -qtA "$url" -c
        ;;
    *) echo "bench-api: unknown backend $backend" >&2; exit 1 ;;
    esac
done

step "forms API at national scale ($structures structures; targets: GET >= 8000/s, PATCH p95 < 10 ms)"
printf '%-9s %9s %11s %12s %12s %14s %10s %11s\n' backend "GET/s" "GET p99 ms" "PATCH p95 ms" "PATCH/s" \
    "PATCH min p95" "cold GET ms" "non-2xx"
printf '%s\n' "${rows[@]}"
