/*
 * alloc: the library's host allocations, through the allocator of
 * dmasim_set_allocator() (see base.h).  Every file of the library uses
 * these in place of the C library's malloc family.
 */
#ifndef DMASIM_KERNEL_ALLOC_H
#define DMASIM_KERNEL_ALLOC_H

#include <stddef.h>

void *dm_malloc(size_t n);
/* Zeroed; NULL also when count * size overflows. */
void *dm_calloc(size_t count, size_t size);
void *dm_realloc(void *p, size_t n);
void dm_free(void *p);

#endif
