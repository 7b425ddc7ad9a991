/* cpu_irq: interrupts: a raised line is taken at the next operation
 * boundary; entry cycles, the handler in interrupt context, exit cycles;
 * handlers nest by priority.  See cpu.h. */
#include <assert.h>
#include <limits.h>
#include <stdio.h>

#include "cpu_int.h"

/* Trace points (the mechanism: kernel/trace.h). */
static const struct trace_point tp_irq_raise = {
	"irq", TRACE_INSTANT, 0,
	"an interrupt is raised"
};
static const struct trace_point tp_irq_line = {
	"irq", TRACE_SIGNAL, 1,
	"an interrupt line's level"
};

/* The pending line to take next: the highest priority, the lowest line
 * among equals; -1 when none is pending. */
static int cpu_best_line(const struct cpu *cpu, int *prio)
{
	uint64_t p = cpu->irq_pending;
	int best = -1, bp = INT_MIN;

	while (p) {
		unsigned l = (unsigned)__builtin_ctzll(p);

		p &= p - 1;
		if (best < 0 || cpu->irq_prio[l] > bp) {
			best = (int)l;
			bp = cpu->irq_prio[l];
		}
	}
	*prio = bp;
	return best;
}

bool cpu_irq_deliverable(const struct cpu *cpu)
{
	int prio;

	if (!cpu->irq_pending || cpu->depth >= CPU_IRQ_NEST)
		return false;
	if (!cpu->depth)
		return true;
	cpu_best_line(cpu, &prio);
	return prio > cpu->frame[cpu->depth - 1].prio;
}

static void cpu_irq_exit_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;
	struct cpu_irq_frame *f = &cpu->frame[cpu->depth - 1];
	const struct cpu_irq_hook *hk = &cpu->irq_hook[f->line];

	(void)sim;
	cpu->ev.ev = NULL;
	f->own_ps += cpu->sim->now - f->run_since;
	if (cpu->depth == 1)
		cpu->irq_ps += cpu->sim->now - f->start;
	cpu->depth--;
	cpu->in_irq = cpu->depth > 0;
	if (cpu->depth)
		cpu->frame[cpu->depth - 1].run_since = cpu->sim->now;
	if (hk->eoi)
		hk->eoi(hk->ctx, cpu, f->line, f->own_ps);
	cpu_dispatch(cpu);
}

void cpu_irq_exit(struct cpu *cpu)
{
	cpu_set_state(cpu, CPU_IRQ_EXIT);
#ifdef DMASIM_MUTATE_IRQ_NO_EXIT_COST
	/* the return from an interrupt costs nothing */
	cpu_timer(cpu, 0, cpu_irq_exit_done);
#else
	cpu_timer(cpu, cpu->cfg.irq_exit, cpu_irq_exit_done);
#endif
}

/* An interrupt line's wire (its own track "<cpu>.irq<line>", made when
 * first raised) and, when raised, an instant on the CPU's track. */
TRACE_COLD static void cpu_trace_irq_line(struct cpu *cpu, unsigned line,
					  int level)
{
	char name[48];

	if (!cpu->irq_track[line]) {
		snprintf(name, sizeof(name), "%s.irq%u", cpu->name, line);
		cpu->irq_track[line] = trace_track(cpu->sim, NULL, name);
	}
	trace_signal(cpu->sim, cpu->irq_track[line], &tp_irq_line,
		     (uint64_t)level);
	if (level) {
		snprintf(name, sizeof(name), "irq%u", line);
		trace_instant(cpu->sim, cpu->track, &tp_irq_raise, name);
	}
}

static void cpu_irq_entry_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;
	unsigned level = cpu->depth;
	struct cpu_irq_frame *f = &cpu->frame[level - 1];
	struct cpu_irq_handler *h = &cpu->handler[f->line];
	const struct cpu_irq_hook *hk = &cpu->irq_hook[f->line];

	(void)sim;
	cpu->ev.ev = NULL;
	/* the handler starts: it acknowledges the line */
	if (cpu->track && trace_on(cpu->sim))
		cpu_trace_irq_line(cpu, f->line, 0);
	stat_hist_add(&cpu->irq_latency,
		      cpu->sim->now - cpu->irq_raised_at[f->line]);
	if (hk->ack)
		hk->ack(hk->ctx, cpu, f->line);
	cpu_set_state(cpu, CPU_HANDLER);
	f->handler_running = true;
	cpu->irq_calling = true;
	if (h->fn)
		h->fn(cpu, f->line, h->ctx);
	else
		cpu_irq_done(cpu);
	cpu->irq_calling = false;
	if (cpu->state == CPU_HANDLER && cpu->depth == level &&
	    (cpu->head[level] || cpu_irq_deliverable(cpu)))
		cpu_dispatch(cpu);
}

void cpu_take_irq(struct cpu *cpu)
{
	struct cpu_irq_frame *f;
	int prio;
	int line = cpu_best_line(cpu, &prio);

	assert(line >= 0 && cpu->depth < CPU_IRQ_NEST);
	if (cpu->depth) {
		f = &cpu->frame[cpu->depth - 1];
		f->own_ps += cpu->sim->now - f->run_since;
		cpu->irq_nested++;
	}
	cpu->irq_pending &= ~(1ull << line);
	f = &cpu->frame[cpu->depth++];
	f->line = (unsigned)line;
	f->prio = prio;
	f->handler_running = false;
	f->start = f->run_since = cpu->sim->now;
	f->own_ps = 0;
	cpu->in_irq = true;
	cpu->irqs++;
	cpu_set_state(cpu, CPU_IRQ_ENTRY);
	cpu_timer(cpu, cpu->cfg.irq_entry, cpu_irq_entry_done);
}

void cpu_irq_done_level(struct cpu *cpu, unsigned level)
{
	assert(level >= 1 && level <= cpu->depth);
	cpu->frame[level - 1].handler_running = false;
	if (level == cpu->depth && cpu->state == CPU_HANDLER &&
	    !cpu->head[level])
		cpu_irq_exit(cpu);
}

void cpu_irq_done(struct cpu *cpu)
{
	assert(cpu->in_irq);
	cpu_irq_done_level(cpu, cpu->depth);
}

void cpu_raise_irq(struct cpu *cpu, unsigned line)
{
	uint64_t bit = 1ull << (line % CPU_IRQ_LINES);

	line %= CPU_IRQ_LINES;
	if (!(cpu->irq_pending & bit))
		cpu->irq_raised_at[line] = cpu->sim->now;
	if (cpu->track && trace_on(cpu->sim))
		cpu_trace_irq_line(cpu, line, 1);
	cpu->irq_pending |= bit;
	if (!cpu_irq_deliverable(cpu))
		return;
	switch (cpu->state) {
	case CPU_IDLE:
		cpu_wake(cpu);
		cpu_set_state(cpu, CPU_IRQ_ENTRY);	/* not idle from now */
		cpu_take_irq(cpu);
		break;
	case CPU_COMPUTING:
	case CPU_PIO_WAIT:
		cpu_preempt(cpu);
		cpu_take_irq(cpu);
		break;
	case CPU_HANDLER:
		/* a handler between operations: nest now, unless its
		 * start routine is running (it dispatches after) */
		if (!cpu->irq_calling)
			cpu_take_irq(cpu);
		break;
	default:
		break;		/* taken at the next operation boundary */
	}
}

void cpu_withdraw_irq(struct cpu *cpu, unsigned line)
{
	line %= CPU_IRQ_LINES;
	if (!(cpu->irq_pending & (1ull << line)))
		return;
	cpu->irq_pending &= ~(1ull << line);
	if (cpu->track && trace_on(cpu->sim))
		cpu_trace_irq_line(cpu, line, 0);
}

void cpu_set_irq_priority(struct cpu *cpu, unsigned line, int prio)
{
	cpu->irq_prio[line % CPU_IRQ_LINES] = prio;
}

void cpu_set_irq_hook(struct cpu *cpu, unsigned line,
		      const struct cpu_irq_hook *hook)
{
	static const struct cpu_irq_hook none;

	cpu->irq_hook[line % CPU_IRQ_LINES] = hook ? *hook : none;
}

void cpu_set_irq_handler(struct cpu *cpu, unsigned line, cpu_irq_fn fn,
			 void *ctx)
{
	cpu->handler[line % CPU_IRQ_LINES].fn = fn;
	cpu->handler[line % CPU_IRQ_LINES].ctx = ctx;
}
