#!/usr/bin/env bash
# make bench: every figure it prints is measured in this run, on this
# machine.
#   1. BUSBENCH-1 on its defaults: dmasim (bench/busbench.lua) and the
#      hand-written reference loop (bench/busbench_ref.c) run interleaved,
#      outputs compared, median whole-process wall times and their ratio.
#   2. Instructions per bus grant under callgrind (skipped when valgrind
#      is missing): the difference between two run lengths, so that the
#      start-up cost cancels, divided by the difference in bus.grants
#      taken from the runs' statistics.
#   3. Scaling: time per event and peak RSS over the length N and the
#      number of channels K.
#   4. The data path (bench/bench_datapath.sh), the cluster
#      (bench/bench_halo.sh: 1024 GPU nodes, 100 iterations) and the
#      memory audit of a chain of 10^6 descriptors (bench/bench_memory.sh);
#      the cluster over MPI ranks (bench/bench_mpi.sh) is make bench-mpi's.
# Usage: bench/run.sh path/to/dmasim [runs]
#   BENCH_MAX_N=10000000 skips the 10^8 row of the scaling table.
set -euo pipefail
dm=$1
runs=${2:-7}
bin=$(dirname "$dm")
ref=$bin/busbench_ref
here=$(cd "$(dirname "$0")" && pwd)
bb=$here/busbench.lua
max_n=${BENCH_MAX_N:-100000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ! -x $ref ]]; then
	echo "bench: $ref is not built (cmake --build)" >&2
	exit 1
fi

# wall CMD...: run CMD quietly, print its whole-process wall time (s).
wall() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }'
}
median() {
	printf '%s\n' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# stat JSON NAME: a number from a run's JSON (its first occurrence).
stat() {
	grep -o "\"$2\": [0-9.e+-]*" "$1" | head -1 | awk '{ print $2 }'
}

# The build measured: plain, or profile-guided (make bench PGO=1).
pgo=$(sed -n 's/^DMASIM_PGO:STRING=//p' "$bin/CMakeCache.txt" 2>/dev/null ||
	true)
if [[ $pgo == use ]]; then
	echo "build: $bin/, profile-guided (make build PGO=1)"
else
	echo "build: $bin/, plain (make build; PGO=1 for a profile-guided one)"
fi
echo "== BUSBENCH-1 (K=4 N=1000000 D=8 C=3 M=4), $runs interleaved runs each"
# The results alone (no summary), as the reference prints them.
"$dm" run "$bb" --no-summary | tee "$tmp/dm.out"
"$ref" >"$tmp/ref.out"
if cmp -s "$tmp/dm.out" "$tmp/ref.out"; then
	echo "outputs: dmasim and the reference loop agree"
else
	echo "outputs: DIFFER from the reference loop's:"
	cat "$tmp/ref.out"
fi
dts=() rts=()
for ((i = 0; i < runs; i++)); do
	if ((i % 2)); then
		rts+=("$(wall "$ref")")
		dts+=("$(wall "$dm" run "$bb" -q)")
	else
		dts+=("$(wall "$dm" run "$bb" -q)")
		rts+=("$(wall "$ref")")
	fi
done
dmed=$(median "${dts[@]}")
rmed=$(median "${rts[@]}")
echo "busbench_dmasim_s $dmed   (runs: ${dts[*]})"
echo "busbench_ref_s $rmed   (runs: ${rts[*]})"
awk -v a="$dmed" -v b="$rmed" 'BEGIN {
	printf "busbench_ratio %.1f   (dmasim / reference; target <= 6)\n",
	       (b > 0 ? a / b : 0) }'	# unbracketed, > would redirect

echo
echo "== instructions per bus grant (callgrind, N=100000 and N=200000)"
if command -v valgrind >/dev/null 2>&1; then
	for n in 100000 200000; do
		valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$dm" run "$bb" -q -D N=$n --json "$tmp/cg$n.json" \
			2>"$tmp/cg$n.log"
		grep -o 'Collected : [0-9]*' "$tmp/cg$n.log" |
			awk '{ print $3 }' >"$tmp/cg$n.ir"
	done
	i1=$(cat "$tmp/cg100000.ir") i2=$(cat "$tmp/cg200000.ir")
	g1=$(stat "$tmp/cg100000.json" bus.grants)
	g2=$(stat "$tmp/cg200000.json" bus.grants)
	awk -v i1="$i1" -v i2="$i2" -v g1="$g1" -v g2="$g2" 'BEGIN {
		printf "busbench_instr_per_grant %.1f   (%d instructions for " \
		       "%d more grants; target <= 160)\n",
		       (i2 - i1) / (g2 - g1), i2 - i1, g2 - g1 }'
else
	echo "busbench_instr_per_grant skipped: valgrind is not installed"
fi

echo
echo "== scaling: BUSBENCH-1, time per event and peak memory"
echo "(ns/event: whole-process wall time, the median of 5 runs (of 1 for"
echo " the 10^8 row), less the median start-up time of 7 runs with N=1, over"
echo " the run's events; RSS: peak resident set)"
# run1 K N: one run; prints "seconds events rss_kib" (rss "-" without
# GNU time).
run1() {
	local t0 t1 rss=-
	t0=$EPOCHREALTIME
	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f %M -o "$tmp/rss" "$dm" run "$bb" -q \
			-D K="$1" -D N="$2" --json "$tmp/s.json"
		rss=$(tail -1 "$tmp/rss")
	else
		"$dm" run "$bb" -q -D K="$1" -D N="$2" --json "$tmp/s.json"
	fi
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v e="$(stat "$tmp/s.json" events)" \
		-v r="$rss" 'BEGIN { printf "%.4f %d %s\n", b - a, e, r }'
}
st=()
for ((i = 0; i < 7; i++)); do
	read -r s _ _ < <(run1 4 1)
	st+=("$s")
done
startup=$(median "${st[@]}")
echo "start-up (K=4 N=1): ${startup} s"
printf '%5s %10s %12s %9s %10s %12s\n' K N events wall_s ns/event peak_rss_MiB
points=()
for n in 100000 1000000 10000000 100000000; do
	((n <= max_n)) && points+=("4 $n")
done
# K channels of 4000000/K bursts: the same bus work at every K.
for k in 1 16 64 256; do
	points+=("$k $((4000000 / k))")
done
for p in "${points[@]}"; do
	read -r k n <<<"$p"
	# Short runs several times: one alone is as noisy as the start-up.
	ss=()
	for ((i = 0; i < (k * n > 40000000 ? 1 : 5); i++)); do
		read -r s e r < <(run1 "$k" "$n")
		ss+=("$s")
	done
	s=$(median "${ss[@]}")
	awk -v k="$k" -v n="$n" -v s="$s" -v e="$e" -v r="$r" -v u="$startup" \
		'BEGIN { printf "%5d %10d %12d %9.3f %10.1f %12s\n", k, n, e, s,
			 e ? (s - u) * 1e9 / e : 0,
			 r == "-" ? "-" : sprintf("%.1f", r / 1024) }' |
		tee -a "$tmp/scaling"
done
# The targets: time per event flat over N (K = 4) and over K; peak memory
# flat, and at most 8 MiB however long the run.
awk '{ if ($1 == 4) { if (!nn || $5 < nlo) nlo = $5; if ($5 > nhi) nhi = $5
		      nn++ }
       if (!kn || $5 < klo) klo = $5; if ($5 > khi) khi = $5; kn++
       if ($6 != "-") { if (!rn || $6 < rlo) rlo = $6
			if ($6 > rhi) rhi = $6; rn++ } }
     END { printf "scaling_ns_per_event over N (K=4) %.1f..%.1f (x%.2f), " \
		  "over every row %.1f..%.1f (x%.2f)   (target: flat)\n",
		  nlo, nhi, nhi / nlo, klo, khi, khi / klo
	   if (rn) printf "scaling_peak_rss_mib %.1f..%.1f   (target: flat, " \
			  "<= 8)\n", rlo, rhi }' "$tmp/scaling"

echo
for extra in "$here"/bench_*.sh; do
	# the cluster over MPI ranks needs the MPI build: make bench-mpi
	[[ $extra == */bench_mpi.sh ]] && continue
	[[ -x $extra ]] && "$extra" "$dm"
done
echo "(the cluster over MPI ranks: make bench-mpi)"
exit 0
