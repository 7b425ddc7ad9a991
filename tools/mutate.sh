#!/usr/bin/env bash
# mutate.sh: build dmasim with each mechanism broken in turn and show which
# tour claims, checks and unit tests catch it.
#
#   tools/mutate.sh [--quick] [NAME...]
#
# Each mutation is a compile-time flag (-DDMASIM_MUTATE=NAME defines
# DMASIM_MUTATE_NAME, checked with #ifdef at the mechanism); normal builds
# define none.  For each, the tour runs on its defaults and the unit tests
# named in TESTS run; the table lists what failed.  Run with every
# mutation, it also lists the tour items that fail under none.  Exit status
# 1 when a mutation is caught by nothing or a tour item fails under no
# mutation.  --quick: the tour only, no unit tests.
set -u
# The whole script is one block, read before it runs: editing the file
# during a run cannot change what the run does.
{
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
	[DESC_FETCH_FREE]="a descriptor is read with no bus transaction"
	[SG_MERGE_UNCHECKED]="an SG list merges pages whose frames are apart"
	[DMA_IGNORES_DREQ]="DMA moves data before the device has it ready"
	[IRQ_NO_EXIT_COST]="the return from an interrupt costs nothing"
	[IOMMU_TRUSTS_ATS]="the IOMMU passes every translated request"
	[IOMMU_ON_AT_RESET]="the IOMMU translates from reset, not enabled"
	[IOMMU_FAULT_NOT_BLOCKING]="a faulting access is logged but let through"
	[IODEV_NO_LATENCY]="a device's registers answer with no latency"
	[MEMORY_NO_LATENCY]="DRAM answers with no access latency"
	[BRIDGE_READ_NO_DATA]="a bridged read completes without its data"
	[UNTRUSTED_NOT_BOUNCED]="an untrusted device's sub-page buffer is mapped"
	[DMA_MASK_IGNORED]="the mapping API ignores the device's DMA mask"
	[IOMMU_WALK_SKIPS_LEVEL]="the IOMMU walk starts one level down"
	[LAZY_UNMAP_INVALIDATES]="a lazy unmap invalidates the IOTLB at once"
	[CPU_CYCLES_AT_BUS_CLOCK]="a core counts its cycles at its bus's clock"
	[LAZY_FLUSH_NO_TIMER]="the lazy flush queue's timeout never fires"
	[SNOOP_IGNORED]="a coherent cache neither writes back nor drops"
	[CACHE_ALWAYS_COHERENT]="a non-coherent cache snoops DMA all the same"
	[MAINT_LINE_FREE]="a line's clean/invalidate/flush costs no cycles"
	[CACHE_NC_IGNORED]="non-cacheable pages are cached like any other"
	[RECLAIM_IGNORES_PINS]="page reclaim pages out pinned frames"
	[ARB_BURST_RELEASES]="burst mode gives the bus up after each burst"
	[IOTLB_ALWAYS_HIT]="the IOTLB translates without walking the tables"
	[IOTLB_NO_LARGE_ENTRIES]="a 2 MiB page is cached as 4 KiB entries"
	[CAMERA_FORMAT_IGNORED]="pixel format ignored: every frame 2 B/pixel"
	[CAMERA_WAITS_FOR_BUFFER]="a frame with no buffer waits, not dropped"
	[CAMERA_RING_ONE_SHORT]="the ring's last queued buffer is never used"
	[CAMERA_DQBUF_STALE]="a camera's DQBUF read does not pop the buffer"
	[CPU_ACCESS_ONE_BEAT]="a CPU block load/store is charged one beat"
	[GPU_PAGEABLE_NOT_STAGED]="pageable copies skip the pinned bounce buffers"
	[GPU_LAUNCH_NO_CALL_COST]="a kernel launch costs the CPU no driver call"
	[GPU_DESC_MAX_IGNORED]="a pinned copy is one descriptor, any size"
	[GPU_LINK_NO_TLP_OVERHEAD]="the GPU link's TLP headers/framing left out"
	[GPUCHECK_SOURCE_UNWATCHED]="the GPU sanitizer watches copy destinations only"
	[PCIE_P2P_UNLIMITED]="root complex's peer-to-peer limit ignored"
	[PCIE_CPL_NO_LATENCY]="a PCIe completion skips the link's way back"
	[PCIE_FC_UPDATE_INSTANT]="UpdateFC credits return at once"
	[ATC_NO_CACHE]="a device's ATC keeps no translation"
	[ATC_OFFSET_LOST]="an ATC hit drops the offset in the page"
	[ATC_NEVER_INVALIDATED]="a device-TLB invalidation leaves the ATC"
	[PCIE_DLLP_FREE]="PCIe Acks and UpdateFCs take no wire time"
	[BRIDGE_CPL_NO_LATENCY]="a bridge's completion skips the way back"
	[NIC_IRQ_MASK_IGNORED]="the NIC raises a masked (IMS) interrupt"
	[IRQ_MODERATION_IGNORED]="NIC itr_pkts/itr_time ignored: irq per frame"
	[NETDRV_RX_CYCLES_PER_IRQ]="handler charges rx_cycles per irq, not frame"
	[RNIC_CMD_INSTANT]="RDMA NIC commands done at once (cmd_time)"
	[RNIC_ONE_DMA_ENGINE]="RDMA NIC engines ignored: one DMA in flight"
	[RNIC_NO_KEY_CHECK]="remote READ/WRITE not checked against the MR"
	[NET_NO_LOSS]="the switch's drop_nth/loss ignored"
	[DMA_SRC_FIXED_IGNORED]="a fixed (FIFO) DMA source advances"
	[VM_COPY_BACKDOOR]="a migration copies its page at once, for free"
	[SWAP_WAIT_SKIPPED]="a CPU-run fault/pin/migration skips swap wait"
	[PT_BUILD_FREE]="page tables are built at once, for free"
	[ENTER_OUT_OF_ORDER]="a bus enters its next release ahead of the queue"
)
ALL=(NO_INVALIDATE WRITEBACK_SKIPPED PIN_CHECK_SKIPPED ARB_IGNORES_MODE
     ONE_GRANT_PER_ACCESS DMA_STRIDE_IGNORED IOMMU_NO_PERMISSION_CHECK
     IOTLB_UNBOUNDED IOMMU_STRICT_NO_INVALIDATE GPU_STREAMS_SERIALISED
     PCIE_NO_TLP_OVERHEAD PAGECACHE_ALWAYS_MISS NIC_RING_NEVER_FULL
     MAINT_NO_WRITEBACK_TRAFFIC TLB_ALWAYS_HIT RNIC_NO_BLUEFLAME
     RNIC_NO_RETRANSMIT DESC_FETCH_FREE SG_MERGE_UNCHECKED DMA_IGNORES_DREQ
     IRQ_NO_EXIT_COST IOMMU_TRUSTS_ATS IOMMU_ON_AT_RESET
     IOMMU_FAULT_NOT_BLOCKING IODEV_NO_LATENCY MEMORY_NO_LATENCY
     BRIDGE_READ_NO_DATA UNTRUSTED_NOT_BOUNCED DMA_MASK_IGNORED
     IOMMU_WALK_SKIPS_LEVEL LAZY_UNMAP_INVALIDATES CPU_CYCLES_AT_BUS_CLOCK
     LAZY_FLUSH_NO_TIMER SNOOP_IGNORED CACHE_ALWAYS_COHERENT MAINT_LINE_FREE
     CACHE_NC_IGNORED RECLAIM_IGNORES_PINS ARB_BURST_RELEASES
     IOTLB_ALWAYS_HIT IOTLB_NO_LARGE_ENTRIES CAMERA_FORMAT_IGNORED
     CAMERA_WAITS_FOR_BUFFER CAMERA_RING_ONE_SHORT CPU_ACCESS_ONE_BEAT
     GPU_PAGEABLE_NOT_STAGED GPU_LAUNCH_NO_CALL_COST GPU_DESC_MAX_IGNORED
     GPU_LINK_NO_TLP_OVERHEAD GPUCHECK_SOURCE_UNWATCHED PCIE_P2P_UNLIMITED
     PCIE_CPL_NO_LATENCY PCIE_FC_UPDATE_INSTANT BRIDGE_CPL_NO_LATENCY
     NIC_IRQ_MASK_IGNORED IRQ_MODERATION_IGNORED NETDRV_RX_CYCLES_PER_IRQ
     RNIC_CMD_INSTANT RNIC_ONE_DMA_ENGINE RNIC_NO_KEY_CHECK NET_NO_LOSS
     DMA_SRC_FIXED_IGNORED CAMERA_DQBUF_STALE ATC_NO_CACHE ATC_OFFSET_LOST
     ATC_NEVER_INVALIDATED VM_COPY_BACKDOOR PCIE_DLLP_FREE
     SWAP_WAIT_SKIPPED PT_BUILD_FREE ENTER_OUT_OF_ORDER)
TESTS="test_evq|test_busbench|test_synth|test_cache|test_os|test_bus|test_dmamap|test_dma_2d|test_iommu|test_zoo|test_gpu|test_pcie|test_pagecache|test_nic|test_mmu|test_vmcpu|test_rdma|test_camera"
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=("${ALL[@]}")

# tour_items FILE: one line per tour item, "scenario.item yes|NO"; a
# scenario that failed to run prints no items (its items count as caught).
tour_items() {
	awk '/^[A-Za-z0-9_]+  \(dmasim run / { scenario = $1; next }
	     /^  [^ ]/ && scenario != "" {
		print scenario "." $1, (/ NO( |$)/ ? "NO" : "yes") }' "$1"
}

run_tour() {	# run_tour DIR [DMASIM]
	timeout "${MUTATE_TOUR_TIMEOUT:-600}" "${2:-$1/dmasim}" tour \
		--scenarios "$src/scenarios" >"$1/tour.txt" 2>&1
}

build() {	# build DIR MUTATION TESTS
	cmake -S "$src" -B "$1" -DCMAKE_BUILD_TYPE=Release \
		-DDMASIM_MUTATE="$2" -DDMASIM_TESTS="$3" >/dev/null &&
		cmake --build "$1" -j "$jobs" >/dev/null 2>&1
}

# The unbroken build: every item it shows must agree, and its items are
# the ones each mutation should catch.  MUTATE_BASE names an unbroken
# dmasim already built (the test suite's) to save building one here.
base=$out/_unbroken
mkdir -p "$base"
if [[ -z ${MUTATE_BASE:-} ]] && ! build "$base" "" 0; then
	echo "mutate.sh: the unbroken build fails" >&2
	exit 2
fi
run_tour "$base" "${MUTATE_BASE:-}"
tour_items "$base/tour.txt" >"$base/items"
if grep -q ' NO$' "$base/items"; then
	echo "mutate.sh: the unbroken tour already fails:" >&2
	grep ' NO$' "$base/items" >&2
	exit 2
fi

uncaught=0
rows=()
for n in "${names[@]}"; do
	if [[ -z ${WHAT[$n]:-} ]]; then
		echo "mutate.sh: unknown mutation '$n' (expected one of: ${ALL[*]})" >&2
		exit 2
	fi
	b=$out/$n
	if ! build "$b" "$n" $((1 - quick)); then
		echo "mutate.sh: $n does not build" >&2
		exit 2
	fi
	run_tour "$b"
	tour_items "$b/tour.txt" >"$b/items"
	# caught: an item shown failing, or missing because its scenario failed
	awk -v mutated="$b/items" 'FILENAME == mutated { seen[$1] = $2; next }
	     !($1 in seen) || seen[$1] == "NO" { print $1 }' \
		"$b/items" "$base/items" >"$b/caught"
	caught=$(awk -F. '{ print $1 }' "$b/caught" | sort | uniq -c |
		awk '{ printf "%s%s(%d)", sep, $2, $1; sep=" " }')
	if [[ $quick -eq 0 ]]; then
		t=$(cd "$b" && ctest -R "$TESTS" -j "$jobs" 2>&1 |
			awk '/\*\*\*Failed|Failed  /{ print $4 }' | sort -u | tr '\n' ' ')
		[[ -n $t ]] && caught="$caught${caught:+ }tests: $t"
	fi
	[[ -z $caught ]] && { caught="NOTHING"; uncaught=$((uncaught + 1)); }
	rows+=("$(printf '%-26s %-48s %s' "$n" "${WHAT[$n]}" "$caught")")
done
printf '%-26s %-48s %s\n' mutation breaks "caught by (tour scenario(failed items), tests)"
printf '%s\n' "${rows[@]}"

# Every tour item should fail under at least one mutation; with the whole
# set run, list those none caught.
missed=0
if [[ ${#names[@]} -eq ${#ALL[@]} ]]; then
	total=$(wc -l <"$base/items")
	for n in "${names[@]}"; do cat "$out/$n/caught"; done | sort -u \
		>"$out/caught-items"
	awk '{ print $1 }' "$base/items" | sort | comm -23 - "$out/caught-items" \
		>"$out/missed-items"
	missed=$(wc -l <"$out/missed-items")
	echo
	echo "$((total - missed)) of $total tour items fail under at least one mutation"
	if [[ $missed -gt 0 ]]; then
		echo "caught by none:"
		sed 's/^/  /' "$out/missed-items"
	fi
fi
[[ $uncaught -eq 0 && $missed -eq 0 ]]
exit
}
