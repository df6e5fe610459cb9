#!/usr/bin/env bash
# Two builds of `moneytrail serve` (and their load clients) back to back, alternating, under
# bench/workspace_load.sh: A, B, A, B, ... N times each; prints each run's queue lines and a
# summary of the queue's first page (p50, p99, round 0) per build, with the load average.
# Issue #22; figures in bench/RESULTS-ws.md (session 15).
#
# Usage: bench/workspace_compare.sh -a BUILD_A -b BUILD_B [-n RUNS] [-r ROWS] [-o OUT_DIR]
#   defaults: -n 3 -r 5000000 -o bench/out (the CSV of ROWS rows is made there once and reused)
#   BUILD_X: a build directory, or any directory holding moneytrail and bench/workspace_load
#   SERVE_ARGS and the load client's environment pass through to every run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
a= b= n=3 rows=5000000 out=$(dirname "$here")/bench/out
while getopts "a:b:n:r:o:" opt; do
  case $opt in
    a) a=$OPTARG ;; b) b=$OPTARG ;; n) n=$OPTARG ;; r) rows=$OPTARG ;; o) out=$OPTARG ;;
    *) sed -n '2,11p' "$0"; exit 1 ;;
  esac
done
[[ -n $a && -n $b ]] || { sed -n '2,11p' "$0"; exit 1; }
mkdir -p "$out"
summary=$out/compare-summary.txt
: >"$summary"
for i in $(seq "$n"); do
  for side in A B; do
    dir=$a; [[ $side == B ]] && dir=$b
    log=$out/run-$side-$i.txt
    "$here/workspace_load.sh" -b "$dir" -r "$rows" -o "$out" >"$log" 2>&1 || echo "run $side $i: failed (see $log)" >&2
    first=$(grep -E '^queue: first page' "$log" | awk '{print $(NF-2), $(NF-1), $NF}')
    r0=$(grep -E 'of which round 0' "$log" | awk '{print $(NF-2), $(NF-1), $NF}')
    deep=$(grep -E '^queue: page of 50 after' "$log" | awk '{print $(NF-2), $(NF-1)}')
    cpu=$(sed -n 's/.*; \([0-9.]*\) ms per request.*/\1/p' "$log")
    la=$(sed -n 's/^load average before: //p' "$log" | cut -d' ' -f1)
    la2=$(sed -n 's/^load average after: //p' "$log" | cut -d' ' -f1)
    printf '%s run %d: first page p50/p99/max %s | round 0 p50/p99/max %s | deep p50/p99 %s | server ms CPU/request %s | load %s -> %s\n' \
      "$side" "$i" "$first" "$r0" "$deep" "$cpu" "$la" "$la2" | tee -a "$summary"
  done
done
med() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for side in A B; do
  p50=$(awk -v s="$side" '$1 == s {split($0, f, "first page p50/p99/max "); split(f[2], v, " "); print v[1]}' "$summary" | med)
  p99=$(awk -v s="$side" '$1 == s {split($0, f, "first page p50/p99/max "); split(f[2], v, " "); print v[2]}' "$summary" | med)
  cpu=$(awk -v s="$side" '$1 == s {split($0, f, "CPU/request "); split(f[2], v, " "); print v[1]}' "$summary" | med)
  echo "$side: medians of $n runs: first page p50 $p50, p99 $p99; server ms CPU per request $cpu"
done | tee -a "$summary"
