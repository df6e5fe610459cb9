#!/bin/sh
# Runs `moneytrail investigate` on one world and scores its ranking against the world's truth
# (bench/indep/score.py): planted controllers in the top 10/20, best and worst rank, controls in
# the top 5, for the ranking ("after") and main's pre-#20 ranking restated ("before").
#
#   bench/indep/evaluate.sh WORLD_DIR WORK_DIR [LABEL] [-- extra investigate options]
#
# WORLD_DIR holds transactions.csv (native), parties.csv and accounts.csv, and truth.json
# (bench/indep/make_world.py) or truth/instances.jsonl (moneytrail generate). MONEYTRAIL names
# the binary (default build/moneytrail).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${MONEYTRAIL:-$root/build/moneytrail}
world=$1
work=$2
label=${3:-$(basename "$world")}
shift 2
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
mkdir -p "$work"
rm -rf "$work/store"
"$bin" investigate --store "$work/store" "$world/transactions.csv" --format native \
  --parties "$world" --out "$work/case" --no-pdf --top 20 "$@" > "$work/investigate.log" 2>&1 ||
  { echo "investigate failed, see $work/investigate.log" >&2; exit 1; }
/usr/bin/python3 "$here/score.py" "$work/case" "$world" --label "$label"
