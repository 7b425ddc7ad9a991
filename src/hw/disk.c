/* disk: an NVMe-like block controller with a flash or rotating media.
 * See disk.h. */
#include "disk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/stats.h"
#include "kernel/util.h"

#define DISK_CHUNKS_PER_REGION (1u << (30 - DISK_CHUNK_SHIFT))

/* What the transaction in flight is for. */
enum { XW_NONE, XW_FETCH, XW_PRPLIST, XW_DATA, XW_CQE };

static void disk_fetch(struct disk *d);
static void disk_post(struct disk *d);
static void data_next(struct disk *d);

/* ---- backing store ---- */

static uint8_t *chunk_of(struct disk *d, uint64_t off, bool alloc)
{
	uint64_t r = off >> 30;
	uint64_t c = (off >> DISK_CHUNK_SHIFT) & (DISK_CHUNKS_PER_REGION - 1);

	if (!d->region[r]) {
		if (!alloc)
			return NULL;
		d->region[r] = dm_calloc(DISK_CHUNKS_PER_REGION,
				      sizeof(*d->region[r]));
		if (!d->region[r])
			return NULL;
	}
	if (!d->region[r][c] && alloc) {
		d->region[r][c] = dm_calloc(1, DISK_CHUNK);
		if (d->region[r][c])
			d->chunks++;
	}
	return d->region[r][c];
}

int disk_image_read(struct disk *d, uint64_t off, void *dst, uint64_t len)
{
	uint8_t *p = dst;

	if (off > d->cfg.size || len > d->cfg.size - off)
		return DMASIM_ERANGE;
	while (len) {
		uint64_t in = off & (DISK_CHUNK - 1);
		uint64_t n = DISK_CHUNK - in < len ? DISK_CHUNK - in : len;
		uint8_t *c = chunk_of(d, off, false);

		if (c)
			memcpy(p, c + in, n);
		else
			memset(p, 0, n);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int disk_image_write(struct disk *d, uint64_t off, const void *src,
		     uint64_t len)
{
	const uint8_t *p = src;

	if (off > d->cfg.size || len > d->cfg.size - off)
		return DMASIM_ERANGE;
	while (len) {
		uint64_t in = off & (DISK_CHUNK - 1);
		uint64_t n = DISK_CHUNK - in < len ? DISK_CHUNK - in : len;
		uint8_t *c = chunk_of(d, off, true);

		if (!c)
			return DMASIM_ENOMEM;
		memcpy(c + in, p, n);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* ---- the media ---- */

/* Whole ps, rounded up, but a value within rounding error of a whole ps
 * is that ps (4096 B at 1 GB/s is 4,096,000 ps, not one more). */
static uint64_t ps_of(double seconds)
{
	double v = seconds * 1e12, r = nearbyint(v);

	if (fabs(v - r) <= 0.01)
		return (uint64_t)r;
	return (uint64_t)ceil(v);
}

uint64_t disk_media_ps(struct disk *d, uint64_t lba, uint64_t nbytes,
		       uint64_t at)
{
	const struct disk_config *c = &d->cfg;
	uint64_t t = c->latency, rev, seek, track, tracks, spt, nsec, dist;
	double xfer;

	if (c->kind == DISK_NVME)
		return t + (c->bandwidth > 0 ? ps_of((double)nbytes /
						     c->bandwidth) : 0);
	rev = ps_of(60.0 / c->rpm);
	spt = c->sectors_per_track ? c->sectors_per_track : 1;
	nsec = (nbytes + c->block - 1) / c->block;
	track = lba / spt;
	tracks = c->size / c->block / spt;
	if (!tracks)
		tracks = 1;
	dist = track > d->head_track ? track - d->head_track :
	       d->head_track - track;
	if (dist)
		d->seeks++;
	xfer = c->bandwidth > 0 ? (double)nbytes / c->bandwidth :
	       (double)nsec / (double)spt * (double)rev / 1e12;
	d->head_track = (lba + (nsec ? nsec - 1 : 0)) / spt;
	if (!c->positional)
		return t + c->seek + rev / 2 + ps_of(xfer);
	seek = dist ? c->seek_min + (uint64_t)((double)(c->seek - c->seek_min)
					       * 3.0 * (double)dist /
					       (double)tracks) : 0;
	t += seek;
	{
		/* The platter turns from angle 0 at time 0; the sector's
		 * start passes under the head at (lba mod spt) / spt of a
		 * revolution. */
		uint64_t sector_at = (uint64_t)((double)(lba % spt) /
						 (double)spt * (double)rev);
		uint64_t pos = (at + t) % rev;

		t += (sector_at + rev - pos) % rev;
	}
	return t + ps_of(xfer);
}

/* ---- transactions ---- */

static void disk_xact_done(struct xact *x);

static void disk_xact(struct disk *d, int what, uint64_t addr, void *data,
		      uint64_t len, bool write)
{
	d->xwhat = what;
	xact_init(&d->x, addr, data, len, write, &d->port, disk_xact_done, d);
	xact_start(&d->port, &d->x);
}

static void disk_released(struct bus_master *m, uint64_t cycles)
{
	struct disk *d = (struct disk *)((char *)m -
					 offsetof(struct disk, port));

	(void)cycles;
	xact_released(&d->x);
}

static const struct bus_master_ops disk_port_ops = {
	.released = disk_released,
};

static void disk_fail(struct disk *d)
{
	d->state = DISK_FAILED;
	d->csts |= DISK_CSTS_CFS;
}

static void raise_irq(struct disk *d)
{
	if (!d->irq_due)
		return;
	d->irq_due = 0;
	d->irqs++;
	if (d->irq.raise)
		d->irq.raise(d->irq.ctx, d->irq.line);
}

/* ---- commands ---- */

void disk_cmd_build(uint8_t *cmd, uint8_t opcode, uint16_t cid, uint64_t prp1,
		    uint64_t prp2, uint64_t lba, uint32_t nblocks)
{
	memset(cmd, 0, DISK_CMD_SIZE);
	cmd[0] = opcode;
	util_le_put(cmd + 2, cid, 2);
	util_le_put(cmd + 24, prp1, 8);
	util_le_put(cmd + 32, prp2, 8);
	util_le_put(cmd + 40, lba, 8);
	util_le_put(cmd + 48, nblocks ? nblocks - 1 : 0, 2);
}

static void media_done(struct sim *sim, struct event *ev)
{
	struct disk *d = ev->obj;
	int err;

	(void)sim;
	d->ev.ev = NULL;
	if (d->state != DISK_MEDIA)
		return;
	if (d->opcode == DISK_OP_READ) {
		disk_image_read(d, d->lba * d->cfg.block, d->buf, d->nbytes);
		d->state = DISK_DATA;
		d->seg = 0;
		d->seg_off = 0;
		data_next(d);
		return;
	}
	err = disk_image_write(d, d->lba * d->cfg.block, d->buf, d->nbytes);
	if (err) {
		d->sim->host_err = err;
		d->sc = DISK_SC_XFER_ERROR;
	} else {
		d->bytes_written += d->nbytes;
	}
	disk_post(d);
}

static void media_start(struct disk *d)
{
	uint64_t t = disk_media_ps(d, d->lba, d->nbytes, d->sim->now);
	struct event *ev;

	d->state = DISK_MEDIA;
	d->media_ps += t;
	ev = sim_after(d->sim, t, PHASE_REQUEST, media_done, d, NULL, 0);
	if (!ev) {
		sim_host_oom(d->sim);
		return;
	}
	d->ev = evq_handle(ev);
}

/* The command's PRPs are known: a read runs the media first, a write
 * gathers its data first. */
static void prps_ready(struct disk *d)
{
	if (d->opcode == DISK_OP_READ) {
		media_start(d);
		return;
	}
	d->state = DISK_DATA;
	d->seg = 0;
	d->seg_off = 0;
	data_next(d);
}

static void data_next(struct disk *d)
{
	uint64_t addr, len;

	if (d->seg_off >= d->nbytes) {
		if (d->opcode == DISK_OP_READ) {
			d->bytes_read += d->nbytes;
			disk_post(d);
		} else {
			media_start(d);
		}
		return;
	}
	addr = d->prp[d->seg];
	len = DISK_PAGE - (addr & (DISK_PAGE - 1));
	if (len > d->nbytes - d->seg_off)
		len = d->nbytes - d->seg_off;
	disk_xact(d, XW_DATA, addr, d->buf + d->seg_off, len,
		  d->opcode == DISK_OP_READ);
}

/* Decode the fetched command; an invalid one completes with its status. */
static void decode(struct disk *d)
{
	const uint8_t *c = d->cmd;
	uint64_t prp1, prp2, first, rest, n;
	uint32_t nblocks;

	d->opcode = c[0];
	d->cid = (uint16_t)util_le_get(c + 2, 2);
	d->sc = DISK_SC_OK;
	d->nbytes = 0;
	d->commands++;
	if (d->opcode == DISK_OP_FLUSH) {
		d->flushes++;
		disk_post(d);
		return;
	}
	if (d->opcode != DISK_OP_READ && d->opcode != DISK_OP_WRITE) {
		d->sc = DISK_SC_BAD_OPCODE;
		disk_post(d);
		return;
	}
	if (d->opcode == DISK_OP_READ)
		d->reads++;
	else
		d->writes++;
	prp1 = util_le_get(c + 24, 8);
	prp2 = util_le_get(c + 32, 8);
	d->lba = util_le_get(c + 40, 8);
	nblocks = (uint32_t)util_le_get(c + 48, 2) + 1;
	d->nbytes = (uint64_t)nblocks * d->cfg.block;
	if (d->lba >= d->cfg.size / d->cfg.block ||
	    nblocks > d->cfg.size / d->cfg.block - d->lba) {
		d->sc = DISK_SC_LBA_RANGE;
		disk_post(d);
		return;
	}
	if (d->nbytes > DISK_MAX_XFER || (prp1 & 3)) {
		d->sc = DISK_SC_BAD_FIELD;
		disk_post(d);
		return;
	}
	d->prp[0] = prp1;
	d->nprp = 1;
	first = DISK_PAGE - (prp1 & (DISK_PAGE - 1));
	rest = d->nbytes > first ? d->nbytes - first : 0;
	if (!rest) {
		prps_ready(d);
		return;
	}
	n = (rest + DISK_PAGE - 1) / DISK_PAGE;
	if (n == 1) {
		if (prp2 & (DISK_PAGE - 1)) {
			d->sc = DISK_SC_BAD_FIELD;
			disk_post(d);
			return;
		}
		d->prp[1] = prp2;
		d->nprp = 2;
		prps_ready(d);
		return;
	}
	/* A PRP list: one page of entries (no chaining here). */
	if ((prp2 & 7) || (prp2 & (DISK_PAGE - 1)) + n * 8 > DISK_PAGE) {
		d->sc = DISK_SC_BAD_FIELD;
		disk_post(d);
		return;
	}
	d->nprp = (uint32_t)(n + 1);
	d->state = DISK_PRPLIST;
	disk_xact(d, XW_PRPLIST, prp2, d->buf, n * 8, false);
}

static void disk_xact_done(struct xact *x)
{
	struct disk *d = x->ctx;
	int what = d->xwhat;

	d->xwhat = XW_NONE;
	if (d->state == DISK_OFF || d->state == DISK_FAILED)
		return;		/* reset while it was in flight */
	switch (what) {
	case XW_FETCH:
		if (x->status) {
			disk_fail(d);
			return;
		}
		d->fetches++;
		d->sq_head = (d->sq_head + 1) % d->sq_n;
		decode(d);
		return;
	case XW_PRPLIST:
		if (x->status) {
			d->sc = DISK_SC_XFER_ERROR;
			disk_post(d);
			return;
		}
		for (uint32_t i = 1; i < d->nprp; i++) {
			d->prp[i] = util_le_get(d->buf + (i - 1) * 8, 8);
			if (d->prp[i] & (DISK_PAGE - 1)) {
				d->sc = DISK_SC_BAD_FIELD;
				disk_post(d);
				return;
			}
		}
		prps_ready(d);
		return;
	case XW_DATA:
		if (x->status) {
			d->sc = DISK_SC_XFER_ERROR;
			disk_post(d);
			return;
		}
		d->dma_xacts++;
		d->dma_bytes += x->len;
		d->seg_off += x->len;
		d->seg++;
		data_next(d);
		return;
	case XW_CQE:
		if (x->status) {
			disk_fail(d);
			return;
		}
		d->cqes++;
		d->cq_tail = (d->cq_tail + 1) % d->cq_n;
		if (!d->cq_tail)
			d->phase ^= 1;
		if (++d->irq_due >= d->cfg.coalesce)
			raise_irq(d);
		disk_fetch(d);
		return;
	default:
		return;
	}
}

/* Write the completion entry of the command in flight. */
static void disk_post(struct disk *d)
{
	uint8_t *e = d->cqe;

	if (d->sc)
		d->errors++;
	if ((d->cq_tail + 1) % d->cq_n == d->cq_head) {
		d->state = DISK_WAIT_CQ;	/* full: the host must consume */
		raise_irq(d);
		return;
	}
	memset(e, 0, DISK_CQE_SIZE);
	util_le_put(e + 8, d->sq_head, 2);
	util_le_put(e + 12, d->cid, 2);
	util_le_put(e + 14, (uint64_t)(d->sc << 1 | d->phase), 2);
	d->state = DISK_CQE;
	disk_xact(d, XW_CQE, d->acq + (uint64_t)d->cq_tail * DISK_CQE_SIZE, e,
		  DISK_CQE_SIZE, true);
}

/* Fetch the next command, or go idle (signalling what is due). */
static void disk_fetch(struct disk *d)
{
	if (d->sq_head == d->sq_tail) {
		d->state = DISK_IDLE;
		raise_irq(d);
		return;
	}
	d->state = DISK_FETCH;
	disk_xact(d, XW_FETCH, d->asq + (uint64_t)d->sq_head * DISK_CMD_SIZE,
		  d->cmd, DISK_CMD_SIZE, false);
}

static void kick_event(struct sim *sim, struct event *ev)
{
	struct disk *d = ev->obj;

	(void)sim;
	d->ev.ev = NULL;
	if (d->state == DISK_IDLE)
		disk_fetch(d);
	else if (d->state == DISK_WAIT_CQ)
		disk_post(d);
}

/* A doorbell: act in a later event, not inside the CPU's transaction. */
static void disk_kick(struct disk *d)
{
	struct event *ev;

	if ((d->state != DISK_IDLE && d->state != DISK_WAIT_CQ) || d->ev.ev)
		return;
	ev = sim_after(d->sim, 0, PHASE_REQUEST, kick_event, d, NULL, 0);
	if (!ev) {
		sim_host_oom(d->sim);
		return;
	}
	d->ev = evq_handle(ev);
}

/* ---- registers ---- */

static void disk_enable(struct disk *d, bool on)
{
	if (d->ev.ev) {
		evq_cancel(&d->sim->q, d->ev);
		d->ev.ev = NULL;
	}
	d->sq_head = d->sq_tail = d->cq_head = d->cq_tail = 0;
	d->irq_due = 0;
	d->phase = 1;
	if (on && d->xwhat != XW_NONE) {
		/* re-enabled with its last transaction still in flight */
		d->state = DISK_FAILED;
		d->csts = DISK_CSTS_CFS;
		return;
	}
	if (!on) {
		d->state = DISK_OFF;
		d->csts = 0;
		return;
	}
	d->sq_n = (d->aqa & 0xfff) + 1;
	d->cq_n = ((d->aqa >> 16) & 0xfff) + 1;
	if (d->sq_n < 2 || d->cq_n < 2 || d->sq_n > d->cfg.queue ||
	    d->cq_n > d->cfg.queue || (d->asq & (DISK_CMD_SIZE - 1)) ||
	    (d->acq & (DISK_CQE_SIZE - 1))) {
		d->state = DISK_FAILED;	/* a controller refusing to start */
		d->csts = DISK_CSTS_CFS;
		return;
	}
	d->state = DISK_IDLE;
	d->csts = DISK_CSTS_RDY;
}

static uint64_t reg_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	struct disk *d = (struct disk *)t;

	(void)off;
	(void)write;
	return d->reg_cycles + bus_beats(d->bus, len);
}

static int reg_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct disk *d = (struct disk *)t;
	uint8_t *p = data;
	uint64_t v = write ? util_le_get(p, (unsigned)(len > 8 ? 8 : len)) : 0;
	bool wide = off == DISK_CAP || off == DISK_ASQ || off == DISK_ACQ;

	if (len != 4 && !(len == 8 && wide))
		goto bad;
	switch (off) {
	case DISK_CAP:
		if (write)
			goto bad;
		util_le_put(p, d->cfg.queue - 1, (unsigned)len);
		return 0;
	case DISK_VS:
		if (write)
			goto bad;
		util_le_put(p, 0x00010400, 4);
		return 0;
	case DISK_CC:
		if (!write) {
			util_le_put(p, d->cc, 4);
			return 0;
		}
		if ((v & 1) != (d->cc & 1))
			disk_enable(d, v & 1);
		d->cc = (uint32_t)v;
		return 0;
	case DISK_CSTS:
		if (write)
			goto bad;
		util_le_put(p, d->csts, 4);
		return 0;
	case DISK_AQA:
		if (write)
			d->aqa = (uint32_t)v;
		else
			util_le_put(p, d->aqa, 4);
		return 0;
	case DISK_ASQ:
	case DISK_ASQ + 4:
	case DISK_ACQ:
	case DISK_ACQ + 4: {
		uint64_t *r = off < DISK_ACQ ? &d->asq : &d->acq;
		unsigned sh = (off & 4) ? 32 : 0;

		if (write) {
			if (len == 8)
				*r = v;
			else
				*r = (*r & ~(0xffffffffull << sh)) | v << sh;
		} else {
			util_le_put(p, *r >> sh, (unsigned)len);
		}
		return 0;
	}
	case DISK_SQTDBL:
		if (!write || d->state == DISK_OFF || v >= d->sq_n)
			goto bad;
		d->doorbells++;
		d->sq_tail = (uint32_t)v;
		disk_kick(d);
		return 0;
	case DISK_CQHDBL:
		if (!write || d->state == DISK_OFF || v >= d->cq_n)
			goto bad;
		d->doorbells++;
		d->cq_head = (uint32_t)v;
		disk_kick(d);
		return 0;
	default:
		break;
	}
bad:
	d->bad_regs++;
	if (!write)
		memset(p, 0, len);
	return BUS_ERR_SLAVE;
}

static const struct bus_target_ops disk_reg_ops = {
	.cycles = reg_cycles,
	.access = reg_access,
};

/* ---- life ---- */

static bool cfg_ok(const struct disk_config *c)
{
	if (!c->size || c->block < 512 || c->block > DISK_PAGE ||
	    (c->block & (c->block - 1)) || c->size % c->block ||
	    c->queue < 2 || c->queue > 4096 || !c->coalesce ||
	    !(c->bandwidth >= 0) || !isfinite(c->bandwidth))
		return false;
	if (c->kind == DISK_ROTATING) {
		if (!(c->rpm > 0) || !isfinite(c->rpm))
			return false;
		if ((c->positional || !(c->bandwidth > 0)) &&
		    !c->sectors_per_track)
			return false;
		if (c->positional && c->seek < c->seek_min)
			return false;
	}
	return c->kind == DISK_NVME || c->kind == DISK_ROTATING;
}

int disk_init(struct disk *d, struct sim *sim, struct bus *bus,
	      const char *name, uint64_t base, const struct disk_config *cfg,
	      int priority)
{
	uint64_t period = bus->clk.period;
	char sub[48];
	int err;

	if (!cfg_ok(cfg))
		return DMASIM_EINVAL;
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->sim = sim;
	d->bus = bus;
	d->state = DISK_OFF;
	d->phase = 1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->reg_cycles = (cfg->reg_latency + period - 1) / period;
	d->nregions = (cfg->size + (1ull << 30) - 1) >> 30;
	d->region = dm_calloc(d->nregions, sizeof(*d->region));
	d->buf = dm_malloc(DISK_MAX_XFER);
	if (!d->region || !d->buf)
		return DMASIM_ENOMEM;
	d->tgt.ops = &disk_reg_ops;
	d->tgt.name = d->name;
	err = bus_map(bus, &d->tgt, base, DISK_WINDOW);
	if (err)
		return err;
	snprintf(sub, sizeof(sub), "%s", name);
	err = bus_attach(bus, &d->port, sub, &disk_port_ops, BUS_MODE_BURST,
			 priority);
	if (err)
		return err;
	d->port.io = true;	/* snoopers see its memory accesses */
#define DISK_STAT(field, unit)                                              \
	stats_add(&sim->stats, d->name, #field, STAT_COUNTER, unit, &d->field)
	if (DISK_STAT(commands, "") || DISK_STAT(reads, "") ||
	    DISK_STAT(writes, "") || DISK_STAT(errors, "") ||
	    DISK_STAT(bytes_read, "bytes") ||
	    DISK_STAT(bytes_written, "bytes") || DISK_STAT(dma_xacts, "") ||
	    DISK_STAT(dma_bytes, "bytes") || DISK_STAT(irqs, "") ||
	    DISK_STAT(doorbells, "") || DISK_STAT(media_ps, "ps") ||
	    (cfg->kind == DISK_ROTATING && DISK_STAT(seeks, "")))
		return DMASIM_ENOMEM;
#undef DISK_STAT
	return 0;
}

void disk_fini(struct disk *d)
{
	for (uint64_t r = 0; d->region && r < d->nregions; r++) {
		if (!d->region[r])
			continue;
		for (unsigned c = 0; c < DISK_CHUNKS_PER_REGION; c++)
			dm_free(d->region[r][c]);
		dm_free(d->region[r]);
	}
	dm_free(d->region);
	dm_free(d->buf);
	d->region = NULL;
	d->buf = NULL;
}

bool disk_check(const struct disk *d)
{
	if (d->state == DISK_OFF)
		return true;
	if (d->state == DISK_FAILED)
		return (d->csts & DISK_CSTS_CFS) != 0;
	return d->sq_head < d->sq_n && d->sq_tail < d->sq_n &&
	       d->cq_head < d->cq_n && d->cq_tail < d->cq_n && d->phase <= 1 &&
	       (d->csts & DISK_CSTS_RDY);
}
