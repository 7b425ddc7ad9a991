#!/usr/bin/env bash
# make bench-mpi: a cluster split over MPI ranks, on this machine.
#   1. The halo exchange (scenarios/halo_exchange.lua, 1024 GPU nodes,
#      100 iterations, GPUDirect RDMA, nodes split cyclic) alone and on 2
#      ranks: whole-process wall times, the speed-up against its target
#      (>= 1.7x on 2 ranks), and whether the two JSON files are the same.
#   2. PHOLD (bench/phold.c: 1024 processes, 4 events each, exponential
#      delays of mean 1 us after a 100 ns link, 2 ms simulated) alone and
#      on 2 ranks, blocks and cyclic: events per second, and per rank,
#      and whether the events and checksum are those of the run alone.
# Usage: bench/bench_mpi.sh build-mpi [nodes] [iterations]
set -euo pipefail
bin=$1
nodes=${2:-1024}
iters=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
halo=$here/../scenarios/halo_exchange.lua
mpirun=${MPIRUN:-mpirun}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_MCA_btl_vader_single_copy_mechanism=none
ranks() { local n=$1; shift; "$mpirun" --allow-run-as-root -n "$n" "$@"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

for f in "$bin/dmasim" "$bin/phold"; do
	if [[ ! -x $f ]]; then
		echo "bench-mpi: $f is not built (make bench-mpi builds it)" >&2
		exit 1
	fi
done
echo "== HALO on MPI ranks ($nodes GPU nodes, $iters iterations, GPUDirect RDMA, partition cyclic)"
args=(run "$halo" -q -D nodes="$nodes" -D iters="$iters" -D sweep=false
      -D path=direct)
t0=$EPOCHREALTIME
"$bin/dmasim" "${args[@]}" --json "$tmp/alone.json"
t1=$EPOCHREALTIME
ranks 2 "$bin/dmasim" "${args[@]}" --json "$tmp/two.json"
t2=$EPOCHREALTIME
same=no
cmp -s "$tmp/alone.json" "$tmp/two.json" && same=yes
a=$(secs "$t0" "$t1")
b=$(secs "$t1" "$t2")
awk -v a="$a" -v b="$b" -v same="$same" 'BEGIN {
	printf "halo_alone_s %.2f\n", a
	printf "halo_2ranks_s %.2f   (mpirun, MPI start-up included)\n", b
	printf "halo_speedup %.2f   (target >= 1.7 on 2 ranks: %s)\n", a / b,
	       (a / b >= 1.7 ? "met" : "NOT met")
	printf "halo_same_json %s\n", same }'

echo "== PHOLD (1024 processes, population 4, mean 1 us, lookahead 100 ns, 2 ms)"
ph=(--lps 1024 --pop 4 --mean 1000 --latency 100 --end 2000000)
"$bin/phold" "${ph[@]}" >"$tmp/p1"
base=$(awk '/^phold_events_per_s/ { print $2 }' "$tmp/p1")
sum=$(grep '^phold_events ' "$tmp/p1")
printf "phold_alone_events_per_s %.0f\n" "$base"
for part in blocks cyclic; do
	ranks 2 "$bin/phold" "${ph[@]}" --partition "$part" >"$tmp/p2"
	eps=$(awk '/^phold_events_per_s/ { print $2 }' "$tmp/p2")
	same=no
	[[ $(grep '^phold_events ' "$tmp/p2") == "$sum" ]] && same=yes
	awk -v e="$eps" -v b="$base" -v p="$part" -v s="$same" 'BEGIN {
		printf "phold_2ranks_%s_events_per_s %.0f   (%.0f per rank, " \
		       "%.2fx alone per rank; same events: %s)\n", p, e, e / 2,
		       e / 2 / b, s }'
done
