/* sanitizer: shadow state and misuse reports.  See sanitizer.h. */
#include "sanitizer.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "hw/cache.h"
#include "hw/iommu.h"
#include "hw/memory.h"
#include "kernel/trace.h"
#include "kernel/vec.h"

/* Trace points (the mechanism: kernel/trace.h). */
static const struct trace_point tp_check_report = {
	"report", TRACE_INSTANT, 0,
	"the sanitizer reported a misuse"
};

static const char *const class_name[] = {
#define SAN_NAME(name, what, fix) #name,
	SAN_CLASSES(SAN_NAME)
#undef SAN_NAME
};
static const char *const class_what[] = {
#define SAN_WHAT(name, what, fix) what,
	SAN_CLASSES(SAN_WHAT)
#undef SAN_WHAT
};
static const char *const class_fix[] = {
#define SAN_FIX(name, what, fix) fix,
	SAN_CLASSES(SAN_FIX)
#undef SAN_FIX
};

const char *san_class_name(enum san_class c)
{
	return c < SAN_NCLASSES ? class_name[c] : "?";
}

const char *san_class_what(enum san_class c)
{
	return c < SAN_NCLASSES ? class_what[c] : "?";
}

const char *san_class_fix(enum san_class c)
{
	return c < SAN_NCLASSES ? class_fix[c] : "?";
}

static void report(struct sanitizer *s, struct san_map *m, enum san_class c,
		   const char *who, uint64_t paddr, uint64_t dma,
		   uint64_t size)
{
	struct san_report r;

	if (m) {
		if (m->reported & (1u << c))
			return;
		m->reported |= 1u << c;
	}
	memset(&r, 0, sizeof(r));
	r.cls = c;
	r.time = s->sim->now;
	snprintf(r.initiator, sizeof(r.initiator), "%s", who);
	r.paddr = paddr;
	r.dma = dma;
	r.size = size;
	s->counts[c]++;
	s->reports++;
	san_use(s);
	trace_instant(s->sim, s->track, &tp_check_report, san_class_name(c));
	if (s->sink)
		s->sink(s->ctx, &r);
}

static bool coherent(const struct sanitizer *s)
{
	return !s->cache || s->cache->cfg.coherent;
}

static uint64_t line_of(const struct sanitizer *s, uint64_t a)
{
	return a / s->line;
}

static bool streaming(const struct san_map *m)
{
	return m->kind != SAN_COHERENT;
}

/* ---- shadow lines ---- */

static void lines_set(struct sanitizer *s, struct san_map *m, uint64_t pa,
		      uint64_t len, bool v)
{
	uint64_t a = line_of(s, pa), b = line_of(s, pa + len - 1);

	if (!len || !m->written)
		return;
	if (a < m->line0)
		a = m->line0;
	for (uint64_t l = a; l <= b && l < m->line0 + m->nlines; l++) {
		uint64_t i = l - m->line0;

		if (v)
			m->written[i / 8] |= (uint8_t)(1u << (i % 8));
		else
			m->written[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
}

static bool lines_any(const struct sanitizer *s, const struct san_map *m,
		      uint64_t pa, uint64_t len)
{
	uint64_t a = line_of(s, pa), b = line_of(s, pa + len - 1);

	if (!len || !m->written)
		return false;
	if (a < m->line0)
		a = m->line0;
	for (uint64_t l = a; l <= b && l < m->line0 + m->nlines; l++) {
		uint64_t i = l - m->line0;

		if (m->written[i / 8] & (1u << (i % 8)))
			return true;
	}
	return false;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* ---- the mapping API ---- */

void san_map(struct sanitizer *s, const char *dev, enum san_kind kind,
	     uint64_t paddr, uint64_t dma, uint64_t len, enum san_dir dir,
	     uint64_t group, unsigned nents)
{
	struct san_map *m;

	/* out of memory the shadow is lost: report less, never crash */
	VEC_RESERVE(s->maps, s->nmaps, s->cap, return);
	m = &s->maps[s->nmaps];
	memset(m, 0, sizeof(*m));
	snprintf(m->dev, sizeof(m->dev), "%s", dev);
	m->kind = kind;
	m->dir = dir;
	m->paddr = paddr;
	m->dma = dma;
	m->len = len;
	m->group = group;
	m->nents = nents;
	m->live = true;
	m->dev_owned = true;
	/* map_sg and alloc_coherent report failure in their return value,
	 * which the caller cannot ignore; only map_single's must be tested
	 * with dma_mapping_error() (as Linux's DMA-API debugging does). */
	m->checked = kind != SAN_SINGLE;
	for (size_t i = 0; i < s->nbinds; i++) {
		const struct san_bind *b = &s->binds[i];

		if (strcmp(b->dev, dev))
			continue;
		m->via_iommu = true;
		if (!b->untrusted && kind != SAN_COHERENT &&
		    ((paddr | len) & 4095)) {
			s->nmaps++;
			report(s, m, SAN_SUB_PAGE_EXPOSED, dev, paddr, dma, len);
			s->nmaps--;
		}
		break;
	}
	m->line0 = line_of(s, paddr);
	m->nlines = len ? line_of(s, paddr + len - 1) - m->line0 + 1 : 0;
	if (streaming(m)) {
		m->written = dm_calloc((m->nlines + 7) / 8 + 1, 1);
		for (size_t i = 0; i < s->nmaps; i++) {
			struct san_map *o = &s->maps[i];

			if (!o->live || !streaming(o) || !m->nlines ||
			    !o->nlines ||
			    (o->dir == SAN_TO_DEVICE && dir == SAN_TO_DEVICE))
				continue;
			if (m->line0 <= o->line0 + o->nlines - 1 &&
			    o->line0 <= m->line0 + m->nlines - 1) {
				s->nmaps++;
				report(s, m, SAN_SHARED_LINE, dev, paddr, dma,
				       len);
				s->nmaps--;
				break;
			}
		}
	}
	s->nmaps++;
}

/* The live mapping starting at dma (SG: the group's first entry), else a
 * freed one, else NULL. */
static struct san_map *find(struct sanitizer *s, uint64_t dma, bool sg,
			    bool *freed)
{
	struct san_map *dead = NULL;

	for (size_t i = s->nmaps; i-- > 0;) {
		struct san_map *m = &s->maps[i];
		uint64_t key = m->kind == SAN_SG ? m->group : m->dma;

		if (key != dma || (sg && m->kind == SAN_SG && m->dma != dma))
			continue;
		if (m->live) {
			*freed = false;
			return m;
		}
		if (!dead)
			dead = m;
	}
	*freed = dead != NULL;
	return dead;
}

static void check_used(struct sanitizer *s, struct san_map *m,
		       const char *who)
{
	if (!m->checked)
		report(s, m, SAN_MAP_UNCHECKED, who, m->paddr, m->dma, m->len);
}

static void kill(struct san_map *m)
{
	m->live = false;
	dm_free(m->written);
	m->written = NULL;
}

void san_unmap(struct sanitizer *s, const char *dev, enum san_kind kind,
	       uint64_t dma, uint64_t len, enum san_dir dir, unsigned nents)
{
	bool freed;
	struct san_map *m = find(s, dma, kind == SAN_SG, &freed);

	if (!m) {
		report(s, NULL, SAN_UNMAP_UNKNOWN, dev, dma, dma, len);
		return;
	}
	if (freed) {
		report(s, m, SAN_DOUBLE_UNMAP, dev, m->paddr, dma, len);
		return;
	}
	check_used(s, m, dev);
	if (m->kind != kind)
		report(s, m, SAN_UNMAP_KIND, dev, m->paddr, dma, m->len);
	else if (kind == SAN_SG) {
		uint64_t bytes = 0;

		if (m->dir != dir)
			report(s, m, SAN_UNMAP_DIR, dev, m->paddr, dma, len);
		for (size_t i = 0; i < s->nmaps; i++)
			if (s->maps[i].live && s->maps[i].kind == SAN_SG &&
			    s->maps[i].group == dma)
				bytes += s->maps[i].len;
		if (nents != m->nents)
			report(s, m, SAN_UNMAP_NENTS, dev, m->paddr, dma,
			       bytes);
		for (size_t i = 0; i < s->nmaps; i++)
			if (s->maps[i].live && s->maps[i].kind == SAN_SG &&
			    s->maps[i].group == dma)
				kill(&s->maps[i]);
		return;
	} else if (m->len != len) {
		report(s, m, SAN_UNMAP_SIZE, dev, m->paddr, dma, len);
	} else if (m->dir != dir && kind != SAN_COHERENT) {
		report(s, m, SAN_UNMAP_DIR, dev, m->paddr, dma, len);
	} else if (m->via_iommu && m->dir == SAN_BIDIRECTIONAL &&
		   m->dev_read != m->dev_wrote) {
		report(s, m, SAN_WIDE_PERMISSION, dev, m->paddr, dma, m->len);
	}
	kill(m);
}

void san_sync(struct sanitizer *s, const char *dev, uint64_t dma,
	      uint64_t len, enum san_dir dir, bool for_device)
{
	struct san_map *m = NULL;

	for (size_t i = s->nmaps; i-- > 0;) {
		struct san_map *o = &s->maps[i];

		if (o->live && streaming(o) && dma >= o->dma &&
		    dma < o->dma + o->len) {
			m = o;
			break;
		}
	}
	if (!m) {
		report(s, NULL, SAN_SYNC_UNKNOWN, dev, dma, dma, len);
		return;
	}
	check_used(s, m, dev);
	if (len > m->len - (dma - m->dma))
		report(s, m, SAN_SYNC_RANGE, dev, m->paddr + (dma - m->dma),
		       dma, len);
	if (dir != m->dir)
		report(s, m, SAN_SYNC_DIR, dev, m->paddr + (dma - m->dma), dma,
		       len);
	if (for_device) {
		m->dev_owned = true;
	} else {
		m->dev_owned = false;
		lines_set(s, m, m->paddr + (dma - m->dma), len, false);
	}
}

void san_mapping_checked(struct sanitizer *s, uint64_t dma)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].live && (s->maps[i].dma == dma ||
		    (s->maps[i].kind == SAN_SG && s->maps[i].group == dma)))
			s->maps[i].checked = true;
}

void san_teardown(struct sanitizer *s, const char *dev)
{
	for (size_t i = 0; i < s->nmaps; i++) {
		struct san_map *m = &s->maps[i];

		if (m->live && !strcmp(m->dev, dev)) {
			report(s, m, SAN_LEAK, dev, m->paddr, m->dma, m->len);
			kill(m);
		}
	}
}

/* ---- observed traffic ---- */

static void cpu_access(void *ctx, struct cache *c, uint64_t addr,
		       uint64_t len, bool write)
{
	struct sanitizer *s = ctx;

	for (size_t i = 0; i < s->nmaps; i++) {
		struct san_map *m = &s->maps[i];

		if (!m->live || !streaming(m) ||
		    !overlap(addr, len, m->paddr, m->len))
			continue;
		if (write && m->dev_owned)
			report(s, m, SAN_CPU_WRITE_DEVICE_OWNED, c->cpu_name,
			       addr,
			       m->dma + (addr > m->paddr ? addr - m->paddr : 0),
			       len);
		else if (!write && !coherent(s) &&
			 lines_any(s, m, addr, len))
			report(s, m, SAN_STALE_CPU_READ, c->cpu_name,
			       addr,
			       m->dma + (addr > m->paddr ? addr - m->paddr : 0),
			       len);
	}
}

/*
 * A device reads memory: nothing may have written it (memory keeps which
 * lines were ever written, by anyone), unless a CPU cache holds it dirty
 * (the device then reads the cache's data, or STALE_DEVICE_READ says it
 * should have).  Reported once per device.
 */
static void unwritten_read(struct sanitizer *s, const struct bus_master *who,
			   uint64_t addr, uint64_t len)
{
	uint64_t off;
	struct memory *mem = memory_of(bus_route(who->bus, addr, len, &off));

	if (!mem || memory_written(mem, off, len) ||
	    (s->cache && cache_dirty_in(s->cache, addr, len, NULL)))
		return;
	for (size_t i = 0; i < s->nunwritten; i++)
		if (!strcmp(s->unwritten[i], who->name))
			return;
	if (s->nunwritten < SAN_MAX_UNWRITTEN)
		snprintf(s->unwritten[s->nunwritten++],
			 sizeof(s->unwritten[0]), "%s", who->name);
	report(s, NULL, SAN_DEVICE_READ_UNWRITTEN, who->name, addr, addr,
	       len);
}

static void dma_access(struct bus_snooper *sn, const struct bus_master *who,
		       uint64_t addr, uint64_t len, bool write)
{
	struct sanitizer *s = (struct sanitizer *)((char *)sn -
					offsetof(struct sanitizer, snooper));
	bool in_map = false;

	for (size_t i = 0; i < s->nmaps; i++) {
		struct san_map *m = &s->maps[i];
		uint64_t pa;

		if (!m->live || !overlap(addr, len, m->dma, m->len))
			continue;
		in_map = true;
		if (!streaming(m))
			continue;
		pa = m->paddr + (addr > m->dma ? addr - m->dma : 0);
		check_used(s, m, who->name);
		if (write) {
			if (m->dir == SAN_TO_DEVICE)
				report(s, m, SAN_DEVICE_WRITE_TO_DEVICE,
				       who->name, pa, addr, len);
			lines_set(s, m, pa, len, true);
		} else if (!coherent(s) && m->paddr == m->dma &&
			   cache_dirty_in(s->cache, addr, len, NULL)) {
			report(s, m, SAN_STALE_DEVICE_READ, who->name, pa,
			       addr, len);
		}
	}
	/* Nothing live covers it, but a streaming mapping did: the device
	 * still uses a buffer its driver gave back (with an IOMMU, the
	 * translation's own check reports it). */
	for (size_t i = 0; !in_map && i < s->nmaps; i++) {
		struct san_map *m = &s->maps[i];

		if (m->live || m->via_iommu || !streaming(m) ||
		    !overlap(addr, len, m->dma, m->len))
			continue;
		report(s, m, SAN_DEVICE_AFTER_UNMAP, who->name,
		       m->paddr + (addr > m->dma ? addr - m->dma : 0), addr,
		       len);
		break;
	}
	if (!write)
		unwritten_read(s, who, addr, len);
	if (!in_map && !write && !coherent(s)) {
		uint64_t first;

		if (cache_dirty_in(s->cache, addr, len, &first))
			report(s, NULL, SAN_STALE_DEVICE_READ, who->name,
			       first, addr, len);
	}
}

/* ---- the IOMMU ---- */

/* A new binding, or NULL (out of host memory: it goes unwatched). */
static struct san_bind *bind_new(struct sanitizer *s, const char *dev,
				 const void *io, int domain, bool untrusted)
{
	struct san_bind *b;

	VEC_RESERVE(s->binds, s->nbinds, s->capbinds, return NULL);
	b = &s->binds[s->nbinds++];
	memset(b, 0, sizeof(*b));
	b->io = io;
	b->domain = domain;
	snprintf(b->dev, sizeof(b->dev), "%s", dev);
	b->untrusted = untrusted;
	san_use(s);
	return b;
}

/* The binding of io's domain, or NULL (a domain the mapping API does not
 * keep). */
static struct san_bind *bind_of(struct sanitizer *s, const struct iommu *io,
				int domain)
{
	for (size_t i = 0; i < s->nbinds; i++)
		if (s->binds[i].io == (const void *)io &&
		    s->binds[i].domain == domain)
			return &s->binds[i];
	return NULL;
}

void san_iommu_bind(struct sanitizer *s, const char *dev, const void *io,
		    int domain, bool untrusted)
{
	bind_new(s, dev, io, domain, untrusted);
}

void san_iommu_access(void *ctx, const struct iommu *io, int domain,
		      const char *dev, uint64_t iova, uint64_t len,
		      bool write, bool ok)
{
	struct sanitizer *s = ctx;
	struct san_bind *b = bind_of(s, io, domain);
	struct san_map *freed = NULL;
	bool live = false;

	if (domain >= 0 && domain < IOMMU_MAX_DOMAINS &&
	    io->dom[domain].identity) {
		/* passthrough: once per domain, whatever the device did */
		if (!b)
			b = bind_new(s, dev, io, domain, false);
		if (b && !(b->reported & (1u << SAN_IDENTITY_DOMAIN))) {
			b->reported |= 1u << SAN_IDENTITY_DOMAIN;
			report(s, NULL, SAN_IDENTITY_DOMAIN, dev, iova, iova,
			       len);
		}
		return;
	}
	if (!b || !len)
		return;		/* a domain the mapping API does not keep */
	for (size_t i = s->nmaps; i-- > 0;) {
		struct san_map *m = &s->maps[i];

		if (strcmp(m->dev, b->dev) || !overlap(iova, len, m->dma,
						       m->len))
			continue;
		if (m->live) {
			live = true;
			if (ok)
				*(write ? &m->dev_wrote : &m->dev_read) = true;
		} else if (!freed) {
			freed = m;
		}
	}
	if (live)
		return;
	if (freed && ok) {
		report(s, freed, SAN_IOVA_AFTER_UNMAP, dev, freed->paddr +
		       (iova > freed->dma ? iova - freed->dma : 0), iova, len);
		return;
	}
	if (b->reported & (1u << SAN_DEVICE_OUTSIDE_MAPPING))
		return;
	b->reported |= 1u << SAN_DEVICE_OUTSIDE_MAPPING;
	report(s, NULL, SAN_DEVICE_OUTSIDE_MAPPING, dev,
	       freed ? freed->paddr : 0, iova, len);
}

void san_iommu_translated(void *ctx, const struct iommu *io, int domain,
			  const char *dev, uint64_t pa, uint64_t len,
			  bool write)
{
	struct sanitizer *s = ctx;
	struct san_bind *b = bind_of(s, io, domain);
	struct san_map *freed = NULL;

	(void)write;
	if (!b || !len)
		return;
	for (size_t i = s->nmaps; i-- > 0;) {
		struct san_map *m = &s->maps[i];

		if (strcmp(m->dev, b->dev) || !overlap(pa, len, m->paddr,
						       m->len))
			continue;
		if (m->live)
			return;		/* a page still mapped for it */
		if (!freed)
			freed = m;
	}
	if (freed)
		report(s, freed, SAN_STALE_ATC, dev, pa,
		       freed->dma + (pa > freed->paddr ? pa - freed->paddr : 0),
		       len);
}

static void cache_maint_seen(void *ctx, struct cache *c, enum cache_op op,
			     uint64_t addr, uint64_t len)
{
	(void)ctx;
	(void)c;
	(void)op;
	(void)addr;
	(void)len;
}

int san_init(struct sanitizer *s, struct sim *sim, san_sink_fn sink,
	     void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->sim = sim;
	s->sink = sink;
	s->ctx = ctx;
	s->line = 64;
	s->snooper.access = dma_access;
	return 0;
}

void san_use(struct sanitizer *s)
{
	if (!s->track && trace_on(s->sim))
		s->track = trace_track(s->sim, NULL, "check");
}

int san_watch_bus(struct sanitizer *s, struct bus *bus)
{
	return bus_add_snooper(bus, &s->snooper);
}

void san_watch_cache(struct sanitizer *s, struct cache *c)
{
	san_use(s);
	s->cache = c;
	s->line = c->cfg.line;
	c->watch.cpu_access = cpu_access;
	c->watch.maint = cache_maint_seen;
	c->watch.ctx = s;
}

void san_fini(struct sanitizer *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		dm_free(s->maps[i].written);
	dm_free(s->maps);
	dm_free(s->binds);
	s->binds = NULL;
	s->maps = NULL;
	s->nmaps = s->cap = 0;
}

bool san_check(const struct sanitizer *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (!s->maps[i].live && s->maps[i].written)
			return false;
	return true;
}

void san_page_moved(struct sanitizer *s, const char *dev, uint64_t paddr,
		    uint64_t len)
{
	report(s, NULL, SAN_DEVICE_WRITE_MOVED_PAGE, dev, paddr, paddr, len);
}

void san_ring_unpinned(struct sanitizer *s, const char *dev, uint64_t paddr,
		       uint64_t len, bool filling)
{
	report(s, NULL, filling ? SAN_RING_UNPINNED_QUEUED :
	       SAN_RING_NOT_PINNED, dev, paddr, paddr, len);
}
