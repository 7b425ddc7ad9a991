/* dmamap: the DMA mapping API.  See dmamap.h. */
#include "dmamap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/util.h"
#include "hw/memory.h"

static bool work_push(struct dma_dev *d, bool copy, enum cache_op op,
		      uint64_t src, uint64_t dst, uint64_t len);

void dmamap_cache_maint(struct dma_dev *d, enum cache_op op, uint64_t addr,
			uint64_t len, struct cache_cost *cost)
{
	if (dmamap_coherent(d))
		return;
	/* left for the CPU to walk; at once when out of host memory */
	if (d->walk_maint && len && work_push(d, false, op, 0, addr, len))
		return;
	cache_maint(d->cache, op, addr, len, cost);
}


/* Leave work for the CPU; false when out of memory (the bounce then goes
 * untimed, as a last resort: the data still arrives). */
static bool work_push(struct dma_dev *d, bool copy, enum cache_op op,
		      uint64_t src, uint64_t dst, uint64_t len)
{
	struct dmamap_work *w;

	if (d->work_head && d->work_head == d->nwork)
		d->work_head = d->nwork = 0;
	if (d->nwork == d->capwork) {
		size_t cap = d->capwork ? d->capwork * 2 : 8;
		struct dmamap_work *v = dm_realloc(d->work, cap * sizeof(*v));

		if (!v)
			return false;
		d->work = v;
		d->capwork = cap;
	}
	w = &d->work[d->nwork++];
	memset(w, 0, sizeof(*w));
	w->copy = copy;
	w->op = op;
	w->src = src;
	w->dst = dst;
	w->len = len;
	return true;
}

bool dmamap_store(struct dma_dev *d, uint64_t addr, const void *data,
		  unsigned n, bool uncached)
{
	struct dmamap_work *w;

	assert(n && n <= sizeof(w->data));
	if (!work_push(d, false, CACHE_CLEAN, 0, addr, n))
		return false;
	w = &d->work[d->nwork - 1];
	w->store = true;
	w->uncached = uncached;
	memcpy(w->data, data, n);
	return true;
}

bool dmamap_poll(struct dma_dev *d, uint64_t addr, uint32_t want,
		 uint32_t spin)
{
	struct dmamap_work *w;

	if (!work_push(d, false, CACHE_CLEAN, 0, addr, 4))
		return false;
	w = &d->work[d->nwork - 1];
	w->poll = w->uncached = true;
	w->want = want;
	w->spin = spin;
	return true;
}

/* Copy untimed (out of host memory for the work queue). */
static void copy_now(struct dma_dev *d, uint64_t src, uint64_t dst,
		     uint64_t len)
{
	uint8_t buf[4096];

	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done :
			     sizeof(buf);

		cache_view_read(d->cache, src + done, buf, n);
		cache_view_write(d->cache, dst + done, buf, n);
		done += n;
	}
}

/* A CPU copy between the buffer and a bounce slot, left for the CPU to
 * run after the call's bookkeeping: on a non-coherent system the slot is
 * cleaned after a copy into it (the device reads memory) and invalidated
 * before a copy out of it (the device wrote memory). */
static void bounce_copy(struct dma_dev *d, const struct dmamap_bounce *b,
			bool to_bounce, struct cache_cost *cost)
{
	bool nc = !dmamap_coherent(d);
	bool ok;

	(void)cost;
	d->bounce_bytes += b->len;
	if (to_bounce)
		ok = work_push(d, true, CACHE_CLEAN, b->orig, b->dma, b->len) &&
		     (!nc || work_push(d, false, CACHE_CLEAN, 0, b->dma,
				       b->len));
	else
		ok = (!nc || work_push(d, false, CACHE_INVAL, 0, b->dma,
				       b->len)) &&
		     work_push(d, true, CACHE_CLEAN, b->dma, b->orig, b->len);
	if (!ok && d->cache)
		copy_now(d, to_bounce ? b->orig : b->dma,
			 to_bounce ? b->dma : b->orig, b->len);
}

bool dmamap_work_pending(const struct dma_dev *d)
{
	return d->work_head < d->nwork;
}

/* One access by the CPU: through its cache, or (no cache, or uncached) a
 * bus transaction of its own with the data moved at once (through a
 * target that is not memory, such as a device's registers, by its own
 * access). */
static void cpu_access(struct dma_dev *d, uint64_t addr, uint8_t *buf,
		       uint64_t n, bool write, bool uncached,
		       struct cache_cost *cost)
{
	struct bus_target *t;
	struct memory *mem;
	uint64_t off;

	if (d->cache && !uncached) {
		/* the kernel's own copy, not the driver's access: unwatched */
		struct cache_watch w = d->cache->watch;

		d->cache->watch.cpu_access = NULL;
		cache_access(d->cache, addr, buf, n, write, cost);
		d->cache->watch = w;
		return;
	}
	cost->bus += bus_xact_cycles(d->bus, addr, n, write, &t, &off);
	cost->xacts++;
	if ((mem = memory_of(t))) {
		if (write)
			memory_write(mem, off, buf, n);
		else
			memory_read(mem, off, buf, n);
	} else if (t) {
		(void)t->ops->access(t, off, buf, n, write);
	}
}

/* A store, or one load of a poll: the poll stays at the head until its
 * word reaches want. */
static void store_poll_step(struct dma_dev *d, struct dmamap_work *w,
			    struct cache_cost *cost)
{
	uint8_t b[4] = { 0 };

	if (w->store) {
		cpu_access(d, w->dst, w->data, w->len, true, w->uncached,
			   cost);
		d->work_head++;
		return;
	}
	cpu_access(d, w->dst, b, 4, false, true, cost);
	d->polls++;
	if ((int32_t)((uint32_t)util_le_get(b, 4) - w->want) >= 0)
		d->work_head++;
	else
		cost->cpu += w->spin;
}

/* One step of a maintenance operation as the CPU walks it: the lines up
 * to the next written back, or the barrier's wait (true). */
static bool maint_step(struct dma_dev *d, struct cache_cost *cost)
{
	const struct dmamap_work *w = &d->work[d->work_head];
	enum cache_walk_step st;
	uint64_t cycles = 0;

	if (!d->walking) {
		if (cache_walk_begin(&d->walk, d->cache, w->op, w->dst,
				     w->len)) {
			/* no host memory to walk it: at once */
			cache_walk_end(&d->walk);
			cache_maint(d->cache, w->op, w->dst, w->len, cost);
			d->work_head++;
			return false;
		}
		d->walking = true;
	}
	while ((st = cache_walk_step(&d->walk, &cycles)) == CACHE_WALK_CYCLES &&
	       !cycles)
		;
	switch (st) {
	case CACHE_WALK_CYCLES:
		cost->cpu += cycles;
		return false;
	case CACHE_WALK_WAIT:
		return true;
	case CACHE_WALK_DONE:
		break;
	}
	cache_walk_end(&d->walk);
	d->walking = false;
	d->work_head++;
	return false;
}

bool dmamap_work_step(struct dma_dev *d, struct cache_cost *cost)
{
	struct dmamap_work *w;
	uint32_t line = d->cache ? d->cache->cfg.line : 64;
	uint8_t buf[256];
	uint64_t n, at;

	if (!dmamap_work_pending(d))
		return false;
	w = &d->work[d->work_head];
	if (w->store || w->poll) {
		store_poll_step(d, w, cost);
		return false;
	}
	if (!w->copy) {
		if (d->walk_maint)
			return maint_step(d, cost);
		dmamap_cache_maint(d, w->op, w->dst, w->len, cost);
		d->work_head++;
		return false;
	}
	/* up to the end of the source's line */
	at = w->src + w->done;
	n = line - (at & (line - 1));
	if (n > w->len - w->done)
		n = w->len - w->done;
	if (n > sizeof(buf))
		n = sizeof(buf);
	cost->cpu += d->cfg.copy;
	if (w->zero)
		memset(buf, 0, n);
	else
		cpu_access(d, at, buf, n, false, false, cost);
	cpu_access(d, w->dst + w->done, buf, n, true, false, cost);
	w->done += n;
	if (w->done == w->len)
		d->work_head++;
	return false;
}

static struct dmamap_bounce *bounce_find(struct dma_dev *d, uint64_t dma)
{
	for (size_t i = 0; i < d->nbounce; i++)
		if (d->bounce[i].live && dma >= d->bounce[i].dma &&
		    dma < d->bounce[i].dma + d->bounce[i].len)
			return &d->bounce[i];
	return NULL;
}

static struct dmamap_bounce *bounce_alloc(struct dma_dev *d, uint64_t orig,
					  uint64_t len)
{
	uint32_t need = (uint32_t)((len + d->cfg.bounce_slot - 1) /
				   d->cfg.bounce_slot);
	struct dmamap_bounce *b = NULL;

	for (size_t i = 0; i < d->nbounce; i++)
		if (!d->bounce[i].live)
			b = &d->bounce[i];
	if (!b) {
		if (d->nbounce == d->capbounce) {
			size_t cap = d->capbounce ? d->capbounce * 2 : 16;
			struct dmamap_bounce *v = dm_realloc(d->bounce,
							  cap * sizeof(*v));

			if (!v)
				return NULL;
			d->bounce = v;
			d->capbounce = cap;
		}
		b = &d->bounce[d->nbounce++];
		b->live = false;
	}
	for (uint32_t s = 0; need && s + need <= d->nslots; s++) {
		uint32_t k = 0;

		while (k < need && !d->slot_used[s + k])
			k++;
		if (k < need) {
			s += k;
			continue;
		}
		memset(d->slot_used + s, 1, need);
		b->slot = s;
		b->nslots = need;
		b->orig = orig;
		b->len = len;
		b->dma = d->cfg.bounce_base + (uint64_t)s * d->cfg.bounce_slot;
		b->live = true;
		d->bounces++;
		return b;
	}
	return NULL;
}

/* ---- direct ops (with bounce buffers) ---- */

static uint64_t direct_map(struct dma_dev *d, uint64_t paddr, uint64_t len,
			   enum dma_dir dir, struct cache_cost *cost)
{
	struct dmamap_bounce *b;

#ifdef DMASIM_MUTATE_DMA_MASK_IGNORED
	if (len) {	/* the device's DMA mask not checked: never a bounce */
#else
	if (len && paddr + len - 1 <= d->cfg.mask) {
#endif
		dmamap_cache_maint(d, dir == DMA_TO_DEVICE ? CACHE_CLEAN : CACHE_FLUSH,
		      paddr, len, cost);
		return paddr;
	}
	if (!d->nslots || !(b = bounce_alloc(d, paddr, len)))
		return DMA_MAPPING_ERROR;
	if (dir != DMA_FROM_DEVICE)
		bounce_copy(d, b, true, cost);
	return b->dma;
}

static void direct_unmap(struct dma_dev *d, uint64_t dma, uint64_t len,
			 enum dma_dir dir, struct cache_cost *cost)
{
	struct dmamap_bounce *b = bounce_find(d, dma);

	if (b) {
		if (dir != DMA_TO_DEVICE)
			bounce_copy(d, b, false, cost);
		memset(d->slot_used + b->slot, 0, b->nslots);
		b->live = false;
		return;
	}
	if (dir != DMA_TO_DEVICE)
		dmamap_cache_maint(d, CACHE_INVAL, dma, len, cost);
}

static void direct_sync(struct dma_dev *d, uint64_t dma, uint64_t len,
			enum dma_dir dir, bool for_device,
			struct cache_cost *cost)
{
	struct dmamap_bounce *b = bounce_find(d, dma);

	if (b) {
		struct dmamap_bounce part = *b;
		uint64_t off = dma - b->dma;

		part.dma = dma;
		part.orig = b->orig + off;
		part.len = len < b->len - off ? len : b->len - off;
		if (for_device && dir != DMA_FROM_DEVICE)
			bounce_copy(d, &part, true, cost);
		else if (!for_device && dir != DMA_TO_DEVICE)
			bounce_copy(d, &part, false, cost);
		return;
	}
	if (for_device)
		dmamap_cache_maint(d, dir == DMA_TO_DEVICE ? CACHE_CLEAN :
		      dir == DMA_FROM_DEVICE ? CACHE_INVAL : CACHE_FLUSH,
		      dma, len, cost);
	else if (dir != DMA_TO_DEVICE)
		dmamap_cache_maint(d, CACHE_INVAL, dma, len, cost);
}

static const struct dmamap_ops direct_ops = {
	.map = direct_map,
	.unmap = direct_unmap,
	.sync = direct_sync,
};

/* ---- the API ---- */

uint64_t dmamap_alloc_coherent(struct dma_dev *d, uint64_t len,
			       uint64_t *dma, struct cache_cost *cost)
{
	uint64_t size = (len + CACHE_PAGE - 1) & ~(uint64_t)(CACHE_PAGE - 1);
	uint64_t pa = d->cfg.pool_base + d->pool_next;

	cost->cpu += d->cfg.map_cycles;
	if (!len || size > d->cfg.pool_size - d->pool_next) {
		d->map_errors++;
		return 0;
	}
	d->pool_next += size;
	if (!dmamap_coherent(d))
		cache_set_cacheable(d->cache, pa, size, false);
	*dma = pa;
	if (d->obs.map)
		d->obs.map(d->obs.ctx, d->name, DMAMAP_COHERENT, pa, pa, len,
			   DMA_BIDIRECTIONAL, 0, 0);
	return pa;
}

void dmamap_free_coherent(struct dma_dev *d, uint64_t paddr, uint64_t len,
			  uint64_t dma, struct cache_cost *cost)
{
	(void)paddr;
	cost->cpu += d->cfg.map_cycles;
	if (d->obs.unmap)
		d->obs.unmap(d->obs.ctx, d->name, DMAMAP_COHERENT, dma, len,
			     DMA_BIDIRECTIONAL, 0);
	/* the bump pool does not reuse space */
}

uint64_t dmamap_map_single(struct dma_dev *d, uint64_t paddr, uint64_t len,
			   enum dma_dir dir, struct cache_cost *cost)
{
	uint64_t dma;

	cost->cpu += d->cfg.map_cycles;
	d->maps++;
	dma = d->ops->map(d, paddr, len, dir, cost);
	if (dma == DMA_MAPPING_ERROR)
		d->map_errors++;
	else if (d->obs.map)
		d->obs.map(d->obs.ctx, d->name, DMAMAP_SINGLE, paddr, dma, len,
			   dir, 0, 0);
	return dma;
}

void dmamap_unmap_single(struct dma_dev *d, uint64_t dma, uint64_t len,
			 enum dma_dir dir, struct cache_cost *cost)
{
	cost->cpu += d->cfg.map_cycles;
	d->unmaps++;
	if (d->obs.unmap)
		d->obs.unmap(d->obs.ctx, d->name, DMAMAP_SINGLE, dma, len, dir,
			     0);
	d->ops->unmap(d, dma, len, dir, cost);
}

unsigned dmamap_map_sg(struct dma_dev *d, struct dma_sg *sg, unsigned n,
		       enum dma_dir dir, struct cache_cost *cost)
{
	cost->cpu += d->cfg.map_cycles;
	d->maps++;
	if (d->ops->map_sg && d->ops->map_sg(d, sg, n, dir, cost)) {
		for (unsigned i = 0; d->obs.map && i < n; i++)
			d->obs.map(d->obs.ctx, d->name, DMAMAP_SG, sg[i].paddr,
				   sg[i].dma, sg[i].len, dir, sg[0].dma, n);
		return n;
	}
	for (unsigned i = 0; i < n; i++) {
		sg[i].dma = d->ops->map(d, sg[i].paddr, sg[i].len, dir, cost);
		if (sg[i].dma == DMA_MAPPING_ERROR) {
			for (unsigned j = 0; j < i; j++)
				d->ops->unmap(d, sg[j].dma, sg[j].len, dir,
					      cost);
			d->map_errors++;
			return 0;
		}
	}
	for (unsigned i = 0; d->obs.map && i < n; i++)
		d->obs.map(d->obs.ctx, d->name, DMAMAP_SG, sg[i].paddr,
			   sg[i].dma, sg[i].len, dir, sg[0].dma, n);
	return n;
}

void dmamap_unmap_sg(struct dma_dev *d, struct dma_sg *sg, unsigned n,
		     enum dma_dir dir, struct cache_cost *cost)
{
	cost->cpu += d->cfg.map_cycles;
	d->unmaps++;
	if (d->obs.unmap && n)
		d->obs.unmap(d->obs.ctx, d->name, DMAMAP_SG, sg[0].dma,
			     sg[0].len, dir, n);
	for (unsigned i = 0; i < n; i++)
		d->ops->unmap(d, sg[i].dma, sg[i].len, dir, cost);
}

void dmamap_sync_for_cpu(struct dma_dev *d, uint64_t dma, uint64_t len,
			 enum dma_dir dir, struct cache_cost *cost)
{
	cost->cpu += d->cfg.sync_cycles;
	d->syncs++;
	if (d->obs.sync)
		d->obs.sync(d->obs.ctx, d->name, dma, len, dir, false);
	d->ops->sync(d, dma, len, dir, false, cost);
}

void dmamap_sync_for_device(struct dma_dev *d, uint64_t dma, uint64_t len,
			    enum dma_dir dir, struct cache_cost *cost)
{
	cost->cpu += d->cfg.sync_cycles;
	d->syncs++;
	if (d->obs.sync)
		d->obs.sync(d->obs.ctx, d->name, dma, len, dir, true);
	d->ops->sync(d, dma, len, dir, true, cost);
}

bool dmamap_mapping_error(struct dma_dev *d, uint64_t dma)
{
	if (d->obs.checked)
		d->obs.checked(d->obs.ctx, dma);
	return dma == DMA_MAPPING_ERROR;
}

void dmamap_teardown(struct dma_dev *d)
{
	if (d->obs.teardown)
		d->obs.teardown(d->obs.ctx, d->name);
}

int dmamap_init(struct dma_dev *d, struct bus *bus, struct cache *cache,
		const struct dmamap_observer *obs, const char *name,
		const struct dmamap_config *cfg)
{
	struct bus_target *t;
	uint64_t off;

	if (cfg->bounce_size && (!cfg->bounce_slot ||
	    cfg->bounce_base + cfg->bounce_size - 1 > cfg->mask))
		return DMASIM_EINVAL;
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->ops = &direct_ops;
	d->bus = bus;
	d->cache = cache;
	if (obs)
		d->obs = *obs;
	memcpy(d->name, name, strnlen(name, sizeof(d->name) - 1));
	if (cfg->bounce_size) {
		d->nslots = (uint32_t)(cfg->bounce_size / cfg->bounce_slot);
		d->slot_used = dm_calloc(d->nslots + 1, 1);
		if (!d->slot_used)
			return DMASIM_ENOMEM;
	}
	d->line_cycles = bus_xact_cycles(bus, cfg->pool_base,
					 cache ? cache->cfg.line : 64, false,
					 &t, &off);
	if (!d->line_cycles)
		d->line_cycles = 1;
	return 0;
}

void dmamap_fini(struct dma_dev *d)
{
	if (d->ops && d->ops->fini)
		d->ops->fini(d);
	dm_free(d->slot_used);
	dm_free(d->bounce);
	dm_free(d->work);
	if (d->walking)
		cache_walk_end(&d->walk);
	d->walking = false;
	d->slot_used = NULL;
	d->bounce = NULL;
	d->work = NULL;
	d->nwork = d->capwork = d->work_head = 0;
}

/* ---- bounce slots for other ops (an IOMMU's untrusted devices) ---- */

struct dmamap_bounce *dmamap_bounce_get(struct dma_dev *d, uint64_t orig,
					uint64_t len)
{
	return d->nslots ? bounce_alloc(d, orig, len) : NULL;
}

void dmamap_bounce_move(struct dma_dev *d, const struct dmamap_bounce *b,
			bool to_bounce, struct cache_cost *cost)
{
	bounce_copy(d, b, to_bounce, cost);
}

void dmamap_bounce_pad(struct dma_dev *d, const struct dmamap_bounce *b,
		       struct cache_cost *cost)
{
	static const uint8_t zero[4096];
	uint64_t at = b->dma + b->len;
	uint64_t end = b->dma + (uint64_t)b->nslots * d->cfg.bounce_slot;

	(void)cost;
	if (end <= at)
		return;
	/* the CPU stores zeros over the slot's rest, through its cache, then
	 * cleans them to memory on a non-coherent system (the device reads
	 * memory) */
	if (work_push(d, true, CACHE_CLEAN, at, at, end - at)) {
		d->work[d->nwork - 1].zero = true;
		if (!dmamap_coherent(d))
			(void)work_push(d, false, CACHE_CLEAN, 0, at, end - at);
		return;
	}
	while (at < end) {	/* out of memory for the queue: untimed */
		uint64_t n = end - at < sizeof(zero) ? end - at : sizeof(zero);
		uint64_t off;
		struct memory *mem = memory_of(bus_route(d->bus, at, n, &off));

		if (mem)
			memory_write(mem, off, zero, n);
		at += n;
	}
}

void dmamap_bounce_put(struct dma_dev *d, struct dmamap_bounce *b)
{
	memset(d->slot_used + b->slot, 0, b->nslots);
	b->live = false;
}
