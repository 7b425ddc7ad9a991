/*
 * cache: a set-associative, write-back, write-allocate CPU data cache that
 * holds real line data, in front of the memory targets of a bus.
 *
 * The CPU's loads and stores go through it (cpu.h's memory hook): a word
 * that hits costs `hit` CPU cycles; a miss fills the line from memory (one
 * bus transaction of a line), evicting the least recently used way of the
 * set and writing it back first when dirty (another line transaction).
 * Pages marked non-cacheable bypass the cache: every word is its own bus
 * transaction, uncombined.
 *
 * I/O coherence (cfg.coherent): a DMA read of a line dirty in the cache is
 * served with the cache's data (the line is written back and stays clean);
 * a DMA write invalidates the line.  Each line a DMA access touches costs
 * `snoop` bus cycles, charged to the DMA transfer.  A non-coherent cache
 * never hears of DMA: software must clean and invalidate by range.
 *
 * Maintenance by range (cache_maint): every line of the range costs the
 * op's per-line CPU cycles whether present or not (software walks the
 * range line by line), plus a line transaction on the bus for each dirty
 * line written back, plus one completion barrier per operation.
 *
 * Line state machine (valid, dirty), and the function behind each edge:
 *   INVALID --CPU miss fill (cache_access)--> CLEAN
 *   CLEAN   --CPU store (cache_access)--> DIRTY
 *   DIRTY   --evict (victim) / clean (cache_maint) / coherent DMA read
 *             (cache_snoop)--> CLEAN or INVALID, data written back
 *   CLEAN/DIRTY --invalidate (cache_maint) / coherent DMA write
 *             (cache_snoop)--> INVALID (dirty data discarded by invalidate)
 * Invariant (cache_check): no line is dirty unless valid; no two valid
 * ways of a set hold the same tag.
 *
 * Units: sizes in bytes; hit, clean, inval, flush and barrier in CPU
 * cycles; snoop in bus cycles per line.
 */
#ifndef DMASIM_HW_CACHE_H
#define DMASIM_HW_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

struct cpu;
struct cache;

struct cache_config {
	uint64_t size;		/* bytes */
	uint32_t ways;
	uint32_t line;		/* bytes, a power of two */
	uint32_t word;		/* bytes per CPU access (cost unit) */
	uint32_t hit;		/* CPU cycles per word that hits */
	uint32_t clean;		/* CPU cycles per line cleaned */
	uint32_t inval;		/* CPU cycles per line invalidated */
	uint32_t flush;		/* CPU cycles per line cleaned+invalidated */
	uint32_t barrier;	/* CPU cycles per maintenance completion */
	uint32_t snoop;		/* bus cycles per line a coherent DMA touches */
	bool coherent;		/* DMA snoops the cache */
};

enum cache_op { CACHE_CLEAN, CACHE_INVAL, CACHE_FLUSH };

struct cache_way {
	uint64_t tag;		/* line address (addr / line) */
	uint64_t used;		/* LRU stamp */
	bool valid, dirty;
};

/* A CPU access the cache saw (for the sanitizer): cpu, address, length. */
struct cache_watch {
	void (*cpu_access)(void *ctx, struct cache *c, uint64_t addr,
			   uint64_t len, bool write);
	/* a maintenance operation ran over [addr, addr + len) */
	void (*maint)(void *ctx, struct cache *c, enum cache_op op,
		      uint64_t addr, uint64_t len);
	void *ctx;
};

#define CACHE_MAX_NC 64

struct cache {
	struct cache_config cfg;
	struct sim *sim;
	struct bus *bus;
	struct bus_snooper snooper;
	char name[32];
	char cpu_name[32];	/* the CPU attached, or the cache's name */
	uint32_t sets;
	unsigned line_shift;
	struct cache_way *way;	/* sets * ways */
	uint8_t *data;		/* sets * ways * line */
	uint64_t stamp;
	struct { uint64_t base, end; } nc[CACHE_MAX_NC]; /* non-cacheable */
	unsigned nnc;
	struct cache_watch watch;
	uint64_t line_cycles;	/* bus cycles of one line transaction */
	/* statistics */
	uint64_t hits, misses, evictions, writebacks, uncached;
	uint64_t maint_lines, maint_ops, snoops, snoop_writebacks,
		 snoop_invals;
};

/* Cost of one operation: CPU cycles, then bus cycles of memory traffic. */
struct cache_cost {
	uint64_t cpu;
	uint64_t bus;
};

/*
 * Create a cache in front of the memory targets of bus; with cfg->coherent
 * it snoops the bus's DMA.  Returns 0, DMASIM_EINVAL (sizes not powers of
 * two, fewer bytes than ways * line) or DMASIM_ENOMEM.
 */
int cache_init(struct cache *c, struct sim *sim, struct bus *bus,
	       const char *name, const struct cache_config *cfg);
void cache_fini(struct cache *c);

/* Attach the cache to a CPU: its loads and stores go through it. */
void cache_attach_cpu(struct cache *c, struct cpu *cpu);

/* Mark [addr, addr + len), widened to 4 KiB pages, cacheable or not.
 * Marking a range non-cacheable cleans and invalidates it first (untimed).
 * Returns 0 or DMASIM_ERANGE (too many ranges). */
#define CACHE_PAGE 4096u
int cache_set_cacheable(struct cache *c, uint64_t addr, uint64_t len,
			bool cacheable);
bool cache_cacheable(const struct cache *c, uint64_t addr);

/* A CPU access of len bytes at addr, through the cache: moves the data,
 * adds its cost.  Returns false (nothing done) when no memory target
 * answers the whole range. */
bool cache_access(struct cache *c, uint64_t addr, void *data, uint64_t len,
		  bool write, struct cache_cost *cost);

/* Maintenance over every line of [addr, addr + len); adds its cost. */
void cache_maint(struct cache *c, enum cache_op op, uint64_t addr,
		 uint64_t len, struct cache_cost *cost);

/* What the CPU would read at addr (cache line if present, else memory), and
 * a store that updates the cached copy or memory; untimed, no state change
 * besides data.  For copies whose cost is charged by the caller. */
void cache_view_read(struct cache *c, uint64_t addr, void *dst, uint64_t len);
void cache_view_write(struct cache *c, uint64_t addr, const void *src,
		      uint64_t len);

/* Is any line of the range dirty?  *first: the first dirty line's address. */
bool cache_dirty_in(const struct cache *c, uint64_t addr, uint64_t len,
		    uint64_t *first);
/* Is the line holding addr valid (and dirty)? */
bool cache_present(const struct cache *c, uint64_t addr, bool *dirty);

bool cache_check(const struct cache *c);
void cache_dump(const struct cache *c);

#endif
