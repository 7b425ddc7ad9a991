/*
 * /os/dmamap: the mapping API through the scenario language: a DMA mask
 * forces bouncing and the data still arrives; the bounce pool runs out and
 * the next map is a mapping error (and the failed map leaves nothing
 * mapped); a scatter-gather list maps, carries data and unmaps; coherent
 * allocations come from their pool until it is exhausted.
 */
#include "testutil.h"

static const char *const head =
	"package.path = package.path .. ';" DMASIM_SOURCE_DIR
	"/scenarios/lib/?.lua'\n"
	"local machine = require 'machine'\n"
	"local m = machine.build{}\n"
	"local l1 = m.sys:cache{ cpu = m.cpu, size = '32KiB', ways = 4 }\n"
	"local dev = m.sys:dma_device{ cpu = m.cpu, cache = l1, mask = '1MiB',"
	" bounce_base = 0xC0000, bounce_size = '8KiB', bounce_slot = 2048,"
	" pool_base = 0x80000, pool_size = '8KiB' }\n"
	"m.mem:fill(0x100000, 65536, 3)\n";

static struct dmasim_run *run_body(const char *body)
{
	char text[8192];
	struct dmasim_run *run;
	int code;

	snprintf(text, sizeof(text), "%sm.sys:spawn(function()\n%s\nend)\n"
		 "m.sys:run()\n", head, body);
	run = tu_run_text(text, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	return run;
}

static void mask_forces_bounce(void **state)
{
	struct dmasim_run *run = run_body(
		"local low = dev:map_single(0x40000, 4096, 'from_device')\n"
		"assert(low == 0x40000 and dev.bounces == 0)\n"
		"local h = dev:map_single(0x200000, 4096, 'from_device')\n"
		"assert(not dev:mapping_error(h))\n"
		"dmasim.report('bounced', (h >= 0xC0000 and h < 0xC2000) "
		"and 1 or 0)\n"
		"m.drv:copy(0, 0x100000, h, 4096); m.drv:wait(0)\n"
		"dev:unmap_single(h, 4096, 'from_device')\n"
		"dev:unmap_single(low, 4096, 'from_device')\n"
		"dmasim.report('data', dmasim.hash(m.cpu:load(0x200000, 4096))"
		" == m.mem:hash(0x100000, 4096) and 1 or 0)\n"
		"dmasim.report('bounces', dev.bounces)\n"
		"dmasim.report('bounce_bytes', dev.bounce_bytes)\n");

	(void)state;
	assert_int_equal(tu_int(run, "bounced"), 1);
	assert_int_equal(tu_int(run, "data"), 1);
	assert_int_equal(tu_int(run, "bounces"), 1);
	assert_int_equal(tu_int(run, "bounce_bytes"), 4096);
	dmasim_run_free(run);
}

static void bounce_pool_runs_out(void **state)
{
	struct dmasim_run *run = run_body(
		"local a = dev:map_single(0x200000, 4096, 'to_device')\n"
		"local b = dev:map_single(0x300000, 4096, 'to_device')\n"
		"assert(not dev:mapping_error(a) and not dev:mapping_error(b))\n"
		"local c = dev:map_single(0x400000, 2048, 'to_device')\n"
		"dmasim.report('third_error', dev:mapping_error(c) and 1 or 0)\n"
		"dmasim.report('errors', dev.map_errors)\n"
		"dev:unmap_single(a, 4096, 'to_device')\n"
		"local d = dev:map_single(0x400000, 2048, 'to_device')\n"
		"dmasim.report('after_free_ok', dev:mapping_error(d) and 0 or 1)\n"
		"local sg, n = dev:map_sg({ {0x500000, 2048}, {0x600000, 4096} },"
		" 'to_device')\n"
		"dmasim.report('sg_n', n)\n"
		"dev:unmap_single(b, 4096, 'to_device')\n"
		"dev:unmap_single(d, 2048, 'to_device')\n"
		"local e = dev:map_single(0x700000, 8192, 'to_device')\n"
		"dmasim.report('whole_pool_ok', dev:mapping_error(e) and 0 or 1)\n"
		"dev:unmap_single(e, 8192, 'to_device')\n");

	(void)state;
	assert_int_equal(tu_int(run, "third_error"), 1);
	assert_int_equal(tu_int(run, "errors"), 1);
	assert_int_equal(tu_int(run, "after_free_ok"), 1);
	/* 2 KiB free, the list needs 6: fails, and releases its first slot */
	assert_int_equal(tu_int(run, "sg_n"), 0);
	assert_int_equal(tu_int(run, "whole_pool_ok"), 1);
	dmasim_run_free(run);
}

static void scatter_gather(void **state)
{
	struct dmasim_run *run = run_body(
		"local sg = { {0x40000, 1024}, {0x48000, 512}, {0x50040, 2048} }\n"
		"local dmas, n = dev:map_sg(sg, 'from_device')\n"
		"assert(n == 3)\n"
		"local ok = 1\n"
		"for i = 1, n do\n"
		"  if dmas[i] ~= sg[i][1] then ok = 0 end\n"
		"  m.drv:copy(0, 0x100000, dmas[i], sg[i][2]); m.drv:wait(0)\n"
		"end\n"
		"dev:unmap_sg(dmas, n, 'from_device')\n"
		"for i = 1, n do\n"
		"  if dmasim.hash(m.cpu:load(sg[i][1], sg[i][2])) ~= "
		"m.mem:hash(0x100000, sg[i][2]) then ok = 0 end\n"
		"end\n"
		"dmasim.report('ok', ok)\n"
		"dmasim.report('maps', dev.maps)\n");

	(void)state;
	assert_int_equal(tu_int(run, "ok"), 1);
	assert_int_equal(tu_int(run, "maps"), 1);
	dmasim_run_free(run);
}

static void coherent_pool(void **state)
{
	struct dmasim_run *run = run_body(
		"local a, da = dev:alloc_coherent(4096)\n"
		"local b, db = dev:alloc_coherent(100)\n"
		"local c = dev:alloc_coherent(1)\n"
		"dmasim.report('a', a); dmasim.report('b', b)\n"
		"dmasim.report('exhausted', c == nil and 1 or 0)\n"
		"dev:free_coherent(a, 4096, da); dev:free_coherent(b, 100, db)\n");

	(void)state;
	assert_int_equal(tu_int(run, "a"), 0x80000);
	assert_int_equal(tu_int(run, "b"), 0x81000);
	assert_int_equal(tu_int(run, "exhausted"), 1);
	dmasim_run_free(run);
}

/*
 * A bounce copy is the CPU's loads and stores through its cache.  1 GHz
 * CPU and bus, 8 bytes wide, 20 ns memory, 64-byte lines, hit 1 cycle a
 * word, copy 4 cycles a line, sync bookkeeping 10 cycles.  sync_for_cpu of
 * 256 bounced bytes copies 4 lines; per line: 4 (loop) + 8 loads + 8
 * stores = 20 cycles, then two line fills on the bus (the slot's line,
 * and the buffer's, write-allocate), 20 + 8 = 28 cycles each, each its own
 * grant: 76 ns a line, 304 ns, plus 10: 314 ns.  (The former price, 4
 * cycles a line and an untimed copy into memory, gave 10 + 4 * (4 + 2 *
 * 28) = 250 ns.)  The copy lands in the cache: the buffer's lines are
 * dirty and memory still holds the old bytes, the CPU reads the new.
 */
static void bounce_copy_through_cache(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
		"local mem = sys:memory{ base = 0, size = '4MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{ clock = '1GHz' }\n"
		"local l1 = sys:cache{ cpu = cpu, size = '32KiB', ways = 4,"
		" line = 64, hit = 1, coherent = true }\n"
		"local dev = sys:dma_device{ cpu = cpu, cache = l1, mask = '1MiB',"
		" bounce_base = 0xC0000, bounce_size = '8KiB', copy = 4,"
		" sync_cycles = 10 }\n"
		"local t, dirty, data, fills0, fills\n"
		"sys:spawn(function()\n"
		"  local h = dev:map_single(0x200000, 256, 'from_device')\n"
		"  mem:write(h, string.rep('n', 256))   -- the device's data\n"
		"  fills0 = sys:stat('bus.cpu0.grants')\n"
		"  local t0 = sys:now()\n"
		"  dev:sync_for_cpu(h, 256, 'from_device')\n"
		"  t = sys:now() - t0\n"
		"  fills = sys:stat('bus.cpu0.grants') - fills0\n"
		"  local _, d = l1:present(0x200000)\n"
		"  dirty = d\n"
		"  data = cpu:load(0x200000, 256)\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('sync_ns', t / 1000)\n"
		"dmasim.report('grants', fills)\n"
		"dmasim.report('dirty', dirty)\n"
		"dmasim.report('cpu_sees_new', data == string.rep('n', 256))\n"
		"dmasim.report('memory_old', mem:read(0x200000, 256) =="
		" string.rep('\\0', 256))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "sync_ns") == 314);
	assert_true(tu_num(run, "grants") == 8);
	assert_string_equal(tu_str(run, "dirty"), "true");
	assert_string_equal(tu_str(run, "cpu_sees_new"), "true");
	assert_string_equal(tu_str(run, "memory_old"), "true");
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mask_forces_bounce),
		cmocka_unit_test(bounce_pool_runs_out),
		cmocka_unit_test(scatter_gather),
		cmocka_unit_test(coherent_pool),
		cmocka_unit_test(bounce_copy_through_cache),
	};

	return cmocka_run_group_tests_name("/os/dmamap", tests, NULL, NULL);
}
