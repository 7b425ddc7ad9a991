/*
 * evq: binary min-heap of pooled events ordered by (time, phase, sequence).
 * See evq.h for the contract.
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>
#include "alloc.h"

#define EVQ_CHUNK 256

struct evq_chunk {
	struct evq_chunk *next;
	struct event ev[EVQ_CHUNK];
};

int evq_init(struct evq *q)
{
	q->heap = NULL;
	q->len = 0;
	q->cap = 0;
	q->free = NULL;
	q->chunks = NULL;
	q->seq = 0;
	q->pooled = 0;
	return 0;
}

void evq_fini(struct evq *q)
{
	struct evq_chunk *c = q->chunks;

	while (c) {
		struct evq_chunk *next = c->next;
		dm_free(c);
		c = next;
	}
	dm_free(q->heap);
	q->heap = NULL;
	q->chunks = NULL;
	q->free = NULL;
	q->len = q->cap = 0;
}

static bool evq_grow_pool(struct evq *q)
{
	struct evq_chunk *c = dm_malloc(sizeof(*c));

	if (!c)
		return false;
	c->next = q->chunks;
	q->chunks = c;
	for (int i = EVQ_CHUNK - 1; i >= 0; i--) {
		c->ev[i].slot = EVQ_NOSLOT;
		c->ev[i].gen = 0;
		c->ev[i].next_free = q->free;
		q->free = &c->ev[i];
	}
	q->pooled += EVQ_CHUNK;
	return true;
}

bool evq_grow_heap(struct evq *q)
{
	uint32_t cap = q->cap ? q->cap * 2 : 64;
	struct event **heap = dm_realloc(q->heap, cap * sizeof(*heap));

	if (!heap)
		return false;
	q->heap = heap;
	q->cap = cap;
	return true;
}

void evq_sift_up(struct evq *q, uint32_t i, struct event *ev)
{
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		struct event *p = q->heap[parent];

		if (!evq_before(ev, p))
			break;
		q->heap[i] = p;
		p->slot = i;
		i = parent;
	}
	q->heap[i] = ev;
	ev->slot = i;
}

void evq_sift_down(struct evq *q, uint32_t i, struct event *ev)
{
	uint32_t n = q->len;

	for (;;) {
		uint32_t child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n &&
		    evq_before(q->heap[child + 1], q->heap[child]))
			child++;
		if (!evq_before(q->heap[child], ev))
			break;
		q->heap[i] = q->heap[child];
		q->heap[i]->slot = i;
		i = child;
	}
	q->heap[i] = ev;
	ev->slot = i;
}

struct event *evq_push_grow(struct evq *q, uint64_t time, enum phase phase,
			    event_fn fn, void *obj, void *ptr, uint64_t arg)
{
	assert((unsigned)phase < PHASE_COUNT);
	if (!q->free && !evq_grow_pool(q))
		return NULL;
	if (q->len == q->cap && !evq_grow_heap(q))
		return NULL;
	return evq_push(q, time, phase, fn, obj, ptr, arg);
}

bool evq_push_embedded_grow(struct evq *q, struct event *ev, uint64_t time,
			    enum phase phase)
{
	if (q->len == q->cap && !evq_grow_heap(q))
		return false;
	evq_insert(q, ev, time, phase);
	return true;
}

static void evq_remove_at(struct evq *q, uint32_t i)
{
	struct event *last = q->heap[--q->len];

	q->heap[i]->slot = EVQ_NOSLOT;
	if (i == q->len)
		return;
	if (i > 0 && evq_before(last, q->heap[(i - 1) / 2]))
		evq_sift_up(q, i, last);
	else
		evq_sift_down(q, i, last);
}

bool evq_cancel(struct evq *q, struct ev_handle h)
{
	if (!evq_pending(h))
		return false;
	evq_remove_at(q, h.ev->slot);
	if (!evq_embedded(h.ev))
		evq_release(q, h.ev);
	return true;
}

bool evq_check(const struct evq *q)
{
	for (uint32_t i = 0; i < q->len; i++) {
		if (q->heap[i]->slot != i)
			return false;
		if (i > 0 && evq_before(q->heap[i], q->heap[(i - 1) / 2]))
			return false;
	}
	return true;
}
