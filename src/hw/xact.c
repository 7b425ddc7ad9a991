/* xact: transactions routed through buses and bridges.  See xact.h. */
#include "xact.h"

#include <assert.h>
#include <string.h>

void xact_init(struct xact *x, uint64_t addr, void *data, uint64_t len,
	       bool write, const struct bus_master *init, xact_done_fn done,
	       void *ctx)
{
	memset(x, 0, sizeof(*x));
	x->addr = addr;
	x->data = data;
	x->len = len;
	x->write = write;
	x->init = init;
	x->done = done;
	x->ctx = ctx;
}

static void xact_finish(struct xact *x, int status)
{
	x->status = status;
	x->done(x);
}

/* The I/O initiator's access seen by the bus's snoopers (caches keeping
 * coherent, the sanitizer, the pinning watch). */
static bool snooped(const struct xact *x)
{
	return x->init && x->init->io && !x->t->ops->forward;
}

static void xact_request(struct xact *x)
{
	bus_request(x->m, x->cycles, x->cycles);
}

static void xact_ready_event(struct sim *sim, struct event *ev)
{
	struct xact *x = ev->obj;

	(void)sim;
	x->wait.ev = NULL;
	xact_request(x);
}

void xact_start(struct bus_master *m, struct xact *x)
{
	struct bus *bus = m->bus;
	struct bus_target *t;

	x->m = m;
	x->next = NULL;
	x->wait.ev = NULL;
	x->status = BUS_OK;
	if (x->hops > XACT_MAX_HOPS) {
		xact_finish(x, BUS_ERR_DECODE);	/* a routing loop */
		return;
	}
	t = bus_route(bus, x->addr, x->fixed ? 1 : x->len, &x->off);
	if (!t) {
		xact_finish(x, BUS_ERR_DECODE);
		return;
	}
	x->t = t;
	x->cycles = t->ops->cycles(t, x->off, x->len, x->write);
	if (t->ops->forward) {
		if (!t->ops->admit(t, x))
			return;		/* xact_resume() when admitted */
		xact_request(x);
		return;
	}
	if (snooped(x))
		x->cycles += bus_snoop_cycles(bus, x->addr, x->len);
	if (t->ops->ready) {
		/* A paced device: wait for its request line.  One access moves
		 * at most what its buffer holds; a longer one comes back short
		 * (BUS_ERR_SHORT): initiators behind a bridge keep their
		 * bursts within the device's buffer. */
		uint64_t n = x->len;
		uint64_t at = t->ops->ready(t, x->off, &n, x->write);

		if (at > bus->sim->now) {
			struct event *ev = sim_at(bus->sim, at, PHASE_REQUEST,
						  xact_ready_event, x, NULL, 0);

			assert(ev);
			x->wait = evq_handle(ev);
			return;
		}
	}
	xact_request(x);
}

void xact_resume(struct xact *x)
{
	xact_request(x);
}

void xact_released(struct xact *x)
{
	struct bus_target *t = x->t;
	struct bus *bus = x->m->bus;
	int st;

	if (t->ops->forward) {
		x->hops++;
		t->ops->forward(t, x);
		return;
	}
	if (snooped(x) && !x->write)
		bus_snoop(bus, x->init, x->addr, x->len, false);
	st = t->ops->access(t, x->off, x->data, x->len, x->write);
	if (!st && snooped(x) && x->write)
		bus_snoop(bus, x->init, x->addr, x->len, true);
	xact_finish(x, st);
}

bool xact_remote(const struct bus *bus, uint64_t addr, uint64_t len,
		 bool fixed)
{
	uint64_t off;
	struct bus_target *t = bus_route(bus, addr, fixed ? 1 : len, &off);

	return t && t->ops->forward;
}
