/*
 * iommu: an I/O memory management unit, the passport control on the path
 * from devices to memory (in the manner of Intel VT-d and the AMD IOMMU,
 * simplified).  It is a translation stage on one direction of a bridge
 * (bridge.h): every transaction a device on the near bus sends through
 * the bridge's windows is translated from the device's address (an I/O
 * virtual address, IOVA) to a physical one before it goes to the far bus,
 * or blocked.
 *
 * Domains: each device (a bus master: a DMA channel, a device) belongs to
 * at most one domain; a domain is translated through its own I/O page
 * table in simulated memory, or identity-mapped (passthrough).  Modes:
 * off (addresses pass unchanged, nothing checked: no IOMMU) or on.
 *
 * I/O page table (a 3-level radix tree over a 39-bit IOVA, 4 KiB and
 * 2 MiB pages; 8-byte little-endian entries, 512 a table):
 *   level 0 index IOVA[38:30], level 1 IOVA[29:21], level 2 IOVA[20:12]
 *   entry bit 0 R (present, readable), bit 1 W (writable), bit 7 PS (at
 *   level 1: a 2 MiB page), bits 51..12 the next table or the page
 * A walk reads one entry per level over the far bus (a memory
 * transaction each, seen by coherent caches like any I/O read).
 *
 * IOTLB: `entries` translations (`ways` per set, 0: fully associative),
 * least recently used replaced; a hit costs `lookup` ps, a miss a walk.
 * Invalidation by page, domain or everything (the OS's job after unmap;
 * an entry left stale keeps translating).
 *
 * Faults: an access with no domain, to an IOVA not mapped, or without the
 * permission is blocked (no byte changes: a posted write is dropped, a
 * read completes with an error), logged (device, IOVA, access, reason,
 * time) and raises the fault interrupt; the simulation goes on.
 *
 * An access that crosses a page is translated page by page.
 *
 * Translation state machine (one at a time, in order):
 *   IDLE --bridge asks (iommu_translate)--> LOOKUP --lookup ps--> hit:
 *   DONE (bridge_xlate_done) | miss: WALK(level 0) --entry read
 *   (walk_done)--> WALK(level 1) --> ... --> leaf: fill the IOTLB, check
 *   permission --> DONE | not present / denied: FAULT --> DONE (blocked)
 */
#ifndef DMASIM_HW_IOMMU_H
#define DMASIM_HW_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "bridge.h"
#include "dma.h"

struct iommu;

#define IOMMU_PTE_R (1ull << 0)
#define IOMMU_PTE_W (1ull << 1)
#define IOMMU_PTE_PS (1ull << 7)
#define IOMMU_PTE_ADDR 0x000ffffffffff000ull
#define IOMMU_LEVELS 3
#define IOMMU_IOVA_BITS 39

#define IOMMU_FAULTS(X)                                                      \
	X(NO_DOMAIN, 1, "the device is in no domain")                       \
	X(NOT_PRESENT, 2, "no translation for the address")                 \
	X(READ_DENIED, 3, "the mapping does not allow reads")               \
	X(WRITE_DENIED, 4, "the mapping does not allow writes")             \
	X(WALK, 5, "the page table could not be read")                      \
	X(RANGE, 6, "the address is beyond the I/O address width")          \
	X(TRANSLATED, 7, "a translated request from a device not trusted "  \
	  "with ATS")                                                       \
	X(MESSAGE, 8, "a message to an address other than the IOMMU's own " \
	  "registers")

enum {
#define IOMMU_FAULT_ENUM(name, code, what) IOMMU_FAULT_##name = (code),
	IOMMU_FAULTS(IOMMU_FAULT_ENUM)
#undef IOMMU_FAULT_ENUM
};

const char *iommu_fault_string(int reason);

struct iommu_config {
	uint32_t entries;	/* IOTLB entries (64) */
	uint32_t ways;		/* per set; 0: fully associative */
	uint64_t lookup;	/* ps per IOTLB lookup */
	uint32_t max_faults;	/* faults kept in the log (others counted) */
};

struct iommu_domain {
	uint64_t root;		/* physical address of the level-0 table */
	bool identity;		/* passthrough: IOVA = physical */
	bool live;
};

struct iommu_tlb {
	uint64_t tag;		/* IOVA >> 12 (>> 21 for a 2 MiB page) */
	uint64_t pa;		/* the page's physical address */
	uint64_t used;		/* LRU stamp */
	uint16_t domain;
	uint8_t perm;		/* IOMMU_PTE_R | IOMMU_PTE_W */
	bool valid, large;
};

struct iommu_fault {
	uint64_t time;		/* ps */
	uint64_t iova;
	bool write;
	int reason;		/* IOMMU_FAULT_* */
	char dev[32];		/* the initiator's name */
};

struct iommu_attach {
	const struct bus_master *dev;
	int domain;
	bool ats;		/* its translated requests are let through */
};

#define IOMMU_MAX_DOMAINS 64

/* Who watches translations (the sanitizer): every access decided, before
 * it goes on (ok) or is blocked.  domain: the device's, -1 for none. */
struct iommu_watch {
	void (*access)(void *ctx, const struct iommu *io, int domain,
		       const char *dev, uint64_t iova, uint64_t len,
		       bool write, bool ok);
	/* a translated (ATS) request let through: pa is physical */
	void (*translated)(void *ctx, const struct iommu *io, int domain,
			   const char *dev, uint64_t pa, uint64_t len,
			   bool write);
	void *ctx;
};

struct iommu {
	struct iommu_config cfg;
	struct sim *sim;
	char name[32];
	struct bridge *br;
	struct bridge_side *side;	/* the translated direction */
	struct bridge_xlate xl;
	struct bus_master walker;	/* reads page tables on the far bus */
	bool on;
	struct iommu_domain dom[IOMMU_MAX_DOMAINS];
	struct iommu_attach *att;
	unsigned natt, capatt;
	struct iommu_tlb *tlb;
	uint32_t sets;
	uint64_t stamp;
	struct irq_sink irq;		/* the fault interrupt */
	struct iommu_watch watch;	/* access NULL: none */
	struct iommu_fault *log;
	uint32_t nlog;
	/* the translation in progress */
	struct bridge_entry *cur;
	int cur_domain;
	int level;
	uint64_t table;			/* the table being read */
	uint8_t pte[8];
	struct xact walk;
	/* where messages may go (its invalidation queue's registers) */
	uint64_t msg_base, msg_size;
	/* statistics */
	uint64_t translations, hits, misses, walk_reads, faults, invalidations;
	uint64_t ats_requests;		/* translation requests answered */
};

/* A translation stage on direction dir of br (devices on its near bus,
 * memory beyond).  Starts off.  Returns 0, DMASIM_EINVAL (no IOTLB entry,
 * ways not dividing entries) or DMASIM_ENOMEM. */
int iommu_init(struct iommu *io, struct sim *sim, const char *name,
	       struct bridge *br, enum bridge_dir dir,
	       const struct iommu_config *cfg);
void iommu_fini(struct iommu *io);

void iommu_enable(struct iommu *io, bool on);
/* A domain translated through the table at root, or identity-mapped.
 * Returns its id (>= 0) or DMASIM_ERANGE (too many). */
int iommu_domain_new(struct iommu *io, uint64_t root, bool identity);
/* Put a device in a domain (-1: in none).  Returns 0, DMASIM_EINVAL or
 * DMASIM_ENOMEM. */
int iommu_attach_device(struct iommu *io, const struct bus_master *dev,
			int domain);
/* Trust dev's translated requests (ATS: they pass unchecked) or not (they
 * fault).  dev must be attached.  Returns 0 or DMASIM_EINVAL. */
int iommu_trust_ats(struct iommu *io, const struct bus_master *dev,
		    bool trusted);
/* Drop cached translations: of [iova, iova + len) in a domain, of a whole
 * domain (len 0), or every one (domain < 0). */
void iommu_invalidate(struct iommu *io, int domain, uint64_t iova,
		      uint64_t len);

bool iommu_check(const struct iommu *io);

#endif
