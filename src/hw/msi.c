/* msi: message-signalled interrupts.  See msi.h. */
#include "msi.h"

#include <stddef.h>

#include "kernel/util.h"

static void msi_start(struct msi_port *m);

static void msi_done(struct xact *x)
{
	struct msi_port *m = x->ctx;

	m->busy = false;
	if (x->status)
		m->errors++;
	else
		m->sent++;
	if (m->queued)
		msi_start(m);
}

static void msi_start(struct msi_port *m)
{
	m->queued--;
	m->busy = true;
	util_le_put(m->buf, m->line, 4);
	xact_init(&m->x, m->addr, m->buf, 4, true, &m->port, msi_done, m);
	xact_start(&m->port, &m->x);
}

static void msi_raise(void *ctx, unsigned line)
{
	struct msi_port *m = ctx;

	m->line = line;
	m->queued++;
	if (!m->busy)
		msi_start(m);
}

static void msi_released(struct bus_master *bm, uint64_t cycles)
{
	struct msi_port *m = (struct msi_port *)((char *)bm -
						 offsetof(struct msi_port,
							  port));

	(void)cycles;
	xact_released(&m->x);
}

static const struct bus_master_ops msi_ops = {
	.released = msi_released,
};

int msi_port_init(struct msi_port *m, struct bus *bus, const char *name,
		  uint64_t addr)
{
	m->addr = addr;
	m->queued = 0;
	m->busy = false;
	m->sent = m->errors = 0;
	return bus_attach(bus, &m->port, name, &msi_ops, BUS_MODE_BURST, 0);
}

struct irq_sink msi_sink(struct msi_port *m, unsigned line)
{
	struct irq_sink s = { msi_raise, m, line };

	return s;
}
