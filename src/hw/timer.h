/*
 * timer: a programmable interval timer raising an interrupt line (the
 * 8254's rate generator and one-shot modes, reduced to their timing).
 *
 * Started with a period (ps), it raises its line once after the period
 * (one-shot) or every period from the start (periodic) until stopped.
 * Restarting it re-arms it from now.  Firings are counted.
 *
 * State machine: STOPPED --timer_start--> ARMED --fire (timer_fire):
 * periodic--> ARMED; one-shot--> STOPPED; ARMED --timer_stop--> STOPPED.
 */
#ifndef DMASIM_HW_TIMER_H
#define DMASIM_HW_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "intc.h"
#include "kernel/sim.h"

struct timer {
	struct sim *sim;
	char name[32];
	struct irq_sink irq;
	uint64_t period;	/* ps */
	bool periodic;
	bool armed;
	uint64_t next;		/* ps: next firing, when armed */
	struct ev_handle ev;
	/* statistics */
	uint64_t fires;
};

/* Returns 0 or DMASIM_ENOMEM (its statistics). */
int timer_init(struct timer *t, struct sim *sim, const char *name,
	       struct irq_sink irq);
/* Arm: fire after period ps, then (periodic) every period.  Returns 0 or
 * DMASIM_EINVAL for a zero period. */
int timer_start(struct timer *t, uint64_t period, bool periodic);
void timer_stop(struct timer *t);

#endif
