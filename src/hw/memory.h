/*
 * memory: DRAM holding real bytes, as a bus target.
 *
 * Storage is sparse: the physical space is split into 64 KiB chunks that
 * take host memory only once written; reading an untouched chunk gives
 * zeros.  A two-level directory (1 GiB regions of chunk pointers) keeps a
 * 64 GiB space at a few KiB until used.
 *
 * Timing per transaction, in bus cycles: the access latency (rounded up to
 * whole bus cycles) plus one cycle per beat, where a beat moves the smaller
 * of the bus width and what the memory's bandwidth delivers in one bus
 * cycle.
 */
#ifndef DMASIM_HW_MEMORY_H
#define DMASIM_HW_MEMORY_H

#include <stdint.h>

#include "bus.h"

#define MEM_CHUNK_SHIFT 16
#define MEM_CHUNK (1u << MEM_CHUNK_SHIFT)		/* 64 KiB */
#define MEM_REGION_SHIFT 30				/* 1 GiB */
#define MEM_CHUNKS_PER_REGION (1u << (MEM_REGION_SHIFT - MEM_CHUNK_SHIFT))

struct memory_config {
	uint64_t size;		/* bytes */
	uint64_t latency;	/* ps from request to first data */
	double bandwidth;	/* bytes per second; 0: as fast as the bus */
};

/*
 * An injected fault: of the bus transactions that reach the memory and
 * touch [off, off + len) (in the direction given), the first `after` pass
 * and the next `count` (0: every one from then on) are refused with a bus
 * error, no byte changed.  Untimed back doors, and a cache's line fills
 * and write-backs (which reach memory through them), do not see it.
 */
struct memory_fault {
	uint64_t off, len;
	bool reads, writes;	/* the directions it refuses */
	uint64_t after;		/* matching transactions still to pass */
	uint64_t count;		/* still to refuse; 0: all */
	bool spent;		/* it refused its count */
};

struct memory {
	struct bus_target tgt;
	struct bus *bus;	/* the bus it is mapped on */
	struct memory_config cfg;
	char name[32];
	uint64_t lat_cycles;	/* bus cycles of latency */
	uint64_t beat_bytes;	/* bytes per bus cycle */
	uint8_t ***region;	/* [size >> 30] -> [chunk] -> 64 KiB */
	uint64_t nregions;
	/* statistics */
	uint64_t reads, writes;		/* transactions */
	uint64_t bytes_read, bytes_written;
	uint64_t chunks;		/* host chunks allocated */
	struct memory_fault *faults;	/* injected (memory_inject()) */
	size_t nfaults, capfaults;
	uint64_t faulted;		/* transactions refused by them */
	/* keep which lines were written (memory_written()): set before
	 * anything is written, for a system with the sanitizer */
	bool track_written;
	struct sim *sim;
};

/* Whether every 64-byte line of [off, +len) has been written, by anyone
 * (a transaction, a copy, a back door): memory a device reads that
 * nothing wrote is garbage on a real machine.  True when the memory does
 * not keep track (track_written false: marking costs every write). */
bool memory_written(struct memory *mem, uint64_t off, uint64_t len);
/* Inject fault f.  Returns 0 or DMASIM_ENOMEM. */
int memory_inject(struct memory *mem, const struct memory_fault *f);
/* Whether an injected fault refuses a transaction of [off, +len) now
 * (counted).  For initiators that reach the memory without its access op
 * (a DMA engine's copy within one memory). */
bool memory_faulted(struct memory *mem, uint64_t off, uint64_t len,
		    bool write);

/*
 * Create a memory and map it on the bus at base.  Returns 0,
 * DMASIM_EINVAL (zero size, or the range overlaps another target) or
 * DMASIM_ENOMEM.
 */
int memory_init(struct memory *mem, struct sim *sim, struct bus *bus,
		const char *name, uint64_t base,
		const struct memory_config *cfg);
void memory_fini(struct memory *mem);

/* Untimed access by offset, for models and tests (a "backdoor"): the
 * caller has checked the range. */
void memory_read(struct memory *mem, uint64_t off, void *dst, uint64_t len);
/* Returns DMASIM_ENOMEM when a chunk cannot be allocated, else 0. */
int memory_write(struct memory *mem, uint64_t off, const void *src,
		 uint64_t len);
/* Copy within the memory (both ranges checked by the caller). */
int memory_copy(struct memory *mem, uint64_t dst, uint64_t src,
		uint64_t len);

/* A burst's read of src and write of dst inside this memory, done as one
 * copy (both ranges checked by the caller) and counted as the two
 * accesses it stands for.  Returns 0 or DMASIM_ENOMEM. */
int memory_burst_copy(struct memory *mem, uint64_t dst, uint64_t src,
		      uint64_t len);
/* Beats that repeat an access at a fixed address moved `bytes` more: the
 * memory counts them (the data is that of the one access made). */
void memory_repeat(struct memory *mem, bool write, uint64_t bytes);

/* The memory behind a bus target, or NULL if the target is not one. */
struct memory *memory_of(struct bus_target *t);

/* FNV-1a over a range, for end-to-end checks. */
uint64_t memory_hash(struct memory *mem, uint64_t off, uint64_t len);

#endif
