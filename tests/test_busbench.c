/*
 * /bench/busbench: bench/busbench.lua against every row of BUSBENCH-1's
 * expected table (shared/bench/BUSBENCH-expected.md, produced by four
 * independent implementations), plus the spec's parameter checks.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

struct row {
	int k, n, d, c, m;
	int64_t end_time, cpu_accesses, bus_busy;
	int64_t done[4];
};

static const struct row rows[] = {
	{ 4, 1000000, 8, 3, 4, 35999996, 1000000, 36000000,
	  { 35999972, 35999980, 35999988, 35999996 } },
	{ 1, 3, 8, 3, 4, 32, 3, 36, { 32 } },
	{ 2, 5, 8, 3, 4, 96, 5, 100, { 88, 96 } },
	{ 4, 1000, 8, 3, 4, 35996, 1000, 36000, { 35972, 35980, 35988, 35996 } },
	{ 3, 777, 5, 2, 3, 13983, 777, 13986, { 13973, 13978, 13983 } },
	{ 1, 10, 3, 3, 3, 57, 9, 57, { 57 } },
	{ 1, 10, 3, 2, 3, 57, 10, 60, { 57 } },
	{ 4, 10, 8, 31, 4, 356, 10, 360, { 332, 340, 348, 356 } },
	{ 4, 10, 8, 32, 4, 356, 9, 356, { 332, 340, 348, 356 } },
	{ 1, 1, 1, 0, 1, 2, 2, 3, { 2 } },
};

static void expected_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char k[32], n[32], d[32], c[32], m[32], name[32];
		struct dmasim_run *run;
		int code;

		snprintf(k, sizeof(k), "K=%d", r->k);
		snprintf(n, sizeof(n), "N=%d", r->n);
		snprintf(d, sizeof(d), "D=%d", r->d);
		snprintf(c, sizeof(c), "C=%d", r->c);
		snprintf(m, sizeof(m), "M=%d", r->m);
		run = tu_run("bench/busbench.lua", &code, k, n, d, c, m, NULL);
		assert_int_equal(code, 0);
		assert_int_equal(tu_int(run, "end_time"), r->end_time);
		assert_int_equal(tu_int(run, "cpu_accesses"), r->cpu_accesses);
		assert_int_equal(tu_int(run, "bus_busy"), r->bus_busy);
		for (int ch = 0; ch < r->k; ch++) {
			snprintf(name, sizeof(name), "ch%d_done", ch + 1);
			assert_int_equal(tu_int(run, name), r->done[ch]);
		}
		dmasim_run_free(run);
	}
}

static void invalid_parameters(void **state)
{
	/* Each bad value and the words its error must contain. */
	static const char *const bad[][2] = {
		{ "K=0", "bad parameter K = 0: expected an integer >= 1" },
		{ "N=0", "bad parameter N = 0" },
		{ "D=0", "bad parameter D = 0" },
		{ "M=0", "bad parameter M = 0" },
		{ "C=-1", "bad parameter C = -1: expected an integer >= 0" },
		{ "K=1.5", "-D K=1.5: expected a whole number" },
		{ "N=abc", "-D N=abc: expected a number" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dmasim_run *run;
		int code;

		run = tu_run("bench/busbench.lua", &code, bad[i][0], NULL);
		assert_int_equal(code, DMASIM_EPARAM);
		if (!strstr(dmasim_run_error(run), bad[i][1]))
			fail_msg("-D %s: error '%s' lacks '%s'", bad[i][0],
				 dmasim_run_error(run), bad[i][1]);
		dmasim_run_free(run);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expected_rows),
		cmocka_unit_test(invalid_parameters),
	};

	return cmocka_run_group_tests_name("/bench/busbench", tests, NULL,
					   NULL);
}
