/* workload: a working-set process.  See workload.h. */
#include "workload.h"

#include <string.h>

#include "dmasim/dmasim.h"

/* Hits are charged at most this much simulated time in one delay, so
 * processes sharing the swap device interleave finely enough. */
#define WORKLOAD_QUANTUM_PS (10 * 1000 * 1000ull)	/* 10 us */

/* The next page, as an offset in the working set. */
static uint64_t workload_pick(struct workload *w)
{
	uint64_t hot = (uint64_t)(w->cfg.hot_frac * (double)w->cfg.pages);

	if (w->cfg.hot_prob > 0 && hot > 0 && hot < w->cfg.pages) {
		if (rng_unit(&w->rng) < w->cfg.hot_prob)
			return rng_below(&w->rng, hot);
		return hot + rng_below(&w->rng, w->cfg.pages - hot);
	}
	return rng_below(&w->rng, w->cfg.pages);
}

static void workload_resume(struct proc *p)
{
	struct workload *w = (struct workload *)p;
	uint64_t owed = 0;

	while (w->touched < w->cfg.touches) {
		uint64_t vpn = w->cfg.first_page + workload_pick(w);
		bool write = rng_unit(&w->rng) < w->cfg.write_frac;
		uint64_t cycles = w->cfg.touch_cycles, io = 0;
		uint64_t faults = w->as->faults;
		int err = vm_touch(w->as, vpn, write, &cycles, &io);

		if (err) {
			w->error = err;
			break;
		}
		w->touched++;
		w->faults += w->as->faults - faults;
		owed += cycles * w->cfg.period + io;
		if (io || owed >= WORKLOAD_QUANTUM_PS) {
			proc_wait_delay(p, owed);
			return;
		}
	}
	if (owed) {
		proc_wait_delay(p, owed);
		return;
	}
	w->done = true;
	w->end = p->sim->now;
	signal_notify(p->sim, &w->finished);
}

static const struct proc_ops workload_ops = {
	.resume = workload_resume,
};

int workload_start(struct workload *w, struct sim *sim, struct aspace *as,
		   const char *name, const struct workload_config *cfg)
{
	if (!cfg->pages || cfg->first_page + cfg->pages > as->npages ||
	    !cfg->period)
		return DMASIM_EINVAL;
	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	w->as = as;
	rng_seed(&w->rng, sim->seed, name);
	signal_init(&w->finished);
	w->start = sim->now;
	proc_init(&w->p, sim, &workload_ops);
	return proc_start(&w->p);
}
