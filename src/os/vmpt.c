/* vmpt: page tables in simulated memory.  See vmpt.h. */
#include "vmpt.h"

#include "frames.h"

#define PT_ENTRIES 512

static uint64_t leaves_of(const struct aspace *as)
{
	return (as->npages + PT_ENTRIES - 1) / PT_ENTRIES;
}

int vmpt_alloc(struct aspace *as)
{
	uint64_t base;

	if (as->pt_root)
		return 0;
	if (as->npages > (uint64_t)PT_ENTRIES * PT_ENTRIES)
		return DMASIM_EINVAL;
	base = vm_alloc_contig(as->vm, (3 + leaves_of(as)) * FRAME_SIZE);
	if (base == UINT64_MAX)
		return DMASIM_ENOMEM;
	as->pt_root = base;
	as->pt_leaf = base + 3 * FRAME_SIZE;
	return 0;
}

uint64_t vmpt_bytes(const struct aspace *as)
{
	return (3 + leaves_of(as)) * FRAME_SIZE;
}

uint64_t vmpt_nupper(const struct aspace *as)
{
	return 2 + leaves_of(as);
}

uint64_t vmpt_upper(const struct aspace *as, uint64_t k, uint64_t *pa)
{
	uint64_t base = as->pt_root;

	if (k < 2) {			/* L0[0], L1[0] */
		*pa = base + k * FRAME_SIZE;
		return (base + (k + 1) * FRAME_SIZE) | 1;
	}
	k -= 2;				/* L2[k] */
	*pa = base + 2 * FRAME_SIZE + 8 * k;
	return (as->pt_leaf + k * FRAME_SIZE) | 1;
}
