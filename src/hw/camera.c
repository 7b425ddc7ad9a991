/* camera: frames by DMA into a V4L2-style buffer ring.  See camera.h. */
#include "camera.h"

#include <assert.h>
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
	if (c->irq.raise)
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
	c->active = -1;
	snprintf(c->name, sizeof(c->name), "%s", name);
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
		      &c->bytes))
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
