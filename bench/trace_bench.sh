#!/usr/bin/env bash
# Tracing speed on the generator's hi-small world (~5M transactions): a forward LIBR trace from one
# seed account through every hop, and whole-store propagation from all planted instances, each
# method. Prints the median of RUNS runs of the time after the store is open (ledger preparation
# + trace, as printed by `moneytrail trace`). Usage: bench/trace_bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
BUILD=${1:-build-trace}
RUNS=${2:-5}
M=$BUILD/moneytrail
W=${TRACE_BENCH_WORLD:-/tmp/trace-hi}
if [ ! -d "$W/store" ]; then
  "$M" generate --out "$W" --preset hi-small --seed 1
  "$M" ingest "$W/store" "$W/transactions.csv" --format native
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The seed account: the controller of the first commingling instance.
ACCOUNT=$(grep -m1 '"commingling"' "$W/truth/instances.jsonl" | sed 's/.*"controller":"\([^"]*\)".*/\1/')
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {  # label, args...
  local label=$1; shift
  local ledger=() trace=() cpu=() line
  for _ in $(seq "$RUNS"); do
    line=$("$M" trace "$W/store" "$@" --out "$OUT/trail.json" | head -1)
    ledger+=("$(echo "$line" | sed 's/.*ledger \([0-9.]*\) s.*/\1/')")
    trace+=("$(echo "$line" | sed 's/.*trace \([0-9.]*\) s over.*/\1/')")
    cpu+=("$(echo "$line" | sed 's/.*cpu \([0-9.]*\) + \([0-9.]*\) s.*/\1 + \2/' | bc -l)")
  done
  local lm tm cm
  lm=$(printf '%s\n' "${ledger[@]}" | median)
  tm=$(printf '%s\n' "${trace[@]}" | median)
  cm=$(printf '%s\n' "${cpu[@]}" | median)
  printf '%-44s wall: ledger %5.3f + trace %5.3f = %5.3f s; cpu %5.3f s  (%s)\n' "$label" "$lm" "$tm" \
    "$(echo "$lm + $tm" | bc -l)" "$cm" "$(echo "$line" | sed 's/ (ledger.*//; s/^.*: //')"
}
echo "world: $W ($(grep -c . "$W/transactions.csv") lines), seed account $ACCOUNT, median of $RUNS"
run "forward libr, one seed account, all hops" --account "$ACCOUNT" --method libr
for m in libr fifo lifo pro-rata; do
  run "forward $m, all planted instances" --instances "$W/truth/instances.jsonl" --method $m
done
