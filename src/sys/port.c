/* port (sys): software on a node's cluster port, and timers.  See
 * dmasim/machine.h. */
#include <string.h>

#include "hw/net.h"
#include "kernel/sim.h"
#include "sys.h"

#define PORT_HEADERS 64		/* bytes of headers a message's frame adds */

struct sys_port {
	struct net *net;
	uint32_t node;
	dmasim_port_fn rx;
	void *ctx;
};

static void port_rx(void *ctx, struct net_frame *f)
{
	struct sys_port *sp = ctx;

	if (net_frame_intact(sp->net, f))
		sp->rx(sp->ctx, f->src, f->data, f->len);
	net_frame_put(sp->net, f);
}

static void port_detach(void *ctx)
{
	((struct sys_port *)ctx)->net = NULL;
}

int dmasim_port_attach(struct dmasim_sys *sys, dmasim_port_fn rx, void *ctx)
{
	struct net_port *p;
	struct sys_port *sp;

	if (!sys->cluster || !rx)
		return sys_error(sys, DMASIM_EINVAL, "port of system '%s': "
				 "expected a node of a cluster and a receive "
				 "function", sys->name);
	p = &sys_cluster_net(sys->cluster)->ports[sys->node];
	if (p->attached)
		return sys_error(sys, DMASIM_EINVAL, "port of node %u: a "
				 "device is on it already", sys->node);
	sp = sys_alloc(sys, sizeof(*sp), NULL);
	if (!sp)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	sp->net = sys_cluster_net(sys->cluster);
	sp->node = sys->node;
	sp->rx = rx;
	sp->ctx = ctx;
	sys->port = sp;
	p->rx = port_rx;
	p->detach = port_detach;
	p->ctx = sp;
	p->attached = true;
	return 0;
}

int dmasim_port_send(struct dmasim_sys *sys, uint32_t dst, const void *data,
		     uint32_t len)
{
	struct sys_port *sp = sys->port;
	struct net_frame *f;

	if (!sp || !sp->net || dst >= sp->net->nports ||
	    len > NET_MAX_PAYLOAD || (len && !data))
		return DMASIM_EINVAL;
	f = net_frame_get(sp->net);
	if (!f)
		return DMASIM_ENOMEM;
	f->src = sp->node;
	f->dst = dst;
	f->len = len;
	f->wire = len + PORT_HEADERS;
	if (len)
		memcpy(f->data, data, len);
	net_send(sp->net, f);
	return 0;
}

static void alarm_event(struct sim *sim, struct event *ev)
{
	struct dmasim_alarm *a = ev->obj;

	(void)sim;
	a->fn(a);
}

int dmasim_sys_after(struct dmasim_sys *sys, uint64_t delay,
		     struct dmasim_alarm *a)
{
	if (delay > UINT64_MAX - sys->sim.now)
		return DMASIM_EINVAL;
	return sim_after(&sys->sim, delay, PHASE_REQUEST, alarm_event, a,
			 NULL, 0) ? 0 : DMASIM_ENOMEM;
}
