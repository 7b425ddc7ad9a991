/*
 * /lua/io: scenario-level I/O paths run as scenarios: the polling library
 * (tests/lua/poll_lib.lua, scenarios/lib/poll.lua) and one device feeding
 * another through a DMA channel (tests/lua/dev_to_dev.lua), and arrivals
 * replayed from a trace file.  The figures are worked by hand in the
 * scripts' headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void poll_lib(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/poll_lib.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	/* read: 411 polls of 41 ns; 64 units of 8 words at 54 ns */
	assert_string_equal(tu_str(run, "read_intact"), "true");
	assert_int_equal(tu_int(run, "read_polls"), 411);
	assert_int_equal(tu_int(run, "read_poll_ps"), 411 * 41 * 1000);
	assert_int_equal(tu_int(run, "read_data_ps"), 64 * 8 * 54 * 1000);
	assert_int_equal(tu_int(run, "read_data_bytes"), 4096);
	/* the CPU did nothing else: its busy time is the two accounts */
	assert_int_equal(tu_int(run, "read_cpu_busy"), 411 * 41 + 64 * 8 * 54);
	/* write: polls at 0, 2, ..., 194 us */
	assert_string_equal(tu_str(run, "write_intact"), "true");
	assert_int_equal(tu_int(run, "write_polls"), 98);
	assert_int_equal(tu_int(run, "write_data_bytes"), 256);
	/* a DMA polled to completion: polling spans the device's 409.6 us */
	assert_string_equal(tu_str(run, "dma_intact"), "true");
	assert_int_equal(tu_int(run, "dma_status"), 2);	/* DONE */
	assert_true(tu_int(run, "dma_polls") > 409600 / 41);
	assert_true(tu_int(run, "dma_poll_ps") >= 409600000);
	assert_true(tu_int(run, "dma_poll_ps") < 411000000);
	assert_int_equal(tu_int(run, "dma_data_ps"), 0);
	assert_string_equal(tu_str(run, "bad_cost"), "true");
	dmasim_run_free(run);
}

static void dev_to_dev(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/dev_to_dev.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "status"), 2);
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_int_equal(tu_int(run, "a_moved"), 4096);
	assert_int_equal(tu_int(run, "b_moved"), 4096);
	assert_int_equal(tu_int(run, "lost"), 0);
	/* block mode: the bus held for the whole transfer */
	assert_int_equal(tu_int(run, "grants"), 1);
	assert_int_equal(tu_int(run, "dram_bytes"), 0);
	assert_int_equal(tu_int(run, "done_ns"), 640 + 76 + 3584 * 20 + 76);
	dmasim_run_free(run);
}

/* Arrivals replayed from a trace file (one time per line, units, '#'
 * comments, blank lines), named relative to the scenario's folder: each
 * 64-byte unit is ready at its time and not before (the CPU polls STATUS
 * every read, a read every nanosecond at 1 GHz, so each unit is seen at
 * the first poll at or after its time: 0 -> 1 ns, the others on time);
 * a line that is not a time is refused with its line number. */
static void trace_file_arrivals(void **state)
{
	static const char scen[] =
		"local sys = dmasim.system{}\n"
		"sys:memory{ size = '1MiB' }\n"
		"local cpu = sys:cpu{}\n"
		"local dev = sys:device{ size = 256, unit = 64,\n"
		"  arrival = 'trace', trace = 'dmasim-test-arrivals.txt' }\n"
		"local got = {}\n"
		"sys:spawn(function()\n"
		"  for k = 1, 4 do\n"
		"    repeat local st = cpu:read32(dev.status_reg) until st >= 64\n"
		"    got[#got + 1] = sys:now()\n"
		"    for j = 1, 16 do cpu:read32(dev.data) end\n"
		"  end\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('times', table.concat(got, ','))\n";
	struct dmasim_run *run;
	FILE *f = fopen("/tmp/dmasim-test-arrivals.txt", "w");
	int code;

	(void)state;
	assert_non_null(f);
	fputs("# four units\n0\n100ns\n 250ns  # late\n\n1us\n", f);
	fclose(f);
	run = tu_run_ok(scen);
	assert_string_equal(tu_str(run, "times"), "1000,100000,250000,1000000");
	dmasim_run_free(run);
	f = fopen("/tmp/dmasim-test-arrivals.txt", "w");
	assert_non_null(f);
	fputs("5ns\nsoon\n", f);
	fclose(f);
	run = tu_run_text(scen, &code, NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "trace file "
			       "'dmasim-test-arrivals.txt', line 2: 'soon': "
			       "expected a time"));
	dmasim_run_free(run);
	remove("/tmp/dmasim-test-arrivals.txt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poll_lib),
		cmocka_unit_test(dev_to_dev),
		cmocka_unit_test(trace_file_arrivals),
	};

	/* the scripts require the scenario libraries of this tree */
	if (setenv("DMASIM_PATH", tu_path("scenarios"), 1))
		return 1;
	return cmocka_run_group_tests_name("/lua/io", tests, NULL, NULL);
}
