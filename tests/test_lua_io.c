/*
 * /lua/io: scenario-level I/O paths run as scenarios: the polling library
 * (tests/lua/poll_lib.lua, scenarios/lib/poll.lua) and one device feeding
 * another through a DMA channel (tests/lua/dev_to_dev.lua).  The figures
 * are worked by hand in the scripts' headers.
 */
#include <stdlib.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poll_lib),
		cmocka_unit_test(dev_to_dev),
	};

	/* the scripts require the scenario libraries of this tree */
	if (setenv("DMASIM_PATH", tu_path("scenarios"), 1))
		return 1;
	return cmocka_run_group_tests_name("/lua/io", tests, NULL, NULL);
}
