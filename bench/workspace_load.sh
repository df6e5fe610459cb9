#!/usr/bin/env bash
# Load test of `moneytrail serve` (issue #22, "Measures"): a fresh workspace with one case whose
# store holds ROWS transactions (bench/make_ibm_csv.py, ingested with `moneytrail ingest` into
# cases/<id>/store) and whose queue holds ALERTS alerts (bench/workspace_load prepare), served on
# loopback with durable commits (the default), then CLIENTS concurrent clients of
# bench/workspace_load run, ROUNDS rounds each: p50/p99 of the queue (first page, deep page),
# subject view, note read, note change and disposition. Prints the server's peak RSS (VmHWM).
#
# Usage: bench/workspace_load.sh [-b BUILD_DIR] [-r ROWS] [-a ALERTS] [-c CLIENTS] [-n ROUNDS] [-o OUT_DIR]
#   defaults: -b build -r 5000000 -a 100000 -c 50 -n 20 -o bench/out
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build rows=5000000 alerts=100000 clients=50 rounds=20 out=$root/bench/out
while getopts "b:r:a:c:n:o:" opt; do
  case $opt in
    b) build=$OPTARG ;; r) rows=$OPTARG ;; a) alerts=$OPTARG ;; c) clients=$OPTARG ;;
    n) rounds=$OPTARG ;; o) out=$OPTARG ;; *) sed -n '2,11p' "$0"; exit 1 ;;
  esac
done
bin=$build/moneytrail load=$build/bench/workspace_load
[[ -x $bin && -x $load ]] || { echo "build moneytrail and workspace_load first" >&2; exit 1; }
mkdir -p "$out"
csv=$out/ibm-${rows}-a$((rows / 10))-s1.csv
[[ -s $csv ]] || /usr/bin/python3 "$here/make_ibm_csv.py" --rows "$rows" --accounts $((rows / 10)) --seed 1 --out "$csv"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mt-load.XXXXXX")
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
pw=load-test-password-1
MONEYTRAIL_ADMIN_PASSWORD=$pw "$bin" workspace init "$scratch/ws" --agency IRS-CI --admin admin >/dev/null
case_id=$("$load" prepare "$scratch/ws" "$pw" "$alerts" 5000)
/usr/bin/time -f "ingest: %e s wall, %U s user, %M KiB peak" \
  "$bin" ingest "$scratch/ws/cases/$case_id/store" "$csv" --format ibm-aml >/dev/null
"$bin" serve --workspace "$scratch/ws" --listen 127.0.0.1:0 >"$scratch/serve.out" 2>"$scratch/serve.err" &
server=$!
for _ in $(seq 100); do grep -q serving "$scratch/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\)\/ .*/\1/p' "$scratch/serve.out" | head -1)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The first view of the case loads its 5M-row store and graph once; the clients then share it.
"$load" run "$port" load.agent "$pw" "$case_id" 1 1 >/dev/null || true
echo "server RSS after warm-up: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
cpu0=$(awk '{print $14 + $15}' /proc/$server/stat)
run_rc=0
"$load" run "$port" load.agent "$pw" "$case_id" "$clients" "$rounds" || run_rc=$?
cpu1=$(awk '{print $14 + $15}' /proc/$server/stat)
echo "server CPU during the run: $(( (cpu1 - cpu0) / $(getconf CLK_TCK) )) s"
echo "server peak RSS (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Stop the server (SIGTERM: it finishes what is in flight) and show its group-commit counts.
kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=
grep '^group commit' "$scratch/serve.out" || true
"$bin" audit verify "$scratch/ws" | head -1
exit "$run_rc"
