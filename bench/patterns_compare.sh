#!/usr/bin/env bash
# Pattern features (issue 4): a previous build of bench/patterns_benchmark against the current one
# on the same store in the same run, per family, alternating old/new so both see the same load.
# Prints every run with the load average before it, then per family the median process CPU
# seconds of each binary (features only: no CSV), both rates and the ratio.
#
# usage: bench/patterns_compare.sh OLD_BENCHMARK NEW_BENCHMARK [RUNS] [FAMILIES...]
#   FAMILIES: fan vertex_stats basic scatter_gather gather_scatter bipartite stack temporal_cycle
#   simple_cycle, or full (BM_Full: the default set as the CLI runs it); default: fan
#   vertex_stats basic. Environment: PATTERNS_STORE (default the store that
#   bench/patterns_bench.sh makes), PATTERNS_THREADS (default 2).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
old=$1
new=$2
runs=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
families=("$@")
(( ${#families[@]} )) || families=(fan vertex_stats basic)
export PATTERNS_STORE=${PATTERNS_STORE:-$repo/bench/out/patterns/hi-small.store}
export PATTERNS_THREADS=${PATTERNS_THREADS:-2}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for family in "${families[@]}"; do
  old_cpu=() new_cpu=()
  for ((r = 0; r < runs; ++r)); do
    for which in old new; do
      bin=$old
      [[ $which == new ]] && bin=$new
      load=$(cut -d' ' -f1-3 /proc/loadavg)
      filter="BM_Family/$family/"
      [[ $family == full ]] && filter=BM_Full
      line=$("$bin" --benchmark_filter="$filter" 2>/dev/null | grep '^BM_')
      cpu=$(awk '{print $4}' <<< "$line")
      echo "[$family $which run $r] load $load: $line" >&2
      if [[ $which == old ]]; then old_cpu+=("$cpu"); else new_cpu+=("$cpu"); fi
    done
  done
  o=$(printf '%s\n' "${old_cpu[@]}" | median)
  n=$(printf '%s\n' "${new_cpu[@]}" | median)
  awk -v f="$family" -v o="$o" -v n="$n" -v rows=4682976 'BEGIN {
    printf "%-15s old %7.2f CPU-s (%9.0f tx/CPU-s)  new %7.2f CPU-s (%9.0f tx/CPU-s)  %.1fx\n",
           f, o, rows / o, n, rows / n, o / n }'
done
