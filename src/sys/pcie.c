/* pcie: root complexes, switches and endpoints of a system
 * (dmasim/machine.h), built from buses, a host bridge and PCIe links
 * (hw/pcie.h).  See sys.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sys.h"

void dmasim_pcie_root_config_init(struct dmasim_pcie_root_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mmio_base = 0x80000000ull;
	cfg->mmio_size = 1ull << 30;
	cfg->latency = 150000;
	cfg->queue = 64;
	cfg->clock_hz = 2e9;
	cfg->width = 64;
	cfg->p2p_latency = 500000;
	cfg->msi_base = 0xfee00000ull;
}

void dmasim_pcie_config_init(struct dmasim_pcie_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->gen = 3;
	cfg->width = 16;
	cfg->mps = 256;
	cfg->mrrs = 512;
	cfg->rcb = 64;
	cfg->tlp_overhead = 24;
	cfg->cpl_overhead = 20;
	cfg->latency = 100000;
	cfg->queue = 64;
	cfg->tags = 256;
	cfg->ph = 64;
	cfg->pd = 1024;
	cfg->nph = 64;
	cfg->clock_hz = 2e9;
	cfg->bus_width = 64;
}

static void pcie_fini_cb(void *obj)
{
	struct dmasim_pcie *p = obj;

	if (p->linked)
		pcie_link_fini(&p->link);
}

/* A bus of its own, named after it. */
static int own_bus(struct dmasim_sys *sys, struct dmasim_pcie *p,
		   double hz, uint32_t width)
{
	struct dmasim_bus_config bc;
	char name[SYS_NAME_MAX];

	dmasim_bus_config_init(&bc);
	snprintf(name, sizeof(name), "%.23s_bus", p->name);
	bc.name = name;
	bc.clock_hz = hz;
	bc.width = width;
	return dmasim_bus_new(sys, &bc, &p->bus);
}

int dmasim_pcie_root_new(struct dmasim_sys *sys, struct dmasim_bus *host,
			 const struct dmasim_pcie_root_config *cfg,
			 struct dmasim_pcie **out)
{
	struct dmasim_pcie_root_config def;
	struct dmasim_bridge_config bc;
	struct dmasim_pcie *p;
	char name[SYS_NAME_MAX], what[SYS_NAME_MAX + 16];
	uint64_t end;
	int err;

	if (!cfg) {
		dmasim_pcie_root_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_comp_name(sys, "pcie root", cfg->name, "pcie",
				 sys->npcie_roots, name, sizeof(name))))
		return err;
	snprintf(what, sizeof(what), "pcie root '%s'", name);
	if ((err = sys_pick_bus(sys, what, &host)))
		return err;
	end = cfg->mmio_base + cfg->mmio_size;
	if (!cfg->mmio_size || end < cfg->mmio_base || end == UINT64_MAX)
		return sys_error(sys, DMASIM_EINVAL, "%s: mmio [%#llx, +%llu): "
				 "expected a non-empty range below the top of "
				 "the address space", what,
				 (unsigned long long)cfg->mmio_base,
				 (unsigned long long)cfg->mmio_size);
	if (!cfg->queue)
		return sys_error(sys, DMASIM_EINVAL, "%s: queue 0: expected 1 "
				 "or more requests", what);
	if (cfg->p2p_bandwidth < 0 || !isfinite(cfg->p2p_bandwidth))
		return sys_error(sys, DMASIM_EINVAL, "%s: p2p_bandwidth %g: "
				 "expected 0 (no limit) or bytes/s above 0",
				 what, cfg->p2p_bandwidth);
	if (cfg->intc && (err = sys_owns(sys, cfg->intc->sys,
					 "the interrupt controller")))
		return err;
	p = sys_alloc(sys, sizeof(*p), pcie_fini_cb);
	if (!p)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	p->sys = sys;
	p->kind = SYS_PCIE_ROOT;
	p->root = p;
	p->base = cfg->mmio_base;
	p->size = cfg->mmio_size;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if ((err = own_bus(sys, p, cfg->clock_hz, cfg->width)))
		return err;
	dmasim_bridge_config_init(&bc);
	snprintf(name, sizeof(name), "%.23s_host", p->name);
	bc.name = name;
	bc.latency = cfg->latency;
	bc.queue = cfg->queue;
	bc.posted = true;
	if ((err = dmasim_bridge_new(sys, host, p->bus, &bc, &p->bridge)))
		return err;
	if (cfg->intc && pcie_msi_init(&p->msi, &host->bus, &cfg->intc->ic,
				       cfg->msi_base, 4096))
		return sys_error(sys, DMASIM_EINVAL, "%s: msi_base %#llx: "
				 "expected 4 KiB free on bus '%s'", what,
				 (unsigned long long)cfg->msi_base,
				 host->bus.name);
	if ((err = dmasim_bridge_window(p->bridge, DMASIM_A_TO_B,
					cfg->mmio_base, cfg->mmio_size)) ||
	    (cfg->mmio_base && (err = dmasim_bridge_window(
		    p->bridge, DMASIM_B_TO_A, 0, cfg->mmio_base))) ||
	    (err = dmasim_bridge_window(p->bridge, DMASIM_B_TO_A, end,
					UINT64_MAX - end)))
		return err;
	p->p2p.latency = cfg->p2p_latency;
	if (cfg->p2p_bandwidth > 0)
		p->p2p.ps_per_kib = (uint64_t)ceil(1024e12 /
						   cfg->p2p_bandwidth);
	sys->npcie_roots++;
	*out = p;
	return 0;
}

static int node_new(struct dmasim_sys *sys, struct dmasim_pcie *parent,
		    const struct dmasim_pcie_config *cfg,
		    enum sys_pcie_kind kind, struct dmasim_pcie **out)
{
	const char *kw = kind == SYS_PCIE_SWITCH ? "pcie switch" :
			 "pcie endpoint";
	const char *range = kind == SYS_PCIE_SWITCH ? "window" : "bar";
	struct dmasim_pcie_config def;
	struct pcie_link_config lc;
	struct dmasim_pcie *p;
	char name[SYS_NAME_MAX], what[SYS_NAME_MAX + 20];
	const char *bad;
	uint64_t end;
	int err;

	if (!cfg) {
		dmasim_pcie_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_comp_name(sys, kw, cfg->name,
				 kind == SYS_PCIE_SWITCH ? "sw" : "ep",
				 kind == SYS_PCIE_SWITCH ? sys->npcie_switches :
				 sys->npcie_endpoints, name, sizeof(name))))
		return err;
	snprintf(what, sizeof(what), "%s '%s'", kw, name);
	if (!parent)
		return sys_error(sys, DMASIM_EINVAL, "%s: expected a parent (a "
				 "pcie root or switch)", what);
	if ((err = sys_owns(sys, parent->sys, "the parent")))
		return err;
	if (parent->kind == SYS_PCIE_ENDPOINT)
		return sys_error(sys, DMASIM_EINVAL, "%s: parent '%s' is an "
				 "endpoint: expected a pcie root or switch",
				 what, parent->name);
	memset(&lc, 0, sizeof(lc));
	lc.gen = cfg->gen;
	lc.width = cfg->width;
	lc.mps = cfg->mps;
	lc.mrrs = cfg->mrrs;
	lc.rcb = cfg->rcb;
	lc.tlp_overhead = cfg->tlp_overhead;
	lc.cpl_overhead = cfg->cpl_overhead;
	lc.latency = cfg->latency;
	lc.completer_latency = cfg->completer_latency;
	lc.queue = cfg->queue;
	lc.tags = cfg->tags;
	lc.credits.ph = cfg->ph;
	lc.credits.pd = cfg->pd;
	lc.credits.nph = cfg->nph;
	lc.credits.cplh = cfg->cplh;
	lc.credits.cpld = cfg->cpld;
	lc.priority = cfg->priority;
	lc.ack_timer = cfg->ack_timer;
	lc.ack_tlps = cfg->ack_tlps;
	lc.skp_interval = cfg->skp_interval;
	if ((bad = pcie_config_error(&lc)))
		return sys_error(sys, DMASIM_EINVAL, "%s: %s (gen %u, width %u, "
				 "mps %u, mrrs %u)", what, bad, cfg->gen,
				 cfg->width, cfg->mps, cfg->mrrs);
	end = cfg->base + cfg->size;
	if (!cfg->size || end < cfg->base || cfg->base < parent->base ||
	    end > parent->base + parent->size)
		return sys_error(sys, DMASIM_EINVAL, "%s: %s [%#llx, +%llu): "
				 "expected a non-empty range inside '%s''s "
				 "[%#llx, +%llu)", what, range,
				 (unsigned long long)cfg->base,
				 (unsigned long long)cfg->size, parent->name,
				 (unsigned long long)parent->base,
				 (unsigned long long)parent->size);
	if (parent->kind == SYS_PCIE_ROOT &&
	    parent->p2p.nports == PCIE_MAX_PEERS)
		return sys_error(sys, DMASIM_ERANGE, "%s: root '%s' has %d "
				 "ports already", what, parent->name,
				 PCIE_MAX_PEERS);
	p = sys_alloc(sys, sizeof(*p), pcie_fini_cb);
	if (!p)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	p->sys = sys;
	p->kind = kind;
	p->root = parent->root;
	p->base = cfg->base;
	p->size = cfg->size;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if ((err = own_bus(sys, p, cfg->clock_hz, cfg->bus_width)))
		return err;
	p->linked = true;	/* fini frees what a failed init made */
	err = pcie_link_init(&p->link, &sys->sim, name, &parent->bus->bus,
			     &p->bus->bus, &lc);
	if (err)
		return sys_error(sys, err, "%s: %s", what,
				 dmasim_strerror(err));
	if (pcie_link_window(&p->link, PCIE_DOWN, cfg->base, cfg->size))
		return sys_error(sys, DMASIM_EINVAL, "%s: %s [%#llx, +%llu) "
				 "overlaps another on bus '%s': expected a "
				 "free range", what, range,
				 (unsigned long long)cfg->base,
				 (unsigned long long)cfg->size,
				 parent->bus->bus.name);
	if ((cfg->base && pcie_link_window(&p->link, PCIE_UP, 0, cfg->base)) ||
	    pcie_link_window(&p->link, PCIE_UP, end, UINT64_MAX - end))
		return sys_error(sys, DMASIM_EINVAL, "%s: bus '%s' has targets "
				 "outside the %s: expected them inside it",
				 what, p->bus->bus.name, range);
	if (parent->kind == SYS_PCIE_ROOT) {
		struct pcie_p2p *pp = &parent->p2p;

		p->link.dir[PCIE_DOWN].p2p = pp;
		pp->ports[pp->nports++] = &p->link.dir[PCIE_UP].iss;
	}
	if (kind == SYS_PCIE_SWITCH)
		sys->npcie_switches++;
	else
		sys->npcie_endpoints++;
	*out = p;
	return 0;
}

int dmasim_pcie_switch_new(struct dmasim_sys *sys, struct dmasim_pcie *parent,
			   const struct dmasim_pcie_config *cfg,
			   struct dmasim_pcie **out)
{
	return node_new(sys, parent, cfg, SYS_PCIE_SWITCH, out);
}

int dmasim_pcie_endpoint_new(struct dmasim_sys *sys,
			     struct dmasim_pcie *parent,
			     const struct dmasim_pcie_config *cfg,
			     struct dmasim_pcie **out)
{
	return node_new(sys, parent, cfg, SYS_PCIE_ENDPOINT, out);
}

struct dmasim_bus *dmasim_pcie_bus(const struct dmasim_pcie *p)
{
	return p->bus;
}

struct dmasim_bridge *dmasim_pcie_bridge(const struct dmasim_pcie *p)
{
	return p->bridge;
}

int dmasim_pcie_link_info(const struct dmasim_pcie *p, bool up,
			  struct dmasim_pcie_link_info *out)
{
	const struct pcie_dir_stats *st;

	if (!p->linked)
		return DMASIM_EINVAL;
	st = &p->link.dir[up ? PCIE_UP : PCIE_DOWN].st;
	out->tlps = st->tlps;
	out->payload = st->payload;
	out->overhead = st->overhead;
	out->writes = st->writes;
	out->reads = st->reads;
	out->completions = st->cpls;
	out->credit_stalls = st->credit_stalls;
	out->tag_stalls = st->tag_stalls;
	out->queue_stalls = st->queue_stalls;
	out->stall_ps = st->stall_ps;
	out->busy_ps = st->busy_ps;
	out->active_ps = st->last_ps - st->first_ps;
	out->rate = pcie_link_rate(&p->link);
	out->acks = st->acks;
	out->updatefcs = st->updatefcs;
	out->dllp_bytes = st->dllp_bytes;
	out->dllp_ps = st->dllp_ps;
	out->skps = st->skps;
	out->skp_ps = st->skp_ps;
	return 0;
}

uint64_t dmasim_pcie_wire_ps(const struct dmasim_pcie *p, uint64_t n)
{
	return p->linked ? pcie_link_wire_ps(&p->link, n) : 0;
}
