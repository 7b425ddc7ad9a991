/*
 * /hw/synth: the synthetic bus master on small cases worked out by hand
 * (the timeline beside each case).  The bus runs at 1 GHz, so one bus cycle
 * is 1000 ps; times below are in bus cycles unless said otherwise.
 */
#include <string.h>

#include "hw/bus.h"
#include "hw/synth.h"
#include "testutil.h"

#define NS 1000ull
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

static void setup(struct sim *sim, struct bus *bus)
{
	struct bus_config cfg = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				  .width = 8 };

	assert_int_equal(sim_init(sim, 1), 0);
	assert_int_equal(bus_init(bus, sim, "bus", &cfg), 0);
}

static void teardown(struct sim *sim, struct bus *bus)
{
	assert_true(bus_check(bus));
	bus_fini(bus);
	sim_fini(sim);
}

/* Attach a master on the bus clock (period 0: the bus's) and check it. */
static void add(struct synth *s, struct sim *sim, struct bus *bus,
		const char *name, uint64_t gap, uint64_t hold, uint64_t count,
		enum bus_mode mode)
{
	struct synth_config cfg = { .period = NS, .gap = gap, .hold = hold,
				    .count = count };

	assert_int_equal(synth_init(s, sim, bus, name, &cfg, mode, 0), 0);
	assert_true(synth_check(s));
}

static void stop_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	synth_stop(ev->obj);
}

/* synth_stop(s) at cycle t in the given phase of that instant. */
static void stop_at(struct sim *sim, struct synth *s, uint64_t t,
		    enum phase phase)
{
	assert_non_null(sim_at(sim, t * NS, phase, stop_event, s, NULL, 0));
}

/* Run to cycle t (events at t included). */
static void run_to(struct sim *sim, uint64_t t)
{
	sim_run(sim, t * NS);
}

static bool owns(const struct bus *bus, const struct synth *s)
{
	return bus->owner == &s->port;
}

/*
 * Gap 3, hold 4, three accesses, alone: gap 0-3, access 3-7, gap 7-10,
 * access 10-14, gap 14-17, access 17-21: done at 21, never waiting.
 */
static void gap_and_hold_alone(void **state)
{
	struct sim sim;
	struct bus bus;
	struct synth s;

	(void)state;
	setup(&sim, &bus);
	add(&s, &sim, &bus, "s", 3, 4, 3, BUS_MODE_CYCLE_STEAL);
	assert_int_equal(synth_start(&s), 0);
	assert_int_equal(s.state, SYNTH_GAP);
	run_to(&sim, 2);
	assert_int_equal(s.state, SYNTH_GAP);
	assert_false(owns(&bus, &s));
	run_to(&sim, 3);
	assert_int_equal(s.state, SYNTH_BUS);
	assert_true(owns(&bus, &s));
	run_to(&sim, 6);
	assert_true(owns(&bus, &s));
	assert_int_equal(synth_accesses(&s), 0);
	run_to(&sim, 7);
	assert_int_equal(s.state, SYNTH_GAP);
	assert_int_equal(synth_accesses(&s), 1);
	run_to(&sim, 10);
	assert_true(owns(&bus, &s));
	assert_true(synth_check(&s));
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(s.state, SYNTH_DONE);
	assert_int_equal(s.done_at, 21 * NS);
	assert_int_equal(sim.now, 21 * NS);
	assert_int_equal(synth_accesses(&s), 3);
	assert_int_equal(s.gap_cycles, 9);
	assert_int_equal(s.port.grants, 3);
	assert_int_equal(s.port.busy_cycles, 12);
	assert_int_equal(s.port.wait_ps, 0);
	assert_int_equal(bus_busy_cycles(&bus), 12);
	assert_true(synth_check(&s));
	teardown(&sim, &bus);
}

/*
 * The gap is counted on the master's own clock: 3 cycles of 333 ps end at
 * 999 ps, between bus edges, so the request waits 1 ps for the edge at
 * 1000: access 1000-5000 ps; gap to 5999, access 6000-10000 ps.
 */
static void own_clock(void **state)
{
	struct synth_config cfg = { .period = 333, .gap = 3, .hold = 4,
				    .count = 2 };
	struct sim sim;
	struct bus bus;
	struct synth s;

	(void)state;
	setup(&sim, &bus);
	assert_int_equal(synth_init(&s, &sim, &bus, "s", &cfg,
				    BUS_MODE_BURST, 0), 0);
	assert_int_equal(synth_start(&s), 0);
	sim_run(&sim, 999);
	assert_int_equal(s.state, SYNTH_BUS);
	assert_true(s.port.waiting);
	sim_run(&sim, 1000);
	assert_true(owns(&bus, &s));
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(s.done_at, 10000);
	assert_int_equal(s.port.wait_ps, 2);
	assert_int_equal(s.gap_cycles, 6);
	teardown(&sim, &bus);
}

/*
 * A cycle-stealing request of several accesses stays queued on the bus
 * across its units: hold 4, count 3 with another master b (hold 2, count
 * 1) asking at 0.  a gets 0-4; at 4, after its release and in the same
 * instant, the bus has queued a's rest (8 cycles) again, asked at 4, and
 * grants b first (round robin); a gets 6-10 and 10-14.  Stopped at 7, a
 * finishes the access under way and drops the rest: not waiting at 10.
 */
static void cycle_stealing_rest_stays_queued(void **state)
{
	for (int stop = 0; stop < 2; stop++) {
		struct sim sim;
		struct bus bus;
		struct synth a, b;

		(void)state;
		setup(&sim, &bus);
		add(&a, &sim, &bus, "a", 0, 4, 3, BUS_MODE_CYCLE_STEAL);
		add(&b, &sim, &bus, "b", 0, 2, 1, BUS_MODE_CYCLE_STEAL);
		assert_int_equal(synth_start(&a), 0);
		assert_int_equal(synth_start(&b), 0);
		if (stop)
			stop_at(&sim, &a, 7, PHASE_REQUEST);
		run_to(&sim, 4);
		assert_true(owns(&bus, &b));
		assert_true(a.port.waiting && !a.port.rest);
		assert_int_equal(a.port.req_cycles, 8);
		assert_int_equal(a.port.req_time, 4 * NS);
		assert_true(bus_check(&bus) && synth_check(&a));
		run_to(&sim, 10);
		assert_int_equal(synth_accesses(&a), 2);
		if (stop) {
			assert_int_equal(a.state, SYNTH_STOPPED);
			assert_false(a.port.waiting || a.port.rest);
			assert_int_equal(bus.waiting, 0);
		} else {
			assert_true(owns(&bus, &a));
		}
		sim_run(&sim, UINT64_MAX);
		assert_int_equal(synth_accesses(&a), stop ? 2 : 3);
		assert_int_equal(a.port.grants, stop ? 2 : 3);
		assert_true(bus_check(&bus) && synth_check(&a));
		teardown(&sim, &bus);
	}
}

/*
 * Gap 0 and a count against another master.  A (id 0): 3 accesses of 4
 * cycles, gap 0, from t=0: one request of 12 cycles in units of 4.  B
 * (id 1): gap 1, hold 2, 2 accesses.
 * Cycle stealing: A 0-4 (B asks at 1), B 4-6 (scan from 1), A 6-10 (B
 * asks again at 7), B 10-12 (done), A 12-16 (done): A has 3 grants and
 * waited 2 + 2, B waited 3 + 3.
 * Burst: A 0-12 in one grant (done at 12), B 12-14, gap, B 15-17 (done);
 * B waited 11.
 */
static void count_cycle_stealing_and_burst(void **state)
{
	static const enum bus_mode modes[] = { BUS_MODE_CYCLE_STEAL,
					       BUS_MODE_BURST };
	static const uint64_t a_done[] = { 16, 12 }, b_done[] = { 12, 17 };
	static const uint64_t a_grants[] = { 3, 1 };
	static const uint64_t a_wait[] = { 4, 0 }, b_wait[] = { 6, 11 };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct sim sim;
		struct bus bus;
		struct synth a, b;

		setup(&sim, &bus);
		add(&a, &sim, &bus, "a", 0, 4, 3, modes[k]);
		add(&b, &sim, &bus, "b", 1, 2, 2, BUS_MODE_CYCLE_STEAL);
		assert_int_equal(synth_start(&a), 0);
		assert_int_equal(synth_start(&b), 0);
		/* the whole count asked for at once */
		assert_int_equal(a.port.req_cycles, 12);
		assert_int_equal(a.port.req_unit, 4);
		sim_run(&sim, UINT64_MAX);
		assert_int_equal(a.state, SYNTH_DONE);
		assert_int_equal(b.state, SYNTH_DONE);
		assert_int_equal(a.done_at / NS, a_done[k]);
		assert_int_equal(b.done_at / NS, b_done[k]);
		assert_int_equal(a.port.grants, a_grants[k]);
		assert_int_equal(b.port.grants, 2);
		assert_int_equal(synth_accesses(&a), 3);
		assert_int_equal(synth_accesses(&b), 2);
		assert_int_equal(bus_master_wait_cycles(&a.port), a_wait[k]);
		assert_int_equal(bus_master_wait_cycles(&b.port), b_wait[k]);
		assert_int_equal(bus_busy_cycles(&bus), 16);
		assert_true(synth_check(&a) && synth_check(&b));
		teardown(&sim, &bus);
	}
}

/*
 * Stopping while waiting: B (id 0) holds the bus 0-10; S (id 1, gap 2,
 * hold 3, until stopped) asks at 2 and is stopped at 5 while it waits.
 * Its request is still granted, 10-13, and counts; it stops at 13.
 */
static void stop_while_waiting(void **state)
{
	struct sim sim;
	struct bus bus;
	struct synth b, s;

	(void)state;
	setup(&sim, &bus);
	add(&b, &sim, &bus, "b", 0, 10, 1, BUS_MODE_BURST);
	add(&s, &sim, &bus, "s", 2, 3, 0, BUS_MODE_CYCLE_STEAL);
	assert_int_equal(synth_start(&b), 0);
	assert_int_equal(synth_start(&s), 0);
	stop_at(&sim, &s, 5, PHASE_REQUEST);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(s.state, SYNTH_STOPPED);
	assert_int_equal(synth_accesses(&s), 1);
	assert_int_equal(s.stopped_at, 13 * NS);
	assert_int_equal(s.done_at, 0);
	assert_int_equal(bus_master_wait_cycles(&s.port), 8);
	assert_int_equal(sim.now, 13 * NS);
	teardown(&sim, &bus);
}

/*
 * Stopping around a gap's end.  S alone, gap 3, hold 2, until stopped:
 * gap 0-3, access 3-5, gap 5-8, then (unstopped) access 8-10.
 *  - stopped at 6, in the gap: no request at 8, stopped at 8, 1 access;
 *  - stopped at 8 before the instant's requests (PHASE_WAKE, where a
 *    process woken then runs): the same;
 *  - stopped at 8 after the request was made (PHASE_LATE): the access
 *    8-10 is granted and counts, stopped at 10;
 *  - stopped at 4, while it holds the bus: the access ends at 5 and
 *    counts, stopped at 5.
 */
static void stop_in_gap(void **state)
{
	static const struct {
		uint64_t at;
		enum phase phase;
		uint64_t stopped, accesses, gaps;
	} c[] = {
		{ 6, PHASE_REQUEST, 8, 1, 6 },
		{ 8, PHASE_WAKE, 8, 1, 6 },
		{ 8, PHASE_LATE, 10, 2, 6 },
		{ 4, PHASE_REQUEST, 5, 1, 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sim sim;
		struct bus bus;
		struct synth s;

		setup(&sim, &bus);
		add(&s, &sim, &bus, "s", 3, 2, 0, BUS_MODE_CYCLE_STEAL);
		assert_int_equal(synth_start(&s), 0);
		stop_at(&sim, &s, c[i].at, c[i].phase);
		sim_run(&sim, UINT64_MAX);
		assert_int_equal(s.state, SYNTH_STOPPED);
		assert_int_equal(s.stopped_at, c[i].stopped * NS);
		assert_int_equal(synth_accesses(&s), c[i].accesses);
		assert_int_equal(s.port.grants, c[i].accesses);
		assert_int_equal(s.gap_cycles, c[i].gaps);
		assert_true(synth_check(&s));
		teardown(&sim, &bus);
	}
}

/*
 * Stopping a request of several accesses (gap 0, 5 accesses of 4), alone,
 * at 6: in cycle-stealing mode the access 4-8 under way completes and it
 * stops at 8 with 2; in burst mode its one tenure 0-20 runs to the end and
 * it is done (not stopped) at 20 with all 5.
 */
static void stop_count(void **state)
{
	struct sim sim;
	struct bus bus;
	struct synth s;

	(void)state;
	setup(&sim, &bus);
	add(&s, &sim, &bus, "s", 0, 4, 5, BUS_MODE_CYCLE_STEAL);
	assert_int_equal(synth_start(&s), 0);
	stop_at(&sim, &s, 6, PHASE_REQUEST);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(s.state, SYNTH_STOPPED);
	assert_int_equal(s.stopped_at, 8 * NS);
	assert_int_equal(synth_accesses(&s), 2);
	assert_int_equal(s.done_at, 0);
	teardown(&sim, &bus);

	setup(&sim, &bus);
	add(&s, &sim, &bus, "s", 0, 4, 5, BUS_MODE_BURST);
	assert_int_equal(synth_start(&s), 0);
	stop_at(&sim, &s, 6, PHASE_REQUEST);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(s.state, SYNTH_DONE);
	assert_int_equal(s.done_at, 20 * NS);
	assert_int_equal(s.stopped_at, 0);
	assert_int_equal(synth_accesses(&s), 5);
	teardown(&sim, &bus);
}

/*
 * Transparent mode: a tenure cut short is resumed where it was cut.
 * T (id 0, transparent): 2 accesses of 4, gap 0: granted 8 cycles at 0.
 * O (id 1): gap 5, hold 1, once: asks at 5 and cuts T there after 5
 * cycles (1 access and 1 cycle of the next), O 5-6, T 6-9: done at 9.
 */
static void transparent_resumes(void **state)
{
	struct sim sim;
	struct bus bus;
	struct synth t, o;

	(void)state;
	setup(&sim, &bus);
	add(&t, &sim, &bus, "t", 0, 4, 2, BUS_MODE_TRANSPARENT);
	add(&o, &sim, &bus, "o", 5, 1, 1, BUS_MODE_BURST);
	assert_int_equal(synth_start(&t), 0);
	assert_int_equal(synth_start(&o), 0);
	run_to(&sim, 5);
	assert_int_equal(synth_accesses(&t), 1);
	assert_int_equal(t.pos, 1);
	assert_true(owns(&bus, &o));
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(t.done_at, 9 * NS);
	assert_int_equal(o.done_at, 6 * NS);
	assert_int_equal(synth_accesses(&t), 2);
	assert_int_equal(t.port.busy_cycles, 8);
	assert_int_equal(t.port.preemptions, 1);
	assert_int_equal(bus_master_wait_cycles(&o.port), 0);
	teardown(&sim, &bus);
}

/*
 * An access cut short is finished after a stop: T (transparent, gap 0,
 * hold 4, until stopped): 0-4, then 4-8 cut at 5 by O (gap 5, hold 1);
 * stopped at 5 before the cut, T still owes 3 cycles of its access:
 * O 5-6, T 6-9, stopped at 9 with 2 accesses.
 */
static void stop_finishes_cut_access(void **state)
{
	struct sim sim;
	struct bus bus;
	struct synth t, o;

	(void)state;
	setup(&sim, &bus);
	add(&t, &sim, &bus, "t", 0, 4, 0, BUS_MODE_TRANSPARENT);
	add(&o, &sim, &bus, "o", 5, 1, 1, BUS_MODE_BURST);
	assert_int_equal(synth_start(&t), 0);
	assert_int_equal(synth_start(&o), 0);
	stop_at(&sim, &t, 5, PHASE_WAKE);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(t.state, SYNTH_STOPPED);
	assert_int_equal(t.stopped_at, 9 * NS);
	assert_int_equal(synth_accesses(&t), 2);
	assert_int_equal(t.port.busy_cycles, 8);
	assert_int_equal(t.port.grants, 3);
	teardown(&sim, &bus);
}

static void done_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	(*(int *)ev->obj)++;
}

/* A process waiting on the master's signal is woken at completion. */
struct waiter {
	struct proc p;
	struct synth *s;
	int resumed;
	uint64_t at;
};

static void waiter_resume(struct proc *p)
{
	struct waiter *w = (struct waiter *)p;

	if (!w->resumed++) {
		proc_wait_signal(p, &w->s->done);
		return;
	}
	w->at = p->sim->now;
}

static const struct proc_ops waiter_ops = { .resume = waiter_resume };

/*
 * Runs again after completing: count more accesses (the statistics add
 * up), the signal notified each time; starting a running master and bad
 * configurations are refused.
 */
static void restart_and_errors(void **state)
{
	struct synth_config bad = { .period = NS, .hold = 0 };
	struct sim sim;
	struct bus bus;
	struct synth s, x;
	struct waiter w = { .s = &s };
	int ticks = 0;

	(void)state;
	setup(&sim, &bus);
	assert_int_equal(synth_init(&x, &sim, &bus, "x", &bad,
				    BUS_MODE_BURST, 0), DMASIM_EINVAL);
	bad.hold = 2;
	bad.period = 0;
	assert_int_equal(synth_init(&x, &sim, &bus, "x", &bad,
				    BUS_MODE_BURST, 0), DMASIM_EINVAL);
	bad.period = NS;
	bad.count = UINT64_MAX / 2 + 1;
	assert_int_equal(synth_init(&x, &sim, &bus, "x", &bad,
				    BUS_MODE_BURST, 0), DMASIM_ERANGE);
	add(&s, &sim, &bus, "s", 1, 2, 2, BUS_MODE_BURST);
	synth_stop(&s);		/* not running: nothing */
	assert_int_equal(s.state, SYNTH_IDLE);
	proc_init(&w.p, &sim, &waiter_ops);
	assert_int_equal(proc_start(&w.p), 0);
	assert_int_equal(synth_start(&s), 0);
	assert_int_equal(synth_start(&s), DMASIM_EINVAL);
	sim_run(&sim, UINT64_MAX);
	/* gap 0-1, 1-3, gap 3-4, 4-6 */
	assert_int_equal(s.done_at, 6 * NS);
	assert_int_equal(w.at, 6 * NS);
	assert_non_null(sim_at(&sim, 10 * NS, PHASE_REQUEST, done_event,
			       &ticks, NULL, 0));
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(synth_start(&s), 0);
	assert_int_equal(s.started_at, 10 * NS);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(ticks, 1);
	assert_int_equal(s.state, SYNTH_DONE);
	assert_int_equal(s.done_at, 16 * NS);
	assert_int_equal(synth_accesses(&s), 4);
	assert_int_equal(s.done.notified, 2);
	teardown(&sim, &bus);
}

/* Statistics are registered under the master's name and the bus's. */
static void statistics(void **state)
{
	struct sim sim;
	struct bus bus;
	struct synth s;

	(void)state;
	setup(&sim, &bus);
	add(&s, &sim, &bus, "load", 2, 3, 4, BUS_MODE_BURST);
	assert_int_equal(synth_start(&s), 0);
	sim_run(&sim, UINT64_MAX);
	assert_float_equal(stat_read(stats_find(&sim.stats, "load.accesses"),
				     sim.now), 4, 0);
	assert_float_equal(stat_read(stats_find(&sim.stats,
						"load.gap_cycles"), sim.now),
			   8, 0);
	assert_float_equal(stat_read(stats_find(&sim.stats, "load.done_at"),
				     sim.now), 20 * NS, 0);
	assert_non_null(stats_find(&sim.stats, "load.stopped_at"));
	assert_non_null(stats_find(&sim.stats, "load.started_at"));
	assert_float_equal(stat_read(stats_find(&sim.stats,
						"bus.load.busy_cycles"),
				     sim.now), 12, 0);
	teardown(&sim, &bus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/synth/gap_and_hold_alone", gap_and_hold_alone),
		TEST("/hw/synth/own_clock", own_clock),
		TEST("/hw/synth/count_cycle_stealing_and_burst",
		     count_cycle_stealing_and_burst),
		TEST("/hw/synth/cycle_stealing_rest_stays_queued",
		     cycle_stealing_rest_stays_queued),
		TEST("/hw/synth/stop_while_waiting", stop_while_waiting),
		TEST("/hw/synth/stop_in_gap", stop_in_gap),
		TEST("/hw/synth/stop_count", stop_count),
		TEST("/hw/synth/transparent_resumes", transparent_resumes),
		TEST("/hw/synth/stop_finishes_cut_access",
		     stop_finishes_cut_access),
		TEST("/hw/synth/restart_and_errors", restart_and_errors),
		TEST("/hw/synth/statistics", statistics),
	};

	return cmocka_run_group_tests_name("/hw/synth", tests, NULL, NULL);
}
