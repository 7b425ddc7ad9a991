/* pcie_int: what the parts of the PCIe link share.  Private. */
#ifndef DMASIM_HW_PCIE_INT_H
#define DMASIM_HW_PCIE_INT_H

#include "bus.h"
#include "pcie.h"

#define CREDIT_BYTES 16	/* bytes per data credit */
#define DLLP_BYTES 8	/* a DLLP and its framing on the wire */

extern const struct bus_master_ops pcie_iss_ops;	/* receivers */
extern const struct bus_master_ops pcie_ret_ops;	/* returners */
extern const struct bus_target_ops pcie_window_ops;	/* near hops */

/* Data credits n bytes take. */
static inline uint64_t pcie_data_credits(uint64_t n)
{
	return (n + CREDIT_BYTES - 1) / CREDIT_BYTES;
}

static inline struct pcie_dir *pcie_other(struct pcie_dir *d)
{
	return &d->l->dir[d->id == PCIE_DOWN ? PCIE_UP : PCIE_DOWN];
}

/* pcie.c: start what d's wire sends next, if it is free (event context). */
void pcie_kick_tx(struct pcie_dir *d);
/* pcie.c: d's wire sends from now until end; then the next packet. */
void pcie_wire_hold(struct pcie_dir *d, uint64_t end);

/* pcie_dll.c: put a SKP ordered set or a DLLP that is due on d's free
 * wire; returns whether it did (the wire is then held). */
bool pcie_dll_tx(struct pcie_dir *d);

/* Whether pcie_dll_tx may have something to send at now (the common
 * case, nothing, decided here without the call). */
static inline bool pcie_dll_due(const struct pcie_dir *d, uint64_t now)
{
	return d->skp_next <= now || d->ack_due || d->fc_due;
}
/* pcie_dll.c: a TLP arrived at d's receiver: it will be acknowledged. */
void pcie_dll_received(struct pcie_dir *d);
/* pcie_dll.c: d's receiver took a TLP out of its buffer: its credits go
 * back to d's sender in an UpdateFC the other way. */
void pcie_credit_return(struct pcie_dir *d, enum pcie_tlp_type type,
			uint64_t len, int status);

#endif
