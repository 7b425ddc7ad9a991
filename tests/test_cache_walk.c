/* test_cache_walk: maintenance by range as the CPU runs it, line by line,
 * with dirty lines written back through the write-back buffer as bus
 * transactions and a barrier that waits for them; hand-worked cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cache.h"
#include "hw/memory.h"
#include "testutil.h"

/* 2 sets x 2 ways x 16-byte lines; bus 1 ns per cycle, 8 bytes wide,
 * memory with no latency: a line transaction is 2 bus cycles. */
struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct cache c;
};

static void rig_init(struct rig *r)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = 1 << 20 };
	struct cache_config cc = { .size = 64, .ways = 2, .line = 16, .word = 8,
		.hit = 1, .clean = 10, .inval = 5, .flush = 12, .barrier = 100,
		.snoop = 1 };

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

/*
 * Clean [0x100, 0x140), four lines, of which 0x110 and 0x130 are dirty:
 * the first step covers 0x100 and 0x110 (2 x 10 cycles) and queues 0x110's
 * write-back; the second 0x120 and 0x130 (20 cycles) and queues 0x130's;
 * the barrier then waits while the buffer holds lines, and a line's data
 * reaches memory only when its bus transaction completes; then the
 * barrier's 100 cycles, and done.
 */
static void test_walk_steps(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	struct cache_walk w;
	uint8_t a[8] = { 1, 1, 1, 1, 1, 1, 1, 1 }, b[8] = { 2, 2, 2, 2, 2, 2,
		2, 2 }, m[8], z[8] = { 0 }, got[16];
	uint64_t cyc = 0;

	(void)state;
	rig_init(&r);
	cache_access(&r.c, 0x100, m, 8, false, &k);	/* clean, set 0 */
	cache_access(&r.c, 0x110, a, 8, true, &k);	/* dirty, set 1 */
	cache_access(&r.c, 0x120, m, 8, false, &k);	/* clean, set 0 */
	cache_access(&r.c, 0x130, b, 8, true, &k);	/* dirty, set 1 */
	assert_int_equal(cache_walk_begin(&w, &r.c, CACHE_CLEAN, 0x100, 0x40),
			 0);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_CYCLES);
	assert_int_equal(cyc, 20);
	assert_int_equal(r.c.wb.n, 1);
	memory_read(&r.mem, 0x110, m, 8);
	assert_memory_equal(m, z, 8);		/* not in memory yet */
	/* a read of the line still waiting is served from the buffer */
	cache_view_read(&r.c, 0x110, got, 8);
	assert_memory_equal(got, a, 8);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_CYCLES);
	assert_int_equal(cyc, 20);
	assert_int_equal(r.c.wb.n, 2);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_WAIT);
	sim_run(&r.sim, UINT64_MAX);
	/* two line transactions of 2 bus cycles each, one grant each */
	assert_int_equal(r.c.wb.n, 0);
	assert_int_equal(r.c.wb.lines, 2);
	assert_int_equal(r.c.wb.port.grants, 2);
	assert_int_equal(r.c.wb.port.busy_cycles, 4);
	memory_read(&r.mem, 0x110, m, 8);
	assert_memory_equal(m, a, 8);
	memory_read(&r.mem, 0x130, m, 8);
	assert_memory_equal(m, b, 8);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_CYCLES);
	assert_int_equal(cyc, 100);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_DONE);
	cache_walk_end(&w);
	assert_int_equal(r.c.maint_lines, 4);
	assert_int_equal(r.c.writebacks, 2);
	assert_true(cache_check(&r.c));
	rig_fini(&r);
}

/* Invalidate writes nothing back: one step of every line, no wait. */
static void test_walk_inval(void **state)
{
	struct rig r;
	struct cache_cost k = { 0 };
	struct cache_walk w;
	uint8_t a[8] = { 3 }, m[8];
	uint64_t cyc = 0;

	(void)state;
	rig_init(&r);
	cache_access(&r.c, 0x210, a, 8, true, &k);
	assert_int_equal(cache_walk_begin(&w, &r.c, CACHE_INVAL, 0x200, 0x40),
			 0);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_CYCLES);
	assert_int_equal(cyc, 4 * 5);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_CYCLES);
	assert_int_equal(cyc, 100);
	assert_int_equal(cache_walk_step(&w, &cyc), CACHE_WALK_DONE);
	cache_walk_end(&w);
	assert_int_equal(r.c.wb.lines, 0);
	assert_false(cache_present(&r.c, 0x210, NULL));
	memory_read(&r.mem, 0x210, m, 8);
	assert_int_equal(m[0], 0);
	rig_fini(&r);
}

/*
 * Through the CPU: 1 GHz CPU and bus, 8 bytes wide, memory latency 20 ns,
 * 64-byte lines, clean 10 cycles a line, barrier 5.  Four dirty lines:
 * the walk takes 40 cycles, but a line's write-back is 20 + 8 = 28 bus
 * cycles, so the buffer (line k queued at (k - 1) * 10 ns) drains at 28,
 * 56, 84, 112 ns; the barrier waits for it: 112 + 5 = 117 ns.  Had the
 * write-backs been one grant after the walk, 40 + 112 + 5 = 157 ns.  A
 * DMA reading the buffer afterwards sees the CPU's bytes.
 */
/* Clean those four dirty lines by `call` (a cache's clean, or a mapping
 * by the DMA device `dev` makes), the cache's `coherent` as given: the
 * call takes want ns, the bytes reach memory, each line a write-back of
 * its own. */
static void clean_case(const char *coherent, const char *dev,
		       const char *call, double want)
{
	struct dmasim_run *run;
	char text[2048];
	int code;

	snprintf(text, sizeof(text),
		"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
		"local mem = sys:memory{ base = 0, size = '1MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{ clock = '1GHz' }\n"
		"local l1 = sys:cache{ cpu = cpu, size = '32KiB', ways = 4, line = 64,\n"
		"                      clean = 10, barrier = 5, coherent = %s }\n"
		"%s\n"
		"local t, ok\n"
		"sys:spawn(function()\n"
		"  cpu:load(0x1000, 256)\n"
		"  cpu:store(0x1000, string.rep('x', 256))\n"
		"  local t0 = sys:now()\n"
		"  %s\n"
		"  t = sys:now() - t0\n"
		"  ok = mem:hash(0x1000, 256) == dmasim.hash(string.rep('x', 256))\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('ns', t / 1000)\n"
		"dmasim.report('data_right', ok)\n"
		"dmasim.report('wb_grants', sys:stat('bus.l1.wb.grants'))\n",
		coherent, dev, call);
	run = tu_run_text(text, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "ns") == want);
	assert_string_equal(tu_str(run, "data_right"), "true");
	assert_true(tu_num(run, "wb_grants") == 4);
	dmasim_run_free(run);
}

static void test_clean_through_cpu(void **state)
{
	(void)state;
	clean_case("false", "", "l1:clean(0x1000, 256)", 117);
}

/*
 * The mapping API's maintenance is the same walk: the machine above, the
 * cache not coherent, a DMA device whose map costs 7 cycles.  Mapping the
 * four dirty lines for the device cleans them line by line while the
 * write-back buffer drains, the barrier waiting for it: 7 + 117 = 124 ns.
 * Charged as a price (the lines' cycles, then the write-backs as one
 * grant), 7 + 40 + 5 + 112 = 164 ns.
 */
static void test_map_cleans_through_cpu(void **state)
{
	(void)state;
	clean_case("false", "local dev = sys:dma_device{ cpu = cpu, cache = l1, "
		   "map_cycles = 7 }", "dev:map_single(0x1000, 256, 'to_device')",
		   124);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_steps),
		cmocka_unit_test(test_walk_inval),
		cmocka_unit_test(test_clean_through_cpu),
		cmocka_unit_test(test_map_cleans_through_cpu),
	};

	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	return cmocka_run_group_tests_name("/hw/cache_walk", tests, NULL,
					   NULL);
}
