/*
 * gpu: a GPU on a host link (dmasim/machine.h): building it and its link,
 * device memory, streams and events.  The driver's calls are gpudrv.c.
 *
 * The link (gpu_attach, the one place the GPU meets the host): the GPU's
 * bus stands for the device side of a PCIe link: its width is the lanes
 * (a byte per lane per symbol time) and its clock the lane's data rate
 * after line coding and TLP framing:
 *   rate = lanes * GT/s * coding / 8 * mps / (mps + tlp_overhead)
 * (PCI Express Base Specification: 8b/10b coding for generations 1 and
 * 2, 128b/130b from generation 3; a TLP carries up to mps bytes with
 * about 20-30 bytes of header, sequence number, LCRC and framing).  A
 * bridge joins it to the host bus, its latency the link's each way and
 * its queue the transactions the link keeps in flight; reads cross it as
 * non-posted transactions (a copy to the device), writes as posted ones.
 * The bridge is half-duplex where a PCIe link is full-duplex: copies both
 * ways at once share one data path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_int.h"
#include "kernel/alloc.h"

void dmasim_gpu_config_init(struct dmasim_gpu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->gen = 3;
	cfg->lanes = 16;
	cfg->mps = 128;
	cfg->tlp_overhead = 24;
	cfg->link_latency = 500000;
	cfg->outstanding = 64;
	cfg->bar_latency = 100000;
	cfg->mem_base = 1ull << 40;
	cfg->mem_size = 256ull << 20;
	cfg->mem_bandwidth = 1e12;
	cfg->copy_engines = 2;
	cfg->inflight = 32;
	cfg->piece = 4096;
	cfg->ce_setup = 1000000;
	cfg->launch = 3000000;
	cfg->call = 6500000;
	cfg->desc = 500000;
	cfg->desc_max = 1ull << 20;
	cfg->pin_page = 62000;
	cfg->register_page = 350000;
	cfg->pin_budget = 1ull << 30;
	cfg->bounce_base = DMASIM_DEFAULT;
	cfg->bounce_size = 1ull << 20;
	cfg->bounce_count = 2;
	cfg->stage_piece = 4096;
	cfg->stage_cycles = 8;
}

/* GT/s and coding of a generation. */
static bool gen_rate(unsigned gen, double *gts, double *coding)
{
	static const double g[] = { 2.5, 5, 8, 16, 32 };

	if (gen < 1 || gen > 5)
		return false;
	*gts = g[gen - 1];
	*coding = gen <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
	return true;
}

static void gpu_fini_cb(void *obj)
{
	struct dmasim_gpu *g = obj;

	sys_gpu_calls_free(g);
	gpucheck_fini(&g->chk);
	gpupin_fini(&g->pin);
	gpu_fini(&g->g);
}

/* On a PCIe endpoint: its device-side bus is the GPU's link, and the
 * link's TLPs, credits and tags are the endpoint's (sys/pcie.c). */
static int gpu_attach_pcie(struct dmasim_gpu *g)
{
	const struct dmasim_gpu_config *c = &g->cfg;
	struct dmasim_pcie *ep = c->pcie;

	if ((ep->sys != g->sys) || ep->kind != SYS_PCIE_ENDPOINT)
		return sys_error(g->sys, DMASIM_EINVAL, "gpu '%s': field "
				 "'pcie': expected a PCIe endpoint of system "
				 "'%s'", g->name, g->sys->name);
	if (c->mem_base < ep->base ||
	    c->mem_base + c->mem_size > ep->base + ep->size)
		return sys_error(g->sys, DMASIM_EINVAL, "gpu '%s': device "
				 "memory [%#llx, +%#llx): expected inside the "
				 "BAR of endpoint '%s' [%#llx, +%#llx)",
				 g->name, (unsigned long long)c->mem_base,
				 (unsigned long long)c->mem_size, ep->name,
				 (unsigned long long)ep->base,
				 (unsigned long long)ep->size);
	g->link = ep->bus;
	g->link_rate = pcie_link_rate(&ep->link);
	return 0;
}

/* With an endpoint: device memory seen from the endpoint's bus (what a
 * GPU's BAR1 aperture gives a peer), across a bridge of bar_latency
 * each way into the memory fabric. */
static int gpu_bar(struct dmasim_gpu *g)
{
	struct dmasim_bridge_config brc;
	struct dmasim_bridge *br;
	char bn[64];
	int err;

	dmasim_bridge_config_init(&brc);
	snprintf(bn, sizeof(bn), "%sbar", g->name);
	brc.name = bn;
	brc.latency = g->cfg.bar_latency;
	brc.queue = 64;
	brc.posted = true;
	if ((err = dmasim_bridge_new(g->sys, g->link, g->fabric, &brc, &br)))
		return err;
	return dmasim_bridge_window(br, DMASIM_A_TO_B, g->cfg.mem_base,
				    g->cfg.mem_size);
}

/* Join the GPU's bus to the host's: a bridge standing for a PCIe link
 * (see the top of this file), or a PCIe endpoint's bus. */
static int gpu_attach(struct dmasim_gpu *g)
{
	const struct dmasim_gpu_config *c = &g->cfg;
	struct dmasim_sys *sys = g->sys;
	struct dmasim_bus_config bc;
	struct dmasim_bridge_config brc;
	double gts, coding, lane_hz;
	char bn[64];
	int err;

	if (c->pcie)
		return gpu_attach_pcie(g);
	if (!gen_rate(c->gen, &gts, &coding))
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': field 'gen' = "
				 "%u: expected a PCIe generation 1 to 5",
				 g->name, c->gen);
	if (c->lanes < 1 || c->lanes > 32 || !c->mps || !c->outstanding)
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': lanes %u, mps "
				 "%u, outstanding %u: expected 1 to 32 lanes, "
				 "mps and outstanding above 0", g->name,
				 c->lanes, c->mps, c->outstanding);
	lane_hz = gts * 1e9 * coding / 8 * c->mps /
		  (double)(c->mps + c->tlp_overhead);
#ifdef DMASIM_MUTATE_GPU_LINK_NO_TLP_OVERHEAD
	/* broken on purpose: the link's TLP headers and framing left out */
	lane_hz = gts * 1e9 * coding / 8;
#endif
	dmasim_bus_config_init(&bc);
	snprintf(bn, sizeof(bn), "%slink", g->name);
	bc.name = bn;
	bc.clock_hz = lane_hz;
	bc.width = c->lanes;
	if ((err = dmasim_bus_new(sys, &bc, &g->link)))
		return err;
	g->link_rate = 1e12 / (double)g->link->bus.cfg.period * c->lanes;
	dmasim_bridge_config_init(&brc);
	snprintf(bn, sizeof(bn), "%sport", g->name);
	brc.name = bn;
	brc.latency = c->link_latency;
	brc.queue = c->outstanding;
	brc.posted = true;
	if ((err = dmasim_bridge_new(sys, g->link, g->host, &brc, &g->br)))
		return err;
	/* the host's addresses, below device memory, cross to the host */
	return dmasim_bridge_window(g->br, DMASIM_A_TO_B, 0, c->mem_base);
}

int dmasim_gpu_new(struct dmasim_sys *sys, const struct dmasim_gpu_config *cfg,
		   struct dmasim_gpu **out)
{
	struct dmasim_gpu_config def;
	struct dmasim_bus_config bc;
	struct dmasim_memory_config mc;
	struct gpu_config gc;
	struct dmasim_gpu *g;
	char name[SYS_NAME_MAX], bn[64];
	unsigned n = 0;
	int err;

	if (!cfg) {
		dmasim_gpu_config_init(&def);
		cfg = &def;
	}
	for (struct dmasim_gpu *o = sys->gpus; o; o = o->next)
		n++;
	if ((err = sys_comp_name(sys, "gpu", cfg->name, "gpu", n, name,
				 sizeof(name))))
		return err;
	if (strlen(name) > 17)
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': field 'name': "
				 "expected at most 17 characters", name);
	if (!cfg->cpu || (err = sys_owns(sys, cfg->cpu->sys, "gpu: cpu")))
		return cfg->cpu ? err : sys_error(sys, DMASIM_EINVAL, "gpu "
				 "'%s': field 'cpu': expected the CPU its "
				 "driver runs on", name);
	if (!cfg->copy_engines || cfg->copy_engines > GPU_MAX_CE ||
	    !cfg->inflight || cfg->inflight > GPU_MAX_INFLIGHT ||
	    cfg->piece < 64 || cfg->piece > (1u << 24))
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': copy_engines "
				 "%u, inflight %u, piece %u: expected 1 to %d "
				 "engines, 1 to %d pieces in flight of 64 B "
				 "to 16 MiB", name, cfg->copy_engines,
				 cfg->inflight, cfg->piece, GPU_MAX_CE,
				 GPU_MAX_INFLIGHT);
	if (!cfg->mem_size || !cfg->mem_base || cfg->mem_base % 4096 ||
	    cfg->mem_base + cfg->mem_size < cfg->mem_base ||
	    !(cfg->mem_bandwidth >= 1e9))
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': mem_base, "
				 "mem_size, mem_bandwidth: expected device "
				 "memory above 0, page aligned, at 1 GB/s or "
				 "more", name);
	if (!cfg->desc_max || !cfg->stage_piece ||
	    cfg->stage_piece > (1u << 24))
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': desc_max and "
				 "stage_piece: expected above 0 (stage_piece "
				 "at most 16 MiB)", name);
	if (cfg->bounce_base != DMASIM_DEFAULT &&
	    (!cfg->bounce_count || cfg->bounce_count > GPU_MAX_BOUNCE ||
	     !cfg->bounce_size))
		return sys_error(sys, DMASIM_EINVAL, "gpu '%s': bounce_count "
				 "%u: expected 1 to %d staging buffers of 1 "
				 "byte or more", name, cfg->bounce_count,
				 GPU_MAX_BOUNCE);
	g = sys_alloc(sys, sizeof(*g), gpu_fini_cb);
	if (!g)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	g->sys = sys;
	g->cfg = *cfg;
	g->cfg.name = NULL;
	g->cpu = cfg->cpu;
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->host = cfg->host;
	if ((err = sys_pick_bus(sys, "gpu", &g->host)))
		return err;
	if ((err = gpu_attach(g)))
		return err;
	dmasim_bus_config_init(&bc);
	snprintf(bn, sizeof(bn), "%smem", name);
	bc.name = bn;
	bc.clock_hz = 1e9;
	bc.width = (uint32_t)fmin(cfg->mem_bandwidth / 1e9, 1u << 20);
	if ((err = dmasim_bus_new(sys, &bc, &g->fabric)))
		return err;
	dmasim_memory_config_init(&mc);
	snprintf(bn, sizeof(bn), "%sdram", name);
	mc.name = bn;
	mc.base = cfg->mem_base;
	mc.size = cfg->mem_size;
	if ((err = dmasim_memory_new(sys, g->fabric, &mc, &g->mem)) ||
	    (cfg->pcie && (err = gpu_bar(g))))
		return err;
	g->heap = cfg->mem_base;
	memset(&gc, 0, sizeof(gc));
	gc.copy_engines = cfg->copy_engines;
	gc.inflight = cfg->inflight;
	gc.piece = cfg->piece;
	gc.ce_setup = cfg->ce_setup;
	gc.launch = cfg->launch;
	gc.mem_base = cfg->mem_base;
	gc.mem_size = cfg->mem_size;
	err = gpu_init(&g->g, &sys->sim, name, &g->link->bus, &g->fabric->bus,
		       &g->mem->mem, &gc);
	if (err)
		return sys_error(sys, err, "gpu '%s': %s", name,
				 dmasim_strerror(err));
	gpucheck_init(&g->chk, &g->g);
	gpupin_init(&g->pin, cfg->pin_budget, cfg->host_base, cfg->host_size);
	if (cfg->bounce_base != DMASIM_DEFAULT) {
		uint64_t bytes = cfg->bounce_size * cfg->bounce_count;

		if (gpupin_add(&g->pin, cfg->bounce_base, bytes, false))
			return sys_error(sys, DMASIM_ENOMEM, "gpu '%s': %u "
					 "staging buffers of %llu bytes: over "
					 "the pinned budget of %llu bytes",
					 name, cfg->bounce_count,
					 (unsigned long long)cfg->bounce_size,
					 (unsigned long long)cfg->pin_budget);
		if ((err = dmasim_completion_new(sys, &g->stage_lock)) ||
		    (err = dmasim_complete(g->stage_lock)))
			return err;
		for (unsigned i = 0; i < cfg->bounce_count; i++)
			if ((err = dmasim_completion_new(sys, &g->slot_c[i])))
				return err;
	}
	g->next = sys->gpus;
	sys->gpus = g;
	if (out)
		*out = g;
	return 0;
}

struct dmasim_memory *dmasim_gpu_memory(struct dmasim_gpu *g)
{
	return g->mem;
}

struct dmasim_bus *dmasim_gpu_bus(struct dmasim_gpu *g)
{
	return g->link;
}

int dmasim_gpu_malloc(struct dmasim_gpu *g, uint64_t len, uint64_t *addr)
{
	uint64_t end = g->cfg.mem_base + g->cfg.mem_size;
	uint64_t n = (len + 255) / 256 * 256;

	if (!len || n < len || n > end - g->heap)
		return sys_error(g->sys, DMASIM_ENOMEM, "gpu '%s': malloc of "
				 "%llu bytes: expected at most the %llu bytes "
				 "of device memory left", g->name,
				 (unsigned long long)len,
				 (unsigned long long)(end - g->heap));
	*addr = g->heap;
	g->heap += n;
	return 0;
}

/* ---- ops, streams, events ---- */

static void op_free(struct gpu_op *op)
{
	struct sys_gpu_op *o = (struct sys_gpu_op *)op;

	if (op->status)
		o->g->info.errors++;
	if (o->slot >= 0)
		dmasim_complete(o->g->slot_c[o->slot]);
	dm_free(o);
}

struct sys_gpu_op *sys_gpu_op_new(struct dmasim_gpu *g, enum gpu_op_kind kind)
{
	struct sys_gpu_op *o = dm_calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->g = g;
	o->slot = -1;
	o->op.kind = kind;
	o->op.done = op_free;
	return o;
}

uint64_t sys_gpu_cycles(const struct dmasim_gpu *g, uint64_t ps)
{
	uint64_t period = g->cpu->cpu.clk.period;

	return (ps + period - 1) / period;
}

static void event_notify(void *ctx, struct gpu_event *ev)
{
	struct dmasim_event *e = ctx;

	if (ev->completed == ev->recorded &&
	    signal_notify(&e->g->sys->sim, &e->sig))
		sim_host_oom(&e->g->sys->sim);
}

int dmasim_event_new(struct dmasim_gpu *g, struct dmasim_event **out)
{
	struct dmasim_event *e = sys_alloc(g->sys, sizeof(*e), NULL);

	if (!e)
		return sys_error(g->sys, DMASIM_ENOMEM, "out of memory");
	e->g = g;
	signal_init(&e->sig);
	e->ev.notify = event_notify;
	e->ev.notify_ctx = e;
	*out = e;
	return 0;
}

/* Ops still queued when the system goes (a run cut short).  Streams go
 * before their GPU (made after it). */
static void stream_fini_cb(void *obj)
{
	struct dmasim_stream *s = obj;
	struct gpu_op *op = s->s.head, *next;

	for (; op; op = next) {
		next = op->next;
		dm_free(op);
	}
	s->s.head = s->s.tail = NULL;
	if (s->g)
		s->g->g.streams[s->s.id] = NULL;
}

int dmasim_stream_new(struct dmasim_gpu *g, struct dmasim_stream **out)
{
	struct dmasim_stream *s = sys_alloc(g->sys, sizeof(*s),
					    stream_fini_cb);
	int err;

	if (!s)
		return sys_error(g->sys, DMASIM_ENOMEM, "out of memory");
	if (gpu_stream_init(&g->g, &s->s))
		return sys_error(g->sys, DMASIM_ERANGE, "gpu '%s': stream: "
				 "expected at most %d streams", g->name,
				 GPU_MAX_STREAMS);
	s->g = g;
	if ((err = dmasim_event_new(g, &s->sync_ev)))
		return err;
	*out = s;
	return 0;
}

static int queue_event_op(struct dmasim_stream *s, struct dmasim_event *ev,
			  enum gpu_op_kind kind)
{
	struct sys_gpu_op *o;

	if (ev->g != s->g)
		return sys_error(s->g->sys, DMASIM_EINVAL, "stream: an event "
				 "of another GPU: expected one of gpu '%s'",
				 s->g->name);
	o = sys_gpu_op_new(s->g, kind);
	if (!o)
		return sys_error(s->g->sys, DMASIM_ENOMEM, "out of memory");
	o->op.ev = &ev->ev;
	gpu_submit(&s->s, &o->op);
	return 0;
}

int dmasim_stream_record(struct dmasim_stream *s, struct dmasim_event *ev)
{
	return queue_event_op(s, ev, GPU_OP_RECORD);
}

int dmasim_stream_wait(struct dmasim_stream *s, struct dmasim_event *ev)
{
	return queue_event_op(s, ev, GPU_OP_WAIT);
}

int dmasim_event_sync(struct dmasim_proc *p, struct dmasim_event *ev)
{
	if (ev->ev.completed >= ev->ev.recorded)
		return 0;
	return sys_proc_wait(p, &ev->sig);
}

int dmasim_stream_sync(struct dmasim_proc *p, struct dmasim_stream *s)
{
	int err;

	if (!s->s.head)
		return 0;
	if ((err = dmasim_stream_record(s, s->sync_ev)))
		return err;
	return dmasim_event_sync(p, s->sync_ev);
}

uint64_t dmasim_event_time(const struct dmasim_event *ev)
{
	return ev->ev.done_at;
}

void dmasim_gpu_info(const struct dmasim_gpu *g, struct dmasim_gpu_info *out)
{
	*out = g->info;
	out->copies = g->g.copies;
	out->kernels = g->g.kernels;
	out->copy_bytes = g->g.copy_bytes;
	out->pinned = g->pin.used;
	out->pinned_peak = g->pin.peak;
	out->pin_budget = g->pin.budget;
	out->reports = g->chk.nreports;
	out->link_rate = g->link_rate;
}

int dmasim_gpu_report(const struct dmasim_gpu *g, unsigned i,
		      struct dmasim_gpu_report *out)
{
	const struct gpucheck_report *r;

	if (i >= g->chk.nreports)
		return sys_error(g->sys, DMASIM_EINVAL, "gpu report %u: "
				 "expected 0 to %u", i, g->chk.nreports);
	r = &g->chk.reports[i];
	out->cls = gpucheck_class_name(r->cls);
	out->what = gpucheck_class_what(r->cls);
	out->fix = gpucheck_class_fix(r->cls);
	out->time = r->time;
	out->addr = r->addr;
	out->len = r->len;
	out->op_addr = r->op_addr;
	out->op_len = r->op_len;
	out->stream = r->stream;
	return 0;
}

void sys_gpu_host_store(struct dmasim_sys *sys, uint64_t addr, uint64_t len)
{
	for (struct dmasim_gpu *g = sys->gpus; g; g = g->next)
		gpucheck_host_store(&g->chk, addr, len);
}
