#!/usr/bin/env bash
# mutate.sh: build dmasim with each mechanism broken in turn and show which
# tour claims, checks and unit tests catch it.
#
#   tools/mutate.sh [--quick] [NAME...]
#
# Each mutation is a compile-time flag (-DDMASIM_MUTATE=NAME defines
# DMASIM_MUTATE_NAME, checked with #ifdef at the mechanism); normal builds
# define none.  For each, the tour runs on its defaults and the unit tests
# named in TESTS run; the table lists what failed.  Exit status 1 when a
# mutation is caught by nothing.  --quick: the tour only, no unit tests.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
out=${MUTATE_DIR:-$src/build-mutate}
jobs=${JOBS:-2}
quick=0
if [[ ${1:-} == --quick ]]; then quick=1; shift; fi

# name: what it breaks
declare -A WHAT=(
	[NO_INVALIDATE]="cache invalidation leaves the lines valid"
	[WRITEBACK_SKIPPED]="a dirty line's write-back never reaches memory"
	[PIN_CHECK_SKIPPED]="migration ignores pin counts"
	[ARB_IGNORES_MODE]="the bus treats every master as burst mode"
	[ONE_GRANT_PER_ACCESS]="a CPU access's bus traffic is one grant"
	[DMA_STRIDE_IGNORED]="a 2-D DMA descriptor's strides are ignored"
	[IOMMU_NO_PERMISSION_CHECK]="the IOMMU ignores read/write bits"
	[IOTLB_UNBOUNDED]="the IOTLB keeps every translation walked"
	[IOMMU_STRICT_NO_INVALIDATE]="strict unmap leaves the IOTLB entry"
	[GPU_STREAMS_SERIALISED]="a GPU's streams all run on one queue"
	[PCIE_NO_TLP_OVERHEAD]="PCIe TLPs carry no header or framing bytes"
	[PAGECACHE_ALWAYS_MISS]="the page cache forgets every page it holds"
	[NIC_RING_NEVER_FULL]="a NIC's ring is never full: no drop counted"
	[MAINT_NO_WRITEBACK_TRAFFIC]="maintenance write-backs take no bus time"
	[TLB_ALWAYS_HIT]="the TLB translates without walking the tables"
	[RNIC_NO_BLUEFLAME]="an RDMA NIC fetches a WQE written to BlueFlame"
	[RNIC_NO_RETRANSMIT]="an RDMA NIC never sends a packet again"
)
ALL=(NO_INVALIDATE WRITEBACK_SKIPPED PIN_CHECK_SKIPPED ARB_IGNORES_MODE
     ONE_GRANT_PER_ACCESS DMA_STRIDE_IGNORED IOMMU_NO_PERMISSION_CHECK
     IOTLB_UNBOUNDED IOMMU_STRICT_NO_INVALIDATE GPU_STREAMS_SERIALISED
     PCIE_NO_TLP_OVERHEAD PAGECACHE_ALWAYS_MISS NIC_RING_NEVER_FULL
     MAINT_NO_WRITEBACK_TRAFFIC TLB_ALWAYS_HIT RNIC_NO_BLUEFLAME
     RNIC_NO_RETRANSMIT)
TESTS="test_cache|test_os|test_bus|test_dmamap|test_dma_2d|test_iommu|test_zoo|test_gpu|test_pcie|test_pagecache|test_nic|test_mmu|test_rdma"
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=("${ALL[@]}")

uncaught=0
rows=()
for n in "${names[@]}"; do
	if [[ -z ${WHAT[$n]:-} ]]; then
		echo "mutate.sh: unknown mutation '$n' (expected one of: ${ALL[*]})" >&2
		exit 2
	fi
	b=$out/$n
	if ! { cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=Release \
		-DDMASIM_MUTATE="$n" -DDMASIM_TESTS=$((1 - quick)) >/dev/null &&
		cmake --build "$b" -j "$jobs" >/dev/null 2>&1; }; then
		echo "mutate.sh: $n does not build" >&2
		exit 2
	fi
	caught=$("$b/dmasim" tour --scenarios "$src/scenarios" 2>&1 |
		awk '/^Quantitative claims|^Checks/ { getline; next }
		     /^[^ ]/ { scenario = $1; next }
		     / NO( |$)/ { print scenario }' |
		sort | uniq -c | awk '{ printf "%s%s(%d)", sep, $2, $1; sep=" " }')
	if [[ $quick -eq 0 ]]; then
		t=$(cd "$b" && ctest -R "$TESTS" -j "$jobs" 2>&1 |
			awk '/\*\*\*Failed|Failed  /{ print $4 }' | sort -u | tr '\n' ' ')
		[[ -n $t ]] && caught="$caught${caught:+ }tests: $t"
	fi
	[[ -z $caught ]] && { caught="NOTHING"; uncaught=$((uncaught + 1)); }
	rows+=("$(printf '%-20s %-48s %s' "$n" "${WHAT[$n]}" "$caught")")
done
printf '%-20s %-48s %s\n' mutation breaks "caught by (tour scenario(failed claims), tests)"
printf '%s\n' "${rows[@]}"
[[ $uncaught -eq 0 ]]
