/* cache_maint: maintenance by range, untimed (cache_maint) and as the CPU
 * runs it (cache_walk_*), and the write-back buffer.  See cache.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_int.h"
#include "kernel/alloc.h"
#include "kernel/base.h"
#include "memory.h"

static int tag_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tags of the valid lines of c in [first, last], ascending, into a
 * new array (caller frees) of *n; NULL when out of memory.  Work
 * proportional to the cache's size, not to the range's.
 */
static uint64_t *tags_in(const struct cache *c, uint64_t first,
			 uint64_t last, size_t *n)
{
	size_t total = (size_t)c->sets * c->cfg.ways, k = 0;
	uint64_t *t = dm_malloc((total ? total : 1) * sizeof(*t));

	if (!t)
		return NULL;
	for (size_t i = 0; i < total; i++)
		if (c->way[i].valid && c->way[i].tag >= first &&
		    c->way[i].tag <= last)
			t[k++] = c->way[i].tag;
	qsort(t, k, sizeof(*t), tag_cmp);
	*n = k;
	return t;
}

/* One line's part of a maintenance operation. */
static void maint_line(struct cache *c, enum cache_op op,
		       struct cache_way *w, struct cache_cost *cost);

/* One level's part of a maintenance operation over the lines of c that
 * [addr, addr + len) touches; count: add to the maintenance statistics.
 * Every line of the range costs its cycles; the walk itself visits the
 * range's lines, or, for a range longer than the cache, the cache's own
 * lines in that range (in the same ascending order). */
void cache_maint_level(struct cache *c, enum cache_op op, uint64_t addr,
			uint64_t len, struct cache_cost *cost, bool count)
{
	uint64_t first = line_of(c, addr), last = line_of(c, addr + len - 1);
	uint64_t nlines = last - first + 1, sum;
	uint32_t per = op == CACHE_CLEAN ? c->cfg.clean :
		       op == CACHE_INVAL ? c->cfg.inval : c->cfg.flush;
	uint64_t *tags;
	size_t n;

#ifdef DMASIM_MUTATE_MAINT_LINE_FREE
	per = 0;
#endif
	if (count)
		c->maint_lines += nlines;
	/* Saturates: the caller bounds the range so that it cannot. */
	if (__builtin_mul_overflow(nlines, (uint64_t)per, &sum) ||
	    __builtin_add_overflow(cost->cpu, sum, &cost->cpu))
		cost->cpu = UINT64_MAX;
	if (nlines > (uint64_t)c->sets * c->cfg.ways &&
	    (tags = tags_in(c, first, last, &n))) {
		for (size_t i = 0; i < n; i++)
			maint_line(c, op, lookup(c, tags[i]), cost);
		dm_free(tags);
		return;
	}
	for (uint64_t tag = first; tag <= last; tag++) {
		struct cache_way *w = lookup(c, tag);

		if (w)
			maint_line(c, op, w, cost);
	}
}

static void maint_line(struct cache *c, enum cache_op op,
		       struct cache_way *w, struct cache_cost *cost)
{
	if (w->dirty && op != CACHE_INVAL) {
		c->writebacks++;
		cache_write_back(c, w);
		cost->bus += c->line_cycles;
		cost->xacts++;
	}
#ifndef DMASIM_MUTATE_NO_INVALIDATE
	if (op != CACHE_CLEAN) {
		w->valid = false;
		w->dirty = false;
	}
#endif
}

void cache_maint(struct cache *c, enum cache_op op, uint64_t addr,
		 uint64_t len, struct cache_cost *cost)
{
	c->maint_ops++;
	cost->cpu += c->cfg.barrier;
	if (!len)
		return;
	for (struct cache *l = c; l; l = l->next)
		cache_maint_level(l, op, addr, len, cost, true);
}


/* ---- the write-back buffer ---- */

static inline struct cache *wb_cache(struct bus_master *m)
{
	return (struct cache *)((char *)m - offsetof(struct cache, wb.port));
}

static void wb_next(struct cache *c)
{
	if (c->wb.n && !c->wb.busy) {
		c->wb.busy = true;
		bus_request(&c->wb.port, c->line_cycles, c->line_cycles);
	}
}

/* The head line's transaction ended: its data is in memory now. */
static void wb_released(struct bus_master *m, uint64_t cycles)
{
	struct cache *c = wb_cache(m);
	struct cache_wb *b = &c->wb;
	void (*fn)(void *);

	(void)cycles;
	b->busy = false;
#ifndef DMASIM_MUTATE_WRITEBACK_SKIPPED
	bus_xact_data(m->bus, b->addr[b->head], b->data + b->head *
		      c->cfg.line, c->cfg.line, true);
#endif
	b->lines++;
	b->head = (b->head + 1) % b->cap;
	b->n--;
	wb_next(c);
	if (!b->n && b->idle) {
		fn = b->idle;
		b->idle = NULL;
		fn(b->idle_ctx);
	}
}

static const struct bus_master_ops wb_ops = {
	.released = wb_released,
};

int cache_wb_init(struct cache *c)
{
	char name[40];

	snprintf(name, sizeof(name), "%s.wb", c->name);
	if (bus_attach(c->bus, &c->wb.port, name, &wb_ops, BUS_MODE_BURST, 0))
		return DMASIM_ENOMEM;
	return stats_add(&c->sim->stats, c->name, "wb_lines", STAT_COUNTER, "",
			 &c->wb.lines) ? DMASIM_ENOMEM : 0;
}

void cache_wb_fini(struct cache *c)
{
	dm_free(c->wb.data);
	dm_free(c->wb.addr);
	c->wb.data = NULL;
	c->wb.addr = NULL;
	c->wb.n = c->wb.cap = 0;
}

void cache_wb_set_priority(struct cache *c, int priority)
{
	for (; c; c = c->next)
		c->wb.port.priority = priority;
}

/* Queue the line of w for writing back; false when out of memory (the
 * caller then writes the line at once). */
static bool wb_push(struct cache *c, struct cache_way *w)
{
	struct cache_wb *b = &c->wb;
	size_t slot;

#ifdef DMASIM_MUTATE_MAINT_NO_WRITEBACK_TRAFFIC
	return false;		/* written at once, no bus transaction */
#endif
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		uint8_t *d = dm_malloc(cap * c->cfg.line);
		uint64_t *a = dm_malloc(cap * sizeof(*a));

		if (!d || !a) {
			dm_free(d);
			dm_free(a);
			return false;
		}
		for (size_t i = 0; i < b->n; i++) {
			size_t k = (b->head + i) % (b->cap ? b->cap : 1);

			memcpy(d + i * c->cfg.line, b->data + k * c->cfg.line,
			       c->cfg.line);
			a[i] = b->addr[k];
		}
		dm_free(b->data);
		dm_free(b->addr);
		b->data = d;
		b->addr = a;
		b->cap = cap;
		b->head = 0;
	}
	slot = (b->head + b->n) % b->cap;
	b->addr[slot] = w->tag << c->line_shift;
	memcpy(b->data + slot * c->cfg.line, data_of(c, w), c->cfg.line);
	b->n++;
	w->dirty = false;
	cache_refresh_below(c, b->addr[slot], data_of(c, w), c->cfg.line);
	wb_next(c);
	return true;
}

void cache_wb_overlay(const struct cache *c, uint64_t addr, uint8_t *buf,
		      uint64_t len)
{
	const struct cache_wb *b = &c->wb;

	/* oldest first, so that the newest copy of a line wins */
	for (size_t i = 0; i < b->n; i++) {
		size_t k = (b->head + i) % b->cap;
		uint64_t la = b->addr[k], lo, hi;

		lo = la > addr ? la : addr;
		hi = la + c->cfg.line < addr + len ? la + c->cfg.line :
		     addr + len;
		if (lo < hi)
			memcpy(buf + (lo - addr), b->data + k * c->cfg.line +
			       (lo - la), hi - lo);
	}
}

bool cache_wb_wait(struct cache *c, void (*fn)(void *ctx), void *ctx)
{
	for (; c; c = c->next)
		if (c->wb.n) {
			c->wb.idle = fn;
			c->wb.idle_ctx = ctx;
			return true;
		}
	return false;
}

/* ---- maintenance as the CPU runs it ---- */

static int walk_level(struct cache_walk *w, struct cache *l)
{
	uint64_t first = line_of(l, w->addr);

	dm_free(w->tags);
	w->tags = NULL;
	w->level = l;
	w->pos = first;
	w->last = line_of(l, w->addr + w->len - 1);
	w->i = w->n = 0;
	l->maint_lines += w->last - first + 1;
	if (w->last - first + 1 > (uint64_t)l->sets * l->cfg.ways) {
		w->tags = tags_in(l, first, w->last, &w->n);
		return w->tags ? 0 : DMASIM_ENOMEM;
	}
	/* a short range: its own lines, looked up one by one */
	w->tags = dm_malloc((size_t)(w->last - first + 1) * sizeof(*w->tags));
	if (!w->tags)
		return DMASIM_ENOMEM;
	for (uint64_t t = first; t <= w->last; t++)
		if (lookup(l, t))
			w->tags[w->n++] = t;
	return 0;
}

int cache_walk_begin(struct cache_walk *w, struct cache *c, enum cache_op op,
		     uint64_t addr, uint64_t len)
{
	memset(w, 0, sizeof(*w));
	w->top = c;
	w->op = op;
	w->addr = addr;
	w->len = len;
	c->maint_ops++;
	if (!len) {
		w->stage = 1;
		return 0;
	}
	return walk_level(w, c);
}

static uint64_t lines_cycles(const struct cache *c, enum cache_op op,
			     uint64_t n)
{
	uint32_t per = op == CACHE_CLEAN ? c->cfg.clean :
		       op == CACHE_INVAL ? c->cfg.inval : c->cfg.flush;
	uint64_t sum;

#ifdef DMASIM_MUTATE_MAINT_LINE_FREE
	per = 0;	/* a line's clean, invalidate or flush costs no cycles */
#endif
	return __builtin_mul_overflow(n, (uint64_t)per, &sum) ? UINT64_MAX :
	       sum;
}

/* Apply the op to one present line; true when it wrote the line back. */
static bool walk_line(struct cache_walk *w, struct cache_way *cw)
{
	struct cache *l = w->level;
	bool wrote = false;

	if (cw->dirty && w->op != CACHE_INVAL) {
		l->writebacks++;
		if (!wb_push(l, cw))
			cache_write_back(l, cw);
		wrote = true;
	}
#ifndef DMASIM_MUTATE_NO_INVALIDATE
	if (w->op != CACHE_CLEAN) {
		cw->valid = false;
		cw->dirty = false;
	}
#endif
	return wrote;
}

enum cache_walk_step cache_walk_step(struct cache_walk *w, uint64_t *cycles)
{
	while (w->stage == 0) {
		struct cache *l = w->level;
		uint64_t end = w->last;

		/* up to and including the next line written back */
		while (w->i < w->n) {
			uint64_t t = w->tags[w->i++];
			struct cache_way *cw = lookup(l, t);

			if (cw && walk_line(w, cw)) {
				end = t;
				break;
			}
		}
		if (w->pos <= end) {
			*cycles = lines_cycles(l, w->op, end - w->pos + 1);
			w->pos = end + 1;
			return CACHE_WALK_CYCLES;
		}
		if (l->next) {
			if (walk_level(w, l->next)) {
				/* out of memory: the rest untimed */
				struct cache_cost cost = { 0 };

				for (struct cache *k = l->next; k; k = k->next)
					cache_maint_level(k, w->op, w->addr,
							  w->len, &cost, false);
				w->stage = 1;
			}
			continue;
		}
		w->stage = 1;
	}
	if (w->stage == 1) {
		struct cache *l;

		for (l = w->top; l; l = l->next)
			if (l->wb.n)
				return CACHE_WALK_WAIT;
		w->stage = 2;
		*cycles = w->top->cfg.barrier;
		return CACHE_WALK_CYCLES;
	}
	return CACHE_WALK_DONE;
}

void cache_walk_end(struct cache_walk *w)
{
	dm_free(w->tags);
	w->tags = NULL;
}
