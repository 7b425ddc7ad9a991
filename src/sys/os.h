/*
 * os: the memory manager and its workloads on a system (the Lua layer's
 * sys:vm{} and vm:workload{}).  The system owns them; a memory manager
 * watches the DMA writes of the bus its memory is on for the pinning
 * hazard.
 */
#ifndef DMASIM_SYS_OS_H
#define DMASIM_SYS_OS_H

#include "os/vm.h"
#include "os/workload.h"
#include "sys.h"

/* Manage frames [base, base + size) of mem.  Returns 0, DMASIM_EINVAL
 * (not inside the memory, not page aligned) or DMASIM_ENOMEM, with the
 * message set.  OUT: *out. */
int sys_vm_new(struct dmasim_sys *sys, struct dmasim_memory *mem,
	       uint64_t base, uint64_t size, const struct vm_config *cfg,
	       struct vm **out);
/* Start a workload on an address space of vm.  OUT: *out. */
int sys_workload_new(struct dmasim_sys *sys, struct vm *vm, struct aspace *as,
		     const char *name, const struct workload_config *cfg,
		     struct workload **out);

#endif
