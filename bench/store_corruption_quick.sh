#!/usr/bin/env bash
# A quick corruption matrix over `info --json` and `export` only (for a binary built without the
# other verbs; bench/store_corruption_matrix.sh runs all five): every file of STORE (LOCK and
# MANIFEST aside) with bit 0 of its middle byte flipped, bit 7 of the next, truncated by one
# byte, extended by one; each verb must print the intact output or exit 3 naming the file.
# Usage: bench/store_corruption_quick.sh MONEYTRAIL_BINARY STORE
set -uo pipefail
M=$1; S=$2
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
# The intact answers from the path the corrupted copies will have (info prints the store's path).
# A verb may give the intact answer on a corrupt store when it does not read the damaged bytes
# (`info` reads 7 of the 17 columns, each checked when first read): that counts as "same".
cp -r "$S" "$W/c"
"$M" info "$W/c" --json > "$W/info.ok" && "$M" export "$W/c" --out "$W/exp.ok" --format native > /dev/null || exit 2
same=0; det=0; bad=0; n=0
check() {  # verb rc out ok err file mode
  if [ "$2" = 0 ] && cmp -s "$3" "$4"; then same=$((same+1))
  elif [ "$2" = 3 ] && grep -q "$(basename "$6")" "$5"; then det=$((det+1))
  else bad=$((bad+1)); echo "FAIL $1 $6 $7 exit $2"; fi
}
for f in $(cd "$S" && find . -type f ! -name LOCK ! -name .lock ! -name MANIFEST | sort); do
  for mode in low high trunc ext; do
    rm -rf "$W/c"; cp -r "$S" "$W/c"; p="$W/c/$f"; size=$(stat -c %s "$p")
    case $mode in
      low) python3 -c "import sys;p=sys.argv[1];b=bytearray(open(p,'rb').read());b[len(b)//2]^=1;open(p,'wb').write(b)" "$p";;
      high) python3 -c "import sys;p=sys.argv[1];b=bytearray(open(p,'rb').read());b[min(len(b)-1,len(b)//2+1)]^=128;open(p,'wb').write(b)" "$p";;
      trunc) truncate -s $((size-1)) "$p";;
      ext) printf '\n' >> "$p";;
    esac
    n=$((n+1))
    "$M" info "$W/c" --json > "$W/o" 2> "$W/e"; check info $? "$W/o" "$W/info.ok" "$W/e" "$f" $mode
    rm -f "$W/x"; "$M" export "$W/c" --out "$W/x" --format native > /dev/null 2> "$W/e"
    check export $? "$W/x" "$W/exp.ok" "$W/e" "$f" $mode
  done
done
echo "$n corruptions x 2 verbs: same $same, exit 3 naming the file $det, other (silent-wrong, crash, unnamed) $bad"
[ $bad = 0 ]
