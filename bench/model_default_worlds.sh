#!/usr/bin/env bash
# The bundled model's training and evaluation worlds (issue 20 item 3, bench/RESULTS-model.md,
# session 9): many generated worlds whose banks differ, merged into one training store, and
# worlds the model never sees for evaluation.
#
# Usage: bench/model_default_worlds.sh BINARY WORK_DIR worlds|train|eval
#   worlds  generate, post-process and ingest the training store and the evaluation stores
#   train   train WORK_DIR/default.model (or $MODEL) on the training store (niced, one thread;
#           ROUNDS, NEGATIVE_RATE)
#   eval    score every evaluation store and print ECE, F1, PR-AUC and what applied
#
# Training worlds: generator seeds 21-28, 2,000 accounts, 10 days, each bank made different
# after generation (the generator has no such options; the CSV is rewritten here):
#   21 as generated                 25 date-only (every time 00:00:00Z)
#   22 --activity 2 (card-heavy)    26 date-only and every channel unknown (a statement)
#   23 --activity 0.5 (cash-heavy)  27 every channel unknown (timed)
#   24 amounts x5                   28 date-only, amounts x2, --activity 1.5
# No world gives the model KYC: its groups (raw,patterns,accounts) use none, so "missing KYC"
# is every world. Bank ids get a world prefix so that no two worlds share an account.
# Evaluation worlds (never seen in training): generator small seeds 12 (timed) and 13
# (rewritten date-only with unknown channels), the independent worlds of bench/indep/make_world.py
# seeds 11-15, and AMLSim 20K_cycle200 (through investigate, bench/indep/amlsim_prauc.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mt=$(realpath "$1")
work=$2
phase=$3
mkdir -p "$work"
work=$(realpath "$work")
run() { nice -n 10 "$@"; }

# rewrite IN OUT PREFIX SCALE DATE_ONLY UNKNOWN_CHANNEL: the native CSV with bank ids prefixed,
# amounts multiplied by SCALE (exact on the decimal text), times cut to the day, channels unknown.
rewrite() {
  awk -F, -v OFS=, -v pre="$3" -v scale="$4" -v dateonly="$5" -v unk="$6" '
    function mul(a,   i, w, f, n, c) {  # a decimal string times an integer, exactly
      if (scale == 1) return a
      i = index(a, "."); w = i ? substr(a, 1, i - 1) : a; f = i ? substr(a, i + 1) : ""
      n = length(f); c = (w f) * scale
      if (n == 0) return c
      c = sprintf("%0" (n + 1) ".0f", c)
      return substr(c, 1, length(c) - n) "." substr(c, length(c) - n + 1)
    }
    NR == 1 { print; next }
    NF != 19 { print FILENAME ":" NR ": expected 19 fields, found " NF > "/dev/stderr"; exit 1 }
    { $3 = pre $3; $6 = pre $6; $8 = mul($8); $10 = mul($10)
      if (dateonly) $1 = substr($1, 1, 10) "T00:00:00Z"
      if (unk) $12 = "unknown"
      print }' "$1" > "$2"
}

gen() {  # dir seed accounts [extra generate options]
  local d=$1 seed=$2 accounts=$3
  shift 3
  [ -f "$d/transactions.csv" ] && return 0
  run "$mt" generate --out "$d" --preset small --accounts "$accounts" --seed "$seed" \
    --format native --threads 1 --quiet "$@"
}

worlds() {
  local k
  # seed activity scale date_only unknown_channel
  local spec=("21 1 1 0 0" "22 2 1 0 0" "23 0.5 1 0 0" "24 1 5 0 0"
              "25 1 1 1 0" "26 1 1 1 1" "27 1 1 0 1" "28 1.5 2 1 0")
  local parts=()
  for k in "${spec[@]}"; do
    set -- $k
    gen "$work/gen/w$1" "$1" 2000 --activity "$2"
    rewrite "$work/gen/w$1/transactions.csv" "$work/gen/w$1.csv" "W$1-" "$3" "$4" "$5"
    parts+=("$work/gen/w$1.csv")
  done
  if [ ! -d "$work/train-store" ]; then
    { head -1 "${parts[0]}"; for p in "${parts[@]}"; do tail -n +2 "$p"; done | sort -s -t, -k1,1; } \
      > "$work/train.csv"
    run "$mt" ingest "$work/train-store" "$work/train.csv" --format native
  fi
  gen "$work/gen/e12" 12 10000
  gen "$work/gen/e13" 13 10000
  rewrite "$work/gen/e13/transactions.csv" "$work/gen/e13-statement.csv" "" 1 1 1
  for s in 11 12 13 14 15; do
    [ -d "$work/indep/w$s" ] || run /usr/bin/python3 "$root/bench/indep/make_world.py" --seed "$s" --out "$work/indep/w$s"
  done
  ingest_once() {  # name csv
    [ -d "$work/eval/$1" ] || run "$mt" ingest "$work/eval/$1" "$2" --format native >/dev/null
  }
  mkdir -p "$work/eval"
  ingest_once e12 "$work/gen/e12/transactions.csv"
  ingest_once e13-statement "$work/gen/e13-statement.csv"
  for s in 11 12 13 14 15; do ingest_once "indep$s" "$work/indep/w$s/transactions.csv"; done
  wc -l "$work/train.csv"
}

train() {
  local start
  start=$(date +%s)
  local out=${MODEL:-$work/default.model}
  run "$mt" train "$work/train-store" --model "$out" --features raw,patterns,accounts \
    --baseline raw --seed 1 --threads 1 --max-rounds "${ROUNDS:-150}" --early-stopping 30 \
    --negative-rate "${NEGATIVE_RATE:-0.3}" 2>&1 | grep -v ' round ' | tee "$out.log"
  echo "train: $(( $(date +%s) - start )) s wall, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out.log"
  ls -l "$out"
}

evaluate() {
  local model=${MODEL:-$work/default.model} name
  for name in e12 e13-statement indep11 indep12 indep13 indep14 indep15; do
    run "$mt" score "$work/eval/$name" --model "$model" --out "$work/eval/$name.scores.csv" \
      --applicability "$work/eval/$name.applicability.json" 2> "$work/eval/$name.score.log" >/dev/null
    run "$mt" eval "$work/eval/$name" --scores "$work/eval/$name.scores.csv" --split all \
      --json "$work/eval/$name.eval.json" > "$work/eval/$name.eval.txt"
    python3 - "$name" "$work/eval/$name.applicability.json" "$work/eval/$name.eval.json" <<'PY'
import json, sys
name, ap, ev = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
m = ev["model"]["transactions"]
print(f"{name:<14} model {ap['model']:<38} applies {str(ap['applies']):<5} "
      f"ECE raw {ev.get('ece_raw', -1):.4f} prob {ev.get('ece_probability', -1):.4f} "
      f"F1 {m['f1']:.3f} PR-AUC {m['pr_auc']:.3f} rows {m['transactions']} laundering {m['laundering']}"
      + ("" if ap["applies"] else f"\n    {ap['reason']}"))
PY
  done
  if [ -d "$root/../shared/data/amlsim/20K_cycle200" ] && [ "${AMLSIM:-1}" = 1 ]; then
    local a=$root/../shared/data/amlsim/20K_cycle200
    rm -rf "$work/amlsim-store" "$work/amlsim-case"
    run "$mt" investigate --store "$work/amlsim-store" "$a/transactions.csv" --format amlsim \
      --labels "$a/nodes.csv" --model "$model" --out "$work/amlsim-case" --no-pdf --threads 1 \
      > "$work/amlsim.log" 2>&1 || true
    grep -i "model" "$work/amlsim.log" | head -3
    /usr/bin/python3 "$root/bench/indep/amlsim_prauc.py" "$work/amlsim-case" "$a"
    # The model's own account ranking on AMLSim, whatever the shift check says (labels: the
    # store's account attributes from nodes.csv).
    run "$mt" score "$work/amlsim-store" --model "$model" --out "$work/amlsim.scores.csv" \
      --applicability "$work/amlsim.applicability.json" 2> "$work/amlsim.score.log" >/dev/null
    run "$mt" eval "$work/amlsim-store" --scores "$work/amlsim.scores.csv" --split all \
      --json "$work/amlsim.eval.json" > "$work/amlsim.eval.txt"
    cat "$work/amlsim.score.log"
    grep -E "account PR-AUC|accounts|calibration" "$work/amlsim.eval.txt"
  fi
}

case $phase in
  worlds) worlds ;;
  train) train ;;
  eval) evaluate ;;
  *) echo "phase: worlds | train | eval" >&2; exit 1 ;;
esac
