/*
 * dmaiommu: the DMA mapping API through an IOMMU (in the shape of Linux's
 * dma-iommu: drivers/iommu/dma-iommu.c and iova.c).  A device behind an
 * IOMMU gets its own domain; mapping a buffer allocates an I/O virtual
 * address range (IOVA), writes the page-table entries that translate it
 * to the buffer's pages (scattered pages become one contiguous IOVA
 * range), and returns the IOVA; unmapping clears the entries and
 * invalidates the IOTLB:
 *   strict  at every unmap: the device cannot use the translation after
 *           unmap returns;
 *   lazy    unmaps queue; the queue is flushed (one invalidation of the
 *           whole domain, then the IOVAs are freed) when it holds
 *           `flush_max` entries or `flush_timeout` after its first entry,
 *           as Linux's flush queue does (256 entries or 10 ms): until
 *           then a stale IOTLB entry still lets the device reach pages
 *           the OS may already have freed and reused.
 * Costs.  `alloc` CPU cycles per IOVA allocation and `pte` per page-table
 * entry computed (work that touches nothing).  When a CPU runs the calls
 * (the device's walk_maint), each entry is then the CPU's 8-byte store,
 * through its cache (cleaned to memory on a non-coherent system, as
 * Linux cleans the lines of an IOMMU that does not snoop): every entry
 * reaches the tables only by those stores.  Which tables exist below the
 * root the OS keeps in a record of its own (tabs), as it keeps its IOVA
 * ranges, and never reads its tables back from memory.  An
 * invalidation goes through the IOMMU's invalidation queue (cfg.qi,
 * hw/iommu_qi.h) as an OS drives one: a range or domain descriptor and a
 * wait descriptor stored into the ring (uncached), the tail register
 * written, the status word polled until the IOMMU has written it; what
 * it costs emerges from those transactions; for a device with an ATS
 * translation cache (cfg.devtlb) a device-TLB descriptor goes before the
 * wait, so the wait ends only once the device has dropped its copies.
 * Without a queue, or with no CPU running the calls, an invalidation is
 * done at once and costs `inval` CPU cycles, and an entry is written at
 * once for `pte` cycles and its bus write's cycles.  The lazy queue's
 * timeout flush runs on no CPU: at once, unpriced.
 *
 * An untrusted device (Linux's swiotlb for untrusted devices): a single
 * buffer that does not fill its pages is copied into a bounce slot of the
 * device's pool (slots page sized and aligned), the slot's bytes past the
 * buffer zeroed, and the slot mapped instead: the device reaches no other
 * data in the buffer's pages, at the price of the copies.
 *
 * The page tables live in [pt_base, pt_base + pt_size) of one memory
 * (the format of hw/iommu.h); the IOVA space is [iova_base, iova_base +
 * iova_size), allocated first fit in whole pages.
 */
#ifndef DMASIM_OS_DMAIOMMU_H
#define DMASIM_OS_DMAIOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "dmamap.h"
#include "hw/iommu.h"
#include "hw/memory.h"

/* The OS's side of an IOMMU's invalidation queue, shared by every device
 * mapping through that IOMMU: DMAIOMMU_QI_ENTRIES descriptors at ring,
 * the wait descriptors' status word just after them. */
#define DMAIOMMU_QI_ENTRIES 64
struct dmaiommu_qi {
	uint64_t regs;			/* the queue's registers */
	uint64_t ring;			/* bus address, 32-byte aligned */
	uint32_t tail;			/* the next descriptor's slot */
	uint32_t seq;			/* the last wait's status value */
	uint32_t spin;			/* CPU cycles between polls */
	uint64_t submissions;
};

struct dmaiommu_config {
	uint64_t pt_base, pt_size;	/* bytes of memory for page tables */
	uint64_t iova_base, iova_size;	/* the device's address space */
	bool lazy;
	uint32_t flush_max;		/* lazy: entries before a flush */
	uint64_t flush_timeout;		/* lazy: ps after the first entry */
	uint32_t alloc;			/* CPU cycles per IOVA allocation */
	uint32_t pte;			/* CPU cycles per entry written */
	uint32_t inval;			/* CPU cycles per invalidation */
	bool untrusted;			/* bounce buffers that share a page */
	struct dmaiommu_qi *qi;		/* NULL: invalidation in `inval` */
	uint64_t devtlb;		/* the device's ATS invalidation
					 * register (0: the OS does not
					 * invalidate a device's ATC): each
					 * invalidation through the queue
					 * also invalidates it (type 5) */
};

/* An IOVA range: mapped, unmapped but waiting for the flush (lazy), or
 * free for the allocator. */
enum dmaiommu_state { RANGE_FREE, RANGE_LIVE, RANGE_QUEUED };

struct dmaiommu_range {
	uint64_t iova, pages;
	uint64_t paddr;		/* the first page's, when live */
	uint64_t *pa;		/* each page's, for a scatter-gather list
				 * (NULL: contiguous from paddr) */
	enum dmaiommu_state state;
	uint64_t unmapped_at;	/* ps, when queued */
	size_t bounce;		/* 1 + its bounce slot's index, 0: none */
};

struct dmaiommu {
	struct dmaiommu_config cfg;
	struct dma_dev *dev;		/* whose CPU stores the entries */
	struct iommu *io;
	int domain;
	struct memory *mem;		/* holds the page tables */
	struct sim *sim;
	uint64_t pt_next;		/* the next free table */
	/* the tables below the root, as the OS records them (it does not
	 * read its tables back from memory) */
	struct dmaiommu_table {
		uint64_t parent, child;
		unsigned idx;
	} *tabs;
	unsigned ntabs, captabs;
	struct dmaiommu_range *r;	/* live mappings and free holes */
	unsigned nr, capr;
	uint64_t bump;			/* IOVA never handed out from here */
	unsigned nfq;			/* ranges queued for the flush */
	bool timer;			/* a flush timeout is pending */
	uint64_t bus_pte;		/* bus cycles of one entry write */
	/* statistics */
	uint64_t maps, unmaps, flushes, invalidations, ptes;
	uint64_t stale_ps;		/* unmap to invalidation, summed */
	uint64_t stale_max_ps;		/* and the longest */
};

/*
 * Put d behind an IOMMU: its device (dev, a bus master) joins a new
 * domain of io whose tables are kept in mem.  Returns 0, DMASIM_EINVAL
 * (areas empty or not page aligned, outside mem) or DMASIM_ERANGE /
 * DMASIM_ENOMEM.
 */
int dmaiommu_attach(struct dma_dev *d, struct iommu *io,
		    const struct bus_master *dev, struct memory *mem,
		    struct sim *sim, const struct dmaiommu_config *cfg);
void dmaiommu_fini(struct dmaiommu *m);

/* Flush the lazy queue now (invalidate, free the IOVAs). */
void dmaiommu_flush(struct dma_dev *d, struct cache_cost *cost);

#endif
