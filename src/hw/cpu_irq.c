/* cpu_irq: interrupts: a raised line is taken at the next operation
 * boundary; entry cycles, the handler in interrupt context, exit cycles.
 * See cpu.h. */
#include <assert.h>
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

static void cpu_irq_exit_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;

	(void)sim;
	cpu->ev.ev = NULL;
	cpu->irq_ps += cpu->sim->now - cpu->irq_start;
	cpu->in_irq = false;
	cpu_dispatch(cpu);
}

void cpu_irq_exit(struct cpu *cpu)
{
	cpu_set_state(cpu, CPU_IRQ_EXIT);
	cpu_timer(cpu, cpu->cfg.irq_exit, cpu_irq_exit_done);
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
	struct cpu_irq_handler *h = &cpu->handler[cpu->irq_line];

	(void)sim;
	cpu->ev.ev = NULL;
	/* the handler starts: it acknowledges the line */
	if (cpu->track && trace_on(cpu->sim))
		cpu_trace_irq_line(cpu, cpu->irq_line, 0);
	stat_hist_add(&cpu->irq_latency,
		      cpu->sim->now - cpu->irq_raised_at[cpu->irq_line]);
	cpu_set_state(cpu, CPU_HANDLER);
	cpu->handler_running = true;
	if (h->fn)
		h->fn(cpu, cpu->irq_line, h->ctx);
	else
		cpu_irq_done(cpu);
	if (cpu->state == CPU_HANDLER && cpu->head[CPU_CTX_IRQ])
		cpu_dispatch(cpu);
}

void cpu_take_irq(struct cpu *cpu)
{
	unsigned line = (unsigned)__builtin_ctzll(cpu->irq_pending);

	cpu->irq_pending &= ~(1ull << line);
	cpu->irq_line = line;
	cpu->in_irq = true;
	cpu->irqs++;
	cpu->irq_start = cpu->sim->now;
	cpu_set_state(cpu, CPU_IRQ_ENTRY);
	cpu_timer(cpu, cpu->cfg.irq_entry, cpu_irq_entry_done);
}

void cpu_irq_done(struct cpu *cpu)
{
	assert(cpu->in_irq);
	cpu->handler_running = false;
	if (cpu->state == CPU_HANDLER && !cpu->head[CPU_CTX_IRQ])
		cpu_irq_exit(cpu);
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
	if (cpu->in_irq)
		return;
	if (cpu->state == CPU_IDLE) {
		cpu_wake(cpu);
		cpu_set_state(cpu, CPU_IRQ_ENTRY);	/* not idle from now */
		cpu_take_irq(cpu);
	} else if (cpu->state == CPU_COMPUTING ||
		   cpu->state == CPU_PIO_WAIT) {
		cpu_preempt(cpu);
		cpu_take_irq(cpu);
	}
}

void cpu_set_irq_handler(struct cpu *cpu, unsigned line, cpu_irq_fn fn,
			 void *ctx)
{
	cpu->handler[line % CPU_IRQ_LINES].fn = fn;
	cpu->handler[line % CPU_IRQ_LINES].ctx = ctx;
}
