/* traceread_tab: the tables a trace is read into (tracks by pid and tid,
 * interned names, systems), and their order once it is read.  See
 * traceread.h. */
#include "traceread_int.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/util.h"

#define TAB_MAX_DEPTH 64		/* nesting tracked per track */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t track_hash(int64_t pid, int64_t tid)
{
	return mix((uint64_t)pid * 0x9e3779b97f4a7c15ULL + (uint64_t)tid);
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return mix(h);
}

/* Grow the open-addressing table slot[cap] (entries: index + 1) to twice
 * its size, rehashing its n entries by hash(i). */
static int rehash(size_t **slot, size_t *cap, size_t n,
		  const struct traceread *tr,
		  uint64_t (*hash)(const struct traceread *, size_t))
{
	size_t c = *cap ? 2 * *cap : 64, *s = dm_calloc(c, sizeof(*s));

	if (!s)
		return DMASIM_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		size_t i = hash(tr, k) & (c - 1);

		while (s[i])
			i = (i + 1) & (c - 1);
		s[i] = k + 1;
	}
	dm_free(*slot);
	*slot = s;
	*cap = c;
	return 0;
}

static uint64_t track_hash_of(const struct traceread *tr, size_t k)
{
	return track_hash(tr->track[k].pid, tr->track[k].tid);
}

static uint64_t name_hash_of(const struct traceread *tr, size_t k)
{
	return name_hash(tr->name[k]);
}

/* The track (pid, tid), made when new.  Returns 0 or DMASIM_ENOMEM. */
int traceread_track_of(struct traceread *tr, int64_t pid, int64_t tid,
		    struct traceread_track **out)
{
	struct traceread_track *t;
	size_t i, mask;
	int err;

	if (2 * (tr->ntrack + 1) > tr->tcap &&
	    (err = rehash(&tr->tslot, &tr->tcap, tr->ntrack, tr,
			  track_hash_of)))
		return err;
	mask = tr->tcap - 1;
	for (i = track_hash(pid, tid) & mask; tr->tslot[i]; i = (i + 1) & mask) {
		t = &tr->track[tr->tslot[i] - 1];
		if (t->pid == pid && t->tid == tid) {
			*out = t;
			return 0;
		}
	}
	if (tr->ntrack == tr->ctrack) {
		size_t n = tr->ctrack ? 2 * tr->ctrack : 16;

		t = dm_realloc(tr->track, n * sizeof(*t));
		if (!t)
			return DMASIM_ENOMEM;
		tr->track = t;
		tr->ctrack = n;
	}
	t = &tr->track[tr->ntrack];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	t->sort = tid;
	tr->tslot[i] = ++tr->ntrack;
	*out = t;
	return 0;
}

/* The index of a span or instant name, interned.  Returns 0 or
 * DMASIM_ENOMEM. */
int traceread_name_of(struct traceread *tr, const char *s, uint32_t *out)
{
	size_t i, mask;
	int err;

	if (2 * (tr->nname + 1) > tr->ncap &&
	    (err = rehash(&tr->nslot, &tr->ncap, tr->nname, tr,
			  name_hash_of)))
		return err;
	mask = tr->ncap - 1;
	for (i = name_hash(s) & mask; tr->nslot[i]; i = (i + 1) & mask) {
		if (!strcmp(tr->name[tr->nslot[i] - 1], s)) {
			*out = (uint32_t)(tr->nslot[i] - 1);
			return 0;
		}
	}
	if (tr->nname == tr->cname) {
		size_t n = tr->cname ? 2 * tr->cname : 16;
		char **p = dm_realloc(tr->name, n * sizeof(*p));

		if (!p)
			return DMASIM_ENOMEM;
		tr->name = p;
		tr->cname = n;
	}
	if (!(tr->name[tr->nname] = util_strdup(s)))
		return DMASIM_ENOMEM;
	*out = (uint32_t)tr->nname;
	tr->nslot[i] = ++tr->nname;
	return 0;
}

/* The system of pid, made when new. */
int traceread_sys_of(struct traceread *tr, int64_t pid,
		  struct traceread_sys **out)
{
	struct traceread_sys *s;

	for (size_t i = 0; i < tr->nsys; i++)
		if (tr->sys[i].pid == pid) {
			*out = &tr->sys[i];
			return 0;
		}
	s = dm_realloc(tr->sys, (tr->nsys + 1) * sizeof(*s));
	if (!s)
		return DMASIM_ENOMEM;
	tr->sys = s;
	s = &tr->sys[tr->nsys++];
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->sort = pid;
	*out = s;
	return 0;
}

/* Replace *dst with a copy of s. */
int traceread_set_name(char **dst, const char *s)
{
	char *p = util_strdup(s);

	if (!p)
		return DMASIM_ENOMEM;
	dm_free(*dst);
	*dst = p;
	return 0;
}

static int span_cmp(const void *a, const void *b)
{
	const struct traceread_span *x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (x->e != y->e)
		return x->e > y->e ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

static int inst_cmp(const void *a, const void *b)
{
	const struct traceread_inst *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

static int track_cmp(const void *a, const void *b)
{
	const struct traceread_track *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int sys_cmp(const void *a, const void *b)
{
	const struct traceread_sys *x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Each track's spans in order with their depths; each system's tracks,
 * extent and counts; default names. */
int traceread_finish(struct traceread *tr)
{
	char buf[48];
	int err;

	if (tr->ntrack)
		qsort(tr->track, tr->ntrack, sizeof(*tr->track), track_cmp);
	dm_free(tr->tslot);	/* the order changed: the table is stale */
	tr->tslot = NULL;
	tr->tcap = 0;
	for (size_t i = 0; i < tr->ntrack; i++) {
		struct traceread_track *t = &tr->track[i];
		int64_t end[TAB_MAX_DEPTH];
		struct traceread_sys *s;
		size_t *p, top = 0;

		/* an empty list's pointer is NULL, which qsort may not take */
		if (t->nspan)
			qsort(t->span, t->nspan, sizeof(*t->span), span_cmp);
		if (t->ninst)
			qsort(t->inst, t->ninst, sizeof(*t->inst), inst_cmp);
		for (size_t k = 0; k < t->nspan; k++) {
			while (top && end[top - 1] <= t->span[k].b)
				top--;
			t->span[k].depth = (uint32_t)top;
			if (top < TAB_MAX_DEPTH)
				end[top++] = t->span[k].e;
		}
		if (!t->name) {
			snprintf(buf, sizeof(buf), "tid %" PRId64, t->tid);
			if ((err = traceread_set_name(&t->name, buf)))
				return err;
		}
		if ((err = traceread_sys_of(tr, t->pid, &s)))
			return err;
		p = dm_realloc(s->track, (s->ntrack + 1) * sizeof(*p));
		if (!p)
			return DMASIM_ENOMEM;
		s->track = p;
		s->track[s->ntrack++] = i;
	}
	if (tr->nsys)
		qsort(tr->sys, tr->nsys, sizeof(*tr->sys), sys_cmp);
	for (size_t i = 0; i < tr->nsys; i++) {
		struct traceread_sys *s = &tr->sys[i];
		bool any = false;
		int64_t lo = 0, hi = 0;

		for (size_t k = 0; k < s->ntrack; k++) {
			const struct traceread_track *t = &tr->track[s->track[k]];

			for (size_t j = 0; j < t->nspan; j++) {
				if (!any || t->span[j].b < lo)
					lo = t->span[j].b;
				if (!any || t->span[j].e > hi)
					hi = t->span[j].e;
				any = true;
			}
			for (size_t j = 0; j < t->ninst; j++) {
				if (!any || t->inst[j].at < lo)
					lo = t->inst[j].at;
				if (!any || t->inst[j].at > hi)
					hi = t->inst[j].at;
				any = true;
			}
			s->nspan += t->nspan;
			s->ninst += t->ninst;
		}
		if (tr->has_from && (!any || tr->from < lo))
			lo = tr->from;
		s->t0 = lo;
		s->t1 = hi > lo ? hi : lo;
		if (!s->name) {
			snprintf(buf, sizeof(buf), "pid %" PRId64, s->pid);
			if ((err = traceread_set_name(&s->name, buf)))
				return err;
		}
	}
	return 0;
}

void traceread_free(struct traceread *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->ntrack; i++) {
		dm_free(tr->track[i].name);
		dm_free(tr->track[i].span);
		dm_free(tr->track[i].inst);
	}
	for (size_t i = 0; i < tr->nsys; i++) {
		dm_free(tr->sys[i].name);
		dm_free(tr->sys[i].track);
	}
	for (size_t i = 0; i < tr->nname; i++)
		dm_free(tr->name[i]);
	dm_free(tr->track);
	dm_free(tr->sys);
	dm_free(tr->name);
	dm_free(tr->tslot);
	dm_free(tr->nslot);
	dm_free(tr);
}

