/*
 * /hw/iommu: translation of device addresses on a bridge's way to memory
 * (hw/iommu.h), on page tables written by hand into simulated memory:
 * translation and IOTLB hits, permissions, faults that change no byte,
 * 2 MiB pages, accesses crossing pages, stale translations until
 * invalidated, IOTLB eviction, and the walk's cost in memory reads.
 *
 * Bus A: 1 GHz, 8 bytes, 8 MiB of memory answering in 10 ns; bus B: the
 * device's, 1 GHz, 8 bytes; the bridge forwards B's [0, 8 MiB) to A.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bridge.h"
#include "hw/iommu.h"
#include "hw/memory.h"
#include "kernel/sim.h"
#include "kernel/util.h"
#include "testutil.h"
#include "xact_master.h"

struct rig {
	struct sim sim;
	struct bus a, b;
	struct memory mem;
	struct bridge br;
	struct iommu io;
	struct xm dev;
	int faults_raised;
};

static void on_fault(void *ctx, unsigned line)
{
	(void)line;
	((struct rig *)ctx)->faults_raised++;
}

#define ROOT 0x80000ull

static void pte(struct rig *r, uint64_t at, uint64_t v)
{
	uint8_t b[8];

	util_le_put(b, v, 8);
	memory_write(&r->mem, at, b, 8);
}

/* Tables: root 0x80000 -> level 1 at 0x81000 -> level 2 at 0x82000.
 *   IOVA 0x10000 -> 0x40000 RW      IOVA 0x11000 -> 0x50000 R
 *   IOVA 0x12000 -> 0x60000 RW      IOVA 0x13000 -> 0x61000 RW
 *   IOVA 0x200000 (2 MiB) -> 0x400000 RW; nothing else. */
static void rig_init_ways(struct rig *r, uint32_t entries, uint32_t ways)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = 8 << 20, .latency = 10000 };
	struct bridge_config brc = { .latency = 0, .queue = 4,
				     .posted = true };
	struct iommu_config ic = { .entries = entries, .ways = ways,
				   .lookup = 0, .max_faults = 16 };
	const uint64_t rw = IOMMU_PTE_R | IOMMU_PTE_W;

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->a, &r->sim, "a", &bc), 0);
	assert_int_equal(bus_init(&r->b, &r->sim, "b", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->a, "mem", 0, &mc),
			 0);
	assert_int_equal(bus_attach(&r->b, &r->dev.m, "nic", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	r->dev.m.io = true;
	assert_int_equal(bridge_init(&r->br, &r->sim, "br", &r->a, &r->b,
				     &brc), 0);
	assert_int_equal(bridge_window(&r->br, BRIDGE_B_TO_A, 0, 8 << 20), 0);
	assert_int_equal(iommu_init(&r->io, &r->sim, "iommu", &r->br,
				    BRIDGE_B_TO_A, &ic), 0);
	r->io.irq.raise = on_fault;
	r->io.irq.ctx = r;
	pte(r, ROOT + 0 * 8, 0x81000 | rw);
	pte(r, 0x81000 + 0 * 8, 0x82000 | rw);
	pte(r, 0x81000 + 1 * 8, 0x400000 | rw | IOMMU_PTE_PS);
	pte(r, 0x82000 + 0x10 * 8, 0x40000 | rw);
	pte(r, 0x82000 + 0x11 * 8, 0x50000 | IOMMU_PTE_R);
	pte(r, 0x82000 + 0x12 * 8, 0x60000 | rw);
	pte(r, 0x82000 + 0x13 * 8, 0x61000 | rw);
}

static void rig_init(struct rig *r, uint32_t entries)
{
	rig_init_ways(r, entries, 0);	/* fully associative */
}

static void rig_fini(struct rig *r)
{
	assert_true(iommu_check(&r->io));
	assert_true(bridge_check(&r->br));
	iommu_fini(&r->io);
	bridge_fini(&r->br);
	memory_fini(&r->mem);
	bus_fini(&r->a);
	bus_fini(&r->b);
	sim_fini(&r->sim);
}

static void access(struct rig *r, uint64_t addr, void *buf, uint64_t len,
		   bool write)
{
	xm_start(&r->dev, addr, buf, len, write);
	sim_run(&r->sim, UINT64_MAX);
}

static int attach(struct rig *r)
{
	int d = iommu_domain_new(&r->io, ROOT, false);

	assert_true(d >= 0);
	assert_int_equal(iommu_attach_device(&r->io, &r->dev.m, d), 0);
	return d;
}

static void check_bytes(struct rig *r, uint64_t pa, uint8_t v, size_t n)
{
	uint8_t got[64];

	memory_read(&r->mem, pa, got, n);
	for (size_t i = 0; i < n; i++)
		if (got[i] != v)
			fail_msg("byte %zu at %#llx: %#x, want %#x", i,
				 (unsigned long long)pa, got[i], v);
}

/* Off: device addresses are physical.  On, with no domain: blocked, no
 * byte changes, the fault logged and the interrupt raised. */
static void off_then_no_domain(void **state)
{
	struct rig r;
	uint8_t w[8];

	(void)state;
	rig_init(&r, 64);
	memset(w, 0xaa, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x10000, 0xaa, 8);
	iommu_enable(&r.io, true);
	memset(w, 0xbb, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x10000, 0xaa, 8);	/* unchanged */
	assert_int_equal(r.io.faults, 1);
	assert_int_equal(r.faults_raised, 1);
	assert_int_equal(r.io.log[0].reason, IOMMU_FAULT_NO_DOMAIN);
	assert_int_equal(r.io.log[0].iova, 0x10000);
	assert_string_equal(r.io.log[0].dev, "nic");
	rig_fini(&r);
}

/* A miss walks three levels (three 8-byte reads of 10 + 1 cycles on A);
 * the second access to the page hits.  Timing of a 8-byte read:
 *   B hop 1 cycle (0 .. 1000), walk 3 x 11 cycles (.. 34000), A 11 cycles
 *   for the data (.. 45000), B beat back (.. 46000). */
static void translate_and_hit(void **state)
{
	struct rig r;
	uint8_t w[8], got[8];

	(void)state;
	rig_init(&r, 64);
	iommu_enable(&r.io, true);
	attach(&r);
	memory_write(&r.mem, 0x40008, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	access(&r, 0x10008, got, 8, false);
	assert_int_equal(r.dev.status, BUS_OK);
	assert_memory_equal(got, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_int_equal(r.dev.done_at, 46000);
	assert_int_equal(r.io.misses, 1);
	assert_int_equal(r.io.walk_reads, 3);
	memset(w, 0x5c, 8);
	access(&r, 0x10100, w, 8, true);
	check_bytes(&r, 0x40100, 0x5c, 8);
	assert_int_equal(r.io.hits, 1);
	assert_int_equal(r.io.walk_reads, 3);
	rig_fini(&r);
}

/* A read-only page refuses writes; an unmapped page everything; a read
 * blocked completes with an error. */
static void permissions_and_holes(void **state)
{
	struct rig r;
	uint8_t w[8], got[8];

	(void)state;
	rig_init(&r, 64);
	iommu_enable(&r.io, true);
	attach(&r);
	memset(w, 0x77, 8);
	memory_write(&r.mem, 0x50000, "ABCDEFGH", 8);
	access(&r, 0x11000, w, 8, true);
	assert_int_equal(r.io.log[0].reason, IOMMU_FAULT_WRITE_DENIED);
	access(&r, 0x11000, got, 8, false);
	assert_int_equal(r.dev.status, BUS_OK);
	assert_memory_equal(got, "ABCDEFGH", 8);	/* unchanged */
	access(&r, 0x20000, got, 8, false);
	assert_int_equal(r.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.io.log[1].reason, IOMMU_FAULT_NOT_PRESENT);
	assert_int_equal(r.io.faults, 2);
	rig_fini(&r);
}

/* The other fault classes, each blocking its access with the log saying
 * why: a read of a write-only mapping (READ_DENIED; the write passes), a
 * walk that reaches a table outside memory (WALK), an address beyond the
 * I/O address width (RANGE, reached through a bridge window up there). */
static void read_denied_walk_and_range(void **state)
{
	struct rig r;
	uint8_t w[8], got[8];

	(void)state;
	rig_init(&r, 64);
	pte(&r, 0x82000 + 0x14 * 8, 0x62000 | IOMMU_PTE_W);
	pte(&r, 0x81000 + 2 * 8, 0x900000 | IOMMU_PTE_R | IOMMU_PTE_W);
	assert_int_equal(bridge_window(&r.br, BRIDGE_B_TO_A,
				       1ull << IOMMU_IOVA_BITS, 4096), 0);
	iommu_enable(&r.io, true);
	attach(&r);
	memset(w, 0x5a, 8);
	memset(got, 0, 8);
	access(&r, 0x14000, got, 8, false);
	assert_int_equal(r.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.io.log[0].reason, IOMMU_FAULT_READ_DENIED);
	access(&r, 0x14000, w, 8, true);	/* writes are allowed */
	assert_int_equal(r.dev.status, BUS_OK);
	check_bytes(&r, 0x62000, 0x5a, 8);
	access(&r, 0x400000, got, 8, false);	/* level 1 -> 9 MiB: none */
	assert_int_equal(r.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.io.log[1].reason, IOMMU_FAULT_WALK);
	access(&r, 1ull << IOMMU_IOVA_BITS, got, 8, false);
	assert_int_equal(r.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.io.log[2].reason, IOMMU_FAULT_RANGE);
	assert_int_equal(r.io.faults, 3);
	assert_int_equal(r.faults_raised, 3);
	rig_fini(&r);
}

/* A 2 MiB page takes a two-level walk; an access crossing two 4 KiB
 * pages goes to two frames. */
static void large_pages_and_crossing(void **state)
{
	struct rig r;
	uint8_t w[32];

	(void)state;
	rig_init(&r, 64);
	iommu_enable(&r.io, true);
	attach(&r);
	memset(w, 0x42, 8);
	access(&r, 0x200000 + 0x1234, w, 8, true);
	check_bytes(&r, 0x400000 + 0x1234, 0x42, 8);
	assert_int_equal(r.io.walk_reads, 2);
	memset(w, 0x9d, 32);
	access(&r, 0x12ff0, w, 32, true);
	check_bytes(&r, 0x60ff0, 0x9d, 16);
	check_bytes(&r, 0x61000, 0x9d, 16);
	assert_int_equal(r.io.faults, 0);
	rig_fini(&r);
}

/* A changed page table is not seen while the IOTLB holds the old entry;
 * after invalidation it is. */
static void stale_until_invalidated(void **state)
{
	struct rig r;
	uint8_t w[8];
	int d;

	(void)state;
	rig_init(&r, 64);
	iommu_enable(&r.io, true);
	d = attach(&r);
	memset(w, 1, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x40000, 1, 8);
	pte(&r, 0x82000 + 0x10 * 8, 0x70000 | IOMMU_PTE_R | IOMMU_PTE_W);
	memset(w, 2, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x40000, 2, 8);		/* the stale translation */
	iommu_invalidate(&r.io, d, 0x10000, 4096);
	memset(w, 3, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x70000, 3, 8);
	check_bytes(&r, 0x40000, 2, 8);
	rig_fini(&r);
}

/* A 2-entry IOTLB: touching three pages evicts the least recently used,
 * which then misses again. */
static void iotlb_eviction(void **state)
{
	struct rig r;
	uint8_t got[8];

	(void)state;
	rig_init(&r, 2);
	iommu_enable(&r.io, true);
	attach(&r);
	access(&r, 0x10000, got, 8, false);
	access(&r, 0x12000, got, 8, false);
	access(&r, 0x10000, got, 8, false);	/* hit */
	access(&r, 0x13000, got, 8, false);	/* evicts 0x12000 */
	access(&r, 0x10000, got, 8, false);	/* hit */
	access(&r, 0x12000, got, 8, false);	/* miss again */
	assert_int_equal(r.io.hits, 2);
	assert_int_equal(r.io.misses, 4);
	rig_fini(&r);
}

/* A set-associative IOTLB: 4 entries in 2 sets of 2 ways, a page's set
 * its number's parity.  Three even pages evict within their set while
 * the other set has room: page 0x10 misses again, where a fully
 * associative IOTLB of 4 would have kept it. */
static void iotlb_sets(void **state)
{
	struct rig r;
	uint8_t got[8];

	(void)state;
	rig_init_ways(&r, 4, 2);
	pte(&r, 0x82000 + 0x16 * 8, 0x63000 | IOMMU_PTE_R | IOMMU_PTE_W);
	iommu_enable(&r.io, true);
	attach(&r);
	access(&r, 0x10000, got, 8, false);	/* set 0 */
	access(&r, 0x12000, got, 8, false);	/* set 0 */
	access(&r, 0x16000, got, 8, false);	/* set 0: evicts 0x10 */
	access(&r, 0x13000, got, 8, false);	/* set 1 */
	access(&r, 0x10000, got, 8, false);	/* miss again */
	access(&r, 0x13000, got, 8, false);	/* hit */
	assert_int_equal(r.io.hits, 1);
	assert_int_equal(r.io.misses, 5);
	rig_fini(&r);
}

/* The scenario language (tests/lua/iommu_sg.lua): three scattered pages,
 * the first entry starting mid-page, map_sg'd through the IOMMU into one
 * contiguous I/O range that one plain DMA transfer fills: the entries'
 * I/O addresses follow on, the bytes land in the three pages as the
 * source holds them, and nothing faults. */
static void lua_map_sg(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/iommu_sg.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "n"), 3);
	assert_string_equal(tu_str(run, "contig"), "true");
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_int_equal(tu_int(run, "faults"), 0);
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_then_no_domain),
		cmocka_unit_test(translate_and_hit),
		cmocka_unit_test(permissions_and_holes),
		cmocka_unit_test(read_denied_walk_and_range),
		cmocka_unit_test(large_pages_and_crossing),
		cmocka_unit_test(stale_until_invalidated),
		cmocka_unit_test(iotlb_eviction),
		cmocka_unit_test(iotlb_sets),
		cmocka_unit_test(lua_map_sg),
	};

	return cmocka_run_group_tests_name("/hw/iommu", tests, NULL, NULL);
}
