#!/bin/bash
# Statement intake speed (issue #19, Measures): the generator's statements of a world large
# enough for >= 1M statement rows, ingested three ways into fresh stores, wall and user time:
#   1. statements: the three gen-* mappings (banner, checks, description grammar);
#   2. statements without enrichment: the same mappings with [enrich] grammar = "none";
#   3. plain mapped: the same rows flattened into one CSV per bank (no banner, no checks, no
#      grammar; bench/statements_flatten.py) through a plain `mapped` mapping.
#   4. (THP=1) statements as 1., with glibc's malloc asked for transparent huge pages
#      (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): what page faults cost (RESULTS-statements.md);
#      for a CLI linked with jemalloc (the default since session 13), the run is instead
#      without huge pages (MALLOC_CONF=thp:default), the pages' share from the other side.
# ONLY_STATEMENTS=1 leaves out 2. and 3. (the statement runs only: a shorter main-vs-branch).
# Each is run RUNS times (default 3); every run prints CPU seconds and rows per CPU-second and
# per wall-second; quote the medians. BASELINE=/path/to/other/moneytrail adds the same runs of
# another build of statements (1.), alternately, and compares the stores with `cmp`.
# Usage: [RUNS=3] [THP=1] [BASELINE=MT] bench/statements_intake_bench.sh [MONEYTRAIL] [WORK_DIR]
# Figures: bench/RESULTS-statements.md (earlier sessions: RESULTS-enrich.md).
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
RUNS=${RUNS:-3}
run() {  # name store binary args...: CPU time (user + sys) is the figure on a shared machine
  local name=$1 store=$2 bin=$3
  shift 3
  for ((i = 1; i <= RUNS; i++)); do
    rm -rf "$store"
    /usr/bin/time -o "$store.time" -f "%e %U %S %M %R" "$bin" ingest "$store" "$@" --format mapped \
      > "$store.log"
    read -r wall user sys rss faults < "$store.time"
    awk -v n="$name" -v r="$rows" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v f="$faults" 'BEGIN {
      printf "%s: %.1f s wall, %.1f s CPU (user %.1f, sys %.1f), %.0f rows per CPU-second, %.0f per wall-second, %.0f MB max RSS, %d page faults\n",
             n, w, u + s, u, s, r / (u + s), r / w, m / 1024, f }'
  done
  grep -E "^(statements:|total:)" "$store.log"
}
# Two stores hold the same: every segment file (columns, dictionaries, statement files) and the
# verbatim export byte-identical (the manifest differs only in times and ids).
same_store() {
  local a=$1 b=$2
  diff -r "$a/segments" "$b/segments"
  "$MT" export "$a" --out "$WORK/a.csv" --format native --verbatim > /dev/null
  "$MT" export "$b" --out "$WORK/b.csv" --format native --verbatim > /dev/null
  cmp "$WORK/a.csv" "$WORK/b.csv"
  echo "stores $a and $b: identical (every segment file, export --verbatim)"
}
run "statements (grammar + checks)" "$WORK/s-enrich" "$MT" ./*/*.csv "${maps[@]}"
if [ -n "${BASELINE:-}" ]; then
  run "baseline $BASELINE: statements (grammar + checks)" "$WORK/s-base" "$(realpath "$BASELINE")" \
    ./*/*.csv "${maps[@]}"
  same_store "$WORK/s-enrich" "$WORK/s-base"
fi
if [ -n "${THP:-}" ]; then
  if ldd "$MT" | grep libjemalloc > /dev/null; then
    MALLOC_CONF=thp:default run "statements, jemalloc without huge pages" "$WORK/s-thp" "$MT" \
      ./*/*.csv "${maps[@]}"
  else
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 run "statements, THP malloc" "$WORK/s-thp" "$MT" \
      ./*/*.csv "${maps[@]}"
  fi
fi
[ -n "${ONLY_STATEMENTS:-}" ] && exit 0
run "statements, no grammar" "$WORK/s-plain" "$MT" ./*/*.csv "${nomaps[@]}"
python3 "$SRC/bench/statements_flatten.py" "$WORK/world/statements" "$WORK/flat"
run "plain mapped (flattened rows)" "$WORK/s-flat" "$MT" "$WORK"/flat/*.csv --map "$SRC/bench/statements_flat.toml"
