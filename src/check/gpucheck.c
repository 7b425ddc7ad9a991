/* gpucheck: the GPU sanitizer.  See gpucheck.h. */
#include "gpucheck.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/sim.h"

static const char *const names[] = {
#define GPUCHECK_NAME(name, what, fix) #name,
	GPUCHECK_CLASSES(GPUCHECK_NAME)
#undef GPUCHECK_NAME
};
static const char *const whats[] = {
#define GPUCHECK_WHAT(name, what, fix) what,
	GPUCHECK_CLASSES(GPUCHECK_WHAT)
#undef GPUCHECK_WHAT
};
static const char *const fixes[] = {
#define GPUCHECK_FIX(name, what, fix) fix,
	GPUCHECK_CLASSES(GPUCHECK_FIX)
#undef GPUCHECK_FIX
};

const char *gpucheck_class_name(enum gpucheck_class c)
{
	return (unsigned)c < GPUCHECK_NCLASSES ? names[c] : "?";
}

const char *gpucheck_class_what(enum gpucheck_class c)
{
	return (unsigned)c < GPUCHECK_NCLASSES ? whats[c] : "?";
}

const char *gpucheck_class_fix(enum gpucheck_class c)
{
	return (unsigned)c < GPUCHECK_NCLASSES ? fixes[c] : "?";
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static void report(struct gpucheck *c, struct gpucheck_live *l,
		   enum gpucheck_class cls, uint64_t addr, uint64_t len,
		   uint64_t op_addr)
{
	struct gpucheck_report *r;

	if (l->reported & (1u << cls))
		return;
	l->reported |= 1u << cls;
	c->counts[cls]++;
	if (c->nreports == c->capreports) {
		unsigned n = c->capreports ? 2 * c->capreports : 8;
		struct gpucheck_report *nr = dm_realloc(c->reports,
						     n * sizeof(*nr));

		if (!nr)
			return;		/* counted, not kept */
		c->reports = nr;
		c->capreports = n;
	}
	r = &c->reports[c->nreports++];
	memset(r, 0, sizeof(*r));
	r->cls = cls;
	r->time = c->gpu->sim->now;
	r->addr = addr;
	r->len = len;
	r->op_addr = op_addr;
	r->op_len = l->op->len;
	r->stream = l->op->st ? l->op->st->id : 0;
}

static void on_submit(void *ctx, struct gpu_op *op)
{
	struct gpucheck *c = ctx;

	if (op->kind != GPU_OP_COPY)
		return;
	if (c->nlive == c->caplive) {
		unsigned n = c->caplive ? 2 * c->caplive : 16;
		struct gpucheck_live *nl = dm_realloc(c->live, n * sizeof(*nl));

		if (!nl)
			return;		/* not watched */
		c->live = nl;
		c->caplive = n;
	}
	c->live[c->nlive].op = op;
	c->live[c->nlive].reported = 0;
	c->nlive++;
}

static void on_start(void *ctx, struct gpu_op *op)
{
	struct gpucheck *c = ctx;

	if (op->kind != GPU_OP_KERNEL)
		return;
	for (unsigned i = 0; i < c->nlive; i++) {
		struct gpu_op *w = c->live[i].op;

		if (w->st != op->st && gpu_is_device(c->gpu, w->dst, w->len) &&
		    overlap(op->in, op->in_len, w->dst, w->len))
			report(c, &c->live[i], GPUCHECK_KERNEL_READ_BEFORE_COPY,
			       op->in, op->in_len, w->dst);
	}
}

static void on_done(void *ctx, struct gpu_op *op)
{
	struct gpucheck *c = ctx;

	if (op->kind != GPU_OP_COPY)
		return;
	for (unsigned i = 0; i < c->nlive; i++)
		if (c->live[i].op == op) {
			/* keep submission order: close the gap */
			memmove(&c->live[i], &c->live[i + 1],
				(c->nlive - i - 1) * sizeof(*c->live));
			c->nlive--;
			return;
		}
}

/* Reports against every in-flight copy whose host side overlaps. */
static void host_touch(struct gpucheck *c, uint64_t addr, uint64_t len,
		       enum gpucheck_class cls)
{
	for (unsigned i = 0; i < c->nlive; i++) {
		struct gpu_op *w = c->live[i].op;

#ifdef DMASIM_MUTATE_GPUCHECK_SOURCE_UNWATCHED
		/* broken on purpose: only a copy's destination is watched,
		 * not the host memory it reads */
		if (0)
#else
		if (!gpu_is_device(c->gpu, w->src, w->len) &&
		    overlap(addr, len, w->src, w->len))
#endif
			report(c, &c->live[i], cls, addr, len, w->src);
		else if (!gpu_is_device(c->gpu, w->dst, w->len) &&
			 overlap(addr, len, w->dst, w->len))
			report(c, &c->live[i], cls, addr, len, w->dst);
	}
}

void gpucheck_host_store(struct gpucheck *c, uint64_t addr, uint64_t len)
{
	host_touch(c, addr, len, GPUCHECK_HOST_WRITE_IN_FLIGHT);
}

void gpucheck_host_free(struct gpucheck *c, uint64_t addr, uint64_t len)
{
	host_touch(c, addr, len, GPUCHECK_PINNED_FREE_IN_FLIGHT);
}

int gpucheck_init(struct gpucheck *c, struct gpu *g)
{
	memset(c, 0, sizeof(*c));
	c->gpu = g;
	c->hooks.submit = on_submit;
	c->hooks.start = on_start;
	c->hooks.done = on_done;
	c->hooks.ctx = c;
	g->hooks = &c->hooks;
	return 0;
}

void gpucheck_fini(struct gpucheck *c)
{
	dm_free(c->live);
	dm_free(c->reports);
	c->live = NULL;
	c->reports = NULL;
}
