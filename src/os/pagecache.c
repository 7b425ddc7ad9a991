/* pagecache: page-cache bookkeeping.  See pagecache.h. */
#include "pagecache.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

int pagecache_init(struct pagecache *pc, const struct pagecache_config *cfg)
{
	uint64_t n = cfg->size / PC_PAGE;

	if (!n || n > UINT32_MAX - 1 || (cfg->base & (PC_PAGE - 1)) ||
	    cfg->readahead > 511 || !cfg->block || PC_PAGE % cfg->block)
		return DMASIM_EINVAL;
	memset(pc, 0, sizeof(*pc));
	pc->cfg = *cfg;
	pc->nframes = (uint32_t)n;
	pc->fr = dm_malloc(n * sizeof(*pc->fr));
	if (!pc->fr)
		return DMASIM_ENOMEM;
	for (uint32_t i = 0; i < pc->nframes; i++) {
		pc->fr[i].file = PC_NONE;
		pc->fr[i].used = 0;
		pc->fr[i].filling = false;
	}
	return 0;
}

void pagecache_fini(struct pagecache *pc)
{
	for (uint32_t i = 0; i < pc->nfiles; i++)
		dm_free(pc->files[i].frame);
	dm_free(pc->files);
	dm_free(pc->fr);
	pc->files = NULL;
	pc->fr = NULL;
}

int pagecache_find(const struct pagecache *pc, const char *name)
{
	for (uint32_t i = 0; i < pc->nfiles; i++)
		if (!strcmp(pc->files[i].name, name))
			return (int)i;
	return -1;
}

int pagecache_file(struct pagecache *pc, const char *name, uint64_t lba,
		   uint64_t size)
{
	struct pc_file *f;

	if (!name || !*name || strlen(name) >= PC_NAME || !size ||
	    pagecache_find(pc, name) >= 0 || pc->nfiles >= (1u << 20))
		return DMASIM_EINVAL;
	if (pc->nfiles == pc->capfiles) {
		uint32_t cap = pc->capfiles ? 2 * pc->capfiles : 8;
		struct pc_file *p = dm_realloc(pc->files, cap * sizeof(*p));

		if (!p)
			return DMASIM_ENOMEM;
		pc->files = p;
		pc->capfiles = cap;
	}
	f = &pc->files[pc->nfiles];
	memset(f, 0, sizeof(*f));
	strcpy(f->name, name);
	f->lba = lba;
	f->size = size;
	f->npages = (size + PC_PAGE - 1) / PC_PAGE;
	f->frame = dm_malloc(f->npages * sizeof(*f->frame));
	if (!f->frame)
		return DMASIM_ENOMEM;
	for (uint64_t i = 0; i < f->npages; i++)
		f->frame[i] = PC_NONE;
	return (int)pc->nfiles++;
}

static uint64_t frame_pa(const struct pagecache *pc, uint32_t i)
{
	return pc->cfg.base + (uint64_t)i * PC_PAGE;
}

uint64_t pagecache_lookup(struct pagecache *pc, uint32_t f, uint64_t page)
{
	uint32_t i = pc->files[f].frame[page];

#ifdef DMASIM_MUTATE_PAGECACHE_ALWAYS_MISS
	if (i != PC_NONE && !pc->fr[i].filling) {
		/* the mutation: a cached page is forgotten, read again */
		pc->files[f].frame[page] = PC_NONE;
		pc->fr[i].file = PC_NONE;
		i = PC_NONE;
	}
#endif
	if (i == PC_NONE || pc->fr[i].filling) {
		pc->misses++;
		return UINT64_MAX;
	}
	pc->hits++;
	pc->fr[i].used = ++pc->tick;
	return frame_pa(pc, i);
}

/* The least recently used frame not filling (a free one first), or
 * PC_NONE. */
static uint32_t victim(struct pagecache *pc)
{
	uint32_t best = PC_NONE;

	for (uint32_t i = 0; i < pc->nframes; i++) {
		if (pc->fr[i].filling)
			continue;
		if (pc->fr[i].file == PC_NONE)
			return i;
		if (best == PC_NONE || pc->fr[i].used < pc->fr[best].used)
			best = i;
	}
	return best;
}

int pagecache_plan(struct pagecache *pc, uint32_t f, uint64_t page,
		   uint64_t *pa, uint64_t *lba)
{
	struct pc_file *fl = &pc->files[f];
	int n = 0;

	for (uint64_t p = page; p < fl->npages && p <= page +
	     pc->cfg.readahead; p++) {
		uint32_t v;

		if (fl->frame[p] != PC_NONE)
			break;		/* cached, or filling: stop the run */
		v = victim(pc);
		if (v == PC_NONE)
			break;
		if (pc->fr[v].file != PC_NONE) {
			pc->files[pc->fr[v].file].frame[pc->fr[v].page] =
				PC_NONE;
			pc->evictions++;
		}
		pc->fr[v].file = f;
		pc->fr[v].page = p;
		pc->fr[v].filling = true;
		pc->fr[v].used = ++pc->tick;
		fl->frame[p] = v;
		pa[n++] = frame_pa(pc, v);
	}
	*lba = fl->lba + page * (PC_PAGE / pc->cfg.block);
	return n;
}

void pagecache_filled(struct pagecache *pc, uint32_t f, uint64_t page,
		      int n, bool ok)
{
	struct pc_file *fl = &pc->files[f];

	for (int k = 0; k < n; k++) {
		uint32_t v = fl->frame[page + (uint64_t)k];

		pc->fr[v].filling = false;
		if (!ok) {
			pc->fr[v].file = PC_NONE;
			fl->frame[page + (uint64_t)k] = PC_NONE;
		}
	}
	if (ok) {
		pc->fills++;
		pc->fill_bytes += (uint64_t)n * PC_PAGE;
		pc->readahead_pages += (uint64_t)(n - 1);
	}
}

bool pagecache_check(const struct pagecache *pc)
{
	for (uint32_t i = 0; i < pc->nframes; i++) {
		const struct pc_frame *fr = &pc->fr[i];

		if (fr->file == PC_NONE)
			continue;
		if (fr->file >= pc->nfiles ||
		    fr->page >= pc->files[fr->file].npages ||
		    pc->files[fr->file].frame[fr->page] != i)
			return false;
	}
	return true;
}
