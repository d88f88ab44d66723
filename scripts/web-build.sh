#!/usr/bin/env bash
# Builds the web app into crates/web-ui/dist: DSFR assets copied from npm (never committed), release wasm
# optimised by wasm-opt. Prints the wasm size, raw and gzipped, and fails above the budget
# (TDB_WASM_BUDGET_KB, 820 KB gzipped by default: docs/decisions/007-usability-fixes-and-the-size-budget.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's wasm-opt (binaryen) first, as the justfile does, so the script also works when run on its own.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

dsfr=node_modules/@gouvfr/dsfr/dist
vendor=crates/web-ui/vendor/dsfr
rm -rf "$vendor"
mkdir -p "$vendor"
cp "$dsfr/dsfr.min.css" "$vendor/"
# The icons the CSS references (badges, alerts, links…): without them `/dsfr/icons/…` is a 404.
cp -r "$dsfr/fonts" "$dsfr/favicon" "$dsfr/icons" "$vendor/"

(cd crates/web-ui && trunk build --release --cargo-profile wasm-release)

wasm=$(ls crates/web-ui/dist/*.wasm)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
budget_kb=${TDB_WASM_BUDGET_KB:-820}
printf 'web app built: %s — wasm %d KB raw, %d KB gzipped (budget %d KB gzipped)\n' "$wasm" $((raw / 1024)) $((gz / 1024)) "$budget_kb"
if [ "$gz" -gt $((budget_kb * 1024)) ]; then
    echo "web-build: the gzipped wasm ($((gz / 1024)) KB) is over the budget of $budget_kb KB" >&2
    exit 1
fi
