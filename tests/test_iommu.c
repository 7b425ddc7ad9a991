/*
 * /hw/iommu: translation of device addresses on a bridge's way to memory
 * (hw/iommu.h), on page tables written by hand into simulated memory:
 * translation and IOTLB hits, permissions, faults that change no byte,
 * 2 MiB pages, accesses crossing pages, stale translations until
 * invalidated, IOTLB eviction, the walk's cost in memory reads, and
 * random attack traffic that changes no byte it should not.
 *
 * Bus A: 1 GHz, 8 bytes, 8 MiB of memory answering in 10 ns; bus B: the
 * device's, 1 GHz, 8 bytes; the bridge forwards B's [0, 8 MiB) to A.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_rig.h"
#include "kernel/rng.h"
#include "kernel/util.h"

struct rig {
	struct io_rig g;
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
	memory_write(&r->g.mem, at, b, 8);
}

/* Tables: root 0x80000 -> level 1 at 0x81000 -> level 2 at 0x82000.
 *   IOVA 0x10000 -> 0x40000 RW      IOVA 0x11000 -> 0x50000 R
 *   IOVA 0x12000 -> 0x60000 RW      IOVA 0x13000 -> 0x61000 RW
 *   IOVA 0x200000 (2 MiB) -> 0x400000 RW; nothing else. */
static void rig_init_ways(struct rig *r, uint32_t entries, uint32_t ways)
{
	struct iommu_config ic = { .entries = entries, .ways = ways,
				   .lookup = 0, .max_faults = 16 };
	const uint64_t rw = IOMMU_PTE_R | IOMMU_PTE_W;

	memset(r, 0, sizeof(*r));
	io_rig_init(&r->g, 8 << 20, &ic);
	r->g.io.irq.raise = on_fault;
	r->g.io.irq.ctx = r;
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
	io_rig_fini(&r->g);
}

static void access(struct rig *r, uint64_t addr, void *buf, uint64_t len,
		   bool write)
{
	xm_start(&r->g.dev, addr, buf, len, write);
	sim_run(&r->g.sim, UINT64_MAX);
}

static int attach(struct rig *r)
{
	int d = iommu_domain_new(&r->g.io, ROOT, false);

	assert_true(d >= 0);
	assert_int_equal(iommu_attach_device(&r->g.io, &r->g.dev.m, d), 0);
	return d;
}

static void check_bytes(struct rig *r, uint64_t pa, uint8_t v, size_t n)
{
	uint8_t got[64];

	memory_read(&r->g.mem, pa, got, n);
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
	iommu_enable(&r.g.io, true);
	memset(w, 0xbb, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x10000, 0xaa, 8);	/* unchanged */
	assert_int_equal(r.g.io.faults, 1);
	assert_int_equal(r.faults_raised, 1);
	assert_int_equal(r.g.io.log[0].reason, IOMMU_FAULT_NO_DOMAIN);
	assert_int_equal(r.g.io.log[0].iova, 0x10000);
	assert_string_equal(r.g.io.log[0].dev, "nic");
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
	iommu_enable(&r.g.io, true);
	attach(&r);
	memory_write(&r.g.mem, 0x40008, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	access(&r, 0x10008, got, 8, false);
	assert_int_equal(r.g.dev.status, BUS_OK);
	assert_memory_equal(got, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_int_equal(r.g.dev.done_at, 46000);
	assert_int_equal(r.g.io.misses, 1);
	assert_int_equal(r.g.io.walk_reads, 3);
	memset(w, 0x5c, 8);
	access(&r, 0x10100, w, 8, true);
	check_bytes(&r, 0x40100, 0x5c, 8);
	assert_int_equal(r.g.io.hits, 1);
	assert_int_equal(r.g.io.walk_reads, 3);
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
	iommu_enable(&r.g.io, true);
	attach(&r);
	memset(w, 0x77, 8);
	memory_write(&r.g.mem, 0x50000, "ABCDEFGH", 8);
	access(&r, 0x11000, w, 8, true);
	assert_int_equal(r.g.io.log[0].reason, IOMMU_FAULT_WRITE_DENIED);
	access(&r, 0x11000, got, 8, false);
	assert_int_equal(r.g.dev.status, BUS_OK);
	assert_memory_equal(got, "ABCDEFGH", 8);	/* unchanged */
	access(&r, 0x20000, got, 8, false);
	assert_int_equal(r.g.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.g.io.log[1].reason, IOMMU_FAULT_NOT_PRESENT);
	assert_int_equal(r.g.io.faults, 2);
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
	assert_int_equal(bridge_window(&r.g.br, BRIDGE_B_TO_A,
				       1ull << IOMMU_IOVA_BITS, 4096), 0);
	iommu_enable(&r.g.io, true);
	attach(&r);
	memset(w, 0x5a, 8);
	memset(got, 0, 8);
	access(&r, 0x14000, got, 8, false);
	assert_int_equal(r.g.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.g.io.log[0].reason, IOMMU_FAULT_READ_DENIED);
	access(&r, 0x14000, w, 8, true);	/* writes are allowed */
	assert_int_equal(r.g.dev.status, BUS_OK);
	check_bytes(&r, 0x62000, 0x5a, 8);
	access(&r, 0x400000, got, 8, false);	/* level 1 -> 9 MiB: none */
	assert_int_equal(r.g.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.g.io.log[1].reason, IOMMU_FAULT_WALK);
	access(&r, 1ull << IOMMU_IOVA_BITS, got, 8, false);
	assert_int_equal(r.g.dev.status, BUS_ERR_SLAVE);
	assert_int_equal(r.g.io.log[2].reason, IOMMU_FAULT_RANGE);
	assert_int_equal(r.g.io.faults, 3);
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
	iommu_enable(&r.g.io, true);
	attach(&r);
	memset(w, 0x42, 8);
	access(&r, 0x200000 + 0x1234, w, 8, true);
	check_bytes(&r, 0x400000 + 0x1234, 0x42, 8);
	assert_int_equal(r.g.io.walk_reads, 2);
	memset(w, 0x9d, 32);
	access(&r, 0x12ff0, w, 32, true);
	check_bytes(&r, 0x60ff0, 0x9d, 16);
	check_bytes(&r, 0x61000, 0x9d, 16);
	assert_int_equal(r.g.io.faults, 0);
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
	iommu_enable(&r.g.io, true);
	d = attach(&r);
	memset(w, 1, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x40000, 1, 8);
	pte(&r, 0x82000 + 0x10 * 8, 0x70000 | IOMMU_PTE_R | IOMMU_PTE_W);
	memset(w, 2, 8);
	access(&r, 0x10000, w, 8, true);
	check_bytes(&r, 0x40000, 2, 8);		/* the stale translation */
	iommu_invalidate(&r.g.io, d, 0x10000, 4096);
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
	iommu_enable(&r.g.io, true);
	attach(&r);
	access(&r, 0x10000, got, 8, false);
	access(&r, 0x12000, got, 8, false);
	access(&r, 0x10000, got, 8, false);	/* hit */
	access(&r, 0x13000, got, 8, false);	/* evicts 0x12000 */
	access(&r, 0x10000, got, 8, false);	/* hit */
	access(&r, 0x12000, got, 8, false);	/* miss again */
	assert_int_equal(r.g.io.hits, 2);
	assert_int_equal(r.g.io.misses, 4);
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
	iommu_enable(&r.g.io, true);
	attach(&r);
	access(&r, 0x10000, got, 8, false);	/* set 0 */
	access(&r, 0x12000, got, 8, false);	/* set 0 */
	access(&r, 0x16000, got, 8, false);	/* set 0: evicts 0x10 */
	access(&r, 0x13000, got, 8, false);	/* set 1 */
	access(&r, 0x10000, got, 8, false);	/* miss again */
	access(&r, 0x13000, got, 8, false);	/* hit */
	assert_int_equal(r.g.io.hits, 1);
	assert_int_equal(r.g.io.misses, 5);
	rig_fini(&r);
}

/* Random attack traffic: a device hammers every address with reads and
 * writes of random length (1..256 bytes, seeded), near the mapped pages,
 * anywhere in memory and past it, and past the I/O address width.  The
 * domain maps seven pages: 0x10, 0x12, 0x13 read-write, 0x11 and 0x16
 * read-only, 0x14 and 0x15 write-only (the 2 MiB page unmapped).  The
 * test works out each access from its own copy of the mapping, piece by
 * page as the IOMMU cuts it: the first piece without its permission
 * faults (reason and address as computed) and ends the access, pieces
 * before it go through.  Memory, filled with random bytes, must end
 * equal to the test's image (only writable mapped frames changed, every
 * other page's checksum as before); reads let through return the image's
 * bytes; the faults counted and raised equal the accesses expected to
 * fault. */
#define ATTACKS 4000
#define MEMSZ (8ull << 20)

static uint64_t page_sum(const uint8_t *p)
{
	return util_fnv1a(UTIL_FNV_BASIS, p, 4096);
}

static const struct { uint64_t iova, pa, perm; } attack_map[] = {
	{ 0x10000, 0x40000, IOMMU_PTE_R | IOMMU_PTE_W },
	{ 0x11000, 0x50000, IOMMU_PTE_R },
	{ 0x12000, 0x60000, IOMMU_PTE_R | IOMMU_PTE_W },
	{ 0x13000, 0x61000, IOMMU_PTE_R | IOMMU_PTE_W },
	{ 0x14000, 0x62000, IOMMU_PTE_W },
	{ 0x15000, 0x63000, IOMMU_PTE_W },
	{ 0x16000, 0x64000, IOMMU_PTE_R },
};

/* The mapping of the page holding iova (-1: none). */
static int attack_lookup(uint64_t iova)
{
	for (unsigned i = 0; i < sizeof(attack_map) / sizeof(*attack_map);
	     i++)
		if (attack_map[i].iova == (iova & ~0xfffull))
			return (int)i;
	return -1;
}

static void random_attack(void **state)
{
	struct rig r;
	uint8_t *img = malloc(MEMSZ), *after = malloc(MEMSZ);
	uint64_t *sum = malloc(MEMSZ / 4096 * sizeof(*sum));
	uint64_t faults = 0, by_reason[8] = { 0 };
	struct rng rng;
	uint64_t ok_reads = 0, ok_writes = 0, changed = 0;
	uint8_t buf[256], want[256];
	struct iommu_fault log[16];	/* the first faults, as expected */

	(void)state;
	assert_non_null(img);
	assert_non_null(after);
	assert_non_null(sum);
	rng_seed(&rng, 2024, "attack");
	rig_init(&r, 64);
	pte(&r, 0x81000 + 1 * 8, 0);		/* no 2 MiB page */
	pte(&r, 0x82000 + 0x14 * 8, 0x62000 | IOMMU_PTE_W);
	pte(&r, 0x82000 + 0x15 * 8, 0x63000 | IOMMU_PTE_W);
	pte(&r, 0x82000 + 0x16 * 8, 0x64000 | IOMMU_PTE_R);
	/* a second window: everything past memory reaches the IOMMU too */
	assert_int_equal(bridge_window(&r.g.br, BRIDGE_B_TO_A, MEMSZ,
				       (1ull << 40) - MEMSZ), 0);
	/* random bytes everywhere but the page tables */
	for (uint64_t a = 0; a < MEMSZ; a += 8) {
		uint64_t v = rng_next(&rng);

		if (a < ROOT || a >= 0x83000)
			memcpy(img + a, &v, 8);
		else
			memory_read(&r.g.mem, a, img + a, 8);
	}
	memory_write(&r.g.mem, 0, img, MEMSZ);
	for (uint64_t pg = 0; pg < MEMSZ / 4096; pg++)
		sum[pg] = page_sum(img + pg * 4096);
	iommu_enable(&r.g.io, true);
	attach(&r);

	for (int n = 0; n < ATTACKS; n++) {
		uint64_t k = rng_next(&rng) % 10;
		uint64_t len = 1 + rng_next(&rng) % 256;
		bool write = rng_next(&rng) & 1, blocked = false;
		uint64_t addr;

		if (k < 5) {		/* at the mapping and around it */
			addr = (0xe + rng_next(&rng) % 10) << 12;
			addr += rng_next(&rng) & 1 ? rng_next(&rng) % 4096 :
				4096 - 1 - rng_next(&rng) % 64;
		} else if (k < 8) {	/* memory and as much again */
			addr = rng_next(&rng) % (2 * MEMSZ);
		} else {		/* anywhere, past the I/O width too */
			addr = rng_next(&rng) % ((1ull << 40) - 256);
		}
		/* never across the bridge's two windows (that is the
		 * bus's decode error, not the IOMMU's) */
		if (addr < MEMSZ && addr + len > MEMSZ)
			addr = MEMSZ - len;
		if (write)
			for (uint64_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rng_next(&rng);
		else
			memset(buf, 0, len);
		/* the expected outcome, page by page */
		for (uint64_t a = addr; a < addr + len && !blocked;
		     a = (a | 0xfff) + 1) {
			uint64_t end = (a | 0xfff) + 1;
			int i = attack_lookup(a), reason = 0;
			uint64_t pa;

			if (end > addr + len)
				end = addr + len;
			if (a >> IOMMU_IOVA_BITS)
				reason = IOMMU_FAULT_RANGE;
			else if (i < 0)
				reason = IOMMU_FAULT_NOT_PRESENT;
			else if (!(attack_map[i].perm &
				   (write ? IOMMU_PTE_W : IOMMU_PTE_R)))
				reason = write ? IOMMU_FAULT_WRITE_DENIED :
						 IOMMU_FAULT_READ_DENIED;
			if (reason) {
				if (faults < 16) {
					log[faults].iova = a;
					log[faults].write = write;
					log[faults].reason = reason;
				}
				blocked = true;
				by_reason[reason]++;
				continue;
			}
			pa = attack_map[i].pa + (a & 0xfff);
			if (write)
				memcpy(img + pa, buf + (a - addr), end - a);
			else
				memcpy(want + (a - addr), img + pa, end - a);
		}
		xm_start(&r.g.dev, addr, buf, len, write);
		sim_run(&r.g.sim, UINT64_MAX);
		faults += blocked;
		if (r.g.io.faults != faults)
			fail_msg("access %d (%s %#llx + %llu): %llu faults, "
				 "want %llu", n, write ? "write" : "read",
				 (unsigned long long)addr,
				 (unsigned long long)len,
				 (unsigned long long)r.g.io.faults,
				 (unsigned long long)faults);
		if (!write && !blocked) {
			assert_int_equal(r.g.dev.status, BUS_OK);
			assert_memory_equal(buf, want, len);
			ok_reads++;
		} else if (!write) {
			assert_int_equal(r.g.dev.status, BUS_ERR_SLAVE);
		} else if (!blocked) {
			ok_writes++;
		}
	}
	assert_int_equal(r.g.io.faults, faults);
	assert_int_equal(r.faults_raised, faults);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(r.g.io.log[i].iova, log[i].iova);
		assert_int_equal(r.g.io.log[i].write, log[i].write);
		assert_int_equal(r.g.io.log[i].reason, log[i].reason);
	}
	memory_read(&r.g.mem, 0, after, MEMSZ);
	for (uint64_t pg = 0; pg < MEMSZ / 4096; pg++) {
		bool writable = false;

		for (unsigned i = 0;
		     i < sizeof(attack_map) / sizeof(*attack_map); i++)
			writable |= attack_map[i].pa == pg * 4096 &&
				    (attack_map[i].perm & IOMMU_PTE_W);
		if (page_sum(after + pg * 4096) != sum[pg]) {
			changed++;
			if (!writable)
				fail_msg("page %#llx changed",
					 (unsigned long long)pg * 4096);
		}
		if (memcmp(after + pg * 4096, img + pg * 4096, 4096))
			fail_msg("page %#llx differs from the image",
				 (unsigned long long)pg * 4096);
	}
	/* every kind of access was tried */
	assert_int_equal(changed, 5);
	assert_true(ok_reads > 100 && ok_writes > 100);
	assert_true(by_reason[IOMMU_FAULT_NOT_PRESENT] > 100);
	assert_true(by_reason[IOMMU_FAULT_READ_DENIED] > 50);
	assert_true(by_reason[IOMMU_FAULT_WRITE_DENIED] > 50);
	assert_true(by_reason[IOMMU_FAULT_RANGE] > 50);
	free(sum);
	free(after);
	free(img);
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

/* The mapping API invalidating through the IOMMU's queue
 * (tests/lua/iommu_qi_map.lua): a strict unmap puts one range descriptor
 * and one wait through the OS ring, polls the status word, and leaves no
 * translation behind (a second transfer to the address faults, no byte
 * changed).  Its time is transactions: at least the page-table entry's
 * store, the two descriptors' stores, the queue's two fetches and its
 * status write and one poll, each answered by the 50 ns memory: 7 x 50 =
 * 350 ns; without the ring the same unmap is `inval` (2000 cycles at
 * 2 GHz: 1000 ns) and a store.  */
static void lua_qi_unmap(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/iommu_qi_map.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "written"), "true");
	assert_int_equal(tu_int(run, "second_faults"), 1);
	assert_string_equal(tu_str(run, "untouched"), "true");
	assert_int_equal(tu_int(run, "invalidations"), 1);
	assert_int_equal(tu_int(run, "qi_submissions"), 1);
	assert_int_equal(tu_int(run, "qi_descriptors"), 2);
	assert_int_equal(tu_int(run, "qi_waits"), 1);
	assert_true(tu_int(run, "polls") >= 1);
	assert_true(tu_int(run, "unmap_ns") >= 350);
	assert_true(tu_int(run, "unmap_ns") < 1000);
	dmasim_run_free(run);

	run = tu_run("tests/lua/iommu_qi_map.lua", &code, "qi=false", NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "second_faults"), 1);
	assert_string_equal(tu_str(run, "untouched"), "true");
	assert_int_equal(tu_int(run, "qi_submissions"), 0);
	assert_int_equal(tu_int(run, "qi_descriptors"), 0);
	assert_int_equal(tu_int(run, "polls"), 0);
	assert_true(tu_int(run, "unmap_ns") >= 1000);
	dmasim_run_free(run);
}

/* ATS (tests/lua/ats.lua): a 4-page buffer read twice by a device with a
 * 16-entry ATC.  The first pass asks the IOMMU for each page's
 * translation (4 requests, each a 3-level walk: 12 reads), the second
 * sends all 64 of its 256-byte bursts translated (64 ATC hits, no walk).
 * After a strict unmap with the device-TLB invalidation the ATC drops
 * the 4 pages, the late read asks again, is refused, goes untranslated
 * and faults: the page's new owner's secret stays.  Without it the ATC
 * still translates the page and the read leaks the secret with no fault.
 * An ATC too large, a device-TLB invalidation with no queue to send it,
 * and one whose completion cannot come back are refused. */
static void lua_ats(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/ats.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "pass1_requests"), 4);
	assert_int_equal(tu_int(run, "pass1_walks"), 12);
	assert_int_equal(tu_int(run, "pass2_walks"), 0);
	assert_int_equal(tu_int(run, "pass2_hits"), 64);
	assert_int_equal(tu_int(run, "devtlbs"), 1);
	assert_int_equal(tu_int(run, "atc_invalidations"), 4);
	assert_int_equal(tu_int(run, "requests"), 5);
	assert_int_equal(tu_int(run, "iommu_ats_requests"), 5);
	assert_int_equal(tu_int(run, "faults"), 1);
	assert_string_equal(tu_str(run, "late_error"), "true");
	assert_string_equal(tu_str(run, "leaked"), "false");
	assert_string_equal(tu_str(run, "intact"), "true");
	dmasim_run_free(run);

	run = tu_run("tests/lua/ats.lua", &code, "inval=false", NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "devtlbs"), 0);
	assert_int_equal(tu_int(run, "atc_invalidations"), 0);
	assert_int_equal(tu_int(run, "requests"), 4);
	assert_int_equal(tu_int(run, "faults"), 0);
	assert_string_equal(tu_str(run, "late_error"), "false");
	assert_string_equal(tu_str(run, "leaked"), "true");
	assert_string_equal(tu_str(run, "intact"), "true");
	dmasim_run_free(run);

	run = tu_run("tests/lua/ats.lua", &code, "atc=0", NULL);
	if (code)	/* no ATC: the IOMMU translates every burst */
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "requests"), 0);
	assert_int_equal(tu_int(run, "pass2_hits"), 0);
	assert_string_equal(tu_str(run, "leaked"), "false");
	dmasim_run_free(run);

	run = tu_run("tests/lua/ats.lua", &code, "atc=5000", NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "expected 0 to 4096"));
	dmasim_run_free(run);
	run = tu_run("tests/lua/ats.lua", &code, "ring=false", NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "OS ring"));
	dmasim_run_free(run);
	run = tu_run("tests/lua/ats.lua", &code, "window=false", NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "bridge window"));
	dmasim_run_free(run);
}

/* Any bus master joins a domain by its name: a device's firmware (a CPU
 * on the I/O bus) attached to a domain mapping I/O address 0x10000 to
 * 0x300000 reaches its buffer there and faults elsewhere for want of a
 * translation; a second CPU left out of every domain faults for want of
 * a domain; each fault interrupts the OS's CPU through the interrupt
 * controller; a name no master has is refused, naming what was
 * expected. */
static void lua_attach_master(void **state)
{
	static const char *const setup =
		"local sys = dmasim.system{}\n"
		"local io = sys:bus{ name = 'io', clock = '500MHz', width = 8 }\n"
		"local mem = sys:memory{ size = '64MiB', latency = '50ns' }\n"
		"local cpu = sys:cpu{ clock = '2GHz' }\n"
		"local fw = sys:cpu{ name = 'firmware', bus = io, clock = '250MHz' }\n"
		"local other = sys:cpu{ name = 'other', bus = io, clock = '250MHz' }\n"
		"local br = sys:bridge{ a = sys.system_bus, b = io,\n"
		"                       b_to_a = { { 0, '64MiB' } } }\n"
		"local ic = sys:intc{ lines = 1 }\n"
		"ic:route(0, cpu, 1)\n"
		"local irqs = 0\n"
		"cpu:on_irq(0, function() irqs = irqs + 1 end)\n"
		"local mmu = sys:iommu{ bridge = br, intc = ic, irq_line = 0 }\n";
	char text[2048];
	struct dmasim_run *run;
	int code;

	(void)state;
	snprintf(text, sizeof(text), "%s%s", setup,
		"sys:spawn(function()\n"
		"  -- three levels from 0x80000: 0x10000 -> 0x300000, rw\n"
		"  cpu:write64(0x80000, 0x81003)\n"
		"  cpu:write64(0x81000, 0x82003)\n"
		"  cpu:write64(0x82000 + 0x10 * 8, 0x300003)\n"
		"  mmu:attach('firmware', mmu:domain{ root = 0x80000 })\n"
		"  mmu:enable(true)\n"
		"  fw:write64(0x10000, 0x4242424242424242)\n"
		"  fw:write64(0x100000, 0x4141414141414141)\n"
		"  sys:wait(dmasim.time('10us'))  -- the first handled\n"
		"  other:write64(0x10008, 0x4343434343434343)\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('own', mem:read(0x300000, 8) == ('B'):rep(8))\n"
		"dmasim.report('kernel', mem:read(0x100000, 8) == ('\\0'):rep(8))\n"
		"dmasim.report('faults', mmu.faults)\n"
		"dmasim.report('irqs', irqs)\n"
		"dmasim.report('first', mmu:fault(1).reason)\n"
		"dmasim.report('second', mmu:fault(2).reason)\n"
		"dmasim.report('second_dev', mmu:fault(2).device)\n");
	run = tu_run_text(text, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "own"), "true");
	assert_string_equal(tu_str(run, "kernel"), "true");
	assert_int_equal(tu_int(run, "faults"), 2);
	assert_int_equal(tu_int(run, "irqs"), 2);
	assert_string_equal(tu_str(run, "first"),
			    iommu_fault_string(IOMMU_FAULT_NOT_PRESENT));
	assert_string_equal(tu_str(run, "second"),
			    iommu_fault_string(IOMMU_FAULT_NO_DOMAIN));
	assert_string_equal(tu_str(run, "second_dev"), "other");
	dmasim_run_free(run);

	snprintf(text, sizeof(text), "%s%s", setup,
		 "mmu:attach('nosuch', mmu:domain{ root = 0x80000 })\n");
	run = tu_run_text(text, &code, NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "master 'nosuch': "
			       "expected the name of a bus master"));
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
		cmocka_unit_test(random_attack),
		cmocka_unit_test(lua_map_sg),
		cmocka_unit_test(lua_qi_unmap),
		cmocka_unit_test(lua_attach_master),
		cmocka_unit_test(lua_ats),
	};

	return cmocka_run_group_tests_name("/hw/iommu", tests, NULL, NULL);
}
