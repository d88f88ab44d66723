#!/usr/bin/env bash
# Builds the web app into crates/web-ui/dist: DSFR assets copied from npm (never committed), release wasm
# optimised by wasm-opt. Prints the wasm size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."

dsfr=node_modules/@gouvfr/dsfr/dist
vendor=crates/web-ui/vendor/dsfr
rm -rf "$vendor"
mkdir -p "$vendor"
cp "$dsfr/dsfr.min.css" "$vendor/"
cp -r "$dsfr/fonts" "$dsfr/favicon" "$vendor/"

(cd crates/web-ui && trunk build --release --cargo-profile wasm-release)

wasm=$(ls crates/web-ui/dist/*.wasm)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'web app built: %s — wasm %d KB raw, %d KB gzipped\n' "$wasm" $((raw / 1024)) $((gz / 1024))
