/*
 * bus: a shared bus with one owner at a time and an arbiter.
 *
 * Initiators (bus masters: a CPU, DMA channels, devices) request the bus
 * for some cycles of work; the arbiter grants it at a bus clock edge to one
 * waiting master, which holds it for a tenure and releases it.  Time on the
 * bus is counted in cycles of the bus clock.
 *
 * Arbitration (per bus):
 *   round-robin  the first waiting master found scanning ids upward from
 *                just after the last granted one (from id 0 before the first
 *                grant), as in BUSBENCH-1.
 *   priority     the waiting master with the highest priority; equal
 *                priorities share round-robin.
 * Transfer modes (per master):
 *   burst           hold the bus for the whole request.
 *   cycle-stealing  hold it for one unit (a burst), release, request again.
 *                   A request of several units stays queued while a unit
 *                   holds the bus, and waits again for the rest from that
 *                   unit's release, unless the master's released op drops
 *                   it (bus_drop_rest()).
 *   transparent     use the bus only in cycles no other master wants: such a
 *                   master is granted only when no other master waits, and
 *                   is pre-empted at the next bus edge when one asks.
 * Arbitration latency: cycles between the grant decision and the first data
 * cycle of the tenure; the bus is owned (and idle) during them.
 *
 * Within one instant: tenures end in PHASE_RELEASE (where a master may ask
 * again at once), requests are made up to PHASE_REQUEST, and the arbiter
 * decides in PHASE_ARBITRATE, so its choice never depends on the order in
 * which same-instant events were scheduled.
 *
 * Trace points (kernel/trace.h): on the bus's track "bus" a span per
 * tenure named after the owner, the waiting count and the utilisation;
 * on each master's track "bus.<master>" its wait and tenure spans and its
 * req and grant wires.  A tenure's span and grant run from the grant
 * (arbitration latency included) to the release.  When traced, a
 * master's ops are wrapped by the bus's tracing ops, so that untraced
 * runs pay nothing on grants and releases.
 *
 * Bus state machine (bus->owner):
 *   IDLE --bus_arbitrate (a master waits)--> OWNED
 *   OWNED --bus_release_event (tenure ends)--> IDLE
 *   OWNED --bus_request by a non-transparent master while a transparent one
 *           owns it (bus_preempt)--> OWNED with the tenure cut at the next
 *           edge
 */
#ifndef DMASIM_HW_BUS_H
#define DMASIM_HW_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/clock.h"
#include "kernel/sim.h"

enum bus_arb { BUS_ARB_ROUND_ROBIN, BUS_ARB_PRIORITY };

/*
 * A target answers transactions in an address range of the bus: memory,
 * or a device's registers.  The bus routes a transaction to the target
 * whose range holds it; one that no target answers is a bus error, which
 * the initiator reports (a simulated error, never a host crash).
 */
struct bus_target;
struct xact;

struct bus_target_ops {
	/* Bus cycles a transaction of len bytes at offset off holds the bus:
	 * access latency plus data beats. */
	uint64_t (*cycles)(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write);
	/* Move the data: read len bytes at off into data, or write them from
	 * data.  Runs when the transaction completes.  Returns 0,
	 * BUS_ERR_SLAVE for an access the target refuses, or BUS_ERR_SHORT
	 * for one it carried out only in part (a device FIFO that ran empty
	 * or full: the bytes it did move stay moved). */
	int (*access)(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write);
	/*
	 * Optional, for paced devices: the request line.  *len (IN) is what
	 * an initiator wants to move at off; the target lowers it (OUT) to
	 * what its line covers, at most what its buffer holds and never 0,
	 * and returns the time (ps) from which that many bytes can be read
	 * (or written).  Initiators that honour the line wait for that time
	 * and move no more than *len in one access.  NULL: always ready, for
	 * any length.
	 */
	uint64_t (*ready)(struct bus_target *t, uint64_t off, uint64_t *len,
			  bool write);
	/*
	 * Optional, for a forwarding target (a bridge's window; see xact.h):
	 * admit() reserves room for x (false: x waits in the target's queue
	 * until xact_resume()); forward() takes x when the master's hop on
	 * this bus ends and completes it later; far() is the bus the window
	 * leads to, for untimed look-ups across it.  `access` is then not
	 * used.
	 */
	bool (*admit)(struct bus_target *t, struct xact *x);
	void (*forward)(struct bus_target *t, struct xact *x);
	struct bus *(*far)(struct bus_target *t);
};

enum bus_err {
	BUS_OK = 0,
	BUS_ERR_DECODE = 1,	/* no target answers the address */
	BUS_ERR_SLAVE = 2,	/* the target refused the access */
	BUS_ERR_SHORT = 3,	/* the target moved fewer bytes than asked */
};

struct bus_target {
	const struct bus_target_ops *ops;
	const char *name;
	uint64_t base;		/* bus address of offset 0 */
	uint64_t size;		/* bytes */
};
/*
 * A snooper watches the memory accesses of non-CPU masters (DMA): a cache
 * keeping coherent, the sanitizer.  `access` runs before a read moves its
 * data and after a write has; `cycles` (optional) adds bus cycles the
 * access costs for snooping.  Watching never changes what the master sees
 * unless the snooper models hardware that does (a coherent cache).
 */
struct bus_master;
struct bus_snooper {
	void (*access)(struct bus_snooper *s, const struct bus_master *m,
		       uint64_t addr, uint64_t len, bool write);
	uint64_t (*cycles)(struct bus_snooper *s, uint64_t addr, uint64_t len);
};

enum bus_mode { BUS_MODE_BURST, BUS_MODE_CYCLE_STEAL, BUS_MODE_TRANSPARENT };

struct bus;
struct bus_master;

struct bus_master_ops {
	/*
	 * The tenure ended after `cycles` data cycles (fewer than granted
	 * when a transparent master was pre-empted).  Runs in event context
	 * at the release instant; the master may call bus_request() again.
	 */
	void (*released)(struct bus_master *m, uint64_t cycles);
	/* Optional: the bus was just granted for `cycles` data cycles. */
	void (*granted)(struct bus_master *m, uint64_t cycles);
};

struct bus_master {
	const struct bus_master_ops *ops;
	/* ops' two functions, read once per grant without the table */
	void (*released)(struct bus_master *m, uint64_t cycles);
	void (*granted)(struct bus_master *m, uint64_t cycles);
	struct bus *bus;
	char name[32];
	unsigned id;		/* order of attachment, from 0 */
	int priority;		/* larger wins under BUS_ARB_PRIORITY */
	enum bus_mode mode;
	/* request state */
	bool waiting;		/* queued: also while it owns the bus, for the
				 * rest of a cycle-stealing request */
	bool rest;		/* tracing only, inside released: queued for
				 * the rest, not dropped */
	bool io;		/* an I/O initiator (DMA): snoopers see its
				 * memory accesses */
	bool quiet;		/* not told of a unit's release while the rest
				 * of its request stays queued
				 * (bus_set_quiet()) */
	/* trace track "bus.<master>", 0 if none; 16 bits fill the padding
	 * here, keeping the hot struct's size */
	uint16_t track;
	uint64_t req_time;	/* ps */
	uint64_t req_cycles;	/* bus cycles of work asked for */
	uint64_t req_unit;	/* bus cycles per unit (cycle stealing) */
	uint64_t req_grant;	/* bus cycles one grant covers at most: the
				 * unit in cycle-stealing mode, else all */
	/* statistics */
	uint64_t grants;
	uint64_t busy_cycles;	/* data cycles owned */
	uint64_t wait_ps;	/* ps spent waiting for grants */
	uint64_t preemptions;
};

struct bus_config {
	uint64_t period;	/* ps per bus cycle */
	enum bus_arb arb;
	uint32_t arb_latency;	/* bus cycles from grant to first data cycle */
	uint32_t width;		/* bytes moved per data cycle */
};

#define BUS_MAX_TARGETS 32

struct bus {
	struct bus_config cfg;
	struct bus_target *targets[BUS_MAX_TARGETS];	/* sorted by base */
	unsigned ntargets;
	struct clock clk;
	uint64_t arb_ps;	/* ps: the arbitration latency */
	struct sim *sim;
	char name[32];
	struct bus_master **m;	/* by id; m[n] is m[0] again, so that the
				 * round-robin scan may start at next == n */
	unsigned n, cap;
	/* state */
	struct bus_master *owner;
	uint64_t tenure_start;	/* ps: first data cycle */
	uint64_t tenure_cycles;	/* data cycles granted */
	uint64_t tenure_end;	/* ps: the tenure's release */
	struct event release;	/* embedded: the owner's tenure ends */
	bool arb_pending;
	bool releasing;		/* inside a release: arbitration decided after */
	unsigned next;		/* id the arbiter's scan starts from: just after
				 * the last master granted (0 before the first
				 * grant, and when that is past the last id) */
	unsigned waiting;	/* masters waiting */
	unsigned waiting_opaque; /* of which not transparent */
	struct bus_snooper **snoopers;	/* DMA watchers, in order added */
	unsigned nsnoopers, capsnoopers;
	/* statistics: grants, data cycles owned and cycles lost to the
	 * arbitration latency are the masters' (bus_grants(),
	 * bus_busy_cycles()) */
	uint32_t track;		/* trace track "bus", 0 if none */
	/* by master id, when traced: each master's own ops, which tracing
	 * wraps in bus_traced_ops */
	const struct bus_master_ops **traced_ops;
};

/* Grants made, and data cycles the bus was owned: its masters' summed. */
uint64_t bus_grants(const struct bus *bus);
uint64_t bus_busy_cycles(const struct bus *bus);

/* Returns 0, DMASIM_EINVAL for a zero period or width, DMASIM_ENOMEM. */
int bus_init(struct bus *bus, struct sim *sim, const char *name,
	     const struct bus_config *cfg);
void bus_fini(struct bus *bus);

/*
 * Attach a master; it gets the next id.  The master's ops, mode and
 * priority must be set; its statistics are registered as
 * "<bus>.<master>.<stat>".  Returns 0 or DMASIM_ENOMEM.
 */
int bus_attach(struct bus *bus, struct bus_master *m, const char *name,
	       const struct bus_master_ops *ops, enum bus_mode mode,
	       int priority);

/*
 * Ask for `cycles` data cycles of work in units of `unit` cycles (a burst);
 * in cycle-stealing mode each grant covers one unit and the rest stays
 * queued (see above).  The master must be neither waiting (nor queued for
 * a rest) nor owning.  Returns 0 or DMASIM_ENOMEM.
 */
int bus_request(struct bus_master *m, uint64_t cycles, uint64_t unit);

/*
 * The owner sets its tenure to `cycles` data cycles from the tenure's
 * first data cycle, ending no earlier than now (in the release phase when
 * now): a block-mode DMA channel
 * keeps the bus while a slow device makes it wait.  Not for a
 * transparent owner.
 */
void bus_hold(struct bus_master *m, uint64_t cycles);

/*
 * From a master's released op: give up the rest of a cycle-stealing
 * request, which would otherwise wait for the next grant (a master that
 * was stopped).  Nothing when there is no rest.
 */
void bus_drop_rest(struct bus_master *m);

/*
 * A master with a request of several units (cycle stealing) may ask not to
 * be told of each unit's release while the rest of the request stays
 * queued (quiet = true): its released op then runs when the request ends
 * (or is cut short), and the master reads the cycles it held meanwhile
 * from its busy_cycles.  It asks to be told again (false) before it must
 * act at a unit's release: to drop the rest when stopped.  A traced master
 * is always told (the trace draws every tenure).
 */
void bus_set_quiet(struct bus_master *m, bool quiet);

/*
 * The master's granted op has nothing to do (in its mode, fixed since
 * bus_attach()): the bus then does not call it, and may enter the
 * master's releases without the event queue (sim_lead()).  Nothing for a
 * traced master, whose grants the trace draws.
 */
void bus_skip_granted(struct bus_master *m);

/* Whole bus cycles a master has spent waiting for grants. */
static inline uint64_t bus_master_wait_cycles(const struct bus_master *m)
{
	return clock_cycles(&m->bus->clk, m->wait_ps);
}

static inline bool bus_idle(const struct bus *bus)
{
	return !bus->owner;
}

/*
 * Map a target at [base, base + size).  Returns 0, DMASIM_EINVAL for an
 * empty or overlapping range, or DMASIM_ERANGE when the map is full.
 */
int bus_map(struct bus *bus, struct bus_target *t, uint64_t base,
	    uint64_t size);

/* The target answering [addr, addr + len), with the offset into it in
 * *off; NULL when none answers the whole range. */
struct bus_target *bus_route(const struct bus *bus, uint64_t addr,
			     uint64_t len, uint64_t *off);

/* Whether [addr, addr + len) goes on from this bus to another (a bridge's
 * window answers it). */
static inline bool bus_passes_on(const struct bus *bus, uint64_t addr,
				 uint64_t len)
{
	uint64_t off;
	struct bus_target *t = bus_route(bus, addr, len, &off);

	return t && t->ops->far;
}

/* The target that finally answers [addr, addr + len), across bridges (at
 * most XACT_MAX_HOPS of them), for untimed look-ups such as a cache's or
 * a test's; NULL when none does.  OUT: *off, and *bus (may be NULL): the
 * bus the target is on. */
struct bus_target *bus_resolve(const struct bus *bus, uint64_t addr,
			       uint64_t len, uint64_t *off,
			       const struct bus **on);

/* Data beats of len bytes on this bus (at least 1). */
static inline uint64_t bus_beats(const struct bus *bus, uint64_t len)
{
	return len ? (len + bus->cfg.width - 1) / bus->cfg.width : 1;
}

/*
 * A transaction's bus cycles, and its target: the cycles of the target
 * answering the range, or 0 (and *t = NULL) when none does.
 */
uint64_t bus_xact_cycles(const struct bus *bus, uint64_t addr, uint64_t len,
			 bool write, struct bus_target **t, uint64_t *off);

/* Move a transaction's data through its target: BUS_OK or BUS_ERR_*. */
int bus_xact_data(const struct bus *bus, uint64_t addr, void *data,
		  uint64_t len, bool write);

/* Add a snooper at the end of the bus's list (one snooper may watch
 * several buses).  Returns 0 or DMASIM_ENOMEM. */
int bus_add_snooper(struct bus *bus, struct bus_snooper *s);

/* A non-CPU master's memory access: tell the snoopers (see above). */
static inline void bus_snoop(const struct bus *bus, const struct bus_master *m,
			     uint64_t addr, uint64_t len, bool write)
{
	for (unsigned i = 0; i < bus->nsnoopers; i++)
		bus->snoopers[i]->access(bus->snoopers[i], m, addr, len, write);
}

/* Bus cycles the snoopers add to a non-CPU access (0 when none). */
static inline uint64_t bus_snoop_cycles(const struct bus *bus, uint64_t addr,
					uint64_t len)
{
	uint64_t c = 0;

	for (unsigned i = 0; i < bus->nsnoopers; i++)
		if (bus->snoopers[i]->cycles)
			c += bus->snoopers[i]->cycles(bus->snoopers[i], addr,
						      len);
	return c;
}

/* Masters waiting for a grant, averaged over time from 0 to now. */
double bus_queue_depth(const struct bus *bus, uint64_t now);

/* Invariant checker: counts agree with the masters' flags. */
bool bus_check(const struct bus *bus);

#endif
