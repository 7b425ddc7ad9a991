/*
 * netdrv: a NIC's receive driver, run as processes on a CPU
 * (dmasim/machine.h).  Every step it takes is a CPU operation: register
 * writes across the NIC's bus, descriptor reads and refills in memory,
 * and fixed per-frame work in cycles.
 *
 * NAPI (Linux's New API; its default weight, the budget, is 64 frames):
 *   interrupt  mask the NIC's receive interrupt (IMS = 0), schedule the
 *              poll.
 *   poll       up to `budget` frames: read the descriptor's status, stop
 *              at one the NIC has not written back (DD clear), else
 *              rx_cycles + deliver_cycles of work, refill it (buffer
 *              address, status cleared); then hand the refilled
 *              descriptors back (RDT).  A poll that used its whole budget
 *              polls again; one that did less re-enables the interrupt.
 * Without NAPI (an interrupt per frame, moderation off):
 *   interrupt  every frame written back: rx_cycles, queued to a backlog
 *              of `backlog` frames (dropped when it is full), refilled;
 *              RDT once at the end.
 *   thread     takes frames from the backlog at deliver_cycles each,
 *              pre-empted by every interrupt: past the CPU's capacity the
 *              interrupts leave it no time and delivery collapses (Mogul
 *              and Ramakrishnan, "Eliminating receive livelock in an
 *              interrupt-driven kernel", ACM TOCS 15(3), 1997).
 * Set-up: RDBA, RDLEN, every descriptor written with its buffer, RDT =
 * ring - 1 (one slot kept empty), IMS, CTRL.RXEN, a read of CTRL (the
 * posted writes have landed, as readl after writel); then the NIC's
 * source starts.  The driver is written against the public machine API,
 * as a C program's driver would be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nic.h"
#include "kernel/alloc.h"

#define DRV_RX NIC_INT_RX

void dmasim_netdrv_config_init(struct dmasim_netdrv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ring = 256;
	cfg->napi = true;
	cfg->budget = 64;
	cfg->rx_cycles = 1000;
	cfg->backlog = 1000;
	cfg->verify = true;
}

static uint64_t desc_addr(const struct dmasim_netdrv *d, uint32_t i)
{
	return d->cfg.ring_base + (uint64_t)i * NIC_DESC;
}

static uint64_t buf_addr(const struct dmasim_netdrv *d, uint32_t i)
{
	return d->cfg.buf_base + (uint64_t)i * d->nic->n.cfg.buf_size;
}

/* Untimed check of the frame in descriptor i (a test's eye, no cost). */
static void drv_verify(struct dmasim_netdrv *d, uint32_t i, uint64_t lenst)
{
	uint32_t len = (uint32_t)(lenst & 0xffff);
	const struct bus *bus = d->cfg.cpu->cpu.port.bus;
	struct bus_target *t;
	uint64_t off, seq;

	d->info.delivered_bytes += len;
	if (!d->cfg.verify)
		return;
	t = len > NIC_MAX_FRAME || len < 12 ? NULL :
	    bus_resolve(bus, buf_addr(d, i), len, &off, NULL);
	if (!t || t->ops->access(t, off, d->got, len, false)) {
		d->info.bad_frames++;
		return;
	}
	seq = 0;
	for (int k = 7; k >= 0; k--)
		seq = seq << 8 | d->got[k];
	nic_packet(&d->nic->n, seq, d->frame, len);
	if (memcmp(d->frame, d->got, len) || seq >= d->nic->n.sent)
		d->info.bad_frames++;
}

static bool desc_done(const struct dmasim_proc *p)
{
	return (dmasim_proc_result(p)->value >> 32) & NIC_STA_DD;
}

/* ---- set-up ---- */

static void drv_setup(struct dmasim_proc *p, void *ctx)
{
	struct dmasim_netdrv *d = ctx;
	struct dmasim_cpu *cpu = d->cfg.cpu;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_RDBA,
					 d->cfg.ring_base, 8));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_RDLEN,
					 d->cfg.ring, 4));
	for (d->i = 0; d->i < d->cfg.ring; d->i++) {
		DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, desc_addr(d, d->i),
						 buf_addr(d, d->i), 8));
		DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, desc_addr(d, d->i) + 8,
						 0, 8));
	}
	d->tail = d->cfg.ring - 1;
	DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_RDT, d->tail,
					 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_IMS, DRV_RX,
					 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_CTRL,
					 NIC_CTRL_RXEN, 4));
	/* read back: the posted writes have landed (as readl after writel) */
	DMASIM_AWAIT(p, dmasim_cpu_read(p, cpu, d->regs + NIC_CTRL, 4));
	d->info.ready_at = dmasim_sys_now(d->sys);
	nic_start(&d->nic->n);
	DMASIM_PROC_END(p);
}

/* ---- NAPI ---- */

static void napi_irq(struct dmasim_proc *p, void *ctx)
{
	struct dmasim_netdrv *d = ctx;

	DMASIM_PROC_BEGIN(p);
	d->info.irqs++;
	DMASIM_AWAIT(p, dmasim_cpu_write(p, d->cfg.cpu, d->regs + NIC_IMS, 0,
					 4));
	DMASIM_AWAIT(p, dmasim_complete(d->work));
	DMASIM_PROC_END(p);
}

static void napi_poll(struct dmasim_proc *p, void *ctx)
{
	struct dmasim_netdrv *d = ctx;
	struct dmasim_cpu *cpu = d->cfg.cpu;

	DMASIM_PROC_BEGIN(p);
	for (;;) {
		DMASIM_AWAIT(p, dmasim_wait_completion(p, d->work));
		do {
			d->info.polls++;
			for (d->done = 0; d->done < d->cfg.budget; d->done++) {
				DMASIM_AWAIT(p, dmasim_cpu_read(p, cpu,
					desc_addr(d, d->next) + 8, 8));
				if (!desc_done(p))
					break;
				drv_verify(d, d->next,
					   dmasim_proc_result(p)->value);
				DMASIM_AWAIT(p, dmasim_cpu_busy(p, cpu,
					d->cfg.rx_cycles +
					d->cfg.deliver_cycles));
				d->info.delivered++;
				d->info.last_at = dmasim_sys_now(d->sys);
				DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu,
					desc_addr(d, d->next),
					buf_addr(d, d->next), 8));
				DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu,
					desc_addr(d, d->next) + 8, 0, 8));
				d->next = (d->next + 1) % d->cfg.ring;
			}
			if (d->done) {
				d->tail = (d->tail + d->done) % d->cfg.ring;
				DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu,
					d->regs + NIC_RDT, d->tail, 4));
			}
			if (d->done == d->cfg.budget)
				d->info.budget_exhausted++;
		} while (d->done == d->cfg.budget);
		/* napi_complete_done: the interrupt back on */
		DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_IMS,
						 DRV_RX, 4));
	}
	DMASIM_PROC_END(p);
}

/* ---- an interrupt per frame, a backlog, a delivery thread ---- */

static void pkt_irq(struct dmasim_proc *p, void *ctx)
{
	struct dmasim_netdrv *d = ctx;
	struct dmasim_cpu *cpu = d->cfg.cpu;

	DMASIM_PROC_BEGIN(p);
	d->info.irqs++;
	for (d->irq_done = 0;; d->irq_done++) {
		DMASIM_AWAIT(p, dmasim_cpu_read(p, cpu,
						desc_addr(d, d->next) + 8, 8));
		if (!desc_done(p))
			break;
		drv_verify(d, d->next, dmasim_proc_result(p)->value);
#ifdef DMASIM_MUTATE_NETDRV_RX_CYCLES_PER_IRQ
		/* broken on purpose: the handler's rx_cycles charged once an
		 * interrupt, not for every frame it takes */
		if (!d->irq_done)
#endif
		DMASIM_AWAIT(p, dmasim_cpu_busy(p, cpu, d->cfg.rx_cycles));
		if (d->backlog_len < d->cfg.backlog) {
			d->backlog_len++;
			DMASIM_AWAIT(p, dmasim_complete(d->work));
		} else {
			d->info.backlog_drops++;
		}
		DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, desc_addr(d, d->next),
						 buf_addr(d, d->next), 8));
		DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu,
						 desc_addr(d, d->next) + 8, 0,
						 8));
		d->next = (d->next + 1) % d->cfg.ring;
	}
	if (d->irq_done) {
		d->tail = (d->tail + d->irq_done) % d->cfg.ring;
		DMASIM_AWAIT(p, dmasim_cpu_write(p, cpu, d->regs + NIC_RDT,
						 d->tail, 4));
	}
	DMASIM_PROC_END(p);
}

static void pkt_thread(struct dmasim_proc *p, void *ctx)
{
	struct dmasim_netdrv *d = ctx;

	DMASIM_PROC_BEGIN(p);
	for (;;) {
		DMASIM_AWAIT(p, dmasim_wait_completion(p, d->work));
		DMASIM_AWAIT(p, dmasim_cpu_busy(p, d->cfg.cpu,
						d->cfg.deliver_cycles));
		d->backlog_len--;
		d->info.delivered++;
		d->info.last_at = dmasim_sys_now(d->sys);
	}
	DMASIM_PROC_END(p);
}

/* ---- the component ---- */

static void drv_fini(void *obj)
{
	struct dmasim_netdrv *d = obj;

	dm_free(d->frame);
	dm_free(d->got);
}

int dmasim_netdrv_new(struct dmasim_sys *sys, struct dmasim_nic *nic,
		      const struct dmasim_netdrv_config *cfg,
		      struct dmasim_netdrv **out)
{
	struct dmasim_netdrv_config def;
	struct dmasim_netdrv *d;
	char name[SYS_NAME_MAX];
	unsigned line;
	int err;

	if (!cfg) {
		dmasim_netdrv_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_comp_name(sys, "netdrv", cfg->name, "netdrv",
				 sys->nnetdrvs, name, sizeof(name))))
		return err;
	if (!nic || (err = sys_owns(sys, nic->sys, "the nic")))
		return nic ? err : sys_error(sys, DMASIM_EINVAL, "netdrv '%s': "
					     "expected a nic", name);
	if (!cfg->cpu || (err = sys_owns(sys, cfg->cpu->sys, "the cpu")))
		return cfg->cpu ? err : sys_error(sys, DMASIM_EINVAL,
			"netdrv '%s': expected a cpu to run on", name);
	if (cfg->ring < 2 || cfg->ring > NIC_MAX_RING)
		return sys_error(sys, DMASIM_EINVAL, "netdrv '%s': ring %u: "
				 "expected 2 to %u descriptors", name,
				 cfg->ring, NIC_MAX_RING);
	if (cfg->ring_base % NIC_DESC)
		return sys_error(sys, DMASIM_EINVAL, "netdrv '%s': ring_base "
				 "%#llx: expected a multiple of 16", name,
				 (unsigned long long)cfg->ring_base);
	if (!cfg->budget)
		return sys_error(sys, DMASIM_EINVAL, "netdrv '%s': budget 0: "
				 "expected 1 or more frames per poll", name);
	if (!cfg->napi && !cfg->backlog)
		return sys_error(sys, DMASIM_EINVAL, "netdrv '%s': backlog 0: "
				 "expected 1 or more frames", name);
	if (!nic->n.irq.raise)
		return sys_error(sys, DMASIM_EINVAL, "netdrv '%s': nic '%s' "
				 "has no intc: expected its interrupts routed "
				 "to the cpu", name, nic->n.name);
	line = nic->n.irq.line;
	d = sys_alloc(sys, sizeof(*d), drv_fini);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->cfg = *cfg;
	d->sys = sys;
	d->nic = nic;
	d->regs = nic->n.tgt.base;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->frame = dm_malloc(NIC_MAX_FRAME);
	d->got = dm_malloc(NIC_MAX_FRAME);
	if (!d->frame || !d->got)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	if ((err = dmasim_completion_new(sys, &d->work)) ||
	    (err = dmasim_cpu_on_irq(cfg->cpu, line, cfg->napi ? napi_irq :
				     pkt_irq, d)) ||
	    (err = dmasim_spawn(sys, drv_setup, d, NULL)) ||
	    (err = dmasim_spawn(sys, cfg->napi ? napi_poll : pkt_thread, d,
				NULL)))
		return err;
	if (stats_add(&sys->sim.stats, d->name, "delivered", STAT_COUNTER, "",
		      &d->info.delivered) ||
	    stats_add(&sys->sim.stats, d->name, "bad_frames", STAT_COUNTER, "",
		      &d->info.bad_frames) ||
	    stats_add(&sys->sim.stats, d->name, "irqs", STAT_COUNTER, "",
		      &d->info.irqs) ||
	    stats_add(&sys->sim.stats, d->name, "polls", STAT_COUNTER, "",
		      &d->info.polls) ||
	    stats_add(&sys->sim.stats, d->name, "budget_exhausted",
		      STAT_COUNTER, "", &d->info.budget_exhausted) ||
	    stats_add(&sys->sim.stats, d->name, "backlog_drops", STAT_COUNTER,
		      "", &d->info.backlog_drops))
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	sys->nnetdrvs++;
	if (out)
		*out = d;
	return 0;
}

void dmasim_netdrv_info(const struct dmasim_netdrv *d,
			struct dmasim_netdrv_info *out)
{
	*out = d->info;
}
