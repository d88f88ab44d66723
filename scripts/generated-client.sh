#!/usr/bin/env bash
# A partner's first steps with the committed contract: generates a Python client from
# openapi/openapi.json with openapi-python-client (from PyPI into a venv under target/, never committed),
# fails on any generation warning but the `text/csv` request bodies the generator cannot handle, then
# uses the generated client against a real `tdb serve` on the demo database
# (scripts/generated_client_test.py: log in as a partner, push a prefill, read the form, download a PDF).
set -euo pipefail
cd "$(dirname "$0")/.."

GENERATOR_VERSION=0.29.1
VENV=target/openapi-client/venv
if [ "$("$VENV/bin/openapi-python-client" --version 2>/dev/null)" != "openapi-python-client version: $GENERATOR_VERSION" ]; then
    echo "installing openapi-python-client $GENERATOR_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "openapi-python-client==$GENERATOR_VERSION"
fi

# shellcheck source=scripts/lib/demo-server.sh
source scripts/lib/demo-server.sh
start_demo_server

"$VENV/bin/openapi-python-client" generate --path openapi/openapi.json --config openapi/python-client.yml \
    --meta none --output-path "$WORK/tdb_client" > "$WORK/generate.log" 2>&1 \
    || { cat "$WORK/generate.log"; exit 1; }
# Every warning block starts with "WARNING"; the allowed ones are about text/csv bodies only.
unexpected="$(python3 - "$WORK/generate.log" <<'PY'
import re, sys
log = open(sys.argv[1]).read()
blocks = re.split(r"\n(?=WARNING )", log)
bad = [b for b in blocks[1:] if "Unsupported content type text/csv" not in b]
print("\n\n".join(bad))
PY
)"
if [ -n "$unexpected" ]; then
    echo "openapi-python-client warned about the contract:"
    echo "$unexpected"
    exit 1
fi
echo "client generated: $(grep -c '^WARNING' "$WORK/generate.log") warning(s), all about text/csv request bodies"

NATIONAL="$(demo_token national generated-client@tdb.local)"
PYTHONPATH="$WORK" "$VENV/bin/python" scripts/generated_client_test.py "$URL" "$NATIONAL"
