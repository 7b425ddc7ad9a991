/*
 * xact: a transaction routed hop by hop through a topology of buses.
 *
 * A transaction (address, length, data, direction, initiator) starts on
 * its master's bus.  The bus's address map routes it to a target:
 *   - a plain target (memory, device registers): the master holds the bus
 *     for the target's cycles (plus the snoop cycles of a coherent bus
 *     when the initiator does I/O), and when the tenure ends the data
 *     moves and the transaction completes;
 *   - a forwarding target (a bridge's window): the master holds the bus
 *     for the bridge's hop (the data beats of a write, the address of a
 *     read), then the bridge carries the transaction on: it queues it,
 *     issues it on the far bus as a transaction of its own, and completes
 *     it (a posted write at once, a read when its data has come back
 *     across).  A bridge whose queue is full admits the transaction later:
 *     the master waits without holding its bus.
 * Each hop charges its own time and contends on its own bus, so a DMA on
 * one bus and a CPU on another meet only where their paths share a hop.
 *
 * The master owns the transaction until its done callback, which runs
 * exactly once (at once, inside xact_start(), for an address no target
 * answers).  A master carries one transaction at a time: its released op
 * hands the tenure to xact_released().
 *
 * A fixed-address transaction (a device FIFO) is routed by its address
 * alone; its length is what the target's data register takes.  A paced
 * device's transaction waits for the device's request line; one that is
 * longer than the device's buffer comes back short (BUS_ERR_SHORT).
 *
 * Routing state machine (struct xact):
 *   START --xact_start: no target--> DONE (BUS_ERR_DECODE)
 *   START --plain target, ready--> ON_BUS --xact_released--> DONE
 *   START --plain target, not ready--> WAIT_READY --event--> ON_BUS
 *   START --forwarding, admitted--> ON_BUS --xact_released--> FORWARDED
 *   START --forwarding, queue full--> WAIT_ADMIT --xact_resume--> ON_BUS
 *   FORWARDED --the bridge completes it--> DONE
 */
#ifndef DMASIM_HW_XACT_H
#define DMASIM_HW_XACT_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

/* Hops a transaction may take before it is called a routing loop. */
#define XACT_MAX_HOPS 8

struct xact;
typedef void (*xact_done_fn)(struct xact *x);

struct xact {
	uint64_t addr;		/* bus address */
	uint64_t len;		/* bytes */
	void *data;		/* len bytes: read into, or written from */
	bool write;
	bool fixed;		/* a FIFO: route by the address alone */
	bool translated;	/* marked already translated (PCIe ATS's AT
				 * field): an IOMMU that trusts the device
				 * lets it through untranslated */
	bool ats_req;		/* a translation request (PCIe ATS): an
				 * 8-byte read that an IOMMU answers with
				 * the translation of the address's page
				 * (hw/ats.h, 0: none), touching no
				 * memory */
	bool message;		/* a message routed to its receiver, not an
				 * address to translate (an ATS
				 * invalidation's completion): an IOMMU
				 * lets it through only to its own
				 * registers */
	const struct bus_master *init;	/* the initiator, for snoopers */
	int status;		/* BUS_OK or BUS_ERR_* once done */
	xact_done_fn done;
	void *ctx;		/* the caller's */
	/* private */
	struct bus_master *m;	/* the master carrying it on this hop */
	struct bus_target *t;	/* where this hop goes */
	uint64_t off;		/* offset in t */
	uint64_t cycles;	/* bus cycles of this hop */
	unsigned hops;		/* bridges crossed */
	struct ev_handle wait;	/* waiting for a paced target */
	struct xact *next;	/* in a bridge's admission queue */
};

/* Fill a transaction (the private part is reset by xact_start). */
void xact_init(struct xact *x, uint64_t addr, void *data, uint64_t len,
	       bool write, const struct bus_master *init, xact_done_fn done,
	       void *ctx);

/* Start x on master m's bus (m neither waiting nor owning).  May complete
 * at once (a decode error) through x->done. */
void xact_start(struct bus_master *m, struct xact *x);

/* m's tenure for x ended: move the data or hand x to the bridge. */
void xact_released(struct xact *x);

/* A bridge admits x after all: it asks its bus for its hop. */
void xact_resume(struct xact *x);

/* Whether an access to [addr, addr + len) on bus leaves the bus through a
 * forwarding target (a bridge). */
bool xact_remote(const struct bus *bus, uint64_t addr, uint64_t len,
		 bool fixed);

#endif
