#!/usr/bin/env bash
# Run one fuzz target for a time on its committed corpus, new inputs going
# to a scratch directory (the committed corpus stays as it is).
# Usage: tests/fuzz/run.sh path/to/fuzz_target corpus-dir seconds
set -eu
target=$1
corpus=$2
secs=$3
# scenarios find dmasim's libraries (require "dmadrv")
export DMASIM_PATH=${DMASIM_PATH:-$(cd "$(dirname "$0")/../.." && pwd)/scenarios/lib}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$tmp" "$corpus" 2>&1 | tail -15
