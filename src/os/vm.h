/*
 * vm: virtual memory on the simulated machine.  Address spaces map 4 KiB
 * virtual pages to physical frames (from the buddy allocator) through page
 * tables; pages are faulted in on first touch, reclaimed to a swap device
 * by a clock (second-chance) replacement policy under memory pressure, and
 * migrated between frames for compaction.  A pinned page (pin count > 0)
 * is never migrated or reclaimed.
 *
 * Data is real: a page's bytes live in its frame in simulated DRAM, are
 * copied on migration, and are written to and read back from the swap
 * device, so a bug that loses a page's contents shows in its checksum.
 *
 * Time: the functions here do the bookkeeping at once and return the CPU
 * cycles of the fault handler's own work; callers (the workload
 * processes, the MMU, the Lua layer) spend them.  Page transfers go
 * through a swap device by DMA (struct vm_swapdev below; sys/swap.c
 * pages through a disk): a caller that runs on the simulated machine
 * starts the transfers a call queued and waits for them, an untimed one
 * (set-up, checks) settles them at once.  Without a swap device a full
 * memory is an error (vm_nomem_why()).
 *
 * An address space may ask for 2 MiB pages: the first touch of an untouched
 * 2 MiB-aligned region then maps it whole from one 512-frame block, when
 * the allocator has one (falling back to 4 KiB pages when memory is too
 * fragmented, as transparent huge pages do); reclaim and migration later
 * treat its frames one by one (the huge mapping is split).
 *
 * Page states (struct pte):
 *   NONE --vm_fault (first touch)--> PRESENT
 *   PRESENT --vm_reclaim_one (clock picks it, not pinned)--> SWAPPED
 *   SWAPPED --vm_fault--> PRESENT (read back from swap)
 *   PRESENT --vm_migrate (not pinned)--> PRESENT in another frame
 *
 * A DMA hazard watch: scatter-gather lists built with vm_sg_build()
 * remember which page each segment was built for; a DMA write observed on
 * the bus into a frame whose page has since moved (the buffer was not
 * pinned) is recorded as a hazard report naming the page, the time and
 * the missing pin.
 */
#ifndef DMASIM_OS_VM_H
#define DMASIM_OS_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/base.h"
#include "frames.h"
#include "hw/bus.h"
#include "hw/memory.h"

#define PTE_PRESENT 0x1
#define PTE_SWAPPED 0x2
#define PTE_DIRTY 0x4
/* its leaf entry is left to a CPU's store not made yet (vm_defer_begin) */
#define PTE_ENTRY_OWED 0x8

struct pte {
	uint32_t pfn;		/* when PRESENT */
	uint32_t slot;		/* swap slot when SWAPPED */
	uint8_t flags;
};

struct vm;

#define VM_HUGE_ORDER 9		/* 2 MiB pages: 512 frames */

struct aspace {
	struct vm *vm;
	int id;
	bool huge;		/* back 2 MiB-aligned regions with 2 MiB pages */
	uint64_t npages;
	struct pte *pte;
	/* statistics */
	uint64_t faults, major_faults;	/* major: read back from swap */
	uint64_t huge_faults;		/* 2 MiB pages mapped at once */
	uint64_t resident;
	/* page tables in simulated memory (os/vmpt.h), for an MMU; 0: none */
	uint64_t pt_root;		/* level-0 table's physical address */
	uint64_t pt_leaf;		/* the leaf entries, one per page */
	bool pt_ready;			/* written (by a CPU: vmpt.h) */
	/* told when a page's mapping changes (an MMU's TLB), or NULL */
	void (*pt_changed)(void *ctx, struct aspace *as, uint64_t vpn);
	void *pt_ctx;
};

struct vm_config {
	uint64_t fault_cycles;	/* CPU cycles to handle a page fault */
	uint64_t pin_cycles;	/* CPU cycles to pin or unpin a page */
	uint64_t migrate_cycles;/* CPU cycles to migrate a page (plus copy) */
	uint32_t swap_slots;	/* pages the swap device holds */
};

/* A segment of a scatter-gather list, and what it was built for. */
struct vm_sg_seg {
	uint64_t pa, len;
};

struct vm_watch {
	uint64_t pa;		/* frame's physical address */
	uint32_t pfn, gen;	/* the frame's generation at build time */
	int as;
	uint32_t vpn;
	bool live;
};

struct vm_hazard {
	uint64_t time;		/* ps: the DMA write */
	uint64_t pa;
	int as;
	uint32_t vpn;
	uint64_t moved_at;	/* ps: when the page left the frame */
	uint32_t new_pfn;	/* where the page is now (FRAME_NONE: swapped) */
};

/*
 * The swap device, which moves pages by DMA (the disk: sys/swap.c).
 * Reclaim and faults do their bookkeeping at once but move no bytes:
 * they queue records (a page out of its frame into a slot, a page into
 * its frame from a slot, a frame to zero once the transfers before it
 * are done), which a timed caller (a workload, the MMU's fault handler,
 * a pin or migration a CPU runs) starts with vm_swap_start() and waits
 * for, and an untimed caller (vm_rw, vm_pin, vm_sg_build, vm_migrate:
 * set-up and checks) has done at once, untimed, with vm_swap_settle().
 * The device keeps the records' order, so a slot written out is read
 * back only after.
 */
enum vm_swap_op { VM_SWAP_OUT, VM_SWAP_IN, VM_SWAP_ZERO };
struct vm_swap_rec {
	uint8_t op;
	uint32_t slot;
	uint64_t pa;		/* the frame's physical address */
};
/* Told when a batch of records is complete. */
typedef void (*vm_swap_done_fn)(void *arg);
struct vm_swapdev {
	/* Queue n records behind any before them; call done(arg) when the
	 * last is complete.  Returns 0 or DMASIM_ENOMEM. */
	int (*start)(void *ctx, const struct vm_swap_rec *r, uint32_t n,
		     vm_swap_done_fn done, void *arg);
	/* Do n records now, untimed (never while busy).  Returns 0 or
	 * DMASIM_ENOMEM. */
	int (*settle)(void *ctx, const struct vm_swap_rec *r, uint32_t n);
	/* Records started are not all done yet. */
	bool (*busy)(void *ctx);
	void *ctx;
};

/* Leaf entries a CPU is to write (vm_defer_begin): first the unmapping
 * (inv), before the frame it freed is written, then the mappings
 * [map_vpn, map_vpn + map_n) of map_as, after the data they map. */
struct vm_pte_work {
	struct aspace *inv_as;		/* NULL: none */
	uint64_t inv_vpn;
	struct aspace *map_as;		/* NULL: none */
	uint64_t map_vpn, map_n;
};

struct vm {
	struct bus_snooper snoop;	/* first: the DMA hazard watch */
	/* told of each hazard too (NULL: nobody): who wrote, where */
	void (*on_hazard)(void *ctx, const char *who, uint64_t pa,
			  uint64_t len);
	void *hazard_ctx;
	struct vm_config cfg;
	struct frames fr;
	struct memory *mem;
	struct sim *sim;
	struct aspace **as;
	int nas;
	uint32_t hand;		/* clock hand */
	/* swap */
	/* free slots: those freed, a stack (reused first, so that a
	 * thrashing run keeps touching the same few pages of the swap
	 * area), then every slot from slot_next up, never used yet */
	uint32_t *slot_free;
	uint32_t nfree;
	uint32_t slot_next;
	/* hazard watch */
	struct vm_watch *watch;
	uint32_t nwatch, capwatch;
	uint64_t *moved_at;	/* per frame: when its page last moved out */
	struct vm_hazard *haz;
	uint32_t nhaz, caphaz;
	/* the swap device (dev.start NULL: none; memory full is then an
	 * error) */
	struct vm_swapdev dev;
	struct vm_swap_rec *pend;	/* records not yet started */
	uint32_t npend, cappend;
	/* work left to the CPU that runs a call (vm_defer_begin): the
	 * frames a fault left to zero, and the leaf entries left to write:
	 * one unmapping (a page reclaimed) and one run of mappings */
	bool defer_zero, defer_pte;
	uint32_t zero_pfn, zero_n;
	struct vm_pte_work dw;
	/* told when a leaf entry left owed (PTE_ENTRY_OWED) is written,
	 * with a list of the caller's own (sys/mmu.c: parked accesses) */
	void (*owed_written)(struct vm *vm, struct aspace *as, uint64_t vpn);
	void *owed_waiters;
	/* statistics */
	uint64_t faults, major_faults, evictions, writebacks;
	uint64_t migrations, migrations_refused, swap_ios;
};

/* Manage frames [base, base + size) of memory mem.  Returns 0,
 * DMASIM_EINVAL or DMASIM_ENOMEM. */
int vm_init(struct vm *vm, struct sim *sim, struct memory *mem,
	    uint64_t base, uint64_t size, const struct vm_config *cfg);
void vm_fini(struct vm *vm);

/* A new address space of npages virtual pages (VA 0 up).  NULL when out
 * of host memory. */
struct aspace *vm_aspace(struct vm *vm, uint64_t npages);
/* The same with 2 MiB pages where possible. */
struct aspace *vm_aspace_huge(struct vm *vm, uint64_t npages);

/*
 * Make page vpn present, reclaiming a frame if memory is full.  Adds the
 * handler's CPU cycles to *cycles (may be NULL); the swap transfers it
 * needs are queued for the swap device (vm_swap_pending()).  Returns 0,
 * DMASIM_ENOMEM when no frame can be had (vm_nomem_why() says why),
 * DMASIM_ERANGE for a page outside the space.
 */
int vm_fault(struct aspace *as, uint64_t vpn, bool write, uint64_t *cycles);
/* Why no frame could be had: no swap device, swap full, or every frame
 * pinned; a message for the user. */
const char *vm_nomem_why(const struct vm *vm);
/*
 * A call run by a CPU leaves it the memory traffic it makes: between
 * vm_defer_begin() and vm_defer_end(), a fresh page's zero fill is not
 * done but noted, and so are the leaf page-table entries that change, in
 * *j.  The CPU makes them store by store (vm_job_next()): the unmapping
 * first, then the zero fill's lines, then the mappings.  An entry that
 * fits no slot of the job is written at once.
 */
struct vm_job {
	uint64_t zpa, zlen, zdone;	/* bytes to zero, and done */
	struct vm_pte_work pte;		/* entries to write */
	uint64_t map_done;		/* mappings written */
	int stage;	/* 0 the unmapping, 1 zero fill, 2 mappings, 3 done */
};
/* One store of a job: len bytes at pa, zeros (as NULL) or the leaf entry
 * of as's page vpn, its value now in entry.  The CPU that makes it calls
 * vm_pte_written() once the entry is in memory. */
#define VM_JOB_LINE 64		/* bytes of a zero fill's store */
struct vm_store {
	uint64_t pa, len;
	struct aspace *as;
	uint64_t vpn;
	uint8_t entry[8];
};
void vm_defer_begin(struct vm *vm);
void vm_defer_end(struct vm *vm, struct vm_job *j);
/* The next store of j into *s; false when none is left (with data
 * false: none but the unmapping, the caller having no data to zero). */
bool vm_job_next(struct vm_job *j, bool data, struct vm_store *s);
/* Page vpn's leaf entry: its physical address, and its value now. */
static inline uint64_t vm_pte_addr(const struct aspace *as, uint64_t vpn)
{
	return as->pt_leaf + 8 * vpn;
}
uint64_t vm_pte_value(const struct aspace *as, uint64_t vpn);
/* A CPU wrote page vpn's leaf entry: the space's pt_changed hook hears. */
void vm_pte_written(struct aspace *as, uint64_t vpn);

/* Touch a page: fault it in if needed, mark it referenced (and dirty). */
static inline int vm_touch(struct aspace *as, uint64_t vpn, bool write,
			   uint64_t *cycles)
{
	struct pte *p;

	if (vpn >= as->npages)
		return DMASIM_ERANGE;
	p = &as->pte[vpn];
	if (p->flags & PTE_PRESENT) {
		as->vm->fr.f[p->pfn].accessed = 1;
		if (write)
			p->flags |= PTE_DIRTY;
		return 0;
	}
	return vm_fault(as, vpn, write, cycles);
}

/* Physical address of a virtual address, or UINT64_MAX if not present. */
uint64_t vm_pa(const struct aspace *as, uint64_t va);

/* Pin / unpin [va, va + len) (faulting pages in, their swap settled at
 * once, untimed).  Returns pages done. */
int64_t vm_pin(struct aspace *as, uint64_t va, uint64_t len, bool pin,
	       uint64_t *cycles);

/* Move page vpn to another frame.  Returns 0, DMASIM_EINVAL when pinned
 * (refused) or not present, DMASIM_ENOMEM with no frame free. */
int vm_migrate(struct aspace *as, uint64_t vpn, uint64_t *cycles);
/* The same in two halves around a copy that a CPU makes: the begin
 * checks and takes the target frame (*to); the end, after the copy, moves
 * the page there, unless it was pinned, moved or reclaimed meanwhile
 * (DMASIM_EINVAL: the target is freed again, the page stays).  Neither
 * counts migrate_cycles: the caller spends them; the begin leaves the
 * caller the page-out of a frame it reclaimed (vm_swap_pending()). */
int vm_migrate_begin(struct aspace *as, uint64_t vpn, uint32_t *to);
int vm_migrate_end(struct aspace *as, uint64_t vpn, uint32_t from,
		   uint32_t to);
/* Pin or unpin page vpn (faulting it in: with vm_defer_begin, its zero
 * fill and entry are left to the CPU, and its swap transfers to the
 * caller, queued; without, they are settled at once).  Adds its cycles. */
int vm_pin_page(struct aspace *as, uint64_t vpn, bool pin, uint64_t *cycles);

/* Reclaim one frame with the clock; returns its pfn or FRAME_NONE (no
 * swap device, swap full, or nothing to take). */
uint32_t vm_reclaim_one(struct vm *vm);

/* Untimed data access through the page tables (faulting in). */
int vm_rw(struct aspace *as, uint64_t va, void *buf, uint64_t len,
	  bool write);

/*
 * Build the scatter-gather list of [va, va + len): physically adjacent
 * pages merge into one segment.  Writes up to max segments into seg and
 * returns the count (or a negative DMASIM_E* code); with watch set, the
 * pages are watched for the DMA hazard.
 */
int vm_sg_build(struct aspace *as, uint64_t va, uint64_t len,
		struct vm_sg_seg *seg, int max, bool watch);
/* Stop watching every page (the driver unmapped its buffers). */
void vm_unwatch(struct vm *vm);

/* Watch DMA writes on the bus for the hazard (adds a snooper).  Returns 0
 * or DMASIM_ENOMEM. */
int vm_watch_bus(struct vm *vm, struct bus *bus);

/*
 * Fragment physical memory: allocate every free frame singly (kernel
 * allocations), then free a `fraction` of them again, chosen at random
 * from a stream seeded with seed, leaving free frames scattered.  Returns
 * the frames left allocated (or a negative DMASIM_E* code).
 */
int64_t vm_fragment(struct vm *vm, double fraction, uint64_t seed);
/* Allocate a physically contiguous block of at least bytes (whole
 * frames, up to the allocator's largest order).  Returns its physical
 * address, or UINT64_MAX when no such block is free. */
uint64_t vm_alloc_contig(struct vm *vm, uint64_t bytes);

/* Swap through a device by DMA from now on (see struct vm_swapdev). */
void vm_set_swapdev(struct vm *vm, const struct vm_swapdev *dev);
/* Records queued since the last start or settle. */
static inline uint32_t vm_swap_pending(const struct vm *vm)
{
	return vm->npend;
}
/* Hand the queued records to the device; done(arg) is called when they
 * are complete.  Returns 0, or the device's error. */
int vm_swap_start(struct vm *vm, vm_swap_done_fn done, void *arg);
/* Do the queued records now, untimed.  Returns 0 or DMASIM_ENOMEM.  The
 * untimed calls refuse to page while the device is busy (DMASIM_EINVAL,
 * nothing changed). */
int vm_swap_settle(struct vm *vm);
/* Page vpn's mapping changed: with page tables in simulated memory
 * (os/vmpt.h), rewrite its leaf entry (valid: the frame's address | 1;
 * else 0) and tell the space's pt_changed hook. */
void vm_pte_sync(struct aspace *as, uint64_t vpn);

#endif
