/*
 * vmcpu: the memory manager's work as the CPU that runs it makes it: a
 * fresh page's zero fill as the CPU's 64-byte stores, a migrated page's
 * copy as its 64-byte loads and stores, and the leaf page-table entries
 * as its 8-byte stores, all through its cache (or as bus transactions
 * without one).  The handler's own work that touches nothing stays a
 * price in cycles (fault_cycles, pin_cycles, migrate_cycles).
 *
 * Order, as a kernel keeps it: an unmapping's entry before the frame it
 * freed is written, the data (zeros, a copy) before the entry that maps
 * it.  The MMU's walker reads the tables from memory without looking in
 * any cache, so the tables are non-cacheable to a CPU that writes them
 * (sys_vm_tables_uncached): each entry store is one bus transaction.
 */
#ifndef DMASIM_SYS_VMCPU_H
#define DMASIM_SYS_VMCPU_H

#include "os/vm.h"
#include "process.h"
#include "sys.h"

/* n bytes at physical pa by the CPU, through its cache or as one bus
 * transaction; op->status set on a bus error, op->call_xacts to the
 * transactions it made. */
void sys_cpu_piece(struct cpu *cpu, struct cpu_op *op, uint64_t pa,
		   uint8_t *buf, uint64_t n, bool write,
		   struct cache_cost *cost);
/* One transaction of j (only the unmapping's with data false); false
 * when nothing is left of what was asked. */
bool sys_vmjob_step(struct cpu *cpu, struct cpu_op *op, struct vm_job *j,
		    bool data, struct cache_cost *cost);
/* One store of the construction of as's page tables (os/vmpt.h) by the
 * CPU, *pos counting the steps made (0 at the start): a line of zeros,
 * an entry above the leaves, or the next present page's leaf entry.
 * False when the tables are written. */
bool sys_vmpt_step(struct cpu *cpu, struct cpu_op *op, struct aspace *as,
		   uint64_t *pos, struct cache_cost *cost);
/* Make as's page tables non-cacheable in cpu's cache.  Returns 0 or an
 * error (message set). */
int sys_vm_tables_uncached(struct dmasim_sys *sys, struct dmasim_cpu *cpu,
			   const struct aspace *as);

/* The calling process's CPU zeroes [pa, pa + len), len a multiple of 64,
 * by its stores.  DMASIM_WAITING, or an error. */
int sys_cpu_zero(struct dmasim_proc *p, struct dmasim_cpu *cpu, uint64_t pa,
		 uint64_t len);
/* The calling process's CPU migrates page vpn of as: migrate_cycles, the
 * copy line by line, then the new entry.  The result's status: 0 moved,
 * DMASIM_EINVAL refused (pinned, not present), DMASIM_ENOMEM no frame. */
int sys_vm_migrate(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		   struct aspace *as, uint64_t vpn);
/* The calling process's CPU pins [va, va + len) of as page by page: a
 * fault's handling and zero fill, pin_cycles, the entry.  The result's
 * status: 0 or a DMASIM_E* code; its value the pages pinned. */
int sys_vm_pin(struct dmasim_proc *p, struct dmasim_cpu *cpu,
	       struct aspace *as, uint64_t va, uint64_t len);

#endif
