/* ops: what a process does on a CPU (dmasim/machine.h): compute, loads
 * and stores, programmed I/O, cache maintenance, programming a DMA
 * channel.  Each operation is issued for the calling process, which waits
 * until it completes.  See process.h. */
#include <string.h>

#include "hw/dma.h"
#include "kernel/checked.h"
#include "kernel/util.h"
#include "process.h"

/* Refuse a computation whose own cycles (n at cpi on cpu's clock) would end
 * past the end of simulated time. */
static int compute_fits(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			const char *what, uint64_t n, double cpi)
{
	uint64_t end;

	if (ck_time_after_d(p->sys->sim.now, (double)n * cpi *
			    (double)cpu->cpu.clk.period, &end))
		return 0;
	return sys_error(p->sys, DMASIM_ERANGE, "%s of %llu cycles at cpi %g: "
			 "expected a duration that ends before the end of "
			 "simulated time (2^63 - 1 ps)", what,
			 (unsigned long long)n, cpi);
}

static struct cpu_op *op_first(struct dmasim_proc *p)
{
	p->op.nops = 1;
	return &p->op.op[0];
}

int dmasim_cpu_compute_at(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			  uint64_t n, double cpi, double mem_frac)
{
	int err;

	if (!(cpi >= 1e-3) || !(mem_frac >= 0 && mem_frac <= 1))
		return sys_error(p->sys, DMASIM_EINVAL, "compute: cpi %g, "
				 "mem_frac %g: expected cpi >= 0.001 and a "
				 "fraction from 0 to 1", cpi, mem_frac);
	if (!n)
		return 0;
	err = compute_fits(p, cpu, "compute", n, cpi);
	if (err)
		return err;
	cpu_op_compute(op_first(p), n, cpi, mem_frac);
	return sys_op_issue(p, cpu, "compute");
}

int dmasim_cpu_compute(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		       uint64_t n)
{
	return dmasim_cpu_compute_at(p, cpu, n, cpu->cpu.cfg.cpi,
				     cpu->cpu.cfg.mem_frac);
}

int dmasim_cpu_busy(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		    uint64_t cycles)
{
	int err;

	if (!cycles)
		return 0;
	err = compute_fits(p, cpu, "busy", cycles, 1.0);
	if (err)
		return err;
	cpu_op_compute(op_first(p), cycles, 1.0, 0.0);
	return sys_op_issue(p, cpu, "busy");
}

int dmasim_cpu_read(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		    uint64_t addr, unsigned bytes)
{
	if (!bytes || bytes > 8)
		return sys_error(p->sys, DMASIM_EINVAL, "read of %u bytes: "
				 "expected 1 to 8", bytes);
	cpu_op_xact(op_first(p), addr, p->op.word[0], bytes, false);
	return sys_op_issue(p, cpu, "read");
}

int dmasim_cpu_write(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		     uint64_t addr, uint64_t value, unsigned bytes)
{
	if (!bytes || bytes > 8)
		return sys_error(p->sys, DMASIM_EINVAL, "write of %u bytes: "
				 "expected 1 to 8", bytes);
	cpu_op_xact(op_first(p), addr, p->op.word[0], bytes, true);
	util_le_put(p->op.word[0], value, bytes);
	if (p->sys->gpus)
		sys_gpu_host_store(p->sys, addr, bytes);
	return sys_op_issue(p, cpu, "write");
}

int dmasim_cpu_load(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		    uint64_t addr, void *buf, uint64_t len)
{
	if (!len || !buf)
		return sys_error(p->sys, DMASIM_EINVAL, "load of %llu bytes: "
				 "expected a buffer of 1 or more bytes",
				 (unsigned long long)len);
	cpu_op_xact(op_first(p), addr, buf, len, false);
	return sys_op_issue(p, cpu, "load");
}

int dmasim_cpu_store(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		     uint64_t addr, const void *buf, uint64_t len)
{
	if (!len || !buf)
		return sys_error(p->sys, DMASIM_EINVAL, "store of %llu bytes: "
				 "expected a buffer of 1 or more bytes",
				 (unsigned long long)len);
	cpu_op_xact(op_first(p), addr, (void *)(uintptr_t)buf, len, true);
	if (p->sys->gpus)
		sys_gpu_host_store(p->sys, addr, len);
	return sys_op_issue(p, cpu, "store");
}

int dmasim_cpu_pio(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		   uint64_t reg, uint64_t mem, uint64_t len, bool to_device)
{
	struct cpu_op *op = op_first(p);

	if (!len)
		return sys_error(p->sys, DMASIM_EINVAL, "programmed I/O of 0 "
				 "bytes: expected a length above 0");
	cpu_op_pio(op, reg, mem, len, to_device);
	op->cpi = cpu->cpu.cfg.cpi;
	return sys_op_issue(p, cpu, to_device ? "pio_write" : "pio_read");
}

/* ---- cache maintenance ---- */

static void maint_resume(void *ctx)
{
	cpu_call_resume(ctx);
}

/*
 * Maintenance by range as the CPU runs it, one step per call: the lines
 * up to the next one written back (their per-line cycles), then the
 * barrier, which parks the CPU until the write-back buffers drain, then
 * its own cycles.
 */
void sys_maint_call(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct dmasim_cache *c = p->op.u.maint.c;
	struct cache_walk *w = &p->op.u.maint.walk;
	struct cpu_op *op = &p->op.op[0];
	uint64_t cycles = 0;
	enum cache_walk_step st;

	if (!p->op.u.maint.walking) {
		if (cache_walk_begin(w, &c->c, p->op.u.maint.op,
				     p->op.u.maint.addr, p->op.u.maint.len)) {
			cache_walk_end(w);
			sys_error(p->sys, DMASIM_ENOMEM, "cache '%s': no host "
				  "memory for a maintenance operation",
				  c->c.name);
			sys_fail(p->sys, DMASIM_ENOMEM, p->sys->err);
			return;
		}
		p->op.u.maint.walking = true;
		if (c->c.watch.maint)
			c->c.watch.maint(c->c.watch.ctx, &c->c,
					 p->op.u.maint.op, p->op.u.maint.addr,
					 p->op.u.maint.len);
	}
	while ((st = cache_walk_step(w, &cycles)) == CACHE_WALK_CYCLES &&
	       !cycles)
		;
	switch (st) {
	case CACHE_WALK_CYCLES:
		cost->cpu = cycles;
		op->again = true;
		break;
	case CACHE_WALK_WAIT:
		op->again = true;
		op->park = cache_wb_wait(&c->c, maint_resume, &c->cpu->cpu);
		break;
	case CACHE_WALK_DONE:
		cache_walk_end(w);
		p->op.u.maint.walking = false;
		break;
	}
}

int dmasim_cache_maint(struct dmasim_proc *p, struct dmasim_cache *c,
		       enum dmasim_cache_op op, uint64_t addr, uint64_t len)
{
	static const enum cache_op ops[] = {
		[DMASIM_CACHE_CLEAN] = CACHE_CLEAN,
		[DMASIM_CACHE_INVALIDATE] = CACHE_INVAL,
		[DMASIM_CACHE_FLUSH] = CACHE_FLUSH,
	};
	int err = sys_owns(p->sys, c->sys, "the cache");

	if (err)
		return err;
	if ((unsigned)op > DMASIM_CACHE_FLUSH)
		return sys_error(p->sys, DMASIM_EINVAL, "cache maintenance %d: "
				 "expected clean, invalidate or flush",
				 (int)op);
	if (!c->cpu)
		return sys_error(p->sys, DMASIM_EINVAL, "cache '%s' has no CPU "
				 "(give it one, or make it another cache's "
				 "next)", c->c.name);
	if (ck_range(addr, len))
		return sys_error(p->sys, DMASIM_EINVAL, "cache maintenance of "
				 "[%#llx, +%llu): expected a range that ends "
				 "below 2^64", (unsigned long long)addr,
				 (unsigned long long)len);
	p->op.call = sys_maint_call;
	p->op.u.maint.walking = false;
	p->op.u.maint.c = c;
	p->op.u.maint.op = ops[op];
	p->op.u.maint.addr = addr;
	p->op.u.maint.len = len;
	return sys_call_issue(p, c->cpu, "cache maintenance");
}

/* ---- a DMA channel, programmed as a driver does ---- */

static uint64_t chan_reg(const struct dmasim_channel *ch, unsigned reg);

int dmasim_dma_program(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		       struct dmasim_channel *ch, uint64_t src, uint64_t dst,
		       uint32_t len, unsigned flags, bool irq)
{
	struct sys_op *o = &p->op;
	uint64_t base;
	uint32_t ctrl = DMA_CTRL_START;
	int err = sys_owns(p->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	base = chan_reg(ch, 0);
	if (irq)
		ctrl |= DMA_CTRL_IRQ_EN;
	if (flags & DMASIM_DMA_SRC_FIXED)
		ctrl |= DMA_CTRL_SRC_FIXED;
	if (flags & DMASIM_DMA_DST_FIXED)
		ctrl |= DMA_CTRL_DST_FIXED;
	if (flags & DMASIM_DMA_FLYBY)
		ctrl |= DMA_CTRL_FLYBY;
	cpu_op_xact(&o->op[0], base + DMA_REG_SRC_LO, o->word[0], 8, true);
	util_le_put(o->word[0], src, 8);
	cpu_op_xact(&o->op[1], base + DMA_REG_DST_LO, o->word[1], 8, true);
	util_le_put(o->word[1], dst, 8);
	cpu_op_xact(&o->op[2], base + DMA_REG_LEN, o->word[2], 4, true);
	util_le_put(o->word[2], len, 4);
	cpu_op_xact(&o->op[3], base + DMA_REG_CTRL, o->word[3], 4, true);
	util_le_put(o->word[3], ctrl, 4);
	o->nops = 4;
	return sys_op_issue(p, cpu, "dma program");
}

static uint64_t chan_reg(const struct dmasim_channel *ch, unsigned reg)
{
	return ch->dma->eng.regs.base + ch->ch->index * DMA_CH_STRIDE + reg;
}

int dmasim_dma_read_status(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			   struct dmasim_channel *ch)
{
	int err = sys_owns(p->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	return dmasim_cpu_read(p, cpu, chan_reg(ch, DMA_REG_STATUS), 4);
}

int dmasim_dma_ack(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		   struct dmasim_channel *ch, uint32_t bits)
{
	int err = sys_owns(p->sys, ch->dma->sys, "the channel");

	if (err)
		return err;
	return dmasim_cpu_write(p, cpu, chan_reg(ch, DMA_REG_STATUS),
				bits & (DMA_STATUS_DONE | DMA_STATUS_ERROR), 4);
}
