/* pcie_link: a PCIe link's configuration, rates and set-up, and the root
 * complex's MSI target.  See pcie.h. */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intc.h"
#include "kernel/alloc.h"
#include "kernel/base.h"
#include "pcie.h"
#include "pcie_int.h"

/* ---- configuration and rates ---- */

static const uint64_t gen_mts[6] = { 0, 2500, 5000, 8000, 16000, 32000 };

static bool pow2_in(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

const char *pcie_config_error(const struct pcie_link_config *c)
{
	if (c->gen < 1 || c->gen > 5)
		return "gen: expected a PCIe generation 1 to 5";
	if (!pow2_in(c->width, 1, 16))
		return "width: expected 1, 2, 4, 8 or 16 lanes";
	if (!pow2_in(c->mps, 128, 4096))
		return "mps: expected a max payload of 128, 256, 512, 1024, "
		       "2048 or 4096 bytes";
	if (!pow2_in(c->mrrs, 128, 4096))
		return "mrrs: expected a max read request of 128, 256, 512, "
		       "1024, 2048 or 4096 bytes";
	if (c->rcb != 64 && c->rcb != 128)
		return "rcb: expected a read completion boundary of 64 or 128 "
		       "bytes";
	if (c->tlp_overhead > 64 || c->cpl_overhead > 64)
		return "overhead: expected at most 64 bytes per TLP";
	if (!c->queue || c->queue > 4096)
		return "queue: expected 1 to 4096 requests";
	if (!c->tags || c->tags > 4096)
		return "tags: expected 1 to 4096 outstanding reads";
	if (c->ack_tlps > 4096)
		return "ack_tlps: expected 0 (the timer alone) to 4096 TLPs "
		       "per Ack";
	if (c->ack_timer > 1000000000ull)
		return "ack_timer: expected 0 (the spec's limit) to 1 ms";
	if (c->skp_interval && c->gen >= 3 &&
	    (c->skp_interval < 370 || c->skp_interval > 375))
		return "skp_interval: expected 370 to 375 blocks between SKP "
		       "ordered sets at Gen3 and later (0: 370)";
	if (c->skp_interval && c->gen <= 2 &&
	    (c->skp_interval < 1180 || c->skp_interval > 1538))
		return "skp_interval: expected 1180 to 1538 symbol times "
		       "between SKP ordered sets at Gen1 and Gen2 (0: 1180)";
	if ((c->credits.pd && c->credits.pd < c->mps / CREDIT_BYTES) ||
	    (c->credits.cpld && c->credits.cpld < c->mps / CREDIT_BYTES))
		return "credits: expected data credits (16 bytes each) for at "
		       "least one max-payload TLP";
	return NULL;
}

uint32_t pcie_tlp_overhead(const struct pcie_link_config *cfg,
			   enum pcie_tlp_type type)
{
#ifdef DMASIM_MUTATE_PCIE_NO_TLP_OVERHEAD
	(void)cfg;
	(void)type;
	return 0;
#else
	return type == PCIE_CPL ? cfg->cpl_overhead : cfg->tlp_overhead;
#endif
}

/* AckFactor x 10 (the spec's table for 2.5 GT/s) by max payload and
 * width: 1.4 up to x4, 2.5 at x8 and 3.0 at x16 for 128 and 256 bytes;
 * 1.0 up to x8 and 2.0 at x16 for 512 and above (so x8 and x16 wait the
 * same there). */
static uint64_t ack_factor10(uint32_t mps, unsigned width)
{
	if (mps <= 256)
		return width <= 4 ? 14 : width == 8 ? 25 : 30;
	return width <= 8 ? 10 : 20;
}

uint64_t pcie_ack_limit_ps(const struct pcie_link_config *c)
{
	static const uint64_t delay[6] = { 0, 19, 70, 115, 115, 115 };
	/* a symbol time: 10 bit times at 8b/10b, 8 at 128b/130b */
	uint64_t sym = (c->gen <= 2 ? 10 : 8) * 1000000ull / gen_mts[c->gen];

	return (c->mps + 28) * ack_factor10(c->mps, c->width) * sym /
	       (10 * c->width) + delay[c->gen] * sym;
}

double pcie_link_rate(const struct pcie_link *l)
{
	return (double)l->mts * 1e6 * l->enc_num / l->enc_den / 8.0 *
	       l->cfg.width;
}

uint64_t pcie_link_wire_ps(const struct pcie_link *l, uint64_t n)
{
	/* n bytes = 8n payload bits = 8n * den / num line bits, at mts * 1e6
	 * line bits per second per lane */
	uint64_t num = n * 8 * l->enc_den * 1000000ull;
	uint64_t den = l->mts * l->enc_num * l->cfg.width;

	return (num + den - 1) / den;
}

/* ---- set-up ---- */

static int dir_init(struct pcie_link *l, struct pcie_dir *d,
		    enum pcie_dir_id id, struct bus *near, struct bus *far)
{
	const char *dn = id == PCIE_DOWN ? "down" : "up";
	const struct pcie_credits *c = &l->cfg.credits;
	char name[48], prefix[64];
	struct {
		const char *n, *u;
		uint64_t *v;
	} st[] = {
		{ "tlps", "", &d->st.tlps },
		{ "payload", "bytes", &d->st.payload },
		{ "overhead", "bytes", &d->st.overhead },
		{ "writes", "", &d->st.writes },
		{ "reads", "", &d->st.reads },
		{ "completions", "", &d->st.cpls },
		{ "credit_stalls", "", &d->st.credit_stalls },
		{ "tag_stalls", "", &d->st.tag_stalls },
		{ "stall_time", "ps", &d->st.stall_ps },
		{ "busy_time", "ps", &d->st.busy_ps },
		{ "queue_stalls", "", &d->st.queue_stalls },
		{ "acks", "", &d->st.acks },
		{ "updatefcs", "", &d->st.updatefcs },
		{ "dllp_bytes", "bytes", &d->st.dllp_bytes },
		{ "dllp_time", "ps", &d->st.dllp_ps },
		{ "skps", "", &d->st.skps },
		{ "skp_time", "ps", &d->st.skp_ps },
	};
	int err;

	d->l = l;
	d->id = id;
	d->near = near;
	d->far = far;
	d->cr_ph = c->ph;
	d->cr_pd = c->pd;
	d->cr_nph = c->nph;
	d->cr_cplh = c->cplh;
	d->cr_cpld = c->cpld;
	d->skp_next = l->skp_gap_ps;
	for (unsigned i = 0; i < PCIE_MAX_WINDOWS; i++)
		d->win[i].d = d;
	d->slots = dm_calloc(l->cfg.queue, sizeof(*d->slots));
	if (!d->slots)
		return DMASIM_ENOMEM;
	for (uint32_t i = l->cfg.queue; i-- > 0;) {
		d->slots[i].d = d;
		d->slots[i].next = d->free;
		d->free = &d->slots[i];
	}
	snprintf(name, sizeof(name), "%s.%s", l->name, dn);
	err = bus_attach(far, &d->iss, name, &pcie_iss_ops, BUS_MODE_BURST,
			 l->cfg.priority);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s.%s_ret", l->name, dn);
	err = bus_attach(near, &d->ret, name, &pcie_ret_ops, BUS_MODE_BURST,
			 l->cfg.priority);
	if (err)
		return err;
	snprintf(prefix, sizeof(prefix), "%s.%s", l->name, dn);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (stats_add(&l->sim->stats, prefix, st[i].n, STAT_COUNTER,
			      st[i].u, st[i].v))
			return DMASIM_ENOMEM;
	return 0;
}

int pcie_link_init(struct pcie_link *l, struct sim *sim, const char *name,
		   struct bus *up, struct bus *down,
		   const struct pcie_link_config *cfg)
{
	int err;

	if (up == down || pcie_config_error(cfg))
		return DMASIM_EINVAL;
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	l->sim = sim;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->mts = gen_mts[cfg->gen];
	l->enc_num = cfg->gen <= 2 ? 8 : 128;
	l->enc_den = cfg->gen <= 2 ? 10 : 130;
	l->ack_ps = cfg->ack_timer ? cfg->ack_timer : pcie_ack_limit_ps(cfg);
	l->dllp_ps = pcie_link_wire_ps(l, DLLP_BYTES);
	if (cfg->gen >= 3) {
		/* a block: 16 bytes (130 bits) on every lane */
		uint32_t n = cfg->skp_interval ? cfg->skp_interval : 370;

		l->skp_ps = pcie_link_wire_ps(l, 16ull * cfg->width);
		l->skp_gap_ps = pcie_link_wire_ps(l, 16ull * n * cfg->width);
	} else {
		/* COM and three SKP symbols on every lane */
		uint32_t n = cfg->skp_interval ? cfg->skp_interval : 1180;

		l->skp_ps = pcie_link_wire_ps(l, 4ull * cfg->width);
		l->skp_gap_ps = pcie_link_wire_ps(l, (uint64_t)n * cfg->width);
	}
	err = dir_init(l, &l->dir[PCIE_DOWN], PCIE_DOWN, up, down);
	if (!err)
		err = dir_init(l, &l->dir[PCIE_UP], PCIE_UP, down, up);
	return err;
}

void pcie_link_fini(struct pcie_link *l)
{
	for (int i = 0; i < 2; i++) {
		struct pcie_dir *d = &l->dir[i];

		for (uint32_t k = 0; d->slots && k < l->cfg.queue; k++)
			dm_free(d->slots[k].buf);
		dm_free(d->slots);
		d->slots = NULL;
	}
	for (unsigned i = 0; i < l->nchunks; i++)
		dm_free(l->chunks[i]);
	dm_free(l->chunks);
	l->chunks = NULL;
	l->nchunks = 0;
	l->pool = NULL;
}

int pcie_link_window(struct pcie_link *l, enum pcie_dir_id dir,
		     uint64_t base, uint64_t size)
{
	struct pcie_dir *d = &l->dir[dir];
	struct pcie_win *w;

	if (d->nwin == PCIE_MAX_WINDOWS)
		return DMASIM_ERANGE;
	if (!size || base + size < base)
		return DMASIM_EINVAL;
	w = &d->win[d->nwin];
	w->tgt.ops = &pcie_window_ops;
	w->tgt.name = l->name;
	if (bus_map(d->near, &w->tgt, base, size))
		return DMASIM_EINVAL;
	d->nwin++;
	return 0;
}

bool pcie_link_check(const struct pcie_link *l)
{
	for (int i = 0; i < 2; i++) {
		const struct pcie_dir *d = &l->dir[i];

		if (d->used > l->cfg.queue || d->tags_used > l->cfg.tags)
			return false;
		if (d->wait_head && d->used < l->cfg.queue)
			return false;
		/* TLPs received and not acknowledged: their Ack's timer runs
		 * or the Ack waits on the reverse wire */
		if (d->unacked && !evq_pending(d->ack_ev) &&
		    !l->dir[1 - i].ack_due)
			return false;
	}
	return true;
}

/* ---- message-signalled interrupts ---- */

static uint64_t msi_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	(void)off;
	(void)write;
	return bus_beats(((struct pcie_msi *)t)->bus, len);
}

static int msi_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct pcie_msi *m = (struct pcie_msi *)t;
	const uint8_t *b = data;
	uint32_t v = 0;

	(void)off;
	if (!write) {
		memset(data, 0, len);
		return 0;
	}
	for (uint64_t i = 0; i < len && i < 4; i++)
		v |= (uint32_t)b[i] << (8 * i);
	if (v >= m->ic->nlines) {
		m->bad++;
		return BUS_ERR_SLAVE;
	}
	m->raised++;
	intc_raise(m->ic, v);
	return 0;
}

static const struct bus_target_ops msi_ops = {
	.cycles = msi_cycles,
	.access = msi_access,
};

int pcie_msi_init(struct pcie_msi *m, struct bus *bus, struct intc *ic,
		  uint64_t base, uint64_t size)
{
	memset(m, 0, sizeof(*m));
	m->tgt.ops = &msi_ops;
	m->tgt.name = "msi";
	m->bus = bus;
	m->ic = ic;
	return bus_map(bus, &m->tgt, base, size) ? DMASIM_EINVAL : 0;
}
