/* timer: a programmable interval timer.  See timer.h. */
#include "timer.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "kernel/base.h"

static void timer_fire(struct sim *sim, struct event *ev)
{
	struct timer *t = ev->obj;

	(void)sim;
	t->ev.ev = NULL;
	t->fires++;
	if (t->periodic) {
		t->next += t->period;
		ev = sim_at(t->sim, t->next, PHASE_REQUEST, timer_fire, t,
			    NULL, 0);
		assert(ev);
		t->ev = evq_handle(ev);
	} else {
		t->armed = false;
	}
	if (t->irq.raise)
		t->irq.raise(t->irq.ctx, t->irq.line);
}

int timer_init(struct timer *t, struct sim *sim, const char *name,
	       struct irq_sink irq)
{
	memset(t, 0, sizeof(*t));
	t->sim = sim;
	t->irq = irq;
	snprintf(t->name, sizeof(t->name), "%s", name);
	if (stats_add(&sim->stats, t->name, "fires", STAT_COUNTER, "",
		      &t->fires))
		return DMASIM_ENOMEM;
	return 0;
}

int timer_start(struct timer *t, uint64_t period, bool periodic)
{
	struct event *ev;

	if (!period)
		return DMASIM_EINVAL;
	timer_stop(t);
	t->period = period;
	t->periodic = periodic;
	t->armed = true;
	t->next = t->sim->now + period;
	ev = sim_at(t->sim, t->next, PHASE_REQUEST, timer_fire, t, NULL, 0);
	assert(ev);
	t->ev = evq_handle(ev);
	return 0;
}

void timer_stop(struct timer *t)
{
	if (t->armed && t->ev.ev)
		sim_cancel(t->sim, t->ev);
	t->ev.ev = NULL;
	t->armed = false;
}
