/*
 * sys/disk: the components behind dmasim_disk, dmasim_blkdev and
 * dmasim_pagecache (dmasim/machine.h): the disk of hw/disk, and the
 * software of os/blkdrv and os/pagecache run as processes on a CPU.
 *
 * A blocking call (dmasim_blk_io, dmasim_file_read) starts a helper
 * process that does the work step by step on the CPU and wakes the
 * caller through a completion when it is done; requests are pooled per
 * component, so the run allocates nothing per call once warm.
 */
#ifndef DMASIM_SYS_DISK_H
#define DMASIM_SYS_DISK_H

#include "hw/disk.h"
#include "os/blkdrv.h"
#include "os/pagecache.h"
#include "sys.h"

struct dmasim_disk {
	struct disk d;
	struct dmasim_sys *sys;
	struct dmasim_intc *intc;
	unsigned line;
	bool driven;		/* a block driver owns it */
	struct msi_port msi;	/* with cfg.msi: how it interrupts */
};

struct blk_req;

struct dmasim_blkdev {
	struct blkdrv q;
	struct dmasim_sys *sys;
	struct dmasim_disk *disk;
	struct dmasim_cpu *cpu;
	struct dmasim_cache *cache;	/* non-coherent: maintained */
	struct dmasim_blkdev_config cfg;
	bool enabling;		/* the controller is (being) enabled */
	struct dmasim_completion **slot_done;	/* by command id */
	struct dmasim_completion *slot_free;	/* a slot was freed */
	struct blk_req **pool;	/* requests free for reuse */
	size_t npool, cappool;
	struct blk_req **all;	/* every request, freed with it */
	size_t nall, capall;
	uint8_t cqe[16];	/* the interrupt handler's entry */
	bool consumed;		/* the handler consumed entries */
	uint64_t irqs;
};

struct dmasim_pagecache {
	struct pagecache pc;
	struct dmasim_sys *sys;
	struct dmasim_blkdev *b;
	struct dmasim_pagecache_config cfg;
	struct dmasim_completion *lock;	/* one read at a time */
	struct pc_req **pool;
	size_t npool, cappool;
	struct pc_req **all;
	size_t nall, capall;
};

/* Start a block command on the pages given (pages[0] may start inside
 * its page) and make p wait for it; its status in p's result. */
int sys_blk_io_pages(struct dmasim_proc *p, struct dmasim_blkdev *b,
		     bool write, uint64_t lba, uint32_t nblocks,
		     const uint64_t *pages, int npages);

#endif
