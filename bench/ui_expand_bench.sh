#!/usr/bin/env bash
# p95 server time of a link-chart node expansion on a large case store (issue #23, Measures):
# a synthetic IBM-layout CSV (bench/make_ibm_csv.py) ingested as case 1's store in a fresh
# workspace, `moneytrail serve` on loopback, then N expansions of random accounts (and the
# busiest accounts) timed by the route's Server-Timing header. Figures: bench/RESULTS-ui.md.
# Usage: bench/ui_expand_bench.sh BUILD_DIR ROWS ACCOUNTS [N] [SCRATCH]
set -euo pipefail
build=$1 rows=$2 accounts=$3 n=${4:-300} scratch=${5:-/tmp/mt-ui-bench}
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/moneytrail
export MONEYTRAIL_ADMIN_PASSWORD="correct horse battery"
mkdir -p "$scratch"
csv=$scratch/ibm-$rows.csv
[ -f "$csv" ] || /usr/bin/python3 "$src/bench/make_ibm_csv.py" --rows "$rows" --accounts "$accounts" --seed 1 --out "$csv"
rm -rf "$scratch/ws"
"$bin" workspace init "$scratch/ws" --agency IRS-CI --admin admin >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --workspace "$scratch/ws" --listen "127.0.0.1:$port" >"$scratch/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
jar=$scratch/cookies
csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$MONEYTRAIL_ADMIN_PASSWORD\"}" "http://127.0.0.1:$port/api/v1/session" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
# The administrator may not create cases; an agent of the same agency does.
curl -s -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -d "{\"username\":\"bench\",\"agency_id\":1,\"role\":\"agent\",\"clearances\":[\"LES\"],\"password\":\"$MONEYTRAIL_ADMIN_PASSWORD\"}" \
  "http://127.0.0.1:$port/api/v1/users" >/dev/null
csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$MONEYTRAIL_ADMIN_PASSWORD\"}" "http://127.0.0.1:$port/api/v1/session" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
curl -s -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -d '{"number":"BENCH-1","title":"expansion bench","markings":["LES"]}' "http://127.0.0.1:$port/api/v1/cases" >/dev/null
/usr/bin/time -f "ingest: %e s wall, %U s user, %M KiB peak" "$bin" ingest "$scratch/ws/cases/1/store" "$csv" --format ibm-aml >/dev/null
count=$("$bin" info "$scratch/ws/cases/1/store" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["accounts"])')
echo "store: $rows rows, $count accounts"
node "$src/bench/ui_expand_bench.mjs" "http://127.0.0.1:$port" bench "$MONEYTRAIL_ADMIN_PASSWORD" 1 "$count" "$n" 7
echo "server peak memory: $(grep VmHWM /proc/$server/status)"
