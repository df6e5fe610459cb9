#!/usr/bin/env bash
# Compares the case directories that two moneytrail binaries write from the same stores
# (issue 21, item 8: the investigation split into stages must not change a byte of output).
#
#   tests/cases/compare_case_dirs.sh BASELINE_BINARY NEW_BINARY [WORK_DIR]
#
# Builds two stores once in WORK_DIR (default /tmp/compare-cases-$USER): the hand-written
# statement case (tests/data/statement-case, with its KYC attached by `kyc` + `resolve --store`)
# and the demo's (`make demo`: generate --preset small --seed 7 --statements, the three banks'
# mappings, resolve --store). Then each binary investigates each store (--no-pdf: Chromium
# stamps its own creation date into report.pdf; SOURCE_DATE_EPOCH fixes the generation time)
# and every file of the two case directories is compared with cmp. Prints one line per case
# and exits 0 when every file is identical, 1 naming each file that differs or exists on one
# side only.
set -euo pipefail
base=$(realpath "$1")
new=$(realpath "$2")
work=${3:-/tmp/compare-cases-${USER:-$(id -un)}}
root=$(cd "$(dirname "$0")/../.." && pwd)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
mkdir -p "$work"
cd "$root"

# shellcheck source=tests/cases/case_stores.sh
source tests/cases/case_stores.sh
statement_store "$base" "$work"
demo_store "$base" "$work"

status=0
for name in statement demo; do
  for side in base new; do
    bin=$base; [[ $side == new ]] && bin=$new
    rm -rf "$work/$name-case-$side"
    "$bin" investigate --store "$work/$name.store" --out "$work/$name-case-$side" --top 10 \
      --no-pdf >"$work/$name-$side.log" 2>&1 || {
      echo "$name: $side binary failed (exit $?), see $work/$name-$side.log"; status=1; continue 2; }
  done
  a="$work/$name-case-base" b="$work/$name-case-new"
  differ=0 files=0
  while IFS= read -r f; do
    files=$((files + 1))
    if [[ ! -f "$b/$f" ]]; then echo "$name: only in the baseline: $f"; differ=$((differ + 1));
    elif ! cmp -s "$a/$f" "$b/$f"; then echo "$name: differs: $f ($(cmp "$a/$f" "$b/$f" | head -1))"; differ=$((differ + 1)); fi
  done < <(cd "$a" && find . -type f | sed 's|^\./||' | sort)
  while IFS= read -r f; do
    [[ -f "$a/$f" ]] || { echo "$name: only in the new case: $f"; differ=$((differ + 1)); }
  done < <(cd "$b" && find . -type f | sed 's|^\./||' | sort)
  if (( differ == 0 )); then
    echo "$name: $files files, all cmp-identical"
  else
    echo "$name: $differ of $files files differ"; status=1
  fi
done
exit $status
