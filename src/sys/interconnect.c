/* interconnect: a system's buses, bridges and memories (dmasim/machine.h),
 * and the untimed set-up and checking calls on memory.  See sys.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/clock.h"
#include "kernel/util.h"
#include "kernel/vec.h"
#include "process.h"
#include "sys.h"

bool sys_mode_ok(enum dmasim_mode m)
{
	return (unsigned)m <= DMASIM_MODE_TRANSPARENT;
}

/* A clock given in Hz: a whole number of ps per cycle, at least 1. */
int sys_clock_ok(struct dmasim_sys *sys, const char *what, double hz,
		    uint64_t *period)
{
	if (!(hz > 0) || !isfinite(hz) || hz > 1e12)
		return sys_error(sys, DMASIM_EINVAL, "%s: clock %g Hz: expected "
				 "a frequency above 0 and at most 1 THz", what,
				 hz);
	*period = clock_period_of_hz(hz);
	return 0;
}

/* ---- buses ---- */

void dmasim_bus_config_init(struct dmasim_bus_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->clock_hz = 1e9;
	cfg->arbitration = DMASIM_ARB_ROUND_ROBIN;
	cfg->width = 8;
}

static void bus_fini_cb(void *obj)
{
	bus_fini(&((struct dmasim_bus *)obj)->bus);
}

int dmasim_bus_new(struct dmasim_sys *sys, const struct dmasim_bus_config *cfg,
		   struct dmasim_bus **out)
{
	const char *what = "bus";
	struct dmasim_bus_config def;
	struct bus_config bc;
	struct dmasim_bus *b;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_bus_config_init(&def);
		cfg = &def;
	}
	if (sys->nbuses)
		snprintf(name, sizeof(name), "bus%zu", sys->nbuses + 1);
	else
		snprintf(name, sizeof(name), "bus");
	if (cfg->name && (err = sys_comp_name(sys, what, cfg->name, "", 0,
					      name, sizeof(name))))
		return err;
	for (size_t i = 0; i < sys->nbuses; i++)
		if (!strcmp(sys->buses[i]->bus.name, name))
			return sys_error(sys, DMASIM_EINVAL, "bus '%s': the "
					 "system already has a bus of that "
					 "name", name);
	if ((err = sys_clock_ok(sys, what, cfg->clock_hz, &bc.period)))
		return err;
	if (!cfg->width)
		return sys_error(sys, DMASIM_EINVAL, "bus '%s': width 0: "
				 "expected 1 or more bytes per cycle", name);
	if ((unsigned)cfg->arbitration > DMASIM_ARB_PRIORITY)
		return sys_error(sys, DMASIM_EINVAL, "bus '%s': unknown "
				 "arbitration %d: expected round robin or "
				 "priority", name, (int)cfg->arbitration);
	bc.arb = cfg->arbitration == DMASIM_ARB_PRIORITY ? BUS_ARB_PRIORITY :
		 BUS_ARB_ROUND_ROBIN;
	bc.arb_latency = cfg->latency;
	bc.width = cfg->width;
	VEC_RESERVE(sys->buses, sys->nbuses, sys->capbuses,
		    return sys_error(sys, DMASIM_ENOMEM, "out of memory"));
	b = sys_alloc(sys, sizeof(*b), bus_fini_cb);
	if (!b)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	b->sys = sys;
	err = bus_init(&b->bus, &sys->sim, name, &bc);
	if (!err && sys->san)
		err = san_watch_bus(sys->san, &b->bus);
	if (err)
		return sys_error(sys, err, "bus '%s': %s", name,
				 dmasim_strerror(err));
	sys->buses[sys->nbuses++] = b;
	if (out)
		*out = b;
	return 0;
}

struct dmasim_bus *dmasim_sys_bus(const struct dmasim_sys *sys)
{
	return sys->nbuses ? sys->buses[0] : NULL;
}

uint64_t dmasim_bus_period(const struct dmasim_bus *bus)
{
	return bus->bus.clk.period;
}

/* The bus a component goes on: the one given, or the system's first. */
int sys_pick_bus(struct dmasim_sys *sys, const char *what,
		    struct dmasim_bus **bus)
{
	if (!*bus)
		*bus = dmasim_sys_bus(sys);
	if (!*bus)
		return sys_error(sys, DMASIM_EINVAL, "%s: the system has no "
				 "bus yet: expected dmasim_bus_new() first",
				 what);
	return sys_owns(sys, (*bus)->sys, "the bus");
}

/* ---- bridges ---- */

void dmasim_bridge_config_init(struct dmasim_bridge_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->queue = 4;
	cfg->posted = true;
}

static void bridge_fini_cb(void *obj)
{
	bridge_fini(&((struct dmasim_bridge *)obj)->br);
}

int dmasim_bridge_new(struct dmasim_sys *sys, struct dmasim_bus *a,
		      struct dmasim_bus *b,
		      const struct dmasim_bridge_config *cfg,
		      struct dmasim_bridge **out)
{
	struct dmasim_bridge_config def;
	struct bridge_config bc;
	struct dmasim_bridge *br;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_bridge_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_comp_name(sys, "bridge", cfg->name, "bridge",
				 sys->nbridges, name, sizeof(name))))
		return err;
	if (!a || !b)
		return sys_error(sys, DMASIM_EINVAL, "bridge '%s': expected two "
				 "buses", name);
	if ((err = sys_owns(sys, a->sys, "bus a")) ||
	    (err = sys_owns(sys, b->sys, "bus b")))
		return err;
	if (a == b)
		return sys_error(sys, DMASIM_EINVAL, "bridge '%s': buses a and "
				 "b are the same bus '%s': expected two "
				 "different buses", name, a->bus.name);
	if (!cfg->queue)
		return sys_error(sys, DMASIM_EINVAL, "bridge '%s': queue 0: "
				 "expected 1 or more transactions", name);
	bc.latency = cfg->latency;
	bc.width = cfg->width;
	bc.queue = cfg->queue;
	bc.posted = cfg->posted;
	bc.priority = cfg->priority;
	br = sys_alloc(sys, sizeof(*br), bridge_fini_cb);
	if (!br)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	br->sys = sys;
	err = bridge_init(&br->br, &sys->sim, name, &a->bus, &b->bus, &bc);
	if (err)
		return sys_error(sys, err, "bridge '%s': %s", name,
				 dmasim_strerror(err));
	sys->nbridges++;
	if (out)
		*out = br;
	return 0;
}

int dmasim_bridge_window(struct dmasim_bridge *br, enum dmasim_bridge_dir dir,
			 uint64_t base, uint64_t size)
{
	int err;

	if ((unsigned)dir > DMASIM_B_TO_A)
		return sys_error(br->sys, DMASIM_EINVAL, "bridge '%s': "
				 "direction %d: expected a to b or b to a",
				 br->br.name, (int)dir);
	err = bridge_window(&br->br, dir == DMASIM_A_TO_B ? BRIDGE_A_TO_B :
			    BRIDGE_B_TO_A, base, size);
	if (err == DMASIM_ERANGE)
		return sys_error(br->sys, err, "bridge '%s': more than %d "
				 "windows one way", br->br.name,
				 BRIDGE_MAX_WINDOWS);
	if (err)
		return sys_error(br->sys, err, "bridge '%s': window [%#llx, "
				 "+%llu) %s: expected a non-empty range free "
				 "on bus '%s' that does not lead back to it",
				 br->br.name, (unsigned long long)base,
				 (unsigned long long)size,
				 dir == DMASIM_A_TO_B ? "a to b" : "b to a",
				 br->br.side[dir == DMASIM_A_TO_B ? 0 : 1]
				 .near->name);
	return 0;
}

/* ---- IOMMUs ---- */

void dmasim_iommu_config_init(struct dmasim_iommu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->entries = 64;
	cfg->max_faults = 256;
	cfg->qi_latency = 10000;
	cfg->qi_spin = 20;
}

/* The mapping API's invalidation ring: in a memory of the far bus, the
 * queue pointed at it (IQA, IQS) as the OS does at boot, untimed. */
static int os_ring(struct dmasim_iommu *io,
		   const struct dmasim_iommu_config *cfg, const char *name)
{
	const struct bus *far = io->io.side->far;
	uint64_t n = DMAIOMMU_QI_ENTRIES * IOMMU_QI_DESC + 4, off;
	uint8_t b[8];
	struct bus_target *t = bus_resolve(far, cfg->qi_ring, n, &off, NULL);

	if (!cfg->qi_base || cfg->qi_ring % IOMMU_QI_DESC || !memory_of(t))
		return sys_error(io->sys, DMASIM_EINVAL, "iommu '%s': qi_ring "
				 "%#llx: expected a queue (qi_base) and %llu "
				 "bytes of memory on bus '%s' at a multiple "
				 "of %d", name,
				 (unsigned long long)cfg->qi_ring,
				 (unsigned long long)n, far->name,
				 IOMMU_QI_DESC);
	util_le_put(b, cfg->qi_ring, 8);
	(void)bus_xact_data(far, cfg->qi_base + IOMMU_QI_IQA, b, 8, true);
	util_le_put(b, DMAIOMMU_QI_ENTRIES, 4);
	(void)bus_xact_data(far, cfg->qi_base + IOMMU_QI_IQS, b, 4, true);
	io->osq.regs = cfg->qi_base;
	io->osq.ring = cfg->qi_ring;
	io->osq.spin = cfg->qi_spin;
	return 0;
}

static void iommu_fini_cb(void *obj)
{
	iommu_fini(&((struct dmasim_iommu *)obj)->io);
}

int dmasim_iommu_new(struct dmasim_sys *sys, struct dmasim_bridge *br,
		     enum dmasim_bridge_dir dir,
		     const struct dmasim_iommu_config *cfg,
		     struct dmasim_iommu **out)
{
	struct dmasim_iommu_config def;
	struct iommu_config ic;
	struct dmasim_iommu *io;
	char name[SYS_NAME_MAX];
	enum bridge_dir d = dir == DMASIM_A_TO_B ? BRIDGE_A_TO_B :
			    BRIDGE_B_TO_A;
	int err;

	if (!cfg) {
		dmasim_iommu_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_comp_name(sys, "iommu", cfg->name, "iommu",
				 sys->niommus, name, sizeof(name))))
		return err;
	if (!br)
		return sys_error(sys, DMASIM_EINVAL, "iommu '%s': expected the "
				 "bridge it sits on", name);
	if ((err = sys_owns(sys, br->sys, "the bridge")))
		return err;
	if ((unsigned)dir > DMASIM_B_TO_A)
		return sys_error(sys, DMASIM_EINVAL, "iommu '%s': direction %d: "
				 "expected a to b or b to a", name, (int)dir);
	if (br->br.side[d].xl)
		return sys_error(sys, DMASIM_EINVAL, "iommu '%s': that way of "
				 "bridge '%s' already has an IOMMU", name,
				 br->br.name);
	if (!cfg->entries || (cfg->ways && cfg->entries % cfg->ways))
		return sys_error(sys, DMASIM_EINVAL, "iommu '%s': %u IOTLB "
				 "entries of %u ways: expected entries > 0, a "
				 "multiple of the ways", name, cfg->entries,
				 cfg->ways);
	if (cfg->intc && (err = sys_owns(sys, cfg->intc->sys, "the intc")))
		return err;
	if (cfg->intc && cfg->irq_line >= cfg->intc->ic.nlines)
		return sys_error(sys, DMASIM_EINVAL, "iommu '%s': irq_line %u: "
				 "expected 0 to %u", name, cfg->irq_line,
				 cfg->intc->ic.nlines - 1);
	ic.entries = cfg->entries;
	ic.ways = cfg->ways;
	ic.lookup = cfg->lookup;
	ic.max_faults = cfg->max_faults;
	io = sys_alloc(sys, sizeof(*io), iommu_fini_cb);
	if (!io)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	io->sys = sys;
	err = iommu_init(&io->io, &sys->sim, name, &br->br, d, &ic);
	if (err)
		return sys_error(sys, err, "iommu '%s': %s", name,
				 dmasim_strerror(err));
	if (sys->san) {
		io->io.watch.access = san_iommu_access;
		io->io.watch.translated = san_iommu_translated;
		io->io.watch.ctx = sys->san;
	}
	if (cfg->intc)		/* the fault interrupt */
		io->io.irq = intc_sink(&cfg->intc->ic, cfg->irq_line);
	if (cfg->qi_base) {
		const struct bus *far = io->io.side->far;
		uint64_t cyc = (cfg->qi_latency + far->clk.period - 1) /
			       far->clk.period + 1;

		err = iommu_qi_init(&io->qi, &io->io, cfg->qi_base, cyc);
		if (err)
			return sys_error(sys, err, "iommu '%s': its invalidation "
					 "queue's registers at %#llx: expected "
					 "a free range of %d bytes on bus '%s' "
					 "(%s)", name,
					 (unsigned long long)cfg->qi_base,
					 IOMMU_QI_REGS, far->name,
					 dmasim_strerror(err));
	}
	if (cfg->qi_ring && (err = os_ring(io, cfg, name)))
		return err;
	sys->niommus++;
	*out = io;
	return 0;
}

void dmasim_iommu_enable(struct dmasim_iommu *io, bool on)
{
	iommu_enable(&io->io, on);
}

int dmasim_iommu_domain(struct dmasim_iommu *io, uint64_t root,
			bool identity)
{
	int d = iommu_domain_new(&io->io, root, identity);

	if (d < 0)
		return sys_error(io->sys, d, "iommu '%s': more than %d domains",
				 io->io.name, IOMMU_MAX_DOMAINS);
	return d;
}

int dmasim_iommu_attach(struct dmasim_iommu *io, struct dmasim_channel *ch,
			int domain)
{
	int err = sys_owns(io->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	err = iommu_attach_device(&io->io, &ch->ch->port, domain);
	if (err)
		return sys_error(io->sys, err, "iommu '%s': domain %d: "
				 "expected -1 or a domain it made",
				 io->io.name, domain);
	return 0;
}

int dmasim_iommu_attach_master(struct dmasim_iommu *io, const char *master,
			       int domain)
{
	struct dmasim_sys *sys = io->sys;
	const struct bus_master *m = NULL;
	int err;

	for (size_t i = 0; !m && master && i < sys->nbuses; i++) {
		const struct bus *b = &sys->buses[i]->bus;

		for (unsigned j = 0; j < b->n; j++)
			if (!strcmp(b->m[j]->name, master)) {
				m = b->m[j];
				break;
			}
	}
	if (!m)
		return sys_error(sys, DMASIM_EINVAL, "iommu '%s': master "
				 "'%s': expected the name of a bus master of "
				 "its system (a DMA channel, a device's DMA "
				 "port, a CPU), as its statistics name it",
				 io->io.name, master ? master : "(none)");
	err = iommu_attach_device(&io->io, m, domain);
	if (err)
		return sys_error(sys, err, "iommu '%s': domain %d: expected -1 "
				 "or a domain it made", io->io.name, domain);
	return 0;
}

int dmasim_iommu_trust_ats(struct dmasim_iommu *io, struct dmasim_channel *ch,
			   bool trusted)
{
	int err = sys_owns(io->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	if (iommu_trust_ats(&io->io, &ch->ch->port, trusted))
		return sys_error(io->sys, DMASIM_EINVAL, "iommu '%s': channel "
				 "'%s': expected a channel attached to it",
				 io->io.name, ch->ch->port.name);
	return 0;
}

void dmasim_iommu_invalidate(struct dmasim_iommu *io, int domain,
			     uint64_t iova, uint64_t len)
{
	iommu_invalidate(&io->io, domain, iova, len);
}

void dmasim_iommu_info(const struct dmasim_iommu *io,
		       struct dmasim_iommu_info *out)
{
	out->translations = io->io.translations;
	out->hits = io->io.hits;
	out->misses = io->io.misses;
	out->walk_reads = io->io.walk_reads;
	out->faults = io->io.faults;
	out->invalidations = io->io.invalidations;
	out->qi_descriptors = io->qi.descriptors;
	out->qi_waits = io->qi.waits;
	out->qi_errors = io->qi.errors;
	out->qi_submissions = io->osq.submissions;
	out->qi_devtlbs = io->qi.devtlbs;
	out->qi_devtlb_ps = io->qi.devtlb_ps;
	out->ats_requests = io->io.ats_requests;
}

int dmasim_iommu_fault(const struct dmasim_iommu *io, unsigned i,
		       struct dmasim_iommu_fault *out)
{
	const struct iommu_fault *f;

	if (i >= io->io.nlog)
		return DMASIM_EINVAL;
	f = &io->io.log[i];
	out->time = f->time;
	out->iova = f->iova;
	out->write = f->write;
	out->reason = iommu_fault_string(f->reason);
	out->device = f->dev;
	return 0;
}

/* ---- memory ---- */

void dmasim_memory_config_init(struct dmasim_memory_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = 1ull << 30;
}

static void mem_fini(void *obj)
{
	memory_fini(&((struct dmasim_memory *)obj)->mem);
}

int dmasim_memory_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		      const struct dmasim_memory_config *cfg,
		      struct dmasim_memory **out)
{
	const char *what = "memory";
	struct dmasim_memory_config def;
	struct memory_config mc;
	struct dmasim_memory *m;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_memory_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "mem", sys->nmems,
				 name, sizeof(name))))
		return err;
	if (!cfg->size || cfg->base + cfg->size < cfg->base)
		return sys_error(sys, DMASIM_EINVAL, "memory '%s': [%#llx, "
				 "+%llu): expected a size above 0 that ends "
				 "below 2^64", name,
				 (unsigned long long)cfg->base,
				 (unsigned long long)cfg->size);
	if (!(cfg->bandwidth >= 0) || !isfinite(cfg->bandwidth))
		return sys_error(sys, DMASIM_EINVAL, "memory '%s': bandwidth "
				 "%g: expected bytes/s >= 0 (0: as fast as the "
				 "bus)", name, cfg->bandwidth);
	mc.size = cfg->size;
	mc.latency = cfg->latency;
	mc.bandwidth = cfg->bandwidth;
	m = sys_alloc(sys, sizeof(*m), mem_fini);
	if (!m)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	m->sys = sys;
	err = memory_init(&m->mem, &sys->sim, &bus->bus, name, cfg->base, &mc);
	if (!err)	/* the sanitizer's reads of memory nothing wrote */
		m->mem.track_written = sys->san != NULL;
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "memory '%s': [%#llx, +%llu) "
				 "overlaps another target on the bus", name,
				 (unsigned long long)cfg->base,
				 (unsigned long long)cfg->size);
	if (err)
		return sys_error(sys, err, "memory '%s': %s", name,
				 dmasim_strerror(err));
	sys->nmems++;
	if (out)
		*out = m;
	return 0;
}

/* The offset of [addr, addr + len) in the memory, or DMASIM_ERANGE. */
static int mem_range(struct dmasim_memory *m, const char *fn, uint64_t addr,
		     uint64_t len, uint64_t *off)
{
	const struct memory *mem = &m->mem;

	if (addr < mem->tgt.base || addr - mem->tgt.base > mem->cfg.size ||
	    len > mem->cfg.size - (addr - mem->tgt.base))
		return sys_error(m->sys, DMASIM_ERANGE, "%s: [%#llx, +%llu) "
				 "is outside memory '%s' [%#llx, +%llu)", fn,
				 (unsigned long long)addr,
				 (unsigned long long)len, mem->name,
				 (unsigned long long)mem->tgt.base,
				 (unsigned long long)mem->cfg.size);
	*off = addr - mem->tgt.base;
	return 0;
}

int dmasim_memory_inject(struct dmasim_memory *m,
			 const struct dmasim_memory_fault *f)
{
	struct memory_fault mf = { 0 };
	int err = mem_range(m, "memory:inject", f->addr, f->len, &mf.off);

	if (err)
		return err;
	if (!f->len)
		return sys_error(m->sys, DMASIM_ERANGE, "memory:inject: an "
				 "empty range at %#llx: expected len >= 1",
				 (unsigned long long)f->addr);
	mf.len = f->len;
	mf.reads = f->reads || !f->writes;
	mf.writes = f->writes || !f->reads;
	mf.after = f->after;
	mf.count = f->count;
	if (memory_inject(&m->mem, &mf))
		return sys_error(m->sys, DMASIM_ENOMEM, "out of memory");
	return 0;
}

int dmasim_memory_write(struct dmasim_memory *m, uint64_t addr,
			const void *src, uint64_t len)
{
	uint64_t off = 0;
	int err = mem_range(m, "memory write", addr, len, &off);

	if (err)
		return err;
	if (memory_write(&m->mem, off, src, len))
		return sys_error(m->sys, DMASIM_ENOMEM, "out of memory");
	return 0;
}

int dmasim_memory_read(struct dmasim_memory *m, uint64_t addr, void *dst,
		       uint64_t len)
{
	uint64_t off = 0;
	int err = mem_range(m, "memory read", addr, len, &off);

	if (!err)
		memory_read(&m->mem, off, dst, len);
	return err;
}

int dmasim_memory_fill(struct dmasim_memory *m, uint64_t addr, uint64_t len,
		       uint64_t seed)
{
	struct iodev pat = { .cfg.seed = seed };
	uint8_t buf[4096];
	uint64_t off = 0;
	int err = mem_range(m, "memory fill", addr, len, &off);

	if (err)
		return err;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done :
			     sizeof(buf);

		for (uint64_t i = 0; i < n; i++)
			buf[i] = iodev_pattern(&pat, done + i);
		if (memory_write(&m->mem, off + done, buf, n))
			return sys_error(m->sys, DMASIM_ENOMEM,
					 "out of memory");
		done += n;
	}
	return 0;
}

int dmasim_memory_hash(struct dmasim_memory *m, uint64_t addr, uint64_t len,
		       uint64_t *hash)
{
	uint64_t off = 0;
	int err = mem_range(m, "memory hash", addr, len, &off);

	if (!err)
		*hash = memory_hash(&m->mem, off, len);
	return err;
}

uint64_t dmasim_hash(const void *p, uint64_t len)
{
	return util_fnv1a(UTIL_FNV_BASIS, p, len);
}

