/*
 * cpu: a processor attached to the bus as a master.
 *
 * This first model runs one built-in workload: compute for C cycles of the
 * CPU clock without the bus, then one memory access holding the bus for M
 * bus cycles, and repeat until told to stop.  A stop takes effect at the
 * next point where the CPU would ask for the bus: an access already waiting
 * for a grant is still granted and completes.
 *
 * Workload state machine:
 *   IDLE --cpu_workload_start--> COMPUTING (or WAITING when C = 0)
 *   COMPUTING --compute_done (PHASE_REQUEST)--> WAITING (bus_request)
 *                                           \-> STOPPED if stop was asked
 *   WAITING --grant--> ACCESSING --cpu_released--> COMPUTING or STOPPED
 */
#ifndef DMASIM_HW_CPU_H
#define DMASIM_HW_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "kernel/proc.h"

enum cpu_wl_state {
	CPU_IDLE,
	CPU_COMPUTING,
	CPU_WAITING,
	CPU_ACCESSING,
	CPU_STOPPED
};

struct cpu_config {
	uint64_t period;	/* ps per CPU cycle */
};

struct cpu {
	struct bus_master port;
	struct clock clk;
	struct sim *sim;
	char name[32];
	/* workload */
	enum cpu_wl_state state;
	uint64_t compute;	/* CPU cycles between accesses */
	uint64_t access;	/* bus cycles per access */
	bool stop;
	struct signal stopped;	/* notified when the workload stops */
	/* statistics */
	uint64_t accesses;
	uint64_t compute_cycles;	/* CPU cycles spent computing */
	uint64_t stopped_at;		/* ps */
};

/* Attach the CPU to the bus.  Returns 0, DMASIM_EINVAL or DMASIM_ENOMEM. */
int cpu_init(struct cpu *cpu, struct sim *sim, struct bus *bus,
	     const char *name, const struct cpu_config *cfg,
	     enum bus_mode mode, int priority);

/* Start the compute/access loop now.  Returns 0, DMASIM_EINVAL (zero
 * access cycles, or already started) or DMASIM_ENOMEM. */
int cpu_workload_start(struct cpu *cpu, uint64_t compute_cycles,
		       uint64_t access_cycles);

/* Ask the workload to stop issuing accesses. */
void cpu_workload_stop(struct cpu *cpu);

#endif
