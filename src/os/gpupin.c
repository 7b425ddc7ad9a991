/* gpupin: pinned host memory and its budget.  See gpupin.h. */
#include "gpupin.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

void gpupin_init(struct gpupin *pp, uint64_t budget, uint64_t pool_base,
		 uint64_t pool_size)
{
	memset(pp, 0, sizeof(*pp));
	pp->budget = budget;
	pp->pool_base = pool_base;
	pp->pool_size = pool_size;
}

void gpupin_fini(struct gpupin *pp)
{
	dm_free(pp->r);
	pp->r = NULL;
	pp->n = pp->cap = 0;
}

uint64_t gpupin_pages(uint64_t addr, uint64_t len)
{
	uint64_t first = addr / GPUPIN_PAGE;
	uint64_t last = (addr + len - 1) / GPUPIN_PAGE;

	return len ? last - first + 1 : 0;
}

int gpupin_add(struct gpupin *pp, uint64_t addr, uint64_t len, bool alloc)
{
	uint64_t base = addr / GPUPIN_PAGE * GPUPIN_PAGE;
	uint64_t bytes = gpupin_pages(addr, len) * GPUPIN_PAGE;
	unsigned i;

	if (!len || addr + len < addr)
		return DMASIM_EINVAL;
	for (i = 0; i < pp->n; i++) {
		const struct gpupin_region *r = &pp->r[i];

		if (base < r->addr + r->len && r->addr < base + bytes)
			return DMASIM_EINVAL;
		if (r->addr > base)
			break;
	}
	if (bytes > pp->budget - pp->used)
		return DMASIM_ENOMEM;
	if (pp->n == pp->cap) {
		unsigned c = pp->cap ? 2 * pp->cap : 8;
		struct gpupin_region *nr = dm_realloc(pp->r, c * sizeof(*nr));

		if (!nr)
			return DMASIM_ENOMEM;
		pp->r = nr;
		pp->cap = c;
	}
	memmove(&pp->r[i + 1], &pp->r[i], (pp->n - i) * sizeof(*pp->r));
	pp->r[i].addr = base;
	pp->r[i].len = bytes;
	pp->r[i].alloc = alloc;
	pp->n++;
	pp->used += bytes;
	if (pp->used > pp->peak)
		pp->peak = pp->used;
	return 0;
}

uint64_t gpupin_find(const struct gpupin *pp, uint64_t len)
{
	uint64_t bytes = (len + GPUPIN_PAGE - 1) / GPUPIN_PAGE * GPUPIN_PAGE;
	uint64_t at = pp->pool_base, end = pp->pool_base + pp->pool_size;

	if (!len || bytes > pp->pool_size)
		return UINT64_MAX;
	for (unsigned i = 0; i < pp->n; i++) {
		const struct gpupin_region *r = &pp->r[i];

		if (r->addr + r->len <= at || r->addr >= end)
			continue;
		if (r->addr >= at + bytes)
			return at;
		at = r->addr + r->len;
	}
	return at + bytes <= end ? at : UINT64_MAX;
}

int gpupin_remove(struct gpupin *pp, uint64_t addr, uint64_t *len,
		  bool *alloc)
{
	for (unsigned i = 0; i < pp->n; i++)
		if (pp->r[i].addr == addr) {
			if (len)
				*len = pp->r[i].len;
			if (alloc)
				*alloc = pp->r[i].alloc;
			pp->used -= pp->r[i].len;
			memmove(&pp->r[i], &pp->r[i + 1],
				(pp->n - i - 1) * sizeof(*pp->r));
			pp->n--;
			return 0;
		}
	return DMASIM_EINVAL;
}

bool gpupin_covers(const struct gpupin *pp, uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < pp->n; i++) {
		const struct gpupin_region *r = &pp->r[i];

		if (addr >= r->addr && len <= r->len &&
		    addr - r->addr <= r->len - len)
			return true;
	}
	return false;
}
