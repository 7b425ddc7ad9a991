/*
 * gpudrv: the host driver of a GPU (dmasim/machine.h), in the manner of
 * CUDA's runtime and driver: every call runs on the driver's CPU as a
 * process of its own while the caller waits for the call to return.
 *
 *   copy, pinned host memory (or device to device): the call's fixed CPU
 *       cost (`call`), `desc` per descriptor (one per desc_max bytes),
 *       then the descriptors go to the stream; the call returns at once.
 *   copy, pageable host memory: staged through the driver's pinned
 *       buffers (bounce_count of bounce_size bytes), chunk by chunk: to
 *       the device, the CPU copies a chunk into a free buffer (loads and
 *       stores of stage_piece bytes and stage_cycles per 64 bytes of loop),
 *       then queues its DMA and goes on with the next chunk while it runs;
 *       the call returns once the last chunk is staged.  From the device,
 *       the DMAs of the first chunks are queued, and the CPU copies each
 *       out as it lands; the call returns when the last is copied.  One
 *       pageable copy holds the buffers at a time.
 *   pin (cudaHostRegister) and host_alloc (cudaHostAlloc): register_page
 *       or pin_page of CPU per 4 KiB page; over the pinned budget the call
 *       fails at once with DMASIM_ENOMEM, as the real calls fail with
 *       cudaErrorMemoryAllocation.
 *   kernel launch: the call's fixed cost, then the kernel is queued.
 * Published costs these default to: about 6-7 us per copy call and about
 * 0.5 us of CPU per descriptor (issue 14's sources; see
 * scenarios/gpu_copy.lua), 62 ns per 4 KiB page pinned and about 80-100 us
 * per MB registered.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu_int.h"
#include "kernel/alloc.h"

enum call_what { CALL_COPY, CALL_KERNEL, CALL_PIN, CALL_MEMCPY };

struct gpu_call {
	struct dmasim_gpu *g;
	struct dmasim_stream *s;
	struct dmasim_proc *caller;
	struct signal ret;
	enum call_what what;
	uint64_t dst, src, len;
	struct dmasim_kernel k;
	bool staged, to_dev;
	uint64_t value;		/* returned in the caller's result */
	uint64_t cycles;	/* CPU cycles of the call's own work */
	/* the staging loop's state */
	uint64_t nchunks, i, next_dma, off, cs, cd, clen, t0;
	unsigned first_slot, slot, step;	/* step: of the piece's copy */
	uint8_t *buf;
	struct gpu_call *next, **pprev;	/* the GPU's calls in progress */
};

static void call_free(struct gpu_call *c)
{
	if (c->pprev) {
		*c->pprev = c->next;
		if (c->next)
			c->next->pprev = c->pprev;
	}
	dm_free(c->buf);
	dm_free(c);
}

void sys_gpu_calls_free(struct dmasim_gpu *g)
{
	while (g->calls)
		call_free(g->calls);
}

static void call_return(struct gpu_call *c)
{
	struct dmasim_sys *sys = c->g->sys;

	c->caller->op.res.status = 0;
	c->caller->op.res.value = c->value;
	if (signal_notify(&sys->sim, &c->ret))
		sim_host_oom(&sys->sim);
}

static int submit_copy(struct gpu_call *c, uint64_t dst, uint64_t src,
		       uint64_t len, int slot)
{
	struct sys_gpu_op *o = sys_gpu_op_new(c->g, GPU_OP_COPY);

	if (!o)
		return sys_error(c->g->sys, DMASIM_ENOMEM, "out of memory");
	o->op.dst = dst;
	o->op.src = src;
	o->op.len = len;
	o->slot = slot;
	gpu_submit(&c->s->s, &o->op);
	return 0;
}

static void kernel_builtin(void *ctx, const uint8_t *in, uint64_t in_len,
			   uint8_t *out, uint64_t out_len)
{
	const struct dmasim_kernel *k = ctx;

	for (uint64_t i = 0; i < out_len; i++) {
		uint8_t b = i < in_len ? in[i] : 0;

		out[i] = k->op == DMASIM_KERNEL_XOR ? (uint8_t)(b ^ k->value) :
			 k->op == DMASIM_KERNEL_ADD ? (uint8_t)(b + k->value) :
			 b;
	}
}

static int submit_kernel(struct gpu_call *c)
{
	struct dmasim_gpu *g = c->g;
	struct sys_gpu_op *o = sys_gpu_op_new(g, GPU_OP_KERNEL);
	double t = (double)g->cfg.launch + (double)c->k.time;

	if (!o)
		return sys_error(g->sys, DMASIM_ENOMEM, "out of memory");
	if (c->k.rate > 0)
		t += (double)c->k.in_len / c->k.rate * 1e12;
	o->k = c->k;
	o->op.in = c->k.in;
	o->op.in_len = c->k.in_len;
	o->op.out = c->k.out;
	o->op.out_len = c->k.out_len;
	o->op.ktime = (uint64_t)(t + 0.5);
	if (c->k.fn) {
		o->op.fn = c->k.fn;
		o->op.fn_ctx = c->k.ctx;
	} else if (c->k.op != DMASIM_KERNEL_NONE) {
		o->op.fn = kernel_builtin;
		o->op.fn_ctx = &o->k;
	}
	gpu_submit(&c->s->s, &o->op);
	return 0;
}

/* CPU cycles of copy loop for n bytes. */
static uint64_t loop_cycles(const struct dmasim_gpu *g, uint64_t n)
{
	return (n + 63) / 64 * g->cfg.stage_cycles;
}

/* The CPU's copy of [cs, +clen) to cd, one call a step: a piece's load,
 * its store, then its loop cycles; off advances after each piece. */
static int copy_step(struct dmasim_proc *p, struct gpu_call *c)
{
	struct dmasim_gpu *g = c->g;
	uint64_t n = c->clen - c->off;

	if (n > g->cfg.stage_piece)
		n = g->cfg.stage_piece;
	switch (c->step++) {
	case 0:
		return dmasim_cpu_load(p, g->cpu, c->cs + c->off, c->buf, n);
	case 1:
		return dmasim_cpu_store(p, g->cpu, c->cd + c->off, c->buf, n);
	default:
		c->step = 0;
		c->off += n;
		return dmasim_cpu_busy(p, g->cpu, loop_cycles(g, n));
	}
}

static void drv_body(struct dmasim_proc *p, void *ctx)
{
	struct gpu_call *c = ctx;
	struct dmasim_gpu *g = c->g;
	struct dmasim_cpu *cpu = g->cpu;
	uint64_t size = g->cfg.bounce_size, n;

	DMASIM_PROC_BEGIN(p);
	c->t0 = g->sys->sim.now;
	DMASIM_AWAIT(p, dmasim_cpu_busy(p, cpu, c->cycles));
	if (c->what == CALL_PIN) {
		g->info.pin_ps += g->sys->sim.now - c->t0;
	} else if (c->what == CALL_KERNEL) {
		g->info.driver_ps += g->sys->sim.now - c->t0;
		DMASIM_AWAIT(p, submit_kernel(c));
	} else if (c->what == CALL_MEMCPY) {
		c->t0 = g->sys->sim.now;
		c->cs = c->src;
		c->cd = c->dst;
		c->clen = c->len;
		for (c->off = 0, c->step = 0; c->off < c->clen;) {
			DMASIM_AWAIT(p, copy_step(p, c));
		}
		g->info.stage_ps += g->sys->sim.now - c->t0;
		g->info.stage_bytes += c->len;
	} else if (!c->staged) {
		g->info.driver_ps += g->sys->sim.now - c->t0;
		g->info.pinned_copies++;
#ifdef DMASIM_MUTATE_GPU_DESC_MAX_IGNORED
		/* broken on purpose: a pinned copy is one descriptor whatever
		 * its size (desc_max ignored) */
		DMASIM_AWAIT(p, submit_copy(c, c->dst, c->src, c->len, -1));
		if (0)
#endif
		for (c->off = 0; c->off < c->len; c->off += g->cfg.desc_max) {
			n = c->len - c->off;
			if (n > g->cfg.desc_max)
				n = g->cfg.desc_max;
			DMASIM_AWAIT(p, submit_copy(c, c->dst + c->off,
						    c->src + c->off, n, -1));
		}
	} else if (c->to_dev) {
		g->info.driver_ps += g->sys->sim.now - c->t0;
		g->info.pageable_copies++;
		DMASIM_AWAIT(p, dmasim_wait_completion(p, g->stage_lock));
		for (c->i = 0; c->i < c->nchunks; c->i++) {
			c->slot = g->next_slot;
			g->next_slot = (c->slot + 1) % g->cfg.bounce_count;
			if (g->slot_pending[c->slot]) {
				g->slot_pending[c->slot] = false;
				DMASIM_AWAIT(p, dmasim_wait_completion(
					p, g->slot_c[c->slot]));
			}
			c->t0 = g->sys->sim.now;
			DMASIM_AWAIT(p, dmasim_cpu_busy(p, cpu,
				sys_gpu_cycles(g, g->cfg.desc)));
			g->info.driver_ps += g->sys->sim.now - c->t0;
			c->t0 = g->sys->sim.now;
			c->cs = c->src + c->i * size;
			c->cd = g->cfg.bounce_base + c->slot * size;
			c->clen = c->len - c->i * size;
			if (c->clen > size)
				c->clen = size;
			for (c->off = 0, c->step = 0; c->off < c->clen;) {
				DMASIM_AWAIT(p, copy_step(p, c));
			}
			g->info.stage_ps += g->sys->sim.now - c->t0;
			g->info.stage_bytes += c->clen;
			g->slot_pending[c->slot] = true;
			DMASIM_AWAIT(p, submit_copy(c, c->dst + c->i * size,
						    c->cd, c->clen,
						    (int)c->slot));
		}
		DMASIM_AWAIT(p, dmasim_complete(g->stage_lock));
	} else {
		g->info.driver_ps += g->sys->sim.now - c->t0;
		g->info.pageable_copies++;
		DMASIM_AWAIT(p, dmasim_wait_completion(p, g->stage_lock));
		c->first_slot = g->next_slot;
		c->next_dma = 0;
		for (c->i = 0; c->i < c->nchunks; c->i++) {
			while (c->next_dma < c->nchunks &&
			       c->next_dma < c->i + g->cfg.bounce_count) {
				c->slot = (c->first_slot + c->next_dma) %
					  g->cfg.bounce_count;
				if (g->slot_pending[c->slot]) {
					g->slot_pending[c->slot] = false;
					DMASIM_AWAIT(p, dmasim_wait_completion(
						p, g->slot_c[c->slot]));
				}
				c->t0 = g->sys->sim.now;
				DMASIM_AWAIT(p, dmasim_cpu_busy(p, cpu,
					sys_gpu_cycles(g, g->cfg.desc)));
				g->info.driver_ps += g->sys->sim.now - c->t0;
				n = c->len - c->next_dma * size;
				if (n > size)
					n = size;
				g->slot_pending[c->slot] = true;
				DMASIM_AWAIT(p, submit_copy(c,
					g->cfg.bounce_base + c->slot * size,
					c->src + c->next_dma * size, n,
					(int)c->slot));
				c->next_dma++;
			}
			c->slot = (c->first_slot + c->i) % g->cfg.bounce_count;
			g->slot_pending[c->slot] = false;
			DMASIM_AWAIT(p, dmasim_wait_completion(p,
				g->slot_c[c->slot]));
			c->t0 = g->sys->sim.now;
			c->cs = g->cfg.bounce_base + c->slot * size;
			c->cd = c->dst + c->i * size;
			c->clen = c->len - c->i * size;
			if (c->clen > size)
				c->clen = size;
			for (c->off = 0, c->step = 0; c->off < c->clen;) {
				DMASIM_AWAIT(p, copy_step(p, c));
			}
			g->info.stage_ps += g->sys->sim.now - c->t0;
			g->info.stage_bytes += c->clen;
		}
		g->next_slot = (c->first_slot + (unsigned)(c->nchunks %
			       g->cfg.bounce_count)) % g->cfg.bounce_count;
		DMASIM_AWAIT(p, dmasim_complete(g->stage_lock));
	}
	call_return(c);
	DMASIM_PROC_END(p);
	call_free(c);
}

/* Start the call's process; the caller waits for it to return. */
static int call_start(struct dmasim_proc *p, struct gpu_call *c)
{
	int err;

	signal_init(&c->ret);
	c->caller = p;
	if (c->staged && !(c->buf = dm_malloc(c->g->cfg.stage_piece))) {
		dm_free(c);
		return sys_error(p->sys, DMASIM_ENOMEM, "out of memory");
	}
	if ((err = dmasim_spawn(p->sys, drv_body, c, NULL))) {
		call_free(c);
		return sys_error(p->sys, err, "out of memory");
	}
	c->next = c->g->calls;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &c->g->calls;
	c->g->calls = c;
	return sys_proc_wait(p, &c->ret);
}

static struct gpu_call *call_new(struct dmasim_proc *p, struct dmasim_gpu *g,
				 enum call_what what)
{
	struct gpu_call *c = dm_calloc(1, sizeof(*c));

	if (!c) {
		sys_error(p->sys, DMASIM_ENOMEM, "out of memory");
		return NULL;
	}
	c->g = g;
	c->what = what;
	return c;
}

static int pin_call(struct dmasim_proc *p, struct dmasim_gpu *g,
		    const char *fn, uint64_t addr, uint64_t len, bool alloc)
{
	struct gpu_call *c;
	int err;

	if ((err = sys_owns(p->sys, g->sys, fn)))
		return err;
	if (!len)
		return sys_error(p->sys, DMASIM_EINVAL, "%s of 0 bytes: "
				 "expected 1 or more", fn);
	err = gpupin_add(&g->pin, addr, len, alloc);
	if (err == DMASIM_ENOMEM)
		return sys_error(p->sys, err, "%s of %llu bytes: out of "
				 "memory (cudaErrorMemoryAllocation): %llu "
				 "of the pinned budget of %llu bytes are in "
				 "use", fn, (unsigned long long)len,
				 (unsigned long long)g->pin.used,
				 (unsigned long long)g->pin.budget);
	if (err)
		return sys_error(p->sys, err, "%s at 0x%llx of %llu bytes: "
				 "expected a range not pinned already", fn,
				 (unsigned long long)addr,
				 (unsigned long long)len);
	if (!(c = call_new(p, g, CALL_PIN)))
		return DMASIM_ENOMEM;
	c->value = addr;
	c->cycles = sys_gpu_cycles(g, gpupin_pages(addr, len) *
				   (alloc ? g->cfg.pin_page :
				    g->cfg.register_page));
	return call_start(p, c);
}

int dmasim_gpu_pin(struct dmasim_proc *p, struct dmasim_gpu *g, uint64_t addr,
		   uint64_t len)
{
	return pin_call(p, g, "pin", addr, len, false);
}

int dmasim_gpu_host_alloc(struct dmasim_proc *p, struct dmasim_gpu *g,
			  uint64_t len)
{
	uint64_t at;

	if (len && (at = gpupin_find(&g->pin, len)) == UINT64_MAX)
		return sys_error(p->sys, DMASIM_ENOMEM, "host_alloc of %llu "
				 "bytes: out of memory "
				 "(cudaErrorMemoryAllocation): no room in "
				 "the host pool of %llu bytes (fields "
				 "host_base, host_size)",
				 (unsigned long long)len,
				 (unsigned long long)g->pin.pool_size);
	return pin_call(p, g, "host_alloc", len ? at : 0, len, true);
}

int dmasim_gpu_unpin(struct dmasim_gpu *g, uint64_t addr)
{
	uint64_t len;

	if (gpupin_remove(&g->pin, addr, &len, NULL))
		return sys_error(g->sys, DMASIM_EINVAL, "unpin at 0x%llx: "
				 "expected the address pin or host_alloc "
				 "returned", (unsigned long long)addr);
	gpucheck_host_free(&g->chk, addr, len);
	return 0;
}

int dmasim_stream_copy(struct dmasim_proc *p, struct dmasim_stream *s,
		       uint64_t dst, uint64_t src, uint64_t len)
{
	struct dmasim_gpu *g = s->g;
	bool dd = gpu_is_device(&g->g, dst, len);
	bool sd = gpu_is_device(&g->g, src, len);
	struct gpu_call *c;
	uint64_t host, ndesc;
	int err;

	if ((err = sys_owns(p->sys, g->sys, "copy")))
		return err;
	if (!len || dst + len < dst || src + len < src)
		return sys_error(p->sys, DMASIM_EINVAL, "copy of %llu bytes: "
				 "expected 1 or more, not wrapping",
				 (unsigned long long)len);
	if (!dd && !sd)
		return sys_error(p->sys, DMASIM_EINVAL, "copy from 0x%llx to "
				 "0x%llx: expected one side in device memory "
				 "[0x%llx, +%llu)", (unsigned long long)src,
				 (unsigned long long)dst,
				 (unsigned long long)g->cfg.mem_base,
				 (unsigned long long)g->cfg.mem_size);
	if (!(c = call_new(p, g, CALL_COPY)))
		return DMASIM_ENOMEM;
	c->s = s;
	c->dst = dst;
	c->src = src;
	c->len = len;
	c->to_dev = dd;
	host = dd ? src : dst;
	c->staged = !(dd && sd) && !gpupin_covers(&g->pin, host, len);
#ifdef DMASIM_MUTATE_GPU_PAGEABLE_NOT_STAGED
	/* broken on purpose: pageable host memory goes to the copy engine
	 * as if pinned, not staged through the driver's pinned buffers */
	c->staged = false;
#endif
	if (c->staged && g->cfg.bounce_base == DMASIM_DEFAULT) {
		dm_free(c);
		return sys_error(p->sys, DMASIM_EINVAL, "copy from pageable "
				 "memory at 0x%llx: the driver has no "
				 "staging buffers (field bounce_base): pin "
				 "the memory or give the GPU staging buffers",
				 (unsigned long long)host);
	}
	if (c->staged) {
		c->nchunks = (len + g->cfg.bounce_size - 1) /
			     g->cfg.bounce_size;
		c->cycles = sys_gpu_cycles(g, g->cfg.call);
	} else {
		ndesc = (len + g->cfg.desc_max - 1) / g->cfg.desc_max;
#ifdef DMASIM_MUTATE_GPU_DESC_MAX_IGNORED
		ndesc = 1;	/* broken on purpose: one descriptor */
#endif
		c->cycles = sys_gpu_cycles(g, g->cfg.call +
					   ndesc * g->cfg.desc);
	}
	return call_start(p, c);
}

int dmasim_stream_kernel(struct dmasim_proc *p, struct dmasim_stream *s,
			 const struct dmasim_kernel *k)
{
	struct dmasim_gpu *g = s->g;
	struct gpu_call *c;
	int err;

	if ((err = sys_owns(p->sys, g->sys, "kernel")))
		return err;
	if ((k->in_len && !gpu_is_device(&g->g, k->in, k->in_len)) ||
	    (k->out_len && !gpu_is_device(&g->g, k->out, k->out_len)))
		return sys_error(p->sys, DMASIM_EINVAL, "kernel: in and out: "
				 "expected ranges of device memory [0x%llx, "
				 "+%llu)", (unsigned long long)g->cfg.mem_base,
				 (unsigned long long)g->cfg.mem_size);
	if (!(k->rate >= 0) || (unsigned)k->op > DMASIM_KERNEL_ADD)
		return sys_error(p->sys, DMASIM_EINVAL, "kernel: rate %g, op "
				 "%d: expected a rate of 0 or more and a known "
				 "op", k->rate, (int)k->op);
	if (!(c = call_new(p, g, CALL_KERNEL)))
		return DMASIM_ENOMEM;
	c->s = s;
	c->k = *k;
	c->cycles = sys_gpu_cycles(g, g->cfg.call);
#ifdef DMASIM_MUTATE_GPU_LAUNCH_NO_CALL_COST
	/* broken on purpose: a kernel launch costs the CPU no driver call */
	c->cycles = 0;
#endif
	return call_start(p, c);
}

int dmasim_gpu_memcpy(struct dmasim_proc *p, struct dmasim_gpu *g,
		      uint64_t dst, uint64_t src, uint64_t len)
{
	struct gpu_call *c;
	int err;

	if ((err = sys_owns(p->sys, g->sys, "memcpy")))
		return err;
	if (!len || dst + len < dst || src + len < src ||
	    gpu_is_device(&g->g, dst, len) || gpu_is_device(&g->g, src, len))
		return sys_error(p->sys, DMASIM_EINVAL, "memcpy of %llu bytes "
				 "from 0x%llx to 0x%llx: expected 1 or more "
				 "bytes of host memory, not wrapping",
				 (unsigned long long)len,
				 (unsigned long long)src,
				 (unsigned long long)dst);
	if (!(c = call_new(p, g, CALL_MEMCPY)))
		return DMASIM_ENOMEM;
	c->dst = dst;
	c->src = src;
	c->len = len;
	c->staged = true;	/* it needs the piece buffer */
	return call_start(p, c);
}
