#!/bin/bash
# Statement intake speed (issue #19, Measures): the generator's statements of a world large
# enough for >= 1M statement rows, ingested three ways into fresh stores, wall and user time:
#   1. statements: the three gen-* mappings (banner, checks, description grammar);
#   2. statements without enrichment: the same mappings with [enrich] grammar = "none";
#   3. plain mapped: the same rows flattened into one CSV per bank (no banner, no checks, no
#      grammar; bench/statements_flatten.py) through a plain `mapped` mapping.
# Usage: bench/statements_intake_bench.sh [MONEYTRAIL] [WORK_DIR]
# Figures: bench/RESULTS-enrich.md ("Statement intake").
set -euo pipefail
MT=$(realpath "${1:-build/moneytrail}")
WORK=${2:-/tmp/statements-intake-bench}
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORLD_ARGS=${WORLD_ARGS:---accounts 10000 --days 50 --activity 2.5 --seed 7 --statement-accounts all}
mkdir -p "$WORK"
if [ ! -f "$WORK/world/statements/truth.csv" ]; then
  rm -rf "$WORK/world"
  # shellcheck disable=SC2086
  "$MT" generate --out "$WORK/world" --format native --statements $WORLD_ARGS --quiet
fi
cd "$WORK/world/statements"
rows=$(awk -F, 'NR > 1 && $4 != ""' truth.csv | wc -l)
files=$(ls ./*/*.csv | wc -l)
echo "statement files: $files, truth lines (rows with a transaction): $rows"
maps=()
nomaps=()
mkdir -p "$WORK/maps"
for m in gen-firstcoast gen-prairie-cu gen-sonoran; do
  maps+=(--map "$SRC/config/mappings/$m.toml")
  sed -e 's|^grammar = .*|grammar = "none"|' "$SRC/config/mappings/$m.toml" > "$WORK/maps/$m-plain.toml"
  nomaps+=(--map "$WORK/maps/$m-plain.toml")
done
run() {  # name store args...: CPU time (user + sys) is the figure on a shared machine
  local name=$1 store=$2
  shift 2
  rm -rf "$store"
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KB max RSS" "$MT" ingest "$store" "$@" \
    --format mapped > "$store.log"
  grep -E "^(statements:|total:)" "$store.log"
}
run "statements (grammar + checks)" "$WORK/s-enrich" ./*/*.csv "${maps[@]}"
run "statements, no grammar" "$WORK/s-plain" ./*/*.csv "${nomaps[@]}"
python3 "$SRC/bench/statements_flatten.py" "$WORK/world/statements" "$WORK/flat"
run "plain mapped (flattened rows)" "$WORK/s-flat" "$WORK"/flat/*.csv --map "$SRC/bench/statements_flat.toml"
