/*
 * vmpt: an address space's page tables in simulated memory, in the layout
 * hw/mmu walks (four levels of 512 eight-byte entries, 4 KiB pages), so
 * that a CPU's translations read real bytes.  Built on request (an MMU
 * using the space); from then on the memory manager writes a page's leaf
 * entry whenever its mapping changes (fault, reclaim, migration:
 * vm_pte_sync) and tells the space's pt_changed hook (the TLB's
 * invalidation).
 *
 * The tables take frames of the manager's memory: one each for levels 0,
 * 1 and 2, and one leaf table per 512 pages, contiguous; a space of up to
 * 1 GiB.  The OS's writes of entries are untimed (as the kernel's own
 * stores, not modelled).
 */
#ifndef DMASIM_OS_VMPT_H
#define DMASIM_OS_VMPT_H

#include "vm.h"

/* Build the tables of as (once).  Returns 0, DMASIM_EINVAL (a space over
 * 1 GiB) or DMASIM_ENOMEM (no contiguous frames for them). */
int vmpt_build(struct aspace *as);

#endif
