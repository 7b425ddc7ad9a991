/* cache: set-associative write-back cache with real line data.  See
 * cache.h. */
#include "cache.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "kernel/alloc.h"
#include "kernel/base.h"
#include "memory.h"
#include "cache_int.h"

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Memory behind the whole line at tag, or NULL. */
static struct memory *line_mem(const struct cache *c, uint64_t tag,
			       uint64_t *off)
{
	return memory_of(bus_route(c->bus, tag << c->line_shift, c->cfg.line,
				   off));
}

static void xfer_next(struct cache *n, uint64_t addr, uint8_t *buf,
		      uint64_t len, bool write, struct cache_cost *cost);
static void view(struct cache *c, uint64_t addr, uint8_t *p, uint64_t len,
		 bool write, bool refresh);

/* Write a dirty line to the point of coherency (memory); a copy of it in a
 * lower level is refreshed and keeps its own dirty state (clean stays
 * clean: it now equals memory; dirty may hold other newer bytes). */
void cache_write_back(struct cache *c, struct cache_way *w)
{
	uint64_t off, addr = w->tag << c->line_shift;
	struct memory *mem = line_mem(c, w->tag, &off);

	assert(mem);
#ifndef DMASIM_MUTATE_WRITEBACK_SKIPPED
	memory_write(mem, off, data_of(c, w), c->cfg.line);
#else
	(void)mem;
#endif
	w->dirty = false;
	cache_refresh_below(c, addr, data_of(c, w), c->cfg.line);
}

void cache_refresh_below(struct cache *c, uint64_t addr, const void *p,
			 uint64_t len)
{
	for (struct cache *n = c->next; n; n = n->next)
		view(n, addr, (uint8_t *)(uintptr_t)p, len, true, true);
}

/* An evicted dirty line goes one level down: into the next cache, or to
 * memory over the bus. */
static void write_down(struct cache *c, struct cache_way *w,
		       struct cache_cost *cost)
{
	if (!c->next) {
		cache_write_back(c, w);
		cost->bus += c->line_cycles;
		cost->xacts++;
		return;
	}
	xfer_next(c->next, w->tag << c->line_shift, data_of(c, w),
		  c->cfg.line, true, cost);
	w->dirty = false;
}

bool cache_cacheable(const struct cache *c, uint64_t addr)
{
#ifdef DMASIM_MUTATE_CACHE_NC_IGNORED
	/* non-cacheable pages cached like any other */
	(void)c;
	(void)addr;
	return true;
#endif
	for (unsigned i = 0; i < c->nnc; i++)
		if (addr >= c->nc[i].base && addr < c->nc[i].end)
			return false;
	return true;
}

/* Fill a line, evicting the LRU way: from the next level, or from memory
 * over the bus.  With !load the caller overwrites the whole line, so
 * nothing is read. */
static struct cache_way *fill(struct cache *c, uint64_t tag,
			      struct cache_cost *cost, bool load)
{
	struct cache_way *s = set_of(c, tag), *v = &s[0];
	uint64_t off;
	struct memory *mem;

	for (uint32_t i = 0; i < c->cfg.ways; i++) {
		if (!s[i].valid) {
			v = &s[i];
			break;
		}
		if (s[i].used < v->used)
			v = &s[i];
	}
	if (v->valid) {
		c->evictions++;
		if (v->dirty) {
			c->writebacks++;
			write_down(c, v, cost);
		}
	}
	c->misses++;
	if (load && c->next) {
		xfer_next(c->next, tag << c->line_shift, data_of(c, v),
			  c->cfg.line, false, cost);
	} else if (load) {
		mem = line_mem(c, tag, &off);
		memory_read(mem, off, data_of(c, v), c->cfg.line);
		cache_wb_overlay(c, tag << c->line_shift, data_of(c, v),
				 c->cfg.line);
		cost->bus += c->line_cycles;
		cost->xacts++;
	}
	v->tag = tag;
	v->valid = true;
	v->dirty = false;
	return v;
}

/* A line moving between the level above and n: n's hit cycles once, then
 * n's own misses (fills, write-backs) below it. */
static void xfer_next(struct cache *n, uint64_t addr, uint8_t *buf,
		      uint64_t len, bool write, struct cache_cost *cost)
{
	cost->cpu += n->cfg.hit;
	while (len) {
		uint64_t tag = line_of(n, addr);
		uint64_t in = addr & (n->cfg.line - 1);
		uint64_t k = n->cfg.line - in < len ? n->cfg.line - in : len;
		struct cache_way *w = lookup(n, tag);

		if (w)
			n->hits++;
		else
			w = fill(n, tag, cost, !(write && k == n->cfg.line));
		w->used = ++n->stamp;
		if (write) {
			memcpy(data_of(n, w) + in, buf, k);
			w->dirty = true;
		} else {
			memcpy(buf, data_of(n, w) + in, k);
		}
		buf += k;
		addr += k;
		len -= k;
	}
}

bool cache_access(struct cache *c, uint64_t addr, void *data, uint64_t len,
		  bool write, struct cache_cost *cost)
{
	uint64_t off;
	struct bus_target *t = bus_route(c->bus, addr, len, &off);
	struct memory *mem = memory_of(t);
	uint64_t words = (len + c->cfg.word - 1) / c->cfg.word;
	uint8_t *p = data;

	if (!mem)
		return false;
	if (c->watch.cpu_access)
		c->watch.cpu_access(c->watch.ctx, c, addr, len, write);
	if (!cache_cacheable(c, addr)) {
		/* every word its own transaction, straight to memory */
		struct bus_target *tt;
		uint64_t o;

		c->uncached += words;
		cost->bus += words * bus_xact_cycles(c->bus, addr, c->cfg.word
						     < len ? c->cfg.word : len,
						     write, &tt, &o);
		cost->xacts += words;
		if (write)
			memory_write(mem, off, data, len);
		else
			memory_read(mem, off, data, len);
		return true;
	}
	cost->cpu += words * c->cfg.hit;
	while (len) {
		uint64_t tag = line_of(c, addr);
		uint64_t in = addr & (c->cfg.line - 1);
		uint64_t n = c->cfg.line - in < len ? c->cfg.line - in : len;
		struct cache_way *w = lookup(c, tag);

		if (w)
			c->hits++;
		else
			w = fill(c, tag, cost, true);
		w->used = ++c->stamp;
		if (write) {
			memcpy(data_of(c, w) + in, p, n);
			w->dirty = true;
		} else {
			memcpy(p, data_of(c, w) + in, n);
		}
		p += n;
		addr += n;
		len -= n;
	}
	return true;
}

/* Untimed copy between p and what the CPU sees at [addr, addr + len): the
 * first level holding each line, else memory; a store marks the line
 * dirty.  With `refresh` (a write-back passing by), only copies held at
 * this level are updated, their dirty state kept. */
static void view(struct cache *c, uint64_t addr, uint8_t *p, uint64_t len,
		 bool write, bool refresh)
{
	while (len) {
		uint64_t in = addr & (c->cfg.line - 1);
		uint64_t n = c->cfg.line - in < len ? c->cfg.line - in : len;
		struct cache_way *w = lookup(c, line_of(c, addr));
		uint64_t off;
		struct memory *mem;

		if (w && write) {
			memcpy(data_of(c, w) + in, p, n);
			if (!refresh)
				w->dirty = true;
		} else if (w) {
			memcpy(p, data_of(c, w) + in, n);
		} else if (refresh) {
			/* not held here */
		} else if (c->next) {
			view(c->next, addr, p, n, write, false);
		} else if ((mem = memory_of(bus_route(c->bus, addr, n,
						      &off)))) {
			if (write) {
				memory_write(mem, off, p, n);
			} else {
				memory_read(mem, off, p, n);
				cache_wb_overlay(c, addr, p, n);
			}
		}
		p += n;
		addr += n;
		len -= n;
	}
}

void cache_view_read(struct cache *c, uint64_t addr, void *dst, uint64_t len)
{
	view(c, addr, dst, len, false, false);
}

void cache_view_write(struct cache *c, uint64_t addr, const void *src,
		      uint64_t len)
{
	view(c, addr, (uint8_t *)(uintptr_t)src, len, true, false);
}

bool cache_dirty_in(const struct cache *c, uint64_t addr, uint64_t len,
		    uint64_t *first)
{
	uint64_t lo, hi;

	if (!len)
		return false;
	lo = line_of(c, addr);
	hi = line_of(c, addr + len - 1);
	if (hi - lo >= (uint64_t)c->sets * c->cfg.ways) {
		/* a range longer than the cache: its own lines, lowest dirty
		 * one first */
		bool found = false;
		uint64_t best = 0;

		for (size_t i = 0; i < (size_t)c->sets * c->cfg.ways; i++) {
			const struct cache_way *w = &c->way[i];

			if (w->valid && w->dirty && w->tag >= lo &&
			    w->tag <= hi && (!found || w->tag < best)) {
				best = w->tag;
				found = true;
			}
		}
		if (found) {
			if (first)
				*first = best << c->line_shift;
			return true;
		}
		return c->next && cache_dirty_in(c->next, addr, len, first);
	}
	for (uint64_t tag = lo; tag <= hi; tag++) {
		const struct cache_way *w = lookup(c, tag);

		if (w && w->dirty) {
			if (first)
				*first = tag << c->line_shift;
			return true;
		}
	}
	return c->next && cache_dirty_in(c->next, addr, len, first);
}

bool cache_present(const struct cache *c, uint64_t addr, bool *dirty)
{
	const struct cache_way *w = lookup(c, line_of(c, addr));

	if (dirty)
		*dirty = w && w->dirty;
	return w != NULL;
}

/* ---- coherent I/O ---- */

static void snoop_access(struct bus_snooper *s, const struct bus_master *m,
			 uint64_t addr, uint64_t len, bool write)
{
	struct cache *c = (struct cache *)((char *)s -
					   offsetof(struct cache, snooper));

	(void)m;
#ifdef DMASIM_MUTATE_SNOOP_IGNORED
	/* a coherent cache counts the snoop but neither writes back nor
	 * invalidates the line */
	c->snoops += len ? line_of(c, addr + len - 1) - line_of(c, addr) + 1 : 0;
	return;
#endif
	if (!len)
		return;
	for (uint64_t tag = line_of(c, addr); tag <= line_of(c, addr + len - 1);
	     tag++) {
		struct cache_way *w = lookup(c, tag);

		c->snoops++;
		if (!w)
			continue;
		if (write) {
			/* memory now holds the newest data */
			c->snoop_invals++;
			w->valid = false;
			w->dirty = false;
		} else if (w->dirty) {
			c->snoop_writebacks++;
			cache_write_back(c, w);
		}
	}
}

static uint64_t snoop_cycles(struct bus_snooper *s, uint64_t addr,
			     uint64_t len)
{
	struct cache *c = (struct cache *)((char *)s -
					   offsetof(struct cache, snooper));
	uint64_t off;

	if (!len || !memory_of(bus_route(c->bus, addr, len, &off)))
		return 0;

	return (line_of(c, addr + len - 1) - line_of(c, addr) + 1) *
	       c->cfg.snoop;
}

/* ---- set-up ---- */

int cache_set_cacheable(struct cache *c, uint64_t addr, uint64_t len,
			bool cacheable)
{
	uint64_t base = addr & ~(uint64_t)(CACHE_PAGE - 1);
	uint64_t end = (addr + len + CACHE_PAGE - 1) &
		       ~(uint64_t)(CACHE_PAGE - 1);
	struct cache_cost cost = { 0 };

	if (!len)
		return 0;
	if (cacheable) {
		/* drop the ranges inside; ranges only partly inside stay */
		unsigned j = 0;

		for (unsigned i = 0; i < c->nnc; i++)
			if (!(c->nc[i].base >= base && c->nc[i].end <= end))
				c->nc[j++] = c->nc[i];
		c->nnc = j;
		return 0;
	}
	if (c->nnc == CACHE_MAX_NC)
		return DMASIM_ERANGE;
	for (struct cache *l = c; l; l = l->next)
		cache_maint_level(l, CACHE_FLUSH, base, end - base, &cost, false);
	c->nc[c->nnc].base = base;
	c->nc[c->nnc].end = end;
	c->nnc++;
	return 0;
}

int cache_set_next(struct cache *c, struct cache *next)
{
	for (struct cache *l = next; l; l = l->next)
		if (l == c)
			return DMASIM_EINVAL;
	if (c->next || next->upper || next->cfg.coherent != c->cfg.coherent ||
	    next->bus != c->bus)
		return DMASIM_EINVAL;
	c->next = next;
	next->upper = c;
	return 0;
}

static bool cpu_hook(void *ctx, struct cpu *cpu, uint64_t addr, void *data,
		     uint64_t len, bool write, uint64_t *cycles,
		     uint64_t *bus_cycles, uint64_t *bus_xacts)
{
	struct cache_cost cost = { 0 };

	(void)cpu;
	if (!cache_access(ctx, addr, data, len, write, &cost))
		return false;
	*cycles = cost.cpu;
	*bus_cycles = cost.bus;
	*bus_xacts = cost.xacts;
	return true;
}

/* A CPU access to a non-cacheable page of memory: the CPU makes it itself,
 * one bus transaction per word; counted and watched here. */
static uint32_t cpu_hook_uncached(void *ctx, uint64_t addr, uint64_t len,
				  bool write)
{
	struct cache *c = ctx;
	uint64_t off;

	if (cache_cacheable(c, addr) ||
	    !memory_of(bus_route(c->bus, addr, len, &off)))
		return 0;
	if (c->watch.cpu_access)
		c->watch.cpu_access(c->watch.ctx, c, addr, len, write);
	c->uncached += (len + c->cfg.word - 1) / c->cfg.word;
	return c->cfg.word;
}

struct cpu_mem_hook cache_cpu_hook(struct cache *c, const char *cpu_name)
{
	struct cpu_mem_hook h = { cpu_hook, cpu_hook_uncached, c };

	snprintf(c->cpu_name, sizeof(c->cpu_name), "%s", cpu_name);
	return h;
}

int cache_init(struct cache *c, struct sim *sim, struct bus *bus,
	       const char *name, const struct cache_config *cfg)
{
	uint64_t nways;
	struct bus_target *t;
	uint64_t off;
	const char *st[] = { "hits", "misses", "evictions", "writebacks",
		"uncached", "maint_lines", "snoops", "snoop_writebacks",
		"snoop_invals" };
	uint64_t *sv[] = { &c->hits, &c->misses, &c->evictions,
		&c->writebacks, &c->uncached, &c->maint_lines, &c->snoops,
		&c->snoop_writebacks, &c->snoop_invals };

	if (!cfg->ways || !pow2(cfg->line) || !cfg->word ||
	    cfg->size < (uint64_t)cfg->ways * cfg->line ||
	    cfg->size % ((uint64_t)cfg->ways * cfg->line) ||
	    !pow2(cfg->size / ((uint64_t)cfg->ways * cfg->line)))
		return DMASIM_EINVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->sim = sim;
	c->bus = bus;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->cpu_name, sizeof(c->cpu_name), "%s", name);
	c->sets = (uint32_t)(cfg->size / ((uint64_t)cfg->ways * cfg->line));
	c->line_shift = (unsigned)__builtin_ctzll(cfg->line);
	nways = (uint64_t)c->sets * cfg->ways;
	c->way = dm_calloc(nways, sizeof(*c->way));
	c->data = dm_calloc(nways, cfg->line);
	if (!c->way || !c->data) {
		cache_fini(c);
		return DMASIM_ENOMEM;
	}
	c->line_cycles = bus_xact_cycles(bus, 0, cfg->line, false, &t, &off);
	if (!c->line_cycles)
		c->line_cycles = bus_beats(bus, cfg->line);
	if (cache_wb_init(c)) {
		cache_fini(c);
		return DMASIM_ENOMEM;
	}
#ifdef DMASIM_MUTATE_CACHE_ALWAYS_COHERENT
	/* every cache snoops DMA, coherent or not */
	if (true) {
#else
	if (cfg->coherent) {
#endif
		c->snooper.access = snoop_access;
		c->snooper.cycles = snoop_cycles;
		if (bus_add_snooper(bus, &c->snooper)) {
			cache_fini(c);
			return DMASIM_ENOMEM;
		}
	}
	for (size_t i = 0; i < sizeof(sv) / sizeof(sv[0]); i++)
		if (stats_add(&sim->stats, c->name, st[i], STAT_COUNTER, "",
			      sv[i]))
			return DMASIM_ENOMEM;
	return 0;
}

void cache_fini(struct cache *c)
{
	cache_wb_fini(c);
	dm_free(c->way);
	dm_free(c->data);
	c->way = NULL;
	c->data = NULL;
}

bool cache_check(const struct cache *c)
{
	if (c->next && (c->next->upper != c || !cache_check(c->next)))
		return false;
	for (uint32_t s = 0; s < c->sets; s++) {
		const struct cache_way *w = &c->way[s * c->cfg.ways];

		for (uint32_t i = 0; i < c->cfg.ways; i++) {
			if (w[i].dirty && !w[i].valid)
				return false;
			if (w[i].valid && w[i].tag % c->sets != s)
				return false;
			for (uint32_t j = i + 1; j < c->cfg.ways; j++)
				if (w[i].valid && w[j].valid &&
				    w[i].tag == w[j].tag)
					return false;
		}
	}
	return true;
}

void cache_dump(const struct cache *c)
{
	fprintf(stderr, "cache %s: %u sets x %u ways x %u B\n", c->name,
		c->sets, c->cfg.ways, c->cfg.line);
	for (uint64_t i = 0; i < (uint64_t)c->sets * c->cfg.ways; i++)
		if (c->way[i].valid)
			fprintf(stderr, "  [%llu] line %#llx%s\n",
				(unsigned long long)i,
				(unsigned long long)(c->way[i].tag <<
						     c->line_shift),
				c->way[i].dirty ? " dirty" : "");
}
