/* vmpt: page tables in simulated memory.  See vmpt.h. */
#include "vmpt.h"

#include "frames.h"

#define PT_ENTRIES 512

static void put_entry(struct vm *vm, uint64_t pa, uint64_t e)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(e >> (8 * i));
	memory_write(vm->mem, pa - vm->mem->tgt.base, b, 8);
}

int vmpt_build(struct aspace *as)
{
	struct vm *vm = as->vm;
	uint64_t leaves = (as->npages + PT_ENTRIES - 1) / PT_ENTRIES;
	uint64_t base;

	if (as->pt_root)
		return 0;
	if (as->npages > (uint64_t)PT_ENTRIES * PT_ENTRIES)
		return DMASIM_EINVAL;
	base = vm_alloc_contig(vm, (3 + leaves) * FRAME_SIZE);
	if (base == UINT64_MAX)
		return DMASIM_ENOMEM;
	/* the block is zeroed: every entry invalid until written */
	for (uint64_t i = 0; i < 3 + leaves; i++) {
		static const uint8_t zero[FRAME_SIZE];

		memory_write(vm->mem, base + i * FRAME_SIZE - vm->mem->tgt.base,
			     zero, FRAME_SIZE);
	}
	as->pt_root = base;
	as->pt_leaf = base + 3 * FRAME_SIZE;
	put_entry(vm, base, (base + FRAME_SIZE) | 1);		/* L0[0] */
	put_entry(vm, base + FRAME_SIZE, (base + 2 * FRAME_SIZE) | 1);
	for (uint64_t i = 0; i < leaves; i++)			/* L2[i] */
		put_entry(vm, base + 2 * FRAME_SIZE + 8 * i,
			  (as->pt_leaf + i * FRAME_SIZE) | 1);
	for (uint64_t v = 0; v < as->npages; v++)
		if (as->pte[v].flags & PTE_PRESENT)
			vm_pte_sync(as, v);
	return 0;
}
