/* stats: the registry of named statistics.  See stats.h. */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/base.h"
#include "kernel/vec.h"
#include "alloc.h"

void stats_init(struct stats *s)
{
	s->v = NULL;
	s->len = s->cap = 0;
}

void stats_fini(struct stats *s)
{
	for (size_t i = 0; i < s->len; i++)
		dm_free(s->v[i].name);
	dm_free(s->v);
	stats_init(s);
}

int stats_add(struct stats *s, const char *prefix, const char *name,
	      enum stat_kind kind, const char *unit, const void *ptr)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	size_t nlen = strlen(name);
	char *full;

	VEC_RESERVE(s->v, s->len, s->cap, return DMASIM_ENOMEM);
	full = dm_malloc(plen + nlen + 2);
	if (!full)
		return DMASIM_ENOMEM;
	if (plen) {
		memcpy(full, prefix, plen);
		full[plen] = '.';
		memcpy(full + plen + 1, name, nlen + 1);
	} else {
		memcpy(full, name, nlen + 1);
	}
	s->v[s->len].name = full;
	s->v[s->len].kind = kind;
	s->v[s->len].unit = unit ? unit : "";
	s->v[s->len].ptr = ptr;
	s->v[s->len].fn = NULL;
	s->v[s->len].count = NULL;
	s->len++;
	return 0;
}

/* A statistic whose value is derived when read: by fn (STAT_FN) or, for a
 * counter, by count. */
static int stats_add_derived(struct stats *s, const char *prefix,
			     const char *name, const char *unit,
			     const void *obj, stat_fn fn, stat_count_fn count)
{
	int err = stats_add(s, prefix, name, fn ? STAT_FN : STAT_COUNTER,
			    unit, obj);

	if (!err) {
		s->v[s->len - 1].fn = fn;
		s->v[s->len - 1].count = count;
	}
	return err;
}

int stats_add_fn(struct stats *s, const char *prefix, const char *name,
		 const char *unit, stat_fn fn, const void *obj)
{
	return stats_add_derived(s, prefix, name, unit, obj, fn, NULL);
}

int stats_add_count(struct stats *s, const char *prefix, const char *name,
		    const char *unit, stat_count_fn fn, const void *obj)
{
	return stats_add_derived(s, prefix, name, unit, obj, NULL, fn);
}

uint64_t stat_count(const struct stat_entry *e)
{
	return e->count ? e->count(e->ptr) : *(const uint64_t *)e->ptr;
}

double stat_read(const struct stat_entry *e, uint64_t now)
{
	switch (e->kind) {
	case STAT_COUNTER:
		return (double)stat_count(e);
	case STAT_VALUE:
		return *(const double *)e->ptr;
	case STAT_TAVG:
		return stat_tavg_mean(e->ptr, now);
	case STAT_HIST:
		return stat_hist_mean(e->ptr);
	case STAT_FN:
		return e->fn(e->ptr, now);
	}
	return 0;
}

const struct stat_entry *stats_find(const struct stats *s, const char *name)
{
	for (size_t i = 0; i < s->len; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

double stat_tavg_mean(const struct stat_tavg *a, uint64_t now)
{
	double integral = a->integral + a->value * (double)(now - a->last);

	if (now <= a->start)
		return a->value;
	return integral / (double)(now - a->start);
}

void stat_hist_add(struct stat_hist *h, uint64_t x)
{
	int b = x ? 64 - __builtin_clzll(x) : 0;

	if (!h->count || x < h->min)
		h->min = x;
	if (!h->count || x > h->max)
		h->max = x;
	h->count++;
	h->sum += (double)x;
	h->bucket[b]++;
}

double stat_hist_mean(const struct stat_hist *h)
{
	return h->count ? h->sum / (double)h->count : 0.0;
}
