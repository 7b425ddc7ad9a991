/* rnic_xport: the RDMA NIC's reliable-connected transport, requester
 * and responder.  See rnic.h. */
#include <string.h>

#include "kernel/base.h"
#include "rnic_int.h"

void rnic_retire(struct rnic *r, uint32_t qpn)
{
	struct rnic_qp *qp = r->qp[qpn];

	while (qp->w_len) {
		struct rnic_wqe *w = rnic_held(qp, 0);

		if (w->sent != UINT32_MAX)	/* not done */
			break;
		if (w->b[W_FLAGS] & RNIC_WQE_SIGNALED)
			rnic_cqe(r, qp->scq, rnic_get(w->b, W_WRID, 8),
			    (uint32_t)rnic_get(w->b, W_LEN, 4), qpn,
			    rnic_wc_opcode(w->b[W_OP]), RNIC_WC_SUCCESS);
		qp->w_head = (qp->w_head + 1) % qp->sq_depth;
		qp->w_len--;
		if (qp->w_tx)
			qp->w_tx--;
	}
}

/* ---- the requester ---- */

static void timer_arm(struct rnic *r, uint32_t qpn);

bool rnic_mr_covers(const struct rnic *r, uint32_t key, uint32_t pd,
		      uint64_t addr, uint64_t len, uint32_t access)
{
	uint32_t i = (key >> 8) - 1;
	const struct rnic_mr *m;

#ifdef DMASIM_MUTATE_RNIC_NO_KEY_CHECK
	/* broken on purpose: a remote READ or WRITE is not checked against
	 * its memory region (key, validity, bounds, access) */
	if (access & (RNIC_REMOTE_READ | RNIC_REMOTE_WRITE))
		return true;
#endif
	if ((key >> 8) == 0 || i >= r->nmr)
		return false;
	m = &r->mr[i];
	return m->valid && m->key == key && m->pd == pd &&
	       (m->access & access) == access && addr >= m->addr &&
	       len <= m->len && addr - m->addr <= m->len - len;
}

static void tx_payload_done(struct rnic *r, struct rnic_dma *d)
{
	struct net_frame *f = d->ptr;
	struct rnic_qp *qp = r->qp[f->h.sqpn];

	if (d->status) {	/* the local read failed: a protection error */
		net_frame_put(r->net, f);
		if (qp->state != RNIC_ERR)
			rnic_qp_error(r, f->h.sqpn, RNIC_WC_LOC_PROT_ERR);
		return;
	}
	/* the requester went back since: this pass's frames are void */
	if (qp->state == RNIC_ERR || f->h.msn != qp->pass) {
		net_frame_put(r->net, f);
		return;
	}
	f->h.msn = 0;
	rnic_send_frame(r, qp, f, (uint32_t)d->arg);
}

/* Send the packets of the held WQEs not yet sent. */
static void tx_pump(struct rnic *r, uint32_t qpn)
{
	struct rnic_qp *qp = r->qp[qpn];

	for (; qp->w_tx < qp->w_len; qp->w_tx++) {
		struct rnic_wqe *w = rnic_held(qp, qp->w_tx);
		uint8_t op = w->b[W_OP];
		uint32_t len = (uint32_t)rnic_get(w->b, W_LEN, 4);

		if (w->sent == UINT32_MAX)
			continue;	/* a READ already answered */
		for (; w->sent < w->npkts; w->sent++) {
			uint32_t k = w->sent, off = k * r->cfg.mtu;

			/* at most RNIC_TX_WINDOW packets beyond the oldest
			 * unacknowledged one: the rest go as ACKs come */
			if (w->first_psn + k - qp->una >= RNIC_TX_WINDOW)
				goto full;
			uint32_t n = len - off < r->cfg.mtu ? len - off :
				     r->cfg.mtu;
			uint16_t fl = (k == 0 ? PK_FIRST : 0) |
				      (k + 1 == w->npkts ? PK_LAST : 0);
			uint32_t hdr = HDR_BASE;
			struct net_frame *f;
			struct rnic_dma *d;

			if (op == RNIC_OP_READ) {
				f = rnic_frame(r, qpn, PK_READ_REQ,
					  PK_FIRST | PK_LAST, w->first_psn);
				n = 0;
				w->sent = w->npkts - 1;
			} else {
				f = rnic_frame(r, qpn, op == RNIC_OP_WRITE ?
					  PK_WRITE : PK_SEND, fl,
					  w->first_psn + k);
			}
			if (!f || !(d = rnic_dma_new(r)))
				return;
			if (op != RNIC_OP_SEND && (fl & PK_FIRST)) {
				hdr += HDR_RETH;
				f->h.va = rnic_get(w->b, W_RADDR, 8);
				f->h.rkey = (uint32_t)rnic_get(w->b, W_RKEY, 4);
			}
			f->h.dmalen = len;
			f->h.msn = qp->pass;
			f->len = n;
			d->ptr = f;
			d->qp = qp;
			d->pass = qp->pass;
			d->arg = hdr;
			if (n && (w->b[W_FLAGS] & RNIC_WQE_INLINE)) {
				memcpy(f->data, w->b + W_HDR + off, n);
				rnic_dma_issue(r, d, 0, NULL, 0, false,
					  tx_payload_done);
			} else {
				rnic_dma_issue(r, d, rnic_get(w->b, W_LADDR, 8) + off,
					  f->data, n, false, tx_payload_done);
			}
		}
	}
full:
	timer_arm(r, qpn);
}

/* A WQE is in the device: check it and hold it until acknowledged. */
static void wqe_accept(struct rnic *r, const uint8_t *b, uint32_t bytes)
{
	uint32_t qpn = (uint32_t)rnic_get(b, W_QPN, 4);
	struct rnic_qp *qp = qpn < r->nqp ? r->qp[qpn] : NULL;
	uint8_t op = b[W_OP];
	uint32_t len = (uint32_t)rnic_get(b, W_LEN, 4);
	bool inl = b[W_FLAGS] & RNIC_WQE_INLINE;
	struct rnic_wqe *w;

	if (!qp || qp->state < RNIC_RTS) {
		r->guest_errors++;
		return;
	}
	if (qp->state == RNIC_ERR || qp->w_len == qp->sq_depth) {
		rnic_cqe(r, qp->scq, rnic_get(b, W_WRID, 8), 0, qpn, rnic_wc_opcode(op),
		    RNIC_WC_WR_FLUSH_ERR);
		return;
	}
	w = rnic_held(qp, qp->w_len++);
	memcpy(w->b, b, bytes < RNIC_SQ_STRIDE ? bytes : RNIC_SQ_STRIDE);
	w->npkts = len ? (len + r->cfg.mtu - 1) / r->cfg.mtu : 1;
	w->first_psn = qp->next_psn;
	w->sent = 0;
	qp->next_psn += w->npkts;
	if (op > RNIC_OP_READ || len > RNIC_MAX_MSG ||
	    (inl && (len > RNIC_MAX_INLINE ||
					  op == RNIC_OP_READ ||
					  W_HDR + len > bytes))) {
		rnic_qp_error(r, qpn, RNIC_WC_LOC_LEN_ERR);
		return;
	}
	if (!inl && len && !rnic_mr_covers(r, (uint32_t)rnic_get(b, W_LKEY, 4), qp->pd,
				      rnic_get(b, W_LADDR, 8), len,
				      op == RNIC_OP_READ ? RNIC_LOCAL_WRITE :
				      0)) {
		rnic_qp_error(r, qpn, RNIC_WC_LOC_PROT_ERR);
		return;
	}
	tx_pump(r, qpn);
}

static void wqe_fetched(struct rnic *r, struct rnic_dma *d)
{
	if (d->status) {
		r->guest_errors++;
		return;
	}
	if ((d->buf[W_FLAGS] & RNIC_WQE_INLINE) && d->len == W_HDR) {
		uint32_t len = (uint32_t)rnic_get(d->buf, W_LEN, 4);
		struct rnic_dma *e;

		if (len && len <= RNIC_MAX_INLINE && (e = rnic_dma_new(r))) {
			/* the inline data follows: fetch it too */
			memcpy(e->buf, d->buf, W_HDR);
			rnic_dma_issue(r, e, d->addr, NULL, W_HDR + len, false,
				  wqe_fetched);
			return;
		}
	}
	wqe_accept(r, d->buf, (uint32_t)d->len);
}

void rnic_doorbell(struct rnic *r, uint64_t v)
{
	uint32_t qpn = (uint32_t)(v >> 32), pi = (uint32_t)v;
	struct rnic_qp *qp = qpn < r->nqp ? r->qp[qpn] : NULL;

	r->doorbells++;
	if (!qp || pi - qp->sq_fetched > qp->sq_depth) {
		r->guest_errors++;
		return;
	}
	for (; qp->sq_fetched != pi; qp->sq_fetched++) {
		struct rnic_dma *d = rnic_dma_new(r);

		if (!d)
			return;
		r->wqe_fetches++;
		rnic_dma_issue(r, d, qp->sq_base + (uint64_t)(qp->sq_fetched %
				qp->sq_depth) * RNIC_SQ_STRIDE, NULL, W_HDR,
			  false, wqe_fetched);
	}
}

void rnic_blueflame(struct rnic *r, const uint8_t *b, uint64_t len)
{
	uint32_t qpn = (uint32_t)rnic_get(b, W_QPN, 4);
	struct rnic_qp *qp = qpn < r->nqp ? r->qp[qpn] : NULL;

	r->bf_writes++;
	if (!qp) {
		r->guest_errors++;
		return;
	}
#ifdef DMASIM_MUTATE_RNIC_NO_BLUEFLAME
	/* broken on purpose: the WQE written whole is fetched again */
	rnic_doorbell(r, (uint64_t)qpn << 32 | (qp->sq_fetched + 1));
	return;
#endif
	qp->sq_fetched++;
	wqe_accept(r, b, (uint32_t)len);
}

/* Go back to the held WQE holding psn and send again from there. */
static void go_back(struct rnic *r, uint32_t qpn, uint32_t psn)
{
	struct rnic_qp *qp = r->qp[qpn];
	uint32_t i;

#ifdef DMASIM_MUTATE_RNIC_NO_RETRANSMIT
	timer_arm(r, qpn);	/* broken on purpose: nothing is sent again */
	return;
#endif

	for (i = 0; i < qp->w_len; i++) {
		struct rnic_wqe *w = rnic_held(qp, i);

		if (psn < w->first_psn + w->npkts)
			break;
	}
	if (i < qp->w_tx)
		qp->retransmits++;
	qp->pass++;
	for (uint32_t j = i; j < qp->w_len; j++)
		if (rnic_held(qp, j)->sent != UINT32_MAX)
			rnic_held(qp, j)->sent = 0;
	if (i < qp->w_tx)
		qp->w_tx = i;
	tx_pump(r, qpn);
}

static void timer_fire(struct sim *sim, struct event *ev)
{
	struct rnic *r = ev->obj;
	uint32_t qpn = (uint32_t)ev->arg;
	struct rnic_qp *qp = r->qp[qpn];

	(void)sim;
	qp->timer.ev = NULL;
	if (!qp->w_len || qp->state != RNIC_RTS)
		return;
	if (++qp->retries > r->cfg.retry) {
		rnic_qp_error(r, qpn, RNIC_WC_RETRY_EXC_ERR);
		return;
	}
	go_back(r, qpn, rnic_held(qp, 0)->first_psn);
}

static void timer_arm(struct rnic *r, uint32_t qpn)
{
	struct rnic_qp *qp = r->qp[qpn];
	struct event *ev;

	sim_cancel(r->sim, qp->timer);
	qp->timer.ev = NULL;
	if (!qp->w_len || qp->state != RNIC_RTS)
		return;
	ev = sim_after(r->sim, r->cfg.timeout, PHASE_LATE, timer_fire, r,
		       NULL, qpn);
	if (!ev) {
		sim_host_oom(r->sim);
		return;
	}
	qp->timer = evq_handle(ev);
}

static void rnr_fire(struct sim *sim, struct event *ev)
{
	struct rnic *r = ev->obj;
	uint32_t qpn = (uint32_t)(ev->arg >> 32);

	(void)sim;
	if (r->qp[qpn]->state == RNIC_RTS)
		go_back(r, qpn, (uint32_t)ev->arg);
}

static void rx_ack(struct rnic *r, struct rnic_qp *qp, uint32_t qpn,
		   const struct net_frame *f)
{
	uint32_t psn = f->h.psn;

	if (qp->state != RNIC_RTS)
		return;
	switch (f->h.syndrome) {
	case SY_ACK:
		if (psn + 1 > qp->una)
			qp->una = psn + 1;
		for (uint32_t i = 0; i < qp->w_len; i++) {
			struct rnic_wqe *w = rnic_held(qp, i);

			if (w->first_psn + w->npkts - 1 > psn)
				break;
			if (w->b[W_OP] != RNIC_OP_READ)
				w->sent = UINT32_MAX;
		}
		qp->retries = 0;
		qp->rnr_retries = 0;
		rnic_retire(r, qpn);
		tx_pump(r, qpn);	/* the window has moved */
		return;
	case SY_NAK_SEQ:
		go_back(r, qpn, psn);
		return;
	case SY_NAK_RNR:
		if (++qp->rnr_retries > r->cfg.rnr_retry) {
			rnic_qp_error(r, qpn, RNIC_WC_RNR_RETRY_EXC_ERR);
			return;
		}
		sim_cancel(r->sim, qp->timer);
		qp->timer.ev = NULL;
		if (!sim_after(r->sim, r->cfg.rnr_delay, PHASE_REQUEST,
			       rnr_fire, r, NULL, (uint64_t)qpn << 32 | psn))
			sim_host_oom(r->sim);
		return;
	default: {
		/* the WQE holding psn fails; those before it succeeded */
		uint32_t i;

		for (i = 0; i < qp->w_len; i++) {
			struct rnic_wqe *w = rnic_held(qp, i);

			if (psn < w->first_psn + w->npkts)
				break;
			if (w->b[W_OP] != RNIC_OP_READ)
				w->sent = UINT32_MAX;
		}
		rnic_retire(r, qpn);
		rnic_qp_error(r, qpn, f->h.syndrome == SY_NAK_ACCESS ?
			 RNIC_WC_REM_ACCESS_ERR : RNIC_WC_REM_INV_REQ_ERR);
	}
	}
}

static void read_resp_done(struct rnic *r, struct rnic_dma *d)
{
	struct net_frame *f = d->ptr;
	uint32_t qpn = f->h.dqpn;
	struct rnic_qp *qp = r->qp[qpn];

	if (qp->state == RNIC_RTS && f->h.psn + 1 > qp->una)
		qp->una = f->h.psn + 1;	/* a response acknowledges */
	if (qp->state == RNIC_RTS && (f->h.flags & PK_LAST)) {
		for (uint32_t i = 0; i < qp->w_len; i++) {
			struct rnic_wqe *w = rnic_held(qp, i);

			if (w->b[W_OP] == RNIC_OP_READ &&
			    w->first_psn + w->npkts - 1 == f->h.psn)
				w->sent = UINT32_MAX;
		}
		qp->retries = 0;
		rnic_retire(r, qpn);
		tx_pump(r, qpn);	/* the window has moved */
	}
	net_frame_put(r->net, f);
}

static void rx_read_resp(struct rnic *r, struct rnic_qp *qp,
			 struct net_frame *f)
{
	struct rnic_dma *d;

	for (uint32_t i = 0; i < qp->w_len; i++) {
		struct rnic_wqe *w = rnic_held(qp, i);
		uint32_t k = f->h.psn - w->first_psn;

		if (w->b[W_OP] != RNIC_OP_READ || f->h.psn < w->first_psn ||
		    k >= w->npkts || w->sent == UINT32_MAX)
			continue;
		if (!(d = rnic_dma_new(r)))
			break;
		d->ptr = f;
		rnic_dma_issue(r, d, rnic_get(w->b, W_LADDR, 8) +
			  (uint64_t)k * r->cfg.mtu, f->data, f->len, true,
			  read_resp_done);
		return;
	}
	net_frame_put(r->net, f);	/* a duplicate, or for no WQE */
}

/* ---- the responder ---- */

static void placed(struct rnic *r, struct rnic_dma *d)
{
	struct net_frame *f = d->ptr;
	uint32_t qpn = f->h.dqpn;
	struct rnic_qp *qp = r->qp[qpn];

	if (d->status) {
		rnic_send_ack(r, qpn, SY_NAK_ACCESS, f->h.psn);
	} else if (f->h.flags & PK_LAST) {
		if (f->h.op == PK_SEND)
			rnic_cqe(r, qp->rcq, rnic_get(qp->rqe, 0, 8), qp->recv_len,
			    qpn, 128, RNIC_WC_SUCCESS);
		rnic_send_ack(r, qpn, SY_ACK, f->h.psn);
	} else if (f->h.psn % RNIC_ACK_EVERY == RNIC_ACK_EVERY - 1) {
		/* a long message is acknowledged as it goes, so that the
		 * requester's timer sees progress */
		rnic_send_ack(r, qpn, SY_ACK, f->h.psn);
	}
	net_frame_put(r->net, f);
}

static void read_data(struct rnic *r, struct rnic_dma *d)
{
	struct net_frame *f = d->ptr;
	struct rnic_qp *qp = r->qp[f->h.sqpn];

	if (d->status) {
		net_frame_put(r->net, f);
		return;
	}
	rnic_send_frame(r, qp, f, (uint32_t)d->arg);
}

static void respond_read(struct rnic *r, struct rnic_qp *qp, uint32_t qpn,
			 const struct net_frame *req)
{
	uint32_t len = req->h.dmalen;
	uint32_t n = len ? (len + r->cfg.mtu - 1) / r->cfg.mtu : 1;

	for (uint32_t k = 0; k < n; k++) {
		uint32_t off = k * r->cfg.mtu;
		uint32_t m = len - off < r->cfg.mtu ? len - off : r->cfg.mtu;
		uint16_t fl = (k == 0 ? PK_FIRST : 0) |
			      (k + 1 == n ? PK_LAST : 0);
		struct net_frame *f = rnic_frame(r, qpn, PK_READ_RESP, fl,
					    req->h.psn + k);
		struct rnic_dma *d;

		if (!f || !(d = rnic_dma_new(r)))
			return;
		f->len = m;
		d->ptr = f;
		d->arg = HDR_BASE + ((fl & (PK_FIRST | PK_LAST)) ? HDR_AETH :
				     0);
		rnic_dma_issue(r, d, req->h.va + off, f->data, m, false,
			  read_data);
	}
	(void)qp;
}

/* A data packet in order: place it, or refuse it. */
static void rx_in_order(struct rnic *r, struct rnic_qp *qp, uint32_t qpn,
			struct net_frame *f)
{
	struct rnic_dma *d;
	uint64_t addr;

	if (f->h.op == PK_READ_REQ) {
		if (!rnic_mr_covers(r, f->h.rkey, qp->pd, f->h.va, f->h.dmalen,
			       RNIC_REMOTE_READ)) {
			rnic_send_ack(r, qpn, SY_NAK_ACCESS, f->h.psn);
			net_frame_put(r->net, f);
			return;
		}
		qp->epsn += f->h.dmalen ? (f->h.dmalen + r->cfg.mtu - 1) /
					  r->cfg.mtu : 1;
		respond_read(r, qp, qpn, f);
		net_frame_put(r->net, f);
		return;
	}
	if (f->h.op == PK_WRITE) {
		if (f->h.flags & PK_FIRST) {
			qp->cur_va = f->h.va;
			qp->cur_rkey = f->h.rkey;
			qp->cur_left = f->h.dmalen;
			if (!rnic_mr_covers(r, f->h.rkey, qp->pd, f->h.va,
				       f->h.dmalen, RNIC_REMOTE_WRITE)) {
				rnic_send_ack(r, qpn, SY_NAK_ACCESS, f->h.psn);
				net_frame_put(r->net, f);
				return;
			}
		}
		/* the region may have gone since the first packet */
		if (f->len > qp->cur_left ||
		    !rnic_mr_covers(r, qp->cur_rkey, qp->pd, qp->cur_va, f->len,
			       RNIC_REMOTE_WRITE)) {
			rnic_send_ack(r, qpn, f->len > qp->cur_left ? SY_NAK_INV :
				 SY_NAK_ACCESS, f->h.psn);
			net_frame_put(r->net, f);
			return;
		}
		addr = qp->cur_va;
		qp->cur_va += f->len;
		qp->cur_left -= f->len;
	} else {	/* SEND */
		if (f->h.flags & PK_FIRST) {
			if (qp->rq_ci == qp->rq_pi ||
			    !qp->rqes_ready[qp->rq_ci % qp->rq_depth]) {
				rnic_send_ack(r, qpn, SY_NAK_RNR, f->h.psn);
				net_frame_put(r->net, f);
				return;
			}
			memcpy(qp->rqe, qp->rqes + (uint64_t)(qp->rq_ci %
			       qp->rq_depth) * RNIC_RQE, RNIC_RQE);
			qp->rqes_ready[qp->rq_ci % qp->rq_depth] = false;
			qp->rq_ci++;
			qp->recv_len = 0;
		}
		if (qp->recv_len + f->len > rnic_get(qp->rqe, 16, 4) ||
		    !rnic_mr_covers(r, (uint32_t)rnic_get(qp->rqe, 20, 4), qp->pd,
			       rnic_get(qp->rqe, 8, 8) + qp->recv_len, f->len,
			       RNIC_LOCAL_WRITE)) {
			rnic_cqe(r, qp->rcq, rnic_get(qp->rqe, 0, 8), 0, qpn, 128,
			    qp->recv_len + f->len > rnic_get(qp->rqe, 16, 4) ?
			    RNIC_WC_LOC_LEN_ERR : RNIC_WC_LOC_PROT_ERR);
			rnic_send_ack(r, qpn, SY_NAK_INV, f->h.psn);
			net_frame_put(r->net, f);
			return;
		}
		addr = rnic_get(qp->rqe, 8, 8) + qp->recv_len;
		qp->recv_len += f->len;
	}
	qp->epsn++;
	if (!(d = rnic_dma_new(r)))
		return;
	d->ptr = f;
	rnic_dma_issue(r, d, addr, f->data, f->len, true, placed);
}

static void rx_event(struct sim *sim, struct event *ev)
{
	struct rnic *r = ev->obj;
	struct net_frame *f = ev->ptr;
	uint32_t qpn = f->h.dqpn;
	struct rnic_qp *qp = qpn < r->nqp ? r->qp[qpn] : NULL;

	(void)sim;
	r->rx_packets++;
	r->rx_bytes += f->len;
	if (!net_frame_intact(r->net, f)) {	/* its ICRC fails: dropped unseen */
		r->fcs_errors++;
		net_frame_put(r->net, f);
		return;
	}
	if (!qp || qp->state < RNIC_RTR || qp->state == RNIC_ERR ||
	    qp->rnode != f->src || qp->rqpn != f->h.sqpn) {
		r->drops++;
		net_frame_put(r->net, f);
		return;
	}
	if (f->h.op == PK_ACK) {
		rx_ack(r, qp, qpn, f);
		net_frame_put(r->net, f);
		return;
	}
	if (f->h.op == PK_READ_RESP) {
		rx_read_resp(r, qp, f);
		return;
	}
	if (f->h.psn < qp->epsn) {		/* a duplicate */
		qp->duplicates++;
		if (f->h.op == PK_READ_REQ)
			respond_read(r, qp, qpn, f);
		else if (f->h.flags & PK_LAST)
			rnic_send_ack(r, qpn, SY_ACK, qp->epsn - 1);
		net_frame_put(r->net, f);
		return;
	}
	if (f->h.psn > qp->epsn) {		/* a gap */
		if (!qp->nak_sent)
			rnic_send_ack(r, qpn, SY_NAK_SEQ, qp->epsn);
		qp->nak_sent = true;
		net_frame_put(r->net, f);
		return;
	}
	qp->nak_sent = false;
	rx_in_order(r, qp, qpn, f);
}

/* A frame from the network: through the device's pipeline. */
void rnic_rx(void *ctx, struct net_frame *f)
{
	struct rnic *r = ctx;
	uint64_t t = (r->rx_busy > r->sim->now ? r->rx_busy : r->sim->now) +
		     r->cfg.proc;

	r->rx_busy = t;
	if (!sim_at(r->sim, t, PHASE_REQUEST, rx_event, r, f, 0))
		sim_host_oom(r->sim);
}

/* ---- receive queue ---- */

static void rqe_fetched(struct rnic *r, struct rnic_dma *d)
{
	struct rnic_qp *qp = d->ptr;
	uint32_t slot = (uint32_t)(d->arg % qp->rq_depth);

	if (d->status) {
		r->guest_errors++;
		return;
	}
	memcpy(qp->rqes + (uint64_t)slot * RNIC_RQE, d->buf, RNIC_RQE);
	qp->rqes_ready[slot] = true;
}

void rnic_rq_doorbell(struct rnic *r, uint64_t v)
{
	uint32_t qpn = (uint32_t)(v >> 32), pi = (uint32_t)v;
	struct rnic_qp *qp = qpn < r->nqp ? r->qp[qpn] : NULL;

	r->doorbells++;
	if (!qp || pi - qp->rq_ci > qp->rq_depth) {
		r->guest_errors++;
		return;
	}
	/* the device fetches the new receive WQEs ahead of their use */
	for (; qp->rq_pi != pi; qp->rq_pi++) {
		struct rnic_dma *d = rnic_dma_new(r);

		if (!d)
			return;
		d->ptr = qp;
		d->arg = qp->rq_pi;
		r->wqe_fetches++;
		rnic_dma_issue(r, d, qp->rq_base + (uint64_t)(qp->rq_pi %
				qp->rq_depth) * RNIC_RQE, NULL, RNIC_RQE,
			  false, rqe_fetched);
	}
}
