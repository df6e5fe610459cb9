#!/usr/bin/env bash
# Cost of the simple-cycle family (issue 4; off by default) beside temporal cycles, per family
# with bench/patterns_benchmark.cc, on two stores it prepares once under bench/out/patterns/:
#   small        the generator's `small` preset (94,410 transactions)
#   hi-small-300k  the first 300,000 rows of hi-small (made by bench/patterns_bench.sh)
# Prints Google Benchmark's lines (process CPU time of both threads, items/s) and the load.
#
# usage: bench/patterns_simple_cycles.sh BUILD_DIR [RUNS] [THREADS]
#   BUILD_DIR holds moneytrail and bench/patterns_benchmark
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/patterns_simple_cycles.sh BUILD_DIR [RUNS] [THREADS]}
runs=${2:-3}
threads=${3:-2}
bin=$build/moneytrail
benchmark=$build/bench/patterns_benchmark
work=${PATTERNS_BENCH_DIR:-$repo/bench/out/patterns}
mkdir -p "$work"

if [[ ! -f $work/small.store/MANIFEST ]]; then
  "$bin" generate --preset small --format native --out "$work/small" --threads "$threads"
  "$bin" ingest "$work/small.store" "$work"/small/*transactions*.csv --format native
fi
if [[ ! -f $work/hi-small-300k.store/MANIFEST ]]; then
  [[ -f $work/hi-small/transactions.csv ]] || { echo "run bench/patterns_bench.sh first" >&2; exit 1; }
  mkdir -p "$work/hi-small-300k"
  head -300001 "$work/hi-small/transactions.csv" > "$work/hi-small-300k/transactions.csv"
  "$bin" ingest "$work/hi-small-300k.store" "$work/hi-small-300k/transactions.csv" --format native
fi

for store in small hi-small-300k; do
  echo "== $store, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  PATTERNS_STORE=$work/$store.store PATTERNS_THREADS=$threads "$benchmark" \
    --benchmark_filter='BM_Family/(temporal_cycle|simple_cycle)/' \
    --benchmark_repetitions="$runs" --benchmark_report_aggregates_only=false
  echo "== $store done, load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
