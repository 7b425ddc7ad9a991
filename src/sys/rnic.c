/* rnic (sys): RDMA NICs as components of a node (dmasim/machine.h).  See
 * hw/rnic.h for the device. */
#include <string.h>

#include "hw/rnic.h"
#include "sys.h"

struct dmasim_rnic {
	struct rnic r;
	struct dmasim_sys *sys;
};

void dmasim_rnic_config_init(struct dmasim_rnic_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base = DMASIM_DEFAULT;
	cfg->mtu = 4096;
	cfg->engines = 8;
	cfg->proc = 50000;
	cfg->cmd_time = 10000000;
	cfg->timeout = 20000000;
	cfg->retry = 7;
	cfg->rnr_delay = 10000000;
	cfg->rnr_retry = 7;
}

static void rnic_fini_cb(void *obj)
{
	rnic_fini(&((struct dmasim_rnic *)obj)->r);
}

int dmasim_rnic_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		   const struct dmasim_rnic_config *cfg,
		   struct dmasim_rnic **out)
{
	const char *what = "rnic", *bad;
	struct dmasim_rnic_config def;
	struct rnic_config rc;
	struct dmasim_rnic *d;
	char name[SYS_NAME_MAX];
	struct net *net;
	uint64_t base;
	int err;

	if (!cfg) {
		dmasim_rnic_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "rnic", sys->nrnics,
				 name, sizeof(name))))
		return err;
	if (!cfg->cluster || sys->cluster != cfg->cluster)
		return sys_error(sys, DMASIM_EINVAL, "rnic '%s': cluster: "
				 "expected the cluster system '%s' is a node "
				 "of", name, sys->name);
	net = sys_cluster_net(cfg->cluster);
	if (net->ports[sys->node].attached)
		return sys_error(sys, DMASIM_EINVAL, "rnic '%s': node %u has "
				 "an RDMA NIC on its port already", name,
				 sys->node);
	rc = (struct rnic_config){ .mtu = cfg->mtu, .engines = cfg->engines,
		.latency = cfg->latency, .proc = cfg->proc,
		.cmd_time = cfg->cmd_time, .timeout = cfg->timeout,
		.retry = cfg->retry, .rnr_delay = cfg->rnr_delay,
		.rnr_retry = cfg->rnr_retry };
	if ((bad = rnic_config_check(&rc)))
		return sys_error(sys, DMASIM_EINVAL, "rnic '%s': %s", name, bad);
	base = cfg->base != DMASIM_DEFAULT ? cfg->base :
	       0x5A000000ull + RNIC_WINDOW * (uint64_t)sys->nrnics;
	d = sys_alloc(sys, sizeof(*d), rnic_fini_cb);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	err = rnic_init(&d->r, &sys->sim, &bus->bus, name, base, &rc);
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "rnic '%s': window at %#llx "
				 "overlaps another target", name,
				 (unsigned long long)base);
	if (err)
		return sys_error(sys, err, "rnic '%s': %s", name,
				 dmasim_strerror(err));
	if (rnic_attach(&d->r, net, sys->node))
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	sys->nrnics++;
	if (out)
		*out = d;
	return 0;
}

uint64_t dmasim_rnic_base(const struct dmasim_rnic *r)
{
	return r->r.tgt.base;
}

uint32_t dmasim_rnic_node(const struct dmasim_rnic *r)
{
	return r->r.node;
}

const char *dmasim_rnic_name(const struct dmasim_rnic *r)
{
	return r->r.name;
}

int dmasim_rnic_qp_info(const struct dmasim_rnic *r, uint32_t qpn,
			struct dmasim_rnic_qp_info *o)
{
	const struct rnic_qp *qp;

	if (qpn >= r->r.nqp)
		return DMASIM_EINVAL;
	qp = r->r.qp[qpn];
	memset(o, 0, sizeof(*o));
	o->state = (int)qp->state;
	o->next_psn = qp->next_psn;
	o->expected_psn = qp->epsn;
	o->held = qp->w_len;
	o->retransmits = qp->retransmits;
	o->duplicates = qp->duplicates;
	o->naks = qp->naks;
	return 0;
}
