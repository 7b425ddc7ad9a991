/* camera: frames by DMA into a V4L2-style buffer ring.  See camera.h. */
#include "camera.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kernel/base.h"
#include "kernel/util.h"

uint8_t camera_pattern(const struct camera *c, uint64_t seq, uint64_t off)
{
	uint64_t x;

	if (off < 8)
		return (uint8_t)(seq >> (8 * off));
	x = (seq * 0x9e3779b97f4a7c15ull + off + 1) * 0xbf58476d1ce4e5b9ull ^
	    c->cfg.seed;
	x ^= x >> 31;
	x *= 0x94d049bb133111ebull;
	return (uint8_t)(x >> 56);
}

static uint64_t line_bytes(const struct camera *c)
{
	return c->cfg.frame / c->cfg.lines;
}

/* ps at which line i of the active frame is read out: the frame's lines
 * share its period with a vertical blanking of lines / 24 + 1 lines
 * (1080 active lines of 1126, near CEA-861's 1125 total), so the last
 * line is out before the next frame begins. */
static uint64_t line_ready(const struct camera *c, uint32_t i)
{
	uint64_t total = (uint64_t)c->cfg.lines + c->cfg.lines / 24 + 1;

	return c->astart + (uint64_t)(((unsigned __int128)c->cfg.period *
				       (i + 1)) / total);
}

static void camera_line_event(struct sim *sim, struct event *ev);
static void camera_xact_done(struct xact *x);

static void camera_write_piece(struct camera *c)
{
	uint64_t lb = line_bytes(c);
	uint64_t off = (uint64_t)c->line * lb + c->piece;
	uint32_t n = (uint32_t)(lb - c->piece < c->cfg.burst ?
				lb - c->piece : c->cfg.burst);

	for (uint32_t k = 0; k < n; k++)
		c->linebuf[k] = camera_pattern(c, c->aseq, off + k);
	xact_init(&c->x, c->buf[c->active].addr + off, c->linebuf, n, true,
		  &c->port, camera_xact_done, c);
	xact_start(&c->port, &c->x);
}

/* The next line is due: write it now or when it is read out. */
static void camera_next_line(struct camera *c)
{
	uint64_t t = line_ready(c, c->line);

	if (t <= c->sim->now) {
		camera_write_piece(c);
		return;
	}
	if (!sim_at(c->sim, t, PHASE_REQUEST, camera_line_event, c, NULL, 0))
		assert(!"out of event memory");
}

static void camera_line_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	camera_write_piece(ev->obj);
}

static void camera_xact_done(struct xact *x)
{
	struct camera *c = x->ctx;
	struct camera_buf *b = &c->buf[c->active];
	unsigned d;

	if (c->line < c->cfg.lines) {
		c->bytes += x->len;
		c->piece += (uint32_t)x->len;
	}
	if (c->line < c->cfg.lines && c->piece < line_bytes(c)) {
		camera_write_piece(c);
		return;
	}
	c->piece = 0;
	if (c->line < c->cfg.lines && ++c->line < c->cfg.lines) {
		camera_next_line(c);
		return;
	}
	if (c->line == c->cfg.lines) {
		/* a read behind the posted writes: done when they have
		 * landed (PCIe orders the interrupt after the data) */
		c->line++;
		xact_init(&c->x, b->addr, c->linebuf, 8, false, &c->port,
			  camera_xact_done, c);
		xact_start(&c->port, &c->x);
		return;
	}
	/* the frame is in: the buffer is done */
	b->state = CAMERA_DONE;
	b->seq = c->aseq;
	b->at = c->sim->now;
	d = (c->dhead + c->ndone) % CAMERA_MAX_BUFS;
	c->donefifo[d] = (unsigned)c->active;
	c->ndone++;
	c->active = -1;
	c->captured++;
	if (c->frame_done)
		c->frame_done(c->frame_ctx);
	c->icr |= CAMERA_INT_FRAME;
	if ((c->ims & CAMERA_INT_FRAME) && c->irq.raise)
		c->irq.raise(c->irq.ctx, c->irq.line);
	assert(camera_check(c));
}

static void camera_frame(struct sim *sim, struct event *ev)
{
	struct camera *c = ev->obj;
	uint64_t seq = c->next_frame++;
	unsigned i;

	(void)sim;
	if (c->next_frame < c->cfg.frames &&
	    !sim_at(c->sim, c->start + c->next_frame * c->cfg.period,
		    PHASE_REQUEST, camera_frame, c, NULL, 0))
		assert(!"out of event memory");
	if (c->active >= 0) {
		c->overruns++;
		return;
	}
#ifdef DMASIM_MUTATE_CAMERA_WAITS_FOR_BUFFER
	/* broken on purpose: a frame that finds no queued buffer is not
	 * dropped; the sensor waits a period and tries it again */
	if (!c->nqueued) {
		if (c->next_frame >= c->cfg.frames &&
		    !sim_at(c->sim, c->sim->now + c->cfg.period,
			    PHASE_REQUEST, camera_frame, c, NULL, 0))
			assert(!"out of event memory");
		c->next_frame--;
		c->start += c->cfg.period;
		return;
	}
#elif defined(DMASIM_MUTATE_CAMERA_RING_ONE_SHORT)
	/* broken on purpose: the ring's last queued buffer is never used
	 * (one slot kept empty, as a ring that tells full from empty by its
	 * indices alone): a frame finding one queued buffer is dropped */
	if (c->nqueued <= 1) {
		c->drops++;
		return;
	}
#else
	if (!c->nqueued) {
		c->drops++;
		return;
	}
#endif
	i = c->queued[c->qhead];
	c->qhead = (c->qhead + 1) % CAMERA_MAX_BUFS;
	c->nqueued--;
	c->buf[i].state = CAMERA_ACTIVE;
	c->active = (int)i;
	c->aseq = seq;
	c->astart = c->sim->now;
	c->line = 0;
	c->piece = 0;
	if (c->watch.buffer)
		c->watch.buffer(c->watch.ctx, c, i, true);
	camera_next_line(c);
}

void camera_streamon(struct camera *c)
{
	if (c->streaming || !c->cfg.frames)
		return;
	c->streaming = true;
	c->start = c->sim->now;
	if (!sim_at(c->sim, c->start, PHASE_REQUEST, camera_frame, c, NULL, 0))
		assert(!"out of event memory");
}

int camera_set_buffer(struct camera *c, unsigned i, uint64_t addr,
		      uint64_t len)
{
	if (i >= c->cfg.nbufs || c->buf[i].state != CAMERA_APP ||
	    len < c->cfg.frame)
		return DMASIM_EINVAL;
	c->buf[i].addr = addr;
	c->buf[i].len = len;
	return 0;
}

int camera_qbuf(struct camera *c, unsigned i)
{
	if (i >= c->cfg.nbufs || c->buf[i].state != CAMERA_APP ||
	    !c->buf[i].len)
		return DMASIM_EINVAL;
	c->buf[i].state = CAMERA_QUEUED;
	c->queued[(c->qhead + c->nqueued) % CAMERA_MAX_BUFS] = i;
	c->nqueued++;
	if (c->watch.buffer)
		c->watch.buffer(c->watch.ctx, c, i, false);
	return 0;
}

int camera_dqbuf(struct camera *c)
{
	unsigned i;

	if (!c->ndone)
		return -1;
	i = c->donefifo[c->dhead];
	c->dhead = (c->dhead + 1) % CAMERA_MAX_BUFS;
	c->ndone--;
	c->buf[i].state = CAMERA_APP;
	return (int)i;
}

/* ---- registers ---- */

/* The buffer a table offset names (its ADDR, ADDR + 4 or LEN), or -1. */
static int buf_reg(const struct camera *c, uint64_t off)
{
	uint64_t i = (off - CAMERA_BUFTAB) / 16, r = (off - CAMERA_BUFTAB) % 16;

	if (off < CAMERA_BUFTAB || i >= c->cfg.nbufs || r > 8)
		return -1;
	return (int)i;
}

static bool reg_ok(const struct camera *c, uint64_t off, uint64_t len,
		   bool write)
{
	if (len == 8)
		return buf_reg(c, off) >= 0 && (off - CAMERA_BUFTAB) % 16 == 0;
	if (len != 4 || off % 4)
		return false;
	switch (off) {
	case CAMERA_CTRL: case CAMERA_IMS: case CAMERA_ICR:
		return true;
	case CAMERA_QBUF:
		return write;
	case CAMERA_DQBUF: case CAMERA_FRAMES: case CAMERA_CAPTURED:
	case CAMERA_DROPS: case CAMERA_OVERRUNS:
		return !write;
	}
	return buf_reg(c, off) >= 0;
}

/* VIDIOC_DQBUF by a register read: pops the oldest done buffer. */
static uint32_t reg_dqbuf(struct camera *c)
{
#ifdef DMASIM_MUTATE_CAMERA_DQBUF_STALE
	/* broken on purpose: the register shows the oldest done buffer but
	 * the read does not pop it, so the next read sees the same entry */
	int i = c->ndone ? (int)c->donefifo[c->dhead] : -1;
#else
	int i = camera_dqbuf(c);
#endif

	if (i < 0)
		return 0;
	return CAMERA_DQ_VALID | (uint32_t)i << 24 |
	       ((uint32_t)c->buf[i].seq & CAMERA_DQ_SEQ_MASK);
}

static uint64_t reg_read(struct camera *c, uint64_t off)
{
	int i = buf_reg(c, off);

	switch (off) {
	case CAMERA_CTRL: return c->streaming;
	case CAMERA_IMS: return c->ims;
	case CAMERA_ICR: return c->icr;
	case CAMERA_DQBUF: return reg_dqbuf(c);
	case CAMERA_FRAMES: return (uint32_t)c->next_frame;
	case CAMERA_CAPTURED: return (uint32_t)c->captured;
	case CAMERA_DROPS: return (uint32_t)c->drops;
	case CAMERA_OVERRUNS: return (uint32_t)c->overruns;
	}
	if (i < 0)
		return 0;	/* refused before (reg_ok) */
	switch ((off - CAMERA_BUFTAB) % 16) {
	case 0: return c->buf[i].addr;
	case 4: return c->buf[i].addr >> 32;
	}
	return c->buf[i].len;
}

/* A write of the buffer table; false when refused. */
static bool buf_write(struct camera *c, uint64_t off, uint64_t len,
		      uint64_t v)
{
	int i = buf_reg(c, off);
	struct camera_buf *b;

	if (i < 0 || c->buf[i].state != CAMERA_APP)
		return false;
	b = &c->buf[i];
	switch ((off - CAMERA_BUFTAB) % 16) {
	case 0:
		b->addr = len == 8 ? v : (b->addr & ~0xffffffffull) | v;
		return true;
	case 4:
		b->addr = (b->addr & 0xffffffffull) | v << 32;
		return true;
	}
	if (v < c->cfg.frame)
		return false;
	b->len = v;
	return true;
}

static bool reg_write(struct camera *c, uint64_t off, uint64_t len,
		      uint64_t v)
{
	switch (off) {
	case CAMERA_CTRL:
		if (v & ~(uint64_t)CAMERA_CTRL_STREAMON)
			return false;
		if (v)
			camera_streamon(c);
		return true;
	case CAMERA_IMS:
		if (v & ~(uint64_t)CAMERA_INT_FRAME)
			return false;
		if (v & ~c->ims & c->icr && c->irq.raise)
			c->irq.raise(c->irq.ctx, c->irq.line);
		c->ims = (uint32_t)v;
		return true;
	case CAMERA_ICR:
		c->icr &= ~(uint32_t)v;
		return true;
	case CAMERA_QBUF:
		return v < c->cfg.nbufs && camera_qbuf(c, (unsigned)v) == 0;
	}
	return buf_write(c, off, len, v);
}

static uint64_t camera_cycles(struct bus_target *t, uint64_t off,
			      uint64_t len, bool write)
{
	struct camera *c = (struct camera *)((char *)t -
					     offsetof(struct camera, tgt));

	(void)off;
	(void)write;
	return bus_beats(c->bus, len);
}

static int camera_access(struct bus_target *t, uint64_t off, void *data,
			 uint64_t len, bool write)
{
	struct camera *c = (struct camera *)((char *)t -
					     offsetof(struct camera, tgt));

	if (!reg_ok(c, off, len, write)) {
		c->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	if (!write) {
		util_le_put(data, reg_read(c, off), (unsigned)len);
		return 0;
	}
	if (!reg_write(c, off, len, util_le_get(data, (unsigned)len))) {
		c->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	assert(camera_check(c));
	return 0;
}

static const struct bus_target_ops camera_tgt_ops = {
	.cycles = camera_cycles,
	.access = camera_access,
};

int camera_map(struct camera *c, uint64_t base)
{
	return bus_map(c->bus, &c->tgt, base, CAMERA_WINDOW);
}

/* ---- set-up ---- */

static void camera_released(struct bus_master *m, uint64_t cycles)
{
	(void)cycles;
	xact_released(&((struct camera *)m)->x);
}

static const struct bus_master_ops camera_port_ops = {
	.released = camera_released,
};

const char *camera_config_check(const struct camera_config *cfg)
{
	if (!cfg->frame)
		return "frame size 0: expected 1 or more bytes";
	if (!cfg->lines || cfg->frame % cfg->lines)
		return "lines: expected a count that divides the frame size";
	if (cfg->frame / cfg->lines > CAMERA_MAX_LINE)
		return "line longer than 65536 bytes: expected more lines";
	if (!cfg->period)
		return "rate: expected frames/s > 0";
	if (!cfg->burst)
		return "burst: expected 1 or more bytes";
	if (!cfg->nbufs || cfg->nbufs > CAMERA_MAX_BUFS)
		return "buffers: expected 1 to 32";
	return NULL;
}

int camera_init(struct camera *c, struct sim *sim, struct bus *bus,
		const char *name, const struct camera_config *cfg)
{
	int err;

	if (camera_config_check(cfg))
		return DMASIM_EINVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->sim = sim;
	c->bus = bus;
	c->active = -1;
	c->ims = CAMERA_INT_FRAME;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->tgt.ops = &camera_tgt_ops;
	c->tgt.name = c->name;
	err = bus_attach(bus, &c->port, name, &camera_port_ops,
			 BUS_MODE_BURST, 0);
	if (err)
		return err;
	c->port.io = true;	/* snoopers see its memory writes */
	if (stats_add(&sim->stats, c->name, "captured", STAT_COUNTER, "",
		      &c->captured) ||
	    stats_add(&sim->stats, c->name, "drops", STAT_COUNTER, "",
		      &c->drops) ||
	    stats_add(&sim->stats, c->name, "overruns", STAT_COUNTER, "",
		      &c->overruns) ||
	    stats_add(&sim->stats, c->name, "bytes", STAT_COUNTER, "bytes",
		      &c->bytes) ||
	    stats_add(&sim->stats, c->name, "guest_errors", STAT_COUNTER, "",
		      &c->guest_errors))
		return DMASIM_ENOMEM;
	return 0;
}

bool camera_check(const struct camera *c)
{
	unsigned q = 0, d = 0, a = 0;

	for (unsigned i = 0; i < c->cfg.nbufs; i++) {
		q += c->buf[i].state == CAMERA_QUEUED;
		d += c->buf[i].state == CAMERA_DONE;
		a += c->buf[i].state == CAMERA_ACTIVE;
	}
	return q == c->nqueued && d == c->ndone && a == (c->active >= 0) &&
	       c->captured + c->drops + c->overruns + a == c->next_frame;
}
