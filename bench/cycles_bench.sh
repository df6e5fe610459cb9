#!/usr/bin/env bash
# Temporal cycles (issue 10): moneytrail against the peer's recorded times.
#
# Ingests the reference graphs into stores once, then runs `moneytrail cycles STORE --window W
# --threads 2 --histogram --stats` RUNS times per reference row and prints the median
# enumeration time (index build + search, from an opened store), the median load time
# (Store::Open), the count, and the ratio to the peer's 2-thread enumeration time
# (shared/data/cycles/README.md). The peer's times were measured by the issue's author on a
# machine of the same kind; they are not re-run here (the peer is not installed).
#
# usage: bench/cycles_bench.sh [MONEYTRAIL_BINARY] [RUNS]
#   env: CYCLES_BENCH_DIR (stores; default /tmp/moneytrail-cycles-bench),
#        CYCLES_BENCH_30D=1 also runs the 1M-edge graph over its whole 30 days.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/build-cycles/moneytrail}
runs=${2:-5}
data=$repo/../shared/data
work=${CYCLES_BENCH_DIR:-/tmp/moneytrail-cycles-bench}
mkdir -p "$work"

ingest() {  # store, then ingest arguments
  local store=$1
  shift
  if [[ ! -f $store/MANIFEST ]]; then
    local start=$(date +%s.%N)
    "$bin" ingest "$store" "$@" >/dev/null
    echo "ingested $store in $(echo "$(date +%s.%N) - $start" | bc) s" >&2
  fi
}
ingest "$work/amlsim" "$data/amlsim/20K_cycle200/transactions.csv" --format amlsim
ingest "$work/random1m" "$data/cycles/random_100k_1M_30d.txt" --format mapped \
  --map "$repo/config/mappings/edgelist.toml"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# store window expected-total peer-seconds label
rows=(
  "amlsim 10d 161 0.039 AMLSim-10-steps"
  "amlsim 20d 473 0.08 AMLSim-20-steps"
  "amlsim 50d 2038 0.71 AMLSim-50-steps"
  "amlsim 149d 47319 6.49 AMLSim-149-steps"
  "random1m 3600s 500 0.29 1M-edges-1h"
  "random1m 86400s 506 0.39 1M-edges-24h"
  "random1m 604800s 590 2.22 1M-edges-7d"
)
if [[ ${CYCLES_BENCH_30D:-0} == 1 ]]; then
  rows+=("random1m 30d - 180 1M-edges-30d(peer>180s)")
fi

printf "%-26s %9s %8s %10s %10s %9s %8s %7s\n" row total ok enum_s search_s load_s peer_s ratio
for row in "${rows[@]}"; do
  read -r store window expected peer label <<<"$row"
  enum=() search=() load=() total=
  for ((r = 0; r < runs; r++)); do
    out=$("$bin" cycles "$work/$store" --window "$window" --threads 2 --histogram --stats 2>&1)
    total=$(awk '$1 == "total" {print $2}' <<<"$out")
    enum+=("$(awk '$1 == "enumeration_seconds" {print $2}' <<<"$out")")
    search+=("$(awk '$1 == "search_seconds" {print $2}' <<<"$out")")
    load+=("$(awk '$1 == "load_seconds" {print $2}' <<<"$out")")
  done
  e=$(printf "%s\n" "${enum[@]}" | median)
  s=$(printf "%s\n" "${search[@]}" | median)
  l=$(printf "%s\n" "${load[@]}" | median)
  ok=$([[ $expected == - || $total == "$expected" ]] && echo yes || echo NO)
  ratio=$(echo "scale=2; $peer / $e" | bc)
  printf "%-26s %9s %8s %10s %10s %9s %8s %6sx\n" "$label" "$total" "$ok" "$e" "$s" "$l" "$peer" "$ratio"
done
echo "(ratio = peer 2-thread time / moneytrail median enumeration time; load = Store::Open)"
