#!/usr/bin/env bash
# Issue #25's fuzzing measure: each libFuzzer harness run to 10 million executions (or MAX_SECONDS,
# whichever comes first), one at a time at the lowest priority, on a fuzz build (make fuzz-build).
#   bench/fuzz_long.sh [BUILD_DIR [HARNESS...]]      (BUILD_DIR: build-fuzz; harnesses: all built)
# RUNS (10000000) and MAX_SECONDS (172800: two days per harness) override the limits; NICE (19)
# the priority (on a host whose builds run at nice 10, a harness at 19 gets ~1% of a core). The runs
# grow BUILD_DIR/corpus/ as `make fuzz` does; a finding leaves its reproducer in BUILD_DIR/crashes/
# and makes this script fail. The summary (one line per harness: rc, runs, average exec/s,
# seconds, coverage), with the date, the host's load and the commit, is printed and appended to
# bench/out/fuzz-long.txt; put its figures in bench/RESULTS-fuzz.md.
# How long: at E exec/s a harness needs RUNS / E seconds (bench/RESULTS-fuzz.md lists E per harness
# from 60-second runs); several harnesses can run at once on different cores by giving each its own
# call with one HARNESS.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
[ $# -gt 0 ] && shift
runs=${RUNS:-10000000}
max_seconds=${MAX_SECONDS:-172800}
niceness=${NICE:-19}
if [ ! -d "$build/fuzzers" ]; then
  echo "bench/fuzz_long.sh: no fuzz build in $build (make fuzz-build FUZZ_DIR=$build)" >&2
  exit 2
fi
mkdir -p bench/out
started=$(date -u +%FT%TZ)
FUZZ_ARGS="-runs=$runs ${FUZZ_ARGS:-}" nice -n "$niceness" bash fuzz/run "$build" "$max_seconds" "$@"
rc=$?
{
  echo "# $started .. $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo ?), runs=$runs max_seconds=$max_seconds nice=$niceness, load at end: $(cut -d' ' -f1-3 /proc/loadavg), rc=$rc"
  cat "$build/fuzz-summary.txt"
} | tee -a bench/out/fuzz-long.txt
exit $rc
