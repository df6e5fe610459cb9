#!/usr/bin/env bash
# The browser tests (ui.test.mjs), as ctest runs them: installs what they need when missing
# (Node.js and npm, Chromium: Debian packages; web/node_modules: `npm ci` from the committed lock
# file), checks that the committed web/dist is what web/src builds to, then drives Chromium.
# Usage: run.sh MONEYTRAIL_BINARY SOURCE_DIR OUT_DIR   (screenshots land in OUT_DIR/screens)
set -euo pipefail
bin=$1 src=$2 out=$3
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "browser tests: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
cd "$src/web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs --check
exec node "$src/tests/browser/ui.test.mjs" "$bin" "$src" "$out"
