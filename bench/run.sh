#!/usr/bin/env bash
# make bench: BUSBENCH-1 on its defaults, its outputs and the median wall
# time over several runs (whole process, as the spec times it).
# Usage: bench/run.sh path/to/dmasim [runs]
set -euo pipefail
dm=$1
runs=${2:-7}
here=$(cd "$(dirname "$0")" && pwd)

echo "BUSBENCH-1 (K=4 N=1000000 D=8 C=3 M=4)"
"$dm" run "$here/busbench.lua"
times=()
for ((i = 0; i < runs; i++)); do
	t0=$EPOCHREALTIME
	"$dm" run "$here/busbench.lua" -q
	t1=$EPOCHREALTIME
	times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "busbench_wall_s_median $median   (runs: ${times[*]})"
echo "busbench_target_s 0.15   (SystemC 2.3 model: 1.8 s; hand loop: 0.024 s)"
for extra in "$here"/bench_*.sh; do
	[[ -x $extra ]] && "$extra" "$dm"
done
exit 0
