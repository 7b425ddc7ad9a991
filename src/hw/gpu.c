/* gpu: copy engines, a compute engine, streams and events.  See gpu.h. */
#include "gpu.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

static void stream_advance(struct gpu_stream *s);
static void engine_kick(struct gpu_engine *e);

bool gpu_is_device(const struct gpu *g, uint64_t addr, uint64_t len)
{
	return addr >= g->cfg.mem_base && len <= g->cfg.mem_size &&
	       addr - g->cfg.mem_base <= g->cfg.mem_size - len;
}

/* ---- completing ops ---- */

/* op has finished: it leaves its stream, which moves on. */
static void op_complete(struct gpu_op *op)
{
	struct gpu_stream *s = op->st;
	struct gpu *g = s->gpu;

	assert(s->head == op);
	op->state = GPU_DONE;
	op->ended = g->sim->now;
	s->head = op->next;
	if (!s->head)
		s->tail = NULL;
	s->ops_done++;
	if (op->kind == GPU_OP_RECORD) {
		op->ev->completed = op->gen;
		op->ev->done_at = g->sim->now;
	}
	if (g->hooks && g->hooks->done)
		g->hooks->done(g->hooks->ctx, op);
	if (op->kind == GPU_OP_RECORD && op->ev->notify)
		op->ev->notify(op->ev->notify_ctx, op->ev);
	if (op->done)
		op->done(op);	/* may free op */
	stream_advance(s);
	/* a completed event may let other streams' waits pass */
	for (unsigned i = 0; i < g->nstreams; i++)
		if (g->streams[i] != s && g->streams[i]->head &&
		    g->streams[i]->head->kind == GPU_OP_WAIT &&
		    g->streams[i]->head->state == GPU_QUEUED)
			stream_advance(g->streams[i]);
}

/* ---- engines ---- */

static struct gpu_engine *engine_for(struct gpu *g, struct gpu_op *op)
{
	if (op->kind == GPU_OP_KERNEL)
		return &g->compute;
	if (g->cfg.copy_engines == 1)
		return &g->ce[0];
	/* host-to-device on engine 0; device-to-host and the rest on 1 */
	return !gpu_is_device(g, op->src, op->len) ? &g->ce[0] : &g->ce[1];
}

static void engine_done(struct gpu_engine *e)
{
	struct gpu_op *op = e->cur;

	e->cur = NULL;
	e->busy_ps += e->gpu->sim->now - e->last_start;
	op_complete(op);
	engine_kick(e);
}

/* ---- copy engines: lanes ---- */

static struct bus_master *lane_master(struct gpu_lane *l, uint64_t addr,
				      uint64_t len)
{
	return gpu_is_device(l->eng->gpu, addr, len) ? &l->fab_m : &l->link_m;
}

static void lane_next(struct gpu_lane *l);

static void lane_xact_done(struct xact *x)
{
	struct gpu_lane *l = x->ctx;
	struct gpu_op *op = l->op;
	struct gpu_engine *e = l->eng;

	if (x->status && !op->status)
		op->status = x->status;
	if (l->flushing) {
		/* the read behind the copy's writes is back: they are done */
		l->flushing = false;
		l->busy = false;
		l->op = NULL;
		engine_done(e);
		return;
	}
	if (!l->writing && !x->status) {
		/* the piece is in the lane: write it out */
		l->writing = true;
		l->cur = lane_master(l, op->dst + l->off, l->len);
		xact_init(&l->x, op->dst + l->off, l->buf, l->len, true,
			  l->cur, lane_xact_done, l);
		xact_start(l->cur, &l->x);
		return;
	}
	op->finished += l->len;
	op->pieces_out--;
	e->bytes += l->len;
	l->busy = false;
	l->op = NULL;
	if (op->issued < op->len && !op->status) {
		lane_next(l);
		return;
	}
	if (!op->pieces_out) {
		if (op->status)
			op->finished = op->len;
		if (!op->status && !gpu_is_device(e->gpu, op->dst, op->len)) {
			/* posted writes to the host: a read behind them
			 * returns only once they are done (PCIe ordering:
			 * a read does not pass posted writes) */
			l->flushing = true;
			l->busy = true;
			l->op = op;
			l->cur = &l->link_m;
			xact_init(&l->x, op->dst, l->buf, 4, false, l->cur,
				  lane_xact_done, l);
			xact_start(l->cur, &l->x);
			return;
		}
		engine_done(e);
	}
}

/* Take the running op's next piece, if any. */
static void lane_next(struct gpu_lane *l)
{
	struct gpu_engine *e = l->eng;
	struct gpu_op *op = e->cur;
	uint64_t n;

	if (!op || op->issued >= op->len || l->busy)
		return;
	n = op->len - op->issued;
	if (n > e->gpu->cfg.piece)
		n = e->gpu->cfg.piece;
	l->op = op;
	l->off = op->issued;
	l->len = n;
	l->busy = true;
	l->writing = false;
	op->issued += n;
	op->pieces_out++;
	l->cur = lane_master(l, op->src + l->off, n);
	xact_init(&l->x, op->src + l->off, l->buf, n, false, l->cur,
		  lane_xact_done, l);
	xact_start(l->cur, &l->x);
}

static void link_released(struct bus_master *m, uint64_t cycles)
{
	struct gpu_lane *l = (struct gpu_lane *)((char *)m -
				offsetof(struct gpu_lane, link_m));

	(void)cycles;
	xact_released(&l->x);
}

static void fab_released(struct bus_master *m, uint64_t cycles)
{
	struct gpu_lane *l = (struct gpu_lane *)((char *)m -
				offsetof(struct gpu_lane, fab_m));

	(void)cycles;
	xact_released(&l->x);
}

static const struct bus_master_ops link_ops = { .released = link_released };
static const struct bus_master_ops fab_ops = { .released = fab_released };

/* The copy's set-up is over: every lane takes a piece. */
static void ce_setup_event(struct sim *sim, struct event *ev)
{
	struct gpu_engine *e = ev->obj;

	(void)sim;
	if (!e->cur->len) {
		engine_done(e);
		return;
	}
	for (unsigned i = 0; i < e->gpu->cfg.inflight; i++)
		lane_next(&e->lanes[i]);
}

/* ---- the compute engine ---- */

static void kernel_event(struct sim *sim, struct event *ev)
{
	struct gpu_engine *e = ev->obj;
	struct gpu *g = e->gpu;
	struct gpu_op *op = e->cur;

	(void)sim;
	if (op->fn) {
		uint64_t n = op->in_len > op->out_len ? op->in_len :
			     op->out_len;
		uint8_t *buf = dm_calloc(1, n ? n : 1);
		uint64_t mb = g->mem->tgt.base;

		if (!buf) {
			sim_host_oom(g->sim);
		} else {
			if (op->in_len)
				memory_read(g->mem, op->in - mb, buf,
					    op->in_len);
			op->fn(op->fn_ctx, buf, op->in_len, buf, op->out_len);
			if (op->out_len &&
			    memory_write(g->mem, op->out - mb, buf,
					 op->out_len))
				op->status = BUS_ERR_SLAVE;
			dm_free(buf);
		}
	}
	g->kernel_ps += op->ktime;
	engine_done(e);
}

/* Start the engine's next ready op when it is free. */
static void engine_kick(struct gpu_engine *e)
{
	struct gpu *g = e->gpu;
	struct gpu_op *op = e->q_head;

	if (e->cur || !op)
		return;
	e->q_head = op->enext;
	if (!e->q_head)
		e->q_tail = NULL;
	op->enext = NULL;
	op->state = GPU_RUNNING;
	op->started = g->sim->now;
	e->cur = op;
	e->ops++;
	e->last_start = g->sim->now;
	if (g->hooks && g->hooks->start)
		g->hooks->start(g->hooks->ctx, op);
	if (e->copy) {
		g->copies++;
		g->copy_bytes += op->len;
		if (!sim_at_clamped(g->sim, g->sim->now + g->cfg.ce_setup,
				    PHASE_REQUEST, ce_setup_event, e, NULL, 0))
			sim_host_oom(g->sim);
	} else {
		g->kernels++;
		if (!sim_at_clamped(g->sim, g->sim->now + op->ktime,
				    PHASE_RELEASE, kernel_event, e, NULL, 0))
			sim_host_oom(g->sim);
	}
}

/* ---- streams ---- */

/* The stream's head may go: to its engine, or through (RECORD, WAIT). */
static void stream_advance(struct gpu_stream *s)
{
	struct gpu_op *op = s->head;
	struct gpu_engine *e;

	if (!op || op->state != GPU_QUEUED)
		return;
	switch (op->kind) {
	case GPU_OP_RECORD:
		op_complete(op);
		return;
	case GPU_OP_WAIT:
		if (op->ev->completed >= op->gen)
			op_complete(op);
		return;
	default:
		break;
	}
	e = engine_for(s->gpu, op);
	op->state = GPU_READY;
	op->enext = NULL;
	if (e->q_tail)
		e->q_tail->enext = op;
	else
		e->q_head = op;
	e->q_tail = op;
	engine_kick(e);
}

int gpu_stream_init(struct gpu *g, struct gpu_stream *s)
{
	if (g->nstreams >= GPU_MAX_STREAMS)
		return DMASIM_ERANGE;
	memset(s, 0, sizeof(*s));
	s->gpu = g;
	s->id = g->nstreams;
	g->streams[g->nstreams++] = s;
	return 0;
}

void gpu_submit(struct gpu_stream *s, struct gpu_op *op)
{
	struct gpu *g = s->gpu;

#ifdef DMASIM_MUTATE_GPU_STREAMS_SERIALISED
	/* broken on purpose: every op on the first stream, one queue */
	s = g->streams[0];
#endif
	op->st = s;
	op->state = GPU_QUEUED;
	op->next = NULL;
	op->enext = NULL;
	op->status = 0;
	op->issued = op->finished = 0;
	op->pieces_out = 0;
	op->submitted = g->sim->now;
	op->started = op->ended = 0;
	if (op->kind == GPU_OP_RECORD)
		op->gen = ++op->ev->recorded;
	else if (op->kind == GPU_OP_WAIT)
		op->gen = op->ev->recorded;
	if (g->hooks && g->hooks->submit)
		g->hooks->submit(g->hooks->ctx, op);
	if (s->tail)
		s->tail->next = op;
	else
		s->head = op;
	s->tail = op;
	if (s->head == op)
		stream_advance(s);
}

/* ---- set-up ---- */

static int engine_stats(struct gpu *g, struct gpu_engine *e)
{
	char pre[64];

	snprintf(pre, sizeof(pre), "%s.%s", g->name, e->name);
	if (stats_add(&g->sim->stats, pre, "ops", STAT_COUNTER, "", &e->ops) ||
	    stats_add(&g->sim->stats, pre, "bytes", STAT_COUNTER, "bytes",
		      &e->bytes) ||
	    stats_add(&g->sim->stats, pre, "busy_ps", STAT_COUNTER, "ps",
		      &e->busy_ps))
		return DMASIM_ENOMEM;
	return 0;
}

int gpu_init(struct gpu *g, struct sim *sim, const char *name,
	     struct bus *link, struct bus *fabric, struct memory *mem,
	     const struct gpu_config *cfg)
{
	int err;

	if (!cfg->copy_engines || cfg->copy_engines > GPU_MAX_CE ||
	    !cfg->inflight || cfg->inflight > GPU_MAX_INFLIGHT || !cfg->piece)
		return DMASIM_EINVAL;
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->sim = sim;
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->link = link;
	g->fabric = fabric;
	g->mem = mem;
	g->compute.gpu = g;
	snprintf(g->compute.name, sizeof(g->compute.name), "compute");
	if ((err = engine_stats(g, &g->compute)))
		return err;
	for (unsigned i = 0; i < cfg->copy_engines; i++) {
		struct gpu_engine *e = &g->ce[i];

		e->gpu = g;
		e->copy = true;
		snprintf(e->name, sizeof(e->name), "ce%u", i);
		e->lanes = dm_calloc(cfg->inflight, sizeof(*e->lanes));
		if (!e->lanes)
			return DMASIM_ENOMEM;
		for (unsigned j = 0; j < cfg->inflight; j++) {
			struct gpu_lane *l = &e->lanes[j];
			char mn[32];

			l->eng = e;
			l->buf = dm_malloc(cfg->piece);
			if (!l->buf)
				return DMASIM_ENOMEM;
			snprintf(mn, sizeof(mn), "%s.ce%u.%u", name, i, j);
			if ((err = bus_attach(link, &l->link_m, mn, &link_ops,
					      BUS_MODE_BURST, 0)) ||
			    (err = bus_attach(fabric, &l->fab_m, mn, &fab_ops,
					      BUS_MODE_BURST, 0)))
				return err;
			l->link_m.io = true;
			l->fab_m.io = true;
		}
		if ((err = engine_stats(g, e)))
			return err;
	}
	return 0;
}

void gpu_fini(struct gpu *g)
{
	for (unsigned i = 0; i < GPU_MAX_CE; i++) {
		if (!g->ce[i].lanes)
			continue;
		for (unsigned j = 0; j < g->cfg.inflight; j++)
			dm_free(g->ce[i].lanes[j].buf);
		dm_free(g->ce[i].lanes);
		g->ce[i].lanes = NULL;
	}
}

bool gpu_check(const struct gpu *g)
{
	for (unsigned i = 0; i < g->cfg.copy_engines; i++) {
		const struct gpu_engine *e = &g->ce[i];
		unsigned busy = 0;

		for (unsigned j = 0; j < g->cfg.inflight; j++)
			busy += e->lanes[j].busy;
		if (e->cur ? busy < e->cur->pieces_out : busy != 0)
			return false;
	}
	for (unsigned i = 0; i < g->nstreams; i++)
		if (!g->streams[i]->head != !g->streams[i]->tail)
			return false;
	return true;
}
