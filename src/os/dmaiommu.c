/* dmaiommu: the DMA mapping API through an IOMMU.  See dmaiommu.h. */
#include "dmaiommu.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/sim.h"
#include "kernel/util.h"
#include "kernel/vec.h"
#include "hw/iommu_qi.h"

#define PAGE 4096ull

/* ---- page tables, written into memory ---- */

/* The table below entry idx of table, from the OS's record (0: none). */
static uint64_t pt_find(const struct dmaiommu *m, uint64_t table,
			unsigned idx)
{
	for (unsigned i = 0; i < m->ntabs; i++)
		if (m->tabs[i].parent == table && m->tabs[i].idx == idx)
			return m->tabs[i].child;
	return 0;
}

/* Entry idx of table := v: the CPU's store when a CPU runs the call,
 * else at once (see dmaiommu.h). */
static void pt_put(struct dmaiommu *m, uint64_t table, unsigned idx,
		   uint64_t v, struct cache_cost *cost)
{
	uint64_t at = table + idx * 8;
	uint8_t b[8];

	util_le_put(b, v, 8);
	cost->cpu += m->cfg.pte;
	m->ptes++;
	if (m->dev->walk_maint && dmamap_store(m->dev, at, b, 8, false)) {
		dmamap_cache_maint(m->dev, CACHE_CLEAN, at, 8, cost);
		return;
	}
	memory_write(m->mem, at - m->mem->tgt.base, b, 8);
	cost->bus += m->bus_pte;
}

static unsigned pt_index(uint64_t iova, int level)
{
	return (unsigned)(iova >> (12 + 9 * (IOMMU_LEVELS - 1 - level))) & 511;
}

/* The table below entry idx of table, made when missing (0: no room). */
static uint64_t pt_child(struct dmaiommu *m, uint64_t table, unsigned idx,
			 struct cache_cost *cost)
{
	uint64_t t = pt_find(m, table, idx);

	if (t)
		return t;
	if (m->pt_next + PAGE > m->cfg.pt_base + m->cfg.pt_size)
		return 0;
	VEC_RESERVE(m->tabs, m->ntabs, m->captabs, return 0);
	t = m->pt_next;
	m->pt_next += PAGE;
	m->tabs[m->ntabs++] = (struct dmaiommu_table){ table, t, idx };
	pt_put(m, table, idx, t | IOMMU_PTE_R | IOMMU_PTE_W, cost);
	return t;
}

/* Point the pages of [iova, +pages) at [pa, ...) with perm (0: unmap).
 * Returns 0, or DMASIM_ENOMEM when the table area is full. */
static int pt_set(struct dmaiommu *m, uint64_t iova, uint64_t pa,
		  uint64_t pages, uint64_t perm, struct cache_cost *cost)
{
	for (uint64_t k = 0; k < pages; k++) {
		uint64_t v = iova + k * PAGE;
		uint64_t l1 = pt_child(m, m->cfg.pt_base, pt_index(v, 0), cost);
		uint64_t l2 = l1 ? pt_child(m, l1, pt_index(v, 1), cost) : 0;

		if (!l2)
			return DMASIM_ENOMEM;
		pt_put(m, l2, pt_index(v, 2), perm ? (pa + k * PAGE) | perm : 0,
		       cost);
	}
	return 0;
}

/* ---- IOVA ranges ---- */

static struct dmaiommu_range *range_find(struct dmaiommu *m, uint64_t iova)
{
	for (unsigned i = 0; i < m->nr; i++)
		if (m->r[i].state == RANGE_LIVE && iova >= m->r[i].iova &&
		    iova < m->r[i].iova + m->r[i].pages * PAGE)
			return &m->r[i];
	return NULL;
}

/* First fit among freed ranges, else fresh space.  0 when full. */
static uint64_t iova_alloc(struct dmaiommu *m, uint64_t pages,
			   struct dmaiommu_range **out)
{
	struct dmaiommu_range *r;

	for (unsigned i = 0; i < m->nr; i++) {
		r = &m->r[i];
		if (r->state != RANGE_FREE || r->pages < pages)
			continue;
		if (r->pages > pages) {
			/* split: the rest stays free */
			VEC_RESERVE(m->r, m->nr, m->capr, return 0);
			r = &m->r[i];
			m->r[m->nr] = *r;
			m->r[m->nr].pa = NULL;
			m->r[m->nr].iova += pages * PAGE;
			m->r[m->nr].pages -= pages;
			m->nr++;
			r->pages = pages;
		}
		r->state = RANGE_LIVE;
		*out = r;
		return r->iova;
	}
	if (m->bump + pages * PAGE > m->cfg.iova_base + m->cfg.iova_size)
		return 0;
	VEC_RESERVE(m->r, m->nr, m->capr, return 0);
	r = &m->r[m->nr++];
	memset(r, 0, sizeof(*r));
	r->iova = m->bump;
	r->pages = pages;
	r->state = RANGE_LIVE;
	m->bump += pages * PAGE;
	*out = r;
	return r->iova;
}

/* The physical address behind dma in a live range. */
static uint64_t range_pa(const struct dmaiommu_range *r, uint64_t dma)
{
	uint64_t off = dma - r->iova;

	if (!r->pa)
		return r->paddr + off;
	return r->pa[off / PAGE] + off % PAGE;
}

/* ---- invalidation ---- */

/* A descriptor of the queue (hw/iommu_qi.h) stored into the ring's next
 * slot.  False: out of memory. */
static bool qi_put(struct dma_dev *d, uint32_t type, uint32_t v,
		   uint64_t addr, uint64_t len, uint64_t dev)
{
	struct dmaiommu_qi *q = d->iommu->cfg.qi;
	uint8_t desc[IOMMU_QI_DESC] = { 0 };
	uint64_t at = q->ring + (uint64_t)q->tail * IOMMU_QI_DESC;

	util_le_put(desc, type, 4);
	util_le_put(desc + 4, v, 4);
	util_le_put(desc + 8, addr, 8);
	util_le_put(desc + 16, len, 8);
	util_le_put(desc + 24, dev, 8);
	q->tail = (q->tail + 1) % DMAIOMMU_QI_ENTRIES;
	return dmamap_store(d, at, desc, IOMMU_QI_DESC, true);
}

/* Invalidate [iova, +len) of the domain (len 0: all of it) through the
 * queue: the descriptor and a wait, the tail written, the status polled.
 * False: out of memory (the caller invalidates at once). */
static bool qi_submit(struct dma_dev *d, uint64_t iova, uint64_t len)
{
	struct dmaiommu *m = d->iommu;
	struct dmaiommu_qi *q = m->cfg.qi;
	uint64_t status = q->ring + DMAIOMMU_QI_ENTRIES * IOMMU_QI_DESC;
	uint8_t tail[4];

	q->submissions++;
	q->seq++;
	if (!qi_put(d, len ? IOMMU_QI_RANGE : IOMMU_QI_DOMAIN,
		    (uint32_t)m->domain, iova, len, 0) ||
	    (m->cfg.devtlb &&
	     !qi_put(d, IOMMU_QI_DEVTLB, 0, iova, len, m->cfg.devtlb)) ||
	    !qi_put(d, IOMMU_QI_WAIT, q->seq, status, 0, 0))
		return false;
	util_le_put(tail, q->tail, 4);
	return dmamap_store(d, q->regs + IOMMU_QI_IQT, tail, 4, true) &&
	       dmamap_poll(d, status, q->seq, q->spin);
}

/* Invalidate [iova, +len) of d's domain (len 0: all of it): through the
 * queue when the IOMMU has one and a CPU runs the call (cost), else at
 * once for `inval` cycles (none on no CPU). */
static void invalidate(struct dma_dev *d, uint64_t iova, uint64_t len,
		       struct cache_cost *cost)
{
	struct dmaiommu *m = d->iommu;

	m->invalidations++;
	if (cost && m->cfg.qi && d->walk_maint && qi_submit(d, iova, len))
		return;
	iommu_invalidate(m->io, m->domain, iova, len);
	if (cost)
		cost->cpu += m->cfg.inval;
}

void dmaiommu_flush(struct dma_dev *d, struct cache_cost *cost)
{
	struct dmaiommu *m = d->iommu;

	if (!m->nfq)
		return;
	invalidate(d, 0, 0, cost);
	m->flushes++;
	for (unsigned i = 0; i < m->nr; i++) {
		if (m->r[i].state != RANGE_QUEUED)
			continue;
		m->stale_ps += m->sim->now - m->r[i].unmapped_at;
		if (m->sim->now - m->r[i].unmapped_at > m->stale_max_ps)
			m->stale_max_ps = m->sim->now - m->r[i].unmapped_at;
		m->r[i].state = RANGE_FREE;
	}
	m->nfq = 0;
}

static void flush_event(struct sim *sim, struct event *ev)
{
	struct dma_dev *d = ev->obj;

	(void)sim;
	d->iommu->timer = false;
	dmaiommu_flush(d, NULL);
}

/* ---- the ops ---- */

static uint64_t perm_of(enum dma_dir dir)
{
	return dir == DMA_TO_DEVICE ? IOMMU_PTE_R :
	       dir == DMA_FROM_DEVICE ? IOMMU_PTE_W :
	       IOMMU_PTE_R | IOMMU_PTE_W;
}

/* An untrusted device's buffer that shares its pages: through a bounce
 * slot whose pages hold nothing else. */
static uint64_t bounce_map(struct dma_dev *d, uint64_t paddr, uint64_t len,
			   enum dma_dir dir, struct cache_cost *cost)
{
	struct dmaiommu *m = d->iommu;
	struct dmaiommu_range *r = NULL;
	struct dmamap_bounce *b;
	uint64_t iova, pages;

	if (!len || d->cfg.bounce_slot % PAGE || d->cfg.bounce_base % PAGE ||
	    !(b = dmamap_bounce_get(d, paddr, len)))
		return DMA_MAPPING_ERROR;
	pages = (uint64_t)b->nslots * d->cfg.bounce_slot / PAGE;
	cost->cpu += m->cfg.alloc;
	iova = iova_alloc(m, pages, &r);
	if (!iova || pt_set(m, iova, b->dma, pages, perm_of(dir), cost)) {
		if (r)
			r->state = RANGE_FREE;
		dmamap_bounce_put(d, b);
		return DMA_MAPPING_ERROR;
	}
	dmamap_bounce_pad(d, b, cost);
	if (dir != DMA_FROM_DEVICE)
		dmamap_bounce_move(d, b, true, cost);
	r->paddr = b->dma;
	r->bounce = (size_t)(b - d->bounce) + 1;
	m->maps++;
	return iova;
}

static uint64_t iommu_map(struct dma_dev *d, uint64_t paddr, uint64_t len,
			  enum dma_dir dir, struct cache_cost *cost)
{
	struct dmaiommu *m = d->iommu;
	uint64_t in = paddr & (PAGE - 1);
	uint64_t pages = (in + len + PAGE - 1) / PAGE;
	struct dmaiommu_range *r = NULL;
	uint64_t iova;

#ifdef DMASIM_MUTATE_UNTRUSTED_NOT_BOUNCED
	if (false)	/* an untrusted device's sub-page buffer mapped as is */
#else
	if (m->cfg.untrusted && ((paddr | len) & (PAGE - 1)))
#endif
		return bounce_map(d, paddr, len, dir, cost);
	cost->cpu += m->cfg.alloc;
	iova = len ? iova_alloc(m, pages, &r) : 0;
	if (!iova)
		return DMA_MAPPING_ERROR;
	if (pt_set(m, iova, paddr - in, pages, perm_of(dir), cost)) {
		r->state = RANGE_FREE;
		return DMA_MAPPING_ERROR;
	}
	r->paddr = paddr - in;
	m->maps++;
	dmamap_cache_maint(d, dir == DMA_TO_DEVICE ? CACHE_CLEAN : CACHE_FLUSH,
			   paddr, len, cost);
	return iova + in;
}

static void iommu_unmap(struct dma_dev *d, uint64_t dma, uint64_t len,
			enum dma_dir dir, struct cache_cost *cost)
{
	struct dmaiommu *m = d->iommu;
	struct dmaiommu_range *r = range_find(m, dma);
	uint64_t iova;

	(void)len;
	if (!r)
		return;		/* the sanitizer reports it */
	iova = r->iova;
	pt_set(m, iova, 0, r->pages, 0, cost);
	if (r->bounce) {
		struct dmamap_bounce *b = &d->bounce[r->bounce - 1];

		if (dir != DMA_TO_DEVICE)
			dmamap_bounce_move(d, b, false, cost);
		dmamap_bounce_put(d, b);
		r->bounce = 0;
	} else if (dir != DMA_TO_DEVICE && !r->pa)
		dmamap_cache_maint(d, CACHE_INVAL, range_pa(r, dma), len, cost);
	/* a scatter-gather range: each of its pages (the list's first
	 * entry's unmap ends the whole range) */
	for (uint64_t j = 0; dir != DMA_TO_DEVICE && r->pa && j < r->pages;
	     j++)
		dmamap_cache_maint(d, CACHE_INVAL, r->pa[j], PAGE, cost);
	dm_free(r->pa);
	r->pa = NULL;
	m->unmaps++;
	if (!m->cfg.lazy) {
#ifndef DMASIM_MUTATE_IOMMU_STRICT_NO_INVALIDATE
		invalidate(d, iova, r->pages * PAGE, cost);
#else
		m->invalidations++;
		cost->cpu += m->cfg.inval;
#endif
		r->state = RANGE_FREE;
		return;
	}
#ifdef DMASIM_MUTATE_LAZY_UNMAP_INVALIDATES
	/* lazy unmap invalidates the IOTLB at once, as strict does (only
	 * the IOVA's release waits for the flush) */
	iommu_invalidate(m->io, m->domain, iova, r->pages * PAGE);
#endif
	/* lazy: the IOVA stays taken (and the IOTLB may still translate it)
	 * until the queue is flushed */
	r->state = RANGE_QUEUED;
	r->unmapped_at = m->sim->now;
	m->nfq++;
	if (m->nfq >= m->cfg.flush_max) {
		dmaiommu_flush(d, cost);
		return;
	}
#ifdef DMASIM_MUTATE_LAZY_FLUSH_NO_TIMER
	m->timer = true;	/* the flush timer never armed: full queues only */
#endif
	if (!m->timer && m->cfg.flush_timeout) {
		m->timer = true;
		if (!sim_at_clamped(m->sim, m->sim->now + m->cfg.flush_timeout,
				    PHASE_REQUEST, flush_event, d, NULL, 0))
			m->timer = false;
	}
}

static void iommu_sync(struct dma_dev *d, uint64_t dma, uint64_t len,
		       enum dma_dir dir, bool for_device,
		       struct cache_cost *cost)
{
	struct dmaiommu_range *r = range_find(d->iommu, dma);
	uint64_t pa;

	if (!r)
		return;
	if (r->bounce) {
		struct dmamap_bounce *b = &d->bounce[r->bounce - 1];

		if (for_device && dir != DMA_FROM_DEVICE)
			dmamap_bounce_move(d, b, true, cost);
		else if (!for_device && dir != DMA_TO_DEVICE)
			dmamap_bounce_move(d, b, false, cost);
		return;
	}
	pa = range_pa(r, dma);
	if (for_device)
		dmamap_cache_maint(d, dir == DMA_TO_DEVICE ? CACHE_CLEAN :
				   dir == DMA_FROM_DEVICE ? CACHE_INVAL :
				   CACHE_FLUSH, pa, len, cost);
	else if (dir != DMA_TO_DEVICE)
		dmamap_cache_maint(d, CACHE_INVAL, pa, len, cost);
}

static void iommu_ops_fini(struct dma_dev *d)
{
	dmaiommu_fini(d->iommu);
	d->iommu = NULL;
}

/*
 * A scatter-gather list as one I/O address range: when every boundary
 * between entries falls on a page boundary, the pages of all entries are
 * mapped one after the other, and each entry's address follows the last:
 * the device sees one contiguous buffer.  0: not possible (the caller
 * maps entry by entry) or no room.
 */
static unsigned iommu_map_sg(struct dma_dev *d, struct dma_sg *sg, unsigned n,
			     enum dma_dir dir, struct cache_cost *cost)
{
	struct dmaiommu *m = d->iommu;
	struct dmaiommu_range *r = NULL;
	uint64_t pages = 0, iova, k = 0, at;
	uint64_t *pa;

	for (unsigned i = 0; i < n; i++) {
		uint64_t in = sg[i].paddr & (PAGE - 1);

		if (!sg[i].len || (i > 0 && in) ||
		    (i + 1 < n && (sg[i].paddr + sg[i].len) % PAGE))
			return 0;
		pages += (in + sg[i].len + PAGE - 1) / PAGE;
	}
	pa = dm_malloc(pages * sizeof(*pa));
	if (!pa)
		return 0;
	cost->cpu += m->cfg.alloc;
	iova = iova_alloc(m, pages, &r);
	if (!iova) {
		dm_free(pa);
		return 0;
	}
	at = iova + (sg[0].paddr & (PAGE - 1));
	for (unsigned i = 0; i < n; i++) {
		uint64_t first = sg[i].paddr & ~(PAGE - 1);
		uint64_t np = ((sg[i].paddr & (PAGE - 1)) + sg[i].len +
			       PAGE - 1) / PAGE;

		if (pt_set(m, iova + k * PAGE, first, np, perm_of(dir), cost)) {
			r->state = RANGE_FREE;
			dm_free(pa);
			return 0;
		}
		for (uint64_t j = 0; j < np; j++)
			pa[k + j] = first + j * PAGE;
		k += np;
		sg[i].dma = at;
		at += sg[i].len;
		dmamap_cache_maint(d, dir == DMA_TO_DEVICE ? CACHE_CLEAN :
				   CACHE_FLUSH, sg[i].paddr, sg[i].len, cost);
	}
	r->paddr = pa[0];
	r->pa = pa;
	m->maps++;
	return n;
}

static const struct dmamap_ops iommu_ops = {
	.map = iommu_map,
	.map_sg = iommu_map_sg,
	.unmap = iommu_unmap,
	.sync = iommu_sync,
	.fini = iommu_ops_fini,
};

int dmaiommu_attach(struct dma_dev *d, struct iommu *io,
		    const struct bus_master *dev, struct memory *mem,
		    struct sim *sim, const struct dmaiommu_config *cfg)
{
	struct dmaiommu *m;
	uint64_t mbase = mem->tgt.base, msize = mem->cfg.size;
	struct bus_target *t;
	uint64_t off;
	int dom, err;

	if (!cfg->pt_size || !cfg->iova_size || cfg->pt_base % PAGE ||
	    cfg->pt_size % PAGE || cfg->iova_base % PAGE || !cfg->iova_base ||
	    cfg->pt_base < mbase || cfg->pt_base - mbase > msize ||
	    cfg->pt_size > msize - (cfg->pt_base - mbase) ||
	    (cfg->lazy && !cfg->flush_max))
		return DMASIM_EINVAL;
	m = dm_calloc(1, sizeof(*m));
	if (!m)
		return DMASIM_ENOMEM;
	m->cfg = *cfg;
	m->dev = d;
	m->io = io;
	m->mem = mem;
	m->sim = sim;
	m->pt_next = cfg->pt_base + PAGE;	/* the root first */
	m->bump = cfg->iova_base;
	m->bus_pte = bus_xact_cycles(mem->bus, cfg->pt_base, 8, true, &t, &off);
	dom = iommu_domain_new(io, cfg->pt_base, false);
	if (dom < 0) {
		dm_free(m);
		return dom;
	}
	m->domain = dom;
	err = iommu_attach_device(io, dev, dom);
	if (err) {
		dm_free(m);
		return err;
	}
	d->iommu = m;
	d->ops = &iommu_ops;
	return 0;
}

void dmaiommu_fini(struct dmaiommu *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nr; i++)
		dm_free(m->r[i].pa);
	dm_free(m->r);
	dm_free(m->tabs);
	dm_free(m);
}
