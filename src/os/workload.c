/* workload: a working-set process.  See workload.h. */
#include "workload.h"

#include <string.h>

#include "kernel/base.h"

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

static void workload_op_done(struct cpu *cpu, struct cpu_op *op)
{
	struct workload *w = op->ctx;

	signal_notify(cpu->sim, &w->op_done);
}

static void workload_swap_done(void *arg)
{
	struct workload *w = arg;

	signal_notify(w->p.sim, &w->swap_done);
}

/* Spend a batch of CPU cycles (on the shared CPU, or as time on a core
 * of its own). */
static void workload_spend(struct workload *w, uint64_t cycles)
{
	struct proc *p = &w->p;

	if (w->cfg.cpu) {
		cpu_op_compute(&w->op, cycles, 1.0, 0.0);
		w->op.done = workload_op_done;
		w->op.ctx = w;
		proc_wait_signal(p, &w->op_done);
		/* Cannot fail: a thread-context compute of cycles > 0. */
		cpu_submit(w->cfg.cpu, CPU_CTX_THREAD, &w->op);
		return;
	}
	proc_wait_delay(p, cycles * w->cfg.period);
}

/* Submit the next store of the fault's memory work on the CPU: the
 * unmapping's entry, the zero fill's lines, then the mappings.  False
 * when none is left. */
static bool workload_memwork(struct workload *w)
{
	static uint8_t zero[VM_JOB_LINE];	/* only ever read */
	struct vm_store *s = &w->store;

	if (!vm_job_next(&w->job, true, s))
		return false;
	/* an entry is written when its store completes (workload_resume) */
	w->store_pending = s->as != NULL;
	cpu_op_xact(&w->mop, s->pa, s->as ? s->entry : zero, s->len, true);
	w->mop.done = workload_op_done;
	w->mop.ctx = w;
	proc_wait_signal(&w->p, &w->op_done);
	if (cpu_submit(w->cfg.cpu, CPU_CTX_THREAD, &w->mop))
		w->error = DMASIM_EINVAL;
	return !w->error;
}

static void workload_resume(struct proc *p)
{
	struct workload *w = (struct workload *)p;
	uint64_t cycles = w->carry_cycles;

	if (w->cycles_owed) {
		/* The swap by DMA is done: now the CPU work of the batch. */
		cycles = w->cycles_owed;
		w->cycles_owed = 0;
		workload_spend(w, cycles);
		return;
	}
	w->carry_cycles = 0;
	if (w->store_pending) {
		w->store_pending = false;
		vm_pte_written(w->store.as, w->store.vpn);
	}
	if (w->mop.status)
		w->error = DMASIM_EINVAL;	/* a store found no memory */
	else if (workload_memwork(w)) {
		w->carry_cycles = cycles;
		return;
	}
	while (!w->error && w->touched < w->cfg.touches) {
		uint64_t vpn = w->cfg.first_page + workload_pick(w);
		bool write = rng_unit(&w->rng) < w->cfg.write_frac;
		uint64_t faults = w->as->faults;
		int err;

		cycles += w->cfg.touch_cycles;
		if (w->cfg.cpu)
			vm_defer_begin(w->as->vm);
		err = vm_touch(w->as, vpn, write, &cycles);
		if (w->cfg.cpu)
			vm_defer_end(w->as->vm, &w->job);
		if (err) {
			w->error = err;
			break;
		}
		w->touched++;
		w->faults += w->as->faults - faults;
		if (!vm_swap_pending(w->as->vm) && workload_memwork(w)) {
			/* the handler's stores before the touch goes on */
			w->carry_cycles = cycles;
			return;
		}
		if (vm_swap_pending(w->as->vm)) {
			/* Paging by the disk's DMA: wait for it, then spend
			 * the batch's cycles. */
			w->cycles_owed = cycles ? cycles : 1;
			err = vm_swap_start(w->as->vm, workload_swap_done,
					    w);
			if (err) {
				w->error = err;
				break;
			}
			proc_wait_signal(p, &w->swap_done);
			return;
		}
		if (cycles * w->cfg.period >= WORKLOAD_QUANTUM_PS) {
			workload_spend(w, cycles);
			return;
		}
	}
	if (cycles && !w->error) {
		workload_spend(w, cycles);
		return;
	}
	w->done = !w->error;
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
	    (!cfg->period && !cfg->cpu))
		return DMASIM_EINVAL;
	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	w->as = as;
	rng_seed(&w->rng, sim->seed, name);
	signal_init(&w->finished);
	signal_init(&w->op_done);
	signal_init(&w->swap_done);
	if (cfg->cpu)
		w->cfg.period = cfg->cpu->clk.period;
	w->start = sim->now;
	proc_init(&w->p, sim, &workload_ops);
	return proc_start(&w->p);
}
