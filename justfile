# tdb — tasks. `just` lists them; `just run` and `just test` are all a newcomer needs.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Tools installed by `just setup` (npm's wasm-opt must come before any system one).
export PATH := justfile_directory() + "/node_modules/.bin:" + env_var("HOME") + "/.cargo/bin:" + env_var("PATH")

# List the recipes.
default:
    @just --list

# Install what the build needs, idempotently (wasm target, wasm-split-cli, wasm-bindgen-cli, npm packages, chromium).
setup:
    scripts/setup.sh

# Build the web app (release wasm, DSFR assets) into crates/web-ui/dist.
web: setup
    scripts/web-build.sh

# Build everything, migrate the embedded SQLite database, load the demo data, serve the app and the API.
run: web
    cargo build -p tdb-api
    ./target/debug/tdb migrate
    ./target/debug/tdb seed --demo
    TDB_WEBHOOK_ALLOW="${TDB_WEBHOOK_ALLOW:-127.0.0.1,localhost}" ./target/debug/tdb serve

# The whole check: format, lints, unit and API tests (SQLite and PostgreSQL), wasm builds, browser test.
test: setup
    scripts/test.sh

# Regenerate the committed OpenAPI contract from the code.
openapi:
    cargo build -q -p tdb-api
    ./target/debug/tdb openapi > openapi/openapi.json.new
    mv openapi/openapi.json.new openapi/openapi.json
    @echo "openapi/openapi.json regenerated"

# Benchmarks (release builds), compared in the same run with the baselines of ../shared/bench.
bench:
    scripts/bench.sh

# Format the code.
fmt:
    cargo fmt --all
