/* dma: the DMA engine and its channels.  See dma.h for the model. */
#include "dma.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "memory.h"
#include "kernel/trace.h"
#include "dma_int.h"
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

const char *dma_error_string(unsigned code)
{
	switch (code) {
		DMA_ERRORS(UTIL_CASE_TEXT)
	}
	return "unknown error";
}

/* ---- completion ---- */

void dma_chan_raise(struct dma_chan *ch)
{
	struct dma_engine *eng = ch->eng;

	if (eng->irq.raise)
		eng->irq.raise(eng->irq.ctx, eng->irq.line + ch->index);
}

/* The channel takes work: a doorbell. */
void dma_chan_trace_start(struct dma_chan *ch)
{
	trace_span_begin(ch->sim, ch->track, &tp_dma_transfer, NULL);
	trace_signal(ch->sim, ch->track, &tp_dma_active, 1);
}

/* A descriptor's span on the channel's track, from its fetch to its
 * status write-back (or the error that ends the chain). */
void dma_chan_trace_desc(struct dma_chan *ch, bool begin)
{
	if (!trace_on(ch->sim) || ch->desc_traced == begin)
		return;
	if (begin)
		trace_span_begin(ch->sim, ch->track, &tp_dma_desc, NULL);
	else
		trace_span_end(ch->sim, ch->track, &tp_dma_desc);
	ch->desc_traced = begin;
}

void dma_chan_finish(struct dma_chan *ch, enum dma_state state)
{
	dma_chan_trace_desc(ch, false);
	trace_span_end(ch->sim, ch->track, &tp_dma_transfer);
	trace_signal(ch->sim, ch->track, &tp_dma_active, 0);
	trace_instant(ch->sim, ch->track, state == DMA_ERROR ? &tp_dma_error :
		      &tp_dma_done, NULL);
	ch->state = state;
	ch->status &= ~DMA_STATUS_BUSY;
	ch->done_at = ch->sim->now;
	if (ch->cur_ctrl & DMA_CTRL_IRQ_EN)
		dma_chan_raise(ch);
	signal_notify(ch->sim, &ch->done);
}

/*
 * End the transfer with an error.  In a chain whose current descriptor has
 * been fetched, its ERROR flag is written back first (a bus write, like
 * DONE), so the driver can tell which descriptor failed.
 */
void dma_chan_fail(struct dma_chan *ch, unsigned code, uint64_t addr)
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
	dma_chan_finish(ch, DMA_ERROR);
}

/* ---- data transfers ---- */

/*
 * The target answering one side of a burst of n bytes at addr, with the
 * offset in *off; NULL when none does.  A moving address needs all of
 * [addr, addr + n) in one target.  A fixed one is routed by the address
 * itself (a device's data register takes the whole burst), except that
 * in memory its word must lie there too.
 */
struct bus_target *dma_route_side(const struct dma_chan *ch, uint64_t addr,
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

/* Route both sides of a burst of n bytes at the current addresses: false
 * with *code set when an address has no target (or a fly-by's sides are
 * not a memory and a device). */
bool dma_burst_route(const struct dma_chan *ch, uint64_t n, unsigned *code,
			struct bus_target **st, uint64_t *soff,
			struct bus_target **dt, uint64_t *doff)
{
	*st = dma_route_side(ch, xfer_src(ch), n, src_fixed(ch), soff);
	if (!*st) {
		*code = DMA_ERR_SRC;
		return false;
	}
	*dt = dma_route_side(ch, xfer_dst(ch), n, dst_fixed(ch), doff);
	if (!*dt) {
		*code = DMA_ERR_DST;
		return false;
	}
	if (flyby(ch) && (!memory_of(*st) == !memory_of(*dt) ||
			  (*st)->ops->forward || (*dt)->ops->forward)) {
		*code = DMA_ERR_FLYBY;
		return false;
	}
	return true;
}

/* Bus cycles of the data of one burst of n bytes: a read of the source
 * and a write of the destination; fly-by, the memory side's alone. */
static uint64_t pair_cycles(const struct dma_chan *ch, uint64_t n,
			    struct bus_target *st, uint64_t soff,
			    struct bus_target *dt, uint64_t doff)
{
	if (flyby(ch))
		return memory_of(st) ? st->ops->cycles(st, soff, n, false) :
		       dt->ops->cycles(dt, doff, n, true);
	return st->ops->cycles(st, soff, n, false) +
	       dt->ops->cycles(dt, doff, n, true);
}

/*
 * Bus cycles of one burst of n bytes, routed by dma_burst_route(): a read of
 * the source and a write of the destination, each of all n bytes (at a
 * fixed address every beat goes to the same place), plus what snooping
 * the memory it touches costs on a coherent interconnect.
 */
uint64_t dma_burst_cycles(const struct dma_chan *ch, uint64_t n,
			     struct bus_target *st, uint64_t soff,
			     struct bus_target *dt, uint64_t doff)
{
	struct bus *bus = ch->port.bus;
	uint64_t dack = st->ops->ready || dt->ops->ready ?
			ch->eng->dack_cycles : 0;

	return pair_cycles(ch, n, st, soff, dt, doff) + dack +
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
uint64_t dma_piece_ready(struct bus_target *st, uint64_t soff,
			    struct bus_target *dt, uint64_t doff, uint64_t *n)
{
	uint64_t at, t, was;

#ifdef DMASIM_MUTATE_DMA_IGNORES_DREQ
	/* the device's request line ignored: every piece moves at once,
	 * whatever the device has ready */
	(void)st; (void)soff; (void)dt; (void)doff; (void)n; (void)at;
	(void)t; (void)was;
	return 0;
#endif
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
unsigned dma_access_error(int err)
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

static void chan_xact_done(struct xact *x);

void dma_chan_issue(struct dma_chan *ch, int what, uint64_t addr,
		    void *data, uint64_t len, bool write, bool fixed,
		    bool translated, bool ats)
{
	ch->remote = what;
	xact_init(&ch->xact, addr, data, len, write, &ch->port,
		  chan_xact_done, ch);
	ch->xact.fixed = fixed;
	ch->xact.translated = translated;
	ch->xact.ats_req = ats;
	xact_start(&ch->port, &ch->xact);
}

void dma_chan_xact(struct dma_chan *ch, int what, uint64_t addr,
		      void *data, uint64_t len, bool write, bool fixed)
{
	bool req = what == REMOTE_READ || what == REMOTE_WRITE;

	if (req && (ch->ctrl & DMA_CTRL_TRANSLATED)) {
		dma_chan_issue(ch, what, addr, data, len, write, fixed, true,
			       false);
		return;
	}
	if (req && ch->eng->atc.cap &&
	    dma_atc_xact(ch, what, addr, data, len, write, fixed))
		return;
	dma_chan_issue(ch, what, addr, data, len, write, fixed, false, false);
}

static void chan_remote_burst(struct dma_chan *ch, uint64_t n)
{
	ch->piece = n;
	dma_chan_xact(ch, REMOTE_READ, xfer_src(ch), ch->buf, n, false,
		  src_fixed(ch));
}

static void chan_xact_done(struct xact *x)
{
	struct dma_chan *ch = x->ctx;
	int what = ch->remote;
	uint64_t n = ch->piece;

	ch->remote = REMOTE_NONE;
	switch (what) {
	case REMOTE_ATS:
		dma_atc_answered(ch, x->status);
		return;
	case REMOTE_READ:
		if (x->status) {
			dma_chan_fail(ch, x->status == BUS_ERR_DECODE ?
				  DMA_ERR_SRC : dma_access_error(x->status),
				  xfer_src(ch));
			return;
		}
		dma_chan_xact(ch, REMOTE_WRITE, xfer_dst(ch), ch->buf, n, true,
			  dst_fixed(ch));
		return;
	case REMOTE_WRITE:
		if (x->status) {
			dma_chan_fail(ch, x->status == BUS_ERR_DECODE ?
				  DMA_ERR_DST : dma_access_error(x->status),
				  xfer_dst(ch));
			return;
		}
		ch->cur_done += n;
		ch->bytes += n;
		ch->bursts_done++;
		if (ch->cur_done < ch->cur_len)
			dma_request_xfer(ch);
		else
			dma_written_back_or_done(ch);
		return;
	case REMOTE_FETCH:
		if (x->status) {
			dma_chan_fail(ch, DMA_ERR_DESC, ch->cur_desc);
			return;
		}
		dma_fetched_data(ch);
		return;
	case REMOTE_WRITEBACK:
		dma_written_back_status(ch, x->status);
		return;
	}
}

static void chan_wake_event(struct sim *sim, struct event *ev)
{
	struct dma_chan *ch = ev->obj;

	(void)sim;
	ch->wake.ev = NULL;
	dma_request_xfer(ch);
}

/*
 * Ask the bus for the next bursts of the transfer.  To or from a paced
 * device, one burst at a time, no larger than the device's line covers
 * (ch->piece), once it is ready; a burst cut by pre-emption resumes as it
 * was.
 */
void dma_request_xfer(struct dma_chan *ch)
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
		if (flyby(ch)) {
			dma_chan_fail(ch, DMA_ERR_FLYBY, xfer_src(ch));
			return;
		}
		chan_remote_burst(ch, n);
		return;
	}
	if (!dma_burst_route(ch, n, &code, &st, &soff, &dt, &doff)) {
		dma_chan_fail(ch, code, code == DMA_ERR_DST ? xfer_dst(ch) :
			  xfer_src(ch));
		return;
	}
	paced = st->ops->ready || dt->ops->ready;
	if (paced && !ch->pos) {
		uint64_t at = dma_piece_ready(st, soff, dt, doff, &n) +
			      ch->eng->dreq_latency;

		if (at > ch->sim->now) {
			struct event *ev = sim_at(ch->sim, at, PHASE_REQUEST,
						  chan_wake_event, ch, NULL, 0);

			assert(ev);
			ch->wake = evq_handle(ev);
			return;
		}
	}
	ch->piece = n;
	unit = dma_burst_cycles(ch, n, st, soff, dt, doff);
	total = unit - ch->pos;
	ch->block = ch->port.mode == BUS_MODE_BURST;
	if (paced && ch->block && ch->cur_done + n < ch->cur_len)
		total++;	/* held past this piece: see chan_plan_piece */
	if (!paced && ch->port.mode != BUS_MODE_CYCLE_STEAL && twod(ch)) {
		/* the whole frame set lies inside both targets (checked) */
		total += dma_2d_rest_cycles(ch, n, st, soff, dt, doff);
	} else if (!paced && ch->port.mode != BUS_MODE_CYCLE_STEAL) {
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
				total += pair_cycles(ch, last, st, soff, dt,
						     doff);
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
		if (ms->nfaults && memory_faulted(ms, soff, n, false)) {
			*bad = xfer_src(ch);
			return DMA_ERR_SLAVE;
		}
		if (ms->nfaults && memory_faulted(ms, doff, n, true)) {
			*bad = xfer_dst(ch);
			return DMA_ERR_SLAVE;
		}
		if (memory_burst_copy(ms, doff, soff, n)) {
			*bad = xfer_dst(ch);
			return DMA_ERR_SLAVE;
		}
	} else {
		err = ms && sfix ? read_fixed_word(ch, ms, soff, n) :
		      st->ops->access(st, soff, ch->buf, n, false);
		if (err) {
			*bad = xfer_src(ch);
			return dma_access_error(err);
		}
		err = md && dfix ? write_fixed_word(ch, md, doff, n) :
		      dt->ops->access(dt, doff, ch->buf, n, true);
		if (err) {
			*bad = xfer_dst(ch);
			return dma_access_error(err);
		}
	}
	if (md)
		bus_snoop(bus, &ch->port, xfer_dst(ch),
			  side_span(ch, dt, n, dfix), true);
	return 0;
}

/* Move the bursts `cycles` bus cycles covered (from ch->pos into the
 * burst in flight).  Returns 0, or a DMA_ERR_* code with the failing
 * address in *bad (the caller ends the channel). */
unsigned dma_move_covered(struct dma_chan *ch, uint64_t cycles,
				  uint64_t *bad)
{
	while (ch->cur_done < ch->cur_len) {
		struct bus_target *st, *dt;
		uint64_t soff, doff, n = ch->piece, c;
		unsigned code = 0;

		if (!dma_burst_route(ch, n, &code, &st, &soff, &dt, &doff)) {
			*bad = code == DMA_ERR_SRC ? xfer_src(ch) : xfer_dst(ch);
			return code;
		}
		c = dma_burst_cycles(ch, n, st, soff, dt, doff);
		if (ch->pos + cycles < c) {
			ch->pos += cycles;	/* pre-empted mid-burst */
			break;
		}
		cycles -= c - ch->pos;
		ch->pos = 0;
		code = move_burst(ch, n, st, soff, dt, doff, bad);
		if (code)
			return code;
		ch->cur_done += n;
		ch->bytes += n;
		ch->bursts_done++;
		/* further bursts of this tenure: targets without a line */
		ch->piece = next_burst(ch);
		if (!cycles)
			break;
	}
	return 0;
}

/* The tenure ended after `cycles`: move the bursts it covered. */
static void chan_bursts_done(struct dma_chan *ch, uint64_t cycles)
{
	uint64_t bad = 0;
	unsigned code;

	if (ch->block) {
		/* the bursts before were delivered at their own ends */
		cycles = (ch->sim->now - ch->blk_mark) /
			 ch->port.bus->clk.period;
		ch->block = false;
		code = ch->blk_code;
		bad = ch->blk_bad;
		ch->blk_code = 0;
		if (code) {
			dma_chan_fail(ch, code, bad);
			return;
		}
	}
	code = dma_move_covered(ch, cycles, &bad);
	if (code) {
		dma_chan_fail(ch, code, bad);
		return;
	}
	if (ch->cur_done < ch->cur_len) {
		dma_request_xfer(ch);
		return;
	}
	dma_written_back_or_done(ch);
}

void dma_start_xfer(struct dma_chan *ch)
{
	if (!ch->cur_len) {
		dma_chan_fail(ch, DMA_ERR_BADDESC, ch->chain ? ch->cur_desc : 0);
		return;
	}
	ch->state = DMA_XFER;
	ch->cur_done = 0;
	ch->pos = 0;
	dma_request_xfer(ch);
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
		dma_fetched(ch);
		return;
	case DMA_XFER:
		chan_bursts_done(ch, cycles);
		return;
	case DMA_WRITEBACK:
		dma_written_back(ch);
		return;
	default:
		assert(!"tenure ended on an idle channel");
	}
}

static const struct bus_master_ops dma_port_ops = {
	.released = chan_released,
	.granted = dma_block_granted,
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
	/* Only block mode plans at the grant (dma_block_granted()). */
	if (ch->port.mode != BUS_MODE_BURST)
		bus_skip_granted(&ch->port);
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
	dm_free(ch->buf);
	dm_free(ch->seen);
	ch->buf = NULL;
	ch->seen = NULL;
}

int dma_engine_init(struct dma_engine *eng, struct sim *sim, struct bus *bus,
		    const char *name, const struct dma_config *cfg)
{
	uint64_t period = bus->clk.period;
	int err;

	if (!cfg->channels || cfg->channels > 64 || !cfg->burst ||
	    cfg->count_bits > 32)
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
	eng->dreq_latency = cfg->dreq_latency;
	eng->dack_cycles = cfg->dack_cycles;
	eng->count_mask = !cfg->count_bits || cfg->count_bits == 32 ?
			  UINT32_MAX : (1u << cfg->count_bits) - 1;
	eng->chan = dm_calloc(cfg->channels, sizeof(*eng->chan));
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
		      (uint64_t)cfg->channels * DMA_CH_STRIDE +
		      (cfg->atc ? DMA_ATS_REGS : 0));
	if (err)
		return err;
	if (cfg->atc && (err = dma_atc_init(eng, cfg->atc)))
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
	dma_atc_fini(eng);
	dm_free(eng->chan);
	eng->chan = NULL;
	eng->nchan = 0;
}
