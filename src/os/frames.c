/* frames: a binary buddy allocator.  See frames.h. */
#include "frames.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

static void list_push(struct frames *fr, uint32_t pfn, unsigned order)
{
	struct frame *f = &fr->f[pfn];

	f->order = (uint8_t)order;
	f->prev = FRAME_NONE;
	f->next = fr->head[order];
	if (f->next != FRAME_NONE)
		fr->f[f->next].prev = pfn;
	fr->head[order] = pfn;
	fr->nfree_blocks[order]++;
}

static void list_del(struct frames *fr, uint32_t pfn, unsigned order)
{
	struct frame *f = &fr->f[pfn];

	if (f->prev != FRAME_NONE)
		fr->f[f->prev].next = f->next;
	else
		fr->head[order] = f->next;
	if (f->next != FRAME_NONE)
		fr->f[f->next].prev = f->prev;
	f->next = f->prev = FRAME_NONE;
	fr->nfree_blocks[order]--;
}

/* Mark a block free (not yet listed). */
static void mark_free(struct frames *fr, uint32_t pfn, unsigned order)
{
	for (uint32_t i = 0; i < (1u << order); i++) {
		fr->f[pfn + i].used = 0;
		fr->f[pfn + i].order = 0xff;	/* inside a free block */
	}
}

int frames_init(struct frames *fr, uint64_t base, uint64_t size)
{
	uint32_t pfn = 0;

	memset(fr, 0, sizeof(*fr));
	if (base % FRAME_SIZE || size < FRAME_SIZE ||
	    (size >> FRAME_SHIFT) >= FRAME_NONE)
		return DMASIM_EINVAL;
	fr->base = base;
	fr->n = (uint32_t)(size >> FRAME_SHIFT);
	fr->f = dm_calloc(fr->n, sizeof(*fr->f));
	if (!fr->f)
		return DMASIM_ENOMEM;
	for (unsigned o = 0; o <= FRAMES_MAX_ORDER; o++)
		fr->head[o] = FRAME_NONE;
	for (uint32_t i = 0; i < fr->n; i++) {
		fr->f[i].owner = -1;
		fr->f[i].next = fr->f[i].prev = FRAME_NONE;
	}
	/* Cover the range with the largest aligned blocks that fit. */
	while (pfn < fr->n) {
		unsigned o = FRAMES_MAX_ORDER;

		while (o && ((pfn & ((1u << o) - 1)) || pfn + (1u << o) > fr->n))
			o--;
		mark_free(fr, pfn, o);
		list_push(fr, pfn, o);
		pfn += 1u << o;
	}
	fr->free = fr->n;
	return 0;
}

void frames_fini(struct frames *fr)
{
	dm_free(fr->f);
	fr->f = NULL;
}

uint32_t frames_alloc(struct frames *fr, unsigned order)
{
	unsigned o = order;
	uint32_t pfn;

	if (order > FRAMES_MAX_ORDER)
		return FRAME_NONE;
	while (o <= FRAMES_MAX_ORDER && fr->head[o] == FRAME_NONE)
		o++;
	if (o > FRAMES_MAX_ORDER) {
		fr->failed++;
		return FRAME_NONE;
	}
	pfn = fr->head[o];
	list_del(fr, pfn, o);
	/* Split: keep the lower half, free the upper halves. */
	while (o > order) {
		o--;
		list_push(fr, pfn + (1u << o), o);
	}
	for (uint32_t i = 0; i < (1u << order); i++) {
		struct frame *f = &fr->f[pfn + i];

		f->used = 1;
		f->order = 0xff;
		f->gen++;
		f->owner = -1;
		f->pins = 0;
		f->accessed = 0;
	}
	fr->f[pfn].order = (uint8_t)order;
	fr->free -= 1u << order;
	fr->allocs++;
	return pfn;
}

void frames_free(struct frames *fr, uint32_t pfn, unsigned order)
{
	fr->frees++;
	fr->free += 1u << order;
	for (uint32_t i = 0; i < (1u << order); i++) {
		fr->f[pfn + i].owner = -1;
		fr->f[pfn + i].pins = 0;
	}
	mark_free(fr, pfn, order);
	while (order < FRAMES_MAX_ORDER) {
		uint32_t buddy = pfn ^ (1u << order);

		if (buddy >= fr->n || buddy + (1u << order) > fr->n ||
		    fr->f[buddy].used || fr->f[buddy].order != order)
			break;
		list_del(fr, buddy, order);
		fr->f[buddy].order = 0xff;
		pfn &= ~(1u << order);
		order++;
	}
	list_push(fr, pfn, order);
}

int frames_largest(const struct frames *fr)
{
	for (int o = FRAMES_MAX_ORDER; o >= 0; o--)
		if (fr->head[o] != FRAME_NONE)
			return o;
	return -1;
}

bool frames_check(const struct frames *fr)
{
	uint32_t counted = 0;
	uint8_t *seen = dm_calloc(fr->n ? fr->n : 1, 1);
	bool ok = seen != NULL;

	for (unsigned o = 0; ok && o <= FRAMES_MAX_ORDER; o++) {
		uint32_t blocks = 0;

		for (uint32_t p = fr->head[o]; ok && p != FRAME_NONE;
		     p = fr->f[p].next) {
			if (p & ((1u << o) - 1) || p + (1u << o) > fr->n ||
			    fr->f[p].order != o)
				ok = false;
			for (uint32_t i = 0; ok && i < (1u << o); i++) {
				if (seen[p + i] || fr->f[p + i].used)
					ok = false;
				seen[p + i] = 1;
			}
			counted += 1u << o;
			blocks++;
		}
		if (blocks != fr->nfree_blocks[o])
			ok = false;
	}
	for (uint32_t i = 0; ok && i < fr->n; i++)
		if (!seen[i] && !fr->f[i].used)
			ok = false;	/* a free frame in no block */
	dm_free(seen);
	return ok && counted == fr->free;
}
