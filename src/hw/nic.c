/* nic: descriptor rings, packet DMA, moderation.  See nic.h. */
#include "nic.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/util.h"

static void nic_kick(struct nic *n);

/* ---- frames ---- */

void nic_packet(const struct nic *n, uint64_t seq, uint8_t *dst,
		uint32_t len)
{
	uint8_t head[12];

	util_le_put(head, seq, 8);
	util_le_put(head + 8, len, 4);
	for (uint32_t k = 0; k < len; k++) {
		uint64_t x;

		if (k < sizeof(head)) {
			dst[k] = head[k];
			continue;
		}
		x = (seq * 0x100000001b3ull + k + 1) * 0x9e3779b97f4a7c15ull ^
		    n->cfg.seed;
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		dst[k] = (uint8_t)(x >> 56);
	}
}

/* ---- interrupts: moderation ---- */

/* Decide to raise: the moderation restarts now; the line goes up once
 * the flush read is back (nic_kick, NIC_FLUSH). */
static void nic_raise(struct nic *n)
{
	if (n->itr_ev.ev) {
		sim_cancel(n->sim, n->itr_ev);
		n->itr_ev.ev = NULL;
	}
	n->irq_pend = 0;
	n->raise_due = true;
	nic_kick(n);
}

static void nic_itr_event(struct sim *sim, struct event *ev)
{
	struct nic *n = ev->obj;

	(void)sim;
	n->itr_ev.ev = NULL;
	if ((n->ims & NIC_INT_RX) && n->irq_pend)
		nic_raise(n);
}

/* The rule: itr_pkts frames since the last raise, or itr_time after the
 * first of them (or after unmasking), whichever first. */
static void nic_irq_eval(struct nic *n)
{
	struct event *ev;

#ifdef DMASIM_MUTATE_NIC_IRQ_MASK_IGNORED
	/* broken on purpose: the interrupt mask (IMS) ignored: a masked
	 * receive interrupt is raised all the same */
	if (!n->irq_pend)
		return;
#else
	if (!(n->ims & NIC_INT_RX) || !n->irq_pend)
		return;
#endif
#ifdef DMASIM_MUTATE_IRQ_MODERATION_IGNORED
	/* broken on purpose: moderation (itr_pkts, itr_time) ignored, an
	 * interrupt for every frame */
	nic_raise(n);
	return;
#endif
	if (n->cfg.itr_pkts && n->irq_pend >= n->cfg.itr_pkts) {
		nic_raise(n);
		return;
	}
	if (!n->cfg.itr_time || n->itr_ev.ev)
		return;
	ev = sim_after(n->sim, n->cfg.itr_time, PHASE_REQUEST, nic_itr_event,
		       n, NULL, 0);
	if (ev)
		n->itr_ev = evq_handle(ev);
}

/* ---- the packet source ---- */

static uint32_t ring_sub(uint32_t a, uint32_t b, uint32_t len)
{
	return len ? (a + len - b) % len : 0;
}

static void nic_arrival(struct sim *sim, struct event *ev);

static void nic_schedule_next(struct nic *n)
{
	uint64_t gap = n->gap;
	struct event *ev;

	if (n->sent >= n->cfg.packets)
		return;
	if (n->cfg.arrival == NIC_POISSON) {
		gap = (uint64_t)ceil(-log(1.0 - rng_unit(&n->rng)) *
				     (double)n->gap);
		if (gap < n->wire)
			gap = n->wire;
	}
	ev = sim_after(n->sim, gap, PHASE_REQUEST, nic_arrival, n, NULL, 0);
	assert(ev);
	(void)ev;
}

/* A frame has fully arrived: claim a descriptor for it (true) or drop it
 * (false, counted). */
static bool nic_claim(struct nic *n, uint64_t seq)
{
	uint32_t claimed, owned;

	claimed = ring_sub(n->rx_next, n->rdh, n->rdlen);
	owned = ring_sub(n->rdt, n->rdh, n->rdlen);
#ifdef DMASIM_MUTATE_NIC_RING_NEVER_FULL
	/* the ring never full: a frame takes the next descriptor past the
	 * tail, overwriting a buffer the driver has not handed back, and no
	 * drop is counted */
	owned = claimed + 1;
#endif
	if (!(n->ctrl & NIC_CTRL_RXEN) || !n->rdlen || claimed >= owned) {
		n->rx_drops++;
		return false;
	}
	n->claimed[n->rx_next] = seq;
	n->rx_next = (n->rx_next + 1) % n->rdlen;
	if (claimed + 1 > n->max_claimed)
		n->max_claimed = claimed + 1;
	nic_kick(n);
	return true;
}

static void nic_arrival(struct sim *sim, struct event *ev)
{
	struct nic *n = ev->obj;

	(void)sim;
	nic_claim(n, n->sent++);
	nic_schedule_next(n);
}

/* The port's receive callback: a frame from the network. */
static void nic_net_rx(void *ctx, struct net_frame *f)
{
	struct nic *n = ctx;
	uint32_t idx = n->rx_next;

	if (!net_frame_intact(n->net, f)) {	/* the MAC's check: dropped */
		n->fcs_errors++;
		net_frame_put(n->net, f);
		return;
	}
	if (nic_claim(n, n->sent++))
		n->held[idx] = f;
	else
		net_frame_put(n->net, f);
}

static void nic_net_detach(void *ctx)
{
	struct nic *n = ctx;

	for (uint32_t i = 0; i < n->cap_claimed; i++)
		n->held[i] = NULL;	/* the network frees its frames */
	n->net = NULL;
}

int nic_attach(struct nic *n, struct net *net, uint32_t node)
{
	struct net_port *p = &net->ports[node];

	if (net->cfg.corrupt > 0 &&
	    stats_add(&n->sim->stats, n->name, "fcs_errors", STAT_COUNTER,
		      "", &n->fcs_errors))
		return DMASIM_ENOMEM;
	n->net = net;
	n->node = node;
	p->rx = nic_net_rx;
	p->detach = nic_net_detach;
	p->ctx = n;
	p->attached = true;
	return 0;
}

/* Send the frame the engine has read to the network. */
static void nic_net_tx(struct nic *n)
{
	struct net_frame *f;
	uint64_t dst = n->len >= 6 ? util_le_get(n->frame, 6) : UINT64_MAX;

	if (dst >= n->net->nports || n->len > NET_MAX_PAYLOAD ||
	    !n->net->ports[dst].sim) {
		n->tx_errors++;
		return;
	}
	f = net_frame_get(n->net);
	if (!f) {
		sim_host_oom(n->sim);
		return;
	}
	f->src = n->node;
	f->dst = (uint32_t)dst;
	f->len = n->len;
	f->wire = n->len + n->cfg.wire_overhead;
	memcpy(f->data, n->frame, n->len);
	net_send(n->net, f);
}

void nic_start(struct nic *n)
{
	struct event *ev;

	if (n->source_on || !n->cfg.packets)
		return;
	n->source_on = true;
	/* the first frame has arrived one wire time from now */
	ev = sim_after(n->sim, n->wire, PHASE_REQUEST, nic_arrival, n, NULL,
		       0);
	assert(ev);
	(void)ev;
}

/* ---- the engine ---- */

static void nic_xact_done(struct xact *x);

static void nic_xact(struct nic *n, uint64_t addr, void *data, uint64_t len,
		     bool write)
{
	xact_init(&n->x, addr, data, len, write, &n->port, nic_xact_done, n);
	xact_start(&n->port, &n->x);
}

static void nic_data_piece(struct nic *n)
{
	uint64_t addr = util_le_get(n->desc + NIC_D_ADDR, 8) + n->done;
	uint32_t left = n->len - n->done;
	uint32_t piece = left < n->cfg.burst ? left : n->cfg.burst;

	nic_xact(n, addr, n->frame + n->done, piece, n->step == NIC_RX_DATA);
}

/* Start the next piece of work when idle: received frames first. */
static void nic_kick(struct nic *n)
{
	if (n->step != NIC_IDLE)
		return;
	if (n->raise_due) {
		n->step = NIC_FLUSH;
		nic_xact(n, n->rdba, n->flush, sizeof(n->flush), false);
		return;
	}
	if (n->rx_next != n->rdh) {
		n->step = NIC_RX_FETCH;
		n->idx = n->rdh;
		n->seq = n->claimed[n->idx];
		n->desc_fetches++;
		nic_xact(n, n->rdba + (uint64_t)n->idx * NIC_DESC, n->desc,
			 NIC_DESC, false);
		return;
	}
	if ((n->ctrl & NIC_CTRL_TXEN) && n->tdlen && n->tdh != n->tdt) {
		n->step = NIC_TX_FETCH;
		n->idx = n->tdh;
		n->desc_fetches++;
		nic_xact(n, n->tdba + (uint64_t)n->idx * NIC_DESC, n->desc,
			 NIC_DESC, false);
	}
}

static void nic_rx_fetched(struct nic *n, int status)
{
	struct net_frame *f = n->net ? n->held[n->idx] : NULL;

	n->len = f ? f->len : n->cfg.pkt_size;
	n->done = 0;
	if (f) {
		n->held[n->idx] = NULL;
		memcpy(n->frame, f->data, f->len);
		net_frame_put(n->net, f);
	}
	memset(n->desc + NIC_D_LEN, 0, NIC_DESC - NIC_D_LEN);
	if (status || n->len > n->cfg.buf_size) {
		n->desc[NIC_D_ERRORS] = NIC_ERR_RXE;
		n->len = 0;
		n->step = NIC_RX_WB;
		n->rx_errors++;
		n->desc_writebacks++;
		nic_xact(n, n->rdba + (uint64_t)n->idx * NIC_DESC, n->desc,
			 NIC_DESC, true);
		return;
	}
	if (!f)
		nic_packet(n, n->seq, n->frame, n->len);
	n->step = NIC_RX_DATA;
	nic_data_piece(n);
}

static void nic_rx_written_back(struct nic *n)
{
	n->rdh = (n->rdh + 1) % n->rdlen;
	if (!n->desc[NIC_D_ERRORS]) {
		n->rx_packets++;
		n->rx_bytes += n->len;
	}
	n->icr |= NIC_INT_RX;
	n->irq_pend++;
	nic_irq_eval(n);
}

static void nic_tx_written_back(struct nic *n)
{
	bool rs = n->desc[NIC_D_CMD] & NIC_CMD_RS;

	n->tdh = (n->tdh + 1) % n->tdlen;
	if (rs) {
		n->icr |= NIC_INT_TX;
		if (n->ims & NIC_INT_TX)
			nic_raise(n);
	}
}

static void nic_xact_done(struct xact *x)
{
	struct nic *n = x->ctx;
	uint64_t len;

	switch (n->step) {
	case NIC_RX_FETCH:
		nic_rx_fetched(n, x->status);
		return;
	case NIC_RX_DATA:
	case NIC_TX_DATA:
		if (x->status) {
			if (n->step == NIC_RX_DATA) {
				n->rx_errors++;
				n->desc[NIC_D_ERRORS] = NIC_ERR_RXE;
			}
			n->done = n->len;
		} else {
			n->done += (uint32_t)x->len;
		}
		if (n->done < n->len) {
			nic_data_piece(n);
			return;
		}
		if (n->step == NIC_RX_DATA) {
			util_le_put(n->desc + NIC_D_LEN, n->len, 2);
			n->desc[NIC_D_STATUS] = NIC_STA_DD | NIC_STA_EOP;
			n->step = NIC_RX_WB;
			n->desc_writebacks++;
			nic_xact(n, n->rdba + (uint64_t)n->idx * NIC_DESC,
				 n->desc, NIC_DESC, true);
			return;
		}
		/* sent: on the wire after the frame ahead of it */
		if (!x->status) {
			n->tx_packets++;
			n->tx_bytes += n->len;
			for (uint32_t i = 0; i < n->len; i++)
				n->tx_hash = (n->tx_hash ^ n->frame[i]) *
					     0x100000001b3ull;
			if (n->net)
				nic_net_tx(n);
		}
		n->wire_free = (n->wire_free > n->sim->now ? n->wire_free :
				n->sim->now) + (uint64_t)ceil(
			(double)(n->len + n->cfg.wire_overhead) * 8e12 /
			n->cfg.line_rate);
		n->desc[NIC_D_STATUS] = NIC_STA_DD;
		n->step = NIC_TX_WB;
		n->desc_writebacks++;
		nic_xact(n, n->tdba + (uint64_t)n->idx * NIC_DESC, n->desc,
			 NIC_DESC, true);
		return;
	case NIC_TX_FETCH:
		len = util_le_get(n->desc + NIC_D_LEN, 2);
		n->len = (uint32_t)(len > NIC_MAX_FRAME ? NIC_MAX_FRAME : len);
		n->done = 0;
		if (x->status || !n->len) {
			n->desc[NIC_D_STATUS] = NIC_STA_DD;
			n->step = NIC_TX_WB;
			n->desc_writebacks++;
			nic_xact(n, n->tdba + (uint64_t)n->idx * NIC_DESC,
				 n->desc, NIC_DESC, true);
			return;
		}
		n->step = NIC_TX_DATA;
		nic_data_piece(n);
		return;
	case NIC_RX_WB:
		n->step = NIC_IDLE;
		nic_rx_written_back(n);
		break;
	case NIC_TX_WB:
		n->step = NIC_IDLE;
		nic_tx_written_back(n);
		break;
	case NIC_FLUSH:
		n->step = NIC_IDLE;
		n->raise_due = false;
		n->irqs++;
		if (n->irq.raise)
			n->irq.raise(n->irq.ctx, n->irq.line);
		break;
	case NIC_IDLE:
		assert(!"a transaction ended on an idle NIC");
		return;
	}
	assert(nic_check(n));
	nic_kick(n);
}

static void nic_released(struct bus_master *m, uint64_t cycles)
{
	(void)cycles;
	xact_released(&((struct nic *)m)->x);
}

static const struct bus_master_ops nic_port_ops = {
	.released = nic_released,
};

/* ---- registers ---- */

static bool reg_ok(uint64_t off, uint64_t len)
{
	if (len == 8)
		return off == NIC_RDBA || off == NIC_TDBA;
	if (len != 4 || off % 4)
		return false;
	switch (off) {
	case NIC_CTRL: case NIC_IMS: case NIC_ICR:
	case NIC_RDBA: case NIC_RDBA + 4: case NIC_RDLEN: case NIC_RDH:
	case NIC_RDT: case NIC_TDBA: case NIC_TDBA + 4: case NIC_TDLEN:
	case NIC_TDH: case NIC_TDT: case NIC_GPRC: case NIC_MPC: case NIC_GPTC:
		return true;
	}
	return false;
}

static uint64_t reg_read(const struct nic *n, uint64_t off)
{
	switch (off) {
	case NIC_CTRL: return n->ctrl;
	case NIC_IMS: return n->ims;
	case NIC_ICR: return n->icr;
	case NIC_RDBA: return n->rdba;
	case NIC_RDBA + 4: return n->rdba >> 32;
	case NIC_RDLEN: return n->rdlen;
	case NIC_RDH: return n->rdh;
	case NIC_RDT: return n->rdt;
	case NIC_TDBA: return n->tdba;
	case NIC_TDBA + 4: return n->tdba >> 32;
	case NIC_TDLEN: return n->tdlen;
	case NIC_TDH: return n->tdh;
	case NIC_TDT: return n->tdt;
	case NIC_GPRC: return (uint32_t)n->rx_packets;
	case NIC_MPC: return (uint32_t)n->rx_drops;
	case NIC_GPTC: return (uint32_t)n->tx_packets;
	}
	return 0;
}

/* A ring register write; false for a value out of range (refused). */
static bool ring_write(struct nic *n, uint64_t off, uint64_t v)
{
	bool busy_rx = n->rx_next != n->rdh || n->step != NIC_IDLE;

	switch (off) {
	case NIC_RDLEN:
		if (v < 2 || v > NIC_MAX_RING || busy_rx)
			return false;
		if (v > n->cap_claimed) {
			uint64_t *p = dm_realloc(n->claimed, v * sizeof(*p));
			struct net_frame **h;

			if (!p)
				return false;
			n->claimed = p;
			h = dm_realloc(n->held, v * sizeof(*h));
			if (!h)
				return false;
			memset(h + n->cap_claimed, 0,
			       (v - n->cap_claimed) * sizeof(*h));
			n->held = h;
			n->cap_claimed = (uint32_t)v;
		}
		n->rdlen = (uint32_t)v;
		n->rdh = n->rdt = n->rx_next = 0;
		return true;
	case NIC_RDH:
		if (v >= n->rdlen || busy_rx)
			return false;
		n->rdh = n->rx_next = (uint32_t)v;
		return true;
	case NIC_RDT:
		if (v >= n->rdlen)
			return false;
		n->rdt = (uint32_t)v;
		return true;
	case NIC_TDLEN:
		if (v < 2 || v > NIC_MAX_RING)
			return false;
		n->tdlen = (uint32_t)v;
		n->tdh = n->tdt = 0;
		return true;
	case NIC_TDH:
		if (v >= n->tdlen)
			return false;
		n->tdh = (uint32_t)v;
		return true;
	case NIC_TDT:
		if (v >= n->tdlen)
			return false;
		n->tdt = (uint32_t)v;
		nic_kick(n);
		return true;
	}
	return false;
}

static bool reg_write(struct nic *n, uint64_t off, uint64_t len, uint64_t v)
{
	switch (off) {
	case NIC_CTRL:
		n->ctrl = (uint32_t)v & (NIC_CTRL_RXEN | NIC_CTRL_TXEN);
		nic_kick(n);
		return true;
	case NIC_IMS:
		n->ims = (uint32_t)v & (NIC_INT_RX | NIC_INT_TX);
		nic_irq_eval(n);
		return true;
	case NIC_ICR:
		n->icr &= ~(uint32_t)v;
		return true;
	case NIC_RDBA:
		n->rdba = len == 8 ? v : (n->rdba & ~0xffffffffull) | v;
		return true;
	case NIC_RDBA + 4:
		n->rdba = (n->rdba & 0xffffffffull) | v << 32;
		return true;
	case NIC_TDBA:
		n->tdba = len == 8 ? v : (n->tdba & ~0xffffffffull) | v;
		return true;
	case NIC_TDBA + 4:
		n->tdba = (n->tdba & 0xffffffffull) | v << 32;
		return true;
	case NIC_GPRC: case NIC_MPC: case NIC_GPTC:
		return false;	/* read-only */
	}
	return ring_write(n, off, v);
}

static uint64_t nic_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	struct nic *n = (struct nic *)((char *)t - offsetof(struct nic, tgt));

	(void)off;
	(void)write;
	return n->lat_cycles + bus_beats(n->bus, len);
}

static int nic_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct nic *n = (struct nic *)((char *)t - offsetof(struct nic, tgt));

	if (!reg_ok(off, len)) {
		n->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	if (!write) {
		util_le_put(data, reg_read(n, off), (unsigned)len);
		return 0;
	}
	if (!reg_write(n, off, len, util_le_get(data, (unsigned)len))) {
		n->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	assert(nic_check(n));
	return 0;
}

static const struct bus_target_ops nic_tgt_ops = {
	.cycles = nic_cycles,
	.access = nic_access,
};

/* ---- set-up ---- */

const char *nic_config_check(const struct nic_config *c)
{
	if (!(c->line_rate > 0) || !isfinite(c->line_rate))
		return "line_rate: expected bits/s > 0";
	if (c->pkt_size < 16 || c->pkt_size > NIC_MAX_FRAME)
		return "pkt_size: expected 16 to 16384 bytes";
	if (!(c->rate >= 0) || !isfinite(c->rate))
		return "rate: expected packets/s >= 0 (0: line rate)";
	if (!c->burst)
		return "burst: expected 1 or more bytes";
	if (c->pkt_size > c->buf_size)
		return "buf_size: expected at least pkt_size bytes";
	if (!c->itr_pkts && !c->itr_time)
		return "itr_pkts and itr_time both 0: expected a packet "
		       "count, a time, or both";
	return NULL;
}

int nic_init(struct nic *n, struct sim *sim, struct bus *bus,
	     const char *name, uint64_t base, const struct nic_config *cfg)
{
	double gap;
	int err;

	if (nic_config_check(cfg))
		return DMASIM_EINVAL;
	memset(n, 0, sizeof(*n));
	n->cfg = *cfg;
	n->sim = sim;
	n->bus = bus;
	snprintf(n->name, sizeof(n->name), "%s", name);
	rng_seed(&n->rng, sim->seed ^ cfg->seed, name);
	n->wire = (uint64_t)ceil((double)(cfg->pkt_size + cfg->wire_overhead) *
				 8e12 / cfg->line_rate);
	gap = cfg->rate > 0 ? 1e12 / cfg->rate : 0;
	n->gap = gap > (double)n->wire ? (uint64_t)ceil(gap) : n->wire;
	n->lat_cycles = (cfg->latency + bus->clk.period - 1) / bus->clk.period;
	n->tgt.ops = &nic_tgt_ops;
	n->tgt.name = n->name;
	err = bus_attach(bus, &n->port, name, &nic_port_ops, BUS_MODE_BURST,
			 0);
	if (err)
		return err;
	n->port.io = true;	/* snoopers see its memory accesses */
	err = bus_map(bus, &n->tgt, base, NIC_WINDOW);
	if (err)
		return err;
	if (stats_add(&sim->stats, n->name, "rx_packets", STAT_COUNTER, "",
		      &n->rx_packets) ||
	    stats_add(&sim->stats, n->name, "rx_bytes", STAT_COUNTER, "bytes",
		      &n->rx_bytes) ||
	    stats_add(&sim->stats, n->name, "rx_drops", STAT_COUNTER, "",
		      &n->rx_drops) ||
	    stats_add(&sim->stats, n->name, "rx_errors", STAT_COUNTER, "",
		      &n->rx_errors) ||
	    stats_add(&sim->stats, n->name, "sent", STAT_COUNTER, "",
		      &n->sent) ||
	    stats_add(&sim->stats, n->name, "tx_packets", STAT_COUNTER, "",
		      &n->tx_packets) ||
	    stats_add(&sim->stats, n->name, "tx_bytes", STAT_COUNTER, "bytes",
		      &n->tx_bytes) ||
	    stats_add(&sim->stats, n->name, "tx_errors", STAT_COUNTER, "",
		      &n->tx_errors) ||
	    stats_add(&sim->stats, n->name, "irqs", STAT_COUNTER, "",
		      &n->irqs) ||
	    stats_add(&sim->stats, n->name, "desc_fetches", STAT_COUNTER, "",
		      &n->desc_fetches) ||
	    stats_add(&sim->stats, n->name, "desc_writebacks", STAT_COUNTER,
		      "", &n->desc_writebacks) ||
	    stats_add(&sim->stats, n->name, "guest_errors", STAT_COUNTER, "",
		      &n->guest_errors))
		return DMASIM_ENOMEM;
	return 0;
}

void nic_fini(struct nic *n)
{
	for (uint32_t i = 0; n->net && i < n->cap_claimed; i++)
		if (n->held[i])
			net_frame_put(n->net, n->held[i]);
	if (n->net)
		n->net->ports[n->node].attached = false;
	dm_free(n->claimed);
	dm_free(n->held);
	n->claimed = NULL;
	n->held = NULL;
	n->net = NULL;
}

void nic_set_irq(struct nic *n, struct irq_sink irq)
{
	n->irq = irq;
}

bool nic_check(const struct nic *n)
{
	uint32_t claimed = ring_sub(n->rx_next, n->rdh, n->rdlen);
	uint32_t owned = ring_sub(n->rdt, n->rdh, n->rdlen);

	if (n->rdlen && (n->rdh >= n->rdlen || n->rdt >= n->rdlen))
		return false;
	if (claimed > owned && n->rdt != n->rdh)
		return false;
	return n->step <= NIC_FLUSH;
}
