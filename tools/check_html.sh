#!/usr/bin/env bash
# Look at the reading copy as a reader would: open site/index.html and one notebook in headless Chromium
# and save screenshots to site/screenshots/. Installs Debian's chromium if it is missing (needs root or sudo).
set -euo pipefail
site=${1:-site}
[ -f "$site/index.html" ] || { echo "no $site/index.html: run 'make html' first" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "Installing Debian's chromium for the check"
  sudo_cmd=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi
mkdir -p "$site/screenshots"
shoot() {  # page, output, height
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --hide-scrollbars \
    --window-size=1280,"$3" --virtual-time-budget=5000 --screenshot="$2" "file://$(realpath "$1")" 2>/dev/null
  [ -s "$2" ] || { echo "no screenshot for $1" >&2; exit 1; }
  echo "screenshot: $2"
}
shoot "$site/index.html" "$site/screenshots/index.png" 900
page=$(ls "$site"/0[3]_*.html 2>/dev/null | grep -v slides | head -1 || true)
[ -n "$page" ] || page=$(ls "$site"/0*.html | grep -v slides | head -1)
shoot "$page" "$site/screenshots/notebook.png" 4000
