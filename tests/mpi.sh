#!/usr/bin/env bash
# /sweep_mpi, /sweep_nompi: dmasim sweep over MPI ranks.
#   mpi:   (a build with -DDMASIM_MPI=ON) on 2 ranks, a sweep of points of
#          very different cost writes the CSV and standard output of a
#          local run byte for byte; failed points are reported as locally,
#          with the local exit status; a rank killed mid-point ends the run
#          with the points lost named and the other rows written.
#   nompi: (a build without MPI) started on 2 ranks, or asked for
#          --ranks, it refuses and names the build option.
# Usage: tests/mpi.sh path/to/dmasim source-dir mpi|nompi [mpirun]
set -u
dm=$1
src=$2
mode=$3
mpirun=${4:-mpirun}
. "$(dirname "$0")/lib.sh"

bb=$src/bench/busbench.lua
# CI runs as root, maybe on one core; a container may forbid the shared
# memory transport's single-copy mechanism (ptrace rights).
mpi=("$mpirun" --oversubscribe --allow-run-as-root -n 2)
export OMPI_MCA_btl_vader_single_copy_mechanism=none

if [[ $mode == nompi ]]; then
	check nompi-ranks 2 "--ranks: this dmasim was built without MPI: expected a build configured with cmake -DDMASIM_MPI=ON" \
		"$dm" sweep "$bb" -D K=1 --ranks
	check nompi-ompi-env 2 "started by mpirun on 2 ranks, but this dmasim was built without MPI: expected a build configured with cmake -DDMASIM_MPI=ON" \
		env OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 "$dm" sweep "$bb" -D K=1
	check nompi-pmi-env 2 "started by mpirun on 3 ranks" \
		env PMI_SIZE=3 PMI_RANK=0 "$dm" sweep "$bb" -D K=1
	# Only rank 0 says so; one rank is an ordinary run.
	env OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 "$dm" sweep "$bb" -D K=1 >"$tmp/out" 2>&1
	st=$?
	if [[ $st -eq 2 && ! -s $tmp/out ]]; then ok; else bad "nompi-rank1-silent: status $st: $(cat "$tmp/out")"; fi
	env OMPI_COMM_WORLD_SIZE=1 OMPI_COMM_WORLD_RANK=0 "$dm" sweep "$bb" -D K=1 -D N=10 -q || bad nompi-one-rank
	if command -v "$mpirun" >/dev/null; then
		"${mpi[@]}" "$dm" sweep "$bb" -D K=1 -D N=10 >"$tmp/out" 2>&1
		st=$?
		if [[ $st -eq 2 && $(grep -c "built without MPI" "$tmp/out") -eq 1 ]]; then ok; else
			bad "nompi-mpirun: status $st: $(cat "$tmp/out")"; fi
	fi
	finish sweep_nompi
	exit
fi

if ! command -v "$mpirun" >/dev/null; then
	echo "sweep_mpi: no $mpirun: expected Open MPI (tools/deps.sh openmpi-bin libopenmpi-dev)"
	exit 1
fi

# Only dmasim's own lines of standard error (mpirun adds its own).
ours() { grep '^dmasim' "$1"; }

check mpi-ranks-alone 2 "--ranks: not started by mpirun: expected mpirun -n R dmasim sweep" \
	"$dm" sweep "$bb" -D K=1 --ranks
check mpi-j 2 "-j: under mpirun each rank runs one point at a time" \
	"${mpi[@]}" "$dm" sweep "$bb" -D K=1 -j 2
check mpi-usage-once 2 "-D K: expected name=VALUES" "${mpi[@]}" "$dm" sweep "$bb" -D K
if [[ $(grep -c "expected name=VALUES" "$tmp/err") -eq 1 ]]; then ok; else bad "mpi-usage-once: $(cat "$tmp/err")"; fi

# Points from 10 to 10^6 bursts: the cheap ones finish long before the
# dear ones handed out earlier; rows still come in point order.
defs=(-D K=1..3+1 -D N=10..1000000*10)
"$dm" sweep "$bb" "${defs[@]}" -j 1 --csv "$tmp/l.csv" >"$tmp/l.out" 2>"$tmp/l.err" || bad mpi-local-status
timeout 120 "${mpi[@]}" "$dm" sweep "$bb" "${defs[@]}" --csv "$tmp/r.csv" >"$tmp/r.out" 2>"$tmp/r.err"
st=$?
if [[ $st -eq 0 ]] && cmp "$tmp/l.csv" "$tmp/r.csv" && cmp "$tmp/l.out" "$tmp/r.out" &&
	[[ $(wc -l <"$tmp/r.csv") -eq 19 ]]; then ok; else bad "mpi-csv-identical: status $st: $(cat "$tmp/r.err")"; fi
timeout 120 "${mpi[@]}" "$dm" sweep "$bb" "${defs[@]}" >"$tmp/r.out" 2>"$tmp/r.err"
if cmp "$tmp/l.csv" "$tmp/r.out"; then ok; else bad "mpi-stdout-identical: $(cat "$tmp/r.err")"; fi
if command -v gnuplot >/dev/null; then
	"$dm" sweep "$bb" -D K=1,2 -D N=10..1000*10 -j 1 -q --plot "$tmp/l.svg" &&
		timeout 120 "${mpi[@]}" "$dm" sweep "$bb" -D K=1,2 -D N=10..1000*10 -q --plot "$tmp/r.svg"
	if [[ -s $tmp/l.svg ]] && cmp "$tmp/l.svg" "$tmp/r.svg"; then ok; else bad mpi-plot-identical; fi
fi

# Failed points: point 1 is slow, so rank 0 runs it while rank 1 takes
# point 2, a Lua error (status 1); point 3 is a value the scenario
# rejects (status 2).  The sweep exits 1, the first failure's status,
# says what a local run says, and keeps the other rows.
cat >"$tmp/f.lua" <<'EOF'
local p = dmasim.params{ x = 1 }
if p.x == 1 then local t = 0; for i = 1, 2e7 do t = t + i end end
if p.x == 2 then error("two is bad") end
dmasim.expect(p.x ~= 3, "x", p.x, "anything but 3")
dmasim.report("y", p.x * 10, "cycles")
EOF
"$dm" sweep "$tmp/f.lua" -D x=1..5+1 -j 1 --csv "$tmp/fl.csv" 2>"$tmp/fl.err"
lst=$?
timeout 120 "${mpi[@]}" "$dm" sweep "$tmp/f.lua" -D x=1..5+1 --csv "$tmp/fr.csv" 2>"$tmp/fr.err"
st=$?
if [[ $lst -eq 1 && $st -eq 1 ]] && cmp "$tmp/fl.csv" "$tmp/fr.csv" &&
	cmp <(ours "$tmp/fl.err") <(ours "$tmp/fr.err") &&
	grep -qF "point 2 of 5 (x=2) failed: $tmp/f.lua:3: two is bad" "$tmp/fr.err" &&
	grep -qF "point 3 of 5 (x=3) failed: " "$tmp/fr.err" &&
	[[ "$(cat "$tmp/fr.csv")" == $'x,y\n1,10\n2,\n3,\n4,40\n5,50' ]]; then ok; else
	bad "mpi-failed-points: status $st (local $lst): $(cat "$tmp/fr.err" "$tmp/fr.csv")"; fi

# A rank killed mid-point: point 1 is quick, points 2 and 3 long; rank 1
# runs point 2 and is killed once its worker process runs.
cat >"$tmp/d.lua" <<'EOF'
local p = dmasim.params{ x = 1 }
if p.x > 1 then local t = 0; for i = 1, 4e9 do t = t + i end end
dmasim.report("y", p.x * 10, "cycles")
EOF
"${mpi[@]}" "$dm" sweep "$tmp/d.lua" -D x=1..3+1 --csv "$tmp/d.csv" >"$tmp/d.out" 2>"$tmp/d.err" &
run=$!
# The children of process $1, from /proc (no procps needed).
kids() {
	local f s
	for f in /proc/[0-9]*/stat; do
		s=$(<"$f") 2>/dev/null || continue
		s=${s##*) }	# past the command name, which may hold spaces
		set -- "$1" $s
		[[ $3 == "$1" ]] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
}
r1= kid=
for _ in $(seq 200); do
	for c in $(kids "$run"); do
		if tr '\0' '\n' <"/proc/$c/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then r1=$c; fi
	done
	[[ -n $r1 ]] && kid=$(kids "$r1")
	[[ -n $kid ]] && break
	sleep 0.1
done
# point 1 (rank 0's first, quick) done before the kill
[[ -n $kid ]] && sleep 0.5 && kill -9 "$r1"
for _ in $(seq 600); do
	kill -0 "$run" 2>/dev/null || break
	sleep 0.1
done
kill "$run" 2>/dev/null
wait "$run"
st=$?
[[ -n $kid ]] && kill -9 $kid 2>/dev/null
if [[ -n $kid && $st -ne 0 ]] &&
	grep -q "the run was stopped by signal 15 .*, with 1 of 3 points done; 2 lost:" "$tmp/d.err" &&
	grep -q "^  point \([23]\) of 3 (x=\1), running on rank 1$" "$tmp/d.err" &&
	grep -q "^  point \([23]\) of 3 (x=\1), running on rank 0$" "$tmp/d.err" &&
	[[ "$(cat "$tmp/d.csv")" == $'x,y\n1,10\n2,\n3,' ]]; then ok; else
	bad "mpi-rank-dies: status $st, rank 1 ${r1:-not found}: $(cat "$tmp/d.err" "$tmp/d.csv" 2>&1)"; fi

finish sweep_mpi
