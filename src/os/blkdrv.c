/* blkdrv: a block driver's queue bookkeeping.  See blkdrv.h. */
#include "blkdrv.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/util.h"

int blkdrv_init(struct blkdrv *q, const struct blkdrv_config *cfg)
{
	if (cfg->entries < 2 || cfg->entries > 4096 || (cfg->sq_base & 63) ||
	    (cfg->cq_base & 15) || (cfg->prp_base & (BLKDRV_PAGE - 1)))
		return DMASIM_EINVAL;
	memset(q, 0, sizeof(*q));
	q->cfg = *cfg;
	q->phase = 1;
	q->slot = dm_calloc(cfg->entries, sizeof(*q->slot));
	return q->slot ? 0 : DMASIM_ENOMEM;
}

void blkdrv_fini(struct blkdrv *q)
{
	dm_free(q->slot);
	q->slot = NULL;
}

int blkdrv_submit(struct blkdrv *q, uint64_t *sq_addr, uint32_t *tail)
{
	uint32_t i;

	if (q->inflight >= q->cfg.entries - 1)
		return -1;
	for (i = 0; i < q->cfg.entries - 1 && q->slot[i].busy; i++)
		;
	q->slot[i].busy = true;
	q->slot[i].status = 0;
	q->inflight++;
	q->submitted++;
	*sq_addr = q->cfg.sq_base + (uint64_t)q->sq_tail * 64;
	q->sq_tail = (q->sq_tail + 1) % q->cfg.entries;
	*tail = q->sq_tail;
	return (int)i;
}

int blkdrv_pages(uint64_t pa, uint64_t len, uint64_t *pages, int max)
{
	uint64_t first = BLKDRV_PAGE - (pa & (BLKDRV_PAGE - 1));
	uint64_t n = 1 + (len > first ? (len - first + BLKDRV_PAGE - 1) /
			  BLKDRV_PAGE : 0);

	if (n > (uint64_t)max)
		return -1;
	pages[0] = pa;
	for (uint64_t i = 1; i < n; i++)
		pages[i] = pa + first + (i - 1) * BLKDRV_PAGE;
	return (int)n;
}

int blkdrv_prps(const struct blkdrv *q, int cid, const uint64_t *pages,
		int n, uint64_t *prp1, uint64_t *prp2, uint64_t *list)
{
	*prp1 = pages[0];
	*prp2 = n > 1 ? pages[1] : 0;
	if (n <= 2)
		return 0;
	if (n - 1 > BLKDRV_PAGE / 8)
		return -1;
	for (int i = 1; i < n; i++)
		list[i - 1] = pages[i];
	*prp2 = q->cfg.prp_base + (uint64_t)cid * BLKDRV_PAGE;
	return n - 1;
}

bool blkdrv_complete(struct blkdrv *q, const uint8_t *e, int *cid)
{
	uint16_t st = (uint16_t)util_le_get(e + 14, 2);
	uint16_t id = (uint16_t)util_le_get(e + 12, 2);

	if ((st & 1) != q->phase)
		return false;
	q->cq_head = (q->cq_head + 1) % q->cfg.entries;
	if (!q->cq_head)
		q->phase ^= 1;
	*cid = -1;
	if (id < q->cfg.entries - 1 && q->slot[id].busy) {
		q->slot[id].busy = false;
		q->slot[id].status = st >> 1;
		q->inflight--;
		q->completed++;
		if (st >> 1)
			q->failed++;
		*cid = id;
	}
	return true;
}

bool blkdrv_check(const struct blkdrv *q)
{
	uint32_t busy = 0;

	for (uint32_t i = 0; i + 1 < q->cfg.entries; i++)
		busy += q->slot[i].busy;
	return busy == q->inflight && q->sq_tail < q->cfg.entries &&
	       q->cq_head < q->cfg.entries && q->phase <= 1;
}
