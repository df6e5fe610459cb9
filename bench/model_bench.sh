#!/usr/bin/env bash
# Risk-model figures (issue 6): train, score and eval on a generated preset and on AMLSim.
# Usage: bench/model_bench.sh BUILD_DIR OUT_DIR [preset] [seed]
# Writes OUT_DIR/<data>/{m.model,scores.csv,accounts.csv,eval.json,eval.txt}; see
# bench/RESULTS-model.md for the figures measured with it.
set -euo pipefail
MT=$(realpath "$1")/moneytrail
OUT=$2
PRESET=${3:-small}
SEED=${4:-1}
mkdir -p "$OUT"

run() {  # name store train-args...
  local name=$1 store=$2; shift 2
  local d=$OUT/$name
  mkdir -p "$d"
  "$MT" train "$store" --model "$d/m.model" --seed "$SEED" "$@" 2>&1 | grep -v ' round ' | tee "$d/train.log"
  "$MT" score "$store" --model "$d/m.model" --out "$d/scores.csv" --accounts "$d/accounts.csv"
  "$MT" eval "$store" --scores "$d/scores.csv" --json "$d/eval.json" | tee "$d/eval.txt"
}

# Generated world: transaction labels; main = raw,patterns,accounts vs raw.
W=$OUT/$PRESET-world
if [ ! -d "$W/store" ]; then
  "$MT" generate --out "$W" --preset "$PRESET" --seed "$SEED" --threads 2
  "$MT" ingest "$W/store" "$W/transactions.csv" --format native
fi
run "$PRESET" "$W/store"
# Reproducibility: the same seed gives the same model file.
"$MT" train "$W/store" --model "$OUT/$PRESET/again.model" --seed "$SEED" >/dev/null 2>&1
sha256sum "$OUT/$PRESET/m.model" "$OUT/$PRESET/again.model"

# AMLSim (account labels): main = raw,patterns,accounts vs degree only.
DATA=$(dirname "$0")/../../shared/data/amlsim
for d in 20K_fanin200 20K_cycle200; do
  S=$OUT/amlsim-$d/store
  if [ ! -d "$S" ]; then
    "$MT" ingest "$S" "$DATA/$d/transactions.csv" --format amlsim --labels "$DATA/$d/nodes.csv"
  fi
  run "amlsim-$d" "$S" --baseline degree
done
