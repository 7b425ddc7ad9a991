/* dma_chain: descriptor chains: each descriptor fetched from memory,
 * checked, processed, its transfer moved, its status written back, then
 * the next after a fence.  See dma.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dma_int.h"
#include "kernel/alloc.h"
#include "kernel/util.h"
#include "xact.h"

/*
 * Past DMA_MAX_CHAIN descriptors, a chain is watched in constant memory by
 * Brent's cycle detection: the address of descriptor 2^k (counted from the
 * switch) is kept, and each later one compared with it.  A loop is then
 * found within two laps of entering it, so a legal chain of any length
 * runs and a looping one still ends (a little later than the exact set
 * below would end it).
 */
static bool chan_seen_long(struct dma_chan *ch, uint64_t addr)
{
	if (ch->chain_len == DMA_MAX_CHAIN) {
		ch->chain_len++;
		ch->brent_mark = addr;
		ch->brent_power = 1;
		ch->brent_lam = 0;
		return false;
	}
	if (addr == ch->brent_mark)
		return true;
	if (++ch->brent_lam == ch->brent_power) {
		ch->brent_mark = addr;
		ch->brent_power *= 2;
		ch->brent_lam = 0;
	}
	return false;
}

/*
 * Record a descriptor address as walked; true if it was already (the chain
 * loops).  An open-addressing set, grown as the chain grows, for the first
 * DMA_MAX_CHAIN descriptors: a loop among them is caught at its first
 * revisit.  Host memory running out for the set hands the watch to
 * Brent's method early.
 */
static bool chan_seen(struct dma_chan *ch, uint64_t addr)
{
	uint32_t mask, i;

	if (ch->chain_len >= DMA_MAX_CHAIN)
		return chan_seen_long(ch, addr);
	if (2 * (ch->chain_len + 1) > ch->seen_cap) {
		uint32_t cap = ch->seen_cap ? ch->seen_cap * 2 : 64;
		uint64_t *v = dm_calloc(cap, sizeof(*v));

		if (!v) {	/* no host memory for the set: watch by Brent */
			ch->chain_len = DMA_MAX_CHAIN;
			return chan_seen_long(ch, addr);
		}
		for (uint32_t k = 0; k < ch->seen_cap; k++) {
			uint64_t a = ch->seen[k];

			if (!a)
				continue;
			i = (uint32_t)((a * 0x9e3779b97f4a7c15ull) >> 40) &
			    (cap - 1);
			while (v[i])
				i = (i + 1) & (cap - 1);
			v[i] = a;
		}
		dm_free(ch->seen);
		ch->seen = v;
		ch->seen_cap = cap;
	}
	/* Stored as address + 1 so that address 0 is representable. */
	addr++;
	mask = ch->seen_cap - 1;
	i = (uint32_t)((addr * 0x9e3779b97f4a7c15ull) >> 40) & mask;
	while (ch->seen[i]) {
		if (ch->seen[i] == addr)
			return true;
		i = (i + 1) & mask;
	}
	ch->seen[i] = addr;
	ch->chain_len++;
	return false;
}

static void chan_timer(struct dma_chan *ch, uint64_t cycles, event_fn fn)
{
	struct event *ev = sim_after(ch->sim, clock_ps(&ch->port.bus->clk,
						       cycles),
				     PHASE_REQUEST, fn, ch, NULL, 0);

	assert(ev);
	ch->wake = evq_handle(ev);
}

static void chan_processed(struct sim *sim, struct event *ev)
{
	struct dma_chan *ch = ev->obj;

	(void)sim;
	ch->wake.ev = NULL;
	dma_start_xfer(ch);
}

static void chan_fenced(struct sim *sim, struct event *ev)
{
	struct dma_chan *ch = ev->obj;

	(void)sim;
	ch->wake.ev = NULL;
	dma_start_fetch(ch);
}

/* The descriptor's buffer must lie inside one target; at a fixed
 * address, what its longest burst touches (dma_route_side()). */
static bool buffer_ok(struct dma_chan *ch, uint64_t addr, bool fixed)
{
	uint64_t off, n = ch->cur_len;

	if (fixed && ch->cur_burst < n)
		n = ch->cur_burst;
	return dma_route_side(ch, addr, n, fixed, &off);
}

void dma_start_fetch(struct dma_chan *ch)
{
	if (ch->cur_desc % DMA_DESC_SIZE) {
		dma_chan_fail(ch, DMA_ERR_ALIGN, ch->cur_desc);
		return;
	}
	if (chan_seen(ch, ch->cur_desc)) {
		dma_chan_fail(ch, DMA_ERR_LOOP, ch->cur_desc);
		return;
	}
	dma_chan_trace_desc(ch, true);
	dma_fetch_part(ch, 0);
}

/* One read of DMA_DESC_SIZE bytes: a descriptor, or a 2-D one's second
 * half; each is a fetch. */
void dma_fetch_part(struct dma_chan *ch, uint32_t part)
{
	struct bus_target *t;
	uint64_t off, c, at = ch->cur_desc + part;

	ch->state = DMA_FETCH;
	ch->fetch_off = part;
	c = bus_xact_cycles(ch->port.bus, at, DMA_DESC_SIZE, false, &t, &off);
	if (!t) {
		dma_chan_fail(ch, DMA_ERR_DESC, ch->cur_desc);
		return;
	}
	ch->desc_fetches++;
#ifdef DMASIM_MUTATE_DESC_FETCH_FREE
	/* the descriptor read at once, with no bus transaction */
	(void)c;
	dma_fetched(ch);
	return;
#endif
	if (t->ops->forward) {
		dma_chan_xact(ch, REMOTE_FETCH, at, ch->descbuf + part,
			  DMA_DESC_SIZE, false, false);
		return;
	}
	bus_request(&ch->port, c, c);
}

void dma_fetched(struct dma_chan *ch)
{
	uint64_t at = ch->cur_desc + ch->fetch_off;

	bus_snoop(ch->port.bus, &ch->port, at, DMA_DESC_SIZE, false);
	if (bus_xact_data(ch->port.bus, at, ch->descbuf + ch->fetch_off,
			  DMA_DESC_SIZE, false)) {
		dma_chan_fail(ch, DMA_ERR_DESC, ch->cur_desc);
		return;
	}
	dma_fetched_data(ch);
}

/* The descriptor is in descbuf: check it and start its transfer. */
void dma_fetched_data(struct dma_chan *ch)
{
	const uint8_t *d = ch->descbuf;

	ch->cur_src = util_le_get(d + DMA_DESC_SRC, 8);
	ch->cur_dst = util_le_get(d + DMA_DESC_DST, 8);
	ch->cur_len = util_le_get(d + DMA_DESC_LEN, 4);
	ch->cur_flags = (uint32_t)util_le_get(d + DMA_DESC_CTRL, 4) &
			~(DMA_DESC_DONE | DMA_DESC_ERROR);
	ch->next_desc = util_le_get(d + DMA_DESC_NEXT, 8);
	ch->cur_done = 0;
	ch->csize = ch->rows = 1;	/* until a 2-D geometry is loaded */
	ch->desc_held = true;
	if (!ch->cur_len) {
		dma_chan_fail(ch, DMA_ERR_BADDESC, ch->cur_desc);
		return;
	}
	if (ch->cur_flags & DMA_DESC_2D) {
		uint64_t bad = 0;
		unsigned code;

		if (!ch->fetch_off) {
			dma_fetch_part(ch, DMA_DESC_SIZE);	/* its 2nd half */
			return;
		}
		code = dma_2d_load(ch, &bad);
		if (code) {
			dma_chan_fail(ch, code, bad);
			return;
		}
	} else if (!buffer_ok(ch, ch->cur_src,
			      ch->cur_flags & DMA_DESC_SRC_FIXED)) {
		dma_chan_fail(ch, DMA_ERR_RANGE, ch->cur_src);
		return;
	} else if (!buffer_ok(ch, ch->cur_dst,
			      ch->cur_flags & DMA_DESC_DST_FIXED)) {
		dma_chan_fail(ch, DMA_ERR_RANGE, ch->cur_dst);
		return;
	}
	if (ch->eng->desc_cycles) {
		chan_timer(ch, ch->eng->desc_cycles, chan_processed);
		return;
	}
	dma_start_xfer(ch);
}

void dma_written_back_or_done(struct dma_chan *ch)
{
	struct bus_target *t;
	uint64_t off, c;

	if (!ch->chain) {
		ch->transfers++;
		ch->status |= DMA_STATUS_DONE;
		dma_chan_finish(ch, DMA_DONE);
		return;
	}
	ch->state = DMA_WRITEBACK;
	c = bus_xact_cycles(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL, 4,
			    true, &t, &off);
	if (!t) {
		ch->desc_held = false;
		dma_chan_fail(ch, DMA_ERR_WRITEBACK, ch->cur_desc);
		return;
	}
	if (t->ops->forward) {
		util_le_put(ch->wb, ch->cur_flags | DMA_DESC_DONE, 4);
		dma_chan_xact(ch, REMOTE_WRITEBACK, ch->cur_desc + DMA_DESC_CTRL,
			  ch->wb, 4, true, false);
		return;
	}
	bus_request(&ch->port, c, c);
}

void dma_written_back(struct dma_chan *ch)
{
	int st;

	if (ch->fail_code) {
		/* The failed descriptor's ERROR flag; if even that write is
		 * refused, the original error is still the one to report. */
		util_le_put(ch->wb, ch->cur_flags | DMA_DESC_ERROR, 4);
		bus_xact_data(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL,
			      ch->wb, 4, true);
		ch->desc_held = false;
		dma_chan_fail(ch, ch->fail_code, ch->fail_addr);
		return;
	}
	util_le_put(ch->wb, ch->cur_flags | DMA_DESC_DONE, 4);
	st = bus_xact_data(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL, ch->wb,
			   4, true);
	if (!st)
		bus_snoop(ch->port.bus, &ch->port,
			  ch->cur_desc + DMA_DESC_CTRL, 4, true);
	dma_written_back_status(ch, st);
}

/* The DONE flag's write-back ended with status st. */
void dma_written_back_status(struct dma_chan *ch, int st)
{
	ch->desc_held = false;
	if (st) {
		dma_chan_fail(ch, DMA_ERR_WRITEBACK, ch->cur_desc);
		return;
	}
	ch->transfers++;
	dma_chan_trace_desc(ch, false);
	if (ch->cur_flags & DMA_DESC_IRQ)
		dma_chan_raise(ch);
	if (!ch->next_desc) {
		ch->status |= DMA_STATUS_DONE;
		dma_chan_finish(ch, DMA_DONE);
		return;
	}
	ch->cur_desc = ch->next_desc;
	if (ch->eng->fence_cycles) {
		chan_timer(ch, ch->eng->fence_cycles, chan_fenced);
		return;
	}
	dma_start_fetch(ch);
}
