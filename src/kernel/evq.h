/*
 * evq: the event queue at the heart of the kernel.
 *
 * Events are ordered by (time, phase, insertion sequence).  Time is in
 * picoseconds; the phase orders what happens within one instant (releases
 * before requests before arbitration) whatever order the events were
 * scheduled in; the sequence number breaks the remaining ties in insertion
 * order, which makes every run deterministic.
 *
 * Events come from a pooled free list grown in chunks, so scheduling never
 * mallocs in the steady state.  The queue is a binary min-heap of event
 * pointers; each event remembers its heap slot, so cancellation removes it
 * directly with no search.  A handle carries a generation number so that a
 * stale handle (its event already fired or cancelled, its memory reused)
 * is recognised and cancelling it does nothing.
 *
 * An object that keeps one event of its own queued again and again (a
 * bus's end of tenure) may embed it instead of taking one from the pool
 * each time: evq_embed() sets its callback and payload once,
 * evq_push_embedded() queues it at a time and phase.  An embedded event
 * never enters the pool, so the event loop leaves it alone once its
 * callback has returned, and the callback may queue it again.
 */
#ifndef DMASIM_KERNEL_EVQ_H
#define DMASIM_KERNEL_EVQ_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

struct sim;
struct event;

/* Phases within one instant, applied in this order. */
enum phase {
	PHASE_RELEASE = 0,	/* bus tenures end, transfers complete */
	PHASE_WAKE = 1,		/* processes woken by signals run */
	PHASE_REQUEST = 2,	/* timed waits end, new requests are made */
	PHASE_ARBITRATE = 3,	/* arbiters pick a winner */
	PHASE_LATE = 4,		/* end-of-instant bookkeeping */
	PHASE_COUNT
};

typedef void (*event_fn)(struct sim *sim, struct event *ev);

/* An event with an inline payload: two pointers and a number. */
struct event {
	uint64_t time;		/* ps */
	uint64_t key;		/* phase << 56 | sequence */
	event_fn fn;
	void *obj;
	void *ptr;
	uint64_t arg;
	uint32_t slot;		/* heap index, EVQ_NOSLOT when not queued */
	uint32_t gen;		/* bumped each time the event is recycled */
	struct event *next_free;	/* itself: an embedded event */
};

#define EVQ_NOSLOT UINT32_MAX
#define EVQ_PHASE_SHIFT 56

/* What a caller keeps to cancel an event later. */
struct ev_handle {
	struct event *ev;
	uint32_t gen;
};

struct evq_chunk;

struct evq {
	struct event **heap;	/* heap[0] is the earliest event */
	uint32_t len;
	uint32_t cap;
	struct event *free;	/* pooled events */
	struct evq_chunk *chunks;
	uint64_t seq;
	uint64_t pooled;	/* events ever allocated into the pool */
};

int evq_init(struct evq *q);
void evq_fini(struct evq *q);

#if defined(__GNUC__)
#define EVQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define EVQ_UNLIKELY(x) (x)
#endif

/* The out-of-line halves of evq_push(), evq_push_embedded() and
 * evq_pop() (evq.c): growing the pool or the heap (false: out of memory),
 * and sifting an event from hole i up or down. */
struct event *evq_push_grow(struct evq *q, uint64_t time, enum phase phase,
			    event_fn fn, void *obj, void *ptr, uint64_t arg);
bool evq_grow_heap(struct evq *q);
bool evq_push_embedded_grow(struct evq *q, struct event *ev, uint64_t time,
			    enum phase phase);
void evq_sift_up(struct evq *q, uint32_t i, struct event *ev);
void evq_sift_down(struct evq *q, uint32_t i, struct event *ev);

static inline bool evq_before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->key < b->key);
}

/* Queue ev, whose payload is set, at (time, phase); the heap has room. */
static inline void evq_insert(struct evq *q, struct event *ev, uint64_t time,
			      enum phase phase)
{
	uint32_t i = q->len;

	assert((unsigned)phase < PHASE_COUNT && i < q->cap);
	ev->time = time;
	ev->key = ((uint64_t)phase << EVQ_PHASE_SHIFT) | q->seq++;
	q->len = i + 1;
	if (i && evq_before(ev, q->heap[(i - 1) / 2])) {
		evq_sift_up(q, i, ev);
	} else {
		q->heap[i] = ev;
		ev->slot = i;
	}
}

/*
 * Take an event from the pool, fill it and queue it.  Returns NULL only when
 * the pool cannot grow (out of memory).  Inline: the queue is usually short
 * and a new event usually later than its parent, so the common case is a
 * few stores; growth and sifting are out of line.
 */
static inline struct event *evq_push(struct evq *q, uint64_t time,
				     enum phase phase, event_fn fn, void *obj,
				     void *ptr, uint64_t arg)
{
	struct event *ev = q->free;
	uint32_t i = q->len;

	assert((unsigned)phase < PHASE_COUNT);
	if (EVQ_UNLIKELY(!ev || i == q->cap))
		return evq_push_grow(q, time, phase, fn, obj, ptr, arg);
	q->free = ev->next_free;
	ev->fn = fn;
	ev->obj = obj;
	ev->ptr = ptr;
	ev->arg = arg;
	evq_insert(q, ev, time, phase);
	return ev;
}

/* Make ev, in the caller's memory, an embedded event (see above) that
 * runs fn with this payload; it is not queued. */
static inline void evq_embed(struct event *ev, event_fn fn, void *obj,
			     void *ptr, uint64_t arg)
{
	ev->fn = fn;
	ev->obj = obj;
	ev->ptr = ptr;
	ev->arg = arg;
	ev->slot = EVQ_NOSLOT;
	ev->gen = 0;
	ev->next_free = ev;
}

static inline bool evq_embedded(const struct event *ev)
{
	return ev->next_free == ev;
}

/* Queue an embedded event that is not queued.  Returns false only when
 * the heap cannot grow (out of memory).  Growth and the insertion after
 * it are one out-of-line call, so that the caller keeps nothing of its
 * own across it. */
static inline bool evq_push_embedded(struct evq *q, struct event *ev,
				     uint64_t time, enum phase phase)
{
	assert(evq_embedded(ev) && ev->slot == EVQ_NOSLOT);
	if (EVQ_UNLIKELY(q->len == q->cap))
		return evq_push_embedded_grow(q, ev, time, phase);
	evq_insert(q, ev, time, phase);
	return true;
}

/* The earliest event without removing it, or NULL when empty. */
static inline struct event *evq_peek(const struct evq *q)
{
	return q->len ? q->heap[0] : 0;
}

/* Remove and return the earliest event; the caller must evq_release() it. */
static inline struct event *evq_pop(struct evq *q)
{
	struct event *ev;
	uint32_t n = q->len;

	if (!n)
		return 0;
	ev = q->heap[0];
	ev->slot = EVQ_NOSLOT;
	q->len = --n;
	if (n == 1) {
		q->heap[0] = q->heap[1];
		q->heap[0]->slot = 0;
	} else if (n) {
		evq_sift_down(q, 0, q->heap[n]);
	}
	return ev;
}

/* Return a popped (or cancelled) event to the pool; not an embedded
 * one. */
static inline void evq_release(struct evq *q, struct event *ev)
{
	assert(ev->slot == EVQ_NOSLOT && !evq_embedded(ev));
	ev->gen++;
	ev->next_free = q->free;
	q->free = ev;
}

/* Cancel a queued event (an embedded one stays the caller's).  Returns
 * false when the handle is stale (for an embedded event: it is not
 * queued). */
bool evq_cancel(struct evq *q, struct ev_handle h);

static inline struct ev_handle evq_handle(struct event *ev)
{
	struct ev_handle h = { ev, ev ? ev->gen : 0 };
	return h;
}

static inline bool evq_pending(struct ev_handle h)
{
	return h.ev && h.ev->gen == h.gen && h.ev->slot != EVQ_NOSLOT;
}

static inline enum phase event_phase(const struct event *ev)
{
	return (enum phase)(ev->key >> EVQ_PHASE_SHIFT);
}

/* Invariant checker for tests and assert(): heap order and slots agree. */
bool evq_check(const struct evq *q);

#endif
