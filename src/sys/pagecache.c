/* sys/pagecache: file reads through the page cache (dmasim/machine.h).
 * See sys/disk.h and os/pagecache.h. */
#include <stdlib.h>
#include <string.h>

#include "disk.h"
#include "process.h"
#include "kernel/alloc.h"

struct pc_req {
	struct dmasim_pagecache *pc;
	struct dmasim_proc *caller;
	struct dmasim_completion *done;
	uint32_t file;
	uint64_t off, len, addr;
	uint64_t pos;		/* bytes copied */
	uint64_t frame;		/* the page's frame */
	uint64_t chunk;		/* bytes of the page copied now */
	uint64_t fill[PC_PAGE / 8 + 1];	/* frames of a fill */
	uint64_t lba;
	int nfill;
	uint16_t status;
	uint8_t buf[PC_PAGE];	/* the copy's registers, a page at a time */
};

void dmasim_pagecache_config_init(struct dmasim_pagecache_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base = cfg->size = DMASIM_DEFAULT;
	cfg->lookup_cycles = 100;
}

static void pc_fini_cb(void *obj)
{
	struct dmasim_pagecache *pc = obj;

	for (size_t i = 0; i < pc->nall; i++)
		dm_free(pc->all[i]);
	dm_free(pc->all);
	dm_free(pc->pool);
	pagecache_fini(&pc->pc);
}

int dmasim_pagecache_new(struct dmasim_sys *sys,
			 const struct dmasim_pagecache_config *cfg,
			 struct dmasim_pagecache **out)
{
	struct pagecache_config c;
	struct dmasim_pagecache *pc;
	int err;

	if (!cfg || !cfg->blkdev)
		return sys_error(sys, DMASIM_EINVAL, "pagecache: expected a "
				 "blkdev");
	if ((err = sys_owns(sys, cfg->blkdev->sys, "the blkdev")))
		return err;
	if (cfg->base == DMASIM_DEFAULT || cfg->size == DMASIM_DEFAULT ||
	    (cfg->base & (PC_PAGE - 1)) || cfg->size < PC_PAGE)
		return sys_error(sys, DMASIM_EINVAL, "pagecache: base %#llx, "
				 "size %llu: expected a 4 KiB-aligned base and "
				 "at least one 4 KiB frame",
				 (unsigned long long)cfg->base,
				 (unsigned long long)cfg->size);
	if (cfg->readahead > 511)
		return sys_error(sys, DMASIM_EINVAL, "pagecache: readahead %u: "
				 "expected 0 to 511 pages", cfg->readahead);
	c.base = cfg->base;
	c.size = cfg->size;
	c.readahead = cfg->readahead;
	c.block = cfg->blkdev->disk->d.cfg.block;
	pc = sys_alloc(sys, sizeof(*pc), pc_fini_cb);
	if (!pc)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	pc->sys = sys;
	pc->b = cfg->blkdev;
	pc->cfg = *cfg;
	if (pagecache_init(&pc->pc, &c))
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	if ((err = dmasim_completion_new(sys, &pc->lock)) ||
	    (err = dmasim_complete(pc->lock)))
		return err;
	if (out)
		*out = pc;
	return 0;
}

int dmasim_pagecache_file(struct dmasim_pagecache *pc, const char *name,
			  uint64_t lba, uint64_t size)
{
	const struct disk *d = &pc->b->disk->d;
	uint64_t blocks = d->cfg.size / d->cfg.block;
	uint64_t need;
	int err;

	if (!name || !*name || strlen(name) >= PC_NAME)
		return sys_error(pc->sys, DMASIM_EINVAL, "pagecache file: "
				 "expected a name of 1 to %d characters",
				 PC_NAME - 1);
	if (!size)
		return sys_error(pc->sys, DMASIM_EINVAL, "pagecache file '%s': "
				 "size 0: expected 1 or more bytes", name);
	need = (size + PC_PAGE - 1) / PC_PAGE * (PC_PAGE / d->cfg.block);
	if (lba % (PC_PAGE / d->cfg.block) || lba >= blocks ||
	    need > blocks - lba)
		return sys_error(pc->sys, DMASIM_EINVAL, "pagecache file '%s': "
				 "blocks [%llu, +%llu): expected a page-aligned "
				 "extent (a multiple of %u blocks) inside the "
				 "disk's %llu blocks", name,
				 (unsigned long long)lba,
				 (unsigned long long)need,
				 PC_PAGE / d->cfg.block,
				 (unsigned long long)blocks);
	err = pagecache_file(&pc->pc, name, lba, size);
	if (err == DMASIM_EINVAL)
		return sys_error(pc->sys, err, "pagecache file '%s': the name "
				 "is taken", name);
	return err < 0 ? sys_error(pc->sys, err, "out of memory") : 0;
}

void dmasim_pagecache_info(const struct dmasim_pagecache *pc,
			   struct dmasim_pagecache_info *out)
{
	out->hits = pc->pc.hits;
	out->misses = pc->pc.misses;
	out->readahead_pages = pc->pc.readahead_pages;
	out->fills = pc->pc.fills;
	out->fill_bytes = pc->pc.fill_bytes;
	out->copied = pc->pc.copied;
	out->evictions = pc->pc.evictions;
}

/* The helper: the whole read, page by page, on the driver's CPU. */
static void pc_run(struct dmasim_proc *p, void *ctx)
{
	struct pc_req *r = ctx;
	struct dmasim_pagecache *pc = r->pc;
	struct dmasim_cpu *cpu = pc->b->cpu;
	uint64_t page = 0;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_wait_completion(p, pc->lock));
	r->status = 0;
	for (r->pos = 0; r->pos < r->len; r->pos += r->chunk) {
		DMASIM_AWAIT(p, dmasim_cpu_busy(p, cpu,
			     pc->cfg.lookup_cycles));
		page = (r->off + r->pos) / PC_PAGE;
		r->frame = pagecache_lookup(&pc->pc, r->file, page);
		if (r->frame == UINT64_MAX) {
			r->nfill = pagecache_plan(&pc->pc, r->file, page,
						  r->fill, &r->lba);
			if (!r->nfill) {
				r->status = DISK_SC_XFER_ERROR;
				break;
			}
			DMASIM_AWAIT(p, sys_blk_io_pages(p, pc->b, false,
				     r->lba, (uint32_t)r->nfill * (PC_PAGE /
				     pc->b->disk->d.cfg.block), r->fill,
				     r->nfill));
			r->status = (uint16_t)p->op.res.status;
			page = (r->off + r->pos) / PC_PAGE;
			pagecache_filled(&pc->pc, r->file, page, r->nfill,
					 !r->status);
			if (r->status)
				break;
			r->frame = r->fill[0];
		}
		r->chunk = PC_PAGE - (r->off + r->pos) % PC_PAGE;
		if (r->chunk > r->len - r->pos)
			r->chunk = r->len - r->pos;
		/* The copy: loads from the cached page, stores to the
		 * reader's buffer, both through the CPU's cache. */
		DMASIM_AWAIT(p, dmasim_cpu_load(p, cpu, r->frame + (r->off +
			     r->pos) % PC_PAGE, r->buf, r->chunk));
		DMASIM_AWAIT(p, dmasim_cpu_store(p, cpu, r->addr + r->pos,
			     r->buf, r->chunk));
		pc->pc.copied += r->chunk;
	}
	dmasim_complete(pc->lock);
	r->caller->op.res.status = r->status;
	dmasim_complete(r->done);
	pc->pool[pc->npool++] = r;
	DMASIM_PROC_END(p);
}

static struct pc_req *pc_req_get(struct dmasim_pagecache *pc)
{
	struct pc_req *r;

	if (pc->npool)
		return pc->pool[--pc->npool];
	if (pc->nall == pc->capall) {
		size_t cap = pc->capall ? 2 * pc->capall : 4;
		struct pc_req **a = dm_realloc(pc->all, cap * sizeof(*a));
		struct pc_req **q;

		if (!a)
			return NULL;
		pc->all = a;
		q = dm_realloc(pc->pool, cap * sizeof(*q));
		if (!q)
			return NULL;
		pc->pool = q;
		pc->capall = cap;
	}
	r = dm_calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	pc->all[pc->nall++] = r;
	return r;
}

int dmasim_file_read(struct dmasim_proc *p, struct dmasim_pagecache *pc,
		     const char *file, uint64_t off, uint64_t len,
		     uint64_t addr)
{
	struct pc_req *r;
	int f, err = sys_owns(p->sys, pc->sys, "the pagecache");

	if (err)
		return err;
	f = pagecache_find(&pc->pc, file ? file : "");
	if (f < 0)
		return sys_error(p->sys, DMASIM_EINVAL, "file read: no file "
				 "'%s' in the page cache", file ? file : "");
	if (!len || off > pc->pc.files[f].size ||
	    len > pc->pc.files[f].size - off)
		return sys_error(p->sys, DMASIM_EINVAL, "file read of '%s': "
				 "[%llu, +%llu): expected 1 or more bytes "
				 "inside its %llu", file,
				 (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)pc->pc.files[f].size);
	r = pc_req_get(pc);
	if (!r)
		return sys_error(p->sys, DMASIM_ENOMEM, "out of memory");
	if (!r->done && (err = dmasim_completion_new(p->sys, &r->done))) {
		pc->pool[pc->npool++] = r;
		return err;
	}
	r->pc = pc;
	r->caller = p;
	r->file = (uint32_t)f;
	r->off = off;
	r->len = len;
	r->addr = addr;
	if ((err = dmasim_spawn(p->sys, pc_run, r, NULL))) {
		pc->pool[pc->npool++] = r;
		return sys_error(p->sys, err, "out of memory");
	}
	return dmasim_wait_completion(p, r->done);
}
