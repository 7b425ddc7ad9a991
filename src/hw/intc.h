/*
 * intc: an interrupt controller with numbered lines, in the spirit of a
 * PIC/GIC distributor reduced to what course exercises use.
 *
 * Sources (devices, DMA engines, timers, software sending an
 * inter-processor interrupt) raise a line: an edge.  Each line has a
 * priority (larger pre-empts smaller; lines of equal priority do not nest),
 * a mask, and the CPU it is delivered to, on that CPU's line of the same
 * number (whose handler cpu_set_irq_handler installs).  A raised line is
 * pending until the CPU's handler for it starts (the acknowledge, after the
 * CPU's entry cycles); raising it again while pending is lost (counted, not
 * delivered twice).  A masked line stays pending in the controller and is
 * delivered when unmasked; masking a line the CPU has not yet taken
 * withdraws it from the CPU.
 *
 * Line state machine (intc_line.state), and the function behind each edge:
 *   IDLE --intc_raise, unmasked--> SENT (cpu_raise_irq)
 *   IDLE --intc_raise, masked--> HELD
 *   HELD --intc_mask(false)--> SENT
 *   SENT --intc_mask(true)--> HELD (cpu_withdraw_irq)
 *   SENT --the handler starts (intc_ack)--> IDLE
 *   HELD/SENT --intc_raise--> same state, lost + 1
 *
 * Statistics per line ("<intc>.line<n>.<stat>", registered when the line
 * is routed): raised, delivered (handlers started), lost, latency (ps from
 * the raise to the handler's start, a histogram), handler_ps (ps in entry,
 * handler and exit, nested handlers excluded).
 */
#ifndef DMASIM_HW_INTC_H
#define DMASIM_HW_INTC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "kernel/sim.h"
#include "kernel/stats.h"

#define INTC_MAX_LINES CPU_IRQ_LINES

/* Where a source's interrupt goes: raise(ctx, line). */
struct irq_sink {
	void (*raise)(void *ctx, unsigned line);
	void *ctx;
	unsigned line;
};

enum intc_state { INTC_IDLE, INTC_HELD, INTC_SENT };

struct intc_line {
	enum intc_state state;
	struct cpu *cpu;	/* delivered to; NULL: not routed */
	int prio;
	bool masked;
	uint64_t raised_at;	/* ps: the raise now pending */
	char stat_name[48];	/* "<intc>.line<n>" */
	/* statistics */
	uint64_t raised;
	uint64_t delivered;
	uint64_t lost;
	uint64_t handler_ps;
	struct stat_hist latency;	/* ps */
};

struct intc {
	struct sim *sim;
	char name[32];
	unsigned nlines;
	struct intc_line line[INTC_MAX_LINES];
};

/* Returns 0, or DMASIM_EINVAL for 0 or more than INTC_MAX_LINES lines. */
int intc_init(struct intc *ic, struct sim *sim, const char *name,
	      unsigned nlines);

/* Deliver line to cpu with a priority (registers the line's statistics
 * the first time).  Returns 0, DMASIM_EINVAL (no such line, or routing
 * it while pending) or DMASIM_ENOMEM. */
int intc_route(struct intc *ic, unsigned line, struct cpu *cpu, int prio);

/* Raise a line (an edge).  A line not routed counts as raised and lost. */
void intc_raise(struct intc *ic, unsigned line);
/* Mask (true) or unmask a line. */
void intc_mask(struct intc *ic, unsigned line, bool masked);

/* An irq_sink's raise for a controller (ctx: the struct intc). */
void intc_sink_raise(void *ctx, unsigned line);

/* An irq_sink raising ic's lines from `line` on. */
static inline struct irq_sink intc_sink(struct intc *ic, unsigned line)
{
	struct irq_sink s = { intc_sink_raise, ic, line };

	return s;
}

/* Invariant checker: a line the controller holds or has idle is not
 * pending at its CPU; a held line is masked. */
bool intc_check(const struct intc *ic);

#endif
