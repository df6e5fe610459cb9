#!/usr/bin/env bash
# The store corruption matrix (issue #25; bench/RESULTS-store.md): every file and every MANIFEST
# field of a store made by the real binary corrupted, five verbs (info --json, export, patterns,
# scan, investigate) run on each copy, each outcome printed: "same" (the intact store's answer),
# "exit3" (exit 3 naming the file), or a failure (exit3-unnamed, SILENT-WRONG, CRASH).
#
# Usage: bench/store_corruption_matrix.sh [BUILD_DIR] [--sample]
#   BUILD_DIR  default: build (needs the moneytrail and store_corruption_matrix*_test targets)
#   --sample   the default suite's sample (every 9th case) instead of all cases
set -euo pipefail
build=${1:-build}
test=store_corruption_matrix_slow_test
[ "${2:-}" = "--sample" ] && test=store_corruption_matrix_test
binary="$build/tests/store/$test"
[ -x "$binary" ] || { echo "build $binary first: cmake --build $build --target $test" >&2; exit 2; }
out=$(mktemp /tmp/mt-matrix-XXXXXX.tsv)
trap 'rm -f "$out"' EXIT
status=0
MONEYTRAIL_MATRIX_OUT="$out" "$binary" > /dev/null || status=$?
column -t -s $'\t' "$out"
echo "test exit status: $status (0: no silent-wrong, no crash, every exit 3 names its file)"
exit $status
