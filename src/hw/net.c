/* net: links and the switch between the nodes of a cluster.  See net.h. */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/util.h"

#define NET_CHUNK 64		/* frames per pool allocation */

const char *net_config_check(const struct net_config *c)
{
	if (!(c->rate > 0) || !isfinite(c->rate))
		return "link_rate: expected bits/s > 0";
	if (!c->latency)
		return "link_latency: expected a time > 0 (nodes meet only "
		       "through links with a latency)";
	if (c->buffer < NET_MAX_PAYLOAD + 128)
		return "switch_buffer: expected at least one full frame "
		       "(4224 bytes)";
	if (!(c->loss >= 0 && c->loss < 1))
		return "loss: expected a probability in [0, 1)";
	if (!(c->corrupt >= 0 && c->corrupt < 1))
		return "corrupt: expected a probability in [0, 1)";
	return NULL;
}

int net_init(struct net *n, const struct net_config *cfg, uint64_t seed,
	     uint32_t nports)
{
	if (net_config_check(cfg) || !nports || nports > NET_MAX_NODES)
		return DMASIM_EINVAL;
	memset(n, 0, sizeof(*n));
	n->cfg = *cfg;
	n->nports = nports;
	if (sim_init(&n->sim, seed))
		return DMASIM_ENOMEM;
	n->sim.name = "switch";
	n->ports = dm_calloc(nports, sizeof(*n->ports));
	n->outs = dm_calloc(nports, sizeof(*n->outs));
	if (!n->ports || !n->outs) {
		net_fini(n);
		return DMASIM_ENOMEM;
	}
	for (uint32_t i = 0; i < nports &&
			    (cfg->loss > 0 || cfg->corrupt > 0); i++) {
		char name[48];

		snprintf(name, sizeof(name), "switch.port%u", i);
		rng_seed(&n->outs[i].rng, seed, name);
		snprintf(name, sizeof(name), "switch.port%u.corrupt", i);
		rng_seed(&n->outs[i].crng, seed, name);
	}
	return 0;
}

void net_fini(struct net *n)
{
	for (uint32_t i = 0; i < n->nchunks; i++)
		dm_free(n->chunks[i]);
	dm_free(n->chunks);
	dm_free(n->ports);
	dm_free(n->outs);
	dm_free(n->sort);
	sim_fini(&n->sim);
	memset(n, 0, sizeof(*n));
}

/* ---- the pool ---- */

struct net_frame *net_frame_get(struct net *n)
{
	struct net_frame *f = n->pool;

	if (!f) {
		struct net_frame *c;

		if (n->nchunks == n->capchunks) {
			uint32_t cap = n->capchunks ? 2 * n->capchunks : 8;
			void **p = dm_realloc(n->chunks, cap * sizeof(*p));

			if (!p)
				return NULL;
			n->chunks = p;
			n->capchunks = cap;
		}
		c = dm_malloc(NET_CHUNK * sizeof(*c));
		if (!c)
			return NULL;
		n->chunks[n->nchunks++] = c;
		for (int i = 0; i < NET_CHUNK; i++) {
			c[i].next = n->pool;
			n->pool = &c[i];
		}
		f = n->pool;
	}
	n->pool = f->next;
	f->next = NULL;
	f->len = 0;
	memset(&f->h, 0, sizeof(f->h));
	return f;
}

void net_frame_put(struct net *n, struct net_frame *f)
{
	f->next = n->pool;
	n->pool = f;
}

uint64_t net_fcs(const struct net_frame *f)
{
	uint32_t a[3] = { f->src, f->dst, f->len };
	uint64_t h = util_fnv1a(UTIL_FNV_BASIS, a, sizeof(a));

	h = util_fnv1a(h, &f->h, sizeof(f->h));
	return util_fnv1a(h, f->data, f->len);
}

uint64_t net_wire_time(const struct net *n, uint64_t bytes)
{
	return (uint64_t)ceil((double)bytes * 8e12 / n->cfg.rate);
}

/* ---- the nodes' side ---- */

void net_send(struct net *n, struct net_frame *f)
{
	struct net_port *p = &n->ports[f->src];
	uint64_t now = p->sim->now;
	uint64_t start = p->tx_free > now ? p->tx_free : now;

	p->tx_free = start + net_wire_time(n, f->wire);
	f->time = p->tx_free + n->cfg.latency;
	if (n->cfg.corrupt > 0)
		f->fcs = net_fcs(f);
	f->seq = p->tx_frames++;
	p->tx_bytes += f->wire;
	f->next = n->to_switch;
	n->to_switch = f;
}

static void net_rx_event(struct sim *sim, struct event *ev)
{
	struct net_port *p = ev->obj;
	struct net_frame *f = ev->ptr;

	(void)sim;
	p->rx_frames++;
	p->rx_bytes += f->wire;
	p->rx(p->ctx, f);
}

/* ---- the switch ---- */

static void out_start(struct net *n, uint32_t port);

static void out_done(struct sim *sim, struct event *ev)
{
	struct net *n = ev->obj;

	(void)sim;
	n->outs[ev->arg].busy = false;
	out_start(n, (uint32_t)ev->arg);
}

/* Put the next waiting frame of an idle output port on its link. */
static void out_start(struct net *n, uint32_t port)
{
	struct net_out *o = &n->outs[port];
	struct net_frame *f = o->head;
	uint64_t end;

	if (o->busy || !f)
		return;
	o->head = f->next;
	if (!o->head)
		o->tail = NULL;
	o->queued -= f->wire;
	o->busy = true;
	end = n->sim.now + net_wire_time(n, f->wire);
	f->time = end + n->cfg.latency;
	f->next = n->to_nodes;
	n->to_nodes = f;
	if (!sim_at(&n->sim, end, PHASE_RELEASE, out_done, n, NULL, port))
		sim_host_oom(&n->sim);
}

/* A frame has arrived and been looked up: queue it on its output. */
static void sw_arrive(struct sim *sim, struct event *ev)
{
	struct net *n = ev->obj;
	struct net_frame *f = ev->ptr;
	struct net_out *o = &n->outs[f->dst];

	(void)sim;
	n->frames++;
	n->bytes += f->wire;
#ifdef DMASIM_MUTATE_NET_NO_LOSS
	/* broken on purpose: the switch's loss (drop_nth, loss) ignored */
	if (0) {
#else
	if ((n->cfg.drop_nth && n->frames == n->cfg.drop_nth) ||
	    (n->cfg.loss > 0 && rng_unit(&o->rng) < n->cfg.loss)) {
#endif
		n->drops++;
		net_frame_put(n, f);
		return;
	}
	if (o->queued + f->wire > n->cfg.buffer) {
		n->drops_full++;
		net_frame_put(n, f);
		return;
	}
	if (n->cfg.corrupt > 0 && rng_unit(&o->crng) < n->cfg.corrupt) {
		/* one bit flipped on the way: the payload's, or the header's */
		uint8_t *b = f->len ? f->data : (uint8_t *)&f->h;
		uint64_t bits = 8 * (f->len ? f->len : sizeof(f->h));
		uint64_t k = rng_below(&o->crng, bits);

		b[k / 8] ^= (uint8_t)(1u << (k % 8));
		n->corrupted++;
	}
	f->next = NULL;
	if (o->tail)
		o->tail->next = f;
	else
		o->head = f;
	o->tail = f;
	o->queued += f->wire;
	if (o->queued > o->max_queued)
		o->max_queued = o->queued;
	out_start(n, f->dst);
}

uint64_t net_next(const struct net *n)
{
	const struct event *ev = evq_peek(&n->sim.q);

	return ev ? ev->time : UINT64_MAX;
}

void net_run(struct net *n, uint64_t end)
{
	sim_run(&n->sim, end);
}

/* ---- the barrier ---- */

static int frame_cmp(const void *a, const void *b)
{
	const struct net_frame *x = *(struct net_frame *const *)a;
	const struct net_frame *y = *(struct net_frame *const *)b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The list's frames in (time, sender, order) order in n->sort; returns
 * their count, or -1 when out of memory. */
static int64_t net_sorted(struct net *n, struct net_frame *list)
{
	uint64_t k = 0;

	for (struct net_frame *f = list; f; f = f->next) {
		if (k == n->capsort) {
			uint64_t cap = n->capsort ? 2 * n->capsort : 64;
			struct net_frame **p = dm_realloc(n->sort,
						       cap * sizeof(*p));

			if (!p)
				return -1;
			n->sort = p;
			n->capsort = cap;
		}
		n->sort[k++] = f;
	}
	if (k > 1)
		qsort(n->sort, k, sizeof(*n->sort), frame_cmp);
	return (int64_t)k;
}

bool net_deliver(struct net *n)
{
	int64_t k = net_sorted(n, n->to_switch);

	if (k < 0)
		return false;
	n->to_switch = NULL;
	for (int64_t i = 0; i < k; i++) {
		struct net_frame *f = n->sort[i];

		if (!sim_at(&n->sim, f->time + n->cfg.switch_latency,
			    PHASE_REQUEST, sw_arrive, n, f, 0))
			return false;
	}
	k = net_sorted(n, n->to_nodes);
	if (k < 0)
		return false;
	n->to_nodes = NULL;
	for (int64_t i = 0; i < k; i++) {
		struct net_frame *f = n->sort[i];
		struct net_port *p = &n->ports[f->dst];

		if (!p->attached) {	/* no device: the frame is lost */
			n->drops++;
			net_frame_put(n, f);
			continue;
		}
		if (!sim_at(p->sim, f->time, PHASE_REQUEST, net_rx_event, p,
			    f, 0))
			return false;
	}
	return true;
}

uint64_t net_pending_next(const struct net *n)
{
	uint64_t t = UINT64_MAX;

	for (const struct net_frame *f = n->to_switch; f; f = f->next)
		if (f->time + n->cfg.switch_latency < t)
			t = f->time + n->cfg.switch_latency;
	for (const struct net_frame *f = n->to_nodes; f; f = f->next)
		if (n->ports[f->dst].attached && f->time < t)
			t = f->time;
	return t;
}

/* ---- frames as bytes, between ranks ---- */

/* The part of a frame before its payload that goes: from time on. */
#define FRAME_HEAD (offsetof(struct net_frame, data) - \
		    offsetof(struct net_frame, time))

size_t net_frame_packed(const struct net_frame *f)
{
	return FRAME_HEAD + f->len;
}

uint8_t *net_frame_pack(const struct net_frame *f, uint8_t *p)
{
	memcpy(p, &f->time, FRAME_HEAD);
	memcpy(p + FRAME_HEAD, f->data, f->len);
	return p + FRAME_HEAD + f->len;
}

int net_frame_unpack(struct net *n, const uint8_t **p, const uint8_t *end)
{
	struct net_frame *f;

	if ((size_t)(end - *p) < FRAME_HEAD)
		return DMASIM_EIO;
	f = net_frame_get(n);
	if (!f)
		return DMASIM_ENOMEM;
	memcpy(&f->time, *p, FRAME_HEAD);
	if (f->len > NET_MAX_PAYLOAD || f->dst >= n->nports ||
	    f->src >= n->nports ||
	    (size_t)(end - *p) < FRAME_HEAD + f->len) {
		net_frame_put(n, f);
		return DMASIM_EIO;
	}
	memcpy(f->data, *p + FRAME_HEAD, f->len);
	*p += FRAME_HEAD + f->len;
	f->next = n->to_switch;
	n->to_switch = f;
	return 0;
}
