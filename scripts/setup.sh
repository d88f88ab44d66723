#!/usr/bin/env bash
# Installs, only when missing, what building and testing tdb needs. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

# The web app is split by route with wasm-split-cli (docs/decisions/008-route-splitting.md).
WASM_SPLIT_VERSION=0.2.4
# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
    say "installing Debian packages: $*"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if [ "$(cat "$HOME/.cargo/wasm-split-cli.version" 2>/dev/null)" != "$WASM_SPLIT_VERSION" ] || ! command -v wasm-split-cli >/dev/null; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (crate wasm_split_cli_support, about a minute, once)"
    cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
    echo "$WASM_SPLIT_VERSION" > "$HOME/.cargo/wasm-split-cli.version"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock)"
    # Not --locked: its lock file pins a webpki-roots version the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@gouvfr/dsfr/dist ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (DSFR, binaryen)"
    npm ci --no-audit --no-fund --loglevel=error
fi

missing=()
[ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
# pdftoppm and pdftotext: the fiche PDF test renders and reads the PDF it gets.
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ "${TDB_SKIP_BROWSER:-0}" != 1 ]; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
fi
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}" || { say "please install: ${missing[*]}"; exit 1; }
fi
