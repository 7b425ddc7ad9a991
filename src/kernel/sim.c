/* sim: the simulation object and its event loop.  See sim.h. */
#include "sim.h"

#include <assert.h>

int sim_init(struct sim *sim, uint64_t seed)
{
	int err;

	sim->now = 0;
	sim->phase = PHASE_RELEASE;
	sim->seed = seed;
	sim->events = 0;
	sim->until = 0;
	sim->stopping = false;
	sim->current = NULL;
	sim->user = NULL;
	sim->name = NULL;
	sim->trace = NULL;
	sim->progress = NULL;
	sim->progress_ctx = NULL;
	err = evq_init(&sim->q);
	if (err)
		return err;
	stats_init(&sim->stats);
	return 0;
}

void sim_fini(struct sim *sim)
{
	stats_fini(&sim->stats);
	evq_fini(&sim->q);
}

/*
 * The event loop, instantiated twice: with the progress hook, and without
 * it for runs that have none, which then pay nothing for it.
 */
static SIM_ALWAYS_INLINE uint64_t sim_loop(struct sim *sim, uint64_t until,
					   const bool hook)
{
	uint64_t n = 0, events0 = sim->events, outer = sim->until;
	uint64_t mark = SIM_PROGRESS_MASK + 1;	/* the hook's next call */
	struct event *ev;

	sim->stopping = false;
	sim->until = until;
	while (sim->q.len) {
		ev = sim->q.heap[0];
		if (ev->time > until) {
			sim->now = until;
			sim->phase = PHASE_RELEASE;
			break;
		}
		evq_pop(&sim->q);
		sim->now = ev->time;
		sim->phase = event_phase(ev);
		/* The event goes back to the pool after its callback, so the
		 * callback may read its payload; a handle to it is stale by
		 * then because the generation changes on release.  An
		 * embedded event is its owner's, and its callback may have
		 * queued it again. */
		if (evq_embedded(ev)) {
			ev->fn(sim, ev);
		} else {
			ev->fn(sim, ev);
			evq_release(&sim->q, ev);
		}
		n++;
		if (sim->stopping)
			break;
		/* The hook (which may read the wall clock) runs each time
		 * the run's events pass a multiple of 2^16 (models may enter
		 * several in one callback: sim_enter()). */
		if (hook && SIM_UNLIKELY(sim->events + n - events0 >= mark)) {
			mark = ((sim->events + n - events0) |
				SIM_PROGRESS_MASK) + 1;
			sim->progress(sim, until, sim->events + n);
		}
	}
	sim->until = outer;
	/* sim->events also counts the events models entered themselves
	 * (sim_enter()). */
	sim->events += n;
	return sim->events - events0;
}

uint64_t sim_run(struct sim *sim, uint64_t until)
{
	return sim->progress ? sim_loop(sim, until, true)
			     : sim_loop(sim, until, false);
}
