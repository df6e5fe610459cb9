#!/bin/sh
# hi-small risk-model runs of bench/RESULTS-model.md: A = raw,patterns,accounts (every train
# row), B = + neighbours (20% of legitimate train rows), C = B with recency weights (half-life
# 1 or 2 days, the better on validation PR-AUC), D = C with 400 rounds at most and half-life 0.5
# or 1 day, E = D with first-stage recency weights (1 day), the late first-stage model's weight
# chosen on validation (0.5, 0.75 or 1), main half-life 0.25 or 0.5 day and 600 rounds at most,
# F = E's choices with learning rate 0.2, G = the same with 1000 rounds at most (session 5),
# H = E's kept choices with four first-stage folds, I = E's first stage reused + the taint group
# without tn_self, J = H's first stage reused + the same (session 6), each against the raw
# baseline of the same run, then eval on the test part. Needs ~12 GB of memory and ~8 h on 2
# busy cores.
# Usage: bench/model_hismall.sh MONEYTRAIL STORE OUTDIR
set -eu
MT=$1 STORE=$2 OUT=$3
for n in A B C D E F G H I J; do mkdir -p "$OUT/$n"; done
run() {  # name, train options...
  name=$1; shift
  /usr/bin/time -f "$name train %e s wall %M KB" nice -n 5 "$MT" train "$STORE" \
    --model "$OUT/$name/m.model" --baseline raw --early-stopping 30 --seed 1 \
    --threads 2 "$@" 2> "$OUT/$name/train.log"
  /usr/bin/time -f "$name score %e s wall %M KB" nice -n 5 "$MT" score "$STORE" \
    --model "$OUT/$name/m.model" --out "$OUT/$name/scores.csv" \
    --accounts "$OUT/$name/accounts.csv" 2> "$OUT/$name/score.log"
  "$MT" eval "$STORE" --scores "$OUT/$name/scores.csv" --json "$OUT/$name/eval.json" \
    | tee "$OUT/$name/eval.txt"
}
run A --features raw,patterns,accounts --max-rounds 300
run B --features raw,patterns,accounts,neighbours --negative-rate 0.2 --max-rounds 300
run C --features raw,patterns,accounts,neighbours --negative-rate 0.2 --recency-half-life 1,2 \
  --max-rounds 300
run D --features raw,patterns,accounts,neighbours --negative-rate 0.2 --recency-half-life 0.5,1 \
  --max-rounds 400
run E --features raw,patterns,accounts,neighbours --negative-rate 0.2 --recency-half-life 0.25,0.5 \
  --first-stage-recency-half-life 1 --first-stage-late-weight 0.5,0.75,1 --max-rounds 600
# Session 5's follow-ups of E (both lost to E on validation PR-AUC): F = learning rate 0.2,
# G = 1000 rounds at most.
run F --features raw,patterns,accounts,neighbours --negative-rate 0.2 --recency-half-life 0.5 \
  --first-stage-recency-half-life 1 --first-stage-late-weight 1 --max-rounds 600 --eta 0.2
run G --features raw,patterns,accounts,neighbours --negative-rate 0.2 --recency-half-life 0.5 \
  --first-stage-recency-half-life 1 --first-stage-late-weight 0.75,1 --max-rounds 1000
# Session 6: H = E's kept choices (main half-life 0.5) with four first-stage folds (kept: test
# F1 0.759); I and J reuse E's and H's first stages (--first-stage-from) and add the taint group
# without its own-score column.
run H --features raw,patterns,accounts,neighbours --negative-rate 0.2 --recency-half-life 0.5 \
  --first-stage-recency-half-life 1 --first-stage-late-weight 0.5,0.75,1 --first-stage-folds 4 \
  --max-rounds 600
run I --features raw,patterns,accounts,neighbours,taint --exclude-features tn_self \
  --negative-rate 0.2 --recency-half-life 0.5 --first-stage-from "$OUT/E/m.model" --max-rounds 600
run J --features raw,patterns,accounts,neighbours,taint --exclude-features tn_self \
  --negative-rate 0.2 --recency-half-life 0.5 --first-stage-from "$OUT/H/m.model" --max-rounds 600
