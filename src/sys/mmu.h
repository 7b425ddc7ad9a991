/*
 * mmu (sys): a CPU's MMU on a system (the Lua layer's sys:mmu{}), and the
 * CPU's accesses to virtual addresses of a memory manager's address space
 * through it: translation by the TLB or a walk of the tables in simulated
 * memory (the CPU waiting), a page fault taken as a trap (`trap_cycles`,
 * then the memory manager's fault handling, its cycles and swap time
 * spent by the CPU) and the walk again, then the access itself through
 * the CPU's cache (or as a bus transaction without one), page by page.
 */
#ifndef DMASIM_SYS_MMU_H
#define DMASIM_SYS_MMU_H

#include "hw/mmu.h"
#include "os/vm.h"
#include "sys.h"

struct dmasim_mmu {
	struct mmu m;
	struct dmasim_sys *sys;
	struct dmasim_cpu *cpu;
	uint64_t trap_cycles;	/* CPU cycles to take and return from a
				 * page fault, besides the handler's */
};

/* An MMU for cpu.  Returns 0 or an error (message set).  OUT: *out. */
int sys_mmu_new(struct dmasim_sys *sys, struct dmasim_cpu *cpu,
		const char *name, const struct mmu_config *cfg,
		uint64_t trap_cycles, struct dmasim_mmu **out);
/* The calling process's CPU loads (or stores) len bytes at va of as into
 * (from) buf through the MMU.  DMASIM_WAITING, or an error. */
int sys_mmu_access(struct dmasim_proc *p, struct dmasim_mmu *m,
		   struct aspace *as, uint64_t va, void *buf, uint64_t len,
		   bool write);

#endif
