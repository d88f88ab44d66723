#!/bin/sh
# Downloads one export from a running `tdb serve` and reports its size, its duration and the peak
# anonymous resident memory of the server while it ran (docs/exports.md, "Memory and streaming").
#
# usage: TDB_TOKEN=<bearer> scripts/measure-export.sh SERVER_PID URL OUTPUT_FILE
# e.g.   TDB_TOKEN=$(tdb token --role national) scripts/measure-export.sh "$(pgrep -f 'tdb serve')" \
#          'http://127.0.0.1:8080/api/v1/campaigns/2024/export?layout=wide' /tmp/wide.csv
set -eu
pid=$1 url=$2 out=$3
anon() { awk '/RssAnon/ {print $2}' "/proc/$pid/status"; }
base=$(anon)
peak=$base
report=$(mktemp)
curl -s -o "$out" -w "%{http_code} %{size_download} bytes %{time_total} s\n" \
  -H "Authorization: Bearer $TDB_TOKEN" "$url" > "$report" &
curl_pid=$!
while kill -0 "$curl_pid" 2>/dev/null; do
  now=$(anon)
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.2
done
cat "$report"
rm -f "$report"
echo "server RssAnon before ${base} kB, peak ${peak} kB"
