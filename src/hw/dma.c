/* dma: the DMA engine and its channels.  See dma.h for the model. */
#include "dma.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/base.h"
#include "memory.h"
#include "kernel/trace.h"
#include "xact.h"
#include "kernel/util.h"

/* Trace points (the mechanism: kernel/trace.h). */
static const struct trace_point tp_dma_transfer = {
	"transfer", TRACE_SPAN, 0,
	"the channel moves a block (start to completion)"
};
static const struct trace_point tp_dma_desc = {
	"descriptor", TRACE_SPAN, 0,
	"the channel works on one descriptor"
};
static const struct trace_point tp_dma_active = {
	"active", TRACE_SIGNAL, 1,
	"the channel has work"
};
static const struct trace_point tp_dma_done = {
	"done", TRACE_INSTANT, 0,
	"a transfer completed"
};
static const struct trace_point tp_dma_error = {
	"error", TRACE_INSTANT, 0,
	"the channel stopped on a simulated DMA error"
};

/* Longest chain walked before the engine calls it a loop. */
#define DMA_MAX_CHAIN 65536u

const char *dma_error_string(unsigned code)
{
	switch (code) {
		DMA_ERRORS(UTIL_CASE_TEXT)
	}
	return "unknown error";
}

/* ---- completion ---- */

static void chan_raise(struct dma_chan *ch)
{
	struct dma_engine *eng = ch->eng;

	if (eng->irq.raise)
		eng->irq.raise(eng->irq.ctx, eng->irq.line + ch->index);
}

/* The channel takes work: a doorbell. */
static void chan_trace_start(struct dma_chan *ch)
{
	trace_span_begin(ch->sim, ch->track, &tp_dma_transfer, NULL);
	trace_signal(ch->sim, ch->track, &tp_dma_active, 1);
}

/* A descriptor's span on the channel's track, from its fetch to its
 * status write-back (or the error that ends the chain). */
static void chan_trace_desc(struct dma_chan *ch, bool begin)
{
	if (!trace_on(ch->sim) || ch->desc_traced == begin)
		return;
	if (begin)
		trace_span_begin(ch->sim, ch->track, &tp_dma_desc, NULL);
	else
		trace_span_end(ch->sim, ch->track, &tp_dma_desc);
	ch->desc_traced = begin;
}

static void chan_finish(struct dma_chan *ch, enum dma_state state)
{
	chan_trace_desc(ch, false);
	trace_span_end(ch->sim, ch->track, &tp_dma_transfer);
	trace_signal(ch->sim, ch->track, &tp_dma_active, 0);
	trace_instant(ch->sim, ch->track, state == DMA_ERROR ? &tp_dma_error :
		      &tp_dma_done, NULL);
	ch->state = state;
	ch->status &= ~DMA_STATUS_BUSY;
	ch->done_at = ch->sim->now;
	if (ch->cur_ctrl & DMA_CTRL_IRQ_EN)
		chan_raise(ch);
	signal_notify(ch->sim, &ch->done);
}

/*
 * End the transfer with an error.  In a chain whose current descriptor has
 * been fetched, its ERROR flag is written back first (a bus write, like
 * DONE), so the driver can tell which descriptor failed.
 */
static void chan_fail(struct dma_chan *ch, unsigned code, uint64_t addr)
{
	if (ch->desc_held && !ch->fail_code) {
		struct bus_target *t;
		uint64_t off, c;

		c = bus_xact_cycles(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL,
				    4, true, &t, &off);
		if (t) {
			ch->fail_code = code;
			ch->fail_addr = addr;
			ch->state = DMA_WRITEBACK;
			bus_request(&ch->port, c, c);
			return;
		}
	}
	ch->desc_held = false;
	ch->fail_code = 0;
	ch->err_desc = ch->chain ? ch->cur_desc : 0;
	ch->status = (ch->status & ~0xff00u) | DMA_STATUS_ERROR |
		     (code & 0xffu) << 8;
	ch->err_addr = addr;
	ch->errors++;
	chan_finish(ch, DMA_ERROR);
}

/* ---- data transfers ---- */

static void chan_request_xfer(struct dma_chan *ch);
static void chan_start_fetch(struct dma_chan *ch);

static inline uint64_t xfer_src(const struct dma_chan *ch)
{
	return ch->cur_src +
	       (ch->cur_flags & DMA_DESC_SRC_FIXED ? 0 : ch->cur_done);
}

static inline uint64_t xfer_dst(const struct dma_chan *ch)
{
	return ch->cur_dst +
	       (ch->cur_flags & DMA_DESC_DST_FIXED ? 0 : ch->cur_done);
}

static inline uint64_t next_burst(const struct dma_chan *ch)
{
	uint64_t left = ch->cur_len - ch->cur_done;

	return left < ch->cur_burst ? left : ch->cur_burst;
}

/* Bytes a fixed address in memory touches in a burst of n bytes: one
 * bus-width word, or the whole burst when it is shorter. */
static inline uint64_t fixed_word(const struct dma_chan *ch, uint64_t n)
{
	uint64_t w = ch->port.bus->cfg.width;

	return n < w ? n : w;
}

/*
 * The target answering one side of a burst of n bytes at addr, with the
 * offset in *off; NULL when none does.  A moving address needs all of
 * [addr, addr + n) in one target.  A fixed one is routed by the address
 * itself (a device's data register takes the whole burst), except that
 * in memory its word must lie there too.
 */
static struct bus_target *route_side(const struct dma_chan *ch, uint64_t addr,
				     uint64_t n, bool fixed, uint64_t *off)
{
	struct bus_target *t;

	if (!fixed)
		return bus_route(ch->port.bus, addr, n, off);
	t = bus_route(ch->port.bus, addr, 1, off);
	if (t && memory_of(t) && t->size - *off < fixed_word(ch, n))
		return NULL;
	return t;
}

/* Bytes of its target one side of a burst of n bytes touches. */
static uint64_t side_span(const struct dma_chan *ch, struct bus_target *t,
			  uint64_t n, bool fixed)
{
	return fixed && memory_of(t) ? fixed_word(ch, n) : n;
}

static inline bool src_fixed(const struct dma_chan *ch)
{
	return ch->cur_flags & DMA_DESC_SRC_FIXED;
}

static inline bool dst_fixed(const struct dma_chan *ch)
{
	return ch->cur_flags & DMA_DESC_DST_FIXED;
}

/* Route both sides of a burst of n bytes at the current addresses: false
 * with *code set when an address has no target. */
static bool burst_route(const struct dma_chan *ch, uint64_t n, unsigned *code,
			struct bus_target **st, uint64_t *soff,
			struct bus_target **dt, uint64_t *doff)
{
	*st = route_side(ch, xfer_src(ch), n, src_fixed(ch), soff);
	if (!*st) {
		*code = DMA_ERR_SRC;
		return false;
	}
	*dt = route_side(ch, xfer_dst(ch), n, dst_fixed(ch), doff);
	if (!*dt) {
		*code = DMA_ERR_DST;
		return false;
	}
	return true;
}

/*
 * Bus cycles of one burst of n bytes, routed by burst_route(): a read of
 * the source and a write of the destination, each of all n bytes (at a
 * fixed address every beat goes to the same place), plus what snooping
 * the memory it touches costs on a coherent interconnect.
 */
static uint64_t burst_cycles(const struct dma_chan *ch, uint64_t n,
			     struct bus_target *st, uint64_t soff,
			     struct bus_target *dt, uint64_t doff)
{
	struct bus *bus = ch->port.bus;

	return st->ops->cycles(st, soff, n, false) +
	       dt->ops->cycles(dt, doff, n, true) +
	       bus_snoop_cycles(bus, xfer_src(ch),
				side_span(ch, st, n, src_fixed(ch))) +
	       bus_snoop_cycles(bus, xfer_dst(ch),
				side_span(ch, dt, n, dst_fixed(ch)));
}

/*
 * Like a device's request line: lower *n to what both targets' lines
 * cover, and return the time (ps) from which that piece can move.  A
 * line never raises the length, so this settles within a few rounds.
 */
static uint64_t piece_ready(struct bus_target *st, uint64_t soff,
			    struct bus_target *dt, uint64_t doff, uint64_t *n)
{
	uint64_t at, t, was;

	do {
		was = *n;
		at = 0;
		if (st->ops->ready && (t = st->ops->ready(st, soff, n, false)) > at)
			at = t;
		if (dt->ops->ready && (t = dt->ops->ready(dt, doff, n, true)) > at)
			at = t;
		assert(*n && *n <= was);
	} while (*n != was);
	return at;
}

/* The DMA error for a data access the target answered with err. */
static unsigned access_error(int err)
{
	return err == BUS_ERR_SHORT ? DMA_ERR_SHORT : DMA_ERR_SLAVE;
}

/*
 * Across a bridge (hw/xact.h), a burst is two transactions routed hop by
 * hop, each holding only the buses on its path: a read of the source into
 * the channel's buffer, then a write of the destination.  Descriptor
 * fetches and status write-backs go the same way.  ch->remote says which
 * one is in flight.
 */
enum { REMOTE_NONE, REMOTE_READ, REMOTE_WRITE, REMOTE_FETCH,
       REMOTE_WRITEBACK };

static void chan_xact_done(struct xact *x);

static void chan_xact(struct dma_chan *ch, int what, uint64_t addr,
		      void *data, uint64_t len, bool write, bool fixed)
{
	ch->remote = what;
	xact_init(&ch->xact, addr, data, len, write, &ch->port,
		  chan_xact_done, ch);
	ch->xact.fixed = fixed;
	xact_start(&ch->port, &ch->xact);
}

static void chan_remote_burst(struct dma_chan *ch, uint64_t n)
{
	ch->piece = n;
	chan_xact(ch, REMOTE_READ, xfer_src(ch), ch->buf, n, false,
		  src_fixed(ch));
}

static void chan_fetched_data(struct dma_chan *ch);
static void chan_written_back_or_done(struct dma_chan *ch);
static void chan_written_back_status(struct dma_chan *ch, int st);

static void chan_xact_done(struct xact *x)
{
	struct dma_chan *ch = x->ctx;
	int what = ch->remote;
	uint64_t n = ch->piece;

	ch->remote = REMOTE_NONE;
	switch (what) {
	case REMOTE_READ:
		if (x->status) {
			chan_fail(ch, x->status == BUS_ERR_DECODE ?
				  DMA_ERR_SRC : access_error(x->status),
				  xfer_src(ch));
			return;
		}
		chan_xact(ch, REMOTE_WRITE, xfer_dst(ch), ch->buf, n, true,
			  dst_fixed(ch));
		return;
	case REMOTE_WRITE:
		if (x->status) {
			chan_fail(ch, x->status == BUS_ERR_DECODE ?
				  DMA_ERR_DST : access_error(x->status),
				  xfer_dst(ch));
			return;
		}
		ch->cur_done += n;
		ch->bytes += n;
		ch->bursts_done++;
		if (ch->cur_done < ch->cur_len)
			chan_request_xfer(ch);
		else
			chan_written_back_or_done(ch);
		return;
	case REMOTE_FETCH:
		if (x->status) {
			chan_fail(ch, DMA_ERR_DESC, ch->cur_desc);
			return;
		}
		chan_fetched_data(ch);
		return;
	case REMOTE_WRITEBACK:
		chan_written_back_status(ch, x->status);
		return;
	}
}

static void chan_wake_event(struct sim *sim, struct event *ev)
{
	struct dma_chan *ch = ev->obj;

	(void)sim;
	ch->wake.ev = NULL;
	chan_request_xfer(ch);
}

/*
 * Ask the bus for the next bursts of the transfer.  To or from a paced
 * device, one burst at a time, no larger than the device's line covers
 * (ch->piece), once it is ready; a burst cut by pre-emption resumes as it
 * was.
 */
static void chan_request_xfer(struct dma_chan *ch)
{
	struct bus_target *st, *dt;
	uint64_t soff, doff, n, unit, total, span;
	unsigned code = 0;
	bool paced;

	n = ch->pos ? ch->piece : next_burst(ch);
	if (!ch->pos && (xact_remote(ch->port.bus, xfer_src(ch), n,
				     src_fixed(ch)) ||
			 xact_remote(ch->port.bus, xfer_dst(ch), n,
				     dst_fixed(ch)))) {
		chan_remote_burst(ch, n);
		return;
	}
	if (!burst_route(ch, n, &code, &st, &soff, &dt, &doff)) {
		chan_fail(ch, code, code == DMA_ERR_SRC ? xfer_src(ch) :
			  xfer_dst(ch));
		return;
	}
	paced = st->ops->ready || dt->ops->ready;
	if (paced && !ch->pos) {
		uint64_t at = piece_ready(st, soff, dt, doff, &n);

		if (at > ch->sim->now) {
			struct event *ev = sim_at(ch->sim, at, PHASE_REQUEST,
						  chan_wake_event, ch, NULL, 0);

			assert(ev);
			ch->wake = evq_handle(ev);
			return;
		}
	}
	ch->piece = n;
	unit = burst_cycles(ch, n, st, soff, dt, doff);
	total = unit - ch->pos;
	if (!paced && ch->port.mode != BUS_MODE_CYCLE_STEAL) {
		/* Every further whole burst inside both targets' ranges. */
		span = ch->cur_len - ch->cur_done;
		if (!src_fixed(ch) && st->size - soff < span)
			span = st->size - soff;
		if (!dst_fixed(ch) && dt->size - doff < span)
			span = dt->size - doff;
		if (span > n) {
			uint64_t rest = span - n;
			uint64_t full = rest / ch->cur_burst;
			uint64_t last = rest % ch->cur_burst;

			total += full * unit;
			if (last)
				total += st->ops->cycles(st, soff, last, false) +
					 dt->ops->cycles(dt, doff, last, true);
		}
	}
	bus_request(&ch->port, total, unit - ch->pos);
}


/*
 * A fixed source in memory: every beat (bus width, from the burst's
 * start) reads the same word, so the burst is that word repeated.
 */
static int read_fixed_word(struct dma_chan *ch, struct memory *ms,
			   uint64_t soff, uint64_t n)
{
	uint64_t w = fixed_word(ch, n);
	int err = ms->tgt.ops->access(&ms->tgt, soff, ch->buf, w, false);

	if (err)
		return err;
	for (uint64_t i = w; i < n; i++)
		ch->buf[i] = ch->buf[i - w];
	memory_repeat(ms, false, n - w);	/* each beat read it */
	return 0;
}

/*
 * A fixed destination in memory: every beat writes the same word, and it
 * keeps the last: a short last beat leaves the rest of the word as the
 * beat before wrote it.  Only that word is written.
 */
static int write_fixed_word(struct dma_chan *ch, struct memory *md,
			    uint64_t doff, uint64_t n)
{
	uint64_t w = fixed_word(ch, n);
	uint64_t last = (n - 1) / w * w, tail = n - last;
	int err;

	if (tail < w) {
		/* n > w here, so a whole beat precedes the short one */
		memcpy(ch->buf + last - w, ch->buf + last, tail);
		last -= w;
	}
	err = md->tgt.ops->access(&md->tgt, doff, ch->buf + last, w, true);
	if (!err)
		memory_repeat(md, true, n - w);	/* each beat wrote it */
	return err;
}

/* Move one burst's bytes.  Returns 0, or a DMA_ERR_* code with the
 * refused address in *bad. */
static unsigned move_burst(struct dma_chan *ch, uint64_t n,
			   struct bus_target *st, uint64_t soff,
			   struct bus_target *dt, uint64_t doff, uint64_t *bad)
{
	struct memory *ms = memory_of(st), *md = memory_of(dt);
	struct bus *bus = ch->port.bus;
	bool sfix = src_fixed(ch), dfix = dst_fixed(ch);
	int err;

	if (ms)
		bus_snoop(bus, &ch->port, xfer_src(ch),
			  side_span(ch, st, n, sfix), false);
	if (ms && ms == md && !sfix && !dfix) {
		/* one copy inside the memory, counted as both accesses */
		if (memory_burst_copy(ms, doff, soff, n)) {
			*bad = xfer_dst(ch);
			return DMA_ERR_SLAVE;
		}
	} else {
		err = ms && sfix ? read_fixed_word(ch, ms, soff, n) :
		      st->ops->access(st, soff, ch->buf, n, false);
		if (err) {
			*bad = xfer_src(ch);
			return access_error(err);
		}
		err = md && dfix ? write_fixed_word(ch, md, doff, n) :
		      dt->ops->access(dt, doff, ch->buf, n, true);
		if (err) {
			*bad = xfer_dst(ch);
			return access_error(err);
		}
	}
	if (md)
		bus_snoop(bus, &ch->port, xfer_dst(ch),
			  side_span(ch, dt, n, dfix), true);
	return 0;
}

static void chan_written_back_or_done(struct dma_chan *ch);

/* The tenure ended after `cycles`: move the bursts it covered. */
static void chan_bursts_done(struct dma_chan *ch, uint64_t cycles)
{
	while (ch->cur_done < ch->cur_len) {
		struct bus_target *st, *dt;
		uint64_t soff, doff, n = ch->piece, c, bad;
		unsigned code = 0;

		if (!burst_route(ch, n, &code, &st, &soff, &dt, &doff)) {
			chan_fail(ch, code, code == DMA_ERR_SRC ? xfer_src(ch) :
				  xfer_dst(ch));
			return;
		}
		c = burst_cycles(ch, n, st, soff, dt, doff);
		if (ch->pos + cycles < c) {
			ch->pos += cycles;	/* pre-empted mid-burst */
			break;
		}
		cycles -= c - ch->pos;
		ch->pos = 0;
		code = move_burst(ch, n, st, soff, dt, doff, &bad);
		if (code) {
			chan_fail(ch, code, bad);
			return;
		}
		ch->cur_done += n;
		ch->bytes += n;
		ch->bursts_done++;
		/* further bursts of this tenure: targets without a line */
		ch->piece = next_burst(ch);
		if (!cycles)
			break;
	}
	if (ch->cur_done < ch->cur_len) {
		chan_request_xfer(ch);
		return;
	}
	chan_written_back_or_done(ch);
}

static void chan_start_xfer(struct dma_chan *ch)
{
	if (!ch->cur_len) {
		chan_fail(ch, DMA_ERR_BADDESC, ch->chain ? ch->cur_desc : 0);
		return;
	}
	ch->state = DMA_XFER;
	ch->cur_done = 0;
	ch->pos = 0;
	chan_request_xfer(ch);
}

/* ---- descriptor chains ---- */

/*
 * Record a descriptor address as walked; true if it was already (the chain
 * loops).  An open-addressing set, grown as the chain grows; a chain too
 * long to track counts as a loop.
 */
static bool chan_seen(struct dma_chan *ch, uint64_t addr)
{
	uint32_t mask, i;

	if (ch->chain_len >= DMA_MAX_CHAIN)
		return true;
	if (2 * (ch->chain_len + 1) > ch->seen_cap) {
		uint32_t cap = ch->seen_cap ? ch->seen_cap * 2 : 64;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return true;
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
		free(ch->seen);
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
	chan_start_xfer(ch);
}

static void chan_fenced(struct sim *sim, struct event *ev)
{
	struct dma_chan *ch = ev->obj;

	(void)sim;
	ch->wake.ev = NULL;
	chan_start_fetch(ch);
}

/* The descriptor's buffer must lie inside one target; at a fixed
 * address, what its longest burst touches (route_side()). */
static bool buffer_ok(struct dma_chan *ch, uint64_t addr, bool fixed)
{
	uint64_t off, n = ch->cur_len;

	if (fixed && ch->cur_burst < n)
		n = ch->cur_burst;
	return route_side(ch, addr, n, fixed, &off);
}

static void chan_start_fetch(struct dma_chan *ch)
{
	struct bus_target *t;
	uint64_t off, c;

	if (ch->cur_desc % DMA_DESC_SIZE) {
		chan_fail(ch, DMA_ERR_ALIGN, ch->cur_desc);
		return;
	}
	if (chan_seen(ch, ch->cur_desc)) {
		chan_fail(ch, DMA_ERR_LOOP, ch->cur_desc);
		return;
	}
	ch->state = DMA_FETCH;
	c = bus_xact_cycles(ch->port.bus, ch->cur_desc, DMA_DESC_SIZE, false,
			    &t, &off);
	if (!t) {
		chan_fail(ch, DMA_ERR_DESC, ch->cur_desc);
		return;
	}
	ch->desc_fetches++;
	chan_trace_desc(ch, true);
	if (t->ops->forward) {
		chan_xact(ch, REMOTE_FETCH, ch->cur_desc, ch->descbuf,
			  DMA_DESC_SIZE, false, false);
		return;
	}
	bus_request(&ch->port, c, c);
}

static void chan_fetched(struct dma_chan *ch)
{
	bus_snoop(ch->port.bus, &ch->port, ch->cur_desc, DMA_DESC_SIZE, false);
	if (bus_xact_data(ch->port.bus, ch->cur_desc, ch->descbuf,
			  DMA_DESC_SIZE, false)) {
		chan_fail(ch, DMA_ERR_DESC, ch->cur_desc);
		return;
	}
	chan_fetched_data(ch);
}

/* The descriptor is in descbuf: check it and start its transfer. */
static void chan_fetched_data(struct dma_chan *ch)
{
	const uint8_t *d = ch->descbuf;

	ch->cur_src = util_le_get(d + DMA_DESC_SRC, 8);
	ch->cur_dst = util_le_get(d + DMA_DESC_DST, 8);
	ch->cur_len = util_le_get(d + DMA_DESC_LEN, 4);
	ch->cur_flags = (uint32_t)util_le_get(d + DMA_DESC_CTRL, 4) &
			~(DMA_DESC_DONE | DMA_DESC_ERROR);
	ch->next_desc = util_le_get(d + DMA_DESC_NEXT, 8);
	ch->cur_done = 0;
	ch->desc_held = true;
	if (!ch->cur_len) {
		chan_fail(ch, DMA_ERR_BADDESC, ch->cur_desc);
		return;
	}
	if (!buffer_ok(ch, ch->cur_src, ch->cur_flags & DMA_DESC_SRC_FIXED)) {
		chan_fail(ch, DMA_ERR_RANGE, ch->cur_src);
		return;
	}
	if (!buffer_ok(ch, ch->cur_dst, ch->cur_flags & DMA_DESC_DST_FIXED)) {
		chan_fail(ch, DMA_ERR_RANGE, ch->cur_dst);
		return;
	}
	if (ch->eng->desc_cycles) {
		chan_timer(ch, ch->eng->desc_cycles, chan_processed);
		return;
	}
	chan_start_xfer(ch);
}

static void chan_written_back_or_done(struct dma_chan *ch)
{
	struct bus_target *t;
	uint64_t off, c;

	if (!ch->chain) {
		ch->transfers++;
		ch->status |= DMA_STATUS_DONE;
		chan_finish(ch, DMA_DONE);
		return;
	}
	ch->state = DMA_WRITEBACK;
	c = bus_xact_cycles(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL, 4,
			    true, &t, &off);
	if (!t) {
		ch->desc_held = false;
		chan_fail(ch, DMA_ERR_WRITEBACK, ch->cur_desc);
		return;
	}
	if (t->ops->forward) {
		util_le_put(ch->wb, ch->cur_flags | DMA_DESC_DONE, 4);
		chan_xact(ch, REMOTE_WRITEBACK, ch->cur_desc + DMA_DESC_CTRL,
			  ch->wb, 4, true, false);
		return;
	}
	bus_request(&ch->port, c, c);
}

static void chan_written_back(struct dma_chan *ch)
{
	int st;

	if (ch->fail_code) {
		/* The failed descriptor's ERROR flag; if even that write is
		 * refused, the original error is still the one to report. */
		util_le_put(ch->wb, ch->cur_flags | DMA_DESC_ERROR, 4);
		bus_xact_data(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL,
			      ch->wb, 4, true);
		ch->desc_held = false;
		chan_fail(ch, ch->fail_code, ch->fail_addr);
		return;
	}
	util_le_put(ch->wb, ch->cur_flags | DMA_DESC_DONE, 4);
	st = bus_xact_data(ch->port.bus, ch->cur_desc + DMA_DESC_CTRL, ch->wb,
			   4, true);
	if (!st)
		bus_snoop(ch->port.bus, &ch->port,
			  ch->cur_desc + DMA_DESC_CTRL, 4, true);
	chan_written_back_status(ch, st);
}

/* The DONE flag's write-back ended with status st. */
static void chan_written_back_status(struct dma_chan *ch, int st)
{
	ch->desc_held = false;
	if (st) {
		chan_fail(ch, DMA_ERR_WRITEBACK, ch->cur_desc);
		return;
	}
	ch->transfers++;
	chan_trace_desc(ch, false);
	if (ch->cur_flags & DMA_DESC_IRQ)
		chan_raise(ch);
	if (!ch->next_desc) {
		ch->status |= DMA_STATUS_DONE;
		chan_finish(ch, DMA_DONE);
		return;
	}
	ch->cur_desc = ch->next_desc;
	if (ch->eng->fence_cycles) {
		chan_timer(ch, ch->eng->fence_cycles, chan_fenced);
		return;
	}
	chan_start_fetch(ch);
}

/* ---- the bus port ---- */

static void chan_released(struct bus_master *m, uint64_t cycles)
{
	struct dma_chan *ch = (struct dma_chan *)m;

	if (SIM_UNLIKELY(ch->remote)) {
		/* a transaction across a bridge: its hop here ended */
		xact_released(&ch->xact);
		return;
	}
	switch (ch->state) {
	case DMA_FETCH:
		chan_fetched(ch);
		return;
	case DMA_XFER:
		chan_bursts_done(ch, cycles);
		return;
	case DMA_WRITEBACK:
		chan_written_back(ch);
		return;
	default:
		assert(!"tenure ended on an idle channel");
	}
}

static const struct bus_master_ops dma_port_ops = {
	.released = chan_released,
};

static int chan_setup(struct dma_chan *ch, struct sim *sim, struct bus *bus,
		      const char *name, enum bus_mode mode, int priority,
		      uint32_t burst)
{
	int err;

	memset(ch, 0, sizeof(*ch));
	err = bus_attach(bus, &ch->port, name, &dma_port_ops, mode, priority);
	if (err)
		return err;
	ch->port.io = true;	/* snoopers see its memory accesses */
	ch->sim = sim;
	snprintf(ch->name, sizeof(ch->name), "%.31s", name);
	ch->track = trace_track(sim, NULL, ch->name);
	trace_signal(sim, ch->track, &tp_dma_active, 0);
	signal_init(&ch->done);
	ch->burst = burst;
	if (stats_add(&sim->stats, ch->name, "bursts", STAT_COUNTER, "",
		      &ch->bursts_done) ||
	    stats_add(&sim->stats, ch->name, "transfers", STAT_COUNTER, "",
		      &ch->transfers) ||
	    stats_add(&sim->stats, ch->name, "bytes", STAT_COUNTER, "bytes",
		      &ch->bytes) ||
	    stats_add(&sim->stats, ch->name, "errors", STAT_COUNTER, "",
		      &ch->errors) ||
	    stats_add(&sim->stats, ch->name, "desc_fetches", STAT_COUNTER, "",
		      &ch->desc_fetches))
		return DMASIM_ENOMEM;
	return 0;
}

static void chan_fini(struct dma_chan *ch)
{
	free(ch->buf);
	free(ch->seen);
	ch->buf = NULL;
	ch->seen = NULL;
}

/* ---- registers ---- */

static void dma_doorbell(struct dma_chan *ch)
{
	struct dma_engine *eng = ch->eng;

	if (dma_chan_busy(ch)) {
		eng->guest_errors++;	/* a doorbell while busy is ignored */
		return;
	}
	/* The transfer runs on the values latched here: the registers may
	 * be reprogrammed for the next one while it runs. */
	ch->cur_burst = ch->burst;
	ch->cur_ctrl = ch->ctrl;
	ch->cur_len = ch->cur_done = 0;
	ch->desc_held = false;
	ch->fail_code = 0;
	ch->status = DMA_STATUS_BUSY;
	ch->started_at = ch->sim->now;
	chan_trace_start(ch);
	if (!ch->burst) {
		chan_fail(ch, DMA_ERR_BADDESC, 0);
		return;
	}
	if (ch->buf_size < ch->burst) {
		uint8_t *b = realloc(ch->buf, ch->burst);

		if (!b) {
			chan_fail(ch, DMA_ERR_SLAVE, 0);
			return;
		}
		ch->buf = b;
		ch->buf_size = ch->burst;
	}
	ch->chain = ch->ctrl & DMA_CTRL_CHAIN;
	ch->chain_len = 0;
	if (ch->seen)
		memset(ch->seen, 0, ch->seen_cap * sizeof(*ch->seen));
	if (ch->chain) {
		ch->cur_desc = ch->desc;
		chan_start_fetch(ch);
		return;
	}
	ch->cur_src = ch->src;
	ch->cur_dst = ch->dst;
	ch->cur_len = ch->len;
	ch->cur_flags = (ch->ctrl & DMA_CTRL_SRC_FIXED ? DMA_DESC_SRC_FIXED : 0) |
			(ch->ctrl & DMA_CTRL_DST_FIXED ? DMA_DESC_DST_FIXED : 0);
	chan_start_xfer(ch);
}

uint32_t dma_reg_read(struct dma_engine *eng, uint64_t off)
{
	struct dma_chan *ch;
	unsigned i = (unsigned)(off / DMA_CH_STRIDE);

	if (i >= eng->nchan) {
		eng->guest_errors++;
		return 0;
	}
	ch = &eng->chan[i];
	switch (off % DMA_CH_STRIDE) {
	case DMA_REG_SRC_LO: return (uint32_t)ch->src;
	case DMA_REG_SRC_HI: return (uint32_t)(ch->src >> 32);
	case DMA_REG_DST_LO: return (uint32_t)ch->dst;
	case DMA_REG_DST_HI: return (uint32_t)(ch->dst >> 32);
	case DMA_REG_LEN: return ch->len;
	case DMA_REG_CTRL: return ch->ctrl;
	case DMA_REG_STATUS: return ch->status;
	case DMA_REG_RESIDUE:
		return dma_chan_busy(ch) || ch->state == DMA_ERROR ?
		       (uint32_t)(ch->cur_len - ch->cur_done) : 0;
	case DMA_REG_DESC_LO: return (uint32_t)ch->desc;
	case DMA_REG_DESC_HI: return (uint32_t)(ch->desc >> 32);
	case DMA_REG_BURST: return ch->burst;
	case DMA_REG_DONE_COUNT: return (uint32_t)ch->transfers;
	case DMA_REG_ERR_ADDR_LO: return (uint32_t)ch->err_addr;
	case DMA_REG_ERR_ADDR_HI: return (uint32_t)(ch->err_addr >> 32);
	case DMA_REG_ERR_DESC_LO: return (uint32_t)ch->err_desc;
	case DMA_REG_ERR_DESC_HI: return (uint32_t)(ch->err_desc >> 32);
	}
	eng->guest_errors++;
	return 0;
}

static void set_lo(uint64_t *r, uint32_t v)
{
	*r = (*r & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
	*r = (*r & 0xffffffffull) | (uint64_t)v << 32;
}

void dma_reg_write(struct dma_engine *eng, uint64_t off, uint32_t v)
{
	struct dma_chan *ch;
	unsigned i = (unsigned)(off / DMA_CH_STRIDE);

	if (i >= eng->nchan) {
		eng->guest_errors++;
		return;
	}
	ch = &eng->chan[i];
	switch (off % DMA_CH_STRIDE) {
	case DMA_REG_SRC_LO: set_lo(&ch->src, v); return;
	case DMA_REG_SRC_HI: set_hi(&ch->src, v); return;
	case DMA_REG_DST_LO: set_lo(&ch->dst, v); return;
	case DMA_REG_DST_HI: set_hi(&ch->dst, v); return;
	case DMA_REG_LEN: ch->len = v; return;
	case DMA_REG_DESC_LO: set_lo(&ch->desc, v); return;
	case DMA_REG_DESC_HI: set_hi(&ch->desc, v); return;
	case DMA_REG_BURST: ch->burst = v; return;
	case DMA_REG_CTRL:
		ch->ctrl = v & ~DMA_CTRL_START;
		if (v & DMA_CTRL_START)
			dma_doorbell(ch);
		return;
	case DMA_REG_STATUS:
		ch->status &= ~(v & (DMA_STATUS_DONE | DMA_STATUS_ERROR));
		if (v & DMA_STATUS_ERROR)
			ch->status &= ~0xff00u;
		return;
	}
	eng->guest_errors++;	/* unknown or read-only register */
}

static uint64_t regs_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			    bool write)
{
	struct dma_engine *eng = (struct dma_engine *)t;

	(void)off;
	(void)write;
	return eng->reg_cycles + bus_beats(eng->bus, len);
}

static int regs_access(struct bus_target *t, uint64_t off, void *data,
		       uint64_t len, bool write)
{
	struct dma_engine *eng = (struct dma_engine *)t;
	uint8_t *p = data;

	/* 32-bit registers; an aligned 64-bit access covers a LO/HI pair. */
	if ((len != 4 && len != 8) || off % 4) {
		eng->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	for (uint64_t k = 0; k < len; k += 4) {
		if (write)
			dma_reg_write(eng, off + k, (uint32_t)util_le_get(p + k, 4));
		else
			util_le_put(p + k, dma_reg_read(eng, off + k), 4);
	}
	return 0;
}

static const struct bus_target_ops dma_regs_ops = {
	.cycles = regs_cycles,
	.access = regs_access,
};

int dma_engine_init(struct dma_engine *eng, struct sim *sim, struct bus *bus,
		    const char *name, const struct dma_config *cfg)
{
	uint64_t period = bus->clk.period;
	int err;

	if (!cfg->channels || cfg->channels > 64 || !cfg->burst)
		return DMASIM_EINVAL;
	memset(eng, 0, sizeof(*eng));
	eng->sim = sim;
	eng->bus = bus;
	snprintf(eng->name, sizeof(eng->name), "%s", name);
	eng->regs.ops = &dma_regs_ops;
	eng->regs.name = eng->name;
	eng->reg_cycles = (cfg->reg_latency + period - 1) / period;
	eng->desc_cycles = cfg->desc_cycles;
	eng->fence_cycles = cfg->fence_cycles;
	eng->chan = calloc(cfg->channels, sizeof(*eng->chan));
	if (!eng->chan)
		return DMASIM_ENOMEM;
	for (unsigned i = 0; i < cfg->channels; i++) {
		char cname[48];

		snprintf(cname, sizeof(cname), "%s.ch%u", eng->name, i);
		err = chan_setup(&eng->chan[i], sim, bus, cname, cfg->mode,
				 cfg->priority, cfg->burst);
		if (err)
			return err;
		eng->chan[i].eng = eng;
		eng->chan[i].index = i;
		eng->nchan++;
	}
	err = bus_map(bus, &eng->regs, cfg->base,
		      (uint64_t)cfg->channels * DMA_CH_STRIDE);
	if (err)
		return err;
	if (stats_add(&sim->stats, eng->name, "guest_errors", STAT_COUNTER, "",
		      &eng->guest_errors))
		return DMASIM_ENOMEM;
	return 0;
}

void dma_engine_fini(struct dma_engine *eng)
{
	for (unsigned i = 0; i < eng->nchan; i++)
		chan_fini(&eng->chan[i]);
	free(eng->chan);
	eng->chan = NULL;
	eng->nchan = 0;
}
