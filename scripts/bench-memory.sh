#!/usr/bin/env bash
# `just bench`, memory part: the peak resident memory (VmHWM) of `tdb serve` (release, SQLite) during
# (a) an import of 2.2 million values (CSV, wide: every seeded structure × 100 number items, a dry run
# by default: the whole file is read and every value checked, as a job), (b) ten parallel regional
# exports (CSV) of the national seed by ten callers (clients retry on 429/503 after `Retry-After`, as
# the limit of large requests asks), (c) the bomb files of `bench/memory/bombs.py` (each must answer
# 413). Two figures per step, both of which must stay under 512 MiB: the peak of the server's anonymous
# memory (`RssAnon`: its heap; sampled every 50 ms) and its peak resident set `VmHWM` (reset before each
# step through `/proc/PID/clear_refs`), which also counts the pages of the SQLite file it maps
# (`mmap_size` 64 MiB).
#
# Knobs: BENCH_STRUCTURES (22000), BENCH_ITEMS (100 items per structure), BENCH_IMPORT_DRY_RUN (true),
# BENCH_SQLITE_FILE (a seeded file, used in place: no seed), BENCH_TDB (a release `tdb`: no build).
set -euo pipefail
cd "$(dirname "$0")/.."

structures=${BENCH_STRUCTURES:-22000}
items=${BENCH_ITEMS:-100}
dry_run=${BENCH_IMPORT_DRY_RUN:-true}
limit_kib=$((512 * 1024))
export TDB_JWT_SECRET=bench-only-secret-0123456789abcdef01234567
export TDB_LOG=warn
export TDB_WEB_DIST=/nonexistent
tdb=${BENCH_TDB:-${CARGO_TARGET_DIR:-target}/release/tdb}

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
for c in curl sqlite3 python3; do command -v $c >/dev/null || { echo "bench-memory: $c is missing" >&2; exit 1; }; done

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

step "tdb (release build)"
[ -n "${BENCH_TDB:-}" ] || timeout 1800 cargo build --release -q -p tdb-api

file=${BENCH_SQLITE_FILE:-$work/bench.sqlite3}
if [ -z "${BENCH_SQLITE_FILE:-}" ]; then
    step "seed --national --structures $structures"
    start=$SECONDS
    timeout 3600 "$tdb" seed --national --structures "$structures" --database-url "sqlite://$file" --log warn
    echo "seed time: $((SECONDS - start)) s"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$tdb" serve --database-url "sqlite://$file" --bind "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 150); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.2; done
curl -sf "$base/api/v1/health" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

sampler=""
reset_peak() { # resets VmHWM and starts sampling RssAnon
    echo 5 > "/proc/$server/clear_refs"
    : > "$work/anon.txt"
    ( while kill -0 "$server" 2>/dev/null; do
        awk '/^RssAnon:/ { print $2 }' "/proc/$server/status" >> "$work/anon.txt"; sleep 0.05
      done ) &
    sampler=$!
}
rows=()
record() { # record NAME DETAIL
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    local hwm anon verdict=ok
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server/status")
    anon=$(sort -n "$work/anon.txt" | tail -n 1)
    [ "$anon" -lt "$limit_kib" ] && [ "$hwm" -lt "$limit_kib" ] || verdict=OVER
    rows+=("$(printf '%-44s %9s MiB %9s MiB  %-4s %s' "$1" "$((anon / 1024))" "$((hwm / 1024))" "$verdict" "$2")")
    echo "$1: peak RssAnon $((anon / 1024)) MiB, VmHWM $((hwm / 1024)) MiB ($2)"
}

national=$("$tdb" token --role national --subject bench-import@tdb.local)

step "(a) import of $structures × $items values (CSV, wide, dry_run=$dry_run)"
curl -sf "$base/api/v1/catalogue/2024" > "$work/catalogue.json"
sqlite3 "$file" "SELECT finess FROM structures ORDER BY finess" > "$work/finess.txt"
python3 - "$work/catalogue.json" "$work/finess.txt" "$items" > "$work/import.csv" <<'PY'
import json, sys
catalogue = json.load(open(sys.argv[1]))
items = [i["code"] for i in catalogue["items"] if i.get("item_type") not in ("bool", "date", "enum", "text")]
items = (items * (int(sys.argv[3]) // max(len(items), 1) + 1))[: int(sys.argv[3])]
seen, columns = set(), []
for code in items:  # a code once per header: repeat with a suffix (unknown items, still read and checked)
    name = code if code not in seen else f"{code}_{len(columns)}"
    seen.add(name)
    columns.append(name)
out = sys.stdout
out.write("finess," + ",".join(columns) + "\n")
values = ",".join("1" for _ in columns)
for finess in open(sys.argv[2]).read().split():
    out.write(f"{finess},{values}\n")
PY
echo "file: $(wc -c < "$work/import.csv") bytes, $(($(wc -l < "$work/import.csv") - 1)) lines × $items values"
reset_peak
start=$SECONDS
location=$(curl -s -D - -o "$work/import-answer.json" -X POST -H "Authorization: Bearer $national" \
    -H 'Content-Type: text/csv' --data-binary @"$work/import.csv" \
    "$base/api/v1/campaigns/2024/imports?source=cnsa_errd&dry_run=$dry_run" | tr -d '\r' |
    awk 'tolower($1) == "location:" { print $2 }')
state=""
if [ -n "$location" ]; then
    while :; do
        state=$(curl -s -H "Authorization: Bearer $national" "$base$location" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
        [ "$state" = running ] || [ "$state" = queued ] || break
        sleep 1
    done
else
    state="answered $(head -c 200 "$work/import-answer.json")"
fi
record "(a) import, $(($(wc -l < "$work/import.csv") - 1)) × $items values" "job $state in $((SECONDS - start)) s"

step "(b) ten parallel regional exports (CSV)"
regions=$(sqlite3 "$file" "SELECT DISTINCT region_code FROM structures ORDER BY 1")
[ -n "$regions" ] || regions="32"
mapfile -t region_list <<< "$regions"
reset_peak
start=$SECONDS
for i in $(seq 0 9); do
    region=${region_list[$((i % ${#region_list[@]}))]}
    token=$("$tdb" token --role national --subject "bench-export-$i@tdb.local")
    (
        tries=0
        while :; do
            tries=$((tries + 1))
            code=$(curl -s -o "$work/export-$i.csv" -D "$work/export-$i.head" -w '%{http_code}' \
                -H "Authorization: Bearer $token" "$base/api/v1/campaigns/2024/export?layout=regional&region=$region")
            if [ "$code" = 429 ] || [ "$code" = 503 ]; then
                sleep "$(tr -d '\r' < "$work/export-$i.head" | awk 'tolower($1) == "retry-after:" { print $2 }')"
                continue
            fi
            echo "$code $tries $(wc -c < "$work/export-$i.csv")" > "$work/export-$i.result"
            break
        done
    ) &
done
wait_exports() { for i in $(seq 0 9); do while [ ! -s "$work/export-$i.result" ]; do sleep 0.5; done; done; }
wait_exports
summary=$(cat "$work"/export-*.result | awk '{ s[$1]++; t += $2; b += $3 } END { for (k in s) printf "%s×%s ", s[k], k; printf "(%d tries, %d MiB sent)", t, b / 1048576 }')
record "(b) 10 parallel regional exports" "$summary in $((SECONDS - start)) s"

step "(c) bomb files (bench/memory/bombs.py)"
python3 bench/memory/bombs.py "$work/bombs"
token=$("$tdb" token --role national --subject bench-bombs@tdb.local)
for bomb in dimension strings strings-lying rows-5m rows-1m; do
    reset_peak
    start=$SECONDS
    answer=$(curl -s -X POST -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
        --data-binary @"$work/bombs/$bomb.xlsx" -w ' %{http_code}' \
        "$base/api/v1/campaigns/2024/imports?source=cnsa_errd&dry_run=true")
    kill -0 "$server" || { echo "the server died on $bomb" >&2; exit 1; }
    record "(c) $bomb.xlsx ($(wc -c < "$work/bombs/$bomb.xlsx") bytes)" "HTTP ${answer##* } $(sed -n 's/.*"code":"\([a-z_]*\)".*/\1/p' <<< "$answer") in $((SECONDS - start)) s"
done

step "peak resident memory of tdb serve (limit 512 MiB of RssAnon and of VmHWM; $structures structures)"
printf '%-44s %13s %13s  %-4s %s\n' step "RssAnon peak" "VmHWM" "" detail
printf '%s\n' "${rows[@]}"
! printf '%s\n' "${rows[@]}" | grep -q ' OVER '
