/* test_cache: the cache model on small hand-worked cases, and the
 * sanitizer through scenarios. */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cache.h"
#include "hw/memory.h"
#include "testutil.h"

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct cache c;
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
	assert_int_equal(cache_init(&r->c, &r->sim, &r->bus, "l1", &cc), 0);
}

static void rig_fini(struct rig *r)
{
	cache_fini(&r->c);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
}

static void test_hit_miss_evict(void **state)
{
	struct rig r;
	struct cache_cost k = { 0, 0 };
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
	struct cache_cost k = { 0, 0 };
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
	struct cache_cost k = { 0, 0 };
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
	struct cache_cost k = { 0, 0 };
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
	struct cache_cost k = { 0, 0 };
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
		cmocka_unit_test(test_snoop),
		cmocka_unit_test(test_stale_scenario),
	};

	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	return cmocka_run_group_tests_name("/hw/cache", tests, NULL, NULL);
}
