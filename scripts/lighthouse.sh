#!/usr/bin/env bash
# Lighthouse on the login, home, form, restitution, fiche, territory and CPOM pages of the web app served
# by `tdb serve` on a fresh demo database (scripts/lib/demo-server.sh; the web app must be built:
# scripts/web-build.sh), mobile profile with its default throttling, Debian's Chromium, offline.
# Prints a table of the scores per page and writes target/lighthouse/scores.json.
#
# LIGHTHOUSE_FLOORS (e.g. "accessibility=100,best-practices=95", what `just test` enforces) makes it fail
# when a page scores below; `just bench` prints the scores with the performance target as well
# (LIGHTHOUSE_FLOORS="performance=90,accessibility=100,best-practices=95" to enforce it too).
# LIGHTHOUSE_CLS_MAX (0.25 in `just test`) fails a page whose content moves more than that while it loads.
# LIGHTHOUSE_REPORTS=DIR keeps each page's whole Lighthouse report in DIR/<page>.json (long tasks, bytes).
# TDB_RELEASE=1 serves the release build (as `just bench` does): the debug server compresses the wasm
# slowly enough to weigh on the performance score.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

[ -f node_modules/lighthouse/package.json ] || { echo "lighthouse is not installed: run \`just setup\`" >&2; exit 1; }
[ -f crates/web-ui/dist/index.html ] || { echo "the web app is not built: run scripts/web-build.sh" >&2; exit 1; }

# shellcheck source=scripts/lib/demo-server.sh
source scripts/lib/demo-server.sh
start_demo_server

NATIONAL="$(demo_token national lighthouse@tdb.local)"
ME="$(curl -fsS -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"direction.ehpad@demo.tdb.fr","password":"demo-esms-2024"}')"
ESMS_TOKEN="$(echo "$ME" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
export LIGHTHOUSE_FINESS="$(curl -fsS -H "Authorization: Bearer $ESMS_TOKEN" "$URL/api/v1/structures?per_page=1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["finess"])')"
export LIGHTHOUSE_YEAR="$(curl -fsS -H "Authorization: Bearer $NATIONAL" "$URL/api/v1/campaigns" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print([c["year"] for c in d if c["phase"]=="collecte"][0])')"
export LIGHTHOUSE_ESMS="direction.ehpad@demo.tdb.fr:demo-esms-2024"
export LIGHTHOUSE_ARS="ars.hdf@demo.tdb.fr:demo-ars-2024"
mkdir -p target/lighthouse
node scripts/lighthouse.mjs "$URL" target/lighthouse/scores.json
