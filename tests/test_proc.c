/*
 * /kernel/proc: C processes that wait for delays and signals, and the
 * phase in which each kind of wake-up runs.
 */
#include "kernel/proc.h"
#include "testutil.h"

struct stepper {
	struct proc p;
	int step;
	uint64_t seen[8];
	enum phase phase[8];
	struct signal *sig;
};

/* Sleep 10 ps, wait for sig, sleep 5 ps, finish. */
static void stepper_resume(struct proc *p)
{
	struct stepper *s = (struct stepper *)p;

	s->seen[s->step] = p->sim->now;
	s->phase[s->step] = p->sim->phase;
	switch (s->step++) {
	case 0:
		proc_wait_delay(p, 10);
		break;
	case 1:
		proc_wait_signal(p, s->sig);
		break;
	case 2:
		proc_wait_delay(p, 5);
		break;
	default:
		break;		/* returns without waiting: done */
	}
}

static int dones;

static void stepper_done(struct proc *p)
{
	(void)p;
	dones++;
}

static const struct proc_ops stepper_ops = {
	.resume = stepper_resume,
	.done = stepper_done,
};

static void notify_event(struct sim *sim, struct event *ev)
{
	signal_notify(sim, ev->obj);
}

static void delays_and_signals(void **state)
{
	struct sim sim;
	struct signal sig;
	struct stepper a = { 0 }, b = { 0 };

	(void)state;
	dones = 0;
	sim_init(&sim, 1);
	signal_init(&sig);
	a.sig = b.sig = &sig;
	proc_init(&a.p, &sim, &stepper_ops);
	proc_init(&b.p, &sim, &stepper_ops);
	proc_start(&a.p);
	proc_start(&b.p);
	/* Notified at 100 in the release phase: both waiters run at 100 in
	 * the wake phase, in the order they began waiting. */
	sim_at(&sim, 100, PHASE_RELEASE, notify_event, &sig, NULL, 0);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(dones, 2);
	assert_int_equal(a.seen[0], 0);
	assert_int_equal(a.seen[1], 10);
	assert_int_equal(a.phase[1], PHASE_REQUEST);
	assert_int_equal(a.seen[2], 100);
	assert_int_equal(a.phase[2], PHASE_WAKE);
	assert_int_equal(a.seen[3], 105);
	assert_int_equal(b.seen[3], 105);
	assert_int_equal(a.p.state, PROC_DONE);
	assert_int_equal(sig.notified, 1);
	sim_fini(&sim);
}

static void kill_waiting_process(void **state)
{
	struct sim sim;
	struct signal sig;
	struct stepper a = { 0 }, b = { 0 };

	(void)state;
	dones = 0;
	sim_init(&sim, 1);
	signal_init(&sig);
	a.sig = b.sig = &sig;
	proc_init(&a.p, &sim, &stepper_ops);
	proc_init(&b.p, &sim, &stepper_ops);
	proc_start(&a.p);
	proc_start(&b.p);
	sim_run(&sim, 50);	/* both wait on sig now */
	assert_int_equal(a.p.state, PROC_WAITING);
	proc_kill(&a.p);	/* unlinked from the signal */
	assert_int_equal(dones, 1);
	signal_notify(&sim, &sig);
	sim_run(&sim, UINT64_MAX);
	assert_int_equal(dones, 2);
	assert_int_equal(a.step, 2);	/* never resumed after the kill */
	assert_int_equal(b.step, 4);
	/* Killing a sleeping process cancels its timer. */
	sim_fini(&sim);
}

static void kill_sleeping_process(void **state)
{
	struct sim sim;
	struct stepper a = { 0 };
	struct signal sig;

	(void)state;
	dones = 0;
	sim_init(&sim, 1);
	signal_init(&sig);
	a.sig = &sig;
	proc_init(&a.p, &sim, &stepper_ops);
	proc_start(&a.p);
	sim_run(&sim, 5);
	assert_int_equal(a.p.state, PROC_SLEEPING);
	proc_kill(&a.p);
	assert_int_equal(sim_run(&sim, UINT64_MAX), 0);
	assert_int_equal(a.step, 1);
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delays_and_signals),
		cmocka_unit_test(kill_waiting_process),
		cmocka_unit_test(kill_sleeping_process),
	};

	return cmocka_run_group_tests_name("/kernel/proc", tests, NULL, NULL);
}
