/* pcie_dll: what a PCIe link's wire carries beside TLPs: the data link
 * layer's Acks and UpdateFCs and the physical layer's SKP ordered sets,
 * each holding the direction's wire for its own time, between TLPs.  The
 * mechanism, its sizes, intervals and sources are in pcie.h. */
#include <assert.h>

#include "kernel/base.h"
#include "pcie.h"
#include "pcie_int.h"

/* ps a DLLP holds the wire. */
static uint64_t dllp_wire_ps(const struct pcie_link *l)
{
#ifdef DMASIM_MUTATE_PCIE_DLLP_FREE
	/* broken on purpose: Acks and UpdateFCs take no wire time, so they
	 * never delay a TLP (their trip across the link kept) */
	(void)l;
	return 0;
#else
	return l->dllp_ps;
#endif
}

/* ---- flow control: UpdateFC ---- */

/* An UpdateFC reached the sender of d: its credits may be used. */
static void credit_event(struct sim *sim, struct event *ev)
{
	struct pcie_dir *d = ev->obj;
	uint64_t a = ev->arg;
	enum pcie_tlp_type type = (enum pcie_tlp_type)(a >> 56);
	int64_t h = (int64_t)((a >> 32) & 0xffffffu);
	int64_t dc = (int64_t)(a & 0xffffffffu);

	(void)sim;
	switch (type) {
	case PCIE_MWR:
		d->cr_ph += h;
		d->cr_pd += dc;
		break;
	case PCIE_MRD:
		d->cr_nph += h;
		break;
	case PCIE_CPL:
		d->cr_cplh += h;
		d->cr_cpld += dc;
		break;
	}
	pcie_kick_tx(d);
}

void pcie_credit_return(struct pcie_dir *d, enum pcie_tlp_type type,
			uint64_t len, int status)
{
	struct pcie_link *l = d->l;
	const struct pcie_credits *c = &l->cfg.credits;
	uint64_t dc = type == PCIE_MRD || status ? 0 :
		      pcie_data_credits(len);
	bool finite = type == PCIE_MWR ? (c->ph || c->pd) :
		      type == PCIE_MRD ? c->nph != 0 : (c->cplh || c->cpld);
	struct pcie_dir *w = pcie_other(d);

	if (!finite)
		return;		/* infinite credits: no UpdateFC */
#ifdef DMASIM_MUTATE_PCIE_FC_UPDATE_INSTANT
	/* broken on purpose: the UpdateFC's trip back across the link left
	 * out, the sender sees its credits at once */
	if (!sim_after(l->sim, 0, PHASE_REQUEST, credit_event, d, NULL,
		       ((uint64_t)type << 56) | (1ull << 32) | dc))
		assert(!"out of event memory");
	return;
#endif
	/* one waiting already carries the running count: these ride in it */
	w->fc_due |= 1u << type;
	w->fc_h[type]++;
	w->fc_d[type] += dc;
	pcie_kick_tx(w);
}

/* ---- acknowledgement: Ack ---- */

/* d's receiver owes the sender an Ack: it waits for the reverse wire and,
 * once sent, covers every TLP received up to then (ack_sent). */
static void ack_schedule(struct pcie_dir *d)
{
	struct pcie_dir *w = pcie_other(d);

	sim_cancel(d->l->sim, d->ack_ev);
	d->ack_ev = evq_handle(NULL);
	w->ack_due = true;
	pcie_kick_tx(w);
}

static void ack_timer_event(struct sim *sim, struct event *ev)
{
	struct pcie_dir *d = ev->obj;

	(void)sim;
	d->ack_ev = evq_handle(NULL);
	ack_schedule(d);
}

/* The Ack for d's receiver left on the reverse wire: it acknowledges all
 * that d's receiver has had so far (its latest sequence number). */
static void ack_sent(struct pcie_dir *d)
{
	d->unacked = 0;
	sim_cancel(d->l->sim, d->ack_ev);
	d->ack_ev = evq_handle(NULL);
}

void pcie_dll_received(struct pcie_dir *d)
{
	struct pcie_link *l = d->l;
	struct event *ev;

	d->unacked++;
	if (pcie_other(d)->ack_due) {
		/* the Ack waiting will cover this one too */
	} else if (l->cfg.ack_tlps && d->unacked >= l->cfg.ack_tlps) {
		ack_schedule(d);
	} else if (!evq_pending(d->ack_ev)) {
		ev = sim_after(l->sim, l->ack_ps, PHASE_REQUEST,
			       ack_timer_event, d, NULL, 0);
		if (!ev)
			assert(!"out of event memory");
		d->ack_ev = evq_handle(ev);
	}
	assert(pcie_link_check(l));
}

/* ---- the wire ---- */

bool pcie_dll_tx(struct pcie_dir *d)
{
	struct pcie_link *l = d->l;
	struct sim *sim = l->sim;
	uint64_t now = sim->now, ps;

	/* SKP ordered sets: at the end of the packet one fell due in, and on
	 * an idle wire at their times, those past accounted now */
	if (d->skp_next <= now) {
		uint64_t s = d->skp_next > d->wire_free ? d->skp_next :
			     d->wire_free;
		uint64_t period = l->skp_ps + l->skp_gap_ps, k = 0;

		/* from s on the wire is idle: one every period up to now */
		if (now > s)
			k = (now - s) / period;
		s += k * period;
		d->st.skps += k + 1;
		d->st.skp_ps += (k + 1) * l->skp_ps;
		d->wire_free = s + l->skp_ps;
		d->skp_next = d->wire_free + l->skp_gap_ps;
		if (d->wire_free > now) {
			pcie_wire_hold(d, d->wire_free);
			return true;
		}
		assert(d->skp_next > now);
	}
	if (!d->ack_due && !d->fc_due)
		return false;
	ps = dllp_wire_ps(l);
	if (d->ack_due) {
		d->ack_due = false;
		ack_sent(pcie_other(d));
		d->st.acks++;
		d->st.dllp_bytes += DLLP_BYTES;
		d->st.dllp_ps += ps;
		pcie_wire_hold(d, now + ps);
		return true;
	}
	for (int type = PCIE_MWR; type <= PCIE_CPL; type++) {
		uint64_t arg;

		if (!(d->fc_due & 1u << type))
			continue;
		assert(d->fc_h[type] < (1u << 24) &&
		       d->fc_d[type] <= 0xffffffffu);
		arg = ((uint64_t)type << 56) | ((uint64_t)d->fc_h[type] << 32) |
		      d->fc_d[type];
		d->fc_due &= ~(1u << type);
		d->fc_h[type] = 0;
		d->fc_d[type] = 0;
		d->st.updatefcs++;
		d->st.dllp_bytes += DLLP_BYTES;
		d->st.dllp_ps += ps;
		/* the credits are the other direction's sender's */
		if (!sim_at(sim, now + ps + l->cfg.latency, PHASE_REQUEST,
			    credit_event, pcie_other(d), NULL, arg))
			assert(!"out of event memory");
		pcie_wire_hold(d, now + ps);
		return true;
	}
	return false;
}
