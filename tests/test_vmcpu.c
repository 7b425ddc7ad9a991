/* test_vmcpu: the memory manager's memory work as the CPU's transactions,
 * worked by hand: a migration's copy as 64 line loads and stores, a
 * pinned page's zero fill, and a fresh page's zero fill behind a page-out
 * (the swap worker's), each timed on the bus and checked for its data. */
#include <string.h>

#include "testutil.h"

/* The machine of the first tests: 1 GHz CPU and bus, 8 bytes wide, 20 ns
 * memory, no cache: a 64-byte load or store is one bus transaction of
 * 20 + 64/8 = 28 ns; an 8-byte one 21 ns. */
#define RIG \
	"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n" \
	"local mem = sys:memory{ base = 0, size = '64MiB', latency = '20ns' }\n" \
	"local cpu = sys:cpu{ clock = '1GHz' }\n" \
	"local vm = sys:vm{ memory = mem, base = '16MiB', size = '4MiB'," \
	" migrate_cycles = 1000, pin_cycles = 200, fault_cycles = 500 }\n" \
	"local as = vm:aspace{ size = '64KiB' }\n" \
	"local function bytes(n, k)\n" \
	"  local t = {}\n" \
	"  for i = 0, n - 1 do t[#t + 1] = string.char((i * 7 + k) % 256) end\n" \
	"  return table.concat(t)\n" \
	"end\n"

/*
 * A migration: migrate_cycles (1000 ns), then the 4 KiB copied as 64
 * lines, each a load from the old frame and a store into the new
 * (28 + 28 ns): 64 x 56 = 3584 ns; 4584 ns in all, 128 CPU grants.  The
 * page holds the same bytes in another frame.  The space has no page
 * tables (no MMU runs it): no entry to store.
 */
static void migrate_copies_by_lines(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(RIG
		"local data = bytes(4096, 3)\n"
		"as:write(0x2000, data)\n"
		"local pa0 = as:pa(0x2000)\n"
		"local t, cyc\n"
		"sys:spawn(function()\n"
		"  local t0 = sys:now()\n"
		"  cyc = as:migrate(0x2000, cpu)\n"
		"  t = sys:now() - t0\n"
		"end)\n"
		"local g0 = sys:stat('bus.cpu0.grants')\n"
		"sys:run()\n"
		"dmasim.report('ns', t / 1000)\n"
		"dmasim.report('cycles', cyc)\n"
		"dmasim.report('moved', as:pa(0x2000) ~= pa0)\n"
		"dmasim.report('same', as:read(0x2000, 4096) == data)\n"
		"dmasim.report('grants', sys:stat('bus.cpu0.grants') - g0)\n"
		"dmasim.report('migrations', vm.migrations)\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "ns") == 1000 + 64 * (28 + 28));
	assert_true(tu_num(run, "cycles") == 4584);
	assert_string_equal(tu_str(run, "moved"), "true");
	assert_string_equal(tu_str(run, "same"), "true");
	assert_true(tu_num(run, "grants") == 128);
	assert_true(tu_num(run, "migrations") == 1);
	dmasim_run_free(run);
}

/*
 * A page with page tables (an MMU has run the space): the migration ends
 * with the CPU's store of the new leaf entry, 8 bytes to memory (the
 * tables are not cached): 4584 + 21 = 4605 ns.  The TLB's entry goes, and
 * a load through the MMU walks again and finds the same bytes.  A pinned
 * page is refused after the handler's own cycles, with no copy.
 */
static void migrate_entry_and_refusal(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(RIG
		"local mmu = sys:mmu{ cpu = cpu }\n"
		"local data = bytes(64, 9)\n"
		"local t, got, refused, why, tr\n"
		"sys:spawn(function()\n"
		"  mmu:store(as, 0x3000, data)\n"
		"  local t0 = sys:now()\n"
		"  assert(as:migrate(0x3000, cpu))\n"
		"  t = sys:now() - t0\n"
		"  got = mmu:load(as, 0x3000, 64)\n"
		"  as:pin(0x3000, 1, cpu)\n"
		"  t0 = sys:now()\n"
		"  refused, why = as:migrate(0x3000, cpu)\n"
		"  tr = sys:now() - t0\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('ns', t / 1000)\n"
		"dmasim.report('same', got == data)\n"
		"dmasim.report('refused', refused == nil and why == 'pinned')\n"
		"dmasim.report('refused_ns', tr / 1000)\n"
		"dmasim.report('invals', mmu.tlb_invals)\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "ns") == 1000 + 64 * (28 + 28) + 21);
	assert_string_equal(tu_str(run, "same"), "true");
	assert_string_equal(tu_str(run, "refused"), "true");
	assert_true(tu_num(run, "refused_ns") == 0);
	assert_true(tu_num(run, "invals") == 1);
	dmasim_run_free(run);
}

/*
 * Pinning an untouched page on a CPU: the fault's handler (500 ns) and
 * pin_cycles (200 ns), then the zero fill, 64 stores of 28 ns (1792 ns):
 * 2492 ns.  Its frame, filled with a pattern first, reads as zeros.
 */
static void pin_zero_fills_by_stores(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(RIG
		"mem:fill(16 * 1024 * 1024, 4 * 1024 * 1024, 0x5a)\n"
		"local t, cyc\n"
		"sys:spawn(function()\n"
		"  local t0 = sys:now()\n"
		"  cyc = as:pin(0x4000, 4096, cpu)\n"
		"  t = sys:now() - t0\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('ns', t / 1000)\n"
		"dmasim.report('cycles', cyc)\n"
		"dmasim.report('zeros', as:read(0x4000, 4096) ==\n"
		"  string.rep('\\0', 4096))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "ns") == 500 + 200 + 64 * 28);
	assert_true(tu_num(run, "cycles") == 2492);
	assert_string_equal(tu_str(run, "zeros"), "true");
	dmasim_run_free(run);
}

/*
 * Swap through a disk, memory of one frame holding page 0 (0xa5 bytes): a
 * workload's touch of page 1, never written, reclaims the frame, so the
 * swap worker writes page 0 out by a disk command and then zero-fills the
 * frame for page 1 by the block driver's CPU's stores.  Everything runs
 * one after another on one CPU and one bus (1 GHz, 8 bytes, 20 ns DRAM):
 *   the disk's media time, 100 us + 4096 B / 500 MB/s =   108192 ns
 *   its DMA: command fetch 28, data 20 + 512, CQE 22  =      582
 *   the CPU's bus transactions: the 64 zero stores (64 x 28 = 1792) and
 *     the driver's 11 (SQ entry 28, CQE loads 2 x 22, doorbells and
 *     registers 8 x 1: 80)                              =     1872
 *   the CPU's cycles: submit 500, complete 300, irq entry 100 and exit
 *     50, the fault's handler 2000, the touch 100        =     3050
 *                                                          113696 ns
 * Page 1 reads as zeros; page 0 comes back intact from the disk.
 */
static void swap_zero_fill_by_worker(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
		"local mem = sys:memory{ base = 0, size = '64MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{ clock = '1GHz', irq_entry = 100,"
		" irq_exit = 50 }\n"
		"local ic = sys:intc{ lines = 4 }\n"
		"local disk = sys:disk{ base = 0x60000000, size = '1MiB',"
		" latency = '100us', bandwidth = '500MB/s', intc = ic,"
		" irq_line = 1 }\n"
		"local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = 0x100000,"
		" cq = 0x101000, prp = 0x200000, submit_cycles = 500,"
		" complete_cycles = 300 }\n"
		"local vm = sys:vm{ memory = mem, base = 0x1000000, size = 4096,"
		" fault_cycles = 2000, swap = { blkdev = blk, slots = 4 } }\n"
		"local as = vm:aspace{ size = 8192 }\n"
		"as:write(0, string.rep('\\xa5', 4096))\n"
		"local w = vm:workload{ aspace = as, first_page = 1, pages = 1,"
		" touches = 1, write_frac = 0, touch_cycles = 100, cpu = cpu }\n"
		"sys:run()\n"
		"assert(w.error == '', w.error)\n"
		"dmasim.report('ns', w.elapsed / 1000)\n"
		"dmasim.report('grants', sys:stat('bus.cpu0.grants'))\n"
		"dmasim.report('bus', sys:stat('bus.cpu0.busy_cycles'))\n"
		"dmasim.report('zeros', as:read(4096, 4096) ==\n"
		"  string.rep('\\0', 4096))\n"
		"dmasim.report('back', as:read(0, 4096) ==\n"
		"  string.rep('\\xa5', 4096))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "ns") == 108192 + 582 + 1872 + 3050);
	assert_true(tu_num(run, "grants") == 64 + 11);
	assert_true(tu_num(run, "bus") == 64 * 28 + 80);
	assert_string_equal(tu_str(run, "zeros"), "true");
	assert_string_equal(tu_str(run, "back"), "true");
	dmasim_run_free(run);
}

/* A migration needs the CPU that copies, and says so. */
static void migrate_needs_a_cpu(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(RIG
		"as:write(0, 'x')\n"
		"sys:spawn(function() as:migrate(0) end)\n"
		"sys:run()\n",
		&code, NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "expected the CPU"));
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrate_copies_by_lines),
		cmocka_unit_test(migrate_entry_and_refusal),
		cmocka_unit_test(pin_zero_fills_by_stores),
		cmocka_unit_test(swap_zero_fill_by_worker),
		cmocka_unit_test(migrate_needs_a_cpu),
	};

	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	return cmocka_run_group_tests_name("/sys/vmcpu", tests, NULL, NULL);
}
