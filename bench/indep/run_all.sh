#!/bin/sh
# The ranking's evaluation (bench/RESULTS-ranking.md): independent worlds of seeds 1-3 (where the
# ranking was checked while it was designed: "tuning") and 11-15 (reported: "held out"), and
# `moneytrail generate --preset small` worlds (GEN_SEEDS, default 7 8 9: seed 7 tuning, 8 and 9
# held out). Prints score.py's lines, before (main's pre-#20 ranking, restated) and after
# (subjects.csv), from the same investigate run.
#
#   [GEN_SEEDS="7 8 9"] bench/indep/run_all.sh WORK_DIR [SEEDS...]
#                                                (default seeds: 1 2 3 11 12 13 14 15)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${MONEYTRAIL:-$root/build/moneytrail}
work=$1
shift
seeds=${*:-1 2 3 11 12 13 14 15}
mkdir -p "$work"
for seed in $seeds; do
  case $seed in 1|2|3) role=tuning ;; *) role=held-out ;; esac
  /usr/bin/python3 "$here/make_world.py" --seed "$seed" --out "$work/indep-$seed"
  "$here/evaluate.sh" "$work/indep-$seed" "$work/run-indep-$seed" "indep seed $seed ($role)"
done
for seed in ${GEN_SEEDS:-7 8 9}; do
  case $seed in 7) role=tuning ;; *) role=held-out ;; esac
  if [ ! -f "$work/gen-small-$seed/truth/instances.jsonl" ]; then
    "$bin" generate --preset small --seed "$seed" --out "$work/gen-small-$seed" --quiet > /dev/null
  fi
  "$here/evaluate.sh" "$work/gen-small-$seed" "$work/run-gen-small-$seed" "gen small seed $seed ($role)"
done
