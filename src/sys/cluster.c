/* cluster (sys): systems joined by a network, run in windows of the
 * lookahead.  See dmasim/machine.h and hw/net.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/net.h"
#include "sys.h"

struct dmasim_cluster {
	char name[SYS_NAME_MAX];
	struct net net;
	struct dmasim_sys **nodes;	/* by id; NULL: none (yet) */
	char err[600];
	uint64_t now;
	bool running;
	bool reverse;		/* nodes run last to first in a window */
};

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
	bad = net_config_check(&nc);
	if (!bad && (cfg->nodes < 1 || cfg->nodes > NET_MAX_NODES))
		bad = "nodes: expected 1 to 65536";
	if (!bad && cfg->name && (!*cfg->name ||
				  strlen(cfg->name) >= SYS_NAME_MAX))
		bad = "name: expected 1 to 31 characters";
	if (bad) {
		if (err)
			*err = bad;
		return DMASIM_EINVAL;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return DMASIM_ENOMEM;
	snprintf(cl->name, sizeof(cl->name), "%s",
		 cfg->name ? cfg->name : "cluster");
	rc = net_init(&cl->net, &nc, cfg->seed, cfg->nodes);
	cl->nodes = rc ? NULL : calloc(cfg->nodes, sizeof(*cl->nodes));
	if (rc || !cl->nodes) {
		if (!rc)
			net_fini(&cl->net);
		free(cl);
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
	free(cl->nodes);
	free(cl);
}

int dmasim_cluster_add(struct dmasim_cluster *cl, struct dmasim_sys *sys,
		       uint32_t node)
{
	if (node >= cl->net.nports)
		return sys_error(sys, DMASIM_EINVAL, "cluster '%s': node %u: "
				 "expected 0 to %u", cl->name, node,
				 cl->net.nports - 1);
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

static uint64_t next_time(const struct sim *sim)
{
	const struct event *ev = evq_peek(&sim->q);

	return ev ? ev->time : UINT64_MAX;
}

/*
 * Conservative synchronisation by windows: every logical process (each
 * node, the switch) runs up to the earliest pending event plus the
 * lookahead, less one picosecond.  A frame sent inside the window arrives
 * a link latency (at least the lookahead) after it was sent, so after the
 * window: no process can receive a frame in its past.  At the barrier
 * the frames are handed over in (time, sender, order) order, whatever
 * order the processes ran in.
 */
int dmasim_cluster_run(struct dmasim_cluster *cl, uint64_t until)
{
	uint64_t la = cl->net.cfg.latency;
	int code = 0;

	if (cl->running) {
		snprintf(cl->err, sizeof(cl->err), "cluster '%s' is already "
			 "running", cl->name);
		return DMASIM_EINVAL;
	}
	cl->running = true;
	cl->err[0] = 0;
	for (;;) {
		uint64_t t = net_next(&cl->net), end;

		for (uint32_t i = 0; i < cl->net.nports; i++) {
			if (cl->nodes[i]) {
				uint64_t n = next_time(&cl->nodes[i]->sim);

				if (n < t)
					t = n;
			}
		}
		if (t == UINT64_MAX || t > until)
			break;
		end = t + la - 1 < until ? t + la - 1 : until;
		net_run(&cl->net, end);
		for (uint32_t k = 0; k < cl->net.nports && !code; k++) {
			uint32_t i = cl->reverse ? cl->net.nports - 1 - k : k;
			struct dmasim_sys *s = cl->nodes[i];

			if (!s || next_time(&s->sim) > end)
				continue;
			code = sys_run(s, end);
			if (code)
				snprintf(cl->err, sizeof(cl->err), "node %u "
					 "('%s'): %s", i, s->name, s->err);
		}
		if (!code && cl->net.sim.host_err)
			code = cl->net.sim.host_err;
		if (!code && !net_deliver(&cl->net))
			code = DMASIM_ENOMEM;
		if (code) {
			if (!cl->err[0])
				snprintf(cl->err, sizeof(cl->err), "cluster "
					 "'%s': the host ran out of memory",
					 cl->name);
			break;
		}
		cl->now = end;
	}
	cl->running = false;
	return code;
}

const char *dmasim_cluster_error(const struct dmasim_cluster *cl)
{
	return cl->err;
}

void dmasim_cluster_info(const struct dmasim_cluster *cl,
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
	o->events = cl->net.sim.events;
	for (uint32_t i = 0; i < cl->net.nports; i++) {
		if (cl->net.outs[i].max_queued > o->max_queued)
			o->max_queued = cl->net.outs[i].max_queued;
		if (cl->nodes[i])
			o->events += cl->nodes[i]->sim.events;
	}
}
