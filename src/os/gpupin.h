/*
 * gpupin: the host driver's pinned memory, as CUDA's runtime keeps it:
 * regions pinned by registration (cudaHostRegister) or allocated pinned
 * (cudaHostAlloc) from a host pool, all counted against one budget (the
 * memory the OS lets the process lock).  Going over the budget fails as
 * the real calls do, with an out-of-memory error
 * (cudaErrorMemoryAllocation), and pins nothing.
 * Bookkeeping only: the time pinning costs is the caller's (sys/gpudrv.c).
 * Units: bytes.
 */
#ifndef DMASIM_OS_GPUPIN_H
#define DMASIM_OS_GPUPIN_H

#include <stdbool.h>
#include <stdint.h>

#define GPUPIN_PAGE 4096u

struct gpupin_region {
	uint64_t addr, len;	/* bytes, page-rounded */
	bool alloc;		/* from the pool (host_alloc), else
				 * registered */
};

struct gpupin {
	uint64_t budget;	/* bytes that may be pinned */
	uint64_t used;		/* bytes pinned */
	uint64_t peak;
	uint64_t pool_base, pool_size;	/* where host_alloc allocates */
	struct gpupin_region *r;	/* sorted by address */
	unsigned n, cap;
};

void gpupin_init(struct gpupin *pp, uint64_t budget, uint64_t pool_base,
		 uint64_t pool_size);
void gpupin_fini(struct gpupin *pp);
/* Pages of [addr, addr + len) (whole 4 KiB pages touched). */
uint64_t gpupin_pages(uint64_t addr, uint64_t len);
/* Pin [addr, addr + len) (page-rounded).  Returns 0, DMASIM_ENOMEM (over
 * the budget, or out of host memory) or DMASIM_EINVAL (overlaps a pinned
 * region, or empty). */
int gpupin_add(struct gpupin *pp, uint64_t addr, uint64_t len, bool alloc);
/* A free, page-aligned range of len bytes in the pool, or UINT64_MAX. */
uint64_t gpupin_find(const struct gpupin *pp, uint64_t len);
/* Unpin the region starting at addr.  Returns 0 or DMASIM_EINVAL (no
 * region starts there).  OUT: *len (may be NULL), *alloc. */
int gpupin_remove(struct gpupin *pp, uint64_t addr, uint64_t *len,
		  bool *alloc);
/* Whether [addr, addr + len) lies inside one pinned region. */
bool gpupin_covers(const struct gpupin *pp, uint64_t addr, uint64_t len);

#endif
