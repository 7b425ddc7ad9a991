/* iommu: I/O address translation on a bridge's way to memory.  See
 * iommu.h. */
#include "iommu.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ats.h"
#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/util.h"
#include "kernel/vec.h"

#define PAGE 4096ull
#define LARGE (2ull << 20)

const char *iommu_fault_string(int reason)
{
	switch (reason) {
		IOMMU_FAULTS(UTIL_CASE_TEXT)
	}
	return "unknown fault";
}

/* ---- domains ---- */

static int domain_of(const struct iommu *io, const struct bus_master *dev)
{
	for (unsigned i = 0; i < io->natt; i++)
		if (io->att[i].dev == dev)
			return io->att[i].domain;
	return -1;
}

int iommu_domain_new(struct iommu *io, uint64_t root, bool identity)
{
	for (int d = 0; d < IOMMU_MAX_DOMAINS; d++) {
		if (io->dom[d].live)
			continue;
		io->dom[d].root = root & IOMMU_PTE_ADDR;
		io->dom[d].identity = identity;
		io->dom[d].live = true;
		return d;
	}
	return DMASIM_ERANGE;
}

int iommu_attach_device(struct iommu *io, const struct bus_master *dev,
			int domain)
{
	if (!dev || domain >= IOMMU_MAX_DOMAINS ||
	    (domain >= 0 && !io->dom[domain].live))
		return DMASIM_EINVAL;
	for (unsigned i = 0; i < io->natt; i++) {
		if (io->att[i].dev == dev) {
			io->att[i].domain = domain;
			return 0;
		}
	}
	VEC_RESERVE(io->att, io->natt, io->capatt, return DMASIM_ENOMEM);
	io->att[io->natt].dev = dev;
	io->att[io->natt].domain = domain;
	io->att[io->natt].ats = false;
	io->natt++;
	return 0;
}

int iommu_trust_ats(struct iommu *io, const struct bus_master *dev,
		    bool trusted)
{
	for (unsigned i = 0; i < io->natt; i++) {
		if (io->att[i].dev == dev) {
			io->att[i].ats = trusted;
			return 0;
		}
	}
	return DMASIM_EINVAL;
}

static bool ats_trusted(const struct iommu *io, const struct bus_master *dev)
{
#ifdef DMASIM_MUTATE_IOMMU_TRUSTS_ATS
	/* every device's "already translated" requests pass unchecked */
	(void)io;
	(void)dev;
	return true;
#endif
	for (unsigned i = 0; i < io->natt; i++)
		if (io->att[i].dev == dev)
			return io->att[i].ats;
	return false;
}

void iommu_enable(struct iommu *io, bool on)
{
	io->on = on;
}

/* ---- the IOTLB ---- */

static struct iommu_tlb *tlb_set(const struct iommu *io, uint64_t tag)
{
	return &io->tlb[(tag % io->sets) * (io->cfg.entries / io->sets)];
}

static uint32_t tlb_ways(const struct iommu *io)
{
	return io->cfg.entries / io->sets;
}

/* The cached translation of iova in domain d, or NULL. */
static struct iommu_tlb *tlb_find(struct iommu *io, int d, uint64_t iova)
{
	for (int large = 0; large < 2; large++) {
		uint64_t tag = iova >> (large ? 21 : 12);
		struct iommu_tlb *s = tlb_set(io, tag);

		for (uint32_t i = 0; i < tlb_ways(io); i++)
			if (s[i].valid && s[i].domain == d &&
			    s[i].large == (bool)large && s[i].tag == tag)
				return &s[i];
	}
	return NULL;
}

static struct iommu_tlb *tlb_fill(struct iommu *io, int d, uint64_t iova,
				  uint64_t pa, uint8_t perm, bool large)
{
	uint64_t tag = iova >> (large ? 21 : 12);
	struct iommu_tlb *s = tlb_set(io, tag), *v = &s[0];

	for (uint32_t i = 0; i < tlb_ways(io); i++) {
		if (!s[i].valid) {
			v = &s[i];
			break;
		}
		if (s[i].used < v->used)
			v = &s[i];
	}
	v->tag = tag;
	v->pa = pa;
	v->domain = (uint16_t)d;
	v->perm = perm;
	v->large = large;
	v->valid = true;
	v->used = ++io->stamp;
	return v;
}

void iommu_invalidate(struct iommu *io, int domain, uint64_t iova,
		      uint64_t len)
{
	io->invalidations++;
	for (uint32_t i = 0; i < io->cfg.entries; i++) {
		struct iommu_tlb *t = &io->tlb[i];
		uint64_t size = t->large ? LARGE : PAGE;
		uint64_t base = t->tag * size;

		if (!t->valid)
			continue;
		if (domain >= 0 && t->domain != domain)
			continue;
		if (domain >= 0 && len &&
		    (base + size <= iova || base >= iova + len))
			continue;
		t->valid = false;
	}
}

/* ---- translation ---- */

/* Tell the watcher what was decided about an access. */
static void watched(struct iommu *io, const struct xact *x, bool ok)
{
	if (io->watch.access)
		io->watch.access(io->watch.ctx, io, io->cur_domain,
				 x->init ? x->init->name : "?", x->addr,
				 x->len, x->write, ok);
}

_Static_assert(IOMMU_PTE_R == ATS_R && IOMMU_PTE_W == ATS_W &&
	       IOMMU_PTE_ADDR == ATS_ADDR,
	       "an ATS answer is the page-table entry's address and R/W bits");

/* A translation request answered: the page's translation v (IOMMU_PTE
 * format: the 4 KiB page's address and R/W; 0: none) as the read's data.
 * No access is made, so none is watched and no fault is logged. */
static void ats_answer(struct iommu *io, struct bridge_entry *e, uint64_t v)
{
	util_le_put(e->sub.data, v, 8);
	io->ats_requests++;
	io->cur = NULL;
	bridge_xlate_answer(io->side, e);
}

static void fault(struct iommu *io, struct bridge_entry *e, int reason)
{
	const struct xact *x = &e->sub;

	if (x->ats_req) {
		ats_answer(io, e, 0);
		return;
	}

	watched(io, x, false);
	io->faults++;
	if (io->nlog < io->cfg.max_faults) {
		struct iommu_fault *f = &io->log[io->nlog++];

		f->time = io->sim->now;
		f->iova = x->addr;
		f->write = x->write;
		f->reason = reason;
		snprintf(f->dev, sizeof(f->dev), "%s",
			 x->init ? x->init->name : "?");
	}
	if (io->irq.raise)
		io->irq.raise(io->irq.ctx, io->irq.line);
	io->cur = NULL;
#ifdef DMASIM_MUTATE_IOMMU_FAULT_NOT_BLOCKING
	/* the fault logged and signalled, the access let through as it
	 * came */
	bridge_xlate_done(io->side, e, BUS_OK);
#else
	bridge_xlate_done(io->side, e, BUS_ERR_SLAVE);
#endif
}

/* A translation found (cached or walked): check the access, set the
 * physical address and cut the piece at the page's end. */
static void apply(struct iommu *io, struct bridge_entry *e,
		  const struct iommu_tlb *t)
{
	struct xact *x = &e->sub;
	uint64_t size = t->large ? LARGE : PAGE;
	uint64_t in = x->addr & (size - 1);

	if (x->ats_req) {
		ats_answer(io, e, (t->pa + (in & ~(PAGE - 1))) | t->perm);
		return;
	}
#ifndef DMASIM_MUTATE_IOMMU_NO_PERMISSION_CHECK
	if (!(t->perm & (x->write ? IOMMU_PTE_W : IOMMU_PTE_R))) {
		fault(io, e, x->write ? IOMMU_FAULT_WRITE_DENIED :
			     IOMMU_FAULT_READ_DENIED);
		return;
	}
#endif
	watched(io, x, true);
	x->addr = t->pa + in;
	if (!x->fixed && x->len > size - in)
		x->len = size - in;
	io->cur = NULL;
	bridge_xlate_done(io->side, e, BUS_OK);
}

static void walk_next(struct iommu *io);

static void walk_done(struct xact *w)
{
	struct iommu *io = w->ctx;
	struct bridge_entry *e = io->cur;
	uint64_t iova = e->sub.addr;
	uint64_t pte;

	if (w->status) {
		fault(io, e, IOMMU_FAULT_WALK);
		return;
	}
	pte = util_le_get(io->pte, 8);
	if (!(pte & IOMMU_PTE_R) && !(pte & IOMMU_PTE_W)) {
		fault(io, e, IOMMU_FAULT_NOT_PRESENT);
		return;
	}
	if (io->level == IOMMU_LEVELS - 1 ||
	    (io->level == 1 && (pte & IOMMU_PTE_PS))) {
		bool large = io->level == 1;
		uint64_t size = large ? LARGE : PAGE;
		uint64_t pa = (pte & IOMMU_PTE_ADDR) & ~(size - 1);
		const struct iommu_tlb *t;

#ifdef DMASIM_MUTATE_IOTLB_NO_LARGE_ENTRIES
		/* a large page cached as the one 4 KiB page the access
		 * touched: each of its pages misses and walks */
		if (large) {
			pa += iova & (LARGE - 1) & ~(uint64_t)(PAGE - 1);
			large = false;
		}
#endif
		t = tlb_fill(io, io->cur_domain, iova, pa,
			     (uint8_t)(pte & (IOMMU_PTE_R | IOMMU_PTE_W)),
			     large);

		apply(io, e, t);
		return;
	}
	io->table = pte & IOMMU_PTE_ADDR;
	io->level++;
	walk_next(io);
}

/* Read the entry for the current IOVA at the current level. */
static void walk_next(struct iommu *io)
{
	uint64_t iova = io->cur->sub.addr;
	unsigned shift = 12 + 9 * (unsigned)(IOMMU_LEVELS - 1 - io->level);
	uint64_t idx = (iova >> shift) & 511;

	io->walk_reads++;
	xact_init(&io->walk, io->table + idx * 8, io->pte, 8, false,
		  &io->walker, walk_done, io);
	xact_start(&io->walker, &io->walk);
}

#ifdef DMASIM_MUTATE_IOTLB_ALWAYS_HIT
/* The walk without its reads: the tables read at once, no bus time. */
static bool walk_now(struct iommu *io, uint64_t iova, struct iommu_tlb *t)
{
	uint64_t table = io->dom[io->cur_domain].root;

	for (unsigned l = 0; l < IOMMU_LEVELS; l++) {
		unsigned shift = 12 + 9 * (IOMMU_LEVELS - 1 - l);
		uint8_t b[8];
		uint64_t pte;

		if (bus_xact_data(io->walker.bus,
				  table + ((iova >> shift) & 511) * 8, b, 8,
				  false))
			return false;
		pte = util_le_get(b, 8);
		if (!(pte & (IOMMU_PTE_R | IOMMU_PTE_W)))
			return false;
		if (l == IOMMU_LEVELS - 1 || (l == 1 && (pte & IOMMU_PTE_PS))) {
			t->large = l == 1;
			t->pa = (pte & IOMMU_PTE_ADDR) &
				~((t->large ? LARGE : PAGE) - 1);
			t->perm = (uint8_t)(pte & (IOMMU_PTE_R | IOMMU_PTE_W));
			return true;
		}
		table = pte & IOMMU_PTE_ADDR;
	}
	return false;
}
#endif

static void lookup_event(struct sim *sim, struct event *ev)
{
	struct iommu *io = ev->obj;
	struct bridge_entry *e = io->cur;
	struct iommu_tlb *t;

	(void)sim;
	if (io->dom[io->cur_domain].identity) {
		struct iommu_tlb id = { .pa = e->sub.addr & ~(PAGE - 1),
					.perm = IOMMU_PTE_R | IOMMU_PTE_W };

		io->hits++;
		apply(io, e, &id);
		return;
	}
	t = tlb_find(io, io->cur_domain, e->sub.addr);
	if (t) {
		io->hits++;
		t->used = ++io->stamp;
		apply(io, e, t);
		return;
	}
#ifdef DMASIM_MUTATE_IOTLB_ALWAYS_HIT
	{
		struct iommu_tlb w = { 0 };

		if (walk_now(io, e->sub.addr, &w)) {
			io->hits++;
			apply(io, e, &w);
			return;
		}
	}
#endif
	io->misses++;
#ifdef DMASIM_MUTATE_IOMMU_WALK_SKIPS_LEVEL
	io->level = 1;	/* the walk starts a level down (a wrong width) */
#else
	io->level = 0;
#endif
	io->table = io->dom[io->cur_domain].root;
	walk_next(io);
}

static void iommu_translate(void *ctx, struct bridge_side *s,
			    struct bridge_entry *e)
{
	struct iommu *io = ctx;
	int d;

	(void)s;
	if (!io->on) {
		if (e->sub.ats_req)	/* off: addresses are physical */
			ats_answer(io, e, (e->sub.addr & ~(PAGE - 1)) |
				   IOMMU_PTE_R | IOMMU_PTE_W);
		else
			bridge_xlate_done(io->side, e, BUS_OK);
		return;
	}
	assert(!io->cur);
	io->cur = e;
	io->translations++;
	d = domain_of(io, e->sub.init);
	io->cur_domain = d;
	if (e->sub.message) {
		/* routed to the IOMMU itself, or nowhere */
		if (e->sub.addr - io->msg_base >= io->msg_size ||
		    e->sub.len > io->msg_base + io->msg_size - e->sub.addr) {
			fault(io, e, IOMMU_FAULT_MESSAGE);
			return;
		}
		io->cur = NULL;
		bridge_xlate_done(io->side, e, BUS_OK);
		return;
	}
	if (e->sub.ats_req && !ats_trusted(io, e->sub.init)) {
		ats_answer(io, e, 0);	/* not enabled for ATS */
		return;
	}
	if (e->sub.translated) {
		/* a translated request: the device's own word for it */
		if (!ats_trusted(io, e->sub.init)) {
			fault(io, e, IOMMU_FAULT_TRANSLATED);
			return;
		}
		if (io->watch.translated)
			io->watch.translated(io->watch.ctx, io, d,
					     e->sub.init ? e->sub.init->name :
					     "?", e->sub.addr, e->sub.len,
					     e->sub.write);
		io->cur = NULL;
		bridge_xlate_done(io->side, e, BUS_OK);
		return;
	}
	if (d < 0) {
		fault(io, e, IOMMU_FAULT_NO_DOMAIN);
		return;
	}
	if (e->sub.addr >> IOMMU_IOVA_BITS) {
		fault(io, e, IOMMU_FAULT_RANGE);
		return;
	}
	io->cur_domain = d;
	if (!sim_at_clamped(io->sim, io->sim->now + io->cfg.lookup,
			    PHASE_REQUEST, lookup_event, io, NULL, 0))
		assert(!"out of event memory");
}

/* ---- the walker's bus port ---- */

static void walker_released(struct bus_master *m, uint64_t cycles)
{
	struct iommu *io = (struct iommu *)((char *)m -
					    offsetof(struct iommu, walker));

	(void)cycles;
	xact_released(&io->walk);
}

static const struct bus_master_ops walker_ops = {
	.released = walker_released,
};

/* ---- set-up ---- */

int iommu_init(struct iommu *io, struct sim *sim, const char *name,
	       struct bridge *br, enum bridge_dir dir,
	       const struct iommu_config *cfg)
{
	char wname[48];
	struct {
		const char *n;
		uint64_t *v;
	} st[] = {
		{ "translations", &io->translations }, { "hits", &io->hits },
		{ "ats_requests", &io->ats_requests },
		{ "misses", &io->misses }, { "walk_reads", &io->walk_reads },
		{ "faults", &io->faults },
		{ "invalidations", &io->invalidations },
	};
	int err;

	if (!cfg->entries || (cfg->ways && cfg->entries % cfg->ways))
		return DMASIM_EINVAL;
	memset(io, 0, sizeof(*io));
#ifdef DMASIM_MUTATE_IOMMU_ON_AT_RESET
	io->on = true;	/* translating from reset, before it is enabled */
#endif
	io->cfg = *cfg;
#ifdef DMASIM_MUTATE_IOTLB_UNBOUNDED
	/* an IOTLB that keeps every translation it ever walked */
	io->cfg.entries = 1u << 16;
	io->cfg.ways = 1;
	cfg = &io->cfg;
#endif
	io->sim = sim;
	io->br = br;
	io->side = &br->side[dir];
	snprintf(io->name, sizeof(io->name), "%s", name);
	io->sets = cfg->ways ? cfg->entries / cfg->ways : 1;
	io->tlb = dm_calloc(cfg->entries, sizeof(*io->tlb));
	io->log = dm_calloc(cfg->max_faults ? cfg->max_faults : 1,
			 sizeof(*io->log));
	if (!io->tlb || !io->log) {
		iommu_fini(io);
		return DMASIM_ENOMEM;
	}
	snprintf(wname, sizeof(wname), "%s.walker", io->name);
	err = bus_attach(io->side->far, &io->walker, wname, &walker_ops,
			 BUS_MODE_BURST, br->cfg.priority);
	if (err) {
		iommu_fini(io);
		return err;
	}
	io->walker.io = true;	/* page walks snoop like device reads */
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (stats_add(&sim->stats, io->name, st[i].n, STAT_COUNTER, "",
			      st[i].v)) {
			iommu_fini(io);
			return DMASIM_ENOMEM;
		}
	io->xl.translate = iommu_translate;
	io->xl.ctx = io;
	bridge_set_xlate(br, dir, &io->xl);
	return 0;
}

void iommu_fini(struct iommu *io)
{
	dm_free(io->tlb);
	dm_free(io->log);
	dm_free(io->att);
	io->tlb = NULL;
	io->log = NULL;
	io->att = NULL;
}

bool iommu_check(const struct iommu *io)
{
	for (uint32_t i = 0; i < io->cfg.entries; i++) {
		const struct iommu_tlb *t = &io->tlb[i];

		if (t->valid && (t->domain >= IOMMU_MAX_DOMAINS ||
				 !io->dom[t->domain].live))
			return false;
		if (t->valid && (uint64_t)(t - io->tlb) / tlb_ways(io) !=
				t->tag % io->sets)
			return false;
	}
	return true;
}
