#!/usr/bin/env bash
# /cluster_mpi: a cluster split over MPI ranks (a build with
# -DDMASIM_MPI=ON).  The halo exchange (scenarios/halo_exchange.lua, a
# cluster with partition = "blocks") on 1, 2 and 4 ranks writes the JSON
# and standard output of the run alone, byte for byte; so does a scenario
# whose cluster is not partitioned (every rank simulates it whole); PHOLD
# (bench/phold.c) runs the same events, to the checksum, on 2 ranks as
# alone; a node that fails on rank 1 ends every rank with its message;
# drop_nth and the timeline options are refused under ranks.  (Merging a
# rank's own frames and those received in one sort is what the PHOLD case
# with ties checks: delivering the received ones after makes it fail.)
# Usage: tests/mpi_cluster.sh path/to/dmasim path/to/phold source-dir [mpirun]
set -u
dm=$1
phold=$2
src=$3
mpirun=${4:-mpirun}
. "$(dirname "$0")/lib.sh"

if ! command -v "$mpirun" >/dev/null; then
	echo "cluster_mpi: no $mpirun: expected Open MPI (tools/deps.sh openmpi-bin libopenmpi-dev)"
	exit 1
fi
export OMPI_MCA_btl_vader_single_copy_mechanism=none
ranks() { local n=$1; shift; "$mpirun" --oversubscribe --allow-run-as-root -n "$n" "$@"; }
two=("$mpirun" --oversubscribe --allow-run-as-root -n 2)	# for check

# The halo exchange: alone, then on 1, 2 and 4 ranks.
halo=$src/scenarios/halo_exchange.lua
args=(-D nodes=16 -D iters=4)
"$dm" run "$halo" "${args[@]}" --json "$tmp/alone.json" >"$tmp/alone.txt" || bad "halo alone failed"
grep -q '"data_intact": true' "$tmp/alone.json" || bad "halo alone: halos not intact"
for n in 1 2 4; do
	ranks "$n" "$dm" run "$halo" "${args[@]}" --json "$tmp/r$n.json" >"$tmp/r$n.txt" 2>"$tmp/r$n.err"
	st=$?
	if [[ $st -ne 0 ]]; then
		bad "halo on $n ranks: status $st: $(head -5 "$tmp/r$n.err")"
		continue
	fi
	if cmp -s "$tmp/alone.json" "$tmp/r$n.json"; then ok; else
		bad "halo on $n ranks: the JSON differs from the run alone: $(diff "$tmp/alone.json" "$tmp/r$n.json" | head -5)"; fi
	if cmp -s "$tmp/alone.txt" "$tmp/r$n.txt"; then ok; else
		bad "halo on $n ranks: standard output differs from the run alone"; fi
done
# Every node's statistics are there, gathered from the ranks that ran them.
if [[ $(grep -c '"name": "node[0-9]*"' "$tmp/r4.json") -ge 16 ]]; then ok; else
	bad "halo on 4 ranks: not every node's statistics in the JSON"; fi

# A cluster without a partition: every rank simulates it whole.
lat=$src/scenarios/rdma_latency.lua
"$dm" run "$lat" --json "$tmp/lat.json" >/dev/null || bad "rdma_latency alone failed"
ranks 2 "$dm" run "$lat" --json "$tmp/lat2.json" >/dev/null 2>"$tmp/lat2.err"
if cmp -s "$tmp/lat.json" "$tmp/lat2.json"; then ok; else
	bad "rdma_latency on 2 ranks differs from the run alone: $(head -3 "$tmp/lat2.err")"; fi

# PHOLD: the same events and checksum (of every message's arrival, in
# order) on 2 and 4 ranks as alone.  Delays in whole 100 ns make messages
# from processes on different ranks meet at one instant, where only the
# barrier's (time, sender, order) sort keeps the order of a run alone.
ph=(--lps 64 --end 50000 --quantum 100)
"$phold" "${ph[@]}" >"$tmp/ph1" || bad "phold alone failed"
a=$(grep '^phold_events ' "$tmp/ph1")
for run in "2 blocks" "2 cyclic" "4 cyclic"; do
	set -- $run
	ranks "$1" "$phold" "${ph[@]}" --partition "$2" >"$tmp/ph2" 2>"$tmp/ph2.err"
	b=$(grep '^phold_events ' "$tmp/ph2")
	if [[ -n $a && $a == "$b" ]] && grep -q "^phold_ranks $1" "$tmp/ph2"; then ok; else
		bad "phold on $1 ranks ($2): alone '$a', split '$b' $(head -3 "$tmp/ph2.err")"; fi
done

# A node on rank 1 fails: every rank ends, and its message is seen.
cat >"$tmp/fail.lua" <<'LUA'
local cl = dmasim.cluster{ nodes = 4, partition = "blocks" }
for i = 0, 3 do
  local sys = cl:node(i)
  if sys then
    sys:spawn(function()
      sys:wait("1us")
      if i == 3 then error("node three gives up") end
      sys:wait("5us")
    end)
  end
end
cl:run()
LUA
check fail-rank1 1 "node three gives up" "${two[@]}" "$dm" run "$tmp/fail.lua"
# Rank 0, which did not fail, says where the failure was.
if grep -q "a node failed on another rank" "$tmp/err"; then ok; else bad "fail-rank1: rank 0 does not say another rank failed: $(head -5 "$tmp/err")"; fi

# Ranks that make different systems cannot give rank 0 their results.
cat >"$tmp/mism.lua" <<'LUA'
local cl = dmasim.cluster{ nodes = 2, partition = "blocks" }
for i = 0, 1 do cl:node(i) end
if cl:owns(1) then dmasim.system{} end
cl:run()
LUA
check ranks-differ 1 "rank 1 made 3 systems and rank 0 2: expected every rank to make the same systems" \
	"${two[@]}" "$dm" run "$tmp/mism.lua"

cat >"$tmp/nth.lua" <<'LUA'
dmasim.cluster{ nodes = 4, partition = "blocks", drop_nth = 3 }
LUA
check drop-nth-split 1 "drop_nth: the switch's nth frame has no one order" "${two[@]}" "$dm" run "$tmp/nth.lua"
"$dm" run "$tmp/nth.lua" -q || bad "drop_nth alone refused"
check trace-ranks 2 "--trace, --vcd, --timeline and --stats show the systems of one process" \
	"${two[@]}" "$dm" run "$halo" --trace "$tmp/t.json"
echo 'dmasim.cluster{ nodes = 2, partition = { 0, 5 } }' >"$tmp/part.lua"
check partition-rank 1 "field 'partition': node 1's rank 5: expected a whole number from 0 to 1" \
	"${two[@]}" "$dm" run "$tmp/part.lua"
"$dm" run "$tmp/part.lua" -q || bad "a partition's ranks refused alone"
finish cluster_mpi
