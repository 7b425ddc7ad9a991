/*
 * frames: the physical frame allocator, a binary buddy allocator over a
 * range of physical memory in 4 KiB frames (the scheme Linux's page
 * allocator uses).  Blocks of 2^order frames are split to serve smaller
 * requests and coalesce with their buddy when freed, so a long run of
 * single-frame allocations and frees fragments memory the way a real
 * system's does: plenty of free frames, no large contiguous block.
 *
 * Each frame also carries the OS's bookkeeping: its owner (an address
 * space and page), a pin count, and a generation bumped whenever the frame
 * changes hands, so stale references to it can be recognised.
 *
 * Frame states: FREE (inside a free block) --frames_alloc--> USED
 *               USED --frames_free--> FREE (coalescing with its buddy)
 */
#ifndef DMASIM_OS_FRAMES_H
#define DMASIM_OS_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#define FRAME_SHIFT 12
#define FRAME_SIZE (1u << FRAME_SHIFT)
#define FRAMES_MAX_ORDER 10		/* blocks up to 4 MiB */
#define FRAME_NONE UINT32_MAX

struct frame {
	int32_t owner;		/* address space id, -1: none (or kernel) */
	uint32_t vpn;		/* virtual page of the owner */
	uint32_t gen;		/* bumped at each allocation */
	uint16_t pins;
	uint8_t used;
	uint8_t order;		/* free block head: its order */
	uint8_t accessed;	/* for the clock: referenced since last sweep */
	uint32_t next, prev;	/* free list links (block heads) */
};

struct frames {
	uint64_t base;		/* physical address of frame 0 */
	uint32_t n;		/* frames */
	struct frame *f;
	uint32_t head[FRAMES_MAX_ORDER + 1];
	uint32_t nfree_blocks[FRAMES_MAX_ORDER + 1];
	uint32_t free;		/* free frames */
	/* statistics */
	uint64_t allocs, frees, failed;
};

/* Manage [base, base + size) (base frame-aligned).  Returns 0,
 * DMASIM_EINVAL or DMASIM_ENOMEM. */
int frames_init(struct frames *fr, uint64_t base, uint64_t size);
void frames_fini(struct frames *fr);

/* A block of 2^order frames: its first frame, or FRAME_NONE when no free
 * block that large exists (memory may still have free frames). */
uint32_t frames_alloc(struct frames *fr, unsigned order);
void frames_free(struct frames *fr, uint32_t pfn, unsigned order);

static inline uint64_t frames_pa(const struct frames *fr, uint32_t pfn)
{
	return fr->base + ((uint64_t)pfn << FRAME_SHIFT);
}

/* The frame holding physical address pa, or FRAME_NONE. */
static inline uint32_t frames_pfn(const struct frames *fr, uint64_t pa)
{
	uint64_t i;

	if (pa < fr->base)
		return FRAME_NONE;
	i = (pa - fr->base) >> FRAME_SHIFT;
	return i < fr->n ? (uint32_t)i : FRAME_NONE;
}

/* The order of the largest free block, or -1 when memory is full. */
int frames_largest(const struct frames *fr);

/* Invariant checker: free lists, counts and buddy alignment agree; every
 * frame is either in exactly one free block or used. */
bool frames_check(const struct frames *fr);

#endif
