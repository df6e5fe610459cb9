#!/usr/bin/env bash
# Issue 21's pack time: how headless Chromium is started for exhibit.pdf, variant by variant, on
# the same HTML (the demo's top subject's exhibit.html, captured by bench/exhibit_pack.sh's
# CAPTURE mode or any report excerpt). Each round runs every variant once, in turn (interleaved,
# so the machine's load falls on all alike); prints wall and CPU seconds (user+sys of Chromium
# and its children, /usr/bin/time) per run, then the medians, and checks that every variant's
# PDF has the same text as the baseline's (pdftotext).
#
#   bench/exhibit_chromium_flags.sh EXHIBIT_HTML [ROUNDS] [WORK_DIR]
#   VARIANTS="wrapper shell" bench/exhibit_chromium_flags.sh ...   # a subset, in this order
#
# Variants: wrapper (Debian's /usr/bin/chromium launcher, what moneytrail ran until session 12),
# direct (the browser binary itself), direct-warm-profile (one --user-data-dir kept between
# runs), direct-quiet (more features off), direct-one-renderer (one renderer, no site
# isolation), direct-no-zygote, shell (Debian's chromium-headless-shell: the "old headless"
# browser built for printing and screenshots), shell-quiet.
set -euo pipefail
html=$(realpath "$1")
rounds=${2:-5}
work=${3:-/tmp/exhibit-chromium-${USER:-$(id -un)}}
rm -rf "$work"
mkdir -p "$work"
# The flags of src/report/browser.cc (RunHeadlessChromium), before the variant's changes.
base_flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
  --no-default-browser-check --disable-extensions --disable-background-networking
  --disable-component-update --disable-sync --disable-default-apps --disable-breakpad
  --mute-audio --hide-scrollbars)
wrapper=/usr/bin/chromium          # Debian's launcher script (adds /etc/chromium.d flags)
direct=/usr/lib/chromium/chromium  # the browser itself
shell=/usr/lib/chromium/chromium-headless-shell  # Debian's chromium-headless-shell
extra_quiet=(--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions
  --disable-renderer-backgrounding --disable-background-timer-throttling --metrics-recording-only
  --no-service-autorun --password-store=basic --use-mock-keychain)

read -r -a variants <<<"${VARIANTS:-wrapper direct direct-warm-profile direct-quiet direct-one-renderer direct-no-zygote shell shell-quiet}"

run_variant() {  # name round
  local name=$1 round=$2 bin=$direct profile scratch
  scratch="$work/$name-$round"
  mkdir -p "$scratch/home"
  profile="$scratch/profile"
  local -a flags=("${base_flags[@]}")
  case $name in
    wrapper) bin=$wrapper ;;
    direct) ;;
    direct-warm-profile) profile="$work/warm-profile" ;;  # one profile kept between runs
    direct-quiet) flags+=("${extra_quiet[@]}") ;;
    direct-one-renderer) flags+=(--renderer-process-limit=1 --disable-site-isolation-trials --disable-features=IsolateOrigins,site-per-process) ;;
    direct-no-zygote) flags+=(--no-zygote) ;;
    shell) bin=$shell ;;
    shell-quiet) bin=$shell; flags+=("${extra_quiet[@]}") ;;
  esac
  /usr/bin/time -f "%e %U %S" -o "$scratch/time" env HOME="$scratch/home" \
    XDG_CONFIG_HOME="$scratch/home/.config" XDG_CACHE_HOME="$scratch/home/.cache" \
    DBUS_SESSION_BUS_ADDRESS=disabled: "$bin" "${flags[@]}" --user-data-dir="$profile" \
    --no-pdf-header-footer --print-to-pdf="$scratch/out.pdf" "file://$html" \
    >"$scratch/log" 2>&1 </dev/null || true
  read -r wall user sys <"$scratch/time"
  local cpu
  cpu=$(echo "$user + $sys" | bc)
  echo "$name $round $wall $cpu" >>"$work/times"
  printf '%-22s round %d: %6.2f s wall, %5.2f CPU-s\n' "$name" "$round" "$wall" "$cpu"
}

# One warm-up print to fill the warm profile (not timed).
[[ " ${variants[*]} " == *" direct-warm-profile "* ]] && run_variant direct-warm-profile 0 >/dev/null
: >"$work/times"
for round in $(seq 1 "$rounds"); do
  for v in "${variants[@]}"; do run_variant "$v" "$round"; done
done
echo
echo "medians over $rounds rounds (wall s, CPU-s), PDF text vs ${variants[0]}'s round 1:"
pdftotext -layout "$work/${variants[0]}-1/out.pdf" "$work/ref.txt"
for v in "${variants[@]}"; do
  wall=$(awk -v v="$v" '$1==v {print $3}' "$work/times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(awk -v v="$v" '$1==v {print $4}' "$work/times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  same=identical
  for round in $(seq 1 "$rounds"); do
    pdftotext -layout "$work/$v-$round/out.pdf" "$work/$v-$round/out.txt" 2>/dev/null || { same="no PDF"; break; }
    cmp -s "$work/ref.txt" "$work/$v-$round/out.txt" || { same="DIFFERS (round $round)"; break; }
  done
  printf '%-22s %6.2f s wall  %5.2f CPU-s  text %s\n' "$v" "$wall" "$cpu" "$same"
done
