/* rnic: an RDMA NIC with verbs semantics: its DMA engines, frames,
 * completions, commands, registers and set-up.  See rnic.h; the
 * transport is rnic_xport.c. */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "rnic_int.h"

/* ---- DMA: operations issued in order, `engines` in flight ---- */

static void dma_pump(struct rnic *r);
static void dma_retire(struct rnic *r);

struct rnic_dma *rnic_dma_new(struct rnic *r)
{
	struct rnic_dma *d = r->dma_pool;

	if (d)
		r->dma_pool = d->next;
	else if (!(d = dm_malloc(sizeof(*d)))) {
		sim_host_oom(r->sim);
		return NULL;
	}
	memset(d, 0, offsetof(struct rnic_dma, buf));
	return d;
}

/* Issue an operation: len bytes at addr into / from data (d->buf when
 * NULL); a zero-length one only keeps its place in the order. */
void rnic_dma_issue(struct rnic *r, struct rnic_dma *d, uint64_t addr,
		      void *data, uint64_t len, bool write,
		      void (*cb)(struct rnic *, struct rnic_dma *))
{
	d->addr = addr;
	d->len = len;
	d->write = write;
	d->data = data ? data : d->buf;
	d->cb = cb;
	d->done = len == 0;
	d->next = NULL;
	if (r->fly_tail)
		r->fly_tail->next = d;
	else
		r->fly_head = d;
	r->fly_tail = d;
	if (len && !r->wait_head)
		r->wait_head = d;	/* every earlier one has started */
	if (write)
		r->dma_writes += len != 0;
	else
		r->dma_reads += len != 0;
	dma_pump(r);
	dma_retire(r);
}

/* Run the callbacks of the done operations at the head of the order. */
static void dma_retire(struct rnic *r)
{
	while (r->fly_head && r->fly_head->done) {
		struct rnic_dma *d = r->fly_head;

		r->fly_head = d->next;
		if (!r->fly_head)
			r->fly_tail = NULL;
		d->cb(r, d);
		d->next = r->dma_pool;
		r->dma_pool = d;
	}
}

static void eng_done(struct xact *x)
{
	struct rnic_eng *e = x->ctx;
	struct rnic *r = e->r;

	e->d->status = x->status;
	e->d->done = true;
	e->d = NULL;
	dma_retire(r);
	dma_pump(r);
	dma_retire(r);	/* the pump may have voided the head's followers */
}

static void dma_pump(struct rnic *r)
{
#ifdef DMASIM_MUTATE_RNIC_ONE_DMA_ENGINE
	/* broken on purpose: `engines` ignored, one DMA in flight */
	for (uint32_t i = 0; i < 1 && r->wait_head; i++) {
#else
	for (uint32_t i = 0; i < r->cfg.engines && r->wait_head; i++) {
#endif
		struct rnic_eng *e = &r->eng[i];
		struct rnic_dma *d = r->wait_head;

		if (e->d)
			continue;
		d->started = true;
		if (d->qp && d->pass != d->qp->pass) {
			/* a frame of a pass the requester has given up:
			 * nothing to read (its callback drops it) */
			d->done = true;
			for (r->wait_head = d->next; r->wait_head &&
			     !r->wait_head->len;
			     r->wait_head = r->wait_head->next)
				;
			i--;
			continue;
		}
		/* the next operation with bytes to move */
		for (r->wait_head = d->next; r->wait_head &&
		     !r->wait_head->len; r->wait_head = r->wait_head->next)
			;
		e->d = d;
		xact_init(&e->x, d->addr, d->data, d->len, d->write, &e->port,
			  eng_done, e);
		xact_start(&e->port, &e->x);
	}
}

static void eng_released(struct bus_master *m, uint64_t cycles)
{
	(void)cycles;
	xact_released(&((struct rnic_eng *)m)->x);
}

static const struct bus_master_ops eng_ops = { .released = eng_released };

/* ---- frames ---- */

static void tx_event(struct sim *sim, struct event *ev)
{
	struct rnic *r = ev->obj;

	(void)sim;
	net_send(r->net, ev->ptr);
}

/* Send f to qp's peer through the device's pipeline. */
void rnic_send_frame(struct rnic *r, struct rnic_qp *qp,
		       struct net_frame *f, uint32_t hdr)
{
	uint64_t t = (r->busy_until > r->sim->now ? r->busy_until :
		      r->sim->now) + r->cfg.proc;

	f->src = r->node;
	f->dst = qp->rnode;
	f->h.dqpn = qp->rqpn;
	f->wire = hdr + f->len;
	r->busy_until = t;
	r->tx_packets++;
	r->tx_bytes += f->len;
	if (!sim_at(r->sim, t, PHASE_REQUEST, tx_event, r, f, 0))
		sim_host_oom(r->sim);
}

struct net_frame *rnic_frame(struct rnic *r, uint32_t sqpn, uint8_t op,
			       uint16_t flags, uint32_t psn)
{
	struct net_frame *f = net_frame_get(r->net);

	if (!f) {
		sim_host_oom(r->sim);
		return NULL;
	}
	f->h.op = op;
	f->h.flags = flags;
	f->h.sqpn = sqpn;
	f->h.psn = psn;
	return f;
}

void rnic_send_ack(struct rnic *r, uint32_t qpn, uint8_t syndrome,
		     uint32_t psn)
{
	struct rnic_qp *qp = r->qp[qpn];
	struct net_frame *f = rnic_frame(r, qpn, PK_ACK, 0, psn);

	if (!f)
		return;
	f->h.syndrome = syndrome;
	if (syndrome != SY_ACK)
		qp->naks++;
	rnic_send_frame(r, qp, f, HDR_BASE + HDR_AETH);
}

/* ---- completions ---- */

void rnic_dma_nothing(struct rnic *r, struct rnic_dma *d)
{
	(void)r;
	(void)d;
}

void rnic_cqe(struct rnic *r, uint32_t cqn, uint64_t wr_id, uint32_t len,
		uint32_t qpn, uint8_t opcode, uint8_t status)
{
	struct rnic_cq *cq = cqn < r->ncq ? &r->cq[cqn] : NULL;
	struct rnic_dma *d;
	uint64_t pi;

	if (!cq || !cq->valid) {
		r->drops++;
		return;
	}
	if (!(d = rnic_dma_new(r)))
		return;
	memset(d->buf, 0, RNIC_CQE);
	util_le_put(d->buf + 0, wr_id, 8);
	util_le_put(d->buf + 8, len, 4);
	util_le_put(d->buf + 12, qpn, 4);
	d->buf[16] = opcode;
	d->buf[17] = status;
	/* the slot is taken before the DMA is issued: issuing may retire
	 * earlier operations whose callbacks write completions too */
	pi = cq->pi++;
	d->buf[18] = (uint8_t)(((pi / cq->depth) + 1) & 1);
	r->cqes++;
	rnic_dma_issue(r, d, cq->base + (uint64_t)(pi % cq->depth) * RNIC_CQE,
		  NULL, RNIC_CQE, true, rnic_dma_nothing);
}

uint8_t rnic_wc_opcode(uint8_t op)
{
	return op == RNIC_OP_WRITE ? 1 : op == RNIC_OP_READ ? 2 : 0;
}


/* Every held WQE completes with WR_FLUSH_ERR (the first with status). */
void rnic_qp_error(struct rnic *r, uint32_t qpn, uint8_t status)
{
	struct rnic_qp *qp = r->qp[qpn];

	qp->state = RNIC_ERR;
	sim_cancel(r->sim, qp->timer);
	for (uint32_t i = 0; i < qp->w_len; i++) {
		struct rnic_wqe *w = rnic_held(qp, i);

		rnic_cqe(r, qp->scq, rnic_get(w->b, W_WRID, 8), 0, qpn,
		    rnic_wc_opcode(w->b[W_OP]), i ? RNIC_WC_WR_FLUSH_ERR : status);
	}
	qp->w_head = (qp->w_head + qp->w_len) % qp->sq_depth;
	qp->w_len = qp->w_tx = 0;
}

/* Complete the WQEs at the head that are done, in order. */
/* ---- commands ---- */

static bool qp_modify(struct rnic *r, struct rnic_qp *qp, uint32_t qpn,
		      uint64_t state)
{
	switch (state) {
	case RNIC_RESET:
		sim_cancel(r->sim, qp->timer);
		qp->timer.ev = NULL;
		qp->state = RNIC_RESET;
		qp->w_len = qp->w_tx = 0;
		qp->next_psn = qp->epsn = qp->una = 0;
		qp->sq_fetched = 0;
		qp->rq_pi = qp->rq_ci = 0;
		return true;
	case RNIC_INIT:
		if (qp->state != RNIC_RESET)
			return false;
		break;
	case RNIC_RTR:
		if (qp->state != RNIC_INIT || !r->net ||
		    r->arg[2] >= r->net->nports)
			return false;
		qp->rnode = (uint32_t)r->arg[2];
		qp->rqpn = (uint32_t)r->arg[3];
		break;
	case RNIC_RTS:
		if (qp->state != RNIC_RTR)
			return false;
		break;
	case RNIC_ERR:
		rnic_qp_error(r, qpn, RNIC_WC_WR_FLUSH_ERR);
		return true;
	default:
		return false;
	}
	qp->state = (enum rnic_qp_state)state;
	return true;
}

static bool depth_ok(uint64_t d)
{
	return d >= 1 && d <= RNIC_MAX_DEPTH;
}

/* Run the command; false when refused. */
static bool command(struct rnic *r, uint32_t cmd)
{
	uint64_t *a = r->arg;

	switch (cmd) {
	case RNIC_CMD_CREATE_CQ:
		if (r->ncq == RNIC_MAX_CQ || !depth_ok(a[1]))
			return false;
		r->cq[r->ncq] = (struct rnic_cq){ .base = a[0],
			.depth = (uint32_t)a[1], .valid = true };
		r->result = r->ncq++;
		return true;
	case RNIC_CMD_CREATE_QP: {
		struct rnic_qp *qp;

		if (r->nqp == RNIC_MAX_QP || !depth_ok(a[1]) ||
		    !depth_ok(a[3]) || a[4] >= r->ncq || a[5] >= r->ncq)
			return false;
		qp = dm_calloc(1, sizeof(*qp));
		if (qp) {
			qp->w = dm_calloc(a[1], sizeof(*qp->w));
			qp->rqes = dm_calloc(a[3], RNIC_RQE);
			qp->rqes_ready = dm_calloc(a[3], 1);
		}
		if (!qp || !qp->w || !qp->rqes || !qp->rqes_ready) {
			if (qp) {
				dm_free(qp->w);
				dm_free(qp->rqes);
				dm_free(qp->rqes_ready);
			}
			dm_free(qp);
			sim_host_oom(r->sim);
			return false;
		}
		qp->sq_base = a[0];
		qp->sq_depth = (uint32_t)a[1];
		qp->rq_base = a[2];
		qp->rq_depth = (uint32_t)a[3];
		qp->scq = (uint32_t)a[4];
		qp->rcq = (uint32_t)a[5];
		qp->pd = (uint32_t)a[6];
		r->qp[r->nqp] = qp;
		r->result = r->nqp++;
		return true;
	}
	case RNIC_CMD_MODIFY_QP:
		return a[0] < r->nqp && qp_modify(r, r->qp[a[0]],
						 (uint32_t)a[0], a[1]);
	case RNIC_CMD_REG_MR: {
		uint32_t i;

		if (!a[1] || a[0] + a[1] < a[0] ||
		    (a[2] & ~(uint64_t)(RNIC_LOCAL_WRITE | RNIC_REMOTE_WRITE |
					RNIC_REMOTE_READ)) ||
		    /* remote write needs local write (ibv_reg_mr) */
		    ((a[2] & RNIC_REMOTE_WRITE) && !(a[2] & RNIC_LOCAL_WRITE)))
			return false;
		for (i = 0; i < r->nmr && r->mr[i].valid; i++)
			;
		if (i == RNIC_MAX_MR)
			return false;
		if (i == r->nmr)
			r->nmr++;
		r->mr[i].addr = a[0];
		r->mr[i].len = a[1];
		r->mr[i].access = (uint32_t)a[2];
		r->mr[i].pd = (uint32_t)a[3];
		/* a new generation in the low byte: a stale key fails */
		r->mr[i].key = (i + 1) << 8 | ((r->mr[i].key + 1) & 0xff);
		r->mr[i].valid = true;
		r->result = r->mr[i].key;
		return true;
	}
	case RNIC_CMD_DEREG_MR: {
		uint32_t i = (uint32_t)(a[0] >> 8) - 1;

		if ((a[0] >> 8) == 0 || i >= r->nmr || !r->mr[i].valid ||
		    r->mr[i].key != a[0])
			return false;
		r->mr[i].valid = false;
		return true;
	}
	}
	return false;
}

static void cmd_done(struct sim *sim, struct event *ev)
{
	struct rnic *r = ev->obj;

	(void)sim;
	r->status = command(r, (uint32_t)ev->arg) ? 0 : 2;
}

/* ---- registers ---- */

static uint64_t rnic_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			    bool write)
{
	struct rnic *r = (struct rnic *)t;

	(void)off;
	(void)write;
	return r->lat_cycles + bus_beats(r->bus, len);
}

static int rnic_access(struct bus_target *t, uint64_t off, void *data,
		       uint64_t len, bool write)
{
	struct rnic *r = (struct rnic *)t;
	uint8_t *b = data;

	if (off == RNIC_BF && write && len >= W_HDR &&
	    len <= RNIC_SQ_STRIDE) {
		rnic_blueflame(r, b, len);
		return 0;
	}
	if (off == RNIC_STATUS && len == 4 && !write) {
		util_le_put(b, r->status, 4);
		return 0;
	}
	if (off == RNIC_NODE && len == 4 && !write) {
		util_le_put(b, r->node, 4);
		return 0;
	}
	if (off == RNIC_CMD && len == 4 && write) {
		if (r->status == 1)
			goto refused;
		r->status = 1;
		r->commands++;
#ifdef DMASIM_MUTATE_RNIC_CMD_INSTANT
		/* broken on purpose: a command (registering a region...)
		 * done at once, its cmd_time left out */
		if (!sim_after(r->sim, 0, PHASE_REQUEST,
			       cmd_done, r, NULL, util_le_get(b, 4)))
#else
		if (!sim_after(r->sim, r->cfg.cmd_time, PHASE_REQUEST,
			       cmd_done, r, NULL, util_le_get(b, 4)))
#endif
			sim_host_oom(r->sim);
		return 0;
	}
	if (len != 8)
		goto refused;
	if (off >= RNIC_ARG && off < RNIC_ARG + 64 && off % 8 == 0) {
		if (write)
			r->arg[(off - RNIC_ARG) / 8] = util_le_get(b, 8);
		else
			util_le_put(b, r->arg[(off - RNIC_ARG) / 8], 8);
		return 0;
	}
	if (off == RNIC_RESULT && !write) {
		util_le_put(b, r->result, 8);
		return 0;
	}
	if (off == RNIC_DB && write) {
		rnic_doorbell(r, util_le_get(b, 8));
		return 0;
	}
	if (off == RNIC_RQDB && write) {
		rnic_rq_doorbell(r, util_le_get(b, 8));
		return 0;
	}
refused:
	r->guest_errors++;
	return BUS_ERR_SLAVE;
}

static const struct bus_target_ops rnic_tgt_ops = {
	.cycles = rnic_cycles,
	.access = rnic_access,
};

/* ---- set-up ---- */

const char *rnic_config_check(const struct rnic_config *c)
{
	if (c->mtu < 256 || c->mtu > NET_MAX_PAYLOAD ||
	    (c->mtu & (c->mtu - 1)))
		return "mtu: expected 256, 512, 1024, 2048 or 4096 bytes";
	if (c->engines < 1 || c->engines > RNIC_MAX_ENGINES)
		return "engines: expected 1 to 16 DMA transactions in flight";
	if (!c->timeout)
		return "timeout: expected a time > 0";
	return NULL;
}

int rnic_init(struct rnic *r, struct sim *sim, struct bus *bus,
	      const char *name, uint64_t base, const struct rnic_config *cfg)
{
	int err;

	if (rnic_config_check(cfg))
		return DMASIM_EINVAL;
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	r->sim = sim;
	r->bus = bus;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->lat_cycles = (cfg->latency + bus->clk.period - 1) /
			bus->clk.period;
	r->tgt.ops = &rnic_tgt_ops;
	r->tgt.name = r->name;
	for (uint32_t i = 0; i < cfg->engines; i++) {
		char en[40];

		snprintf(en, sizeof(en), "%.23s.dma%u", name, i);
		r->eng[i].r = r;
		err = bus_attach(bus, &r->eng[i].port, en, &eng_ops,
				 BUS_MODE_BURST, 0);
		if (err)
			return err;
		r->eng[i].port.io = true;
	}
	err = bus_map(bus, &r->tgt, base, RNIC_WINDOW);
	if (err)
		return err;
#define RNIC_STAT(f, unit) \
	stats_add(&sim->stats, r->name, #f, STAT_COUNTER, unit, &r->f)
	if (RNIC_STAT(tx_packets, "") || RNIC_STAT(rx_packets, "") ||
	    RNIC_STAT(tx_bytes, "bytes") || RNIC_STAT(rx_bytes, "bytes") ||
	    RNIC_STAT(dma_reads, "") || RNIC_STAT(dma_writes, "") ||
	    RNIC_STAT(wqe_fetches, "") || RNIC_STAT(cqes, "") ||
	    RNIC_STAT(doorbells, "") || RNIC_STAT(bf_writes, "") ||
	    RNIC_STAT(commands, "") || RNIC_STAT(drops, "") ||
	    RNIC_STAT(guest_errors, ""))
		return DMASIM_ENOMEM;
#undef RNIC_STAT
	return 0;
}

void rnic_fini(struct rnic *r)
{
	struct rnic_dma *d;

	for (uint32_t i = 0; i < r->nqp; i++) {
		dm_free(r->qp[i]->w);
		dm_free(r->qp[i]->rqes);
		dm_free(r->qp[i]->rqes_ready);
		dm_free(r->qp[i]);
	}
	r->nqp = 0;
	while ((d = r->dma_pool)) {
		r->dma_pool = d->next;
		dm_free(d);
	}
	while ((d = r->fly_head)) {
		r->fly_head = d->next;
		dm_free(d);
	}
	r->fly_tail = r->wait_head = NULL;
	if (r->net)
		r->net->ports[r->node].attached = false;
	r->net = NULL;
}

static void rnic_detach_cb(void *ctx)
{
	rnic_detach(ctx);
}

int rnic_attach(struct rnic *r, struct net *net, uint32_t node)
{
	struct net_port *p = &net->ports[node];

	if (net->cfg.corrupt > 0 &&
	    stats_add(&r->sim->stats, r->name, "fcs_errors", STAT_COUNTER,
		      "", &r->fcs_errors))
		return DMASIM_ENOMEM;
	r->net = net;
	r->node = node;
	p->rx = rnic_rx;
	p->detach = rnic_detach_cb;
	p->ctx = r;
	p->attached = true;
	return 0;
}

void rnic_detach(struct rnic *r)
{
	r->net = NULL;
}
