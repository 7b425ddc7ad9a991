/* iommu_qi: an IOMMU's invalidation queue.  See iommu_qi.h. */
#include "iommu_qi.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "iommu.h"
#include "kernel/base.h"
#include "kernel/util.h"

static void fetch(struct iommu_qi *q);

/* The descriptor at head is done: on to the next. */
static void next(struct iommu_qi *q)
{
	q->head = (q->head + 1) % q->size;
	fetch(q);
}

static void status_done(struct xact *x)
{
	struct iommu_qi *q = x->ctx;

	if (x->status)
		q->errors++;
	next(q);
}

/* A device-TLB invalidation request written (posted): now the device's
 * completion at ICMP lets the queue go on. */
static void devtlb_sent(struct xact *x)
{
	struct iommu_qi *q = x->ctx;

	if (x->status) {
		q->errors++;
		q->devtlb = false;
		next(q);
	}
}

static void fetched(struct xact *x)
{
	struct iommu_qi *q = x->ctx;
	uint32_t type = (uint32_t)util_le_get(q->desc, 4);
	uint32_t dom = (uint32_t)util_le_get(q->desc + 4, 4);
	uint64_t addr = util_le_get(q->desc + 8, 8);
	uint64_t len = util_le_get(q->desc + 16, 8);

	q->descriptors++;
	if (x->status) {
		q->errors++;
		next(q);
		return;
	}
	switch (type) {
	case IOMMU_QI_RANGE:
	case IOMMU_QI_DOMAIN:
		if (dom >= IOMMU_MAX_DOMAINS) {
			q->errors++;
			break;
		}
		iommu_invalidate(q->io, (int)dom, addr,
				 type == IOMMU_QI_RANGE ? (len ? len : 1) : 0);
		break;
	case IOMMU_QI_GLOBAL:
		iommu_invalidate(q->io, -1, 0, 0);
		break;
	case IOMMU_QI_DEVTLB:
		q->devtlbs++;
		q->devtlb = true;
		q->devtlb_at = q->io->sim->now;
		util_le_put(q->msg, addr, 8);
		util_le_put(q->msg + 8, len, 8);
		util_le_put(q->msg + 16, q->regs.base + IOMMU_QI_ICMP, 8);
		xact_init(&q->x, util_le_get(q->desc + 24, 8), q->msg,
			  ATS_INV_SIZE, true, &q->port, devtlb_sent, q);
		xact_start(&q->port, &q->x);
		return;
	case IOMMU_QI_WAIT:
		/* everything before it is done (one at a time): report */
		q->waits++;
		util_le_put(q->status, dom, 4);
		xact_init(&q->x, addr, q->status, 4, true, &q->port,
			  status_done, q);
		xact_start(&q->port, &q->x);
		return;
	default:
		q->errors++;
		break;
	}
	next(q);
}

static void fetch(struct iommu_qi *q)
{
	if (q->head == q->tail) {
		q->busy = false;
		return;
	}
	q->busy = true;
	xact_init(&q->x, q->base + (uint64_t)q->head * IOMMU_QI_DESC, q->desc,
		  IOMMU_QI_DESC, false, &q->port, fetched, q);
	xact_start(&q->port, &q->x);
}

/* ---- registers ---- */

static uint64_t regs_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			    bool write)
{
	(void)off;
	(void)len;
	(void)write;
	return ((struct iommu_qi *)t)->reg_cycles;
}

static uint32_t reg_read(const struct iommu_qi *q, uint64_t off)
{
	switch (off) {
	case IOMMU_QI_IQA: return (uint32_t)q->base;
	case IOMMU_QI_IQA + 4: return (uint32_t)(q->base >> 32);
	case IOMMU_QI_IQS: return q->size;
	case IOMMU_QI_IQT: return q->tail;
	case IOMMU_QI_IQH: return q->head;
	case IOMMU_QI_IQE: return (uint32_t)q->errors;
	}
	return 0;
}

static void reg_write(struct iommu_qi *q, uint64_t off, uint32_t v)
{
	switch (off) {
	case IOMMU_QI_IQA:
		q->base = (q->base & ~0xffffffffull) | (v & ~31u);
		break;
	case IOMMU_QI_IQA + 4:
		q->base = (q->base & 0xffffffffull) | (uint64_t)v << 32;
		break;
	case IOMMU_QI_IQS:
		q->size = v;
		q->head = q->tail = 0;
		break;
	case IOMMU_QI_ICMP:
		/* a device's completion: the queue goes on */
		if (q->devtlb) {
			q->devtlb = false;
			q->devtlb_ps += q->io->sim->now - q->devtlb_at;
			next(q);
		} else {
			q->errors++;
		}
		break;
	case IOMMU_QI_IQT:
		if (!q->size || v >= q->size) {
			q->errors++;
			break;
		}
		q->tail = v;
		if (!q->busy)
			fetch(q);
		break;
	}
}

static int regs_access(struct bus_target *t, uint64_t off, void *data,
		       uint64_t len, bool write)
{
	struct iommu_qi *q = (struct iommu_qi *)t;
	uint8_t *p = data;

	if ((len != 4 && len != 8) || off % 4)
		return BUS_ERR_SLAVE;
	for (uint64_t k = 0; k < len; k += 4) {
		if (write)
			reg_write(q, off + k, (uint32_t)util_le_get(p + k, 4));
		else
			util_le_put(p + k, reg_read(q, off + k), 4);
	}
	return 0;
}

static const struct bus_target_ops regs_ops = {
	.cycles = regs_cycles,
	.access = regs_access,
};

/* ---- its bus port ---- */

static void port_released(struct bus_master *m, uint64_t cycles)
{
	struct iommu_qi *q = (struct iommu_qi *)((char *)m -
						 offsetof(struct iommu_qi,
							  port));

	(void)cycles;
	xact_released(&q->x);
}

static const struct bus_master_ops port_ops = {
	.released = port_released,
};

int iommu_qi_init(struct iommu_qi *q, struct iommu *io, uint64_t base,
		  uint64_t reg_cycles)
{
	struct {
		const char *n;
		uint64_t *v;
	} st[] = {
		{ "qi_descriptors", &q->descriptors }, { "qi_waits", &q->waits },
		{ "qi_errors", &q->errors }, { "qi_devtlbs", &q->devtlbs },
	};
	struct bus *far = io->side->far;
	int err;

	memset(q, 0, sizeof(*q));
	q->io = io;
	q->reg_cycles = reg_cycles;
	snprintf(q->name, sizeof(q->name), "%s.qi", io->name);
	q->regs.ops = &regs_ops;
	q->regs.name = q->name;
	err = bus_attach(far, &q->port, q->name, &port_ops, BUS_MODE_BURST,
			 io->br->cfg.priority);
	if (err)
		return err;
	q->port.io = true;
	err = bus_map(far, &q->regs, base, IOMMU_QI_REGS);
	if (err)
		return err;
	io->msg_base = base;		/* completions come here */
	io->msg_size = IOMMU_QI_REGS;
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (stats_add(&io->sim->stats, io->name, st[i].n, STAT_COUNTER,
			      "", st[i].v))
			return DMASIM_ENOMEM;
	if (stats_add(&io->sim->stats, io->name, "qi_devtlb_ps", STAT_COUNTER,
		      "ps", &q->devtlb_ps))
		return DMASIM_ENOMEM;
	return 0;
}
