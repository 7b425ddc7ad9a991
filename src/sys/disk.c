/* sys/disk: disks and their block driver (dmasim/machine.h).  See
 * sys/disk.h, hw/disk.h and os/blkdrv.h. */
#include "disk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process.h"
#include "kernel/alloc.h"

/* ---- the disk ---- */

void dmasim_disk_config_init(struct dmasim_disk_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base = DMASIM_DEFAULT;
	cfg->kind = DMASIM_DISK_NVME;
	cfg->size = 1ull << 30;
	cfg->block = 512;
	cfg->queue = 1024;
	cfg->latency = DMASIM_DEFAULT;
	cfg->bandwidth = -1;	/* by kind */
	cfg->coalesce = 1;
	cfg->rpm = 7200;
	cfg->seek = 9000000000ull;
	cfg->seek_min = 1000000000ull;
}

static void disk_fini_cb(void *obj)
{
	disk_fini(&((struct dmasim_disk *)obj)->d);
}

/* The disks made so far in a system, for default names and windows. */
static unsigned ndisks(struct dmasim_sys *sys)
{
	unsigned n = 0;

	for (size_t i = 0; i < sys->ncomps; i++)
		if (sys->comps[i].fini == disk_fini_cb)
			n++;
	return n;
}

int dmasim_disk_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		    const struct dmasim_disk_config *cfg,
		    struct dmasim_disk **out)
{
	const char *what = "disk";
	struct dmasim_disk_config def;
	struct disk_config dc;
	struct dmasim_disk *d;
	struct irq_sink irq = { 0 };
	char name[SYS_NAME_MAX];
	unsigned n = ndisks(sys);
	uint64_t base;
	int err;

	if (!cfg) {
		dmasim_disk_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "disk", n, name,
				 sizeof(name))))
		return err;
	if (cfg->kind != DMASIM_DISK_NVME && cfg->kind != DMASIM_DISK_ROTATING)
		return sys_error(sys, DMASIM_EINVAL, "disk '%s': kind %d: "
				 "expected nvme or rotating", name,
				 (int)cfg->kind);
	if (cfg->block < 512 || cfg->block > 4096 ||
	    (cfg->block & (cfg->block - 1)))
		return sys_error(sys, DMASIM_EINVAL, "disk '%s': block %u: "
				 "expected a power of two from 512 to 4096",
				 name, cfg->block);
	if (!cfg->size || cfg->size % cfg->block)
		return sys_error(sys, DMASIM_EINVAL, "disk '%s': size %llu: "
				 "expected a whole number of %u-byte blocks, "
				 "at least one", name,
				 (unsigned long long)cfg->size, cfg->block);
	if (cfg->queue < 2 || cfg->queue > 4096)
		return sys_error(sys, DMASIM_EINVAL, "disk '%s': queue %u: "
				 "expected 2 to 4096 entries", name,
				 cfg->queue);
	if (!cfg->coalesce)
		return sys_error(sys, DMASIM_EINVAL, "disk '%s': coalesce 0: "
				 "expected 1 or more completions per "
				 "interrupt", name);
	dc.kind = cfg->kind == DMASIM_DISK_NVME ? DISK_NVME : DISK_ROTATING;
	dc.size = cfg->size;
	dc.block = cfg->block;
	dc.queue = cfg->queue;
	dc.reg_latency = cfg->reg_latency;
	dc.latency = cfg->latency != DMASIM_DEFAULT ? cfg->latency :
		     dc.kind == DISK_NVME ? 80000000ull : 0;
	dc.bandwidth = cfg->bandwidth >= 0 ? cfg->bandwidth :
		       dc.kind == DISK_NVME ? 2e9 : 0;
	dc.coalesce = cfg->coalesce;
	dc.rpm = cfg->rpm;
	dc.seek = cfg->seek;
	dc.seek_min = cfg->seek_min;
	dc.sectors_per_track = cfg->sectors_per_track;
	dc.positional = cfg->positional;
	if (!isfinite(dc.bandwidth))
		return sys_error(sys, DMASIM_EINVAL, "disk '%s': bandwidth %g: "
				 "expected bytes/s >= 0", name, dc.bandwidth);
	if (dc.kind == DISK_ROTATING) {
		if (!(dc.rpm > 0) || !isfinite(dc.rpm))
			return sys_error(sys, DMASIM_EINVAL, "disk '%s': rpm "
					 "%g: expected revolutions per minute "
					 "> 0", name, dc.rpm);
		if ((dc.positional || !(dc.bandwidth > 0)) &&
		    !dc.sectors_per_track)
			return sys_error(sys, DMASIM_EINVAL, "disk '%s': "
					 "sectors_per_track 0: a positional "
					 "disk, or one whose transfer comes "
					 "from its rotation (bandwidth 0), "
					 "needs sectors per track", name);
		if (dc.positional && dc.seek < dc.seek_min)
			return sys_error(sys, DMASIM_EINVAL, "disk '%s': seek "
					 "%llu ps below seek_min %llu ps: "
					 "expected the average seek at least "
					 "the track-to-track one", name,
					 (unsigned long long)dc.seek,
					 (unsigned long long)dc.seek_min);
	}
	if ((err = sys_irq_check(sys, "disk", name, cfg->intc, cfg->irq_line,
				 cfg->msi)))
		return err;
	base = cfg->base != DMASIM_DEFAULT ? cfg->base :
	       0x60000000ull + DISK_WINDOW * (uint64_t)n;
	d = sys_alloc(sys, sizeof(*d), disk_fini_cb);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	err = disk_init(&d->d, &sys->sim, &bus->bus, name, base, &dc,
			cfg->priority);
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "disk '%s': window at %#llx "
				 "overlaps another target", name,
				 (unsigned long long)base);
	if (err)
		return sys_error(sys, err, "disk '%s': %s", name,
				 dmasim_strerror(err));
	d->intc = cfg->intc;
	d->line = cfg->irq_line;
	if ((err = sys_irq_sink(sys, name, &bus->bus, cfg->intc,
				cfg->irq_line, cfg->msi, &d->msi, &irq)))
		return err;
	disk_set_irq(&d->d, irq);
	if (out)
		*out = d;
	return 0;
}

void dmasim_disk_info(const struct dmasim_disk *dd,
		      struct dmasim_disk_info *out)
{
	const struct disk *d = &dd->d;

	memset(out, 0, sizeof(*out));
	out->name = d->name;
	out->commands = d->commands;
	out->reads = d->reads;
	out->writes = d->writes;
	out->flushes = d->flushes;
	out->errors = d->errors;
	out->bytes_read = d->bytes_read;
	out->bytes_written = d->bytes_written;
	out->dma_xacts = d->dma_xacts;
	out->dma_bytes = d->dma_bytes;
	out->fetches = d->fetches;
	out->completions = d->cqes;
	out->irqs = d->irqs;
	out->doorbells = d->doorbells;
	out->media_ps = d->media_ps;
	out->seeks = d->seeks;
	out->chunks = d->chunks;
}

int dmasim_disk_write(struct dmasim_disk *d, uint64_t off, const void *src,
		      uint64_t len)
{
	int err = disk_image_write(&d->d, off, src, len);

	if (err == DMASIM_ERANGE)
		return sys_error(d->sys, err, "disk '%s': [%llu, +%llu) is "
				 "outside its %llu bytes", d->d.name,
				 (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)d->d.cfg.size);
	return err ? sys_error(d->sys, err, "out of memory") : 0;
}

int dmasim_disk_read(struct dmasim_disk *d, uint64_t off, void *dst,
		     uint64_t len)
{
	if (disk_image_read(&d->d, off, dst, len))
		return sys_error(d->sys, DMASIM_ERANGE, "disk '%s': [%llu, "
				 "+%llu) is outside its %llu bytes", d->d.name,
				 (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)d->d.cfg.size);
	return 0;
}

int dmasim_disk_fill(struct dmasim_disk *d, uint64_t off, uint64_t len,
		     uint64_t seed)
{
	struct iodev pat = { .cfg.seed = seed };
	uint8_t buf[4096];
	int err;

	if (off > d->d.cfg.size || len > d->d.cfg.size - off)
		return sys_error(d->sys, DMASIM_ERANGE, "disk '%s': fill of "
				 "[%llu, +%llu) is outside its %llu bytes",
				 d->d.name, (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)d->d.cfg.size);
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done :
			     sizeof(buf);

		for (uint64_t i = 0; i < n; i++)
			buf[i] = iodev_pattern(&pat, done + i);
		if ((err = dmasim_disk_write(d, off + done, buf, n)))
			return err;
		done += n;
	}
	return 0;
}

int dmasim_disk_hash(struct dmasim_disk *d, uint64_t off, uint64_t len,
		     uint64_t *hash)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t buf[4096];

	if (off > d->d.cfg.size || len > d->d.cfg.size - off)
		return sys_error(d->sys, DMASIM_ERANGE, "disk '%s': hash of "
				 "[%llu, +%llu) is outside its %llu bytes",
				 d->d.name, (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)d->d.cfg.size);
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done :
			     sizeof(buf);

		disk_image_read(&d->d, off + done, buf, n);
		for (uint64_t i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 0x100000001b3ull;
		}
		done += n;
	}
	*hash = h;
	return 0;
}

uint64_t dmasim_disk_media_ps(struct dmasim_disk *d, uint64_t lba,
			      uint64_t nbytes)
{
	return disk_media_ps(&d->d, lba, nbytes, d->sys->sim.now);
}

/* ---- the block driver ---- */

struct blk_req {
	struct dmasim_blkdev *b;
	struct dmasim_proc *caller;
	struct dmasim_completion *done;
	bool write;
	uint64_t lba;
	uint32_t nblocks;
	uint64_t page[DISK_MAX_XFER / DISK_PAGE + 1];
	int npages;
	int i;
	int cid;
	int nlist;
	uint64_t prp1, prp2;
	uint64_t list[BLKDRV_PAGE / 8];
	uint8_t cmd[DISK_CMD_SIZE];
	uint64_t sq_addr;
	uint32_t tail;
	uint16_t status;
};

void dmasim_blkdev_config_init(struct dmasim_blkdev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sq = cfg->cq = cfg->prp = DMASIM_DEFAULT;
	cfg->entries = 16;
	cfg->submit_cycles = 500;
	cfg->complete_cycles = 300;
	cfg->irq_priority = 1;
}

static void blkdev_fini_cb(void *obj)
{
	struct dmasim_blkdev *b = obj;

	for (size_t i = 0; i < b->nall; i++)
		dm_free(b->all[i]);
	dm_free(b->all);
	dm_free(b->pool);
	dm_free(b->slot_done);
	blkdrv_fini(&b->q);
}

static uint64_t reg(const struct dmasim_blkdev *b, uint64_t off)
{
	return b->disk->d.tgt.base + off;
}

static bool noncoherent(const struct dmasim_blkdev *b)
{
	return b->cache && !b->cache->c.cfg.coherent;
}

/* The bytes of page i of a request. */
static uint64_t seg_len(const struct blk_req *r, int i)
{
	uint64_t total = (uint64_t)r->nblocks * r->b->disk->d.cfg.block;
	uint64_t first = DISK_PAGE - (r->page[0] & (DISK_PAGE - 1));
	uint64_t before;

	if (!i)
		return first < total ? first : total;
	before = first + (uint64_t)(i - 1) * DISK_PAGE;
	return total - before < DISK_PAGE ? total - before : DISK_PAGE;
}

/* The interrupt handler: read CSTS first (the interrupt is a wire, not
 * an MSI write queued behind the data: the read's completion cannot pass
 * the disk's posted writes still crossing a bridge, so once it returns
 * the completion entries and the data are in memory; hw/bridge.h), then
 * consume every new completion entry, waking their submitters, and tell
 * the controller how far the CQ was consumed. */
static void blk_irq(struct dmasim_proc *p, void *ctx)
{
	struct dmasim_blkdev *b = ctx;
	int cid;

	DMASIM_PROC_BEGIN(p);
	b->irqs++;
	b->consumed = false;
	DMASIM_AWAIT(p, dmasim_cpu_read(p, b->cpu, reg(b, DISK_CSTS), 4));
	for (;;) {
		if (noncoherent(b))
			DMASIM_AWAIT(p, dmasim_cache_maint(p, b->cache,
				     DMASIM_CACHE_INVALIDATE,
				     blkdrv_cq_addr(&b->q), 16));
		DMASIM_AWAIT(p, dmasim_cpu_load(p, b->cpu,
			     blkdrv_cq_addr(&b->q), b->cqe, 16));
		if (!blkdrv_complete(&b->q, b->cqe, &cid))
			break;
		b->consumed = true;
		if (cid >= 0) {
			dmasim_complete(b->slot_done[cid]);
			dmasim_complete(b->slot_free);
		}
		DMASIM_AWAIT(p, dmasim_cpu_busy(p, b->cpu,
			     b->cfg.complete_cycles));
	}
	if (b->consumed)
		DMASIM_AWAIT(p, dmasim_cpu_write(p, b->cpu, reg(b, DISK_CQHDBL),
			     b->q.cq_head, 4));
	DMASIM_PROC_END(p);
}

int dmasim_blkdev_new(struct dmasim_sys *sys,
		      const struct dmasim_blkdev_config *cfg,
		      struct dmasim_blkdev **out)
{
	struct blkdrv_config bc;
	struct dmasim_blkdev *b;
	int err;

	if (!cfg || !cfg->disk || !cfg->cpu)
		return sys_error(sys, DMASIM_EINVAL, "blkdev: expected a disk "
				 "and a cpu");
	if ((err = sys_owns(sys, cfg->disk->sys, "the disk")) ||
	    (err = sys_owns(sys, cfg->cpu->sys, "the cpu")) ||
	    (cfg->cache && (err = sys_owns(sys, cfg->cache->sys,
					   "the cache"))))
		return err;
	if (!cfg->disk->intc)
		return sys_error(sys, DMASIM_EINVAL, "blkdev: disk '%s' has no "
				 "intc: expected one for its completion "
				 "interrupts", cfg->disk->d.name);
	if (cfg->disk->driven)
		return sys_error(sys, DMASIM_EINVAL, "blkdev: disk '%s' has a "
				 "driver already", cfg->disk->d.name);
	if (cfg->entries < 2 || cfg->entries > cfg->disk->d.cfg.queue)
		return sys_error(sys, DMASIM_EINVAL, "blkdev: entries %u: "
				 "expected 2 to the disk's queue, %u",
				 cfg->entries, cfg->disk->d.cfg.queue);
	if (cfg->sq == DMASIM_DEFAULT || cfg->cq == DMASIM_DEFAULT ||
	    cfg->prp == DMASIM_DEFAULT || (cfg->sq & 63) || (cfg->cq & 15) ||
	    (cfg->prp & (BLKDRV_PAGE - 1)))
		return sys_error(sys, DMASIM_EINVAL, "blkdev: sq, cq and prp: "
				 "expected addresses of queue memory, sq "
				 "64-byte, cq 16-byte and prp 4 KiB aligned");
	bc.sq_base = cfg->sq;
	bc.cq_base = cfg->cq;
	bc.prp_base = cfg->prp;
	bc.entries = cfg->entries;
	b = sys_alloc(sys, sizeof(*b), blkdev_fini_cb);
	if (!b)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	b->sys = sys;
	b->disk = cfg->disk;
	b->cpu = cfg->cpu;
	b->cache = cfg->cache;
	b->cfg = *cfg;
	if (blkdrv_init(&b->q, &bc))
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	b->slot_done = dm_calloc(cfg->entries, sizeof(*b->slot_done));
	if (!b->slot_done)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < cfg->entries; i++)
		if ((err = dmasim_completion_new(sys, &b->slot_done[i])))
			return err;
	if ((err = dmasim_completion_new(sys, &b->slot_free)) ||
	    (err = dmasim_intc_route(cfg->disk->intc, cfg->disk->line,
				     cfg->cpu, cfg->irq_priority)) ||
	    (err = dmasim_cpu_on_irq(cfg->cpu, cfg->disk->line, blk_irq, b)))
		return err;
	cfg->disk->driven = true;
	if (out)
		*out = b;
	return 0;
}

void dmasim_blkdev_info(const struct dmasim_blkdev *b,
			struct dmasim_blkdev_info *out)
{
	out->submitted = b->q.submitted;
	out->completed = b->q.completed;
	out->failed = b->q.failed;
	out->irqs = b->irqs;
}

/* The helper: one command, start to end, on the driver's CPU. */
static void blk_run(struct dmasim_proc *p, void *ctx)
{
	struct blk_req *r = ctx;
	struct dmasim_blkdev *b = r->b;

	DMASIM_PROC_BEGIN(p);
	if (!b->enabling) {
		/* Enable the controller (the first command's, once). */
		b->enabling = true;
		DMASIM_AWAIT(p, dmasim_cpu_write(p, b->cpu, reg(b, DISK_AQA),
			     blkdrv_aqa(&b->q), 4));
		DMASIM_AWAIT(p, dmasim_cpu_write(p, b->cpu, reg(b, DISK_ASQ),
			     b->q.cfg.sq_base, 8));
		DMASIM_AWAIT(p, dmasim_cpu_write(p, b->cpu, reg(b, DISK_ACQ),
			     b->q.cfg.cq_base, 8));
		DMASIM_AWAIT(p, dmasim_cpu_write(p, b->cpu, reg(b, DISK_CC), 1,
			     4));
		DMASIM_AWAIT(p, dmasim_cpu_read(p, b->cpu, reg(b, DISK_CSTS),
			     4));
		if (p->op.res.status || !(p->op.res.value & DISK_CSTS_RDY)) {
			char msg[200];

			snprintf(msg, sizeof(msg), "blkdev: disk '%s' did not "
				 "become ready (%s): expected its registers "
				 "at %#llx reachable from cpu '%s' and queues "
				 "inside its limits", b->disk->d.name,
				 p->op.res.status ? "bus error" : "CSTS.RDY 0",
				 (unsigned long long)reg(b, 0),
				 b->cpu->cpu.name);
			dmasim_proc_fail(p, msg);
			return;
		}
	}
	while ((r->cid = blkdrv_submit(&b->q, &r->sq_addr, &r->tail)) < 0)
		DMASIM_AWAIT(p, dmasim_wait_completion(p, b->slot_free));
	DMASIM_AWAIT(p, dmasim_cpu_busy(p, b->cpu, b->cfg.submit_cycles));
	r->nlist = blkdrv_prps(&b->q, r->cid, r->page, r->npages, &r->prp1,
			       &r->prp2, r->list);
	if (r->nlist > 0)
		DMASIM_AWAIT(p, dmasim_cpu_store(p, b->cpu, r->prp2, r->list,
			     (uint64_t)r->nlist * 8));
	disk_cmd_build(r->cmd, r->write ? DISK_OP_WRITE : DISK_OP_READ,
		       (uint16_t)r->cid, r->prp1, r->prp2, r->lba, r->nblocks);
	DMASIM_AWAIT(p, dmasim_cpu_store(p, b->cpu, r->sq_addr, r->cmd,
		     DISK_CMD_SIZE));
	if (noncoherent(b)) {
		/* What the disk reads must be in memory; what it writes
		 * must not be overwritten by lines evicted later. */
		DMASIM_AWAIT(p, dmasim_cache_maint(p, b->cache,
			     DMASIM_CACHE_CLEAN, r->sq_addr, DISK_CMD_SIZE));
		if (r->nlist > 0)
			DMASIM_AWAIT(p, dmasim_cache_maint(p, b->cache,
				     DMASIM_CACHE_CLEAN, r->prp2,
				     (uint64_t)r->nlist * 8));
		for (r->i = 0; r->i < r->npages; r->i++)
			DMASIM_AWAIT(p, dmasim_cache_maint(p, b->cache,
				     r->write ? DMASIM_CACHE_CLEAN :
				     DMASIM_CACHE_FLUSH, r->page[r->i],
				     seg_len(r, r->i)));
	}
	DMASIM_AWAIT(p, dmasim_cpu_write(p, b->cpu, reg(b, DISK_SQTDBL),
		     r->tail, 4));
	DMASIM_AWAIT(p, dmasim_wait_completion(p, b->slot_done[r->cid]));
	r->status = b->q.slot[r->cid].status;
	if (noncoherent(b) && !r->write)
		for (r->i = 0; r->i < r->npages; r->i++)
			DMASIM_AWAIT(p, dmasim_cache_maint(p, b->cache,
				     DMASIM_CACHE_INVALIDATE, r->page[r->i],
				     seg_len(r, r->i)));
	r->caller->op.res.status = r->status;
	dmasim_complete(r->done);
	b->pool[b->npool++] = r;	/* room: see blk_req_get */
	DMASIM_PROC_END(p);
}

/* A request from the pool, or a new one (NULL: out of memory). */
static struct blk_req *blk_req_get(struct dmasim_blkdev *b)
{
	struct blk_req *r;

	if (b->npool)
		return b->pool[--b->npool];
	if (b->nall == b->capall) {
		size_t cap = b->capall ? 2 * b->capall : 8;
		struct blk_req **a = dm_realloc(b->all, cap * sizeof(*a));
		struct blk_req **q;

		if (!a)
			return NULL;
		b->all = a;
		q = dm_realloc(b->pool, cap * sizeof(*q));
		if (!q)
			return NULL;
		b->pool = q;
		b->capall = cap;
	}
	r = dm_calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	b->all[b->nall++] = r;
	return r;
}

int sys_blk_io_pages(struct dmasim_proc *p, struct dmasim_blkdev *b,
		     bool write, uint64_t lba, uint32_t nblocks,
		     const uint64_t *pages, int npages)
{
	struct blk_req *r = blk_req_get(b);
	int err;

	if (!r)
		return sys_error(p->sys, DMASIM_ENOMEM, "out of memory");
	if (!r->done && (err = dmasim_completion_new(p->sys, &r->done))) {
		b->pool[b->npool++] = r;
		return err;
	}
	r->b = b;
	r->caller = p;
	r->write = write;
	r->lba = lba;
	r->nblocks = nblocks;
	memcpy(r->page, pages, (size_t)npages * sizeof(*pages));
	r->npages = npages;
	if ((err = dmasim_spawn(p->sys, blk_run, r, NULL))) {
		b->pool[b->npool++] = r;
		return sys_error(p->sys, err, "out of memory");
	}
	return dmasim_wait_completion(p, r->done);
}

int dmasim_blk_io(struct dmasim_proc *p, struct dmasim_blkdev *b, bool write,
		  uint64_t lba, uint32_t nblocks, uint64_t addr)
{
	uint64_t pages[DISK_MAX_XFER / DISK_PAGE + 1];
	uint64_t blocks = b->disk->d.cfg.size / b->disk->d.cfg.block;
	uint64_t len;
	int n, err = sys_owns(p->sys, b->sys, "the blkdev");

	if (err)
		return err;
	len = (uint64_t)nblocks * b->disk->d.cfg.block;
	if (!nblocks || len > DISK_MAX_XFER)
		return sys_error(p->sys, DMASIM_EINVAL, "blkdev %s: %u blocks: "
				 "expected 1 to %u", write ? "write" : "read",
				 nblocks, DISK_MAX_XFER /
				 b->disk->d.cfg.block);
	if (lba >= blocks || nblocks > blocks - lba)
		return sys_error(p->sys, DMASIM_EINVAL, "blkdev %s: blocks "
				 "[%llu, +%u) outside the disk's %llu",
				 write ? "write" : "read",
				 (unsigned long long)lba, nblocks,
				 (unsigned long long)blocks);
	if (addr & 3)
		return sys_error(p->sys, DMASIM_EINVAL, "blkdev %s: buffer "
				 "%#llx: expected a 4-byte aligned address",
				 write ? "write" : "read",
				 (unsigned long long)addr);
	n = blkdrv_pages(addr, len, pages, DISK_MAX_XFER / DISK_PAGE + 1);
	if (n < 0 || (n > 2 && n - 1 > BLKDRV_PAGE / 8))
		return sys_error(p->sys, DMASIM_EINVAL, "blkdev: buffer spans "
				 "too many pages");
	return sys_blk_io_pages(p, b, write, lba, nblocks, pages, n);
}
