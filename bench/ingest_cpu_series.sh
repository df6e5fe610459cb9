#!/bin/bash
# Alternating CPU series of `moneytrail ingest --format ibm-aml --strict` for several binaries
# (bench/RESULTS-ingest.md, Session 16). A fresh store and a `sync` before each run.
# Usage: bench/ingest_cpu_series.sh ROUNDS FILE NAME=BINARY [NAME=BINARY ...]
# Prints per run: round, name, CPU-s (perf task-clock), page faults, peak RSS KB, wall s, load.
set -euo pipefail
rounds=$1; file=$2; shift 2
work=$(mktemp -d /tmp/mt-ingest-series.XXXXXX)
trap 'rm -rf "$work"' EXIT
for r in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    name=${spec%%=*}; bin=${spec#*=}
    rm -rf "$work/st"; sync
    perf stat -e task-clock,page-faults -x, -o "$work/ps.txt" \
      /usr/bin/time -f "%M %e" -o "$work/tm.txt" \
      "$bin" ingest "$work/st" "$file" --format ibm-aml --strict > /dev/null 2>&1
    tc=$(grep task-clock "$work/ps.txt" | cut -d, -f1)
    pf=$(grep page-faults "$work/ps.txt" | cut -d, -f1)
    echo "$r $name $(printf %.2f "$(echo "$tc/1000" | bc -l)") $pf $(cat "$work/tm.txt") load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
