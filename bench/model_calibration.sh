#!/usr/bin/env bash
# Calibration and applicability measures of issue 20 item 2 (bench/RESULTS-model.md, session 7):
# ECE of the raw score and of the calibrated probability on the `small` preset's test part and
# on a held-out seed, and what the availability logic and the shift check choose on a date-only
# world with unknown channels.
# Usage: bench/model_calibration.sh [BINARY] [WORK_DIR] [MAX_ROUNDS] [PRESET]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mt=$(realpath "${1:-$root/build/moneytrail}")
work=${2:-/tmp/moneytrail-calibration}
rounds=${3:-150}
preset=${4:-small}
mkdir -p "$work"
world() {  # name seed
  local d="$work/$1"
  if [ ! -d "$d/store" ]; then
    "$mt" generate --out "$d/bank" --preset "$preset" --seed "$2" --format native --threads 2 --quiet
    "$mt" ingest "$d/store" "$d/bank/transactions.csv" --format native >/dev/null
  fi
}
world train 11
world heldout 12
# The held-out world as a bank statement: date-only times, unknown channels.
if [ ! -d "$work/statement/store" ]; then
  mkdir -p "$work/statement"
  awk -F, -v OFS=, 'NR == 1 { print; next }
       { $1 = substr($1, 1, 10) "T00:00:00Z"; $12 = "unknown"; print }' \
    "$work/heldout/bank/transactions.csv" > "$work/statement/transactions.csv"
  "$mt" ingest "$work/statement/store" "$work/statement/transactions.csv" --format native >/dev/null
fi
/usr/bin/time -f "train: %e s wall, %U s user" "$mt" train "$work/train/store" --model "$work/m.model" \
  --features raw,patterns,accounts --baseline raw --seed 1 --threads 2 --max-rounds "$rounds" \
  --early-stopping 40 ${TRAIN_EXTRA:-} 2> "$work/train.log" > "$work/train.out"
grep -E "main|expected calibration|calibrated" "$work/train.out" "$work/train.log" | grep -v round || true
"$mt" score "$work/train/store" --model "$work/m.model" --out "$work/train-scores.csv"
echo "== $preset seed 11, test part"
"$mt" eval "$work/train/store" --scores "$work/train-scores.csv" --split test
echo "== $preset seed 12 (held out), all"
"$mt" score "$work/heldout/store" --model "$work/m.model" --out "$work/heldout-scores.csv" \
  --applicability "$work/heldout-applicability.json"
"$mt" eval "$work/heldout/store" --scores "$work/heldout-scores.csv" --split all
echo "== $preset seed 12 rewritten date-only with unknown channels"
"$mt" score "$work/statement/store" --model "$work/m.model" --out "$work/statement-scores.csv" \
  --applicability "$work/statement-applicability.json"
python3 - "$work/statement-applicability.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
print("model:", a["model"], "| applies:", a["applies"], "| unused:", ", ".join(a["unused_features"]))
PY
