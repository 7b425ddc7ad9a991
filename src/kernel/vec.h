/*
 * vec: growing arrays, the one way dmasim does it.
 *
 *   VEC_RESERVE(v, n, cap, return DMASIM_ENOMEM);
 *   v[n++] = x;
 *
 * makes room for one more element in array v of n elements and capacity
 * cap, doubling the capacity (from 16) when full; when the allocation
 * fails it runs the last argument (a statement) and leaves v and cap as
 * they were.
 */
#ifndef DMASIM_KERNEL_VEC_H
#define DMASIM_KERNEL_VEC_H

#include <stdlib.h>
#include "alloc.h"

#define VEC_RESERVE(v, n, cap, on_fail)                                       \
	do {                                                                 \
		if ((size_t)(n) >= (size_t)(cap)) {                          \
			size_t vec_cap_ = (cap) ? (size_t)(cap) * 2 : 16;    \
			void *vec_new_ = dm_realloc((v),                        \
						 vec_cap_ * sizeof(*(v)));   \
			if (!vec_new_) {                                     \
				on_fail;                                     \
			} else {                                             \
				(v) = vec_new_;                              \
				(cap) = vec_cap_;                            \
			}                                                    \
		}                                                            \
	} while (0)

#endif
