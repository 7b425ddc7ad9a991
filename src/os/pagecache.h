/*
 * pagecache: the operating system's page cache over a disk, in the manner
 * of Linux's (mm/filemap.c, mm/readahead.c) reduced to what the lesson
 * needs: files are extents of disk blocks (name -> first block, size); a
 * file's 4 KiB pages are cached in frames of a region of physical memory;
 * a read looks each page up; a page found is copied by the CPU; a page
 * missing is filled by the disk's DMA, together with up to `readahead`
 * following pages of the file not yet cached (one command), and then
 * copied.  Frames are reused least recently used first.
 *
 * This file is the bookkeeping; the system (sys/pagecache.c) runs the
 * read on a CPU: the copy as loads and stores through its cache, the fill
 * as a command of the block driver.
 *
 * Page state (per file page): ABSENT --pagecache_plan--> FILLING
 * --pagecache_filled(ok)--> CACHED --evicted by a later plan--> ABSENT;
 * FILLING --pagecache_filled(failed)--> ABSENT.
 */
#ifndef DMASIM_OS_PAGECACHE_H
#define DMASIM_OS_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#define PC_PAGE 4096
#define PC_NAME 32
#define PC_NONE UINT32_MAX

struct pagecache_config {
	uint64_t base, size;	/* frames: bytes of physical memory, pages */
	uint32_t readahead;	/* pages read beyond a missing one (0..511) */
	uint32_t block;		/* bytes per disk block (a divisor of 4 KiB) */
};

struct pc_file {
	char name[PC_NAME];
	uint64_t lba;		/* first block */
	uint64_t size;		/* bytes */
	uint64_t npages;
	uint32_t *frame;	/* per page: its frame, or PC_NONE */
};

struct pc_frame {
	uint32_t file;		/* PC_NONE: free */
	uint64_t page;
	uint64_t used;		/* tick of the last use */
	bool filling;
};

struct pagecache {
	struct pagecache_config cfg;
	struct pc_frame *fr;
	uint32_t nframes;
	struct pc_file *files;
	uint32_t nfiles, capfiles;
	uint64_t tick;
	/* statistics */
	uint64_t hits, misses;	/* pages looked up */
	uint64_t readahead_pages;	/* filled beyond the pages missed */
	uint64_t fills;		/* disk commands */
	uint64_t fill_bytes;	/* bytes the disk DMAed into the cache */
	uint64_t copied;	/* bytes the CPU copied out */
	uint64_t evictions;
};

/* Returns 0, DMASIM_EINVAL (no whole frame, misaligned base, readahead
 * over 511, a block that does not divide a page) or DMASIM_ENOMEM. */
int pagecache_init(struct pagecache *pc, const struct pagecache_config *cfg);
void pagecache_fini(struct pagecache *pc);

/* A file of size bytes from block lba.  Returns its index, DMASIM_EINVAL
 * (an empty or too long name, a name taken, size 0) or DMASIM_ENOMEM. */
int pagecache_file(struct pagecache *pc, const char *name, uint64_t lba,
		   uint64_t size);
/* The index of the file named so, or -1. */
int pagecache_find(const struct pagecache *pc, const char *name);

/* The frame address holding page `page` of file f (a hit, counted, the
 * frame marked used), or UINT64_MAX (a miss, counted). */
uint64_t pagecache_lookup(struct pagecache *pc, uint32_t f, uint64_t page);

/*
 * After a miss at page: the pages to fill, page and up to readahead more
 * following it that are not cached, within the file; each gets a frame
 * (the least recently used, evicted; never one filling).  Returns the
 * count n (0: no frame can be had), with the frames' addresses in pa[]
 * (room for readahead + 1) and the first page's block in *lba (OUT).
 */
int pagecache_plan(struct pagecache *pc, uint32_t f, uint64_t page,
		   uint64_t *pa, uint64_t *lba);
/* The fill of n pages from page ended: cached if ok, else dropped. */
void pagecache_filled(struct pagecache *pc, uint32_t f, uint64_t page,
		      int n, bool ok);

bool pagecache_check(const struct pagecache *pc);

#endif
