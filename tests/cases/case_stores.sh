# Sourced by tests/cases/compare_case_dirs.sh and tests/cases/demo_defects.sh: builds, once per
# WORK dir, the two stores that issue 21's checks investigate.
#   statement_store BINARY WORK   WORK/statement.store: the hand-written statement case
#                                 (tests/data/statement-case, three shipped mappings)
#   demo_store BINARY WORK        WORK/demo.store: the demo's (`make demo`: generate --preset
#                                 small --seed 7 --statements, the three banks' mappings,
#                                 resolve --store)
# Both run from the repository root (relative mapping paths) and skip a store already built.

statement_store() {
  local bin=$1 work=$2
  [[ -f "$work/statement.store/MANIFEST" ]] && return 0
  rm -rf "$work/statement.store"
  "$bin" ingest "$work/statement.store" tests/data/statement-case/*-2025-03*.csv --format mapped \
    --map config/mappings/us-credit-union-banner.toml \
    --map config/mappings/us-bigbank-debit-credit.toml \
    --map config/mappings/us-signed-cr-dr.toml >/dev/null
}

demo_store() {
  local bin=$1 work=$2
  [[ -f "$work/demo.store/MANIFEST" ]] && return 0
  rm -rf "$work/demo.store" "$work/demo-bank"
  "$bin" generate --out "$work/demo-bank" --preset small --seed 7 --format native --statements >/dev/null
  "$bin" ingest "$work/demo.store" "$work/demo-bank/statements"/*/*.csv --format mapped \
    --map config/mappings/gen-firstcoast.toml --map config/mappings/gen-prairie-cu.toml \
    --map config/mappings/gen-sonoran.toml >/dev/null
  "$bin" resolve "$work/demo-bank/parties.csv" --store "$work/demo.store" \
    --shared "$work/demo-shared.csv" >/dev/null
}
