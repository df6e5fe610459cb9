#!/usr/bin/env bash
# Pattern features (issue 4): a previous `moneytrail` binary against the current one on the same
# store in the same run, per family, alternating old/new so both see the same machine load.
# Prints, per family, the median over RUNS of the CPU seconds the verb reports for computing
# the features (graph build and store load excluded; writing the CSV blocks included, as the
# verb measures it), both rates and the ratio, and the load average before each run.
#
# usage: bench/patterns_compare.sh OLD_BINARY NEW_BINARY [RUNS] [THREADS] [FAMILIES...]
#   FAMILIES: any of fan vs basic multihop (default: fan vs basic)
# The store is the one bench/patterns_bench.sh makes (bench/out/patterns/hi-small.store).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
old=$1
new=$2
runs=${3:-3}
threads=${4:-2}
shift $(( $# < 4 ? $# : 4 ))
families=("$@")
(( ${#families[@]} )) || families=(fan vs basic)
work=${PATTERNS_BENCH_DIR:-$repo/bench/out/patterns}
store=$work/hi-small.store
[[ -f $store/MANIFEST ]] || { echo "no $store: run bench/patterns_bench.sh first" >&2; exit 1; }

off() { for f in "$@"; do printf '[%s]\nenabled = false\n' "$f"; done; }
off scatter_gather gather_scatter bipartite stack temporal_cycle vertex_stats > "$work/fan.toml"
off scatter_gather gather_scatter bipartite stack temporal_cycle fan > "$work/vs.toml"
off scatter_gather gather_scatter bipartite stack temporal_cycle > "$work/basic.toml"
off fan vertex_stats temporal_cycle > "$work/multihop.toml"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_of() { grep -o '[0-9.]* s CPU' "$1" | head -1 | cut -d' ' -f1; }

for family in "${families[@]}"; do
  old_cpu=() new_cpu=()
  for ((r = 0; r < runs; ++r)); do
    for which in old new; do
      bin=$old
      [[ $which == new ]] && bin=$new
      load=$(cut -d' ' -f1 /proc/loadavg)
      "$bin" patterns "$store" --out "$work/$family-$which.csv" --threads "$threads" \
        --config "$work/$family.toml" 2> "$work/$family-$which.log"
      cpu=$(cpu_of "$work/$family-$which.log")
      echo "[$family $which run $r] load $load: $(grep '^patterns:' "$work/$family-$which.log")" >&2
      if [[ $which == old ]]; then old_cpu+=("$cpu"); else new_cpu+=("$cpu"); fi
    done
  done
  o=$(printf '%s\n' "${old_cpu[@]}" | median)
  n=$(printf '%s\n' "${new_cpu[@]}" | median)
  rows=$(grep -o '^patterns: [0-9]*' "$work/$family-new.log" | tr -dc 0-9)
  awk -v f="$family" -v o="$o" -v n="$n" -v rows="$rows" 'BEGIN {
    printf "%-8s old %8.2f CPU-s (%9.0f tx/CPU-s)  new %8.2f CPU-s (%9.0f tx/CPU-s)  ratio %.1fx\n",
           f, o, rows / o, n, rows / n, o / n }'
done
