#!/usr/bin/env bash
# docs/report.png: headless Chromium's screenshot of the page dmasim
# report makes of a short run with its trace (bus_accounting with K=2
# channels of N=20 bursts: its parameters, results, claims, chart and
# timeline).  Run it again when the page's look changes.
# Usage: tools/report-shot.sh [path/to/dmasim]     (default: build/dmasim)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dm=${1:-$src/build/dmasim}
[[ -x $dm ]] || { echo "report-shot: no program '$dm': expected a built dmasim (make)" >&2; exit 2; }
"$src/tools/deps.sh" chromium
browser=$(command -v chromium || command -v chromium-browser)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# From the source tree, so that the page names the scenario as a reader
# would run it.
cd "$src"
"$dm" run scenarios/bus_accounting.lua -D N=20 -D K=2 -q \
	--json "$tmp/bus_accounting.json" --trace "$tmp/bus_accounting.trace.json"
"$dm" report "$tmp/bus_accounting.json" \
	--trace "$tmp/bus_accounting.trace.json" -o "$tmp/report.html"
# The window is the picture: as wide as the page's text, as tall as the
# page.
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--user-data-dir="$tmp/chromium" --window-size=1100,1150 \
	--screenshot="$src/docs/report.png" "file://$tmp/report.html" 2>/dev/null
echo "wrote $src/docs/report.png"
