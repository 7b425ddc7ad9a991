/*
 * workload: a process touching the pages of its working set, so that the
 * page-fault rate emerges from the replacement policy and the memory left
 * to it.  Each touch picks a page from the working set, uniformly or with
 * locality (a hot fraction of the pages taking a given share of the
 * touches), writes it with probability write_frac, and costs touch_cycles;
 * run on a shared CPU, those cycles (and the fault handler's) are CPU
 * operations there, so programs compete for it while others wait on
 * swap; a fault that needs page transfers waits for the swap device's
 * DMA, then spends the handler's cycles; the handler's memory work (a
 * fresh frame's zero fill, page-table entries) is the shared CPU's
 * stores, 64 bytes (an entry: 8) each.  Runs of touches that hit are
 * charged in one delay, so the cost of simulating grows with faults, not
 * touches.
 */
#ifndef DMASIM_OS_WORKLOAD_H
#define DMASIM_OS_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "kernel/proc.h"
#include "kernel/rng.h"
#include "vm.h"

struct workload_config {
	uint64_t first_page;	/* working set: pages [first, first + pages) */
	uint64_t pages;
	uint64_t touches;
	double write_frac;
	double hot_frac;	/* the first hot_frac of the pages are hot ... */
	double hot_prob;	/* ... and get this share of the touches
				   (0: uniform over the working set) */
	uint64_t touch_cycles;	/* CPU cycles per touch that hits */
	uint64_t period;	/* ps per CPU cycle (without a cpu) */
	struct cpu *cpu;	/* run on this CPU (shared with other work);
				   NULL: on a core of its own */
};

struct workload {
	struct proc p;
	struct workload_config cfg;
	struct aspace *as;
	struct rng rng;
	struct signal finished;
	struct cpu_op op;	/* the CPU work of the current batch */
	struct signal op_done;
	uint64_t cycles_owed;	/* CPU cycles to spend after swap by DMA */
	struct signal swap_done;	/* that swap's transfers are done */
	/* a fault's memory work, by the CPU's stores (os/vm.h's
	 * vm_defer_*): a fresh frame's zeros, then the entries */
	struct vm_job job;
	struct vm_store store;		/* the store in flight */
	bool store_pending;		/* an entry's, not yet told */
	struct cpu_op mop;
	uint64_t carry_cycles;	/* the batch so far */
	bool done;
	int error;		/* DMASIM_E* when it could not go on */
	uint64_t touched;
	uint64_t faults;
	uint64_t start, end;	/* ps */
};

/* Start the workload now.  Returns 0 or DMASIM_ENOMEM. */
int workload_start(struct workload *w, struct sim *sim, struct aspace *as,
		   const char *name, const struct workload_config *cfg);

#endif
