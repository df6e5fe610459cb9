#!/usr/bin/env bash
# Issue 21's bar of report defects on the demo's case (ctest cases_demo_report_defects, label
# "slow"): builds the demo store as `make demo` and tests/cases/compare_case_dirs.sh do
# (tests/cases/case_stores.sh), investigates it as compare_case_dirs.sh does (--top 10
# --no-pdf, SOURCE_DATE_EPOCH fixed), and runs tests/cases/report_defects.py on the case.
# Exits 0 when it finds no defect.
#
#   tests/cases/demo_defects.sh MONEYTRAIL_BINARY [WORK_DIR]
#
# WORK_DIR (default: a new temporary directory, removed at the end) keeps the store between
# runs when given.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $# -ge 2 ]]; then
  work=$2
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/moneytrail-demo-defects-XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
work=$(realpath "$work")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
cd "$root"
# shellcheck source=tests/cases/case_stores.sh
source tests/cases/case_stores.sh
demo_store "$bin" "$work"
rm -rf "$work/demo-case"
"$bin" investigate --store "$work/demo.store" --out "$work/demo-case" --top 10 --no-pdf \
  >"$work/demo-investigate.log" 2>&1 || {
  echo "investigate failed (exit $?):"; tail -n 20 "$work/demo-investigate.log"; exit 1; }
/usr/bin/python3 tests/cases/report_defects.py "$work/demo-case"
