/* components: a system's CPUs, caches, DMA engines, synthetic traffic
 * masters and devices (dmasim/machine.h).  See sys.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/checked.h"
#include "kernel/clock.h"
#include "kernel/vec.h"
#include "process.h"
#include "sys.h"

/* ---- CPUs ---- */

void dmasim_cpu_config_init(struct dmasim_cpu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cpi = 1;
	cfg->word = 4;
	cfg->pio_loop = 2;
	cfg->irq_entry = 100;
	cfg->irq_exit = 50;
	cfg->mode = DMASIM_MODE_BURST;
}

int dmasim_cpu_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		   const struct dmasim_cpu_config *cfg,
		   struct dmasim_cpu **out)
{
	const char *what = "cpu";
	struct dmasim_cpu_config def;
	struct cpu_config cc;
	struct dmasim_cpu *c;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_cpu_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "cpu", sys->ncpus,
				 name, sizeof(name))))
		return err;
	if (cfg->clock_hz) {
		if ((err = sys_clock_ok(sys, name, cfg->clock_hz, &cc.period)))
			return err;
	} else {
		cc.period = bus->bus.clk.period;
	}
	if (!(cfg->cpi >= 1e-3) || !isfinite(cfg->cpi))
		return sys_error(sys, DMASIM_EINVAL, "cpu '%s': cpi %g: "
				 "expected a number >= 0.001", name, cfg->cpi);
	if (!(cfg->mem_frac >= 0 && cfg->mem_frac <= 1))
		return sys_error(sys, DMASIM_EINVAL, "cpu '%s': mem_frac %g: "
				 "expected a fraction from 0 to 1", name,
				 cfg->mem_frac);
	if (!cfg->word || cfg->word > 8)
		return sys_error(sys, DMASIM_EINVAL, "cpu '%s': word %u: "
				 "expected 1 to 8 bytes", name, cfg->word);
	if (!sys_mode_ok(cfg->mode))
		return sys_error(sys, DMASIM_EINVAL, "cpu '%s': unknown bus "
				 "mode %d", name, (int)cfg->mode);
	cc.cpi = cfg->cpi;
	cc.mem_frac = cfg->mem_frac;
	cc.data_addr = cfg->data_addr;
	cc.footprint = cfg->footprint;
	cc.word = cfg->word;
	cc.pio_loop = cfg->pio_loop;
	cc.irq_entry = cfg->irq_entry;
	cc.irq_exit = cfg->irq_exit;
	c = sys_alloc(sys, sizeof(*c), NULL);
	if (!c)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	c->sys = sys;
	err = cpu_init(&c->cpu, &sys->sim, &bus->bus, name, &cc,
		       sys_bus_mode[cfg->mode], cfg->priority);
	if (err)
		return sys_error(sys, err, "cpu '%s': %s", name,
				 dmasim_strerror(err));
	sys->ncpus++;
	if (out)
		*out = c;
	return 0;
}

uint64_t dmasim_cpu_period(const struct dmasim_cpu *cpu)
{
	return cpu->cpu.clk.period;
}

/* ---- caches ---- */

void dmasim_cache_config_init(struct dmasim_cache_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = 32 * 1024;
	cfg->ways = 4;
	cfg->line = 64;
	cfg->word = 8;
	cfg->hit = 1;
	cfg->clean = 50;
	cfg->inval = 50;
	cfg->flush = 60;
	cfg->barrier = 100;
	cfg->snoop = 1;
}

static void cache_fini_cb(void *obj)
{
	cache_fini(&((struct dmasim_cache *)obj)->c);
}

int dmasim_cache_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		     struct dmasim_cpu *cpu, struct dmasim_cache *next,
		     const struct dmasim_cache_config *cfg,
		     struct dmasim_cache **out)
{
	const char *what = "cache";
	struct dmasim_cache_config def;
	struct cache_config cc;
	struct dmasim_cache *c;
	const char *name;
	int err;

	if (!cfg) {
		dmasim_cache_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)))
		return err;
	if ((cpu && (err = sys_owns(sys, cpu->sys, "the CPU"))) ||
	    (next && (err = sys_owns(sys, next->sys, "the next cache"))))
		return err;
	name = cfg->name ? cfg->name : "l1";
	if (cpu && cpu->cache)
		return sys_error(sys, DMASIM_EINVAL, "cache '%s': CPU '%s' "
				 "already has a cache", name, cpu->cpu.name);
	if (next && (next->c.upper || next->c.cfg.coherent != cfg->coherent))
		return sys_error(sys, DMASIM_EINVAL, "cache '%s': field "
				 "'next': cache '%s' %s", name, next->c.name,
				 next->c.upper ? "already is another cache's "
				 "next level" : "differs in 'coherent' (give "
				 "both levels the same)");
	cc.size = cfg->size;
	cc.ways = cfg->ways;
	cc.line = cfg->line;
	cc.word = cfg->word;
	cc.hit = cfg->hit;
	cc.clean = cfg->clean;
	cc.inval = cfg->inval;
	cc.flush = cfg->flush;
	cc.barrier = cfg->barrier;
	cc.snoop = cfg->snoop;
	cc.coherent = cfg->coherent;
	c = sys_alloc(sys, sizeof(*c), cache_fini_cb);
	if (!c)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	c->sys = sys;
	err = cache_init(&c->c, &sys->sim, &bus->bus, name, &cc);
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "cache '%s': size %llu, %u ways of "
				 "%u-byte lines: expected powers of two, size a "
				 "multiple of ways * line", name,
				 (unsigned long long)cfg->size, cfg->ways,
				 cfg->line);
	if (err)
		return sys_error(sys, err, "cache '%s': %s", name,
				 dmasim_strerror(err));
	if (next && cache_set_next(&c->c, &next->c))
		return sys_error(sys, DMASIM_EINVAL, "cache '%s': field "
				 "'next': cache '%s' cannot be this cache's next "
				 "level", name, next->c.name);
	c->cpu = cpu;
	/* Maintenance on a lower level runs on the CPU of the level above. */
	for (struct cache *l = next ? &next->c : NULL; cpu && l; l = l->next)
		((struct dmasim_cache *)l)->cpu = cpu;
	if (cpu) {
		cpu->cache = c;
		cache_wb_set_priority(&c->c, cpu->cpu.port.priority);
		cpu_set_mem_hook(&cpu->cpu, cache_cpu_hook(&c->c,
							    cpu->cpu.name));
		if (sys->san)
			san_watch_cache(sys->san, &c->c);
	}
	sys->ncaches++;
	if (out)
		*out = c;
	return 0;
}

int dmasim_cache_set_cacheable(struct dmasim_cache *c, uint64_t addr,
			       uint64_t len, bool cacheable)
{
	if (len > UINT64_MAX - CACHE_PAGE || ck_range(addr, len + CACHE_PAGE))
		return sys_error(c->sys, DMASIM_EINVAL, "cache '%s': range "
				 "[%#llx, +%llu): expected one that ends below "
				 "2^64 - 4KiB", c->c.name,
				 (unsigned long long)addr,
				 (unsigned long long)len);
	if (cache_set_cacheable(&c->c, addr, len, cacheable))
		return sys_error(c->sys, DMASIM_ERANGE, "cache '%s': more than "
				 "%d non-cacheable ranges", c->c.name,
				 CACHE_MAX_NC);
	return 0;
}

/* ---- DMA engines ---- */

void dmasim_dma_config_init(struct dmasim_dma_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base = 0x40000000ull;
	cfg->channels = 1;
	cfg->burst = 64;
	cfg->mode = DMASIM_MODE_CYCLE_STEALING;
}

static void dma_fini_cb(void *obj)
{
	dma_engine_fini(&((struct dmasim_dma *)obj)->eng);
}

static void dma_irq_to_cpu(void *ctx, unsigned line)
{
	cpu_raise_irq(ctx, line);
}

int dmasim_dma_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		   const struct dmasim_dma_config *cfg,
		   struct dmasim_dma **out)
{
	const char *what = "dma";
	struct dmasim_dma_config def;
	struct dma_config dc;
	struct dmasim_dma *d;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_dma_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "dma", sys->ndmas,
				 name, sizeof(name))))
		return err;
	if (cfg->irq && (err = sys_owns(sys, cfg->irq->sys, "the irq CPU")))
		return err;
	if (cfg->intc && (err = sys_owns(sys, cfg->intc->sys, "the intc")))
		return err;
	if (cfg->irq && cfg->intc)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': both irq (a "
				 "CPU) and intc: expected one place for its "
				 "interrupts", name);
	if (cfg->intc && cfg->irq_line + cfg->channels > cfg->intc->ic.nlines)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': irq_line %u + "
				 "%u channels: expected lines below %u of '%s'",
				 name, cfg->irq_line, cfg->channels,
				 cfg->intc->ic.nlines, cfg->intc->ic.name);
	if (!cfg->channels || cfg->channels > 64)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': channels %u: "
				 "expected 1 to 64", name, cfg->channels);
	if (!cfg->burst)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': burst 0: "
				 "expected 1 or more bytes", name);
	if (cfg->count_bits > 32)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': count_bits %u: "
				 "expected 1 to 32", name, cfg->count_bits);
	if (cfg->irq && cfg->irq_line + cfg->channels > CPU_IRQ_LINES)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': irq_line %u + "
				 "%u channels: expected lines below %d", name,
				 cfg->irq_line, cfg->channels, CPU_IRQ_LINES);
	if (!sys_mode_ok(cfg->mode))
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': unknown bus "
				 "mode %d", name, (int)cfg->mode);
	dc.channels = cfg->channels;
	dc.base = cfg->base;
	dc.reg_latency = cfg->reg_latency;
	dc.burst = cfg->burst;
	dc.desc_cycles = cfg->desc_cycles;
	dc.fence_cycles = cfg->fence_cycles;
	dc.count_bits = cfg->count_bits;
	dc.dreq_latency = cfg->dreq_latency;
	dc.dack_cycles = cfg->dack_cycles;
	dc.mode = sys_bus_mode[cfg->mode];
	dc.priority = cfg->priority;
	dc.atc = cfg->atc;
	if (cfg->atc > 4096)
		return sys_error(sys, DMASIM_EINVAL, "dma '%s': atc = %u: "
				 "expected 0 to 4096 entries", name, cfg->atc);
	d = sys_alloc(sys, sizeof(*d), dma_fini_cb);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	err = dma_engine_init(&d->eng, &sys->sim, &bus->bus, name, &dc);
	if (!err && sys->san) {	/* its reports say where a transfer began */
		d->eng.on_start = sys_dma_started;
		d->eng.start_ctx = sys;
	}
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "dma '%s': registers at %#llx "
				 "overlap another target", name,
				 (unsigned long long)cfg->base);
	if (err)
		return sys_error(sys, err, "dma '%s': %s", name,
				 dmasim_strerror(err));
	d->chan = sys_alloc(sys, cfg->channels * sizeof(*d->chan), NULL);
	if (!d->chan)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	for (unsigned i = 0; i < cfg->channels; i++) {
		d->chan[i].ch = &d->eng.chan[i];
		d->chan[i].dma = d;
	}
	if (cfg->irq) {
		d->eng.irq.raise = dma_irq_to_cpu;
		d->eng.irq.ctx = &cfg->irq->cpu;
		d->eng.irq.line = cfg->irq_line;
	} else if (cfg->intc) {
		d->eng.irq = intc_sink(&cfg->intc->ic, cfg->irq_line);
	}
	sys->ndmas++;
	if (out)
		*out = d;
	return 0;
}

uint64_t dmasim_dma_base(const struct dmasim_dma *dma)
{
	return dma->eng.regs.base;
}

unsigned dmasim_dma_channels(const struct dmasim_dma *dma)
{
	return dma->eng.nchan;
}

struct dmasim_channel *dmasim_dma_channel(struct dmasim_dma *dma, unsigned i)
{
	return i < dma->eng.nchan ? &dma->chan[i] : NULL;
}

void dmasim_channel_info(const struct dmasim_channel *c,
			 struct dmasim_channel_info *out)
{
	const struct dma_chan *ch = c->ch;

	memset(out, 0, sizeof(*out));
	out->name = ch->name;
	out->busy = dma_chan_busy(ch);
	out->done = ch->state == DMA_DONE;
	out->failed = ch->state == DMA_ERROR;
	out->status = ch->status;
	out->error = dma_error_string(DMA_STATUS_CODE(ch->status));
	out->started_at = ch->started_at;
	out->done_at = ch->done_at;
	out->bytes = ch->bytes;
	out->bursts = ch->bursts_done;
	out->transfers = ch->transfers;
	out->errors = ch->errors;
	out->desc_fetches = ch->desc_fetches;
	out->busy_cycles = ch->port.busy_cycles;
	out->wait_cycles = bus_master_wait_cycles(&ch->port);
	out->err_addr = ch->err_addr;
	out->err_desc = ch->err_desc;
}

/* ---- synthetic traffic ---- */

void dmasim_traffic_config_init(struct dmasim_traffic_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->access = 1;
	cfg->mode = DMASIM_MODE_CYCLE_STEALING;
}

int dmasim_traffic_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		       const struct dmasim_traffic_config *cfg,
		       struct dmasim_traffic **out)
{
	const char *what = "traffic";
	struct dmasim_traffic_config def;
	struct synth_config sc;
	struct dmasim_traffic *t;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_traffic_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "traffic",
				 sys->ntraffic, name, sizeof(name))))
		return err;
	if (cfg->clock_hz) {
		if ((err = sys_clock_ok(sys, name, cfg->clock_hz, &sc.period)))
			return err;
	} else {
		sc.period = bus->bus.clk.period;
	}
	if (!cfg->access)
		return sys_error(sys, DMASIM_EINVAL, "traffic '%s': access 0: "
				 "expected 1 or more bus cycles", name);
	if (cfg->count > UINT64_MAX / cfg->access)
		return sys_error(sys, DMASIM_EINVAL, "traffic '%s': count %llu "
				 "with access %llu: expected count * access "
				 "below 2^64 bus cycles", name,
				 (unsigned long long)cfg->count,
				 (unsigned long long)cfg->access);
	if (!sys_mode_ok(cfg->mode))
		return sys_error(sys, DMASIM_EINVAL, "traffic '%s': unknown "
				 "bus mode %d", name, (int)cfg->mode);
	sc.gap = cfg->compute;
	sc.hold = cfg->access;
	sc.count = cfg->count;
	t = sys_alloc(sys, sizeof(*t), NULL);
	if (!t)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	t->sys = sys;
	err = synth_init(&t->s, &sys->sim, &bus->bus, name, &sc,
			 sys_bus_mode[cfg->mode], cfg->priority);
	if (err)
		return sys_error(sys, err, "traffic '%s': %s", name,
				 dmasim_strerror(err));
	sys->ntraffic++;
	if (out)
		*out = t;
	return 0;
}

int dmasim_traffic_start(struct dmasim_traffic *t)
{
	if (synth_start(&t->s))
		return sys_error(t->sys, DMASIM_EINVAL, "traffic '%s' is "
				 "already running: expected it idle, done or "
				 "stopped", t->s.name);
	return 0;
}

void dmasim_traffic_stop(struct dmasim_traffic *t)
{
	synth_stop(&t->s);
}

void dmasim_traffic_info(const struct dmasim_traffic *t,
			 struct dmasim_traffic_info *out)
{
	const struct synth *s = &t->s;

	memset(out, 0, sizeof(*out));
	out->name = s->name;
	out->id = s->port.id;
	out->running = synth_running(s);
	out->done = s->state == SYNTH_DONE;
	out->stopped = s->state == SYNTH_STOPPED;
	out->accesses = synth_accesses(s);
	out->gap_cycles = s->gap_cycles;
	out->started_at = s->started_at;
	out->done_at = s->done_at;
	out->stopped_at = s->stopped_at;
	out->grants = s->port.grants;
	out->busy_cycles = s->port.busy_cycles;
	out->wait_cycles = bus_master_wait_cycles(&s->port);
	out->period = s->cfg.period;
}

/* ---- devices ---- */

void dmasim_device_config_init(struct dmasim_device_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base = DMASIM_DEFAULT;
	cfg->size = 1u << 20;
	cfg->seed = DMASIM_DEFAULT;
}

static void dev_fini_cb(void *obj)
{
	iodev_fini(&((struct dmasim_device *)obj)->dev);
}

int dmasim_device_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		      const struct dmasim_device_config *cfg,
		      struct dmasim_device **out)
{
	const char *what = "device";
	struct dmasim_device_config def;
	struct iodev_config ic;
	struct dmasim_device *d;
	char name[SYS_NAME_MAX];
	uint64_t base;
	int err;

	if (!cfg) {
		dmasim_device_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "dev", sys->ndevs,
				 name, sizeof(name))))
		return err;
	if (!cfg->size)
		return sys_error(sys, DMASIM_EINVAL, "device '%s': size 0: "
				 "expected 1 or more bytes", name);
	if (!(cfg->rate >= 0) || !isfinite(cfg->rate))
		return sys_error(sys, DMASIM_EINVAL, "device '%s': rate %g: "
				 "expected bytes/s >= 0 (0: unlimited)", name,
				 cfg->rate);
	base = cfg->base != DMASIM_DEFAULT ? cfg->base :
	       0x50000000ull + IODEV_WINDOW * (uint64_t)sys->ndevs;
	ic.output = cfg->output;
	ic.size = cfg->size;
	ic.rate = cfg->rate;
	ic.buffer = cfg->buffer ? cfg->buffer : cfg->size;
	ic.latency = cfg->latency;
	ic.seed = cfg->seed != DMASIM_DEFAULT ? cfg->seed : sys->ndevs + 1;
	ic.irq_unit = cfg->intc ? cfg->irq_unit : 0;
	ic.arrival = cfg->arrival == DMASIM_ARRIVAL_POISSON ? IODEV_POISSON :
		     cfg->arrival == DMASIM_ARRIVAL_TRACE ? IODEV_TRACE :
		     IODEV_RATE;
	ic.unit = cfg->unit;
	ic.trace = cfg->trace;
	ic.ntrace = cfg->ntrace;
	ic.fail_after = cfg->fail_after;
	if (ic.arrival != IODEV_RATE && !cfg->unit)
		return sys_error(sys, DMASIM_EINVAL, "device '%s': unit 0: "
				 "expected the bytes of each arrival", name);
	if (ic.arrival == IODEV_POISSON && !(cfg->rate > 0))
		return sys_error(sys, DMASIM_EINVAL, "device '%s': a Poisson "
				 "process needs a rate > 0 (its mean)", name);
	if (ic.arrival == IODEV_TRACE &&
	    cfg->ntrace < (cfg->size + cfg->unit - 1) / cfg->unit)
		return sys_error(sys, DMASIM_EINVAL, "device '%s': a trace of "
				 "%llu times: expected one per unit, %llu",
				 name, (unsigned long long)cfg->ntrace,
				 (unsigned long long)((cfg->size + cfg->unit -
						       1) / cfg->unit));
	for (uint64_t i = 1; ic.arrival == IODEV_TRACE && i < cfg->ntrace; i++)
		if (cfg->trace[i] < cfg->trace[i - 1])
			return sys_error(sys, DMASIM_EINVAL, "device '%s': "
					 "trace time %llu is before the one "
					 "ahead of it: expected them "
					 "non-decreasing", name,
					 (unsigned long long)i + 1);
	if (cfg->intc && (err = sys_owns(sys, cfg->intc->sys, "the intc")))
		return err;
	if (cfg->intc && cfg->irq_line >= cfg->intc->ic.nlines)
		return sys_error(sys, DMASIM_EINVAL, "device '%s': irq_line %u: "
				 "expected 0 to %u", name, cfg->irq_line,
				 cfg->intc->ic.nlines - 1);
	if (cfg->intc && !cfg->irq_unit)
		return sys_error(sys, DMASIM_EINVAL, "device '%s': an intc but "
				 "irq_unit 0: expected the bytes per "
				 "interrupt", name);
	d = sys_alloc(sys, sizeof(*d), dev_fini_cb);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	err = iodev_init(&d->dev, &sys->sim, &bus->bus, name, base, &ic);
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "device '%s': window at %#llx "
				 "overlaps another target", name,
				 (unsigned long long)base);
	if (err)
		return sys_error(sys, err, "device '%s': %s", name,
				 dmasim_strerror(err));
	if (cfg->intc)
		iodev_set_irq(&d->dev, intc_sink(&cfg->intc->ic,
						  cfg->irq_line));
	sys->ndevs++;
	if (out)
		*out = d;
	return 0;
}

uint64_t dmasim_device_data(const struct dmasim_device *dev)
{
	return dev->dev.tgt.base + IODEV_DATA;
}

static int dev_range(const struct dmasim_device *d, const char *fn,
		     uint64_t off, uint64_t len)
{
	if (off > d->dev.cfg.size || len > d->dev.cfg.size - off)
		return sys_error(d->sys, DMASIM_ERANGE, "%s: [%llu, +%llu) is "
				 "outside the device's %llu bytes", fn,
				 (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)d->dev.cfg.size);
	return 0;
}

int dmasim_device_expected(const struct dmasim_device *d, uint64_t off,
			   void *dst, uint64_t len)
{
	uint8_t *p = dst;
	int err = dev_range(d, "device:expected", off, len);

	if (err)
		return err;
	for (uint64_t i = 0; i < len; i++)
		p[i] = iodev_pattern(&d->dev, off + i);
	return 0;
}

int dmasim_device_received(const struct dmasim_device *d, uint64_t off,
			   void *dst, uint64_t len)
{
	int err;

	if (!d->dev.cfg.output)
		return sys_error(d->sys, DMASIM_EINVAL, "device:received: '%s' "
				 "is an input device", d->dev.name);
	err = dev_range(d, "device:received", off, len);
	if (!err)
		memcpy(dst, d->dev.received + off, len);
	return err;
}
