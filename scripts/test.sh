#!/usr/bin/env bash
# The whole check of `just test`. Fails at the first red step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it starts and how long the whole check has run (where CI's minutes go).
step() { printf '\n\033[1;34m==> [%s, +%d min %02d s] %s\033[0m\n' "$(date +%T)" $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
trap 'printf "\n==> [%s, +%d min %02d s] end\n" "$(date +%T)" $((SECONDS / 60)) $((SECONDS % 60))' EXIT

step "format (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (clippy -D warnings): server crates, then the web app for wasm32"
cargo clippy --workspace --exclude tdb-web-ui --all-targets --features tdb-domain/openapi -- -D warnings
cargo clippy -p tdb-web-ui --target wasm32-unknown-unknown -- -D warnings

step "domain crate for wasm32-unknown-unknown"
cargo build -p tdb-domain --target wasm32-unknown-unknown

# PostgreSQL: use TDB_TEST_POSTGRES_URL, or the local server when it answers; say so either way.
if [ -z "${TDB_TEST_POSTGRES_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    export TDB_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
fi
if [ -n "${TDB_TEST_POSTGRES_URL:-}" ]; then
    export TDB_TEST_REQUIRE_POSTGRES=1
    echo "PostgreSQL: API tests run on SQLite AND on ${TDB_TEST_POSTGRES_URL}"
else
    echo "PostgreSQL: SKIPPED — nothing answers on 127.0.0.1:5432 and TDB_TEST_POSTGRES_URL is not set"
fi

step "build the unit, property and API tests"
cargo test --workspace --exclude tdb-web-ui --exclude tdb-e2e --no-run

step "unit, property and API tests (SQLite${TDB_TEST_POSTGRES_URL:+ + PostgreSQL})"
cargo test --workspace --exclude tdb-web-ui --exclude tdb-e2e

step "API contract fuzzing (schemathesis, national and esms, bounded)"
scripts/schemathesis.sh

step "a client generated from the contract (openapi-python-client): partner login, prefill, form, PDF"
scripts/generated-client.sh

step "web app unit tests, native (French formats, text alternatives of charts)"
cargo test -p tdb-web-ui --lib

step "web app build (release wasm split by route, budget of the first load)"
scripts/web-build.sh

step "Lighthouse floors on seven pages: accessibility 100, best practices ≥ 95, CLS ≤ 0.25 (scripts/lighthouse.sh)"
LIGHTHOUSE_FLOORS="accessibility=100,best-practices=95" LIGHTHOUSE_CLS_MAX=0.25 scripts/lighthouse.sh

step "build the browser tests"
cargo test -p tdb-e2e --no-run

step "browser tests (headless Chromium)"
cargo test -p tdb-e2e -- --nocapture --test-threads=1
