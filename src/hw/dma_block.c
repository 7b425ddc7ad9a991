/* dma_block: block (burst) mode: the bursts of a tenure delivered one by
 * one, and the bus held while a paced device makes the channel wait.
 * See dma.h. */
#include <assert.h>

#include "dma_int.h"

/*
 * Block mode.  A burst-mode channel's tenure is one block: its bursts
 * are delivered one by one at the bus cycle each ends (an event per burst
 * but the last, which the release delivers), so that what the bus has
 * moved is in memory as it moves.  To or from a paced device the channel
 * keeps the bus while the device makes it wait for the next piece: the
 * tenure is held one cycle past the piece in flight, and at that piece's
 * end the channel plans the next (waiting for the device's line on the
 * held bus, aligned to a bus edge) and sets the tenure's end with
 * bus_hold(): one cycle past the next piece again while more follow,
 * exactly at its end for the last.  Other masters are locked out for the
 * block's whole duration, at the device's pace.
 */
static void chan_piece_event(struct sim *sim, struct event *ev);

static void chan_schedule_piece(struct dma_chan *ch, uint64_t at)
{
	struct event *ev = sim_at(ch->sim, at, PHASE_RELEASE,
				  chan_piece_event, ch, NULL, 0);

	assert(ev);
	ch->piece_ev = evq_handle(ev);
}

/* Bus cycles from the tenure's start to t, rounded up to an edge. */
static uint64_t tenure_cycles_to(const struct dma_chan *ch, uint64_t t)
{
	const struct bus *bus = ch->port.bus;
	uint64_t p = bus->clk.period;

	return t <= bus->tenure_start ? 0 :
	       (t - bus->tenure_start + p - 1) / p;
}

/* The tenure ends at the cycle `end` (from its start): the next burst
 * that ends before it gets an event. */
static void chan_plan_unpaced(struct dma_chan *ch, uint64_t end)
{
	const struct bus *bus = ch->port.bus;
	struct bus_target *st, *dt;
	uint64_t soff, doff, c, at;
	unsigned code;

	if (ch->cur_done >= ch->cur_len ||
	    !dma_burst_route(ch, ch->piece, &code, &st, &soff, &dt, &doff))
		return;		/* the release reports it */
	c = dma_burst_cycles(ch, ch->piece, st, soff, dt, doff);
	at = ch->blk_mark + c * bus->clk.period;
	if (tenure_cycles_to(ch, at) < end)
		chan_schedule_piece(ch, at);
}

/* A block failed inside its tenure: the tenure ends now and the release
 * ends the channel with the error. */
static void chan_block_abort(struct dma_chan *ch, unsigned code, uint64_t bad)
{
	ch->blk_code = code;
	ch->blk_bad = bad;
	bus_hold(&ch->port, tenure_cycles_to(ch, ch->sim->now));
}

/* At the end of a piece to or from a paced device, more to come: plan
 * the next on the held bus. */
static void chan_plan_piece(struct dma_chan *ch)
{
	const struct bus *bus = ch->port.bus;
	struct bus_target *st, *dt;
	uint64_t soff, doff, n = next_burst(ch), at, start, c;
	unsigned code = 0;
	bool more;

	if (!dma_burst_route(ch, n, &code, &st, &soff, &dt, &doff)) {
		chan_block_abort(ch, code, code == DMA_ERR_SRC ? xfer_src(ch) :
				 xfer_dst(ch));
		return;
	}
	at = dma_piece_ready(st, soff, dt, doff, &n) + ch->eng->dreq_latency;
	if (at < ch->sim->now)
		at = ch->sim->now;
	start = tenure_cycles_to(ch, at);
	c = dma_burst_cycles(ch, n, st, soff, dt, doff);
	more = ch->cur_done + n < ch->cur_len;
	ch->piece = n;
	ch->blk_mark = bus->tenure_start + start * bus->clk.period;
	bus_hold(&ch->port, start + c + (more ? 1 : 0));
	if (more)
		chan_schedule_piece(ch, ch->blk_mark + c * bus->clk.period);
}

static void chan_piece_event(struct sim *sim, struct event *ev)
{
	struct dma_chan *ch = ev->obj;
	const struct bus *bus = ch->port.bus;
	uint64_t c = (sim->now - ch->blk_mark) / bus->clk.period, bad;
	struct bus_target *st, *dt;
	uint64_t soff, doff;
	unsigned code;
	bool paced;

	ch->piece_ev.ev = NULL;
	if (!dma_burst_route(ch, ch->piece, &code, &st, &soff, &dt, &doff))
		paced = false;	/* dma_move_covered reports it */
	else
		paced = st->ops->ready || dt->ops->ready;
	code = dma_move_covered(ch, c, &bad);
	if (code) {
		chan_block_abort(ch, code, bad);
		return;
	}
	ch->blk_mark = sim->now;
	if (paced)
		chan_plan_piece(ch);
	else
		chan_plan_unpaced(ch, bus->tenure_cycles);
}

void dma_block_granted(struct bus_master *m, uint64_t cycles)
{
	struct dma_chan *ch = (struct dma_chan *)m;

	if (!ch->block || ch->remote || ch->state != DMA_XFER)
		return;
	ch->blk_mark = m->bus->tenure_start;
	chan_plan_unpaced(ch, cycles);
}

