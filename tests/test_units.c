/* /kernel/units and /kernel/rng: human units and random streams. */
#include "kernel/clock.h"
#include "kernel/rng.h"
#include "kernel/stats.h"
#include "kernel/units.h"
#include "testutil.h"

static void parse_units(void **state)
{
	static const struct {
		const char *s;
		enum unit_kind kind;
		double want;
	} ok[] = {
		{ "512KiB", UNIT_SIZE, 524288 },
		{ "4KB", UNIT_SIZE, 4000 },
		{ "1.5MiB", UNIT_SIZE, 1572864 },
		{ "64", UNIT_SIZE, 64 },
		{ "100ns", UNIT_TIME, 100000 },
		{ "1.5us", UNIT_TIME, 1500000 },
		{ "2ms", UNIT_TIME, 2e9 },
		{ "2GHz", UNIT_FREQ, 2e9 },
		{ "100MHz", UNIT_FREQ, 1e8 },
		{ "16GB/s", UNIT_BANDWIDTH, 16e9 },
		{ "10Gb/s", UNIT_BANDWIDTH, 1.25e9 },
		{ "1GiB/s", UNIT_BANDWIDTH, 1073741824.0 },
		{ "8KiB", UNIT_ANY, 8192 },
		{ "3ns", UNIT_ANY, 3000 },
	};
	static const struct {
		const char *s;
		enum unit_kind kind;
	} bad[] = {
		{ "", UNIT_SIZE }, { "KiB", UNIT_SIZE }, { "12XB", UNIT_SIZE },
		{ "100ns", UNIT_SIZE }, { "2GHz", UNIT_TIME },
		{ "5KiB", UNIT_NUMBER }, { "1e999", UNIT_NUMBER },
		{ "nan", UNIT_NUMBER },
	};
	double v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(units_parse(ok[i].s, ok[i].kind, &v), 0);
		assert_float_equal(v, ok[i].want, 1e-9 * ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (units_parse(bad[i].s, bad[i].kind, &v) != DMASIM_EUNIT)
			fail_msg("'%s' was accepted", bad[i].s);
}

static void clocks(void **state)
{
	struct clock c = { clock_period_of_hz(3e9) };

	(void)state;
	assert_int_equal(c.period, 333);	/* 333.3 ps, rounded */
	assert_int_equal(clock_period_of_hz(1e9), 1000);
	assert_int_equal(clock_edge(&c, 0), 0);
	assert_int_equal(clock_edge(&c, 1), 333);
	assert_int_equal(clock_edge(&c, 666), 666);
	assert_int_equal(clock_cycles(&c, 1000), 3);
	assert_int_equal(clock_ps(&c, 3), 999);
}

static void rng_streams(void **state)
{
	struct rng a, b, c;
	int same = 0;

	(void)state;
	rng_seed(&a, 1, "dma0");
	rng_seed(&b, 1, "dma0");
	rng_seed(&c, 1, "dma1");
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a);

		assert_int_equal(x, rng_next(&b));
		same += x == rng_next(&c);
	}
	assert_int_equal(same, 0);
	for (int i = 0; i < 10000; i++) {
		assert_true(rng_below(&a, 7) < 7);
		double u = rng_unit(&a);
		assert_true(u >= 0 && u < 1);
	}
}

static void statistics(void **state)
{
	struct stats s;
	struct stat_tavg util;
	struct stat_hist h = { 0 };
	uint64_t counter = 5;

	(void)state;
	stats_init(&s);
	assert_int_equal(stats_add(&s, "bus.dma1", "grants", STAT_COUNTER, "",
				   &counter), 0);
	assert_int_equal(stats_add(&s, NULL, "util", STAT_TAVG, "", &util), 0);
	assert_non_null(stats_find(&s, "bus.dma1.grants"));
	assert_null(stats_find(&s, "bus.dma1"));
	/* 0 for 30 ps, 1 for 10 ps: mean 0.25 */
	stat_tavg_init(&util, 0, 0);
	stat_tavg_set(&util, 30, 1);
	assert_float_equal(stat_tavg_mean(&util, 40), 0.25, 1e-12);
	stat_hist_add(&h, 0);
	stat_hist_add(&h, 5);
	stat_hist_add(&h, 7);
	assert_int_equal(h.count, 3);
	assert_int_equal(h.min, 0);
	assert_int_equal(h.max, 7);
	assert_int_equal(h.bucket[3], 2);	/* 5 and 7 have bit length 3 */
	assert_float_equal(stat_hist_mean(&h), 4.0, 1e-12);
	stats_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_units),
		cmocka_unit_test(clocks),
		cmocka_unit_test(rng_streams),
		cmocka_unit_test(statistics),
	};

	return cmocka_run_group_tests_name("/kernel/units", tests, NULL, NULL);
}
