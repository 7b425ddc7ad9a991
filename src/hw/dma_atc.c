/* dma_atc: a DMA engine's ATS translation cache.  See dma.h. */
#include <stddef.h>
#include <stdio.h>

#include "ats.h"
#include "dma_int.h"
#include "kernel/alloc.h"
#include "kernel/util.h"

#define ATC_PAGE ATS_PAGE

static struct dma_atc_entry *find(struct dma_atc *a, uint64_t page)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->e[i].page == page)
			return &a->e[i];
	return NULL;
}

static void insert(struct dma_atc *a, uint64_t page, uint64_t pa,
		   uint8_t perm)
{
	struct dma_atc_entry *e = find(a, page);

#ifdef DMASIM_MUTATE_ATC_NO_CACHE
	return;
#endif
	if (!e && a->n < a->cap) {
		e = &a->e[a->n++];
	} else if (!e) {
		e = &a->e[0];		/* the least recently used */
		for (unsigned i = 1; i < a->n; i++)
			if (a->e[i].used < e->used)
				e = &a->e[i];
	}
	e->page = page;
	e->pa = pa;
	e->perm = perm;
	e->used = ++a->stamp;
}

static uint8_t need(bool write)
{
	return write ? ATS_W : ATS_R;
}

bool dma_atc_xact(struct dma_chan *ch, int what, uint64_t addr, void *data,
		  uint64_t len, bool write, bool fixed)
{
	struct dma_atc *a = &ch->eng->atc;
	uint64_t page = addr / ATC_PAGE;
	struct dma_atc_entry *e;

	/* only what goes up a bridge, where an IOMMU translates */
	if (fixed || !len || (addr + len - 1) / ATC_PAGE != page ||
	    !bus_passes_on(ch->port.bus, addr, len))
		return false;
	e = find(a, page);
	if (e && (e->perm & need(write))) {
		a->hits++;
		e->used = ++a->stamp;
#ifndef DMASIM_MUTATE_ATC_OFFSET_LOST
		dma_chan_issue(ch, what, e->pa * ATC_PAGE + addr % ATC_PAGE,
			       data, len, write, fixed, true, false);
#else
		dma_chan_issue(ch, what, e->pa * ATC_PAGE, data, len, write,
			       fixed, true, false);
#endif
		return true;
	}
	if (e)
		return false;	/* not allowed: untranslated, the IOMMU
				 * decides */
	a->misses++;
	a->requests++;
	ch->atw.what = what;
	ch->atw.addr = addr;
	ch->atw.len = len;
	ch->atw.data = data;
	ch->atw.write = write;
	ch->atw.fixed = fixed;
	dma_chan_issue(ch, REMOTE_ATS, page * ATC_PAGE, ch->atbuf, 8, false,
		       false, false, true);
	return true;
}

void dma_atc_answered(struct dma_chan *ch, int status)
{
	struct dma_atc *a = &ch->eng->atc;
	uint64_t v = status ? 0 : util_le_get(ch->atbuf, 8);
	uint8_t perm = (uint8_t)(v & (ATS_R | ATS_W));
	uint64_t addr = ch->atw.addr;

	if (perm)
		insert(a, addr / ATC_PAGE, (v & ATS_ADDR) / ATC_PAGE,
		       perm);
	if (!(perm & need(ch->atw.write))) {
		/* no translation for this: the request goes untranslated
		 * and the IOMMU decides (it faults it) */
		a->refused++;
		dma_chan_issue(ch, ch->atw.what, addr, ch->atw.data,
			       ch->atw.len, ch->atw.write, ch->atw.fixed,
			       false, false);
		return;
	}
	dma_chan_issue(ch, ch->atw.what,
		       (v & ATS_ADDR) + addr % ATC_PAGE, ch->atw.data,
		       ch->atw.len, ch->atw.write, ch->atw.fixed, true, false);
}

/* ---- invalidation ---- */

static void send_completion(struct dma_engine *eng);

static void completion_done(struct xact *x)
{
	struct dma_engine *eng = x->ctx;

	if (x->status)
		eng->guest_errors++;	/* nowhere to go: the IOMMU waits */
	eng->atc.owed--;
	if (eng->atc.owed)
		send_completion(eng);
}

static void send_completion(struct dma_engine *eng)
{
	struct dma_atc *a = &eng->atc;

	util_le_put(a->done, 1, ATS_CPL_SIZE);
	xact_init(&a->x, a->reply, a->done, ATS_CPL_SIZE, true, &a->port,
		  completion_done, eng);
	a->x.message = true;
	xact_start(&a->port, &a->x);
}

int dma_atc_reg_write(struct dma_engine *eng, uint64_t off, const void *data,
		      uint64_t len)
{
	struct dma_atc *a = &eng->atc;
	const uint8_t *p = data;
	uint64_t iova, n, first, last;
	unsigned k = 0;

	if (off || len != ATS_INV_SIZE) {
		eng->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	iova = util_le_get(p, 8);
	n = util_le_get(p + 8, 8);
	first = iova / ATC_PAGE;
	last = n ? (iova + n - 1) / ATC_PAGE : UINT64_MAX;
#ifndef DMASIM_MUTATE_ATC_NEVER_INVALIDATED
	for (unsigned i = 0; i < a->n; i++) {
		if (n && (a->e[i].page < first || a->e[i].page > last)) {
			a->e[k++] = a->e[i];
			continue;
		}
		a->invalidations++;
	}
	a->n = k;
#else
	(void)first;
	(void)last;
	(void)k;
#endif
	/* then the completion (one in flight; more wait their turn) */
	a->reply = util_le_get(p + 16, 8);
	if (a->owed++ == 0)
		send_completion(eng);
	return BUS_OK;
}

/* ---- set-up ---- */

static void port_released(struct bus_master *m, uint64_t cycles)
{
	struct dma_atc *a = (struct dma_atc *)((char *)m -
					       offsetof(struct dma_atc, port));

	(void)cycles;
	xact_released(&a->x);
}

static const struct bus_master_ops port_ops = {
	.released = port_released,
};

int dma_atc_init(struct dma_engine *eng, unsigned entries)
{
	struct dma_atc *a = &eng->atc;
	char name[48];
	struct {
		const char *n;
		uint64_t *v;
	} st[] = {
		{ "atc_hits", &a->hits }, { "atc_misses", &a->misses },
		{ "atc_refused", &a->refused },
		{ "atc_invalidations", &a->invalidations },
		{ "ats_requests", &a->requests },
	};
	int err;

	a->e = dm_calloc(entries, sizeof(*a->e));
	if (!a->e)
		return DMASIM_ENOMEM;
	a->cap = entries;
	snprintf(name, sizeof(name), "%s.ats", eng->name);
	err = bus_attach(eng->bus, &a->port, name, &port_ops, BUS_MODE_BURST,
			 eng->nchan ? eng->chan[0].port.priority : 0);
	if (err)
		return err;
	a->port.io = true;
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (stats_add(&eng->sim->stats, eng->name, st[i].n,
			      STAT_COUNTER, "", st[i].v))
			return DMASIM_ENOMEM;
	return 0;
}

void dma_atc_fini(struct dma_engine *eng)
{
	dm_free(eng->atc.e);
	eng->atc.e = NULL;
	eng->atc.cap = eng->atc.n = 0;
}
