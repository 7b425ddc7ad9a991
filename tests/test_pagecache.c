/*
 * /os/pagecache, /os/blkdrv and /lua/disk: the page cache's bookkeeping
 * (hits, misses, read-ahead, LRU reuse) on hand-worked cases; the block
 * driver's PRPs and completion phase; and whole machines from the
 * scenario language: page-cache counts and bytes identical after every
 * path, block reads and writes, swap through the disk, and clear errors
 * for bad parameters.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/base.h"
#include "kernel/util.h"
#include "os/blkdrv.h"
#include "os/pagecache.h"
#include "testutil.h"

#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

/* 4 frames, read-ahead 2, a 10-page file from block 80 (512-byte
 * blocks: page p at block 80 + 8p). */
static void plan_and_lru(void **state)
{
	struct pagecache_config c = { .base = 0x100000, .size = 4 * 4096,
				      .readahead = 2, .block = 512 };
	struct pagecache pc;
	uint64_t pa[3], lba;
	int f;

	(void)state;
	assert_int_equal(pagecache_init(&pc, &c), 0);
	f = pagecache_file(&pc, "a", 80, 10 * 4096 - 100);
	assert_int_equal(f, 0);
	assert_int_equal(pagecache_file(&pc, "a", 0, 1), DMASIM_EINVAL);
	assert_int_equal(pagecache_lookup(&pc, 0, 0), UINT64_MAX);
	/* A miss at page 0 fills pages 0, 1, 2 from block 80. */
	assert_int_equal(pagecache_plan(&pc, 0, 0, pa, &lba), 3);
	assert_int_equal(lba, 80);
	assert_int_equal(pa[0], 0x100000);
	assert_int_equal(pa[2], 0x102000);
	/* Filling: still a miss for a reader. */
	assert_int_equal(pagecache_lookup(&pc, 0, 1), UINT64_MAX);
	pagecache_filled(&pc, 0, 0, 3, true);
	assert_int_equal(pc.readahead_pages, 2);
	assert_int_equal(pagecache_lookup(&pc, 0, 1), 0x101000);
	assert_int_equal(pagecache_lookup(&pc, 0, 2), 0x102000);
	/* A miss at page 3: one frame free, then the least recently used
	 * (page 0: used at its fill only). */
	assert_int_equal(pagecache_plan(&pc, 0, 3, pa, &lba), 3);
	assert_int_equal(lba, 80 + 3 * 8);
	assert_int_equal(pa[0], 0x103000);
	assert_int_equal(pa[1], 0x100000);
	assert_int_equal(pc.evictions, 2);	/* pages 0 and 1 */
	pagecache_filled(&pc, 0, 3, 3, true);
	assert_int_equal(pagecache_lookup(&pc, 0, 0), UINT64_MAX);
	assert_int_equal(pagecache_lookup(&pc, 0, 2), 0x102000);
	/* A run stops at a page already cached: a miss at 1 fills 1 only
	 * (2 is cached). */
	assert_int_equal(pagecache_plan(&pc, 0, 1, pa, &lba), 1);
	pagecache_filled(&pc, 0, 1, 1, false);	/* failed: dropped */
	assert_int_equal(pagecache_lookup(&pc, 0, 1), UINT64_MAX);
	/* The file's last page is its tenth: no read-ahead past it. */
	assert_int_equal(pagecache_plan(&pc, 0, 9, pa, &lba), 1);
	assert_int_equal(pc.hits, 3);
	assert_true(pagecache_check(&pc));
	pagecache_fini(&pc);
	c.readahead = 512;
	assert_int_equal(pagecache_init(&pc, &c), DMASIM_EINVAL);
}

/* PRPs: one page, two, and a list; completions in phase and the flip at
 * the wrap. */
static void blkdrv_prps_and_phase(void **state)
{
	struct blkdrv_config c = { .sq_base = 0x1000, .cq_base = 0x2000,
				   .prp_base = 0x10000, .entries = 2 };
	struct blkdrv q;
	uint64_t pages[8], list[512], prp1, prp2, sq;
	uint32_t tail;
	uint8_t e[16] = { 0 };
	int cid, n;

	(void)state;
	assert_int_equal(blkdrv_init(&q, &c), 0);
	n = blkdrv_pages(0x5100, 4096, pages, 8);	/* straddles a page */
	assert_int_equal(n, 2);
	assert_int_equal(pages[1], 0x6000);
	assert_int_equal(blkdrv_prps(&q, 0, pages, n, &prp1, &prp2, list), 0);
	assert_int_equal(prp1, 0x5100);
	assert_int_equal(prp2, 0x6000);
	n = blkdrv_pages(0x8000, 4 * 4096, pages, 8);
	assert_int_equal(n, 4);
	assert_int_equal(blkdrv_prps(&q, 0, pages, n, &prp1, &prp2, list), 3);
	assert_int_equal(prp2, 0x10000);
	assert_int_equal(list[2], 0xb000);
	assert_int_equal(blkdrv_pages(0, 64 * 4096, pages, 8), -1);
	/* Two entries: one command at a time. */
	cid = blkdrv_submit(&q, &sq, &tail);
	assert_int_equal(cid, 0);
	assert_int_equal(sq, 0x1000);
	assert_int_equal(tail, 1);
	assert_int_equal(blkdrv_submit(&q, &sq, &tail), -1);
	/* An entry of the wrong phase is nothing new. */
	assert_false(blkdrv_complete(&q, e, &cid));
	util_le_put(e + 14, 1 | 0x80 << 1, 2);	/* phase 1, LBA range */
	assert_true(blkdrv_complete(&q, e, &cid));
	assert_int_equal(cid, 0);
	assert_int_equal(q.slot[0].status, 0x80);
	assert_int_equal(q.failed, 1);
	assert_int_equal(blkdrv_cq_addr(&q), 0x2010);
	cid = blkdrv_submit(&q, &sq, &tail);
	assert_int_equal(sq, 0x1040);
	assert_int_equal(tail, 0);		/* the SQ wrapped */
	util_le_put(e + 14, 1, 2);
	assert_true(blkdrv_complete(&q, e, &cid));
	assert_int_equal(q.phase, 0);		/* the CQ wrapped */
	assert_false(blkdrv_complete(&q, e, &cid));	/* old phase */
	assert_true(blkdrv_check(&q));
	blkdrv_fini(&q);
}

/* The machine of the Lua cases: a disk on an I/O bus behind a bridge. */
#define MACHINE                                                              \
	"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n" \
	"local io = sys:bus{ name = 'io', clock = '1GHz', width = 8 }\n"     \
	"local mem = sys:memory{ size = '64MiB', latency = '20ns' }\n"       \
	"local cpu = sys:cpu{ clock = '2GHz' }\n"                            \
	"local l1 = sys:cache{ cpu = cpu, size = '8KiB', coherent = %s }\n" \
	"local ic = sys:intc{ lines = 8 }\n"                                 \
	"local disk = sys:disk{ bus = io, base = 0x60000000, size = '8MiB',"\
	"  latency = '10us', bandwidth = '1GB/s', intc = ic, irq_line = 3 }\n"\
	"sys:bridge{ a = sys.system_bus, b = io, latency = '100ns',"         \
	"  a_to_b = { { 0x60000000, '1MiB' } }, b_to_a = { { 0, '64MiB' } } }\n"\
	"local blk = sys:blkdev{ disk = disk, cpu = cpu, cache = l1,"        \
	"  sq = 0x100000, cq = 0x101000, prp = 0x200000 }\n"

static const char counts_text[] = MACHINE
	"local pc = sys:pagecache{ blkdev = blk, base = 0x400000,"
	"  size = '1MiB', readahead = 3 }\n"
	"disk:fill(0, 65536, 9)\n"
	"pc:file('f', 0, 65536)\n"
	"local r = {}\n"
	"sys:spawn(function()\n"
	"  assert(not pc:read('f', 0, 65536, 0x1000000))\n"
	"  r.m1, r.h1, r.ra1, r.d1 = pc.misses, pc.hits, pc.readahead_pages,"
	"    disk.dma_xacts\n"
	"  assert(not pc:read('f', 0, 65536, 0x1100000))\n"
	"  r.d2 = disk.dma_xacts - r.d1\n"
	"  assert(not pc:read('f', 1000, 5000, 0x1200000))\n"
	"  l1:flush(0x1000000, 0x300000)\n"
	"  -- a block write and read back, through the driver\n"
	"  assert(not blk:write(4096, 24, 0x1000000))\n"
	"  assert(not blk:read(4096, 24, 0x1300100))\n"
	"  r.bad = select(2, pcall(blk.read, blk, 16383, 2, 0x1400000))\n"
	"end)\n"
	"sys:run()\n"
	"local h = disk:hash(0, 65536)\n"
	"dmasim.report('misses', r.m1)\n"
	"dmasim.report('hits', r.h1)\n"
	"dmasim.report('readahead', r.ra1)\n"
	"dmasim.report('dma1', r.d1)\n"
	"dmasim.report('dma2', r.d2)\n"
	"dmasim.report('same1', mem:hash(0x1000000, 65536) == h)\n"
	"dmasim.report('same2', mem:hash(0x1100000, 65536) == h)\n"
	"dmasim.report('same3', mem:hash(0x1200000, 5000) ==\n"
	"  disk:hash(1000, 5000))\n"
	"dmasim.report('blk_same', disk:hash(4096 * 512, 24 * 512) ==\n"
	"  mem:hash(0x1000000, 24 * 512) and\n"
	"  mem:hash(0x1300100, 24 * 512) == mem:hash(0x1000000, 24 * 512))\n"
	"dmasim.report('bad', r.bad or 'none')\n"
	"dmasim.report('cache_pages', pc.fills)\n";

/* A 16-page file, read-ahead 3: 4 misses fill 4 pages each (12 read
 * ahead, found as hits), 16 DMA page writes; the second read, none; the
 * bytes identical on every path, coherent cache or not. */
static void lua_counts_and_bytes(void **state)
{
	const char *coh[] = { "true", "false" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		char text[sizeof(counts_text) + 16];
		struct dmasim_run *run;
		int code;

		snprintf(text, sizeof(text), counts_text, coh[i]);
		run = tu_run_text(text, &code, NULL);
		if (code)
			fail_msg("%s", dmasim_run_error(run));
		assert_int_equal(tu_int(run, "misses"), 4);
		assert_int_equal(tu_int(run, "hits"), 12);
		assert_int_equal(tu_int(run, "readahead"), 12);
		assert_int_equal(tu_int(run, "dma1"), 16);
		assert_int_equal(tu_int(run, "dma2"), 0);
		assert_string_equal(tu_str(run, "same1"), "true");
		assert_string_equal(tu_str(run, "same2"), "true");
		assert_string_equal(tu_str(run, "same3"), "true");
		assert_string_equal(tu_str(run, "blk_same"), "true");
		assert_non_null(strstr(tu_str(run, "bad"), "outside the disk"));
		dmasim_run_free(run);
	}
}

/* Swap through the disk (tests/lua/disk_swap.lua): every page paged out
 * and in by the disk's DMA, one 4 KiB command each, and every page's
 * bytes intact afterwards. */
static void lua_swap_round_trip(void **state)
{
	int code;
	struct dmasim_run *run = tu_run("tests/lua/disk_swap.lua", &code,
					NULL);

	(void)state;
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_int_equal(tu_int(run, "setup_dma"), 0);
	assert_true(tu_int(run, "disk_reads") > 100);
	assert_int_equal(tu_int(run, "dma_pages"),
			 tu_int(run, "disk_reads") + tu_int(run, "disk_writes"));
	dmasim_run_free(run);
}

/* Swap through the disk from a fault through the MMU, a pin a CPU runs
 * and a migration a CPU runs (tests/lua/swap_paths.lua), the block
 * driver on the same CPU: each call leaves the CPU while the disk moves
 * its pages, and every page keeps its bytes.  The run's time is at least
 * the media's 10 us for each command, one at a time: the 8 pages faulted
 * back are 8 page-ins behind 8 page-outs of victims; the migration's
 * frame is one page-out.  Then each again with a program paging on the
 * same CPU meanwhile (busy=true): still intact, and an untimed call that
 * must page while the disk is busy is refused. */
static void lua_swap_timed_paths(void **state)
{
	static const char *const via[] = { "via=mmu", "via=pin",
					   "via=migrate" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		int code;
		struct dmasim_run *run = tu_run("tests/lua/swap_paths.lua",
						&code, via[i], "busy=true",
						NULL);

		if (code)
			fail_msg("%s busy: %s", via[i],
				 dmasim_run_error(run));
		assert_string_equal(tu_str(run, "intact"), "true");
		assert_string_equal(tu_str(run, "untimed_refused"), "true");
		assert_true(tu_int(run, "disk_writes") > 8);
		dmasim_run_free(run);
	}
	for (int i = 0; i < 3; i++) {
		int code;
		struct dmasim_run *run = tu_run("tests/lua/swap_paths.lua",
						&code, via[i], NULL);
		int64_t cmds;

		if (code)
			fail_msg("%s: %s", via[i], dmasim_run_error(run));
		assert_string_equal(tu_str(run, "intact"), "true");
		assert_int_equal(tu_int(run, "setup_commands"), 0);
		if (i < 2) {
			assert_int_equal(tu_int(run, "major_faults"), 8);
			assert_int_equal(tu_int(run, "disk_reads"), 8);
			assert_int_equal(tu_int(run, "disk_writes"), 8);
		} else {
			assert_int_equal(tu_int(run, "disk_reads"), 0);
			assert_int_equal(tu_int(run, "disk_writes"), 1);
		}
		cmds = tu_int(run, "disk_reads") + tu_int(run, "disk_writes");
		assert_true(tu_int(run, "elapsed") >= cmds * 10000000);
		dmasim_run_free(run);
	}
}

/* An MMU's load of a page whose entry another CPU's fault handling has
 * yet to store waits off the CPU for it (tests/lua/swap_paths.lua
 * via=shared): the run ends, every load returns the page's bytes, and
 * the pages came back by the disk. */
static void lua_swap_shared_space(void **state)
{
	int code;
	struct dmasim_run *run = tu_run("tests/lua/swap_paths.lua", &code,
					"via=shared", NULL);

	(void)state;
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "done"), "true");
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_true(tu_int(run, "disk_reads") > 24);
	dmasim_run_free(run);
}

static void lua_bad_args(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "local s = dmasim.system{}; s:disk{ block = 1000 }",
		  "block 1000: expected a power of two from 512 to 4096" },
		{ "local s = dmasim.system{}; s:disk{ size = 1000 }",
		  "expected a whole number of 512-byte blocks" },
		{ "local s = dmasim.system{}; s:disk{ kind = 'rotating', "
		  "rpm = 0 }", "rpm 0: expected revolutions per minute > 0" },
		{ "local s = dmasim.system{}; s:disk{ kind = 'rotating', "
		  "positional = true }", "needs sectors per track" },
		{ "local s = dmasim.system{}; s:disk{ kind = 'tape' }",
		  "kind" },
		/* no swap device: a full memory says what is missing */
		{ "local s = dmasim.system{}; local m = s:memory{}; "
		  "local vm = s:vm{ memory = m, size = 16384 }; "
		  "vm:aspace{ size = 32768 }:write(0, string.rep('x', 32768))",
		  "aspace:write: no frame can be had: memory is full and the "
		  "memory manager has no swap device: expected "
		  "system:vm{swap = {blkdev = ...}}" },
		{ "local s = dmasim.system{}; s:memory{}; "
		  "s:blkdev{ disk = s:disk{}, cpu = s:cpu{}, sq = 0, cq = 4096,"
		  " prp = 8192 }", "has no intc" },
		{ "local s = dmasim.system{}; local ic = s:intc{}; "
		  "s:blkdev{ disk = s:disk{ intc = ic }, cpu = s:cpu{} }",
		  "sq, cq and prp: expected addresses" },
		{ "local s = dmasim.system{}; local ic = s:intc{}; "
		  "local b = s:blkdev{ disk = s:disk{ intc = ic }, cpu = s:cpu{},"
		  " sq = 0, cq = 4096, prp = 8192 }; "
		  "s:pagecache{ blkdev = b, base = 0, size = 4096, "
		  "readahead = 600 }", "readahead 600: expected 0 to 511" },
		{ "local s = dmasim.system{}; local ic = s:intc{}; "
		  "local b = s:blkdev{ disk = s:disk{ intc = ic, size = '1MiB' },"
		  " cpu = s:cpu{}, sq = 0, cq = 4096, prp = 8192 }; "
		  "s:pagecache{ blkdev = b, base = 0, size = 4096 }"
		  ":file('f', 2040, 8192)", "inside the disk's 2048 blocks" },
		{ "local s = dmasim.system{}; s:memory{}; local ic = s:intc{}; "
		  "local c = s:cpu{}; local b = s:blkdev{ disk = s:disk{ intc = "
		  "ic }, cpu = c, sq = 0, cq = 4096, prp = 8192 }; "
		  "local pc = s:pagecache{ blkdev = b, base = 0x10000, "
		  "size = 4096 }; s:spawn(function() pc:read('nope', 0, 1, 0) "
		  "end); s:run()", "no file 'nope'" },
		{ "local s = dmasim.system{}; local m = s:memory{}; "
		  "local ic = s:intc{}; local b = s:blkdev{ disk = s:disk{ "
		  "intc = ic, size = '1MiB' }, cpu = s:cpu{}, sq = 0, "
		  "cq = 4096, prp = 8192 }; s:vm{ memory = m, base = 0x100000, "
		  "size = 65536, swap = { blkdev = b, slots = 1000 } }",
		  "expected a page-aligned area inside" },
		{ "local s = dmasim.system{}; s:memory{}; local ic = s:intc{}; "
		  "local c = s:cpu{}; local b = s:blkdev{ disk = s:disk{ intc = "
		  "ic, bus = s:bus{ name = 'x' } }, cpu = c, sq = 0, "
		  "cq = 4096, prp = 8192 }; "
		  "s:spawn(function() b:read(0, 1, 0x10000) end); s:run()",
		  "did not become ready" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tu_refused(cases[i].text, cases[i].msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/os/pagecache/plan_and_lru", plan_and_lru),
		TEST("/os/blkdrv/prps_and_phase", blkdrv_prps_and_phase),
		TEST("/lua/pagecache/counts_and_bytes", lua_counts_and_bytes),
		TEST("/lua/disk/swap_round_trip", lua_swap_round_trip),
		TEST("/lua/disk/swap_timed_paths", lua_swap_timed_paths),
		TEST("/lua/disk/swap_shared_space", lua_swap_shared_space),
		TEST("/lua/disk/bad_args", lua_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
