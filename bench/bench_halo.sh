#!/usr/bin/env bash
# make bench: the cluster benchmark: scenarios/halo_exchange.lua on 1024
# GPU nodes for 100 iterations (GPUDirect RDMA), every node a simulation
# of its own (CPU, DRAM, PCIe root, switch and endpoints, RDMA NIC, GPU),
# the nodes joined only by frames through one switch.  Prints the
# whole-process wall time and the simulated events per second against
# the target: under 60 s on one core.
# Usage: bench/bench_halo.sh path/to/dmasim [nodes] [iterations]
set -euo pipefail
dm=$1
nodes=${2:-1024}
iters=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
halo=$here/../scenarios/halo_exchange.lua
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "HALO (scenarios/halo_exchange.lua: $nodes GPU nodes, $iters iterations, GPUDirect RDMA)"
cpu=-
t0=$EPOCHREALTIME
if [[ -x /usr/bin/time ]]; then
	/usr/bin/time -f "%U %S" -o "$tmp/cpu" "$dm" run "$halo" -q \
		-D nodes="$nodes" -D iters="$iters" -D sweep=false \
		-D path=direct --json "$tmp/h.json"
	cpu=$(tail -1 "$tmp/cpu" | awk '{ printf "%.2f", $1 + $2 }')
else
	"$dm" run "$halo" -q -D nodes="$nodes" -D iters="$iters" \
		-D sweep=false -D path=direct --json "$tmp/h.json"
fi
t1=$EPOCHREALTIME
events=$(grep -m1 -o '"events": [0-9.e+]*' "$tmp/h.json" | awk '{ print $2 }')
iter=$(awk '/"direct_iteration"/ { f = 1 } f && /"value"/ { print $2; exit }' \
	"$tmp/h.json" | tr -d ,)
awk -v a="$t0" -v b="$t1" -v e="$events" -v n="$nodes" -v it="$iter" \
	-v c="$cpu" 'BEGIN {
	s = b - a
	printf "halo_wall_s %.2f   (CPU %s s; target < 60 s on one core)\n", s, c
	printf "halo_events %d   (%.2f M events/s)\n", e, e / s / 1e6
	printf "halo_iteration_us %.3f   (simulated, the slowest of %d nodes)\n",
	       it, n }'
