#!/usr/bin/env bash
# make bench: the memory audit of a long descriptor chain
# (bench/descriptors.lua).  The chain's descriptors are simulated memory,
# written at set-up; running the chain must add host memory that does not
# grow with it.  Peak RSS (GNU time) of the chain set up alone and set up
# and run, for 10^5 and 10^6 descriptors; the run's extra memory, and how
# it grows per descriptor (target: under 1 byte).
# Usage: bench/bench_memory.sh path/to/dmasim
set -euo pipefail
dm=$1
here=$(cd "$(dirname "$0")" && pwd)
echo "MEMORY (a chain of descriptors in simulated memory, one DMA channel)"
if [[ ! -x /usr/bin/time ]]; then
	echo "memory audit skipped: GNU time (/usr/bin/time) is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# rss D RUN: peak resident set in KiB
rss() {
	DMASIM_PATH="$here/../scenarios" /usr/bin/time -f %M -o "$tmp/rss" \
		"$dm" run "$here/descriptors.lua" -q -D D="$1" -D run="$2"
	tail -1 "$tmp/rss"
}
declare -A extra
for d in 100000 1000000; do
	s=$(rss "$d" false)
	r=$(rss "$d" true)
	extra[$d]=$((r - s))
	printf 'memory_desc_%d_kib set-up %d, run %d, the run adds %d\n' \
		"$d" "$s" "$r" "$((r - s))"
done
awk -v a="${extra[100000]}" -v b="${extra[1000000]}" 'BEGIN {
	printf "memory_run_bytes_per_descriptor %.2f   (the run'"'"'s extra " \
	       "from 10^5 to 10^6 descriptors; target < 1)\n",
	       (b - a) * 1024 / 900000 }'
