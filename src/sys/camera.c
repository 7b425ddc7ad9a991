/*
 * camera (sys): cameras as components of a system (dmasim/machine.h), and
 * the sanitizer's pinning check of their buffers: a buffer is pinned when
 * every page of it that a memory manager (os/vm) manages is pinned, or
 * belongs to no address space (kernel memory never moves); memory no
 * manager manages never moves either.  See hw/camera.h for the device.
 */
#include <math.h>
#include <string.h>

#include "nic.h"
#include "os/vm.h"

/* Bytes per pixel in halves, by public format. */
static const unsigned pix_halves[] = { 3, 4, 6 };

void dmasim_camera_config_init(struct dmasim_camera_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->width = 1920;
	cfg->height = 1080;
	cfg->format = DMASIM_PIX_YUYV;
	cfg->fps = 60;
	cfg->buffers = 4;
	cfg->burst = 4096;
	cfg->seed = DMASIM_DEFAULT;
	cfg->base = DMASIM_DEFAULT;
}

/* Whether [pa, pa + len) is pinned, by the system's memory managers. */
static bool sys_pinned(const struct dmasim_sys *sys, uint64_t pa,
		       uint64_t len)
{
	unsigned nv = sys->nvms < 8 ? sys->nvms : 8;

	for (unsigned v = 0; v < nv; v++) {
		const struct frames *fr = &sys->vms[v]->fr;
		uint64_t lo = fr->base, hi = fr->base + (uint64_t)fr->n *
					    FRAME_SIZE;
		uint64_t a = pa > lo ? pa : lo;
		uint64_t b = pa + len < hi ? pa + len : hi;

		for (; a < b; a = (a / FRAME_SIZE + 1) * FRAME_SIZE) {
			const struct frame *f = &fr->f[(a - lo) / FRAME_SIZE];

			if (f->used && f->owner >= 0 && !f->pins)
				return false;
			if (!f->used)
				return false;	/* a free frame: anyone's */
		}
	}
	return true;
}

/* Queued: report a buffer not pinned.  Filling: report one that was
 * pinned when queued and is no longer (once per queueing). */
static void cam_watch(void *ctx, struct camera *c, unsigned idx,
		      bool filling)
{
	struct dmasim_camera *cam = ctx;
	struct dmasim_sys *sys = cam->sys;
	const struct camera_buf *b = &c->buf[idx];
	bool pinned;

	if (!sys->san)
		return;
	pinned = sys_pinned(sys, b->addr, c->cfg.frame);
	if (!filling) {
		cam->pinned[idx] = pinned;
		if (!pinned)
			san_ring_unpinned(sys->san, c->name, b->addr,
					  c->cfg.frame, false);
	} else if (cam->pinned[idx] && !pinned) {
		cam->pinned[idx] = false;
		san_ring_unpinned(sys->san, c->name, b->addr, c->cfg.frame,
				  true);
	}
}

static void cam_done(void *ctx)
{
	dmasim_complete(ctx);
}

int dmasim_camera_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		      const struct dmasim_camera_config *cfg,
		      struct dmasim_camera **out)
{
	const char *what = "camera", *bad;
	struct dmasim_camera_config def;
	struct camera_config cc;
	struct dmasim_camera *d;
	char name[SYS_NAME_MAX];
	uint64_t pixels;
	int err;

	if (!cfg) {
		dmasim_camera_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "camera", sys->ncameras,
				 name, sizeof(name))))
		return err;
	if (!cfg->width || !cfg->height || cfg->width > 65536 ||
	    cfg->height > 65536)
		return sys_error(sys, DMASIM_EINVAL, "camera '%s': %ux%u: "
				 "expected width and height of 1 to 65536 "
				 "pixels", name, cfg->width, cfg->height);
	if ((unsigned)cfg->format > DMASIM_PIX_RGB24)
		return sys_error(sys, DMASIM_EINVAL, "camera '%s': format %d: "
				 "expected nv12, yuyv or rgb24", name,
				 (int)cfg->format);
	if (!(cfg->fps > 0) || !isfinite(cfg->fps) || 1e12 / cfg->fps < 1)
		return sys_error(sys, DMASIM_EINVAL, "camera '%s': fps %g: "
				 "expected frames per second > 0", name,
				 cfg->fps);
	pixels = (uint64_t)cfg->width * cfg->height;
	memset(&cc, 0, sizeof(cc));
	cc.frame = pixels * pix_halves[cfg->format] / 2;
#ifdef DMASIM_MUTATE_CAMERA_FORMAT_IGNORED
	/* broken on purpose: the pixel format ignored, every frame sized as
	 * the default YUYV (2 bytes a pixel) */
	cc.frame = pixels * 2;
#endif
	cc.lines = cfg->height;
	if (cfg->format == DMASIM_PIX_NV12 && cc.frame % cc.lines)
		cc.lines = 1;
	cc.period = (uint64_t)llround(1e12 / cfg->fps);
	cc.frames = cfg->frames;
	cc.burst = cfg->burst;
	cc.seed = cfg->seed != DMASIM_DEFAULT ? cfg->seed : sys->ncameras + 1;
	cc.nbufs = cfg->buffers;
	if ((bad = camera_config_check(&cc)))
		return sys_error(sys, DMASIM_EINVAL, "camera '%s': %s", name,
				 bad);
	if ((err = sys_irq_check(sys, "camera", name, cfg->intc,
				 cfg->irq_line, cfg->msi)))
		return err;
	if (cfg->done && (err = sys_owns(sys, cfg->done->sys,
					 "the completion")))
		return err;
	d = sys_alloc(sys, sizeof(*d), NULL);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	err = camera_init(&d->c, &sys->sim, &bus->bus, name, &cc);
	if (err)
		return sys_error(sys, err, "camera '%s': %s", name,
				 dmasim_strerror(err));
	if (cfg->base != DMASIM_DEFAULT &&
	    (err = camera_map(&d->c, cfg->base)))
		return sys_error(sys, DMASIM_EINVAL, "camera '%s': base %#llx: "
				 "%s", name, (unsigned long long)cfg->base,
				 err == DMASIM_EINVAL ? "expected a 4 KiB "
				 "window on its bus that overlaps no other "
				 "target" : "its bus has no room for another "
				 "target");
	if ((err = sys_irq_sink(sys, name, &bus->bus, cfg->intc,
				cfg->irq_line, cfg->msi, &d->msi, &d->c.irq)))
		return err;
	if (cfg->done) {
		d->c.frame_done = cam_done;
		d->c.frame_ctx = cfg->done;
	}
	d->c.watch.buffer = cam_watch;
	d->c.watch.ctx = d;
	if (sys->san)
		san_use(sys->san);
	sys->ncameras++;
	if (out)
		*out = d;
	return 0;
}

int dmasim_camera_buffer(struct dmasim_camera *cam, unsigned i,
			 uint64_t addr, uint64_t len)
{
	const struct camera *c = &cam->c;

	if (i >= c->cfg.nbufs)
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:buffer: "
				 "index %u: expected 0 to %u", i,
				 c->cfg.nbufs - 1);
	if (len < c->cfg.frame)
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:buffer: "
				 "%llu bytes: expected at least a frame, %llu",
				 (unsigned long long)len,
				 (unsigned long long)c->cfg.frame);
	if (addr + len < addr)
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:buffer: "
				 "[%#llx, +%llu) wraps past 2^64",
				 (unsigned long long)addr,
				 (unsigned long long)len);
	if (camera_set_buffer(&cam->c, i, addr, len))
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:buffer: "
				 "buffer %u is queued: expected one the "
				 "application holds", i);
	return 0;
}

int dmasim_camera_qbuf(struct dmasim_camera *cam, unsigned i)
{
	const struct camera *c = &cam->c;

	if (i >= c->cfg.nbufs)
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:qbuf: index "
				 "%u: expected 0 to %u", i, c->cfg.nbufs - 1);
	if (!c->buf[i].len)
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:qbuf: buffer "
				 "%u has no address: expected camera:buffer() "
				 "first", i);
	if (camera_qbuf(&cam->c, i))
		return sys_error(cam->sys, DMASIM_EINVAL, "camera:qbuf: buffer "
				 "%u is already queued: expected one the "
				 "application holds (dequeued)", i);
	return 0;
}

int dmasim_camera_dqbuf(struct dmasim_camera *cam, uint64_t *seq,
			uint64_t *at)
{
	int i = camera_dqbuf(&cam->c);

	if (i < 0)
		return DMASIM_ERANGE;
	if (seq)
		*seq = cam->c.buf[i].seq;
	if (at)
		*at = cam->c.buf[i].at;
	return i;
}

void dmasim_camera_streamon(struct dmasim_camera *cam)
{
	camera_streamon(&cam->c);
}

void dmasim_camera_info(const struct dmasim_camera *cam,
			struct dmasim_camera_info *o)
{
	const struct camera *c = &cam->c;

	memset(o, 0, sizeof(*o));
	o->name = c->name;
	o->frame_bytes = c->cfg.frame;
	o->period = c->cfg.period;
	o->frames = c->next_frame;
	o->captured = c->captured;
	o->drops = c->drops;
	o->overruns = c->overruns;
	o->bytes = c->bytes;
	o->queued = c->nqueued;
	o->done = c->ndone;
	o->base = c->tgt.size ? c->tgt.base : DMASIM_DEFAULT;
	o->guest_errors = c->guest_errors;
}

int dmasim_camera_expected(const struct dmasim_camera *cam, uint64_t seq,
			   uint64_t off, void *dst, uint64_t len)
{
	uint8_t *p = dst;

	if (off > cam->c.cfg.frame || len > cam->c.cfg.frame - off)
		return sys_error(cam->sys, DMASIM_ERANGE, "camera:expected: "
				 "[%llu, +%llu) is outside the frame's %llu "
				 "bytes", (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)cam->c.cfg.frame);
	for (uint64_t k = 0; k < len; k++)
		p[k] = camera_pattern(&cam->c, seq, off + k);
	return 0;
}
