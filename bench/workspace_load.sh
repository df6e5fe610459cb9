#!/usr/bin/env bash
# Load test of `moneytrail serve` (issue #22, "Measures"): a fresh workspace with one case whose
# store holds ROWS transactions (bench/make_ibm_csv.py, ingested with `moneytrail ingest` into
# cases/<id>/store) and whose queue holds ALERTS alerts (bench/workspace_load prepare), served on
# loopback with durable commits (the default), then CLIENTS concurrent clients of
# bench/workspace_load run, ROUNDS rounds each: p50/p99 of the queue (first page, deep page),
# subject view, note read, note change and disposition. Prints the server's CPU seconds during
# the run and per request (stable under the machine's other load, unlike latency), its peak RSS
# (VmHWM) and its group-commit counts.
#
# Usage: bench/workspace_load.sh [-b BUILD_DIR] [-r ROWS] [-a ALERTS] [-c CLIENTS] [-n ROUNDS] [-o OUT_DIR]
#                                [-p PERF_DATA]
#   defaults: -b build -r 5000000 -a 100000 -c 50 -n 20 -o bench/out
#   -p: record the server's stacks during the run (`perf record -g`) into PERF_DATA
#   SERVE_ARGS: more options for `moneytrail serve` (e.g. "--warm-connections 0 --trace-requests 200");
#   the server's stderr (its traces) is kept as OUT_DIR/serve.err
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build rows=5000000 alerts=100000 clients=50 rounds=20 out=$root/bench/out perf_data=
while getopts "b:r:a:c:n:o:p:" opt; do
  case $opt in
    b) build=$OPTARG ;; r) rows=$OPTARG ;; a) alerts=$OPTARG ;; c) clients=$OPTARG ;;
    n) rounds=$OPTARG ;; o) out=$OPTARG ;; p) perf_data=$OPTARG ;; *) sed -n '2,15p' "$0"; exit 1 ;;
  esac
done
bin=$build/moneytrail load=$build/bench/workspace_load
[[ -x $bin && -x $load ]] || { echo "build moneytrail and workspace_load first" >&2; exit 1; }
mkdir -p "$out"
csv=$out/ibm-${rows}-a$((rows / 10))-s1.csv
[[ -s $csv ]] || /usr/bin/python3 "$here/make_ibm_csv.py" --rows "$rows" --accounts $((rows / 10)) --seed 1 --out "$csv"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mt-load.XXXXXX")
server= perf=
cleanup() {
  [[ -n $perf ]] && kill -INT "$perf" 2>/dev/null
  [[ -n $server ]] && kill "$server" 2>/dev/null
  wait 2>/dev/null; cp "$scratch/serve.err" "$out/serve.err" 2>/dev/null; rm -rf "$scratch"
}
trap cleanup EXIT
pw=load-test-password-1
MONEYTRAIL_ADMIN_PASSWORD=$pw "$bin" workspace init "$scratch/ws" --agency IRS-CI --admin admin >/dev/null
case_id=$("$load" prepare "$scratch/ws" "$pw" "$alerts" 5000)
/usr/bin/time -f "ingest: %e s wall, %U s user, %M KiB peak" \
  "$bin" ingest "$scratch/ws/cases/$case_id/store" "$csv" --format ibm-aml >/dev/null
# shellcheck disable=SC2086
"$bin" serve --workspace "$scratch/ws" --listen 127.0.0.1:0 ${SERVE_ARGS:-} >"$scratch/serve.out" 2>"$scratch/serve.err" &
server=$!
for _ in $(seq 100); do grep -q serving "$scratch/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\)\/ .*/\1/p' "$scratch/serve.out" | head -1)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The first view of the case loads its 5M-row store and graph once; the clients then share it.
"$load" run "$port" load.agent "$pw" "$case_id" 1 1 >/dev/null || true
echo "server RSS after warm-up: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
if [[ -n $perf_data ]]; then
  # PERF_FLAGS: e.g. "--call-graph dwarf,16384 -F 499" for stacks through code without frame pointers
  # shellcheck disable=SC2086
  perf record -q ${PERF_FLAGS:--g} -p "$server" -o "$perf_data" 2>"$scratch/perf.err" &
  perf=$!
  sleep 1
fi
read -r user0 sys0 < <(awk '{print $14, $15}' /proc/$server/stat)
run_rc=0
/usr/bin/time -f "load client CPU: %U s user, %S s system" -o "$scratch/client.time" \
  "$load" run "$port" load.agent "$pw" "$case_id" "$clients" "$rounds" | tee "$scratch/run.out" || run_rc=$?
read -r user1 sys1 < <(awk '{print $14, $15}' /proc/$server/stat)
if [[ -n $perf ]]; then kill -INT "$perf"; wait "$perf" 2>/dev/null || true; perf=; fi
sent=$(sed -n 's/^\([0-9]*\) requests sent.*/\1/p' "$scratch/run.out")
awk -v u=$((user1 - user0)) -v s=$((sys1 - sys0)) -v hz="$(getconf CLK_TCK)" -v n="${sent:-0}" 'BEGIN {
  printf "server CPU during the run: %.2f s (user %.2f, system %.2f)", (u + s) / hz, u / hz, s / hz
  if (n > 0) printf "; %.3f ms per request (%d requests)", 1000 * (u + s) / hz / n, n
  printf "\n" }'
cat "$scratch/client.time"
echo "server peak RSS (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Stop the server (SIGTERM: it finishes what is in flight) and show its group-commit counts.
kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=
grep -E '^(group commit|statements|connections):' "$scratch/serve.out" || true
"$bin" audit verify "$scratch/ws" | head -1
exit "$run_rc"
