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
 * 1 GiB.  They are written by the CPU that first runs the space through
 * an MMU (sys/mmu.c), as a kernel builds them: the block zeroed, the
 * entries above the leaves, then the leaf entries of the pages present.
 */
#ifndef DMASIM_OS_VMPT_H
#define DMASIM_OS_VMPT_H

#include "vm.h"

/* Allocate the tables of as (once), not yet written: from now on every
 * leaf entry the memory manager changes is written (vm_pte_sync), and
 * the caller's CPU is to zero [pt_root, + vmpt_bytes()), then store each
 * entry vmpt_upper(k) for k < vmpt_nupper(), then the leaf entries of the
 * pages present (vm_pte_value()) before anything walks them.  Returns 0,
 * DMASIM_EINVAL (a space over 1 GiB) or DMASIM_ENOMEM (no contiguous
 * frames for them). */
int vmpt_alloc(struct aspace *as);
/* The tables' size in bytes. */
uint64_t vmpt_bytes(const struct aspace *as);
/* The entries above the leaves: how many, and the k-th's value and
 * physical address (*pa). */
uint64_t vmpt_nupper(const struct aspace *as);
uint64_t vmpt_upper(const struct aspace *as, uint64_t k, uint64_t *pa);

#endif
