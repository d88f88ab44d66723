# Sourced by the contract scripts (schemathesis.sh, generated-client.sh): builds `tdb`, starts
# `tdb serve` on a fresh demo SQLite database in a temporary directory and stops it on exit.
# After `start_demo_server`: URL (the server's address), WORK (the temporary directory, removed on exit),
# SERVER_PID; `demo_token ROLE SUBJECT [tdb token options…]` mints a token with the server's key.
# TDB_RELEASE=1 builds and serves the release binary instead of the debug one.

tdb_binary() {
    local profile=debug
    [ -n "${TDB_RELEASE:-}" ] && profile=release
    echo "${CARGO_TARGET_DIR:-target}/$profile/tdb"
}

start_demo_server() {
    cargo build -p tdb-api --quiet ${TDB_RELEASE:+--release}
    WORK="$(mktemp -d)"
    SERVER_PID=""
    trap stop_demo_server EXIT
    export TDB_DATABASE_URL="sqlite://$WORK/demo.sqlite3"
    export TDB_JWT_SECRET="contract-checks-only-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    export TDB_LOG=error
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export TDB_BIND="127.0.0.1:$port"
    URL="http://127.0.0.1:$port"
    "$(tdb_binary)" seed --demo > /dev/null
    "$(tdb_binary)" serve > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS "$URL/api/v1/health" > /dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "tdb serve did not start: $(tail -n 20 "$WORK/server.log")" >&2
    return 1
}

stop_demo_server() {
    if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "${WORK:-/nonexistent}"
}

demo_token() {
    local role="$1" subject="$2"
    shift 2
    "$(tdb_binary)" token --role "$role" --subject "$subject" "$@"
}
