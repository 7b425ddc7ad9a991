/* test_cache: the cache model on small hand-worked cases, and the
 * sanitizer through scenarios. */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cache.h"
#include "hw/cpu.h"
#include "hw/memory.h"
#include "testutil.h"

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct cache c;
	struct cache l2;
	struct cpu cpu;		/* footprint tests only */
	bool two;
};

/* 2 sets x 2 ways x 16-byte lines = 64 bytes; bus 8 bytes wide, memory
 * with no latency: a line transaction is 2 bus cycles. */
static void rig_init(struct rig *r, bool coherent)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = 1 << 20 };
	struct cache_config cc = { .size = 64, .ways = 2, .line = 16, .word = 8,
		.hit = 1, .clean = 10, .inval = 5, .flush = 12, .barrier = 100,
		.snoop = 1, .coherent = coherent };

	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
	r->two = false;
	assert_int_equal(cache_init(&r->c, &r->sim, &r->bus, "l1", &cc), 0);
}

/* The rig's L1 over an L2 of 8 sets x 2 ways x 16-byte lines = 256 bytes,
 * hit 4, clean 3, inval 2, flush 4, barrier 7 (unused: L1's applies). */
static void rig2_init(struct rig *r, bool coherent)
{
	struct cache_config c2 = { .size = 256, .ways = 2, .line = 16,
		.word = 8, .hit = 4, .clean = 3, .inval = 2, .flush = 4,
		.barrier = 7, .snoop = 1, .coherent = coherent };

	rig_init(r, coherent);
	r->two = true;
	assert_int_equal(cache_init(&r->l2, &r->sim, &r->bus, "l2", &c2), 0);
	assert_int_equal(cache_set_next(&r->c, &r->l2), 0);
}

static void rig_fini(struct rig *r)
{
	if (r->two)
		cache_fini(&r->l2);
	cache_fini(&r->c);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
}

static void test_hit_miss_evict(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t b[16];

	(void)state;
	rig_init(&r, false);
	/* lines 0x00, 0x20, 0x40 all map to set 0 (2 sets of 16 B) */
	cache_access(&r.c, 0x00, b, 8, false, &k);
	assert_int_equal(r.c.misses, 1);
	assert_int_equal(k.bus, 2);	/* one line fill */
	assert_int_equal(k.cpu, 1);	/* one word hit cost */
	cache_access(&r.c, 0x08, b, 8, false, &k);
	assert_int_equal(r.c.hits, 1);
	cache_access(&r.c, 0x20, b, 8, true, &k);	/* 2nd way, dirty */
	cache_access(&r.c, 0x00, b, 8, false, &k);	/* 0x00 most recent */
	k.bus = 0;
	cache_access(&r.c, 0x40, b, 8, false, &k);	/* evicts dirty 0x20 */
	assert_int_equal(r.c.evictions, 1);
	assert_int_equal(r.c.writebacks, 1);
	assert_int_equal(k.bus, 4);	/* write-back + fill */
	assert_true(cache_present(&r.c, 0x00, NULL));
	assert_false(cache_present(&r.c, 0x20, NULL));
	assert_true(cache_check(&r.c));
	rig_fini(&r);
}

static void test_writeback_data(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, m[8];
	bool dirty;

	(void)state;
	rig_init(&r, false);
	cache_access(&r.c, 0x100, v, 8, true, &k);
	memory_read(&r.mem, 0x100, m, 8);
	assert_int_equal(m[0], 0);		/* write-back: not yet */
	assert_true(cache_present(&r.c, 0x100, &dirty) && dirty);
	cache_maint(&r.c, CACHE_CLEAN, 0x100, 16, &k);
	memory_read(&r.mem, 0x100, m, 8);
	assert_memory_equal(m, v, 8);
	assert_true(cache_present(&r.c, 0x100, &dirty) && !dirty);
	rig_fini(&r);
}

static void test_maintenance(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t v[8] = { 9, 9, 9, 9, 9, 9, 9, 9 }, m[8] = { 0 }, z[8] = { 0 };

	(void)state;
	rig_init(&r, false);
	/* invalidate discards dirty data; cost per line + barrier */
	cache_access(&r.c, 0x200, v, 8, true, &k);
	memset(&k, 0, sizeof(k));
	cache_maint(&r.c, CACHE_INVAL, 0x200, 64, &k);
	assert_int_equal(k.cpu, 4 * 5 + 100);
	assert_int_equal(k.bus, 0);
	cache_view_read(&r.c, 0x200, m, 8);
	assert_memory_equal(m, z, 8);
	/* flush writes back then invalidates */
	cache_access(&r.c, 0x300, v, 8, true, &k);
	memset(&k, 0, sizeof(k));
	cache_maint(&r.c, CACHE_FLUSH, 0x300, 16, &k);
	assert_int_equal(k.cpu, 12 + 100);
	assert_int_equal(k.bus, 2);
	assert_false(cache_present(&r.c, 0x300, NULL));
	memory_read(&r.mem, 0x300, m, 8);
	assert_memory_equal(m, v, 8);
	rig_fini(&r);
}

static void test_noncacheable(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t b[64];

	(void)state;
	rig_init(&r, false);
	assert_int_equal(cache_set_cacheable(&r.c, 0x1000, 4096, false), 0);
	cache_access(&r.c, 0x1000, b, 64, false, &k);
	assert_int_equal(r.c.uncached, 8);	/* 8 words, 8 transactions */
	assert_int_equal(k.bus, 8);
	assert_int_equal(r.c.misses, 0);
	rig_fini(&r);
}

static void test_snoop(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t v[8] = { 7, 7, 7, 7, 7, 7, 7, 7 }, m[8];
	struct bus_master dummy = { .name = "dma" };

	(void)state;
	rig_init(&r, true);
	cache_access(&r.c, 0x400, v, 8, true, &k);
	bus_snoop(&r.bus, &dummy, 0x400, 16, false);	/* DMA read */
	memory_read(&r.mem, 0x400, m, 8);
	assert_memory_equal(m, v, 8);
	assert_int_equal(r.c.snoop_writebacks, 1);
	bus_snoop(&r.bus, &dummy, 0x400, 16, true);	/* DMA write */
	assert_false(cache_present(&r.c, 0x400, NULL));
	assert_int_equal(bus_snoop_cycles(&r.bus, 0x400, 32), 2);
	rig_fini(&r);
}

/* L1 miss + L2 miss fills both (one bus line fill); after the line left
 * the L1, an L1 miss that hits the L2 costs the L2's hit and no bus. */
static void test_l2_fill_and_hit(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t b[8];

	(void)state;
	rig2_init(&r, false);
	cache_access(&r.c, 0x00, b, 8, false, &k);
	assert_int_equal(k.cpu, 1 + 4);		/* L1 word + L2 line move */
	assert_int_equal(k.bus, 2);		/* one fill, by the L2 */
	assert_true(cache_present(&r.c, 0x00, NULL));
	assert_true(cache_present(&r.l2, 0x00, NULL));
	assert_int_equal(r.c.misses, 1);
	assert_int_equal(r.l2.misses, 1);
	/* 0x20 and 0x40 share the L1's set 0 (L2 sets 2 and 4): 0x00 leaves
	 * the L1 only */
	cache_access(&r.c, 0x20, b, 8, false, &k);
	cache_access(&r.c, 0x40, b, 8, false, &k);
	assert_false(cache_present(&r.c, 0x00, NULL));
	assert_true(cache_present(&r.l2, 0x00, NULL));
	memset(&k, 0, sizeof(k));
	cache_access(&r.c, 0x00, b, 8, false, &k);
	assert_int_equal(k.cpu, 1 + 4);
	assert_int_equal(k.bus, 0);
	assert_int_equal(r.l2.hits, 1);
	assert_int_equal(r.l2.misses, 3);
	assert_true(cache_check(&r.c));
	rig_fini(&r);
}

/* A dirty line evicted from the L1 goes into the L2, not to memory. */
static void test_l2_evict_dirty(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, m[8], b[8];
	bool dirty;

	(void)state;
	rig2_init(&r, false);
	cache_access(&r.c, 0x00, v, 8, true, &k);
	cache_access(&r.c, 0x20, b, 8, false, &k);
	memset(&k, 0, sizeof(k));
	cache_access(&r.c, 0x40, b, 8, false, &k);	/* evicts dirty 0x00 */
	assert_int_equal(r.c.writebacks, 1);
	assert_int_equal(r.l2.writebacks, 0);
	assert_int_equal(k.bus, 2);		/* the fill of 0x40 only */
	assert_int_equal(k.cpu, 1 + 4 + 4);	/* word, write-down, fill */
	memory_read(&r.mem, 0x00, m, 8);
	assert_int_equal(m[0], 0);
	assert_true(cache_present(&r.l2, 0x00, &dirty) && dirty);
	cache_view_read(&r.c, 0x00, m, 8);
	assert_memory_equal(m, v, 8);
	assert_true(cache_check(&r.c));
	rig_fini(&r);
}

/* Coherent: a DMA read of a line dirty only in the L1 (the L2's copy is
 * older) gets the newest data; one dirty only in the L2 too; a DMA write
 * invalidates both levels. */
static void test_l2_snoop(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t v[8] = { 7, 7, 7, 7, 7, 7, 7, 7 }, w[8] = { 5, 5, 5, 5, 5, 5,
		5, 5 }, m[8], b[8];
	bool dirty;
	struct bus_master dummy = { .name = "dma" };

	(void)state;
	rig2_init(&r, true);
	cache_access(&r.c, 0x400, v, 8, true, &k);
	assert_true(cache_present(&r.l2, 0x400, &dirty) && !dirty);
	bus_snoop(&r.bus, &dummy, 0x400, 16, false);
	memory_read(&r.mem, 0x400, m, 8);
	assert_memory_equal(m, v, 8);
	assert_int_equal(r.c.snoop_writebacks, 1);
	cache_view_read(&r.l2, 0x400, m, 8);	/* the L2's copy refreshed */
	assert_memory_equal(m, v, 8);
	/* dirty in the L2 only: write, push it out of the L1 */
	cache_access(&r.c, 0x400, w, 8, true, &k);
	cache_access(&r.c, 0x420, b, 8, false, &k);
	cache_access(&r.c, 0x440, b, 8, false, &k);
	assert_false(cache_present(&r.c, 0x400, NULL));
	assert_true(cache_present(&r.l2, 0x400, &dirty) && dirty);
	bus_snoop(&r.bus, &dummy, 0x400, 16, false);
	memory_read(&r.mem, 0x400, m, 8);
	assert_memory_equal(m, w, 8);
	assert_int_equal(r.l2.snoop_writebacks, 1);
	/* a DMA write invalidates both levels */
	cache_access(&r.c, 0x400, b, 8, false, &k);
	assert_true(cache_present(&r.c, 0x400, NULL));
	bus_snoop(&r.bus, &dummy, 0x400, 16, true);
	assert_false(cache_present(&r.c, 0x400, NULL));
	assert_false(cache_present(&r.l2, 0x400, NULL));
	/* each level snoops its lines: 2 lines x (1 + 1) */
	assert_int_equal(bus_snoop_cycles(&r.bus, 0x400, 32), 4);
	assert_true(cache_check(&r.c));
	rig_fini(&r);
}

/* Maintenance acts on both levels: each walks the range at its own
 * per-line cost; dirty lines in either level reach memory. */
static void test_l2_maintenance(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t a[8] = { 1, 1, 1, 1, 1, 1, 1, 1 }, bb[8] = { 2, 2, 2, 2, 2, 2,
		2, 2 }, m[8], z[8] = { 0 }, b[8];
	bool dirty;

	(void)state;
	rig2_init(&r, false);
	/* A = 0x100 dirty in the L1 (the L2 holds it clean); B = 0x110
	 * dirty in the L2 only (pushed out of L1 set 1 by 0x130, 0x150) */
	cache_access(&r.c, 0x100, a, 8, true, &k);
	cache_access(&r.c, 0x110, bb, 8, true, &k);
	cache_access(&r.c, 0x130, b, 8, false, &k);
	cache_access(&r.c, 0x150, b, 8, false, &k);
	assert_true(cache_present(&r.c, 0x100, &dirty) && dirty);
	assert_false(cache_present(&r.c, 0x110, NULL));
	assert_true(cache_present(&r.l2, 0x110, &dirty) && dirty);
	assert_true(cache_dirty_in(&r.c, 0x110, 16, NULL));
	memset(&k, 0, sizeof(k));
	cache_maint(&r.c, CACHE_CLEAN, 0x100, 32, &k);
	assert_int_equal(k.cpu, 2 * 10 + 2 * 3 + 100);
	assert_int_equal(k.bus, 2 + 2);
	memory_read(&r.mem, 0x100, m, 8);
	assert_memory_equal(m, a, 8);
	memory_read(&r.mem, 0x110, m, 8);
	assert_memory_equal(m, bb, 8);
	assert_false(cache_dirty_in(&r.c, 0x100, 32, NULL));
	assert_true(cache_present(&r.c, 0x100, NULL));
	assert_true(cache_present(&r.l2, 0x110, NULL));
	assert_int_equal(r.c.maint_lines, 2);
	assert_int_equal(r.l2.maint_lines, 2);
	/* flush: out of both */
	cache_access(&r.c, 0x100, bb, 8, true, &k);
	memset(&k, 0, sizeof(k));
	cache_maint(&r.c, CACHE_FLUSH, 0x100, 32, &k);
	assert_int_equal(k.cpu, 2 * 12 + 2 * 4 + 100);
	assert_int_equal(k.bus, 2);
	assert_false(cache_present(&r.c, 0x100, NULL));
	assert_false(cache_present(&r.l2, 0x100, NULL));
	assert_false(cache_present(&r.l2, 0x110, NULL));
	memory_read(&r.mem, 0x100, m, 8);
	assert_memory_equal(m, bb, 8);
	/* invalidate discards dirty data at both levels */
	cache_access(&r.c, 0x200, a, 8, true, &k);	/* dirty in L1 */
	cache_access(&r.c, 0x210, a, 8, true, &k);
	cache_access(&r.c, 0x230, b, 8, false, &k);
	cache_access(&r.c, 0x250, b, 8, false, &k);	/* 0x210 in L2 */
	memset(&k, 0, sizeof(k));
	cache_maint(&r.c, CACHE_INVAL, 0x200, 32, &k);
	assert_int_equal(k.cpu, 2 * 5 + 2 * 2 + 100);
	assert_int_equal(k.bus, 0);
	cache_view_read(&r.c, 0x200, m, 8);
	assert_memory_equal(m, z, 8);
	cache_view_read(&r.c, 0x210, m, 8);
	assert_memory_equal(m, z, 8);
	assert_true(cache_check(&r.c));
	rig_fini(&r);
}

/* Non-coherent: after a DMA write, the CPU reads stale bytes from the L1,
 * then (the line pushed out of the L1) from the L2, until it invalidates. */
static void test_l2_stale(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	uint8_t v[8] = { 9, 9, 9, 9, 9, 9, 9, 9 }, m[8], z[8] = { 0 }, b[8];
	struct bus_master dummy = { .name = "dma" };

	(void)state;
	rig2_init(&r, false);
	cache_access(&r.c, 0x500, m, 8, false, &k);
	memory_write(&r.mem, 0x500, v, 8);		/* the DMA's data */
	bus_snoop(&r.bus, &dummy, 0x500, 16, true);	/* nobody hears */
	cache_access(&r.c, 0x500, m, 8, false, &k);
	assert_memory_equal(m, z, 8);			/* stale, from L1 */
	cache_access(&r.c, 0x520, b, 8, false, &k);
	cache_access(&r.c, 0x540, b, 8, false, &k);
	assert_false(cache_present(&r.c, 0x500, NULL));
	memset(&k, 0, sizeof(k));
	cache_access(&r.c, 0x500, m, 8, false, &k);
	assert_int_equal(k.bus, 0);
	assert_memory_equal(m, z, 8);			/* stale, from L2 */
	cache_maint(&r.c, CACHE_INVAL, 0x500, 16, &k);
	cache_access(&r.c, 0x500, m, 8, false, &k);
	assert_memory_equal(m, v, 8);
	rig_fini(&r);
}

/* Linking refuses mismatches and loops. */
static void test_l2_link(void **state)
{
	struct rig r;
	struct cache_config cc = { .size = 64, .ways = 2, .line = 16,
		.word = 8, .hit = 1, .coherent = false };
	struct cache x;

	(void)state;
	rig2_init(&r, true);
	assert_int_equal(cache_set_next(&r.l2, &r.c), DMASIM_EINVAL);
	assert_int_equal(cache_set_next(&r.c, &r.l2), DMASIM_EINVAL);
	assert_int_equal(cache_init(&x, &r.sim, &r.bus, "x", &cc), 0);
	assert_int_equal(cache_set_next(&r.l2, &x), DMASIM_EINVAL);
	cache_fini(&x);
	rig_fini(&r);
}

/* compute(2000) at CPI 1 with mem_frac 0.5 (1000 references of 8 bytes)
 * on the rig's 64-byte L1; returns the effective CPI. */
static double footprint_run(uint64_t footprint, struct rig *r)
{
	struct cpu_config pc = { .period = 1000, .cpi = 1, .mem_frac = 0.5,
		.data_addr = 0x10000, .footprint = footprint, .word = 8,
		.pio_loop = 2 };
	struct cpu *cpu = &r->cpu;
	struct cpu_op op;
	double cpi;

	rig_init(r, false);
	assert_int_equal(cpu_init(cpu, &r->sim, &r->bus, "cpu", &pc,
				  BUS_MODE_BURST, 0), 0);
	cpu_set_mem_hook(cpu, cache_cpu_hook(&r->c, cpu->name));
	cpu_op_compute(&op, 2000, 1, 0.5);
	assert_int_equal(cpu_submit(cpu, CPU_CTX_THREAD, &op), 0);
	sim_run(&r->sim, UINT64_MAX);
	assert_int_equal(cpu->mem_refs, 1000);
	assert_int_equal(cpu->instructions, 2000);
	cpi = cpu_effective_cpi(cpu);
	return cpi;
}

/* A footprint that fits (64 bytes: the whole cache) misses only while
 * warming up: 4 line fills, then 996 hits of 1 cycle, CPI ~ 1.5.  One that
 * does not (4 KiB: 256 lines, 4 held) misses on ~98% of references, each a
 * 2-cycle line fill on the bus on top of the hit cycle: CPI ~ 2.5.  With no
 * footprint every reference is a 1-cycle word on the bus, the cache sees
 * none: CPI 1.5. */
static void test_compute_footprint(void **state)
{
	struct rig r;
	double fit, big, none;

	(void)state;
	fit = footprint_run(64, &r);
	assert_int_equal(r.c.misses, 4);
	assert_int_equal(r.c.hits, 996);
	assert_int_equal(bus_busy_cycles(&r.bus), 8);
	assert_true(fit > 1.504 - 1e-9 && fit < 1.504 + 1e-9); /* 3008/2000 */
	rig_fini(&r);
	big = footprint_run(4096, &r);
	assert_true(r.c.misses > 950);
	assert_int_equal(r.c.misses + r.c.hits, 1000);
	assert_int_equal(bus_busy_cycles(&r.bus), 2 * r.c.misses);
	/* (2000 + 1000 hit cycles + 2 per miss) / 2000 */
	assert_true(big > (3000.0 + 2.0 * (double)r.c.misses) / 2000 - 1e-9 &&
		    big < (3000.0 + 2.0 * (double)r.c.misses) / 2000 + 1e-9);
	assert_true(big > fit + 0.9);
	rig_fini(&r);
	none = footprint_run(0, &r);
	assert_int_equal(r.c.misses + r.c.hits, 0);
	assert_int_equal(bus_busy_cycles(&r.bus), 1000);	/* a word each */
	rig_fini(&r);
	assert_true(none > 1.5 - 1e-9 && none < 1.5 + 1e-9);
}

/*
 * A 16 KiB non-cacheable read is 2048 word transactions (8 bytes, 20 ns
 * latency + 1 beat = 21 bus cycles each), each granted on its own: another
 * master that asks for the bus 100 ns in waits for the word in flight
 * only, not for the 43,008 cycles of the whole read; and the CPU's read
 * still returns the memory's bytes.
 */
static void test_uncached_per_access(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
		"local mem = sys:memory{ base = 0, size = '1MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{ clock = '1GHz' }\n"
		"local l1 = sys:cache{ cpu = cpu, size = '32KiB', ways = 4, line = 64 }\n"
		"l1:set_cacheable(0x10000, 16384, false)\n"
		"mem:fill(0x10000, 16384, 7)\n"
		"local other = sys:traffic{ name = 'other', access = 8, count = 1 }\n"
		"local t_cpu, ok\n"
		"sys:spawn(function()\n"
		"  local d = cpu:load(0x10000, 16384)\n"
		"  ok = dmasim.hash(d) == mem:hash(0x10000, 16384)\n"
		"  t_cpu = sys:now()\n"
		"end)\n"
		"sys:spawn(function() sys:wait('100ns'); other:start(); other:wait() end)\n"
		"sys:run()\n"
		"dmasim.report('other_done_ns', other.done_at / 1000)\n"
		"dmasim.report('cpu_done_ns', t_cpu / 1000)\n"
		"dmasim.report('data_right', ok)\n"
		"dmasim.report('grants', sys:stat('bus.grants'))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	/* 100 ns, the word in flight ends by 105 ns, then 8 cycles */
	assert_true(tu_num(run, "other_done_ns") <= 100 + 21 + 8);
	/* the CPU's words, plus the other master's 8 cycles */
	assert_true(tu_num(run, "cpu_done_ns") == 2048 * 21 + 8);
	assert_string_equal(tu_str(run, "data_right"), "true");
	assert_true(tu_num(run, "grants") == 2048 + 1);
	dmasim_run_free(run);
}

static void test_stale_scenario(void **state)
{
	int code;
	struct dmasim_run *run;

	(void)state;
	run = tu_run("scenarios/stale_cache.lua", &code, NULL);
	assert_int_equal(code, 0);
	for (int i = 0; i < dmasim_run_claim_count(run); i++) {
		struct dmasim_claim c;

		dmasim_run_claim(run, i, &c);
		assert_true(c.agree);
	}
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_miss_evict),
		cmocka_unit_test(test_writeback_data),
		cmocka_unit_test(test_maintenance),
		cmocka_unit_test(test_noncacheable),
		cmocka_unit_test(test_uncached_per_access),
		cmocka_unit_test(test_snoop),
		cmocka_unit_test(test_l2_fill_and_hit),
		cmocka_unit_test(test_l2_evict_dirty),
		cmocka_unit_test(test_l2_snoop),
		cmocka_unit_test(test_l2_maintenance),
		cmocka_unit_test(test_l2_stale),
		cmocka_unit_test(test_l2_link),
		cmocka_unit_test(test_compute_footprint),
		cmocka_unit_test(test_stale_scenario),
	};

	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	return cmocka_run_group_tests_name("/hw/cache", tests, NULL, NULL);
}
