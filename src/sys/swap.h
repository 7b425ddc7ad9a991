/*
 * swap: a memory manager's swap area on a disk, paged by the disk's DMA
 * through its block driver (see swap.c and os/vm.h's struct
 * vm_swapdev).
 */
#ifndef DMASIM_SYS_SWAP_H
#define DMASIM_SYS_SWAP_H

#include "os/vm.h"
#include "sys.h"

struct dmasim_blkdev;

/* From now on vm swaps to b's disk: its slots (vm's swap_slots) are the
 * 4 KiB pages from block lba.  Returns 0 or DMASIM_EINVAL (the area is
 * not inside the disk or not page-aligned, or vm has swapped already),
 * with the message set. */
int sys_vm_swap_disk(struct dmasim_sys *sys, struct vm *vm,
		     struct dmasim_blkdev *b, uint64_t lba);

#endif
