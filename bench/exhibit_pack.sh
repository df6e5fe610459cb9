#!/usr/bin/env bash
# Issue 21's measures for exhibit packs: the time of `moneytrail exhibit` for the demo's top
# subject (goal: under 10 s) and whether `reproduce` is byte-identical. Uses the demo store that
# tests/cases/compare_case_dirs.sh builds in WORK_DIR (run it first), investigates it with the
# PDF, then times RUNS packs of subject 1 (CPU and wall seconds from /usr/bin/time).
#
#   bench/exhibit_pack.sh BINARY [WORK_DIR] [RUNS]
set -euo pipefail
mt=$(realpath "$1")
work=${2:-/tmp/compare-cases-${USER:-$(id -un)}}
runs=${3:-5}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
[[ -f "$work/demo.store/MANIFEST" ]] || { echo "no demo store in $work: run tests/cases/compare_case_dirs.sh first"; exit 2; }
rm -rf "$work/demo-case-pdf"
"$mt" investigate --store "$work/demo.store" --out "$work/demo-case-pdf" --top 10 >/dev/null
for i in $(seq 1 "$runs"); do
  rm -rf "$work/pack-$i"
  /usr/bin/time -f "exhibit run $i: %e s wall, %U+%S s CPU" "$mt" exhibit "$work/demo-case-pdf" \
    --subject 1 --out "$work/pack-$i" --key "$work/exhibit.key" --exhibit-number GX-1 >/dev/null
done
ls -l "$work/pack-1"
"$mt" reproduce "$work/pack-1" | tail -n 4
