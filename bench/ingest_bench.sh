#!/usr/bin/env bash
# Ingest benchmark (issue 2): `moneytrail ingest` of an IBM AMLworld-layout CSV against
# sqlite3's `.import` of the same file, in one run, median of N runs each.
#
# Usage: bench/ingest_bench.sh [-b BUILD_DIR] [-r ROWS] [-a ACCOUNTS] [-n RUNS] [-o OUT_DIR] [-p]
#   defaults: -b build -r 5000000 -a 500000 -n 3 -o bench/out
#   -p: also PostgreSQL 15 (Debian's postgresql): a scratch cluster that this script creates
#       (initdb as the postgres user in a temporary directory, socket only, no TCP), starts and
#       removes; COPY FROM the same file into an UNLOGGED table (server-side COPY, the server
#       reads the file: it must be readable by the postgres user). Never run by `make test`.
#       Its CPU is the server backend's (the postmaster's reaped children) plus psql's.
# Prints wall time (start to committed store), rows/s, peak RSS (/usr/bin/time -v), the
# stored column bytes, and the ratios the issue sets targets for:
#   rows/s >= 5,000,000; sqlite3 time / moneytrail time >= 9 (issue #26), PostgreSQL COPY time /
#   moneytrail time >= 3.5 (with -p); peak RSS < 1 x column bytes.
# Every tool starts on a clean slate: the previous run's output is removed and `sync` run before
# it is timed, so no one's durable commit waits for another's dirty pages on the same filesystem
# (a moneytrail ingest right after PostgreSQL's COPY took 1.1-1.7 s wall for the same CPU).
# Generated data stays under OUT_DIR (git-ignored); the input file is reused if present.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build
rows=5000000
accounts=500000
runs=3
out=$root/bench/out
seed=1
postgres=0
while getopts "b:r:a:n:o:s:p" opt; do
  case $opt in
    b) build=$OPTARG ;;
    r) rows=$OPTARG ;;
    a) accounts=$OPTARG ;;
    n) runs=$OPTARG ;;
    o) out=$OPTARG ;;
    s) seed=$OPTARG ;;
    p) postgres=1 ;;
    *) sed -n '2,16p' "$0"; exit 1 ;;
  esac
done
bin=$build/moneytrail
[[ -x $bin ]] || { echo "no $bin: build first (make build, or -b BUILD_DIR)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
mkdir -p "$out"
csv=$out/ibm-${rows}-a${accounts}-s${seed}.csv
if [[ ! -s $csv ]]; then
  echo "generating $csv ..." >&2
  /usr/bin/python3 "$here/make_ibm_csv.py" --rows "$rows" --accounts "$accounts" --seed "$seed" \
    --out "$csv.tmp"
  mv "$csv.tmp" "$csv"
fi
csv_bytes=$(stat -L -c %s "$csv")
cat "$csv" >/dev/null  # both tools read from the page cache

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
# Runs "$@" under /usr/bin/time -v; appends "wall_seconds peak_rss_kb cpu_seconds" to the file
# $1 (cpu = user + system: less disturbed than wall time when the machine is shared).
measure() {
  local result=$1; shift
  local tlog; tlog=$(mktemp)
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$tlog" "$@" >"$tlog.out" 2>"$tlog.err" || {
    echo "FAILED: $*" >&2; cat "$tlog.err" >&2; rm -f "$tlog"*; exit 1; }
  t1=$(date +%s.%N)
  local rss cpu
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tlog")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$tlog")
  echo "$(echo "$t1 - $t0" | bc -l) $rss $cpu" >>"$result"
  rm -f "$tlog" "$tlog.out" "$tlog.err"
}

mt=$(mktemp); sq=$(mktemp); pg=$(mktemp)
pg_dir=""
pg_bin=/usr/lib/postgresql/15/bin
pg_port=54329
cleanup() {
  rm -f "$mt" "$sq" "$pg"
  if [[ -n $pg_dir ]]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap cleanup EXIT
psql_run() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" -U postgres -d postgres "$@"; }
if ((postgres)); then
  [[ -x $pg_bin/initdb ]] || { echo "PostgreSQL 15 is missing: apt-get install postgresql" >&2; exit 1; }
  id postgres >/dev/null 2>&1 || { echo "no postgres user (apt-get install postgresql creates it)" >&2; exit 1; }
  runuser -u postgres -- test -r "$csv" || { echo "$csv is not readable by the postgres user" >&2; exit 1; }
  pg_dir=$(mktemp -d /tmp/mt-ingest-pg.XXXXXX)
  chown postgres: "$pg_dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-k $pg_dir -p $pg_port -c listen_addresses=''" start >/dev/null
  pg_master=$(head -1 "$pg_dir/data/postmaster.pid")
fi
# CPU seconds of the postmaster's reaped children (the backends that have exited).
pg_children_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($16 + $17) / hz}' "/proc/$pg_master/stat"
}
store=$out/bench.store
db=$out/bench.sqlite
for ((i = 1; i <= runs; i++)); do
  rm -rf "$store"
  sync
  measure "$mt" "$bin" ingest "$store" "$csv" --format ibm-aml --strict
  echo "moneytrail run $i: $(tail -1 "$mt") (wall s, peak RSS KB, cpu s)" >&2
  rm -f "$db"
  sync
  measure "$sq" sqlite3 "$db" \
    "CREATE TABLE tx(ts TEXT, from_bank TEXT, from_account TEXT, to_bank TEXT, to_account TEXT,
       amount_received TEXT, receiving_currency TEXT, amount_paid TEXT, payment_currency TEXT,
       payment_format TEXT, is_laundering TEXT);" \
    ".mode csv" ".import --skip 1 $csv tx"
  echo "sqlite3    run $i: $(tail -1 "$sq") (wall s, peak RSS KB, cpu s)" >&2
  if ((postgres)); then
    psql_run -c "DROP TABLE IF EXISTS tx" \
      -c "CREATE UNLOGGED TABLE tx(ts text, from_bank text, from_account text, to_bank text,
            to_account text, amount_received text, receiving_currency text, amount_paid text,
            payment_currency text, payment_format text, is_laundering text)" -c "CHECKPOINT"
    sync
    before=$(pg_children_cpu)
    measure "$pg" psql -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" -U postgres -d postgres \
      -c "COPY tx FROM '$csv' WITH (FORMAT csv, HEADER true)"
    sleep 0.2  # the backend exits after psql; let the postmaster reap it
    server=$(echo "$(pg_children_cpu) - $before" | bc -l)
    last=$(tail -1 "$pg"); sed -i '$d' "$pg"
    read -r w r c <<<"$last"
    echo "$w $r $(echo "$c + $server" | bc -l)" >>"$pg"
    echo "postgres   run $i: $(tail -1 "$pg") (wall s, psql peak RSS KB, cpu s of psql + backend)" >&2
  fi
done
sqlite_rows=$(sqlite3 "$db" "SELECT count(*) FROM tx;")
store_rows=$("$bin" info "$store" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["transactions"])')
seg_dir=$(ls -d "$store"/segments/seg-* | tail -1)
col_bytes=$(cat "$seg_dir"/*.col | wc -c)
seg_bytes=$(du -sb "$seg_dir" | cut -f1)

mt_time=$(cut -d' ' -f1 "$mt" | median)
mt_rss=$(cut -d' ' -f2 "$mt" | median)
sq_time=$(cut -d' ' -f1 "$sq" | median)
sq_rss=$(cut -d' ' -f2 "$sq" | median)
mt_cpu=$(cut -d' ' -f3 "$mt" | median)
sq_cpu=$(cut -d' ' -f3 "$sq" | median)
calc() { echo "$1" | bc -l; }
printf '\n'
printf 'input             %s (%d rows, %d bytes)\n' "$csv" "$rows" "$csv_bytes"
printf 'machine           %s cores, %s\n' "$(nproc)" "$(uname -r)"
printf 'moneytrail ingest median %.3f s of %d  (%s)  -> %.0f rows/s, %.1f MB/s; store holds %s rows\n' \
  "$mt_time" "$runs" "$(cut -d' ' -f1 "$mt" | tr '\n' ' ')" "$(calc "$rows / $mt_time")" \
  "$(calc "$csv_bytes / $mt_time / 1000000")" "$store_rows"
printf 'sqlite3 .import   median %.3f s of %d  (%s)  -> %.0f rows/s; table holds %s rows\n' \
  "$sq_time" "$runs" "$(cut -d' ' -f1 "$sq" | tr '\n' ' ')" "$(calc "$rows / $sq_time")" "$sqlite_rows"
printf 'cpu (user+sys) median    moneytrail %.2f s, sqlite3 %.2f s\n' "$mt_cpu" "$sq_cpu"
printf 'speed-up vs sqlite3      %.2fx   (target >= 9x; by CPU-s %.2fx)\n' "$(calc "$sq_time / $mt_time")" \
  "$(calc "$sq_cpu / $mt_cpu")"
if ((postgres)); then
  pg_rows=$(psql_run -A -t -c "SELECT count(*) FROM tx")
  pg_time=$(cut -d' ' -f1 "$pg" | median)
  pg_cpu=$(cut -d' ' -f3 "$pg" | median)
  printf 'postgres COPY     median %.3f s of %d  (%s)  -> %.0f rows/s; unlogged table holds %s rows; cpu %.2f s\n' \
    "$pg_time" "$runs" "$(cut -d' ' -f1 "$pg" | tr '\n' ' ')" "$(calc "$rows / $pg_time")" "$pg_rows" "$pg_cpu"
  printf 'speed-up vs postgres     %.2fx   (target >= 3.5x; by CPU-s %.2fx)\n' "$(calc "$pg_time / $mt_time")" \
    "$(calc "$pg_cpu / $mt_cpu")"
fi
printf 'rows/s                   %.0f    (target >= 5,000,000)\n' "$(calc "$rows / $mt_time")"
printf 'peak RSS                 moneytrail %.1f MB (median), sqlite3 %.1f MB\n' \
  "$(calc "$mt_rss / 1024")" "$(calc "$sq_rss / 1024")"
printf 'stored columns           %d bytes (*.col of %s; whole segment %d bytes)\n' \
  "$col_bytes" "$(basename "$seg_dir")" "$seg_bytes"
printf 'peak RSS / column bytes  %.2f   (target < 1)\n' "$(calc "$mt_rss * 1024 / $col_bytes")"
