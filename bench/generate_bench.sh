#!/usr/bin/env bash
# Macro benchmark of `moneytrail generate` (issue 3): runs a preset N times and prints the median
# wall time, transactions per second (wall and per CPU-second), and peak RSS.
#   bench/generate_bench.sh [-b BUILD_DIR] [-p PRESET] [-n RUNS] [-t THREADS] [-f FORMAT] [-o OTHER_BINARY]
# With -o, another moneytrail binary (e.g. a copy of the previous build) runs in the same session,
# interleaved run by run with this build's, and both medians are printed, so that the comparison
# sees the same machine load. Output goes to bench/out/gen-<preset> (git-ignored) and is deleted
# at the end.
set -euo pipefail
build=build; preset=hi-small; runs=3; threads=0; format=native; other=""
while getopts "b:p:n:t:f:o:" opt; do
  case $opt in
    b) build=$OPTARG ;; p) preset=$OPTARG ;; n) runs=$OPTARG ;; t) threads=$OPTARG ;; f) format=$OPTARG ;;
    o) other=$OPTARG ;;
    *) echo "usage: $0 [-b build] [-p preset] [-n runs] [-t threads] [-f format] [-o other_binary]" >&2; exit 1 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) bin=$build/moneytrail ;; *) bin=$root/$build/moneytrail ;; esac
out=$root/bench/out/gen-$preset
mkdir -p "$root/bench/out"
bins=("$bin"); [ -n "$other" ] && bins=("$other" "$bin")
echo "moneytrail generate --preset $preset --format $format --threads $threads ($runs runs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A walls cpus rss
rows=0
for i in $(seq "$runs"); do
  for b in "${bins[@]}"; do
    rm -rf "$out"
    log=$(mktemp)
    /usr/bin/time -v "$b" generate --preset "$preset" --out "$out" --format "$format" --threads "$threads" --quiet 2> "$log"
    wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(k=1;k<=n;k++) s=s*60+a[k]; print s}' "$log")
    user=$(awk -F': ' '/User time/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time/ {print $2}' "$log")
    kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$log")
    rows=$(python3 -c "import json;print(json.load(open('$out/manifest.json'))['counts']['transactions'])")
    cpu=$(echo "$user + $sys" | bc)
    echo "run $i $b: wall ${wall}s, cpu ${cpu}s (user $user, sys $sys), peak RSS $((kb / 1024)) MB, $rows rows, load $(cut -d' ' -f1 /proc/loadavg)"
    walls[$b]+="$wall "; cpus[$b]+="$cpu "; rss[$b]+="$kb "; rm -f "$log"
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for b in "${bins[@]}"; do
  # shellcheck disable=SC2086
  mw=$(median ${walls[$b]}); mc=$(median ${cpus[$b]}); mr=$(median ${rss[$b]})
  echo "$b: median wall ${mw}s -> $(echo "$rows / $mw" | bc) tx/s; median cpu ${mc}s -> $(echo "$rows / $mc" | bc) tx per cpu-second; peak RSS $((mr / 1024)) MB"
done
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "target: >= 3000000 tx/s wall on 2 cores (hi-small); hi-large peak RSS < 4096 MB"
rm -rf "$out"
