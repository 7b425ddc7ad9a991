/*
 * xact_master: a bus master for the unit tests that issues one
 * transaction at a time through hw/xact and records when and how each
 * ended.  Attach with bus_attach(bus, &t->m, name, &xm_ops, ...), then
 * xm_start().
 */
#ifndef DMASIM_TESTS_XACT_MASTER_H
#define DMASIM_TESTS_XACT_MASTER_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"
#include "hw/xact.h"
#include "kernel/sim.h"

struct xm {
	struct bus_master m;
	struct xact x;
	uint64_t done_at;	/* ps, of the last completion */
	int status;		/* of the last completion */
	int ndone;		/* completions */
};

static inline void xm_released(struct bus_master *m, uint64_t cycles)
{
	(void)cycles;
	xact_released(&((struct xm *)m)->x);
}

static const struct bus_master_ops xm_ops = { .released = xm_released };

static inline void xm_done(struct xact *x)
{
	struct xm *t = x->ctx;

	t->done_at = t->m.bus->sim->now;
	t->status = x->status;
	t->ndone++;
}

/* Start a transaction of len bytes at addr from (or into) buf. */
static inline void xm_start(struct xm *t, uint64_t addr, void *buf,
			    uint64_t len, bool write)
{
	xact_init(&t->x, addr, buf, len, write, &t->m, xm_done, t);
	xact_start(&t->m, &t->x);
}

#endif
