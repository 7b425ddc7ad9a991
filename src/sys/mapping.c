/* mapping: the DMA mapping API for processes (dmasim/machine.h): each call
 * runs on the device's CPU as a software routine whose cost (bookkeeping,
 * cache maintenance, bounce copies) the CPU spends.  See os/dmamap.h for
 * what each call does. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/iommu_qi.h"
#include "kernel/checked.h"
#include "os/dmaiommu.h"
#include "process.h"

/* The public segment is the mapping API's, field for field. */
_Static_assert(sizeof(struct dmasim_sg) == sizeof(struct dma_sg) &&
	       offsetof(struct dmasim_sg, addr) == offsetof(struct dma_sg, paddr) &&
	       offsetof(struct dmasim_sg, len) == offsetof(struct dma_sg, len) &&
	       offsetof(struct dmasim_sg, dma) == offsetof(struct dma_sg, dma),
	       "struct dmasim_sg must match struct dma_sg");

enum { C_MAP, C_UNMAP, C_MAP_SG, C_UNMAP_SG, C_SYNC_CPU, C_SYNC_DEV,
       C_ALLOC, C_FREE };

/* ---- the sanitizer watches the API (the system attaches it) ---- */

static enum san_dir san_dir_of(enum dma_dir dir)
{
	return dir == DMA_TO_DEVICE ? SAN_TO_DEVICE :
	       dir == DMA_FROM_DEVICE ? SAN_FROM_DEVICE : SAN_BIDIRECTIONAL;
}

static enum san_kind san_kind_of(enum dmamap_kind kind)
{
	return kind == DMAMAP_SG ? SAN_SG :
	       kind == DMAMAP_COHERENT ? SAN_COHERENT : SAN_SINGLE;
}

static void obs_map(void *ctx, const char *dev, enum dmamap_kind kind,
		    uint64_t paddr, uint64_t dma, uint64_t len,
		    enum dma_dir dir, uint64_t group, unsigned nents)
{
	san_map(ctx, dev, san_kind_of(kind), paddr, dma, len, san_dir_of(dir),
		group, nents);
}

static void obs_unmap(void *ctx, const char *dev, enum dmamap_kind kind,
		      uint64_t dma, uint64_t len, enum dma_dir dir,
		      unsigned nents)
{
	san_unmap(ctx, dev, san_kind_of(kind), dma, len, san_dir_of(dir),
		  nents);
}

static void obs_sync(void *ctx, const char *dev, uint64_t dma, uint64_t len,
		     enum dma_dir dir, bool for_device)
{
	san_sync(ctx, dev, dma, len, san_dir_of(dir), for_device);
}

static void obs_checked(void *ctx, uint64_t dma)
{
	san_mapping_checked(ctx, dma);
}

static void obs_teardown(void *ctx, const char *dev)
{
	san_teardown(ctx, dev);
}

void dmasim_dmadev_config_init(struct dmasim_dmadev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->map_cycles = 50;
	cfg->sync_cycles = 20;
	cfg->copy = 16;
	cfg->bounce_slot = 2048;
}

static void dmadev_fini(void *obj)
{
	dmamap_fini(&((struct dmasim_dmadev *)obj)->d);
}

int dmasim_dmadev_new(struct dmasim_sys *sys, struct dmasim_cpu *cpu,
		      struct dmasim_cache *cache,
		      const struct dmasim_dmadev_config *cfg,
		      struct dmasim_dmadev **out)
{
	struct dmasim_dmadev_config def;
	struct dmamap_config mc;
	struct dmasim_dmadev *d;
	int err;

	if (!cfg) {
		dmasim_dmadev_config_init(&def);
		cfg = &def;
	}
	if (!cpu)
		return sys_error(sys, DMASIM_EINVAL, "dma_device: field 'cpu': "
				 "expected the CPU its driver runs on");
	if ((err = sys_owns(sys, cpu->sys, "the CPU")) ||
	    (cache && (err = sys_owns(sys, cache->sys, "the cache"))))
		return err;
	if (!cfg->bounce_slot)
		return sys_error(sys, DMASIM_EINVAL, "dma_device: bounce_slot "
				 "0: expected 1 or more bytes");
	memset(&mc, 0, sizeof(mc));
	mc.mask = cfg->mask ? cfg->mask - 1 : ~(uint64_t)0;
	mc.map_cycles = cfg->map_cycles;
	mc.sync_cycles = cfg->sync_cycles;
	mc.copy = cfg->copy;
	mc.pool_base = cfg->pool_base;
	mc.pool_size = cfg->pool_size;
	mc.bounce_base = cfg->bounce_base;
	mc.bounce_size = cfg->bounce_size;
	mc.bounce_slot = cfg->bounce_slot;
	if (sys->san)
		san_use(sys->san);
	d = sys_alloc(sys, sizeof(*d), dmadev_fini);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	d->cpu = cpu;
	if (sys->san) {
		struct dmamap_observer obs = {
			.map = obs_map, .unmap = obs_unmap, .sync = obs_sync,
			.checked = obs_checked, .teardown = obs_teardown,
			.ctx = sys->san,
		};

		err = dmamap_init(&d->d, cpu->cpu.port.bus,
				  cache ? &cache->c : NULL, &obs,
				  cfg->name ? cfg->name : "dev", &mc);
	} else {
		err = dmamap_init(&d->d, cpu->cpu.port.bus,
				  cache ? &cache->c : NULL, NULL,
				  cfg->name ? cfg->name : "dev", &mc);
	}
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "dma_device: the bounce pool must "
				 "lie below the DMA mask");
	if (err)
		return sys_error(sys, err, "dma_device: %s",
				 dmasim_strerror(err));
	d->d.walk_maint = true;		/* its CPU walks the maintenance */
	sys->ndmadevs++;
	*out = d;
	return 0;
}

static void map_resume(void *ctx)
{
	cpu_call_resume(ctx);
}

/* The bookkeeping of a call at once, then the work it left for the CPU
 * (bounce copies, line by line through the cache; cache maintenance,
 * walked line by line, its barrier waiting for the write-backs), one step
 * per call. */
static void map_call(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct sys_op *o = &p->op;
	struct dma_dev *d = &o->u.map.dev->d;
	uint64_t a = o->u.map.a, len = o->u.map.len;
	enum dma_dir dir = o->u.map.dir;

	if (o->u.map.ran) {
		bool barrier = dmamap_work_step(d, cost);

		o->op[0].call_xacts = cost->xacts;
		o->op[0].again = dmamap_work_pending(d);
		if (barrier)
			o->op[0].park = cache_wb_wait(d->cache, map_resume,
						      &o->u.map.dev->cpu->cpu);
		return;
	}
	o->u.map.ran = true;
	switch (o->u.map.what) {
	case C_MAP:
		o->res.value = dmamap_map_single(d, a, len, dir, cost);
		break;
	case C_UNMAP:
		dmamap_unmap_single(d, a, len, dir, cost);
		break;
	case C_MAP_SG:
	case C_UNMAP_SG: {
		struct dma_sg *sg = (struct dma_sg *)o->u.map.sg;

		if (o->u.map.what == C_MAP_SG)
			o->res.value = dmamap_map_sg(d, sg, o->u.map.n, dir,
						     cost);
		else
			dmamap_unmap_sg(d, sg, o->u.map.n, dir, cost);
		break;
	}
	case C_SYNC_CPU:
		dmamap_sync_for_cpu(d, a, len, dir, cost);
		break;
	case C_SYNC_DEV:
		dmamap_sync_for_device(d, a, len, dir, cost);
		break;
	case C_ALLOC:
		/* A pool at address 0 gives 0 as a good address: failure is
		 * told by value2 (the mapping error). */
		o->res.value2 = DMA_MAPPING_ERROR;
		o->res.value = dmamap_alloc_coherent(d, len, &o->res.value2,
						     cost);
		break;
	case C_FREE:
		dmamap_free_coherent(d, a, len, o->u.map.b, cost);
		break;
	}
	o->op[0].again = dmamap_work_pending(d);
}

/* The largest length one call maps, syncs or allocates (bytes). */
#define MAP_LEN_MAX ((uint64_t)1 << 62)

/* A buffer [a, +len) the API accepts: not empty, at most MAP_LEN_MAX,
 * not wrapping past 2^64. */
static int map_range(struct dmasim_proc *p, const char *fn, const char *what,
		     uint64_t a, uint64_t len)
{
	if (len && len <= MAP_LEN_MAX && !ck_range(a, len))
		return 0;
	return sys_error(p->sys, DMASIM_EINVAL, "%s: %s [%#llx, +%llu): "
			 "expected a length from 1 to 2^62 bytes that ends "
			 "below 2^64", fn, what, (unsigned long long)a,
			 (unsigned long long)len);
}

static int map_issue(struct dmasim_proc *p, struct dmasim_dmadev *d, int what,
		     uint64_t a, uint64_t len, enum dmasim_dir dir,
		     const char *fn)
{
	struct sys_op *o = &p->op;
	int err = sys_owns(p->sys, d->sys, "the dma device");

	if (err)
		return err;
	if ((unsigned)dir > DMASIM_FROM_DEVICE)
		return sys_error(p->sys, DMASIM_EINVAL, "%s: direction %d: "
				 "expected bidirectional, to_device or "
				 "from_device", fn, (int)dir);
	if (what != C_MAP_SG && what != C_UNMAP_SG &&
	    (err = map_range(p, fn, what == C_ALLOC ? "size" : "buffer", a,
			     len)))
		return err;
	o->call = map_call;
	o->u.map.ran = false;
	o->u.map.dev = d;
	o->u.map.what = what;
	o->u.map.a = a;
	o->u.map.len = len;
	o->u.map.dir = (enum dma_dir)dir;
	o->res.value = o->res.value2 = 0;
	return sys_call_issue(p, d->cpu, fn);
}

int dmasim_map_single(struct dmasim_proc *p, struct dmasim_dmadev *d,
		      uint64_t addr, uint64_t len, enum dmasim_dir dir)
{
	return map_issue(p, d, C_MAP, addr, len, dir, "map_single");
}

int dmasim_unmap_single(struct dmasim_proc *p, struct dmasim_dmadev *d,
			uint64_t dma, uint64_t len, enum dmasim_dir dir)
{
	return map_issue(p, d, C_UNMAP, dma, len, dir, "unmap_single");
}

int dmasim_sync_for_cpu(struct dmasim_proc *p, struct dmasim_dmadev *d,
			uint64_t dma, uint64_t len, enum dmasim_dir dir)
{
	return map_issue(p, d, C_SYNC_CPU, dma, len, dir, "sync_for_cpu");
}

int dmasim_sync_for_device(struct dmasim_proc *p, struct dmasim_dmadev *d,
			   uint64_t dma, uint64_t len, enum dmasim_dir dir)
{
	return map_issue(p, d, C_SYNC_DEV, dma, len, dir, "sync_for_device");
}

static int sg_issue(struct dmasim_proc *p, struct dmasim_dmadev *d, int what,
		    struct dmasim_sg *sg, unsigned n, enum dmasim_dir dir,
		    const char *fn)
{
	if (!sg || n < 1 || n > 4096)
		return sys_error(p->sys, DMASIM_EINVAL, "%s: %u entries: "
				 "expected 1 to 4096", fn, n);
	for (unsigned i = 0; what == C_MAP_SG && i < n; i++) {
		char ent[32];
		int err;

		snprintf(ent, sizeof(ent), "entry %u", i + 1);
		err = map_range(p, fn, ent, sg[i].addr, sg[i].len);
		if (err)
			return err;
	}
	p->op.u.map.sg = sg;
	p->op.u.map.n = n;
	return map_issue(p, d, what, 0, 0, dir, fn);
}

int dmasim_map_sg(struct dmasim_proc *p, struct dmasim_dmadev *d,
		  struct dmasim_sg *sg, unsigned n, enum dmasim_dir dir)
{
	return sg_issue(p, d, C_MAP_SG, sg, n, dir, "map_sg");
}

int dmasim_unmap_sg(struct dmasim_proc *p, struct dmasim_dmadev *d,
		    struct dmasim_sg *sg, unsigned n, enum dmasim_dir dir)
{
	return sg_issue(p, d, C_UNMAP_SG, sg, n, dir, "unmap_sg");
}

int dmasim_alloc_coherent(struct dmasim_proc *p, struct dmasim_dmadev *d,
			  uint64_t len)
{
	return map_issue(p, d, C_ALLOC, 0, len, DMASIM_BIDIRECTIONAL,
			 "alloc_coherent");
}

int dmasim_free_coherent(struct dmasim_proc *p, struct dmasim_dmadev *d,
			 uint64_t addr, uint64_t len, uint64_t dma)
{
	p->op.u.map.b = dma;
	return map_issue(p, d, C_FREE, addr, len, DMASIM_BIDIRECTIONAL,
			 "free_coherent");
}

void dmasim_iommu_map_config_init(struct dmasim_iommu_map_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->flush_max = 256;
	cfg->flush_timeout = 10000000000ull;	/* 10 ms */
	cfg->alloc = 200;
	cfg->pte = 20;
	cfg->inval = 2000;
}

int dmasim_dmadev_use_iommu(struct dmasim_dmadev *d, struct dmasim_iommu *io,
			    struct dmasim_channel *dev,
			    struct dmasim_memory *mem,
			    const struct dmasim_iommu_map_config *cfg)
{
	struct dmaiommu_config c;
	int err;

	if ((err = sys_owns(d->sys, io->sys, "the iommu")) ||
	    (err = sys_owns(d->sys, dev->dma->sys, "the channel")) ||
	    (err = sys_owns(d->sys, mem->sys, "the memory")))
		return err;
	if (d->d.iommu || d->d.maps)
		return sys_error(d->sys, DMASIM_EINVAL, "dma_device '%s': "
				 "expected an IOMMU set before any mapping, "
				 "once", d->d.name);
	c.pt_base = cfg->pt_base;
	c.pt_size = cfg->pt_size;
	c.iova_base = cfg->iova_base;
	c.iova_size = cfg->iova_size;
	c.lazy = cfg->lazy;
	c.flush_max = cfg->flush_max;
	c.flush_timeout = cfg->flush_timeout;
	c.alloc = cfg->alloc;
	c.pte = cfg->pte;
	c.inval = cfg->inval;
	c.untrusted = cfg->untrusted;
	c.qi = io->osq.ring ? &io->osq : NULL;
	c.devtlb = cfg->ats_inval;
	if (c.devtlb && !c.qi)
		return sys_error(d->sys, DMASIM_EINVAL, "dma_device '%s': "
				 "ats_inval %#llx: expected an IOMMU with an "
				 "OS ring (system:iommu{qi_ring}) to send the "
				 "device its invalidations", d->d.name,
				 (unsigned long long)c.devtlb);
	if (c.devtlb && !bus_passes_on(dev->ch->port.bus,
				       io->io.msg_base + IOMMU_QI_ICMP, 4))
		return sys_error(d->sys, DMASIM_EINVAL, "dma_device '%s': "
				 "ats_inval: the IOMMU's registers at %#llx "
				 "are not reached up from the device's bus; "
				 "expected a bridge window (b_to_a) over them "
				 "for its invalidation completions",
				 d->d.name,
				 (unsigned long long)io->io.msg_base);
	err = dmaiommu_attach(&d->d, &io->io, &dev->ch->port, &mem->mem,
			      &d->sys->sim, &c);
	if (err == DMASIM_EINVAL)
		return sys_error(d->sys, err, "dma_device '%s': page tables "
				 "[%#llx, +%llu), IOVAs [%#llx, +%llu): expected "
				 "page-aligned, non-empty areas, the tables "
				 "inside the memory, an IOVA base above 0 and a "
				 "flush_max above 0 when lazy", d->d.name,
				 (unsigned long long)cfg->pt_base,
				 (unsigned long long)cfg->pt_size,
				 (unsigned long long)cfg->iova_base,
				 (unsigned long long)cfg->iova_size);
	if (!err && cfg->ats)
		err = iommu_trust_ats(&io->io, &dev->ch->port, true);
	if (err)
		return sys_error(d->sys, err, "dma_device '%s': %s", d->d.name,
				 dmasim_strerror(err));
	if (d->sys->san)
		san_iommu_bind(d->sys->san, d->d.name, &io->io,
			       d->d.iommu->domain, c.untrusted);
	return 0;
}

bool dmasim_mapping_error(struct dmasim_dmadev *d, uint64_t dma)
{
	return dmamap_mapping_error(&d->d, dma);
}

void dmasim_dmadev_teardown(struct dmasim_dmadev *d)
{
	dmamap_teardown(&d->d);
}
