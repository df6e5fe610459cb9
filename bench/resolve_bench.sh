#!/usr/bin/env bash
# Times `moneytrail resolve` on N synthetic party records (default 1,000,000), three runs,
# and prints the median wall time and peak RSS. Records come from bench/resolve_make_parties.py
# (seeded; moneytrail's parties.csv layout with duplicates and corruptions).
#   bench/resolve_bench.sh [N] [BUILD_DIR]
set -euo pipefail
N=${1:-1000000}
BUILD=${2:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DATA=${TMPDIR:-/tmp}/moneytrail_resolve_bench_$N
BIN=$ROOT/$BUILD/moneytrail
[ -f "$DATA/parties.csv" ] || python3 "$HERE/resolve_make_parties.py" "$N" "$DATA"
times=()
for run in 1 2 3; do
  /usr/bin/time -f "%e %M %U %S" -o "$DATA/time.$run" "$BIN" resolve "$DATA/parties.csv" \
      --out "$DATA/entities.csv" --truth-file "$DATA/truth/entities.csv" > "$DATA/run.$run.log"
  read -r wall rss user sys < "$DATA/time.$run"
  echo "run $run: wall ${wall}s  cpu $(echo "$user + $sys" | bc)s  peak ${rss} KiB"
  times+=("$wall")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
echo "median wall time over 3 runs: ${median}s  (N=$N, nproc=$(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg))"
grep -E "pairwise|candidate pairs" "$DATA/run.1.log"
