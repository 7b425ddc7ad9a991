/* alloc: the library's host allocator.  See alloc.h and base.h. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base.h"

static struct dmasim_allocator cur;	/* realloc NULL: the C library's */

static void *json_malloc(size_t n)
{
	return dm_malloc(n);
}

void dmasim_set_allocator(const struct dmasim_allocator *a)
{
	if (a && a->realloc && a->free) {
		cur = *a;
		json_set_alloc_funcs(json_malloc, dm_free);
	} else {
		memset(&cur, 0, sizeof(cur));
		json_set_alloc_funcs(malloc, free);
	}
}

void *dm_realloc(void *p, size_t n)
{
	return cur.realloc ? cur.realloc(cur.ctx, p, n) : realloc(p, n);
}

void *dm_malloc(size_t n)
{
	return dm_realloc(NULL, n ? n : 1);
}

void *dm_calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > (size_t)-1 / size)
		return NULL;
	p = dm_malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void dm_free(void *p)
{
	if (!p)
		return;
	if (cur.free)
		cur.free(cur.ctx, p);
	else
		free(p);
}
