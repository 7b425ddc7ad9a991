/*
 * bridge: a bridge between two buses, A and B, in the manner of a PCI
 * bridge or an AHB-to-APB bridge: windows of addresses claimed on one bus
 * are forwarded, unchanged, to the other.  Each direction (A to B, B to A)
 * has its own windows, queue and two bus masters: one that issues the
 * forwarded transactions on the far bus, one that returns read data on
 * the near bus.
 *
 * Timing of a transaction crossing from the near bus to the far bus:
 *   near hop     the initiator holds the near bus for the data beats of a
 *                write, or one address cycle of a read (beats of the
 *                narrower of the bus and the bridge)
 *   queue        at most `queue` transactions per direction are inside the
 *                bridge; an initiator that finds it full waits (without
 *                its bus) until one leaves: back-pressure
 *   crossing     `latency` ps, then the forwarder issues the transaction on
 *                the far bus as an initiator (in order: one at a time, so
 *                reads never pass writes), contending there like any
 *                master; the far hop is the target's own cycles
 *   completion   a posted write completes for its initiator when the near
 *                hop ends (its data is in the bridge); a non-posted write
 *                when the far hop ends plus `latency`; a read when its data
 *                has crossed back (`latency`) and the returner has held
 *                the near bus for its beats
 * The forwarded transaction keeps its initiator, so the far bus's
 * snoopers see the I/O device, not the bridge.  Ordering follows PCI's
 * producer-consumer rule: a completion (read data, or a non-posted
 * write's) never passes the posted writes that entered the bridge the
 * other way before it came back: a driver that reads a device register
 * after the device's DMA writes into memory sees those writes done.
 *
 * Queue entry state machine (per direction, FIFO):
 *   FREE --admit (bridge_admit)--> RESERVED --near hop ends
 *   (bridge_forward)--> QUEUED --latency, forwarder idle (fwd_issue)-->
 *   FAR --far hop ends (fwd_done)--> FREE (write) or RETURN (read)
 *   RETURN --latency, the posted writes it must not pass done, the
 *   returner's tenure (ret_released)--> FREE
 * Invariant (bridge_check): used slots = reserved + queued + in flight.
 */
#ifndef DMASIM_HW_BRIDGE_H
#define DMASIM_HW_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "xact.h"

#define BRIDGE_MAX_WINDOWS 8

enum bridge_dir { BRIDGE_A_TO_B = 0, BRIDGE_B_TO_A = 1 };

struct bridge_config {
	uint64_t latency;	/* ps to cross, each way */
	uint32_t width;		/* bytes per beat of its data path; 0: the
				 * buses' own widths */
	uint32_t queue;		/* transactions inside, per direction (>= 1) */
	bool posted;		/* writes complete when accepted */
	int priority;		/* of its masters on either bus */
};

struct bridge;

struct bridge_window {
	struct bus_target tgt;
	struct bridge *br;
	enum bridge_dir dir;
};

struct bridge_entry {
	struct xact *x;		/* the initiator's; NULL once a posted write
				 * has completed for it */
	struct xact sub;	/* its copy on the far bus */
	uint8_t *buf;		/* the data while inside */
	uint64_t cap;		/* bytes of buf */
	uint64_t at;		/* ps: when it may cross (either way) */
	uint64_t order;		/* a completion: posted writes the other way
				 * that must reach their target first */
	uint64_t addr;		/* the address it came with (an IOVA when
				 * translated) */
	uint64_t total;		/* bytes in all */
	uint64_t moved;		/* bytes done on the far bus so far */
	struct bridge_side *side;	/* the direction it belongs to */
	struct bridge_entry *next;	/* queued, or returning */
};

struct bridge_side;

/*
 * A translation stage on one direction (an IOMMU; see iommu.h): before
 * each piece of an entry goes to the far bus, translate() sets e->sub's
 * address (and may shorten its length, to the end of a page), then calls
 * bridge_xlate_done() with 0 or a BUS_ERR_* status (the access is blocked:
 * nothing moves; a posted write is dropped, a read completes with the
 * error).  It may take time (a page walk) before it calls back.
 */
struct bridge_xlate {
	void (*translate)(void *ctx, struct bridge_side *s,
			  struct bridge_entry *e);
	void *ctx;
};

struct bridge_side {
	struct bus *near, *far;
	struct bridge_window win[BRIDGE_MAX_WINDOWS];
	unsigned nwin;
	struct bus_master fwd;	/* on the far bus */
	struct bus_master ret;	/* on the near bus */
	const struct bridge_xlate *xl;	/* a translation stage, or NULL */
	struct bridge_entry *slots;	/* cfg.queue entries */
	struct bridge_entry *free;
	unsigned used;		/* reserved or inside */
	struct xact *wait_head, *wait_tail;	/* waiting for admission */
	struct bridge_entry *q_head, *q_tail;	/* to forward, in order */
	struct bridge_entry *far_busy;		/* on the far bus */
	bool fwd_pending;			/* a latency timer runs */
	struct bridge_entry *r_head, *r_tail;	/* reads to return */
	struct bridge_entry *ret_busy;		/* returning on the near bus */
	uint64_t posted_in, posted_out;	/* posted writes accepted, and
					 * done on the far bus */
	/* statistics */
	uint64_t forwarded, reads, writes, bytes, stalls, wait_ps;
};

struct bridge {
	struct bridge_config cfg;
	struct sim *sim;
	char name[32];
	struct bridge_side side[2];	/* by enum bridge_dir */
};

/* A bridge between buses a and b.  Returns 0, DMASIM_EINVAL (the same
 * bus twice, a zero queue) or DMASIM_ENOMEM. */
int bridge_init(struct bridge *br, struct sim *sim, const char *name,
		struct bus *a, struct bus *b, const struct bridge_config *cfg);
void bridge_fini(struct bridge *br);

/* Claim [base, base + size) on the near bus of dir and forward it to the
 * far bus.  Returns 0, DMASIM_EINVAL (empty, overlapping a target, or a
 * routing loop: the far bus sends the window's base back) or
 * DMASIM_ERANGE (too many windows). */
int bridge_window(struct bridge *br, enum bridge_dir dir, uint64_t base,
		  uint64_t size);

/* Put a translation stage on one direction (before any traffic). */
void bridge_set_xlate(struct bridge *br, enum bridge_dir dir,
		      const struct bridge_xlate *xl);
/* The translation of e's next piece is done: status 0 (e->sub's address
 * and length set) or BUS_ERR_* (blocked). */
/* The stage answered a read itself (an ATS translation request): its data
 * is in e's buffer, nothing goes to the far bus, the read returns. */
void bridge_xlate_answer(struct bridge_side *s, struct bridge_entry *e);
void bridge_xlate_done(struct bridge_side *s, struct bridge_entry *e,
		       int status);

bool bridge_check(const struct bridge *br);

#endif
