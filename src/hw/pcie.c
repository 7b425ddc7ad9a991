/* pcie: a PCI Express link at the transaction layer: TLPs, credits,
 * completions.  See pcie.h; set-up and rates are in pcie_link.c. */
#include "pcie.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "pcie_int.h"

#define DIR_OF(m, field)                                                     \
	((struct pcie_dir *)((char *)(m) - offsetof(struct pcie_dir, field)))

#define TLP_CHUNK 64
#define PAGE_4K 4096

static uint64_t beats(const struct bus *bus, uint64_t len)
{
	return bus_beats(bus, len);
}

/* ---- TLPs ---- */

static struct pcie_tlp *tlp_new(struct pcie_link *l)
{
	struct pcie_tlp *t;

	if (!l->pool) {
		struct pcie_tlp *c;

		if (l->nchunks == l->capchunks) {
			unsigned n = l->capchunks ? 2 * l->capchunks : 8;
			void **p = dm_realloc(l->chunks, n * sizeof(*p));

			if (!p)
				assert(!"out of memory for TLPs");
			l->chunks = p;
			l->capchunks = n;
		}
		c = dm_calloc(TLP_CHUNK, sizeof(*c));
		if (!c)
			assert(!"out of memory for TLPs");
		l->chunks[l->nchunks++] = c;
		for (unsigned i = 0; i < TLP_CHUNK; i++) {
			c[i].next = l->pool;
			l->pool = &c[i];
		}
	}
	t = l->pool;
	l->pool = t->next;
	memset(t, 0, sizeof(*t));
	return t;
}

static void tlp_free(struct pcie_link *l, struct pcie_tlp *t)
{
	t->next = l->pool;
	l->pool = t;
}

static void tlp_push(struct pcie_tlp **h, struct pcie_tlp **tl,
		     struct pcie_tlp *t)
{
	t->next = NULL;
	if (*tl)
		(*tl)->next = t;
	else
		*h = t;
	*tl = t;
}

static struct pcie_tlp *tlp_pop(struct pcie_tlp **h, struct pcie_tlp **tl)
{
	struct pcie_tlp *t = *h;

	if (t) {
		*h = t->next;
		if (!*h)
			*tl = NULL;
		t->next = NULL;
	}
	return t;
}

/* Bytes of the next TLP of job j. */
static uint64_t tlp_size(const struct pcie_link *l, const struct pcie_tlp *j)
{
	uint64_t a = j->req->addr + j->off, n = j->len, e;

	switch (j->type) {
	case PCIE_MWR:
		n = n < l->cfg.mps ? n : l->cfg.mps;
		break;
	case PCIE_MRD:
		n = n < l->cfg.mrrs ? n : l->cfg.mrrs;
		break;
	case PCIE_CPL:
		if (j->status)
			return n;	/* one completion without data */
		if (n <= l->cfg.mps)
			return n;
		e = (a + l->cfg.mps) / l->cfg.rcb * l->cfg.rcb;
		return e > a ? e - a : l->cfg.mps;
	}
	/* requests never cross a 4 KiB boundary */
	e = (a / PAGE_4K + 1) * PAGE_4K;
	if (a + n > e)
		n = e - a;
	return n;
}

/* ---- flow control ---- */

static void kick_rx(struct pcie_dir *d);
static void kick_ret(struct pcie_dir *d);

/* Whether the receiver has room for a TLP; takes the credits if so. */
static bool credit_take(struct pcie_dir *d, enum pcie_tlp_type type,
			uint64_t dc)
{
	const struct pcie_credits *c = &d->l->cfg.credits;
	int64_t *h, *dd = NULL;
	bool hinf, dinf = true;

	switch (type) {
	case PCIE_MWR:
		h = &d->cr_ph, hinf = !c->ph;
		dd = &d->cr_pd, dinf = !c->pd;
		break;
	case PCIE_MRD:
		h = &d->cr_nph, hinf = !c->nph;
		break;
	default:
		h = &d->cr_cplh, hinf = !c->cplh;
		dd = &d->cr_cpld, dinf = !c->cpld;
		break;
	}
	if ((!hinf && *h < 1) || (!dinf && *dd < (int64_t)dc))
		return false;
	if (!hinf)
		(*h)--;
	if (!dinf)
		*dd -= (int64_t)dc;
	return true;
}

/* ---- the transmitter ---- */

static void tx_event(struct sim *sim, struct event *ev)
{
	struct pcie_dir *d = ev->obj;

	(void)sim;
	d->tx_busy = false;
	pcie_kick_tx(d);
}

/* The head job's time came. */
static void wait_event(struct sim *sim, struct event *ev)
{
	struct pcie_dir *d = ev->obj;

	(void)sim;
	d->tx_wait = false;
	pcie_kick_tx(d);
}

/* Whether anything waits for d's wire. */
static bool tx_pending(const struct pcie_dir *d)
{
	return d->tx_head || d->ack_due || d->fc_due;
}

/* What waits for d's wire goes when its packet ends (wire_free). */
static void tx_wake(struct pcie_dir *d)
{
	if (d->tx_busy)
		return;
	d->tx_busy = true;
	if (!sim_at_clamped(d->l->sim, d->wire_free, PHASE_REQUEST, tx_event,
			    d, NULL, 0))
		assert(!"out of event memory");
}

/* A packet's end is an event only while something waits for the wire;
 * what comes later finds the wire busy by wire_free (pcie_kick_tx), so a
 * lone packet costs no event for its end. */
void pcie_wire_hold(struct pcie_dir *d, uint64_t end)
{
	d->wire_free = end;
	if (tx_pending(d))
		tx_wake(d);
}

static void arrive_event(struct sim *sim, struct event *ev)
{
	struct pcie_dir *d = ev->obj;
	struct pcie_tlp *t = ev->ptr;

	(void)sim;
	pcie_dll_received(d);
	tlp_push(&d->rx_head, &d->rx_tail, t);
	kick_rx(d);
}

static void stall(struct pcie_dir *d, bool tags)
{
	if (d->stalled)
		return;
	d->stalled = true;
	d->stall_start = d->l->sim->now;
	if (tags)
		d->st.tag_stalls++;
	else
		d->st.credit_stalls++;
}

void pcie_kick_tx(struct pcie_dir *d)
{
	struct pcie_link *l = d->l;
	struct sim *sim = l->sim;
	struct pcie_tlp *j, *t;
	uint64_t n, wire, ps, payload;

	if (d->tx_busy)
		return;
	if (d->wire_free > sim->now) {
		if (tx_pending(d))
			tx_wake(d);
		return;
	}
	if ((pcie_dll_due(d, sim->now) && pcie_dll_tx(d)) ||
	    !(j = d->tx_head))
		return;
	if (j->at > sim->now) {
		if (!d->tx_wait) {
			d->tx_wait = true;
			if (!sim_at(sim, j->at, PHASE_REQUEST, wait_event, d,
				    NULL, 0))
				assert(!"out of event memory");
		}
		return;
	}
	n = tlp_size(l, j);
	payload = j->type == PCIE_MRD || j->status ? 0 : n;
	if (j->type == PCIE_MRD && d->tags_used >= l->cfg.tags) {
		stall(d, true);
		return;
	}
	if (!credit_take(d, j->type, pcie_data_credits(payload))) {
		stall(d, false);
		return;
	}
	if (d->stalled) {
		d->stalled = false;
		d->st.stall_ps += sim->now - d->stall_start;
	}
	t = tlp_new(l);
	t->type = j->type;
	t->req = j->req;
	t->off = j->off;
	t->len = n;
	t->status = j->status;
	j->off += n;
	j->len -= n;
	if (j->type == PCIE_MRD)
		d->tags_used++;
	if (!j->len) {
		t->last = true;
		tlp_free(l, tlp_pop(&d->tx_head, &d->tx_tail));
	}
	wire = payload + pcie_tlp_overhead(&l->cfg, t->type);
	ps = pcie_link_wire_ps(l, wire);
	if (!d->st.tlps)
		d->st.first_ps = sim->now;
	d->st.last_ps = sim->now + ps;
	d->st.tlps++;
	d->st.payload += payload;
	d->st.overhead += wire - payload;
	d->st.busy_ps += ps;
	if (t->type == PCIE_MWR)
		d->st.writes++;
	else if (t->type == PCIE_MRD)
		d->st.reads++;
	else
		d->st.cpls++;
	t->at = sim->now + ps + l->cfg.latency;
#ifdef DMASIM_MUTATE_PCIE_CPL_NO_LATENCY
	/* broken on purpose: a completion arrives as soon as it is on the
	 * wire, its way back across the link left out */
	if (t->type == PCIE_CPL)
		t->at = sim->now + ps;
#endif
	if (!sim_at_clamped(sim, t->at, PHASE_REQUEST, arrive_event, d, t, 0))
		assert(!"out of event memory");
	pcie_wire_hold(d, sim->now + ps);
}

static void job_push(struct pcie_dir *d, enum pcie_tlp_type type,
		     struct pcie_req *r, uint64_t off, uint64_t len,
		     uint64_t at, int status)
{
	struct pcie_tlp *j = tlp_new(d->l);

	j->type = type;
	j->req = r;
	j->off = off;
	j->len = len;
	j->at = at;
	j->status = status;
	tlp_push(&d->tx_head, &d->tx_tail, j);
	pcie_kick_tx(d);
}

/* ---- requests ---- */

static void req_free(struct pcie_dir *d, struct pcie_req *r)
{
	struct xact *w = d->wait_head;

	r->x = NULL;
	r->next = d->free;
	d->free = r;
	if (!w) {
		d->used--;
		return;
	}
	d->wait_head = w->next;
	if (!d->wait_head)
		d->wait_tail = NULL;
	w->next = NULL;
	xact_resume(w);		/* its slot is this one */
}

/* ---- the receiver ---- */

static void rx_done(struct xact *sub);

static void rx_event(struct sim *sim, struct event *ev)
{
	struct pcie_dir *d = ev->obj;

	(void)sim;
	d->rx_wait = false;
	kick_rx(d);
}

/* A completion reaches the requester's side. */
static void cpl_deliver(struct pcie_dir *d, struct pcie_tlp *t)
{
	struct pcie_req *r = t->req;
	struct pcie_dir *rd = r->d;

	pcie_credit_return(d, PCIE_CPL, t->len, t->status);
	r->done += t->len;
	if (t->status && !r->status)
		r->status = t->status;
	if (t->last) {
		rd->tags_used--;
		pcie_kick_tx(rd);
	}
	if (r->done == r->total) {
		r->next = NULL;
		if (rd->r_tail)
			rd->r_tail->next = r;
		else
			rd->r_head = r;
		rd->r_tail = r;
		kick_ret(rd);
	}
}

static void kick_rx(struct pcie_dir *d)
{
	struct sim *sim = d->l->sim;
	struct pcie_tlp *t;

	while (!d->iss_cur && !d->rx_wait && (t = d->rx_head)) {
		struct pcie_req *r = t->req;
		uint64_t cl = d->id == PCIE_DOWN ?
			      d->l->cfg.completer_latency : 0;

		if (t->type == PCIE_CPL) {
			tlp_pop(&d->rx_head, &d->rx_tail);
			cpl_deliver(d, t);
			tlp_free(d->l, t);
			continue;
		}
		if (t->type == PCIE_MRD && t->at + cl > sim->now) {
			d->rx_wait = true;
			if (!sim_at(sim, t->at + cl, PHASE_REQUEST, rx_event,
				    d, NULL, 0))
				assert(!"out of event memory");
			return;
		}
		tlp_pop(&d->rx_head, &d->rx_tail);
		d->iss_cur = t;
		xact_init(&t->sub, r->addr + (r->fixed ? 0 : t->off),
			  r->buf + t->off, t->len, t->type == PCIE_MWR, r->init,
			  rx_done, t);
		t->sub.hops = r->hops;
		t->sub.fixed = r->fixed;
		xact_start(&d->iss, &t->sub);
	}
}

/* The issuer's hop on the far bus ended (or never began): the TLP has
 * left the receiver's buffer. */
static void rx_left(struct pcie_dir *d, struct pcie_tlp *t)
{
	d->iss_cur = NULL;
	pcie_credit_return(d, t->type, t->len, 0);
}

static void rx_done(struct xact *sub)
{
	struct pcie_tlp *t = sub->ctx;
	struct pcie_req *r = t->req;
	struct pcie_dir *d = r->d;
	bool early = d->iss_cur == t;	/* refused at once: no hop */

	if (early)
		rx_left(d, t);
	if (t->type == PCIE_MWR) {
		if (sub->status && !r->status)
			r->status = sub->status;	/* dropped */
		r->done += t->len;
		if (r->done == r->total)
			req_free(d, r);
	} else {
		/* the data is in the request's buffer: completions go back
		 * the other way, behind what is queued there */
		job_push(pcie_other(d), PCIE_CPL, r, t->off, t->len,
			 d->l->sim->now, sub->status);
	}
	tlp_free(d->l, t);
	if (early)
		kick_rx(d);
}

static void iss_released(struct bus_master *m, uint64_t cycles)
{
	struct pcie_dir *d = DIR_OF(m, iss);
	struct pcie_tlp *t = d->iss_cur;

	(void)cycles;
	rx_left(d, t);
	xact_released(&t->sub);
	kick_rx(d);
}

const struct bus_master_ops pcie_iss_ops = {
	.released = iss_released,
};

/* ---- the returner ---- */

static void ret_complete(struct pcie_dir *d, struct pcie_req *r)
{
	struct xact *x = r->x;

	if (!r->status)
		memcpy(x->data, r->buf, x->len);
	x->status = r->status;
	req_free(d, r);
	x->done(x);
}

static void kick_ret(struct pcie_dir *d)
{
	struct pcie_req *r;

	while (!d->ret_busy && (r = d->r_head)) {
		d->r_head = r->next;
		if (!d->r_head)
			d->r_tail = NULL;
		if (r->status) {
			ret_complete(d, r);
			continue;
		}
		d->ret_busy = r;
		bus_request(&d->ret, beats(d->near, r->total),
			    beats(d->near, r->total));
	}
}

static void ret_released(struct bus_master *m, uint64_t cycles)
{
	struct pcie_dir *d = DIR_OF(m, ret);
	struct pcie_req *r = d->ret_busy;

	(void)cycles;
	d->ret_busy = NULL;
	ret_complete(d, r);
	kick_ret(d);
}

const struct bus_master_ops pcie_ret_ops = {
	.released = ret_released,
};

/* ---- the near hop: windows as targets ---- */

static struct pcie_dir *dir_of_t(struct bus_target *t)
{
	return ((struct pcie_win *)t)->d;
}

static uint64_t win_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	(void)off;
	return write ? beats(dir_of_t(t)->near, len) : 1;
}

static bool win_admit(struct bus_target *t, struct xact *x)
{
	struct pcie_dir *d = dir_of_t(t);

	if (d->used < d->l->cfg.queue) {
		d->used++;
		return true;
	}
	d->st.queue_stalls++;
	x->next = NULL;
	if (d->wait_tail)
		d->wait_tail->next = x;
	else
		d->wait_head = x;
	d->wait_tail = x;
	return false;
}

/* When a request may start down a root port: a peer's waits for the root
 * complex's peer-to-peer path. */
static uint64_t p2p_at(struct pcie_dir *d, struct xact *x)
{
	struct pcie_p2p *p = d->p2p;
	uint64_t now = d->l->sim->now, at;
	bool peer = false;

	if (!p)
		return now;
	for (unsigned i = 0; i < p->nports; i++)
		if (x->m == p->ports[i])
			peer = true;
	if (!peer)
		return now;
	at = now + p->latency;
#ifdef DMASIM_MUTATE_PCIE_P2P_UNLIMITED
	/* broken on purpose: the root complex's peer-to-peer bandwidth
	 * limit ignored (its latency kept) */
	if (0) {
#else
	if (p->ps_per_kib) {
#endif
		uint64_t start = p->free > now ? p->free : now;

		p->free = start + (x->len * p->ps_per_kib + 1023) / 1024;
		if (p->free + p->latency > at)
			at = p->free + p->latency;
	}
	p->requests++;
	p->bytes += x->len;
	return at;
}

static void win_forward(struct bus_target *t, struct xact *x)
{
	struct pcie_dir *d = dir_of_t(t);
	struct pcie_req *r = d->free;
	uint64_t at;

	assert(r);	/* admitted: a slot is reserved */
	d->free = r->next;
	if (r->cap < x->len) {
		uint8_t *b = dm_realloc(r->buf, x->len);

		if (!b) {
			req_free(d, r);
			x->status = BUS_ERR_SLAVE;
			x->done(x);
			return;
		}
		r->buf = b;
		r->cap = x->len;
	}
	r->x = x;
	r->init = x->init;
	r->addr = x->addr;
	r->total = x->len;
	r->done = 0;
	r->hops = x->hops;
	r->status = BUS_OK;
	r->write = x->write;
	r->fixed = x->fixed;
	at = p2p_at(d, x);
	if (x->write) {
		memcpy(r->buf, x->data, x->len);
		r->x = NULL;
		job_push(d, PCIE_MWR, r, 0, x->len, at, 0);
		x->status = BUS_OK;
		x->done(x);	/* posted */
	} else {
		job_push(d, PCIE_MRD, r, 0, x->len, at, 0);
	}
}

static struct bus *win_far(struct bus_target *t)
{
	return dir_of_t(t)->far;
}

/* Untimed access across the link, for back doors (set-up, tests). */
static int win_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct bus_target *to;
	uint64_t o;

	to = bus_resolve(win_far(t), t->base + off, len, &o, NULL);
	if (!to)
		return BUS_ERR_DECODE;
	return to->ops->access(to, o, data, len, write);
}

const struct bus_target_ops pcie_window_ops = {
	.cycles = win_cycles,
	.access = win_access,
	.admit = win_admit,
	.forward = win_forward,
	.far = win_far,
};

