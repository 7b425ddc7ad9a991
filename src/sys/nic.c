/* nic (sys): NICs as components of a system (dmasim/machine.h).  See
 * hw/nic.h for the device. */
#include "nic.h"

#include <math.h>
#include <string.h>

void dmasim_nic_config_init(struct dmasim_nic_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base = DMASIM_DEFAULT;
	cfg->line_rate = 10e9;
	cfg->pkt_size = 64;
	cfg->wire_overhead = 20;	/* preamble 8, inter-frame gap 12 */
	cfg->seed = DMASIM_DEFAULT;
	cfg->burst = 256;
	cfg->buf_size = 2048;
	cfg->itr_pkts = 1;
}

static void nic_fini_cb(void *obj)
{
	nic_fini(&((struct dmasim_nic *)obj)->n);
}

int dmasim_nic_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
		   const struct dmasim_nic_config *cfg, struct dmasim_nic **out)
{
	const char *what = "nic", *bad;
	struct dmasim_nic_config def;
	struct nic_config nc;
	struct dmasim_nic *d;
	struct irq_sink irq = { 0 };
	char name[SYS_NAME_MAX];
	uint64_t base;
	int err;

	if (!cfg) {
		dmasim_nic_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_pick_bus(sys, what, &bus)) ||
	    (err = sys_comp_name(sys, what, cfg->name, "nic", sys->nnics,
				 name, sizeof(name))))
		return err;
	memset(&nc, 0, sizeof(nc));
	nc.line_rate = cfg->line_rate;
	nc.pkt_size = cfg->pkt_size;
	nc.wire_overhead = cfg->wire_overhead;
	nc.rate = cfg->rate;
	nc.arrival = cfg->arrival == DMASIM_ARRIVAL_POISSON ? NIC_POISSON :
		     NIC_DETERMINISTIC;
	nc.packets = cfg->packets;
	nc.seed = cfg->seed != DMASIM_DEFAULT ? cfg->seed : sys->nnics + 1;
	nc.burst = cfg->burst;
	nc.buf_size = cfg->buf_size;
	nc.itr_pkts = cfg->itr_pkts;
	nc.itr_time = cfg->itr_time;
	nc.latency = cfg->latency;
	if (cfg->arrival == DMASIM_ARRIVAL_TRACE)
		return sys_error(sys, DMASIM_EINVAL, "nic '%s': arrival "
				 "trace: expected deterministic or poisson",
				 name);
	if ((bad = nic_config_check(&nc)))
		return sys_error(sys, DMASIM_EINVAL, "nic '%s': %s", name, bad);
	if ((err = sys_irq_check(sys, "nic", name, cfg->intc, cfg->irq_line,
				 cfg->msi)))
		return err;
	if (cfg->cluster && sys->cluster != cfg->cluster)
		return sys_error(sys, DMASIM_EINVAL, "nic '%s': cluster: "
				 "expected the cluster system '%s' is a node "
				 "of", name, sys->name);
	if (cfg->cluster && cfg->packets)
		return sys_error(sys, DMASIM_EINVAL, "nic '%s': packets %llu: "
				 "expected 0 on a cluster port (its frames "
				 "come from the network)", name,
				 (unsigned long long)cfg->packets);
	if (cfg->cluster &&
	    sys_cluster_net(cfg->cluster)->ports[sys->node].attached)
		return sys_error(sys, DMASIM_EINVAL, "nic '%s': node %u has "
				 "a device on its port already", name,
				 sys->node);
	base = cfg->base != DMASIM_DEFAULT ? cfg->base :
	       0x58000000ull + NIC_WINDOW * (uint64_t)sys->nnics;
	d = sys_alloc(sys, sizeof(*d), nic_fini_cb);
	if (!d)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	d->sys = sys;
	err = nic_init(&d->n, &sys->sim, &bus->bus, name, base, &nc);
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "nic '%s': window at %#llx "
				 "overlaps another target", name,
				 (unsigned long long)base);
	if (err)
		return sys_error(sys, err, "nic '%s': %s", name,
				 dmasim_strerror(err));
	if ((err = sys_irq_sink(sys, name, &bus->bus, cfg->intc,
				cfg->irq_line, cfg->msi, &d->msi, &irq)))
		return err;
	nic_set_irq(&d->n, irq);
	if (cfg->cluster &&
	    nic_attach(&d->n, sys_cluster_net(cfg->cluster), sys->node))
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	sys->nnics++;
	if (out)
		*out = d;
	return 0;
}

uint64_t dmasim_nic_base(const struct dmasim_nic *nic)
{
	return nic->n.tgt.base;
}

void dmasim_nic_start(struct dmasim_nic *nic)
{
	nic_start(&nic->n);
}

void dmasim_nic_info(const struct dmasim_nic *nic, struct dmasim_nic_info *o)
{
	const struct nic *n = &nic->n;

	memset(o, 0, sizeof(*o));
	o->name = n->name;
	o->sent = n->sent;
	o->rx_packets = n->rx_packets;
	o->rx_bytes = n->rx_bytes;
	o->rx_drops = n->rx_drops;
	o->rx_errors = n->rx_errors;
	o->fcs_errors = n->fcs_errors;
	o->tx_packets = n->tx_packets;
	o->tx_bytes = n->tx_bytes;
	o->tx_hash = n->tx_hash;
	o->tx_errors = n->tx_errors;
	o->irqs = n->irqs;
	o->desc_fetches = n->desc_fetches;
	o->desc_writebacks = n->desc_writebacks;
	o->guest_errors = n->guest_errors;
	o->rdh = n->rdh;
	o->rdt = n->rdt;
	o->tdh = n->tdh;
	o->tdt = n->tdt;
	o->wire_ps = n->wire;
}

void dmasim_nic_packet(const struct dmasim_nic *nic, uint64_t seq, void *dst,
		       uint32_t len)
{
	nic_packet(&nic->n, seq, dst, len);
}
