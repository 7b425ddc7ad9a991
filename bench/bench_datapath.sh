#!/usr/bin/env bash
# make bench: the data-path benchmark (bench/datapath.c, built beside the
# dmasim command): a 1 GiB DMA copy within simulated DRAM against a host
# memcpy of 1 GiB.
# Usage: bench/bench_datapath.sh path/to/dmasim [MiB]
set -euo pipefail
dp=$(dirname "$1")/datapath
if [[ ! -x $dp ]]; then
	echo "bench_datapath: $dp is not built" >&2
	exit 1
fi
echo "DATAPATH (one DMA channel copying ${2:-1024} MiB in simulated DRAM, against memcpy)"
"$dp" "${2:-1024}"
