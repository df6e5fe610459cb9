#!/bin/bash
# Speed of the shipped rule pack (issue 5): `moneytrail scan` over the generator's hi-small world
# (about 4.7M transactions, 500k accounts), with KYC facts (--parties). Runs the scan RUNS times
# and prints the median of each phase (scan --timings) and of the process's wall and CPU time.
#
#   bench/rules_bench.sh [BUILD_DIR] [WORK_DIR] [RUNS]
#
# Generates and ingests the world into WORK_DIR on the first run (several minutes); later runs
# reuse it. Also prints the quality figures of the same alerts (eval-rules).
set -euo pipefail
BUILD=${1:-build}
WORK=${2:-bench/out/rules-hi-small}
RUNS=${3:-5}
BIN=$BUILD/moneytrail
PACK=$(dirname "$0")/../rules/smuggling-trafficking.toml
if [ ! -f "$WORK/store/MANIFEST" ]; then
  mkdir -p "$WORK"
  "$BIN" generate --out "$WORK" --preset hi-small --seed 1
  "$BIN" ingest "$WORK/store" "$WORK/transactions.csv" --format native
fi
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: > "$WORK/timings.txt"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "process %e %U %S" "$BIN" scan "$WORK/store" --rules "$PACK" --parties "$WORK" \
      --out "$WORK/alerts.jsonl" --timings --exit-zero 2>> "$WORK/timings.txt" > /dev/null
done
echo "moneytrail scan, $(grep -c . "$WORK/alerts.jsonl") lines of alerts, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for phase in open kyc scan write total; do
  printf "  %-6s median %6.3f s wall, %6.3f s CPU\n" "$phase" \
    "$(grep '^timings:' "$WORK/timings.txt" | grep -o "$phase [0-9.]*" | awk '{print $2}' | median)" \
    "$(grep '^cpu:' "$WORK/timings.txt" | grep -o "$phase [0-9.]*" | awk '{print $2}' | median)"
done
printf "  process median %6.3f s wall, %6.3f s CPU (user+sys)\n" \
  "$(awk '/^process/ {print $2}' "$WORK/timings.txt" | median)" \
  "$(awk '/^process/ {print $3 + $4}' "$WORK/timings.txt" | median)"
"$BIN" eval-rules "$WORK/store" --truth "$WORK/truth" --alerts "$WORK/alerts.jsonl" --parties "$WORK"
