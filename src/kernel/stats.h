/*
 * stats: a registry of named statistics.  Components own their statistics
 * (plain fields in their state, so the hot path pays one add) and register a
 * pointer under a hierarchical name ("bus.dma1.grants").  The registry only
 * reads them when it is dumped.
 *
 * Kinds: counters (uint64_t), values (double), time-weighted averages
 * (utilisation, queue depth) and histograms (log2 buckets, for latencies),
 * and values derived when read (STAT_FN).
 */
#ifndef DMASIM_KERNEL_STATS_H
#define DMASIM_KERNEL_STATS_H

#include <stddef.h>
#include <stdint.h>

enum stat_kind { STAT_COUNTER, STAT_VALUE, STAT_TAVG, STAT_HIST, STAT_FN };

/* A statistic derived when read from a component's own counters (no cost
 * on the hot path): obj is the component, now the time of reading. */
typedef double (*stat_fn)(const void *obj, uint64_t now);
/* A counter derived when read from other counters (a bus's grants, the sum
 * of its masters'), so that the hot path keeps one count, not two. */
typedef uint64_t (*stat_count_fn)(const void *obj);

/* A value held over time; its mean weighs each value by how long it held. */
struct stat_tavg {
	uint64_t start;		/* ps: when observation began */
	uint64_t last;		/* ps: when value last changed */
	double value;
	double integral;	/* value * ps accumulated up to `last` */
};

#define STAT_HIST_BUCKETS 65	/* bucket i holds values with bit length i */

struct stat_hist {
	uint64_t count;
	uint64_t min, max;
	double sum;
	uint64_t bucket[STAT_HIST_BUCKETS];
};

struct stat_entry {
	char *name;
	enum stat_kind kind;
	const char *unit;	/* static string: "cycles", "ps", "bytes", "" */
	const void *ptr;
	stat_fn fn;		/* STAT_FN: the value is fn(ptr, now) */
	stat_count_fn count;	/* STAT_COUNTER: the count is count(ptr);
				 * NULL: *(uint64_t *)ptr */
};

struct stats {
	struct stat_entry *v;
	size_t len, cap;
};

void stats_init(struct stats *s);
void stats_fini(struct stats *s);

/*
 * Register a statistic named prefix "." name (or name alone when prefix is
 * NULL or empty).  The registry copies the name; ptr must outlive the
 * registry.  Returns 0 or DMASIM_ENOMEM.
 */
int stats_add(struct stats *s, const char *prefix, const char *name,
	      enum stat_kind kind, const char *unit, const void *ptr);

/* Register a derived statistic: its value is fn(obj, now) when read.
 * Returns 0 or DMASIM_ENOMEM. */
int stats_add_fn(struct stats *s, const char *prefix, const char *name,
		 const char *unit, stat_fn fn, const void *obj);

/* Register a derived counter: its count is fn(obj) when read.  Returns 0
 * or DMASIM_ENOMEM. */
int stats_add_count(struct stats *s, const char *prefix, const char *name,
		    const char *unit, stat_count_fn fn, const void *obj);

/* A counter's count (a STAT_COUNTER entry). */
uint64_t stat_count(const struct stat_entry *e);

/* The value of an entry at time now, as a number (a histogram: its
 * mean). */
double stat_read(const struct stat_entry *e, uint64_t now);

/* The entry with this exact name, or NULL. */
const struct stat_entry *stats_find(const struct stats *s, const char *name);

static inline void stat_tavg_init(struct stat_tavg *a, uint64_t now,
				  double value)
{
	a->start = a->last = now;
	a->value = value;
	a->integral = 0;
}

static inline void stat_tavg_set(struct stat_tavg *a, uint64_t now,
				 double value)
{
	a->integral += a->value * (double)(now - a->last);
	a->last = now;
	a->value = value;
}

/* The time-weighted mean from start to now (the current value if no time
 * has passed). */
double stat_tavg_mean(const struct stat_tavg *a, uint64_t now);

void stat_hist_add(struct stat_hist *h, uint64_t x);
double stat_hist_mean(const struct stat_hist *h);

#endif
