/* intc: the interrupt controller.  See intc.h. */
#include "intc.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "kernel/base.h"

void intc_sink_raise(void *ctx, unsigned line)
{
	intc_raise(ctx, line);
}

/* The CPU's handler for a line of ours starts: the line is acknowledged. */
static void intc_ack(void *ctx, struct cpu *cpu, unsigned line)
{
	struct intc *ic = ctx;
	struct intc_line *l = &ic->line[line];

	(void)cpu;
	assert(l->state == INTC_SENT);
	l->state = INTC_IDLE;
	l->delivered++;
	stat_hist_add(&l->latency, ic->sim->now - l->raised_at);
}

static void intc_eoi(void *ctx, struct cpu *cpu, unsigned line,
		     uint64_t own_ps)
{
	struct intc *ic = ctx;

	(void)cpu;
	ic->line[line].handler_ps += own_ps;
}

int intc_init(struct intc *ic, struct sim *sim, const char *name,
	      unsigned nlines)
{
	if (!nlines || nlines > INTC_MAX_LINES)
		return DMASIM_EINVAL;
	memset(ic, 0, sizeof(*ic));
	ic->sim = sim;
	ic->nlines = nlines;
	snprintf(ic->name, sizeof(ic->name), "%s", name);
	return 0;
}

static int intc_stats(struct intc *ic, unsigned n)
{
	struct intc_line *l = &ic->line[n];
	struct stats *st = &ic->sim->stats;

	snprintf(l->stat_name, sizeof(l->stat_name), "%s.line%u", ic->name, n);
	if (stats_add(st, l->stat_name, "raised", STAT_COUNTER, "",
		      &l->raised) ||
	    stats_add(st, l->stat_name, "delivered", STAT_COUNTER, "",
		      &l->delivered) ||
	    stats_add(st, l->stat_name, "lost", STAT_COUNTER, "", &l->lost) ||
	    stats_add(st, l->stat_name, "handler_ps", STAT_COUNTER, "ps",
		      &l->handler_ps) ||
	    stats_add(st, l->stat_name, "latency", STAT_HIST, "ps",
		      &l->latency))
		return DMASIM_ENOMEM;
	return 0;
}

int intc_route(struct intc *ic, unsigned line, struct cpu *cpu, int prio)
{
	struct intc_line *l;
	struct cpu_irq_hook hook = { intc_ack, intc_eoi, ic };
	int err;

	if (line >= ic->nlines || !cpu)
		return DMASIM_EINVAL;
	l = &ic->line[line];
	if (l->state != INTC_IDLE)
		return DMASIM_EINVAL;
	if (!l->stat_name[0] && (err = intc_stats(ic, line)))
		return err;
	if (l->cpu && l->cpu != cpu)
		cpu_set_irq_hook(l->cpu, line, NULL);
	l->cpu = cpu;
	l->prio = prio;
	cpu_set_irq_priority(cpu, line, prio);
	cpu_set_irq_hook(cpu, line, &hook);
	return 0;
}

void intc_raise(struct intc *ic, unsigned line)
{
	struct intc_line *l;

	if (line >= ic->nlines)
		return;
	l = &ic->line[line];
	l->raised++;
	if (l->state != INTC_IDLE || !l->cpu) {
		l->lost++;
		return;
	}
	l->raised_at = ic->sim->now;
	if (l->masked) {
		l->state = INTC_HELD;
		return;
	}
	l->state = INTC_SENT;
	cpu_raise_irq(l->cpu, line);
}

void intc_mask(struct intc *ic, unsigned line, bool masked)
{
	struct intc_line *l;

	if (line >= ic->nlines)
		return;
	l = &ic->line[line];
	l->masked = masked;
	if (masked && l->state == INTC_SENT) {
		l->state = INTC_HELD;
		cpu_withdraw_irq(l->cpu, line);
	} else if (!masked && l->state == INTC_HELD) {
		l->state = INTC_SENT;
		cpu_raise_irq(l->cpu, line);
	}
}

bool intc_check(const struct intc *ic)
{
	for (unsigned i = 0; i < ic->nlines; i++) {
		const struct intc_line *l = &ic->line[i];
		bool bit = l->cpu && (l->cpu->irq_pending >> i & 1);

		if (l->state != INTC_SENT && bit)
			return false;
		if (l->state == INTC_HELD && !l->masked)
			return false;
	}
	return true;
}
