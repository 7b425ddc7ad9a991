/*
 * blkdrv: the bookkeeping of a block driver for the NVMe-like disk
 * (hw/disk.h): the host's view of its submission and completion queues
 * (tail, head, the phase it expects next), command slots by command id,
 * and the PRPs of a buffer.  It touches nothing: the system (sys/disk.c)
 * runs the driver on a CPU, whose stores put the commands and PRP lists
 * in memory, whose register writes ring the doorbells, and whose loads
 * read the completion entries; this file says what to write and where.
 *
 * Slot state machine (blkdrv_slot.busy), the function behind each edge:
 *   FREE --blkdrv_submit--> BUSY --blkdrv_complete (its entry seen)--> FREE
 */
#ifndef DMASIM_OS_BLKDRV_H
#define DMASIM_OS_BLKDRV_H

#include <stdbool.h>
#include <stdint.h>

#define BLKDRV_PAGE 4096

struct blkdrv_config {
	uint64_t sq_base, cq_base;	/* queue memory, bus addresses */
	uint64_t prp_base;		/* one 4 KiB PRP list page per entry */
	uint32_t entries;		/* per queue, 2..4096 */
};

struct blkdrv_slot {
	bool busy;
	uint16_t status;	/* the completion's status code */
};

struct blkdrv {
	struct blkdrv_config cfg;
	uint32_t sq_tail, cq_head;
	uint8_t phase;		/* of the next entry to consume */
	uint32_t inflight;
	struct blkdrv_slot *slot;	/* by command id, entries - 1 of them */
	/* statistics */
	uint64_t submitted, completed, failed;
};

/* Returns 0, DMASIM_EINVAL (entries out of range, misaligned bases) or
 * DMASIM_ENOMEM. */
int blkdrv_init(struct blkdrv *q, const struct blkdrv_config *cfg);
void blkdrv_fini(struct blkdrv *q);

/* AQA's value for the queues. */
static inline uint32_t blkdrv_aqa(const struct blkdrv *q)
{
	return (q->cfg.entries - 1) | (q->cfg.entries - 1) << 16;
}

/*
 * Claim a free slot for a command and the SQ entry it goes into.
 * Returns the command id, or -1 when every slot is busy (the SQ holds at
 * most entries - 1).  OUT: *sq_addr (where the 64 bytes go), *tail (the
 * doorbell's value after it).
 */
int blkdrv_submit(struct blkdrv *q, uint64_t *sq_addr, uint32_t *tail);

/* The pages of [pa, pa + len): pages[0] = pa, then each following page
 * start.  Returns the count, or -1 when more than max. */
int blkdrv_pages(uint64_t pa, uint64_t len, uint64_t *pages, int max);

/*
 * The PRPs of a buffer of n pages (pages[0] may start inside its page,
 * the others start pages): prp1, and prp2 (the second page, or for more
 * the address of the slot's PRP list, whose entries go in list[], which
 * holds 512).  Returns the list's entries (0: no list), or -1 when the
 * pages are more than one list holds.
 */
int blkdrv_prps(const struct blkdrv *q, int cid, const uint64_t *pages,
		int n, uint64_t *prp1, uint64_t *prp2, uint64_t *list);

/* Where the next completion entry is read from. */
static inline uint64_t blkdrv_cq_addr(const struct blkdrv *q)
{
	return q->cfg.cq_base + (uint64_t)q->cq_head * 16;
}

/*
 * An entry read at blkdrv_cq_addr(): false when its phase is not the one
 * expected (nothing new); else the slot of its command id is freed with
 * its status, the head moves (flipping the phase at the wrap) and *cid
 * says whose it was (OUT).
 */
bool blkdrv_complete(struct blkdrv *q, const uint8_t *entry, int *cid);

bool blkdrv_check(const struct blkdrv *q);

#endif
