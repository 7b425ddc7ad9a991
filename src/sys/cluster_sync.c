/* cluster_sync (sys): the barrier between the ranks of a split cluster,
 * and the board.  See cluster_int.h and dmasim/machine.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_int.h"
#include "kernel/alloc.h"

#define BOARD_KEY_MAX 255
#define BOARD_VALUE_MAX 65536
#define REC_HEAD 12		/* a publication: node, key and value sizes */

/* Room for `more` bytes after *len in *b (capacity *cap). */
static int room(uint8_t **b, size_t *cap, size_t len, size_t more)
{
	size_t c = *cap ? *cap : 256;
	uint8_t *p;

	if (len + more <= *cap)
		return 0;
	while (c < len + more)
		c *= 2;
	p = dm_realloc(*b, c);
	if (!p)
		return DMASIM_ENOMEM;
	*b = p;
	*cap = c;
	return 0;
}

/* ---- the board ---- */

static uint64_t board_hash(uint32_t node, const char *key, size_t klen)
{
	uint64_t h = 0xcbf29ce484222325ull ^ node;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ (uint8_t)key[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static struct board_entry *board_find(const struct board *b, uint32_t node,
				      const char *key, size_t klen)
{
	if (!b->cap)
		return NULL;
	for (size_t i = board_hash(node, key, klen) & (b->cap - 1);;
	     i = (i + 1) & (b->cap - 1)) {
		struct board_entry *e = &b->slot[i];

		if (!e->key || (e->node == node && e->klen == klen &&
				!memcmp(e->key, key, klen)))
			return e;
	}
}

static int board_grow(struct board *b)
{
	size_t cap = b->cap ? 2 * b->cap : 64;
	struct board_entry *old = b->slot, *v = dm_calloc(cap, sizeof(*v));
	size_t oldcap = b->cap;

	if (!v)
		return DMASIM_ENOMEM;
	b->slot = v;
	b->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*board_find(b, old[i].node, old[i].key,
				    old[i].klen) = old[i];
	dm_free(old);
	return 0;
}

/* Make a publication visible (its value replaces an earlier one). */
static int board_put(struct board *b, uint32_t node, const char *key,
		     uint32_t klen, const void *val, uint32_t vlen)
{
	struct board_entry *e;
	char *mem;

	if (2 * (b->n + 1) > b->cap && board_grow(b))
		return DMASIM_ENOMEM;
	mem = dm_malloc((size_t)klen + 1 + vlen);
	if (!mem)
		return DMASIM_ENOMEM;
	memcpy(mem, key, klen);
	mem[klen] = 0;
	memcpy(mem + klen + 1, val, vlen);
	e = board_find(b, node, key, klen);
	if (e->key)
		dm_free(e->key);
	else
		b->n++;
	e->node = node;
	e->klen = klen;
	e->vlen = vlen;
	e->key = mem;
	return 0;
}

/* Make the publications packed in the len bytes at p visible, in order. */
static int board_apply(struct board *b, const uint8_t *p, size_t len)
{
	const uint8_t *end;

	if (!len)
		return 0;
	end = p + len;
	while (p < end) {
		uint32_t h[3];
		int rc;

		if ((size_t)(end - p) < REC_HEAD)
			return DMASIM_EIO;
		memcpy(h, p, REC_HEAD);
		p += REC_HEAD;
		if ((size_t)(end - p) < (size_t)h[1] + h[2])
			return DMASIM_EIO;
		rc = board_put(b, h[0], (const char *)p, h[1], p + h[1], h[2]);
		if (rc)
			return rc;
		p += h[1] + h[2];
	}
	return 0;
}

void board_fini(struct board *b)
{
	for (size_t i = 0; i < b->cap; i++)
		dm_free(b->slot[i].key);
	dm_free(b->slot);
	dm_free(b->pend);
	memset(b, 0, sizeof(*b));
}

int dmasim_cluster_publish(struct dmasim_cluster *cl, uint32_t node,
			   const char *key, const void *value, size_t len)
{
	struct board *b = &cl->board;
	size_t klen = key ? strlen(key) : 0;
	uint32_t h[3];

	if (node >= cl->net.nports || !cluster_local(cl, node) || !klen ||
	    klen > BOARD_KEY_MAX || len > BOARD_VALUE_MAX || (len && !value))
		return DMASIM_EINVAL;
	if (room(&b->pend, &b->pcap, b->plen, REC_HEAD + klen + len))
		return DMASIM_ENOMEM;
	h[0] = node;
	h[1] = (uint32_t)klen;
	h[2] = (uint32_t)len;
	memcpy(b->pend + b->plen, h, REC_HEAD);
	memcpy(b->pend + b->plen + REC_HEAD, key, klen);
	if (len)
		memcpy(b->pend + b->plen + REC_HEAD + klen, value, len);
	b->plen += REC_HEAD + klen + len;
	return 0;
}

const void *dmasim_cluster_lookup(const struct dmasim_cluster *cl,
				  uint32_t node, const char *key, size_t *len)
{
	const struct board_entry *e;

	if (!key)
		return NULL;
	e = board_find(&cl->board, node, key, strlen(key));
	if (!e || !e->key)
		return NULL;
	if (len)
		*len = e->vlen;
	return e->key + e->klen + 1;
}

/* ---- the barrier ---- */

/* The earliest event of this rank's nodes and switch, and of the frames
 * sent in the window. */
static uint64_t local_next(const struct dmasim_cluster *cl)
{
	uint64_t t = net_next(&cl->net), f = net_pending_next(&cl->net);

	if (f < t)
		t = f;
	for (uint32_t i = 0; i < cl->net.nports; i++) {
		const struct dmasim_sys *s = cl->nodes[i];

		if (s && s->sim.q.len && evq_peek(&s->sim.q)->time < t)
			t = evq_peek(&s->sim.q)->time;
	}
	return t;
}

/* One rank: hand everything over here. */
static int barrier_alone(struct dmasim_cluster *cl, uint64_t *next)
{
	struct board *b = &cl->board;
	int rc;

	*next = local_next(cl);
	if (!net_deliver(&cl->net))
		return DMASIM_ENOMEM;
	rc = board_apply(b, b->pend, b->plen);
	b->plen = 0;
	return rc;
}

/* Pack the window's frames bound for other ranks' switch ports into
 * their buffers (the frames go back to the pool), then the board's
 * publications after them, for every rank. */
static int pack_out(struct dmasim_cluster *cl)
{
	struct net *n = &cl->net;
	struct net_frame *keep = NULL, *f, *nx;
	const struct board *b = &cl->board;
	int me = cl->comm->rank, rc = 0;

	for (int r = 0; r < cl->comm->ranks; r++)
		cl->peer[r].olen = 0;
	for (f = n->to_switch; f; f = nx) {
		struct peer_buf *pb = &cl->peer[cl->owner[f->dst]];

		nx = f->next;
		if (cl->owner[f->dst] == (uint32_t)me) {
			f->next = keep;
			keep = f;
			continue;
		}
		if (!rc && !(rc = room(&pb->out, &pb->ocap, pb->olen,
				       net_frame_packed(f))))
			pb->olen = (size_t)(net_frame_pack(f, pb->out +
							   pb->olen) -
					    pb->out);
		net_frame_put(n, f);
	}
	n->to_switch = keep;
	for (int r = 0; r < cl->comm->ranks && !rc; r++) {
		struct peer_buf *pb = &cl->peer[r];

		cl->hsend[4 * r] = pb->olen;
		cl->hsend[4 * r + 1] = b->plen;
		if (r == me || !b->plen)
			continue;
		rc = room(&pb->out, &pb->ocap, pb->olen, b->plen);
		if (!rc) {
			memcpy(pb->out + pb->olen, b->pend, b->plen);
			pb->olen += b->plen;
		}
	}
	return rc;
}

int cluster_barrier(struct dmasim_cluster *cl, uint64_t *next, bool *failed)
{
	const struct dmasim_comm *c = cl->comm;
	int me, ranks, rc;
	uint64_t mine;
	void **sb, **rb;
	size_t *sl, *rl;

	if (!c)
		return *failed ? 0 : barrier_alone(cl, next);
	me = c->rank;
	ranks = c->ranks;
	mine = local_next(cl);
	rc = pack_out(cl);
	for (int r = 0; r < ranks; r++) {
		cl->hsend[4 * r + 2] = mine;
		cl->hsend[4 * r + 3] = *failed || rc;
	}
	if (c->alltoall(c->ctx, cl->hsend, cl->hrecv, 4))
		return DMASIM_EIO;
	for (int r = 0; r < ranks; r++)
		if (cl->hrecv[4 * r + 3])
			*failed = true;
	if (*failed)
		return rc;
	sb = dm_malloc(ranks * sizeof(*sb));
	rb = dm_malloc(ranks * sizeof(*rb));
	sl = dm_malloc(ranks * sizeof(*sl));
	rl = dm_malloc(ranks * sizeof(*rl));
	rc = sb && rb && sl && rl ? 0 : DMASIM_ENOMEM;
	for (int r = 0; r < ranks && !rc; r++) {
		struct peer_buf *pb = &cl->peer[r];

		sl[r] = r == me ? 0 : pb->olen;
		rl[r] = r == me ? 0 : cl->hrecv[4 * r] + cl->hrecv[4 * r + 1];
		rc = room(&pb->in, &pb->icap, 0, rl[r]);
		sb[r] = pb->out;
		rb[r] = pb->in;
	}
	if (!rc && c->exchange(c->ctx, sb, sl, rb, rl))
		rc = DMASIM_EIO;
	*next = UINT64_MAX;
	for (int r = 0; r < ranks && !rc; r++) {
		const uint8_t *p = cl->peer[r].in;
		size_t len = r == me ? 0 : cl->hrecv[4 * r];

		while (!rc && len) {
			const uint8_t *at = p;

			rc = net_frame_unpack(&cl->net, &p, at + len);
			len -= (size_t)(p - at);
		}
		if (cl->hrecv[4 * r + 2] < *next)
			*next = cl->hrecv[4 * r + 2];
	}
	if (!rc && !net_deliver(&cl->net))
		rc = DMASIM_ENOMEM;
	for (int r = 0; r < ranks && !rc; r++) {
		size_t len = cl->hrecv[4 * r + 1];

		if (len)
			rc = board_apply(&cl->board, r == me ? cl->board.pend :
					 cl->peer[r].in + cl->hrecv[4 * r], len);
	}
	cl->board.plen = 0;
	dm_free(sb);
	dm_free(rb);
	dm_free(sl);
	dm_free(rl);
	return rc;
}

/* ---- the figures ---- */

enum { SUM_FRAMES, SUM_BYTES, SUM_DROPS, SUM_FULL, SUM_EVENTS, SUM_CORRUPT,
       MAX_QUEUED, NSUM };

int cluster_sum(struct dmasim_cluster *cl)
{
	const struct dmasim_comm *c = cl->comm;
	struct dmasim_cluster_info o;
	uint64_t *s, *r;
	int rc = 0;

	if (!c)
		return 0;
	cluster_local_info(cl, &o);
	s = dm_malloc(NSUM * (size_t)c->ranks * sizeof(*s));
	r = dm_malloc(NSUM * (size_t)c->ranks * sizeof(*r));
	if (!s || !r) {
		dm_free(s);
		dm_free(r);
		return DMASIM_ENOMEM;
	}
	for (int k = 0; k < c->ranks; k++) {
		uint64_t *v = s + NSUM * k;

		v[SUM_FRAMES] = o.frames;
		v[SUM_BYTES] = o.bytes;
		v[SUM_DROPS] = o.drops;
		v[SUM_FULL] = o.drops_full;
		v[SUM_EVENTS] = o.events;
		v[SUM_CORRUPT] = o.corrupted;
		v[MAX_QUEUED] = o.max_queued;
	}
	if (c->alltoall(c->ctx, s, r, NSUM)) {
		rc = DMASIM_EIO;
	} else {
		cl->totals = o;
		cl->totals.frames = cl->totals.bytes = cl->totals.drops = 0;
		cl->totals.drops_full = cl->totals.events = 0;
		cl->totals.corrupted = 0;
		for (int k = 0; k < c->ranks; k++) {
			const uint64_t *v = r + NSUM * k;

			cl->totals.frames += v[SUM_FRAMES];
			cl->totals.bytes += v[SUM_BYTES];
			cl->totals.drops += v[SUM_DROPS];
			cl->totals.drops_full += v[SUM_FULL];
			cl->totals.events += v[SUM_EVENTS];
			cl->totals.corrupted += v[SUM_CORRUPT];
			if (v[MAX_QUEUED] > cl->totals.max_queued)
				cl->totals.max_queued = v[MAX_QUEUED];
		}
		cl->have_totals = true;
	}
	dm_free(s);
	dm_free(r);
	return rc;
}
