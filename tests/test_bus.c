/*
 * /hw/bus: arbitration policies and transfer modes on small cases whose
 * timelines were worked out by hand (written beside each case).  The bus
 * runs at 1 GHz, so one cycle is 1000 ps and times below are in cycles.
 */
#include <string.h>

#include "hw/bus.h"
#include "hw/synth.h"
#include "testutil.h"

#define NS 1000

struct grant_log {
	int n;
	char who[32];
	uint64_t at[32];	/* cycles */
	uint64_t len[32];
};

struct tm {
	struct bus_master m;
	struct grant_log *log;
	char tag;
	int left;		/* requests still to make, this one included */
	uint64_t cycles, unit;
};

static void tm_granted(struct bus_master *m, uint64_t cycles)
{
	struct tm *t = (struct tm *)m;
	struct grant_log *log = t->log;

	log->who[log->n] = t->tag;
	log->at[log->n] = m->bus->sim->now / NS;
	log->len[log->n++] = cycles;
}

static void tm_released(struct bus_master *m, uint64_t cycles)
{
	struct tm *t = (struct tm *)m;

	(void)cycles;
	if (--t->left > 0)
		bus_request(m, t->cycles, t->unit);
}

static const struct bus_master_ops tm_ops = {
	.released = tm_released,
	.granted = tm_granted,
};

static void tm_request_event(struct sim *sim, struct event *ev)
{
	struct tm *t = ev->obj;

	(void)sim;
	bus_request(&t->m, t->cycles, t->unit);
}

static void tm_add(struct bus *bus, struct tm *t, char tag, int prio,
		   enum bus_mode mode, struct grant_log *log)
{
	char name[2] = { tag, 0 };

	assert_int_equal(bus_attach(bus, &t->m, name, &tm_ops, mode, prio), 0);
	t->log = log;
	t->tag = tag;
}

static void tm_go(struct sim *sim, struct tm *t, uint64_t at, int times,
		  uint64_t cycles)
{
	t->left = times;
	t->cycles = t->unit = cycles;
	sim_at(sim, at * NS, PHASE_REQUEST, tm_request_event, t, NULL, 0);
}

static void setup(struct sim *sim, struct bus *bus, enum bus_arb arb,
		  uint32_t lat)
{
	struct bus_config cfg = { .period = NS, .arb = arb,
				  .arb_latency = lat, .width = 8 };

	assert_int_equal(sim_init(sim, 1), 0);
	assert_int_equal(bus_init(bus, sim, "bus", &cfg), 0);
}

static void teardown(struct sim *sim, struct bus *bus)
{
	assert_true(bus_check(bus));
	bus_fini(bus);
	sim_fini(sim);
}

static void expect(const struct grant_log *log, const char *who,
		   const uint64_t *at)
{
	assert_int_equal(log->n, (int)strlen(who));
	for (int i = 0; i < log->n; i++) {
		if (log->who[i] != who[i] || log->at[i] != at[i])
			fail_msg("grant %d: got %c at %llu, want %c at %llu", i,
				 log->who[i], (unsigned long long)log->at[i],
				 who[i], (unsigned long long)at[i]);
	}
}

/*
 * A, B, C (ids 0..2) each want two 2-cycle tenures from t=0 and ask again
 * as they release.  0: scan from 0 -> A.  2: from B -> B.  4: C.
 * 6: A, B, C all wait; scan from 0 -> A; 8: B; 10: C.
 */
static void round_robin(void **state)
{
	struct sim sim;
	struct bus bus;
	struct tm a, b, c;
	struct grant_log log = { 0 };
	static const uint64_t at[] = { 0, 2, 4, 6, 8, 10 };

	(void)state;
	setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 0);
	tm_add(&bus, &a, 'A', 0, BUS_MODE_BURST, &log);
	tm_add(&bus, &b, 'B', 0, BUS_MODE_BURST, &log);
	tm_add(&bus, &c, 'C', 0, BUS_MODE_BURST, &log);
	/* Scheduled C, B, A: the same instant must not depend on it. */
	tm_go(&sim, &c, 0, 2, 2);
	tm_go(&sim, &b, 0, 2, 2);
	tm_go(&sim, &a, 0, 2, 2);
	sim_run(&sim, UINT64_MAX);
	expect(&log, "ABCABC", at);
	assert_int_equal(bus_busy_cycles(&bus), 12);
	/* Masters waiting: 2 from 0 to 8 (each release re-queues one as the
	 * next is granted), 1 from 8 to 10, 0 to 12: mean 18/12. */
	assert_float_equal(bus_queue_depth(&bus, sim.now), 1.5, 1e-12);
	assert_float_equal(stat_read(stats_find(&sim.stats, "bus.queue_depth"),
				     sim.now), 1.5, 1e-12);
	/* A waited 0 then 4 (asked at 2, granted at 6). */
	assert_int_equal(bus_master_wait_cycles(&a.m), 4);
	assert_int_equal(bus_master_wait_cycles(&c.m), 4 + 4);
	teardown(&sim, &bus);
}

/*
 * Priorities A=0, B=5, C=1, D=1, two tenures each from t=0:
 * B 0, B 2 (it asks again at its release and still wins), then C and D
 * share priority 1 round-robin: C 4, D 6, C 8, D 10, then A 12, A 14.
 */
static void fixed_priority(void **state)
{
	struct sim sim;
	struct bus bus;
	struct tm a, b, c, d;
	struct grant_log log = { 0 };
	static const uint64_t at[] = { 0, 2, 4, 6, 8, 10, 12, 14 };

	(void)state;
	setup(&sim, &bus, BUS_ARB_PRIORITY, 0);
	tm_add(&bus, &a, 'A', 0, BUS_MODE_BURST, &log);
	tm_add(&bus, &b, 'B', 5, BUS_MODE_BURST, &log);
	tm_add(&bus, &c, 'C', 1, BUS_MODE_BURST, &log);
	tm_add(&bus, &d, 'D', 1, BUS_MODE_BURST, &log);
	tm_go(&sim, &a, 0, 2, 2);
	tm_go(&sim, &b, 0, 2, 2);
	tm_go(&sim, &c, 0, 2, 2);
	tm_go(&sim, &d, 0, 2, 2);
	sim_run(&sim, UINT64_MAX);
	expect(&log, "BBCDCDAA", at);
	teardown(&sim, &bus);
}

/* A synthetic master standing for a DMA channel: `bursts` bursts of
 * `burst` bus cycles in one request, started now. */
static void dma_like(struct synth *s, struct sim *sim, struct bus *bus,
		     enum bus_mode mode, uint64_t bursts, uint64_t burst)
{
	struct synth_config cfg = { .period = NS, .hold = burst,
				    .count = bursts };

	assert_int_equal(synth_init(s, sim, bus, "dma1", &cfg, mode, 0), 0);
	assert_int_equal(synth_start(s), 0);
}

/*
 * CPU (id 0) asks at t=1 for 2 cycles; a DMA channel (id 1) moves 3 bursts
 * of 4 cycles from t=0.
 * Burst mode: DMA 0-12 in one tenure, CPU 12-14; DMA done at 12.
 * Cycle stealing: DMA 0-4, CPU 4-6, DMA 6-10, 10-14; DMA done at 14.
 */
static void burst_and_cycle_stealing(void **state)
{
	static const enum bus_mode modes[] = { BUS_MODE_BURST,
					       BUS_MODE_CYCLE_STEAL };
	static const uint64_t done[] = { 12, 14 };
	static const uint64_t cpu_at[] = { 12, 4 };
	static const uint64_t grants[] = { 1, 3 };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct sim sim;
		struct bus bus;
		struct tm cpu;
		struct synth ch;
		struct grant_log log = { 0 };

		setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 0);
		tm_add(&bus, &cpu, 'C', 0, BUS_MODE_BURST, &log);
		tm_go(&sim, &cpu, 1, 1, 2);
		dma_like(&ch, &sim, &bus, modes[k], 3, 4);
		sim_run(&sim, UINT64_MAX);
		assert_int_equal(log.n, 1);
		assert_int_equal(log.at[0], cpu_at[k]);
		assert_int_equal(ch.done_at / NS, done[k]);
		assert_int_equal(ch.port.grants, grants[k]);
		assert_int_equal(ch.accesses, 3);
		assert_int_equal(bus_busy_cycles(&bus), 14);
		assert_int_equal(bus_master_wait_cycles(&cpu.m),
				 cpu_at[k] - 1);
		teardown(&sim, &bus);
	}
}

/*
 * Transparent DMA: 3 bursts of 4 cycles (12) from t=0; the CPU asks at
 * t=3 for 2 cycles and again at t=7 for 2.  DMA 0-3 (cut: the CPU wants
 * cycle 3), CPU 3-5 with no wait, DMA 5-7 (cut), CPU 7-9, DMA 9-16.
 * The CPU never waits; the DMA ends at 16 = 12 + 4 CPU cycles.
 */
static void transparent(void **state)
{
	struct sim sim;
	struct bus bus;
	struct tm cpu;
	struct synth ch;
	struct grant_log log = { 0 };

	(void)state;
	setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 0);
	tm_add(&bus, &cpu, 'C', 0, BUS_MODE_BURST, &log);
	cpu.left = 1;
	cpu.cycles = cpu.unit = 2;
	sim_at(&sim, 3 * NS, PHASE_REQUEST, tm_request_event, &cpu, NULL, 0);
	sim_at(&sim, 7 * NS, PHASE_REQUEST, tm_request_event, &cpu, NULL, 0);
	dma_like(&ch, &sim, &bus, BUS_MODE_TRANSPARENT, 3, 4);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.at[0], 3);
	assert_int_equal(log.at[1], 7);
	assert_int_equal(bus_master_wait_cycles(&cpu.m), 0);
	assert_int_equal(ch.done_at / NS, 16);
	assert_int_equal(ch.port.preemptions, 2);
	assert_int_equal(ch.port.busy_cycles, 12);
	assert_int_equal(ch.accesses, 3);
	teardown(&sim, &bus);
}

/* A transparent master is not granted while another waits: both ask at
 * t=0, the CPU gets 0-2, the DMA 2-6. */
static void transparent_yields_at_grant(void **state)
{
	struct sim sim;
	struct bus bus;
	struct tm cpu;
	struct synth ch;
	struct grant_log log = { 0 };
	struct synth_config cfg = { .period = NS, .hold = 4, .count = 1 };

	(void)state;
	setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 0);
	assert_int_equal(synth_init(&ch, &sim, &bus, "dma1", &cfg,
				    BUS_MODE_TRANSPARENT, 0), 0);
	tm_add(&bus, &cpu, 'C', 0, BUS_MODE_BURST, &log);
	tm_go(&sim, &cpu, 0, 1, 2);
	assert_int_equal(synth_start(&ch), 0);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(log.at[0], 0);
	assert_int_equal(ch.done_at / NS, 6);
	teardown(&sim, &bus);
}

/*
 * Arbitration latency of 1 cycle: A and B each want 2 cycles from t=0.
 * A granted at 0, data 1-3; B granted at 3, data 4-6.  Busy 4, lost 2.
 */
/*
 * A master told of releases (qm): one request of 5 units of 2 cycles in
 * cycle-stealing mode, alone on the bus, holds it 0-2, 2-4, ... 8-10 ns.
 * Told of each unit, its released op runs 5 times; quiet (bus_set_quiet),
 * once, at 10 ns, with the last unit's 2 cycles, its busy_cycles holding
 * all 10.  Quiet, then asking to be told again at 3 ns: told at 4 ns (the
 * unit under way) and at every release after, 4 times.
 */
struct qm {
	struct bus_master m;
	int told;
	uint64_t last_at, last_cycles;
};

static void qm_released(struct bus_master *m, uint64_t cycles)
{
	struct qm *q = (struct qm *)m;

	q->told++;
	q->last_at = m->bus->sim->now;
	q->last_cycles = cycles;
}

static const struct bus_master_ops qm_ops = { .released = qm_released };

static void qm_speak(struct sim *sim, struct event *ev)
{
	(void)sim;
	bus_set_quiet(ev->obj, false);
}

static void quiet_units(void **state)
{
	static const int told[] = { 5, 1, 4 };

	(void)state;
	for (int k = 0; k < 3; k++) {
		struct sim sim;
		struct bus bus;
		struct qm q = { .told = 0 };

		setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 0);
		assert_int_equal(bus_attach(&bus, &q.m, "q", &qm_ops,
					    BUS_MODE_CYCLE_STEAL, 0), 0);
		bus_set_quiet(&q.m, k > 0);
		if (k == 2)
			sim_at(&sim, 3 * NS, PHASE_REQUEST, qm_speak, &q.m,
			       NULL, 0);
		assert_int_equal(bus_request(&q.m, 10, 2), 0);
		sim_run(&sim, UINT64_MAX);
		assert_int_equal(q.told, told[k]);
		assert_int_equal(q.last_at, 10 * NS);
		assert_int_equal(q.last_cycles, 2);
		assert_int_equal(q.m.busy_cycles, 10);
		assert_int_equal(q.m.grants, 5);
		assert_false(q.m.waiting);
		teardown(&sim, &bus);
	}
}

static void arbitration_latency(void **state)
{
	struct sim sim;
	struct bus bus;
	struct tm a, b;
	struct grant_log log = { 0 };
	static const uint64_t at[] = { 0, 3 };

	(void)state;
	setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 1);
	tm_add(&bus, &a, 'A', 0, BUS_MODE_BURST, &log);
	tm_add(&bus, &b, 'B', 0, BUS_MODE_BURST, &log);
	tm_go(&sim, &a, 0, 1, 2);
	tm_go(&sim, &b, 0, 1, 2);
	sim_run(&sim, UINT64_MAX);
	expect(&log, "AB", at);
	assert_int_equal(sim.now, 6 * NS);
	assert_int_equal(bus_busy_cycles(&bus), 4);
	/* one cycle of latency for each of the two grants */
	assert_int_equal(stat_count(stats_find(&sim.stats, "bus.arb_cycles")),
			 2);
	teardown(&sim, &bus);
}

/* A request between clock edges is granted at the next edge. */
static void grant_on_clock_edge(void **state)
{
	struct sim sim;
	struct bus bus;
	struct tm a;
	struct grant_log log = { 0 };

	(void)state;
	setup(&sim, &bus, BUS_ARB_ROUND_ROBIN, 0);
	tm_add(&bus, &a, 'A', 0, BUS_MODE_BURST, &log);
	a.left = 1;
	a.cycles = a.unit = 3;
	sim_at(&sim, 2500, PHASE_REQUEST, tm_request_event, &a, NULL, 0);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(log.n, 1);
	assert_int_equal(sim.now, 6000);	/* granted 3000, 3 cycles */
	teardown(&sim, &bus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_robin),
		cmocka_unit_test(fixed_priority),
		cmocka_unit_test(burst_and_cycle_stealing),
		cmocka_unit_test(transparent),
		cmocka_unit_test(transparent_yields_at_grant),
		cmocka_unit_test(quiet_units),
		cmocka_unit_test(arbitration_latency),
		cmocka_unit_test(grant_on_clock_edge),
	};

	return cmocka_run_group_tests_name("/hw/bus", tests, NULL, NULL);
}
