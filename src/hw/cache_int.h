/*
 * cache_int: what the files of the cache model share (cache.c: lines,
 * accesses, snooping; cache_maint.c: maintenance by range and the
 * write-back buffer).  Private to the model; see cache.h.
 */
#ifndef DMASIM_HW_CACHE_INT_H
#define DMASIM_HW_CACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"

static inline uint64_t line_of(const struct cache *c, uint64_t addr)
{
	return addr >> c->line_shift;
}

static inline struct cache_way *set_of(const struct cache *c, uint64_t tag)
{
	return &c->way[(tag % c->sets) * c->cfg.ways];
}

static inline uint8_t *data_of(const struct cache *c,
			       const struct cache_way *w)
{
	return c->data + (uint64_t)(w - c->way) * c->cfg.line;
}

static inline struct cache_way *lookup(const struct cache *c, uint64_t tag)
{
	struct cache_way *s = set_of(c, tag);

	for (uint32_t i = 0; i < c->cfg.ways; i++)
		if (s[i].valid && s[i].tag == tag)
			return &s[i];
	return NULL;
}

/* Write a dirty line to memory at once (eviction, snoop), refreshing any
 * copy in a lower level (cache.c). */
void cache_write_back(struct cache *c, struct cache_way *w);

/* Refresh the copies the levels below c hold of [addr, addr + len)
 * (cache.c). */
void cache_refresh_below(struct cache *c, uint64_t addr, const void *p,
			 uint64_t len);

/* One level's part of an untimed maintenance operation (cache_maint.c). */
void cache_maint_level(struct cache *c, enum cache_op op, uint64_t addr,
		       uint64_t len, struct cache_cost *cost, bool count);

/* The write-back buffer (cache_maint.c): attach its bus port; lay any
 * line it still holds over buf, the bytes [addr, addr + len) just read
 * from memory. */
int cache_wb_init(struct cache *c);
void cache_wb_fini(struct cache *c);
void cache_wb_overlay(const struct cache *c, uint64_t addr, uint8_t *buf,
		      uint64_t len);

#endif
