/* cluster (sys): systems joined by a network, run in windows of the
 * lookahead, on one rank or split over several.  See dmasim/machine.h,
 * hw/net.h and cluster_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_int.h"
#include "kernel/alloc.h"

void dmasim_cluster_config_init(struct dmasim_cluster_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nodes = 2;
	cfg->link_rate = 100e9;
	cfg->link_latency = 100000;
	cfg->switch_latency = 100000;
	cfg->switch_buffer = 1 << 20;
	cfg->seed = 1;
}

/* What is wrong with cfg's split over ranks, or NULL. */
static const char *split_check(const struct dmasim_cluster_config *cfg)
{
	const struct dmasim_comm *c = cfg->comm;

	if (!c || c->ranks <= 1)
		return NULL;
	if (!c->alltoall || !c->exchange || c->rank < 0 ||
	    c->rank >= c->ranks)
		return "comm: expected a rank below ranks and both calls";
	if (cfg->drop_nth)
		return "drop_nth: the switch's nth frame has no one order "
		       "when the cluster is split over ranks: expected loss, "
		       "or the cluster on one rank";
	for (uint32_t i = 0; cfg->owner && i < cfg->nodes; i++)
		if (cfg->owner[i] >= (uint32_t)c->ranks)
			return "owner: expected a rank below ranks for every "
			       "node";
	return NULL;
}

static int split(struct dmasim_cluster *cl,
		 const struct dmasim_cluster_config *cfg)
{
	const struct dmasim_comm *c = cfg->comm;
	uint32_t n = cfg->nodes;

	if (!c || c->ranks <= 1)
		return 0;
	cl->owner = dm_malloc(n * sizeof(*cl->owner));
	cl->peer = dm_calloc((size_t)c->ranks, sizeof(*cl->peer));
	cl->hsend = dm_calloc(4 * (size_t)c->ranks, sizeof(*cl->hsend));
	cl->hrecv = dm_calloc(4 * (size_t)c->ranks, sizeof(*cl->hrecv));
	if (!cl->owner || !cl->peer || !cl->hsend || !cl->hrecv)
		return DMASIM_ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		cl->owner[i] = cfg->owner ? cfg->owner[i] :
			(uint32_t)((uint64_t)i * (uint64_t)c->ranks / n);
	cl->comm = c;
	return 0;
}

static void cluster_release(struct dmasim_cluster *cl)
{
	if (cl->peer) {
		for (int r = 0; r < cl->comm->ranks; r++) {
			dm_free(cl->peer[r].out);
			dm_free(cl->peer[r].in);
		}
	}
	dm_free(cl->peer);
	dm_free(cl->hsend);
	dm_free(cl->hrecv);
	dm_free(cl->owner);
	board_fini(&cl->board);
	dm_free(cl->nodes);
	dm_free(cl);
}

int dmasim_cluster_new(const struct dmasim_cluster_config *cfg,
		       struct dmasim_cluster **out, const char **err)
{
	struct dmasim_cluster_config def;
	struct net_config nc;
	struct dmasim_cluster *cl;
	const char *bad;
	int rc;

	if (!cfg) {
		dmasim_cluster_config_init(&def);
		cfg = &def;
	}
	nc.rate = cfg->link_rate;
	nc.latency = cfg->link_latency;
	nc.switch_latency = cfg->switch_latency;
	nc.buffer = cfg->switch_buffer;
	nc.loss = cfg->loss;
	nc.drop_nth = cfg->drop_nth;
	nc.corrupt = cfg->corrupt;
	bad = net_config_check(&nc);
	if (!bad && (cfg->nodes < 1 || cfg->nodes > NET_MAX_NODES))
		bad = "nodes: expected 1 to 65536";
	if (!bad && cfg->name && (!*cfg->name ||
				  strlen(cfg->name) >= SYS_NAME_MAX))
		bad = "name: expected 1 to 31 characters";
	if (!bad)
		bad = split_check(cfg);
	if (bad) {
		if (err)
			*err = bad;
		return DMASIM_EINVAL;
	}
	cl = dm_calloc(1, sizeof(*cl));
	if (!cl)
		return DMASIM_ENOMEM;
	snprintf(cl->name, sizeof(cl->name), "%s",
		 cfg->name ? cfg->name : "cluster");
	cl->nodes = dm_calloc(cfg->nodes, sizeof(*cl->nodes));
	rc = cl->nodes ? split(cl, cfg) : DMASIM_ENOMEM;
	if (!rc)
		rc = net_init(&cl->net, &nc, cfg->seed, cfg->nodes);
	if (rc) {
		cluster_release(cl);
		return DMASIM_ENOMEM;
	}
	cl->reverse = cfg->reverse;
	*out = cl;
	return 0;
}

void dmasim_cluster_free(struct dmasim_cluster *cl)
{
	if (!cl)
		return;
	for (uint32_t i = 0; i < cl->net.nports; i++) {
		struct dmasim_sys *s = cl->nodes[i];

		if (!s)
			continue;
		s->cluster = NULL;
		s->orphaned = true;
		if (cl->net.ports[i].attached && cl->net.ports[i].detach)
			cl->net.ports[i].detach(cl->net.ports[i].ctx);
	}
	net_fini(&cl->net);
	cluster_release(cl);
}

int dmasim_cluster_owner(const struct dmasim_cluster *cl, uint32_t node)
{
	return cl->comm && node < cl->net.nports ? (int)cl->owner[node] : 0;
}

int dmasim_cluster_add(struct dmasim_cluster *cl, struct dmasim_sys *sys,
		       uint32_t node)
{
	if (node >= cl->net.nports)
		return sys_error(sys, DMASIM_EINVAL, "cluster '%s': node %u: "
				 "expected 0 to %u", cl->name, node,
				 cl->net.nports - 1);
	if (!cluster_local(cl, node))
		return sys_error(sys, DMASIM_EINVAL, "cluster '%s': node %u "
				 "is simulated by rank %u, this is rank %d: "
				 "expected a node of this rank",
				 cl->name, node, cl->owner[node],
				 cl->comm->rank);
	if (cl->nodes[node])
		return sys_error(sys, DMASIM_EINVAL, "cluster '%s': node %u "
				 "is system '%s' already", cl->name, node,
				 cl->nodes[node]->name);
	if (sys->cluster || sys->orphaned)
		return sys_error(sys, DMASIM_EINVAL, "system '%s' is a node "
				 "of a cluster already", sys->name);
	if (sys->sim.now || sys->sim.events)
		return sys_error(sys, DMASIM_EINVAL, "system '%s' has run: a "
				 "node joins its cluster before it runs",
				 sys->name);
	sys->cluster = cl;
	sys->node = node;
	cl->nodes[node] = sys;
	cl->net.ports[node].sim = &sys->sim;
	return 0;
}

void sys_cluster_leave(struct dmasim_sys *sys)
{
	struct dmasim_cluster *cl = sys->cluster;

	cl->nodes[sys->node] = NULL;
	cl->net.ports[sys->node].attached = false;
	cl->net.ports[sys->node].sim = NULL;
	sys->cluster = NULL;
}

struct net *sys_cluster_net(struct dmasim_cluster *cl)
{
	return &cl->net;
}

/*
 * Conservative synchronisation by windows: every logical process (each
 * node, the switch) runs up to the earliest pending event plus the
 * lookahead, less one picosecond.  A frame sent inside the window arrives
 * a link latency (at least the lookahead) after it was sent, so after the
 * window: no process can receive a frame in its past.  At the barrier
 * the frames are handed over in (time, sender, order) order, whatever
 * order the processes ran in, and, split over ranks, whichever rank ran
 * them: the windows, and so every result, are those of one rank.  (A
 * window barrier rather than null messages: every node of a star is a
 * neighbour of every other through the switch, so a null message would
 * go to every rank at every step anyway.)
 */
int dmasim_cluster_run(struct dmasim_cluster *cl, uint64_t until)
{
	uint64_t la = cl->net.cfg.latency, t;
	bool failed = false;
	int code = 0, rc;

	if (cl->running) {
		snprintf(cl->err, sizeof(cl->err), "cluster '%s' is already "
			 "running", cl->name);
		return DMASIM_EINVAL;
	}
	cl->running = true;
	cl->err[0] = 0;
	rc = cluster_barrier(cl, &t, &failed);
	while (!rc && !failed && t != UINT64_MAX && t <= until) {
		uint64_t end = t + la - 1 < until ? t + la - 1 : until;

		net_run(&cl->net, end);
		for (uint32_t k = 0; k < cl->net.nports && !code; k++) {
			uint32_t i = cl->reverse ? cl->net.nports - 1 - k : k;
			struct dmasim_sys *s = cl->nodes[i];

			if (!s || s->sim.q.len == 0 ||
			    evq_peek(&s->sim.q)->time > end)
				continue;
			code = sys_run(s, end);
			if (code)
				snprintf(cl->err, sizeof(cl->err), "node %u "
					 "('%s'): %s", i, s->name, s->err);
		}
		if (!code && cl->net.sim.host_err) {
			code = cl->net.sim.host_err;
			snprintf(cl->err, sizeof(cl->err), "cluster '%s': the "
				 "host ran out of memory", cl->name);
		}
		failed = code != 0;
		rc = cluster_barrier(cl, &t, &failed);
		cl->net.windows++;
		cl->now = end;
	}
	if (!rc && !failed)
		rc = cluster_sum(cl);
	if (rc && !code) {
		code = rc;
		snprintf(cl->err, sizeof(cl->err), "cluster '%s': %s",
			 cl->name, rc == DMASIM_ENOMEM ? "the host ran out of "
			 "memory" : "the ranks could not exchange frames");
	} else if (failed && !code) {
		code = DMASIM_ESCENARIO;
		snprintf(cl->err, sizeof(cl->err), "cluster '%s': a node "
			 "failed on another rank (its message is on that "
			 "rank's error output)", cl->name);
	}
	cl->running = false;
	return code;
}

const char *dmasim_cluster_error(const struct dmasim_cluster *cl)
{
	return cl->err;
}

void cluster_local_info(const struct dmasim_cluster *cl,
			struct dmasim_cluster_info *o)
{
	memset(o, 0, sizeof(*o));
	o->nodes = cl->net.nports;
	o->now = cl->now;
	o->windows = cl->net.windows;
	o->frames = cl->net.frames;
	o->bytes = cl->net.bytes;
	o->drops = cl->net.drops;
	o->drops_full = cl->net.drops_full;
	o->corrupted = cl->net.corrupted;
	o->events = cl->net.sim.events;
	for (uint32_t i = 0; i < cl->net.nports; i++) {
		if (cl->net.outs[i].max_queued > o->max_queued)
			o->max_queued = cl->net.outs[i].max_queued;
		if (cl->nodes[i])
			o->events += cl->nodes[i]->sim.events;
	}
}

void dmasim_cluster_info(const struct dmasim_cluster *cl,
			 struct dmasim_cluster_info *o)
{
	if (cl->have_totals)
		*o = cl->totals;
	else
		cluster_local_info(cl, o);
}
