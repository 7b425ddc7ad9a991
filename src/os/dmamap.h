/*
 * dmamap: the DMA mapping API, in the shape of Linux's
 * (Documentation/core-api/dma-api.rst, kernel/dma/mapping.c):
 * coherent allocation, map/unmap of a single buffer and of a
 * scatter-gather list, sync for CPU and for device, directions, a mapping
 * error the driver must check, and bounce buffers (swiotlb) for a device
 * whose DMA mask cannot reach a buffer.
 *
 * Addresses are physical; the device's bus address equals the physical one
 * ("direct" ops) unless a bounce slot stands in.  An IOMMU plugs in later
 * by providing its own struct dmamap_ops.
 *
 * Cache maintenance (non-coherent system: a cache that does not snoop):
 *   map          to_device: clean; from_device, bidirectional: clean+inval
 *   unmap        from_device, bidirectional: invalidate
 *   sync_for_cpu     from_device, bidirectional: invalidate
 *   sync_for_device  to_device: clean; from_device: invalidate;
 *                    bidirectional: clean+invalidate
 * On a coherent system these cost only their bookkeeping cycles.
 *
 * A bounce copy is CPU work: the call leaves it pending (dmamap_work_*),
 * and the CPU running the call then copies line by line, a load from the
 * source and a store to the destination through its cache (hits, line
 * fills and write-backs, each a bus transaction), plus `copy` cycles of
 * loop overhead per line.  On a non-coherent system the bounce slot is
 * cleaned after a copy into it and invalidated before a copy out of it
 * (as Linux's swiotlb syncs the slot), in order with the copies.
 *
 * Every call returns its cost in *cost (CPU cycles, then bus cycles); the
 * caller (a CPU operation) spends it, then runs the pending work.  Misuse is an observer's (the
 * sanitizer's) to report;
 * the API itself does what Linux's direct mapping would.
 */
#ifndef DMASIM_OS_DMAMAP_H
#define DMASIM_OS_DMAMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cache.h"

enum dma_dir { DMA_BIDIRECTIONAL = 0, DMA_TO_DEVICE = 1, DMA_FROM_DEVICE = 2 };
enum dmamap_kind { DMAMAP_SINGLE, DMAMAP_SG, DMAMAP_COHERENT };

/*
 * Who watches the API's calls (the sanitizer, attached by the system):
 * every op optional.  dev is the driver's name; group and nents describe
 * a scatter-gather list (the first entry's device address, the count).
 */
struct dmamap_observer {
	void (*map)(void *ctx, const char *dev, enum dmamap_kind kind,
		    uint64_t paddr, uint64_t dma, uint64_t len,
		    enum dma_dir dir, uint64_t group, unsigned nents);
	void (*unmap)(void *ctx, const char *dev, enum dmamap_kind kind,
		      uint64_t dma, uint64_t len, enum dma_dir dir,
		      unsigned nents);
	void (*sync)(void *ctx, const char *dev, uint64_t dma, uint64_t len,
		     enum dma_dir dir, bool for_device);
	void (*checked)(void *ctx, uint64_t dma);
	void (*teardown)(void *ctx, const char *dev);
	void *ctx;
};

#define DMA_MAPPING_ERROR (~(uint64_t)0)

struct dmamap_config {
	uint64_t mask;		/* highest bus address the device reaches */
	uint32_t map_cycles;	/* CPU cycles of bookkeeping per map/unmap */
	uint32_t sync_cycles;	/* CPU cycles of bookkeeping per sync */
	uint32_t copy;		/* CPU cycles of loop overhead per line of a
				 * bounce copy (its loads and stores are
				 * accesses through the cache) */
	uint64_t pool_base, pool_size;	 /* coherent pool, bytes */
	uint64_t bounce_base, bounce_size; /* bounce pool, bytes */
	uint32_t bounce_slot;	/* bytes per bounce slot */
};

struct dma_sg {
	uint64_t paddr, len;	/* in */
	uint64_t dma;		/* out */
};

struct dmamap_bounce {
	uint64_t dma, orig, len;
	uint32_t slot, nslots;
	bool live;
};

/* Work a call leaves for its CPU: a copy (src to dst, done bytes so far;
 * zero: stores of zeros to dst, no source), a cache maintenance
 * operation, a store of len (at most 32) bytes of data to dst, or a poll
 * of the 4-byte word at dst until it reaches want, in order.  uncached:
 * the store or the poll's loads are bus transactions of their own, not
 * through the cache (a device's register, a ring a device reads). */
struct dmamap_work {
	bool copy, zero, store, poll, uncached;
	enum cache_op op;
	uint64_t src, dst, len, done;
	uint32_t want, spin;
	uint8_t data[32];
};

struct dma_dev;
struct dmaiommu;

/* Who translates: direct (default), later an IOMMU. */
struct dmamap_ops {
	uint64_t (*map)(struct dma_dev *d, uint64_t paddr, uint64_t len,
			enum dma_dir dir, struct cache_cost *cost);
	void (*unmap)(struct dma_dev *d, uint64_t dma, uint64_t len,
		      enum dma_dir dir, struct cache_cost *cost);
	void (*sync)(struct dma_dev *d, uint64_t dma, uint64_t len,
		     enum dma_dir dir, bool for_device,
		     struct cache_cost *cost);
	/* Optional: a whole scatter-gather list at once (an IOMMU presents
	 * scattered pages as one I/O address range).  Returns the entries
	 * mapped, 0 on failure. */
	unsigned (*map_sg)(struct dma_dev *d, struct dma_sg *sg, unsigned n,
			   enum dma_dir dir, struct cache_cost *cost);
	/* Optional: free what the ops keep (at dmamap_fini). */
	void (*fini)(struct dma_dev *d);
};

struct dma_dev {
	struct dmamap_config cfg;
	const struct dmamap_ops *ops;
	struct bus *bus;
	struct cache *cache;		/* the CPU's, or NULL */
	struct dmamap_observer obs;	/* ops NULL: none */
	struct dmaiommu *iommu;		/* behind an IOMMU (dmaiommu.h), or
					 * NULL */
	char name[32];
	uint64_t pool_next;		/* coherent pool: bump pointer */
	uint8_t *slot_used;		/* per bounce slot */
	uint32_t nslots;
	struct dmamap_bounce *bounce;
	size_t nbounce, capbounce;
	uint64_t line_cycles;		/* bus cycles per line transaction */
	struct dmamap_work *work;	/* pending, from work_head on */
	size_t nwork, capwork, work_head;
	/* walk_maint: a CPU runs the calls (sys/), so cache maintenance is
	 * work it walks line by line (struct cache_walk), its write-backs
	 * bus transactions of the write-back buffer, its barrier a wait for
	 * them; otherwise maintenance is applied at once, its cost added. */
	bool walk_maint, walking;
	struct cache_walk walk;		/* the maintenance being walked */
	/* statistics */
	uint64_t maps, unmaps, syncs, map_errors, bounces, bounce_bytes;
	uint64_t polls;			/* loads of polled words */
};

/* Returns 0, DMASIM_EINVAL (pools outside the mask, zero slot) or
 * DMASIM_ENOMEM. */
int dmamap_init(struct dma_dev *d, struct bus *bus, struct cache *cache,
		const struct dmamap_observer *obs, const char *name,
		const struct dmamap_config *cfg);
void dmamap_fini(struct dma_dev *d);

static inline bool dmamap_coherent(const struct dma_dev *d)
{
	return !d->cache || d->cache->cfg.coherent;
}

/* The physical address of len bytes (page aligned) and their bus address in
 * *dma; 0 when the pool is exhausted.  Non-cacheable on a non-coherent
 * system. */
uint64_t dmamap_alloc_coherent(struct dma_dev *d, uint64_t len,
			       uint64_t *dma, struct cache_cost *cost);
void dmamap_free_coherent(struct dma_dev *d, uint64_t paddr, uint64_t len,
			  uint64_t dma, struct cache_cost *cost);
/* DMA_MAPPING_ERROR when the device cannot reach the buffer and no bounce
 * slot is free. */
uint64_t dmamap_map_single(struct dma_dev *d, uint64_t paddr, uint64_t len,
			   enum dma_dir dir, struct cache_cost *cost);
void dmamap_unmap_single(struct dma_dev *d, uint64_t dma, uint64_t len,
			 enum dma_dir dir, struct cache_cost *cost);
/* Entries mapped (n), or 0 on failure (nothing stays mapped). */
unsigned dmamap_map_sg(struct dma_dev *d, struct dma_sg *sg, unsigned n,
		       enum dma_dir dir, struct cache_cost *cost);
void dmamap_unmap_sg(struct dma_dev *d, struct dma_sg *sg, unsigned n,
		     enum dma_dir dir, struct cache_cost *cost);
void dmamap_sync_for_cpu(struct dma_dev *d, uint64_t dma, uint64_t len,
			 enum dma_dir dir, struct cache_cost *cost);
void dmamap_sync_for_device(struct dma_dev *d, uint64_t dma, uint64_t len,
			    enum dma_dir dir, struct cache_cost *cost);
bool dmamap_mapping_error(struct dma_dev *d, uint64_t dma);
/* Cache maintenance for a streaming mapping on a non-coherent system
 * (nothing on a coherent one); for the IOMMU's ops. */
void dmamap_cache_maint(struct dma_dev *d, enum cache_op op, uint64_t addr,
			uint64_t len, struct cache_cost *cost);
/* Work the last call left for its CPU (bounce copies, and maintenance
 * when walk_maint): is any pending; run the next piece (a line of a copy,
 * the lines of a maintenance up to its next write-back), adding its cost
 * (cost->xacts: the bus transactions it is made of, of equal length).
 * True when the piece is a barrier: the CPU must wait for the cache's
 * write-back buffers to drain (cache_wb_wait) before the next step. */
bool dmamap_work_pending(const struct dma_dev *d);
bool dmamap_work_step(struct dma_dev *d, struct cache_cost *cost);
/* Work for the IOMMU's ops to leave, on a device whose CPU runs the calls
 * (walk_maint): a store of n (at most 32) bytes at addr, through the
 * CPU's cache or uncached; a poll: uncached 4-byte loads of addr, `spin`
 * CPU cycles apart, until the little-endian word is at or past want (a
 * sequence number, compared modulo 2^32).  False: out of memory. */
bool dmamap_store(struct dma_dev *d, uint64_t addr, const void *data,
		  unsigned n, bool uncached);
bool dmamap_poll(struct dma_dev *d, uint64_t addr, uint32_t want,
		 uint32_t spin);
/* The driver goes away: an observer reports what is still mapped. */
void dmamap_teardown(struct dma_dev *d);

/* Bounce slots for other ops (an IOMMU bounces an untrusted device's
 * buffers that do not fill their pages): a slot for len bytes of orig
 * (NULL: none free), a copy into or out of it, the slot's bytes past len
 * zeroed (a CPU routine: `copy` cycles and a bus write per line), the
 * slot given back. */
struct dmamap_bounce *dmamap_bounce_get(struct dma_dev *d, uint64_t orig,
					uint64_t len);
void dmamap_bounce_move(struct dma_dev *d, const struct dmamap_bounce *b,
			bool to_bounce, struct cache_cost *cost);
void dmamap_bounce_pad(struct dma_dev *d, const struct dmamap_bounce *b,
		       struct cache_cost *cost);
void dmamap_bounce_put(struct dma_dev *d, struct dmamap_bounce *b);

#endif
