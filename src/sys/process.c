/* process: software on a system, its waits and interrupt handlers.  See
 * process.h. */
#include "process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/dma.h"
#include "kernel/alloc.h"
#include "kernel/checked.h"
#include "kernel/util.h"
#include "kernel/vec.h"

/* ---- the kernel side ---- */

/* In constant time: 100,000 processes ending one by one once took a
 * quadratic walk of the list. */
static void sysproc_unlink(struct dmasim_proc *p)
{
	if (!p->pprev)
		return;
	*p->pprev = p->next;
	if (p->next)
		p->next->pprev = p->pprev;
	p->pprev = NULL;
	p->next = NULL;
}

static void sysproc_resume(struct proc *kp)
{
	struct dmasim_proc *p = (struct dmasim_proc *)kp;

	p->body->resume(p);
}

static void sysproc_done(struct proc *kp)
{
	struct dmasim_proc *p = (struct dmasim_proc *)kp;
	struct cpu *irq = p->irq_cpu;
	unsigned level = p->irq_level;	/* done() frees p */

	sysproc_unlink(p);
	p->body->done(p);
	if (irq)
		cpu_irq_done_level(irq, level);
}

static const struct proc_ops sysproc_ops = {
	.resume = sysproc_resume,
	.done = sysproc_done,
};

int sys_proc_start(struct dmasim_sys *sys, struct dmasim_proc *p,
		   const struct sys_body *body)
{
	p->sys = sys;
	p->body = body;
	proc_init(&p->p, &sys->sim, &sysproc_ops);
	signal_init(&p->op.sig);
	p->next = sys->procs;
	if (p->next)
		p->next->pprev = &p->next;
	p->pprev = &sys->procs;
	sys->procs = p;
	sys->procs_free = sys_procs_free;
	if (proc_start(&p->p)) {
		sysproc_unlink(p);
		return DMASIM_ENOMEM;
	}
	return 0;
}

struct dmasim_proc *sys_proc_current(const struct dmasim_sys *sys)
{
	struct proc *kp = sys->sim.current;

	return kp && kp->ops == &sysproc_ops ? (struct dmasim_proc *)kp : NULL;
}

/* Whether one of p's operations is what its CPU runs at some level. */
static bool op_running(const struct dmasim_proc *p)
{
	const struct cpu *cpu = &p->op.cpu->cpu;

	for (unsigned l = 0; l <= cpu->depth && l <= CPU_IRQ_NEST; l++)
		for (unsigned i = 0; i < p->op.nops; i++)
			if (cpu->head[l] == &p->op.op[i])
				return true;
	return false;
}

void sys_proc_where(struct dmasim_sys *sys, const char *initiator,
		    char *buf, size_t len)
{
	struct dmasim_proc *p = sys_proc_current(sys);

	/* initiator NULL: whichever CPU runs a process's operation now */
	for (struct dmasim_proc *q = sys->procs; !p && q; q = q->next)
		if (q->p.state == PROC_WAITING && q->op.cpu &&
		    (!initiator || !strcmp(q->op.cpu->cpu.name, initiator)) &&
		    op_running(q))
			p = q;
	buf[0] = 0;
	if (p && p->body && p->body->where)
		p->body->where(p, buf, len);
}

/* The sanitizer's reports, with where in the software each came from. */
void sys_check_sink(void *ctx, const struct san_report *r)
{
	struct dmasim_sys *sys = ctx;
	struct san_report c = *r;

	if (!sys->hooks.check_sink)
		return;
	sys_proc_where(sys, r->initiator, c.where, sizeof(c.where));
	if (!c.where[0])	/* a DMA channel: where its transfer began */
		sys_origin(sys, r->initiator, c.where, sizeof(c.where));
	sys->hooks.check_sink(sys->hooks.check_ctx, &c);
}

void sys_dma_started(void *ctx, struct dma_chan *ch)
{
	struct dmasim_sys *sys = ctx;
	struct sys_origin *o = NULL;

	for (size_t i = 0; i < sys->norigins && !o; i++)
		if (!strcmp(sys->origins[i].who, ch->name))
			o = &sys->origins[i];
	if (!o) {
		VEC_RESERVE(sys->origins, sys->norigins, sys->caporigins,
			    return);
		o = &sys->origins[sys->norigins++];
		snprintf(o->who, sizeof(o->who), "%s", ch->name);
	}
	sys_proc_where(sys, NULL, o->where, sizeof(o->where));
}

void sys_origin(const struct dmasim_sys *sys, const char *initiator,
		char *buf, size_t len)
{
	buf[0] = 0;
	for (size_t i = 0; i < sys->norigins; i++)
		if (!strcmp(sys->origins[i].who, initiator) &&
		    sys->origins[i].where[0])
			snprintf(buf, len, "%s", sys->origins[i].where);
}

int sys_proc_wait(struct dmasim_proc *p, struct signal *sig)
{
	proc_wait_signal(&p->p, sig);
	return DMASIM_WAITING;
}

void sys_procs_free(struct dmasim_sys *sys)
{
	while (sys->procs) {
		struct dmasim_proc *p = sys->procs;

		sysproc_unlink(p);
		p->irq_cpu = NULL;
		if (p->op.call == sys_maint_call && p->op.u.maint.walking) {
			cache_walk_end(&p->op.u.maint.walk);
			p->op.u.maint.walking = false;
		}
		/* Not through proc_kill: nothing may run any more. */
		p->p.state = PROC_DONE;
		p->body->done(p);
	}
}

void sys_proc_irq(struct dmasim_proc *p, struct dmasim_cpu *cpu)
{
	p->irq_cpu = &cpu->cpu;
	p->irq_level = cpu_irq_level(&cpu->cpu);
}

/* ---- C processes ---- */

static void cproc_resume(struct dmasim_proc *p)
{
	p->fn(p, p->ctx);
}

static void cproc_done(struct dmasim_proc *p)
{
	dm_free(p);
}

static const struct sys_body cproc_body = {
	.resume = cproc_resume,
	.done = cproc_done,
};

static int cproc_spawn(struct dmasim_sys *sys, dmasim_proc_fn fn, void *ctx,
		       struct dmasim_proc **out)
{
	struct dmasim_proc *p = dm_calloc(1, sizeof(*p));

	if (!p)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	p->fn = fn;
	p->ctx = ctx;
	if (sys_proc_start(sys, p, &cproc_body)) {
		dm_free(p);
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	}
	if (out)
		*out = p;
	return 0;
}

int dmasim_spawn(struct dmasim_sys *sys, dmasim_proc_fn fn, void *ctx,
		 struct dmasim_proc **out)
{
	if (!fn)
		return sys_error(sys, DMASIM_EINVAL, "dmasim_spawn: expected a "
				 "process function, got NULL");
	return cproc_spawn(sys, fn, ctx, out);
}

int *dmasim_proc_pc(struct dmasim_proc *p)
{
	return &p->pc;
}

struct dmasim_sys *dmasim_proc_sys(const struct dmasim_proc *p)
{
	return p->sys;
}

int dmasim_proc_fail(struct dmasim_proc *p, const char *msg)
{
	sys_fail(p->sys, DMASIM_ESCENARIO, msg && *msg ? msg :
		 "a process failed");
	return DMASIM_ESCENARIO;
}

const struct dmasim_result *dmasim_proc_result(const struct dmasim_proc *p)
{
	return &p->op.res;
}

int dmasim_sleep(struct dmasim_proc *p, uint64_t ps)
{
	uint64_t end;

	if (!ck_time_after(p->sys->sim.now, ps, &end))
		return sys_error(p->sys, DMASIM_ERANGE, "sleep of %llu ps: "
				 "expected a time that ends before the end of "
				 "simulated time", (unsigned long long)ps);
	if (proc_wait_delay(&p->p, ps))
		return sys_error(p->sys, DMASIM_ENOMEM, "out of memory");
	return DMASIM_WAITING;
}

int dmasim_wait_channel(struct dmasim_proc *p, struct dmasim_channel *ch)
{
	int err = sys_owns(p->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	if (ch->ch->state == DMA_IDLE)
		return sys_error(p->sys, DMASIM_EINVAL, "wait for channel "
				 "'%s': it was never started", ch->ch->name);
	if (!dma_chan_busy(ch->ch))
		return 0;
	return sys_proc_wait(p, &ch->ch->done);
}

int dmasim_wait_traffic(struct dmasim_proc *p, struct dmasim_traffic *t)
{
	int err = sys_owns(p->sys, t->sys, "the traffic master");

	if (err)
		return err;
	if (t->s.state == SYNTH_IDLE)
		return sys_error(p->sys, DMASIM_EINVAL, "wait for traffic "
				 "'%s': it was never started", t->s.name);
	if (!synth_running(&t->s))
		return 0;
	return sys_proc_wait(p, &t->s.done);
}

/* ---- completions ---- */

int dmasim_completion_new(struct dmasim_sys *sys,
			  struct dmasim_completion **out)
{
	struct dmasim_completion *c = sys_alloc(sys, sizeof(*c), NULL);

	if (!c)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	signal_init(&c->sig);
	c->sys = sys;
	*out = c;
	return 0;
}

int dmasim_complete(struct dmasim_completion *c)
{
	c->done++;
	if (signal_notify(&c->sys->sim, &c->sig))
		return sys_error(c->sys, DMASIM_ENOMEM, "out of memory");
	return 0;
}

int dmasim_wait_completion(struct dmasim_proc *p, struct dmasim_completion *c)
{
	int err = sys_owns(p->sys, c->sys, "the completion");

	if (err)
		return err;
	if (c->done > c->taken) {
		c->taken++;
		return 0;
	}
	/* The woken process consumes its completion. */
	c->taken++;
	return sys_proc_wait(p, &c->sig);
}

uint64_t dmasim_completion_count(const struct dmasim_completion *c)
{
	return c->done;
}

/* ---- interrupt handlers ---- */

struct sys_irq {
	struct sys_irq_handler h[CPU_IRQ_LINES];
};

static void sys_irq_run(struct cpu *cpu, unsigned line, void *ctx)
{
	struct dmasim_cpu *c = ctx;
	struct sys_irq_handler *h = &c->irq->h[line];
	int err = h->start(c, line, h->ctx);

	(void)cpu;
	if (err) {
		sys_fail(c->sys, err, "cannot start an interrupt handler: out "
			 "of memory");
		cpu_irq_done(&c->cpu);
	}
}

static void sys_irq_fini(void *obj)
{
	struct sys_irq *irq = obj;

	for (unsigned i = 0; i < CPU_IRQ_LINES; i++)
		if (irq->h[i].free)
			irq->h[i].free(irq->h[i].ctx);
}

int sys_cpu_set_irq(struct dmasim_cpu *cpu, unsigned line,
		    const struct sys_irq_handler *h)
{
	struct dmasim_sys *sys = cpu->sys;

	if (line >= CPU_IRQ_LINES)
		return sys_error(sys, DMASIM_EINVAL, "interrupt line %u: "
				 "expected 0 to %d", line, CPU_IRQ_LINES - 1);
	if (!cpu->irq) {
		cpu->irq = sys_alloc(sys, sizeof(*cpu->irq), sys_irq_fini);
		if (!cpu->irq)
			return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	}
	if (cpu->irq->h[line].free)
		cpu->irq->h[line].free(cpu->irq->h[line].ctx);
	if (!h || !h->start) {
		memset(&cpu->irq->h[line], 0, sizeof(cpu->irq->h[line]));
		cpu_set_irq_handler(&cpu->cpu, line, NULL, NULL);
		return 0;
	}
	cpu->irq->h[line] = *h;
	cpu_set_irq_handler(&cpu->cpu, line, sys_irq_run, cpu);
	return 0;
}

struct cirq {
	dmasim_proc_fn fn;
	void *ctx;
};

static int cirq_start(struct dmasim_cpu *cpu, unsigned line, void *ctx)
{
	struct cirq *ci = ctx;
	struct dmasim_proc *p = NULL;
	int err;

	(void)line;
	err = cproc_spawn(cpu->sys, ci->fn, ci->ctx, &p);
	if (!err)
		sys_proc_irq(p, cpu);
	return err;
}

int dmasim_cpu_on_irq(struct dmasim_cpu *cpu, unsigned line,
		      dmasim_proc_fn fn, void *ctx)
{
	struct sys_irq_handler h = { cirq_start, NULL, dm_free };
	struct cirq *ci;
	int err;

	if (!fn)
		return sys_cpu_set_irq(cpu, line, NULL);
	ci = dm_malloc(sizeof(*ci));
	if (!ci)
		return sys_error(cpu->sys, DMASIM_ENOMEM, "out of memory");
	ci->fn = fn;
	ci->ctx = ctx;
	h.ctx = ci;
	err = sys_cpu_set_irq(cpu, line, &h);
	if (err)
		dm_free(ci);
	return err;
}

/* ---- operations on a CPU ---- */

void sys_call_wake(struct dmasim_proc *p)
{
	struct sys_op *o = &p->op;

	if (!o->parked) {
		o->woken = true;	/* before its step's cycles ended */
		return;
	}
	o->parked = false;
	/* Cannot fail: the same operation, in the context it ran in. */
	cpu_submit(&o->cpu->cpu, o->ctx, &o->op[0]);
}

void sys_call_sleep(struct dmasim_proc *p)
{
	p->op.sleep = true;
	p->op.woken = false;
	p->op.op[0].again = false;
}

static void swap_wake(void *arg)
{
	sys_call_wake(arg);
}

bool sys_call_swap_wait(struct dmasim_proc *p, struct vm *vm)
{
#ifdef DMASIM_MUTATE_SWAP_WAIT_SKIPPED
	/* the call goes on at once, its pages still on the way */
	return false;
#endif
	if (!vm_swap_pending(vm))
		return false;
	/* Started now, so that no other call's start takes these records
	 * with it. */
	sys_call_sleep(p);
	if (vm_swap_start(vm, swap_wake, p))
		sim_host_oom(vm->sim);
	return true;
}

static void op_done(struct cpu *cpu, struct cpu_op *op)
{
	struct dmasim_proc *p = op->ctx;
	struct sys_op *o = &p->op;

	if (op->status && !o->res.status)
		o->res.status = op->status;
	if (op != &o->op[o->nops - 1])
		return;
	if (o->sleep) {
		/* off the CPU until sys_call_wake() */
		o->sleep = false;
		if (!o->slept) {
			o->slept = true;
			o->t0 = o->op[0].start;
		}
		o->parked = true;
		if (o->woken)
			sys_call_wake(p);
		return;
	}
	o->res.cycles = clock_cycles(&cpu->clk, cpu->sim->now -
				     (o->slept ? o->t0 : o->op[0].start));
	/* a load of a word: its value, little-endian */
	if (op->kind == CPU_OP_XACT && !op->write && op->len <= 8 &&
	    op->data == o->word[o->nops - 1])
		o->res.value = util_le_get(op->data, (unsigned)op->len);
	signal_notify(cpu->sim, &o->sig);
}

static int op_check(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		    const char *what, enum cpu_ctx *ctx)
{
	int err = sys_owns(p->sys, cpu->sys, "the CPU");

	if (err)
		return err;
	if (sys_proc_current(p->sys) != p)
		return sys_error(p->sys, DMASIM_EINVAL, "%s must be called "
				 "from the process it is for, while it runs",
				 what);
	if (p->irq_cpu && p->irq_cpu != &cpu->cpu)
		return sys_error(p->sys, DMASIM_EINVAL, "%s: an interrupt "
				 "handler of one CPU cannot run operations on "
				 "another", what);
	*ctx = p->irq_cpu ? (enum cpu_ctx)p->irq_level : CPU_CTX_THREAD;
	return 0;
}

int sys_op_issue(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		 const char *what)
{
	struct sys_op *o = &p->op;
	enum cpu_ctx ctx = CPU_CTX_THREAD;
	int err = op_check(p, cpu, what, &ctx);

	if (err)
		return err;
	for (unsigned i = 0; i < o->nops; i++)
		if (o->op[i].kind == CPU_OP_COMPUTE ? !(o->op[i].cpi > 0) :
		    !o->op[i].len)
			return sys_error(p->sys, DMASIM_EINVAL, "%s: malformed "
					 "operation (no length, or no CPI)",
					 what);
	o->res.status = 0;
	o->res.cycles = 0;
	o->ctx = ctx;
	o->sleep = o->parked = false;
	o->slept = false;
	/* Wait first: the operation may complete inside cpu_submit() (a bus
	 * error); the process then resumes at once, in this instant. */
	sys_proc_wait(p, &o->sig);
	o->cpu = cpu;
	for (unsigned i = 0; i < o->nops; i++) {
		o->op[i].done = op_done;
		o->op[i].ctx = p;
		err = cpu_submit(&cpu->cpu, ctx, &o->op[i]);
		if (err)
			return sys_error(p->sys, err, "%s: the CPU cannot run "
					 "operations now", what);
	}
	return DMASIM_WAITING;
}

static void call_run(struct cpu *cpu, struct cpu_op *op, uint64_t *cycles,
		     uint64_t *bus_cycles)
{
	struct dmasim_proc *p = op->ctx;
	struct cache_cost cost = { 0 };

	uint64_t end;

	p->op.call(p, &cost);
	*cycles = cost.cpu;
	*bus_cycles = cost.bus;
	/* A routine's cost over a huge range (cache maintenance of 2^62
	 * bytes) must not wrap simulated time: the run stops instead. */
	if (!ck_time_after_d(p->sys->sim.now, (double)cost.cpu *
			     (double)cpu->clk.period + (double)cost.bus *
			     (double)cpu->port.bus->clk.period, &end)) {
		sys_error(p->sys, DMASIM_ERANGE, "an operation costing %llu CPU "
			  "and %llu bus cycles: expected one that ends before "
			  "the end of simulated time (2^63 - 1 ps)",
			  (unsigned long long)cost.cpu,
			  (unsigned long long)cost.bus);
		sys_fail(p->sys, DMASIM_ERANGE, p->sys->err);
		*cycles = 0;
		*bus_cycles = 0;
	}
}

int sys_call_issue(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		   const char *what)
{
	struct sys_op *o = &p->op;

	cpu_op_call(&o->op[0], call_run, p);
	o->nops = 1;
	return sys_op_issue(p, cpu, what);
}
