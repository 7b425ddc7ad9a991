/*
 * synth: a synthetic bus master, traffic with timing and no data.
 *
 * It stands for a master whose bus use matters and whose bytes do not:
 * BUSBENCH-1's CPU (compute C cycles, access the bus for M, repeat) and
 * its DMA channels (N bursts of D cycles), a background load on the bus.
 * It repeats:
 *
 *   gap      `gap` cycles of its own clock without the bus (computing);
 *   access   a request for the bus, held for `hold` bus cycles once
 *            granted (one memory access, one burst).
 *
 * After `count` accesses it completes (done_at, its signal notified); with
 * count 0 it runs until synth_stop().  With gap 0 and a count it asks for
 * all count * hold cycles at once in units of hold, as a DMA channel does:
 * in cycle-stealing mode each grant covers one access, in burst mode one
 * grant covers them all, and in transparent mode a tenure cut short is
 * resumed where it was cut.  Otherwise each access is its own request.
 *
 * Stopping (BUSBENCH-1's rule for its CPU): after synth_stop() the master
 * makes no new request.  A request already made is still granted, its
 * access completes and counts, and the master stops at its release.  One
 * in a gap makes no request when the gap ends and stops then, also when
 * the gap ends in the instant of the stop, provided the stop comes before
 * that instant's requests (PHASE_WAKE: a process woken by a completion
 * then, as in BUSBENCH-1, stops it in time).  A request of several
 * accesses (gap 0 and a count) is not renewed: in cycle-stealing mode the
 * master stops after the access under way (one cut short in transparent
 * mode is finished first), while a burst-mode tenure, granted for all of
 * them, runs to its end.  Stopping a master that is not running does
 * nothing.
 *
 * Times in ps unless said otherwise; gap in cycles of the master's clock,
 * hold in cycles of the bus clock.
 *
 * Trace points (declared in synth.c), on the master's track "<name>": an
 * `active` span from start to completion or stop, a `gap` span per gap, a
 * `state` wire (0 idle, 1 in a gap, 2 waiting for or holding the bus) and
 * a `done` instant (labelled "stopped" when stopped).  Its waits and
 * tenures are on the bus's track "bus.<name>" as for every master.
 *
 * State machine (s->state), and the function behind each edge:
 *   IDLE/DONE/STOPPED --synth_start, gap > 0--> GAP
 *   IDLE/DONE/STOPPED --synth_start, gap 0 (synth_ask)--> BUS
 *   GAP --synth_gap_done (synth_ask)--> BUS, or STOPPED when stop was
 *       asked
 *   BUS --synth_released, cycles of the request left--> BUS (the rest
 *       requested again)
 *   BUS --synth_released, count accesses made (synth_finish)--> DONE
 *   BUS --synth_released, stop asked (synth_finish)--> STOPPED
 *   BUS --synth_released--> GAP (gap > 0) or BUS (gap 0)
 */
#ifndef DMASIM_HW_SYNTH_H
#define DMASIM_HW_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "kernel/proc.h"

enum synth_state {
	SYNTH_IDLE,	/* never started */
	SYNTH_GAP,	/* between accesses, off the bus */
	SYNTH_BUS,	/* waiting for or holding the bus */
	SYNTH_DONE,	/* made its count of accesses */
	SYNTH_STOPPED	/* stopped by synth_stop() */
};

struct synth_config {
	uint64_t period;	/* ps per cycle of the master's clock */
	uint64_t gap;		/* cycles of its clock between accesses */
	uint64_t hold;		/* bus cycles per access (> 0) */
	uint64_t count;		/* accesses per start; 0: until stopped */
};

struct synth {
	struct bus_master port;		/* first: the bus's ops get it */
	struct synth_config cfg;
	struct sim *sim;
	char name[32];
	enum synth_state state;
	bool stop;			/* synth_stop() was called */
	uint32_t track;			/* trace track, 0 when not traced */
	uint64_t left;			/* bus cycles of the request due */
	uint64_t pos;			/* bus cycles into the current access */
	uint64_t seen;			/* the port's busy cycles counted in
					 * left, pos and accesses: a request
					 * of several accesses is quiet on the
					 * bus (bus_set_quiet()) until it ends
					 * or a stop is asked */
	uint64_t target;		/* accesses at which the run is done;
					 * UINT64_MAX: until stopped */
	struct signal done;		/* notified when done or stopped */
	struct event gap_end;		/* embedded: the gap ends */
	/* statistics */
	uint64_t accesses;		/* completed, all runs, up to `seen`
					 * (synth_accesses(): all of them) */
	uint64_t gap_cycles;		/* cycles of its clock spent in gaps */
	uint64_t started_at;		/* ps: last start */
	uint64_t done_at;		/* ps: last completion */
	uint64_t stopped_at;		/* ps: last stop */
};

/*
 * Attach a synthetic master to the bus as `name` (its statistics are
 * "<name>.<stat>", its bus statistics "<bus>.<name>.<stat>").  Returns 0,
 * DMASIM_EINVAL (zero period or hold), DMASIM_ERANGE (count * hold does
 * not fit in 64 bits) or DMASIM_ENOMEM.
 */
int synth_init(struct synth *s, struct sim *sim, struct bus *bus,
	       const char *name, const struct synth_config *cfg,
	       enum bus_mode mode, int priority);

/* Start a run now: count accesses, or until stopped.  Returns 0 or
 * DMASIM_EINVAL when it is already running. */
int synth_start(struct synth *s);

/* Stop issuing requests (see the header comment); nothing when not
 * running. */
void synth_stop(struct synth *s);

static inline bool synth_running(const struct synth *s)
{
	return s->state == SYNTH_GAP || s->state == SYNTH_BUS;
}

/* Accesses completed, all runs. */
uint64_t synth_accesses(const struct synth *s);

/* Invariant checker: the state agrees with the bus and the counters. */
bool synth_check(const struct synth *s);
/* Print the state to stderr (for debuggers). */
void synth_dump(const struct synth *s);

#endif
