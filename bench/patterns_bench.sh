#!/usr/bin/env bash
# Pattern features (issue 4): throughput of `moneytrail patterns` on the generator's hi-small
# preset (about 5M transactions), and streaming batch latency.
#
# Generates (once) `moneytrail generate --preset hi-small --format native` and ingests it into a
# store under bench/out/patterns/, then runs RUNS times each:
#   basic   fan/degree + vertex statistics            (target >= 2M tx/s)
#   full    every family, cycles <= 10 in 24 h, SG 6 h (target >= 250K tx/s)
#   stream  90% of the store built as history, the last 10% streamed through PatternStream in
#           batches of 2048 and of 128; the CLI prints the batch latencies (targets < 15 ms and
#           < 2 ms into a 5M graph), once with the full set and once without temporal cycles;
#           the streamed features.csv must equal the batch run's byte for byte
# under /usr/bin/time -v (peak RSS, target < 4 GB). It prints the median of the runs of the
# "features" time the verb reports (graph build, store load and CSV writing are shown apart).
#
# usage: bench/patterns_bench.sh [MONEYTRAIL_BINARY] [RUNS] [THREADS]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/build-patterns/b/moneytrail}
runs=${2:-3}
threads=${3:-2}
work=${PATTERNS_BENCH_DIR:-$repo/bench/out/patterns}
mkdir -p "$work"

if [[ ! -f $work/hi-small.store/MANIFEST ]]; then
  "$bin" generate --preset hi-small --format native --out "$work/hi-small" --threads "$threads"
  "$bin" ingest "$work/hi-small.store" "$work"/hi-small/*transactions*.csv --format native
fi

cat > "$work/basic.toml" <<'TOML'
[scatter_gather]
enabled = false
[gather_scatter]
enabled = false
[bipartite]
enabled = false
[stack]
enabled = false
[temporal_cycle]
enabled = false
TOML
: > "$work/full.toml"   # the defaults: every family

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run() {  # label, then patterns arguments
  local label=$1
  shift
  local rates=() rss=()
  for ((r = 0; r < runs; ++r)); do
    /usr/bin/time -v "$bin" patterns "$work/hi-small.store" --out "$work/$label.csv" \
      --threads "$threads" "$@" 2> "$work/$label.log" || { cat "$work/$label.log"; exit 1; }
    grep '^patterns:' "$work/$label.log" | sed "s/^/[$label] /" >&2
    rates+=("$(grep -o '([0-9]* tx/s)' "$work/$label.log" | tr -dc 0-9)")
    rss+=("$(awk '/Maximum resident/ {print $6}' "$work/$label.log")")
  done
  printf '%-14s median %s tx/s, peak RSS %s MB\n' "$label" \
    "$(printf '%s\n' "${rates[@]}" | median)" \
    "$(( $(printf '%s\n' "${rss[@]}" | median) / 1024 ))"
}

run basic --config "$work/basic.toml"
run full --config "$work/full.toml"
cat > "$work/nocycles.toml" <<'TOML'
[temporal_cycle]
enabled = false
TOML
run nocycles --config "$work/nocycles.toml"
for b in 2048 128; do
  run stream-$b --config "$work/full.toml" --stream --batch $b --history 0.9
  cmp "$work/full.csv" "$work/stream-$b.csv" && echo "stream-$b.csv == full.csv"
  run stream-nocycles-$b --config "$work/nocycles.toml" --stream --batch $b --history 0.9
  cmp "$work/nocycles.csv" "$work/stream-nocycles-$b.csv" && echo "stream-nocycles-$b.csv == nocycles.csv"
done
