/*
 * /kernel/evq and /kernel/sim: ordering by (time, phase, insertion order),
 * cancellation without search, stale handles, and pool reuse.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/rng.h"
#include "kernel/sim.h"
#include "testutil.h"

struct log {
	int n;
	uint64_t t[64];
	int tag[64];
};

static void record(struct sim *sim, struct event *ev)
{
	struct log *log = ev->obj;

	log->t[log->n] = sim->now;
	log->tag[log->n++] = (int)ev->arg;
}

static void order_time_phase_sequence(void **state)
{
	struct sim sim;
	struct log log = { 0 };

	(void)state;
	assert_int_equal(sim_init(&sim, 1), 0);
	/* Scheduled out of order on purpose. */
	sim_at(&sim, 20, PHASE_REQUEST, record, &log, NULL, 1);
	sim_at(&sim, 10, PHASE_ARBITRATE, record, &log, NULL, 2);
	sim_at(&sim, 10, PHASE_RELEASE, record, &log, NULL, 3);
	sim_at(&sim, 10, PHASE_REQUEST, record, &log, NULL, 4);
	sim_at(&sim, 10, PHASE_REQUEST, record, &log, NULL, 5);
	sim_at(&sim, 5, PHASE_LATE, record, &log, NULL, 6);
	sim_at(&sim, 10, PHASE_WAKE, record, &log, NULL, 7);
	assert_true(evq_check(&sim.q));
	assert_int_equal(sim_run(&sim, UINT64_MAX), 7);
	{
		static const int want[] = { 6, 3, 7, 4, 5, 2, 1 };
		static const uint64_t wt[] = { 5, 10, 10, 10, 10, 10, 20 };

		for (int i = 0; i < 7; i++) {
			assert_int_equal(log.tag[i], want[i]);
			assert_int_equal(log.t[i], wt[i]);
		}
	}
	assert_int_equal(sim.now, 20);
	sim_fini(&sim);
}

static void cancel_and_stale_handles(void **state)
{
	struct sim sim;
	struct log log = { 0 };
	struct ev_handle a, b, c;

	(void)state;
	sim_init(&sim, 1);
	a = evq_handle(sim_at(&sim, 30, PHASE_REQUEST, record, &log, NULL, 1));
	b = evq_handle(sim_at(&sim, 10, PHASE_REQUEST, record, &log, NULL, 2));
	c = evq_handle(sim_at(&sim, 20, PHASE_REQUEST, record, &log, NULL, 3));
	assert_true(sim_cancel(&sim, b));	/* the earliest: heap root */
	assert_false(sim_cancel(&sim, b));	/* twice: stale */
	assert_true(evq_check(&sim.q));
	/* The freed event is reused; the old handle must stay stale. */
	sim_at(&sim, 15, PHASE_REQUEST, record, &log, NULL, 4);
	assert_false(evq_pending(b));
	assert_false(sim_cancel(&sim, b));
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.tag[0], 4);
	assert_int_equal(log.tag[1], 3);
	assert_int_equal(log.tag[2], 1);
	/* Fired events' handles are stale too. */
	assert_false(sim_cancel(&sim, a));
	assert_false(sim_cancel(&sim, c));
	sim_fini(&sim);
}

static void run_until_stops_at_limit(void **state)
{
	struct sim sim;
	struct log log = { 0 };

	(void)state;
	sim_init(&sim, 1);
	sim_at(&sim, 10, PHASE_REQUEST, record, &log, NULL, 1);
	sim_at(&sim, 50, PHASE_REQUEST, record, &log, NULL, 2);
	assert_int_equal(sim_run(&sim, 30), 1);
	assert_int_equal(sim.now, 30);
	assert_int_equal(sim_run(&sim, UINT64_MAX), 1);
	assert_int_equal(log.tag[1], 2);
	sim_fini(&sim);
}

/*
 * sim_lead(): from inside an event at 20 ps, with one event queued at
 * 30 ps and the run's limit 40 ps, an event entered at up to 29 ps runs
 * before the queued one; once that has run and nothing is queued, up to
 * the limit; none after a stop, and none outside a run.  Entering one
 * moves time to it and counts it in the run's events.
 */
struct probe {
	uint64_t lead[4];
	uint64_t now_after;
};

static void probe_lead(struct sim *sim, struct event *ev)
{
	struct probe *p = ev->obj;

	p->lead[0] = sim_lead(sim);
	sim_stop(sim);
	p->lead[1] = sim_lead(sim);
	sim->stopping = false;
	sim_enter(sim, 25, PHASE_RELEASE);
	sim_entered(sim, 1);
	p->now_after = sim->now;
}

static void probe_limit(struct sim *sim, struct event *ev)
{
	struct probe *p = ev->obj;

	p->lead[2] = sim_lead(sim);
}

static void probe_at_zero(struct sim *sim, struct event *ev)
{
	struct probe *p = ev->obj;

	p->lead[3] = sim_lead(sim);
}

static void lead_is_before_everything_queued(void **state)
{
	struct sim sim;
	struct probe p = { { 9, 9, 9, 9 }, 0 };
	struct log log = { 0 };

	(void)state;
	sim_init(&sim, 1);
	assert_int_equal(sim_lead(&sim), 0);	/* outside a run */
	sim_at(&sim, 20, PHASE_REQUEST, probe_lead, &p, NULL, 0);
	sim_at(&sim, 30, PHASE_REQUEST, record, &log, NULL, 1);
	sim_at(&sim, 30, PHASE_LATE, probe_limit, &p, NULL, 0);
	/* 3 events popped and 1 entered */
	assert_int_equal(sim_run(&sim, 40), 4);
	assert_int_equal(sim.events, 4);
	assert_int_equal(p.lead[0], 29);
	assert_int_equal(p.lead[1], 0);
	assert_int_equal(p.now_after, 25);
	assert_int_equal(p.lead[2], 40);
	assert_int_equal(log.n, 1);
	assert_int_equal(sim_lead(&sim), 0);	/* the run is over */
	sim_fini(&sim);

	/* an event queued at time 0, seen from time 0: nothing can pass it */
	sim_init(&sim, 1);
	sim_at(&sim, 0, PHASE_RELEASE, probe_at_zero, &p, NULL, 0);
	sim_at(&sim, 0, PHASE_LATE, record, &log, NULL, 2);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(p.lead[3], 0);
	sim_fini(&sim);
}

/* A chain of events: each schedules the next; millions of events must
 * come from a pool that stays the size of the peak queue. */
struct chain {
	uint64_t left, fired;
	struct rng rng;
};

static void chain_step(struct sim *sim, struct event *ev)
{
	struct chain *c = ev->obj;

	c->fired++;
	if (c->left) {
		c->left--;
		sim_after(sim, 1 + rng_below(&c->rng, 100), PHASE_REQUEST,
			  chain_step, c, NULL, 0);
	}
}

static void pool_reuse_millions(void **state)
{
	struct sim sim;
	struct chain c[16];

	(void)state;
	sim_init(&sim, 1);
	for (int i = 0; i < 16; i++) {
		c[i].left = 250000;
		c[i].fired = 0;
		rng_seed(&c[i].rng, 7, i % 2 ? "odd" : "even");
		sim_at(&sim, 0, PHASE_REQUEST, chain_step, &c[i], NULL, 0);
	}
	sim_run(&sim, UINT64_MAX);
	for (int i = 0; i < 16; i++)
		assert_int_equal(c[i].fired, 250001);
	/* 16 live events at most: one chunk of the pool. */
	assert_true(sim.q.pooled <= 256);
	assert_int_equal(sim.events, 16 * 250001);
	sim_fini(&sim);
}

/*
 * An embedded event: queued again from its own callback, ordered with
 * pooled events by (time, phase, sequence), cancelled and queued again;
 * it never enters the pool.
 */
struct ticker {
	struct event ev;
	struct log *log;
	int left;
};

static void tick(struct sim *sim, struct event *ev)
{
	struct ticker *t = ev->obj;

	t->log->t[t->log->n] = sim->now;
	t->log->tag[t->log->n++] = 100 + t->left;
	if (t->left-- > 0)
		assert_true(sim_at_embedded(sim, ev, sim->now + 10,
					    PHASE_RELEASE));
}

static void embedded_event(void **state)
{
	struct sim sim;
	struct log log = { 0 };
	struct ticker t = { .log = &log, .left = 2 };

	(void)state;
	assert_int_equal(sim_init(&sim, 1), 0);
	evq_embed(&t.ev, tick, &t, NULL, 0);
	assert_false(evq_pending(evq_handle(&t.ev)));
	assert_true(sim_at_embedded(&sim, &t.ev, 10, PHASE_REQUEST));
	assert_true(evq_pending(evq_handle(&t.ev)));
	sim_at(&sim, 10, PHASE_RELEASE, record, &log, NULL, 1);
	sim_at(&sim, 20, PHASE_WAKE, record, &log, NULL, 2);
	assert_int_equal(sim_run(&sim, UINT64_MAX), 5);
	{
		static const int want[] = { 1, 102, 101, 2, 100 };
		static const uint64_t wt[] = { 10, 10, 20, 20, 30 };

		assert_int_equal(log.n, 5);
		for (int i = 0; i < 5; i++) {
			assert_int_equal(log.tag[i], want[i]);
			assert_int_equal(log.t[i], wt[i]);
		}
	}
	/* the two pooled events went back to the pool, the embedded one
	 * did not */
	assert_true(evq_embedded(&t.ev));
	assert_false(evq_pending(evq_handle(&t.ev)));
	/* cancelled, it stays its owner's and may be queued again */
	t.left = 0;
	assert_true(sim_at_embedded(&sim, &t.ev, 40, PHASE_REQUEST));
	assert_true(sim_cancel(&sim, evq_handle(&t.ev)));
	assert_false(sim_cancel(&sim, evq_handle(&t.ev)));
	assert_true(evq_embedded(&t.ev) && evq_check(&sim.q));
	assert_int_equal(sim_run(&sim, UINT64_MAX), 0);
	assert_true(sim_at_embedded(&sim, &t.ev, 50, PHASE_REQUEST));
	assert_int_equal(sim_run(&sim, UINT64_MAX), 1);
	assert_int_equal(log.n, 6);
	assert_int_equal(log.t[5], 50);
	for (struct event *e = sim.q.free; e; e = e->next_free)
		assert_true(e != &t.ev);
	sim_fini(&sim);
}

/* Random schedule and cancel against a sorted reference. */
static void random_against_reference(void **state)
{
	enum { N = 5000 };
	struct sim sim;
	struct rng r;
	struct ev_handle h[N];
	uint64_t key[N];
	bool live[N];
	static int fired[N];
	int nfired = 0;
	struct log dummy;

	(void)state;
	(void)dummy;
	sim_init(&sim, 1);
	rng_seed(&r, 42, "evq");
	for (int i = 0; i < N; i++) {
		uint64_t t = rng_below(&r, 1000);
		enum phase p = (enum phase)rng_below(&r, PHASE_COUNT);
		struct event *ev = sim_at(&sim, t, p, NULL, NULL, NULL,
					  (uint64_t)i);

		h[i] = evq_handle(ev);
		key[i] = t * 8 + p;
		live[i] = true;
	}
	for (int i = 0; i < N; i += 3) {
		assert_true(sim_cancel(&sim, h[i]));
		live[i] = false;
	}
	assert_true(evq_check(&sim.q));
	while (evq_peek(&sim.q)) {
		struct event *ev = evq_pop(&sim.q);

		fired[nfired++] = (int)ev->arg;
		evq_release(&sim.q, ev);
	}
	/* Every live event exactly once, in (time, phase, index) order. */
	for (int i = 1; i < nfired; i++) {
		int a = fired[i - 1], b = fired[i];

		assert_true(key[a] < key[b] || (key[a] == key[b] && a < b));
	}
	{
		int want = 0;

		for (int i = 0; i < N; i++)
			want += live[i];
		assert_int_equal(nfired, want);
	}
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_time_phase_sequence),
		cmocka_unit_test(cancel_and_stale_handles),
		cmocka_unit_test(run_until_stops_at_limit),
		cmocka_unit_test(lead_is_before_everything_queued),
		cmocka_unit_test(pool_reuse_millions),
		cmocka_unit_test(embedded_event),
		cmocka_unit_test(random_against_reference),
	};

	return cmocka_run_group_tests_name("/kernel/evq", tests, NULL, NULL);
}
