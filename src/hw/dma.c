/* dma: a DMA channel moving bursts over the bus.  See dma.h. */
#include "dma.h"

#include <stdio.h>
#include <string.h>

#include "dmasim/dmasim.h"

static void dma_released(struct bus_master *m, uint64_t cycles)
{
	struct dma_chan *ch = (struct dma_chan *)m;
	uint64_t pos = ch->pos + cycles;

	/* Count the bursts whose last cycle has now been moved (one per
	 * grant in cycle-stealing mode: no division then). */
	if (pos == ch->burst) {
		ch->bursts_done++;
		pos = 0;
	} else if (pos > ch->burst) {
		ch->bursts_done += pos / ch->burst;
		pos %= ch->burst;
	}
	ch->pos = pos;
	ch->left -= cycles;
	if (ch->left) {
		bus_request(&ch->port, ch->left, ch->burst);
		return;
	}
	ch->state = DMA_DONE;
	ch->transfers++;
	ch->done_at = ch->sim->now;
	signal_notify(ch->sim, &ch->done);
}

static const struct bus_master_ops dma_port_ops = {
	.released = dma_released,
};

int dma_chan_init(struct dma_chan *ch, struct sim *sim, struct bus *bus,
		  const char *name, enum bus_mode mode, int priority)
{
	int err;

	memset(ch, 0, sizeof(*ch));
	err = bus_attach(bus, &ch->port, name, &dma_port_ops, mode, priority);
	if (err)
		return err;
	ch->sim = sim;
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	signal_init(&ch->done);
	if (stats_add(&sim->stats, ch->name, "bursts", STAT_COUNTER, "",
		      &ch->bursts_done) ||
	    stats_add(&sim->stats, ch->name, "transfers", STAT_COUNTER, "",
		      &ch->transfers))
		return DMASIM_ENOMEM;
	return 0;
}

int dma_chan_start(struct dma_chan *ch, uint64_t bursts,
		   uint64_t burst_cycles)
{
	if (!bursts || !burst_cycles || ch->state == DMA_ACTIVE)
		return DMASIM_EINVAL;
	if (bursts > UINT64_MAX / burst_cycles)
		return DMASIM_ERANGE;
	ch->state = DMA_ACTIVE;
	ch->burst = burst_cycles;
	ch->left = bursts * burst_cycles;
	ch->pos = 0;
	ch->started_at = ch->sim->now;
	return bus_request(&ch->port, ch->left, burst_cycles);
}
