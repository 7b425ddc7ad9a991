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
 * Maintenance by range, as the CPU runs it (cache_walk_*): every line of
 * the range is an operation of the cache costing the op's per-line CPU
 * cycles whether present or not; a dirty line written back goes into the
 * write-back buffer (struct cache_wb), a bus master of its own that moves
 * it to memory as one line transaction, competing with DMA, while the walk
 * goes on; the completion barrier waits until the buffers drain, then
 * costs its own cycles.  cache_maint is the same operation at once, its
 * write-backs written immediately and its cost returned as a price (the
 * mapping API's routines and set-up still use it).
 *
 * Two levels (cache_set_next): a cache may have a next level, another
 * cache of its own size, ways, line and costs (an L2), neither inclusive
 * nor exclusive (no line is forced into or kept out of either level).  The
 * L1's misses fill from the L2 and its evicted dirty lines are written into
 * the L2; only the L2 fills from and writes back to memory over the bus.
 * Non-cacheable ranges are the L1's (the CPU-facing level) and bypass both.
 * Costs, added up per access:
 *   - an L1 hit: the L1's `hit` per word, as with one level;
 *   - each line moved between L1 and L2 (a fill from it, a dirty eviction
 *     into it): the L2's `hit` cycles, once per line moved;
 *   - an L2 miss: a line fill on the bus (the L2's line), plus a write-back
 *     of the L2's victim when dirty; a miss on an eviction into the L2
 *     that covers whole L2 lines reads nothing.
 * Maintenance by range acts on every level to the point of coherency
 * (memory): each level walks the range by its own lines at its own
 * per-line cycles, a dirty line is written to memory (a bus line
 * transaction, the level's line), and one barrier (the cache's the
 * operation was issued on) completes it.  So a two-level clean of n L1
 * lines costs n * clean(L1) + m * clean(L2) + barrier, m the L2 lines.
 * Coherent I/O needs both levels coherent (each snoops, at its own `snoop`
 * cycles per line): a DMA read of a line dirty in either level is served
 * from it (the write-back goes to memory and refreshes any copy below); a
 * DMA write invalidates it in both.  On a non-coherent system a CPU read
 * returns whatever the first level holding the line has, stale or not.
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

/*
 * The write-back buffer: the lines a maintenance operation writes back
 * wait here, in order, each for its own bus transaction of a line on the
 * buffer's bus port (a master of its own, "<cache>.wb", competing with DMA
 * like any other); a line's data reaches memory as its transaction
 * completes.  A CPU miss on a line still waiting reads it from here.
 */
struct cache_wb {
	struct bus_master port;
	uint8_t *data;		/* cap lines */
	uint64_t *addr;		/* cap line addresses */
	size_t head, n, cap;	/* a ring of n waiting lines */
	bool busy;		/* the port has asked for the bus */
	void (*idle)(void *ctx);	/* called once when it drains */
	void *idle_ctx;
	uint64_t lines;		/* statistic: lines written back */
};

/*
 * A maintenance operation by range, as the CPU runs it (cache_walk_*):
 * each level walks the range line by line at its per-line cycles (a line
 * absent costs the same: the operation still goes to the point of
 * coherency); a dirty line (clean, flush) goes into the level's
 * write-back buffer and the walk goes on without waiting for it; the
 * completion barrier waits until every level's buffer has drained, then
 * costs the barrier cycles.
 */
struct cache_walk {
	struct cache *top, *level;
	enum cache_op op;
	uint64_t addr, len;
	uint64_t pos, last;	/* this level's next line to charge, last */
	uint64_t *tags;		/* this level's present lines, ascending */
	size_t n, i;
	int stage;		/* 0 lines, 1 barrier wait, 2 done */
};

enum cache_walk_step { CACHE_WALK_CYCLES, CACHE_WALK_WAIT, CACHE_WALK_DONE };

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
	struct cache *next;	/* the next level, or NULL: memory */
	struct cache *upper;	/* the level whose next this is, or NULL */
	uint64_t line_cycles;	/* bus cycles of one line transaction */
	struct cache_wb wb;
	/* statistics */
	uint64_t hits, misses, evictions, writebacks, uncached;
	uint64_t maint_lines, maint_ops, snoops, snoop_writebacks,
		 snoop_invals;
};

/* Cost of one operation: CPU cycles, then bus cycles of memory traffic. */
struct cache_cost {
	uint64_t cpu;
	uint64_t bus;
	uint64_t xacts;		/* bus transactions bus is made of, each
				 * of the same length */
};

/*
 * Create a cache in front of the memory targets of bus; with cfg->coherent
 * it snoops the bus's DMA.  Returns 0, DMASIM_EINVAL (sizes not powers of
 * two, fewer bytes than ways * line) or DMASIM_ENOMEM.
 */
int cache_init(struct cache *c, struct sim *sim, struct bus *bus,
	       const char *name, const struct cache_config *cfg);
void cache_fini(struct cache *c);

/* Make next the level below c (an L2): c's misses fill from it and c's
 * evicted dirty lines go into it.  Set up before use; both on the same bus
 * and both coherent or both not.  Returns 0 or DMASIM_EINVAL (c already
 * has a next level, next already is one, a loop, or a mismatch). */
int cache_set_next(struct cache *c, struct cache *next);

/* The hook through which a CPU's loads and stores go through this cache
 * (give it to cpu_set_mem_hook()); cpu_name names that CPU in reports. */
struct cpu_mem_hook cache_cpu_hook(struct cache *c, const char *cpu_name);

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

/* Maintenance over every line of [addr, addr + len), at this level and
 * every level below; adds its cost. */
void cache_maint(struct cache *c, enum cache_op op, uint64_t addr,
		 uint64_t len, struct cache_cost *cost);

/*
 * The same operation as the CPU runs it, step by step (see struct
 * cache_walk): begin (DMASIM_ENOMEM), then step until DONE: CYCLES, the
 * CPU cycles of the lines this step covered (the op has been applied to
 * them; a dirty one's write-back queued); WAIT, the barrier waits for the
 * write-back buffers (cache_wb_wait), step again when told.  end frees.
 */
int cache_walk_begin(struct cache_walk *w, struct cache *c, enum cache_op op,
		     uint64_t addr, uint64_t len);
enum cache_walk_step cache_walk_step(struct cache_walk *w, uint64_t *cycles);
void cache_walk_end(struct cache_walk *w);
/* Call fn(ctx) once when the write-back buffers of c and the levels below
 * are all empty; false (fn not kept) when they already are. */
bool cache_wb_wait(struct cache *c, void (*fn)(void *ctx), void *ctx);
/* Bus priority of the write-back buffer's port (its CPU's). */
void cache_wb_set_priority(struct cache *c, int priority);

/* What the CPU would read at addr (cache line if present, else memory), and
 * a store that updates the cached copy or memory; untimed, no state change
 * besides data.  For copies whose cost is charged by the caller. */
void cache_view_read(struct cache *c, uint64_t addr, void *dst, uint64_t len);
void cache_view_write(struct cache *c, uint64_t addr, const void *src,
		      uint64_t len);

/* Is any line of the range dirty, at this level or below?  *first: the
 * first dirty line's address (this level's first, else the next's). */
bool cache_dirty_in(const struct cache *c, uint64_t addr, uint64_t len,
		    uint64_t *first);
/* Is the line holding addr valid (and dirty) at this level? */
bool cache_present(const struct cache *c, uint64_t addr, bool *dirty);

bool cache_check(const struct cache *c);
void cache_dump(const struct cache *c);

#endif
