/* test_mmu: a CPU's virtual accesses through its MMU, worked by hand:
 * walks of four 8-byte reads, a page fault taken as a trap, TLB hits, and
 * the TLB entry dropped when the memory manager moves the page; the
 * memory manager's own memory work (zero fill, copies, entries) made by
 * the CPU's loads and stores. */
#include <string.h>

#include "testutil.h"

/*
 * 1 GHz CPU and bus, 8 bytes wide, 20 ns memory: one 8-byte read is
 * 20 + 1 = 21 bus cycles.  No cache.  trap_cycles 100, fault handling
 * 1000 cycles.
 *   store to an untouched page of a space no MMU has run yet: the OS
 *     builds its tables first, by the CPU's stores: a 64 KiB space takes
 *     levels 0 to 2 and one leaf table, 4 frames zeroed by 256 stores of
 *     64 bytes (20 + 8 ns each: 7168 ns), then the 3 entries above the
 *     leaves (8 bytes: 21 ns each, 63 ns), no page being present yet:
 *     7231 ns.  Then a walk (4 reads, 84 ns) that finds the leaf entry
 *     invalid, the trap and handler (1100 ns), the handler's zero fill of
 *     the new frame (64 stores of 64 bytes, 1792 ns), its store of the
 *     leaf entry (21 ns), the walk again (84 ns), the store (21 ns):
 *     7231 + 3102 = 10333 ns;
 *   a load of it: a TLB hit, the load: 21 ns;
 *   the page migrated: its TLB entry dropped; a load walks again and reads
 *     the new frame: 84 + 21 = 105 ns, the data intact.
 */
static void fault_walk_hit_migrate(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
		"local mem = sys:memory{ base = 0, size = '64MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{ clock = '1GHz' }\n"
		"local vm = sys:vm{ memory = mem, base = '16MiB', size = '4MiB',"
		" fault_cycles = 1000 }\n"
		"local mmu = sys:mmu{ cpu = cpu, entries = 4, ways = 4,"
		" trap_cycles = 100 }\n"
		"local as = vm:aspace{ size = '64KiB' }\n"
		"local t = {}\n"
		"local got, back\n"
		"sys:spawn(function()\n"
		"  local t0 = sys:now()\n"
		"  mmu:store(as, 0x1008, 'abcdefgh')\n"
		"  t[1] = sys:now() - t0; t0 = sys:now()\n"
		"  got = mmu:load(as, 0x1008, 8)\n"
		"  t[2] = sys:now() - t0\n"
		"  assert(as:migrate(0x1000, cpu))\n"
		"  t0 = sys:now()\n"
		"  back = mmu:load(as, 0x1008, 8)\n"
		"  t[3] = sys:now() - t0\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('store_ns', t[1] / 1000)\n"
		"dmasim.report('load_ns', t[2] / 1000)\n"
		"dmasim.report('moved_ns', t[3] / 1000)\n"
		"dmasim.report('got', got == 'abcdefgh')\n"
		"dmasim.report('back', back == 'abcdefgh')\n"
		"dmasim.report('hits', mmu.tlb_hits)\n"
		"dmasim.report('misses', mmu.tlb_misses)\n"
		"dmasim.report('reads', mmu.walk_reads)\n"
		"dmasim.report('faults', mmu.faults)\n"
		"dmasim.report('invals', mmu.tlb_invals)\n"
		"dmasim.report('walker', sys:stat('bus.cpu0.mmu.walker.grants'))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_true(tu_num(run, "store_ns") == 10333);
	assert_true(tu_num(run, "load_ns") == 21);
	assert_true(tu_num(run, "moved_ns") == 105);
	assert_string_equal(tu_str(run, "got"), "true");
	assert_string_equal(tu_str(run, "back"), "true");
	assert_true(tu_num(run, "hits") == 1);
	assert_true(tu_num(run, "misses") == 3);
	assert_true(tu_num(run, "reads") == 12);
	assert_true(tu_num(run, "walker") == 12);
	assert_true(tu_num(run, "faults") == 1);
	assert_true(tu_num(run, "invals") == 1);
	dmasim_run_free(run);
}

/* A fresh page's frame, full of an earlier owner's bytes, reads as zeros
 * but for what the faulting store wrote: the handler's stores cleared it
 * (the frames are filled with a pattern first, so a fill that did not
 * happen shows; so do tables not zeroed, the pattern read as entries).
 * The fill's 64 line stores are bus grants of the CPU's own, beside the
 * walks' reads. */
static void fault_zero_fill(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
		"local mem = sys:memory{ base = 0, size = '64MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{ clock = '1GHz' }\n"
		"local vm = sys:vm{ memory = mem, base = '16MiB', size = '4MiB' }\n"
		"local mmu = sys:mmu{ cpu = cpu }\n"
		"local as = vm:aspace{ size = '64KiB' }\n"
		"mem:fill(16 * 1024 * 1024, 4 * 1024 * 1024, 3)\n"
		"local z\n"
		"sys:spawn(function()\n"
		"  mmu:store(as, 0x1008, 'abcdefgh')\n"
		"  z = mmu:load(as, 0x1000, 4096)\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('zeroed', z == string.rep('\\0', 8) .. 'abcdefgh' ..\n"
		"  string.rep('\\0', 4096 - 16))\n"
		"dmasim.report('cpu_grants', sys:stat('bus.cpu0.grants'))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "zeroed"), "true");
	/* the tables' 256 zeroing stores and 3 entries, 64 fill stores,
	 * the entry's store, the store, the 4 KiB load (one grant) */
	assert_true(tu_num(run, "cpu_grants") == 256 + 3 + 64 + 1 + 1 + 1);
	dmasim_run_free(run);
}

/* A TLB that does not divide into a power of two of sets is refused, and
 * an access outside the space is an error naming the range. */
static void errors(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local sys = dmasim.system{}\n"
		"local cpu = sys:cpu{}\n"
		"local ok, e = pcall(sys.mmu, sys, { cpu = cpu, entries = 12,"
		" ways = 4 })\n"
		"dmasim.report('bad_ways', tostring(e))\n",
		&code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_non_null(strstr(tu_str(run, "bad_ways"), "power-of-two"));
	dmasim_run_free(run);
	run = tu_run_text(
		"local sys = dmasim.system{}\n"
		"local mem = sys:memory{ base = 0, size = '64MiB' }\n"
		"local cpu = sys:cpu{}\n"
		"local vm = sys:vm{ memory = mem, base = '16MiB', size = '4MiB' }\n"
		"local mmu = sys:mmu{ cpu = cpu }\n"
		"local as = vm:aspace{ size = '8KiB' }\n"
		"sys:spawn(function() mmu:load(as, 0x2000, 8) end)\n"
		"sys:run()\n",
		&code, NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "inside the address "
			       "space"));
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fault_walk_hit_migrate),
		cmocka_unit_test(fault_zero_fill),
		cmocka_unit_test(errors),
	};

	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	return cmocka_run_group_tests_name("/hw/mmu", tests, NULL, NULL);
}
