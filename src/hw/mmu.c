/* mmu: TLB and page-table walker.  See mmu.h. */
#include "mmu.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "memory.h"

static struct mmu_tlbe *set_of(const struct mmu *m, uint64_t vpn)
{
	return &m->tlb[(vpn % m->sets) * m->cfg.ways];
}

static struct mmu_tlbe *tlb_find(struct mmu *m, int asid, uint64_t vpn)
{
	struct mmu_tlbe *s = set_of(m, vpn);

	for (uint32_t i = 0; i < m->cfg.ways; i++)
		if (s[i].valid && s[i].vpn == vpn && s[i].asid == asid)
			return &s[i];
	return NULL;
}

static void tlb_fill(struct mmu *m, int asid, uint64_t vpn, uint64_t ppn)
{
	struct mmu_tlbe *s = set_of(m, vpn), *v = &s[0];

	for (uint32_t i = 0; i < m->cfg.ways; i++) {
		if (!s[i].valid) {
			v = &s[i];
			break;
		}
		if (s[i].used < v->used)
			v = &s[i];
	}
	v->valid = true;
	v->asid = asid;
	v->vpn = vpn;
	v->ppn = ppn;
	v->used = ++m->stamp;
}

static unsigned level_index(uint64_t va, int level)
{
	return (unsigned)(va >> (MMU_PAGE_SHIFT + 9 * (MMU_LEVELS - 1 -
							 level))) & 511;
}

static uint64_t entry_pa(uint64_t e)
{
	return e & 0x000ffffffffff000ull;
}

/* The next read of the walk: the entry of the current level. */
static void walk_read(struct mmu *m)
{
	struct bus_target *t;
	uint64_t off, cycles;

	m->addr = m->table + 8ull * level_index(m->va, m->level);
	cycles = bus_xact_cycles(m->bus, m->addr, 8, false, &t, &off);
	if (!t || !memory_of(t)) {
		/* no memory answers: the walk fails as a fault */
		mmu_done_fn fn = m->done;

		m->walking = false;
		m->faults++;
		fn(m->ctx, MMU_FAULT, 0);
		return;
	}
	bus_request(&m->walker, cycles, cycles);
}

static void walker_released(struct bus_master *bm, uint64_t cycles)
{
	struct mmu *m = (struct mmu *)((char *)bm -
				       offsetof(struct mmu, walker));
	uint64_t e = 0;
	mmu_done_fn fn;

	(void)cycles;
	m->walk_reads++;
	bus_xact_data(m->bus, m->addr, m->word, 8, false);
	for (int i = 7; i >= 0; i--)
		e = e << 8 | m->word[i];
	if (!(e & 1)) {
		m->walking = false;
		m->faults++;
		fn = m->done;
		fn(m->ctx, MMU_FAULT, 0);
		return;
	}
	if (m->level < MMU_LEVELS - 1) {
		m->table = entry_pa(e);
		m->level++;
		walk_read(m);
		return;
	}
	tlb_fill(m, m->asid, m->va >> MMU_PAGE_SHIFT,
		 entry_pa(e) >> MMU_PAGE_SHIFT);
	m->walking = false;
	fn = m->done;
	fn(m->ctx, MMU_HIT, entry_pa(e) |
	   (m->va & ((1ull << MMU_PAGE_SHIFT) - 1)));
}

static const struct bus_master_ops walker_ops = {
	.released = walker_released,
};

#ifdef DMASIM_MUTATE_TLB_ALWAYS_HIT
/* The walk without its reads: the tables read at once, no bus time. */
static bool walk_now(struct mmu *m, uint64_t root, uint64_t va, uint64_t *pa)
{
	uint64_t table = root;

	for (int l = 0; l < MMU_LEVELS; l++) {
		uint64_t addr = table + 8ull * level_index(va, l), off, e = 0;
		struct memory *mem = memory_of(bus_route(m->bus, addr, 8,
							 &off));
		uint8_t w[8];

		if (!mem)
			return false;
		memory_read(mem, off, w, 8);
		for (int i = 7; i >= 0; i--)
			e = e << 8 | w[i];
		if (!(e & 1))
			return false;
		table = entry_pa(e);
	}
	*pa = table | (va & ((1ull << MMU_PAGE_SHIFT) - 1));
	return true;
}
#endif

enum mmu_result mmu_translate(struct mmu *m, int asid, uint64_t root,
			      uint64_t va, uint64_t *pa, mmu_done_fn done,
			      void *ctx)
{
	uint64_t vpn = va >> MMU_PAGE_SHIFT;
	struct mmu_tlbe *e = tlb_find(m, asid, vpn);

	if (e) {
		m->hits++;
		e->used = ++m->stamp;
		*pa = e->ppn << MMU_PAGE_SHIFT |
		      (va & ((1ull << MMU_PAGE_SHIFT) - 1));
		return MMU_HIT;
	}
#ifdef DMASIM_MUTATE_TLB_ALWAYS_HIT
	if (walk_now(m, root, va, pa)) {
		m->hits++;
		return MMU_HIT;
	}
#endif
	m->misses++;
	m->walking = true;
	m->level = 0;
	m->asid = asid;
	m->va = va;
	m->table = root;
	m->done = done;
	m->ctx = ctx;
	walk_read(m);
	return MMU_WALK;
}

void mmu_invalidate(struct mmu *m, int asid, uint64_t vpn)
{
	struct mmu_tlbe *e = tlb_find(m, asid, vpn);

	if (e) {
		e->valid = false;
		m->invals++;
	}
}

int mmu_init(struct mmu *m, struct sim *sim, struct bus *bus,
	     const char *name, const struct mmu_config *cfg, int priority)
{
	char wname[48];
	const struct { const char *n; uint64_t *v; } st[] = {
		{ "tlb_hits", &m->hits }, { "tlb_misses", &m->misses },
		{ "walk_reads", &m->walk_reads }, { "faults", &m->faults },
		{ "tlb_invals", &m->invals },
	};
	uint32_t sets;

	if (!cfg->entries || !cfg->ways || cfg->entries % cfg->ways)
		return DMASIM_EINVAL;
	sets = cfg->entries / cfg->ways;
	if (sets & (sets - 1))
		return DMASIM_EINVAL;
	memset(m, 0, sizeof(*m));
	m->sim = sim;
	m->bus = bus;
	m->cfg = *cfg;
	m->sets = sets;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->tlb = dm_calloc(cfg->entries, sizeof(*m->tlb));
	if (!m->tlb)
		return DMASIM_ENOMEM;
	snprintf(wname, sizeof(wname), "%s.walker", m->name);
	if (bus_attach(bus, &m->walker, wname, &walker_ops, BUS_MODE_BURST,
		       priority))
		return DMASIM_ENOMEM;
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (stats_add(&sim->stats, m->name, st[i].n, STAT_COUNTER, "",
			      st[i].v))
			return DMASIM_ENOMEM;
	return 0;
}

void mmu_fini(struct mmu *m)
{
	dm_free(m->tlb);
	m->tlb = NULL;
}
