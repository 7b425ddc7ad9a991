/*
 * mmu: a CPU's address translation: a TLB (entries, ways, LRU) in front
 * of a page-table walker that reads the tables from simulated memory.
 *
 * Tables: four levels of 512 eight-byte entries, 4 KiB pages (the x86-64
 * and Armv8 4 KiB-granule layout): level l indexes VA bits
 * [47 - 9l, 39 - 9l]; an entry is valid when bit 0 is set, and bits
 * 12..51 hold the physical address of the next table (levels 0 to 2) or
 * of the page (level 3).  The OS (os/vmpt) writes them.
 *
 * A miss walks the four levels, each one 8-byte read by the walker, a bus
 * master of its own ("<mmu>.walker"), competing for the bus like any
 * other; the CPU waits for the walk.  An entry found invalid is a page
 * fault, for the CPU to take (mmu_translate's caller).  A TLB entry maps
 * one (address space, virtual page) to a physical page; the OS
 * invalidates an entry when it changes the page's mapping.
 *
 * Units: entries and ways counts; walk reads are bus transactions.
 */
#ifndef DMASIM_HW_MMU_H
#define DMASIM_HW_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#define MMU_LEVELS 4
#define MMU_PAGE_SHIFT 12

struct mmu_config {
	uint32_t entries;	/* TLB entries */
	uint32_t ways;		/* associativity (entries: fully) */
};

struct mmu_tlbe {
	uint64_t vpn, ppn;
	uint64_t used;		/* LRU stamp */
	int asid;
	bool valid;
};

enum mmu_result { MMU_HIT, MMU_WALK, MMU_FAULT };

/* A walk ended: MMU_HIT (translated: pa), or MMU_FAULT (no page). */
typedef void (*mmu_done_fn)(void *ctx, enum mmu_result r, uint64_t pa);

struct mmu {
	struct bus_master walker;
	struct sim *sim;
	struct bus *bus;
	char name[32];
	struct mmu_config cfg;
	uint32_t sets;
	struct mmu_tlbe *tlb;	/* sets * ways */
	uint64_t stamp;
	/* the walk in flight */
	bool walking;
	int level, asid;
	uint64_t va, table, addr;
	uint8_t word[8];
	mmu_done_fn done;
	void *ctx;
	/* statistics */
	uint64_t hits, misses, walk_reads, faults, invals;
};

/* Returns 0, DMASIM_EINVAL (no entries, ways not dividing them, sets not
 * a power of two) or DMASIM_ENOMEM. */
int mmu_init(struct mmu *m, struct sim *sim, struct bus *bus,
	     const char *name, const struct mmu_config *cfg, int priority);
void mmu_fini(struct mmu *m);

/*
 * Translate va in address space asid, whose level-0 table is at root.
 * MMU_HIT: *pa set at once (a TLB hit).  MMU_WALK: a walk started;
 * done(ctx, ...) is called when it ends (one walk at a time: the CPU
 * waits for it).  MMU_FAULT: never returned here (a walk finds faults).
 */
enum mmu_result mmu_translate(struct mmu *m, int asid, uint64_t root,
			      uint64_t va, uint64_t *pa, mmu_done_fn done,
			      void *ctx);

/* Drop the entry of (asid, vpn), if held (the OS changed the mapping). */
void mmu_invalidate(struct mmu *m, int asid, uint64_t vpn);

#endif
