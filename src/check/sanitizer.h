/*
 * sanitizer: a DMA sanitizer.  It keeps shadow state per streaming mapping
 * (owner: CPU or device; which cache lines a device wrote since the CPU
 * last synced) and observes the mapping API (calls from os/dmamap), the
 * CPU's accesses (the cache's watch hook) and DMA traffic (a bus
 * snooper).  It never changes what the simulation does; it reports.
 *
 * Mapping shadow state machine (struct san_map):
 *   (none) --san_map--> LIVE, owner DEVICE
 *   LIVE --san_sync(for_cpu)--> owner CPU, device-written lines cleared
 *   LIVE --san_sync(for_device)--> owner DEVICE
 *   LIVE --san_unmap--> FREED (kept, to tell a double unmap)
 * Invariant (san_check): a freed mapping has no device-written line.
 *
 * Each report names the class, the simulated time, the initiator, the
 * physical and DMA addresses, the size and the call that would have
 * prevented it.  Classes are reported at most once per mapping.
 */
#ifndef DMASIM_CHECK_SANITIZER_H
#define DMASIM_CHECK_SANITIZER_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"

struct cache;
struct iommu;

/* name, what went wrong, the call that would have prevented it */
#define SAN_CLASSES(X)                                                       \
	X(UNMAP_UNKNOWN, "unmap of an address never mapped",                \
	  "unmap only what dma_map_*() returned")                          \
	X(SYNC_UNKNOWN, "sync of an address never mapped",                  \
	  "sync only a live mapping")                                       \
	X(DOUBLE_UNMAP, "mapping unmapped twice",                           \
	  "unmap each mapping exactly once")                                \
	X(UNMAP_SIZE, "unmap with a different size than the map",          \
	  "unmap with the size given to dma_map_*()")                       \
	X(UNMAP_DIR, "unmap with a different direction than the map",       \
	  "unmap with the direction given to dma_map_*()")                  \
	X(UNMAP_KIND, "unmap with a different kind of call than the map",   \
	  "pair map_single/unmap_single, map_sg/unmap_sg, "                 \
	  "alloc_coherent/free_coherent")                                   \
	X(UNMAP_NENTS, "unmap_sg with a different entry count than map_sg", \
	  "pass unmap_sg() the nents given to map_sg()")                    \
	X(SYNC_RANGE, "sync outside the mapping",                           \
	  "sync a range inside the mapping")                                \
	X(SYNC_DIR, "sync with a different direction than the map",         \
	  "sync with the mapping's direction")                              \
	X(MAP_UNCHECKED, "mapping used without checking for a mapping error",\
	  "dma_mapping_error() after every map")                            \
	X(SHARED_LINE, "two mappings share a cache line",                   \
	  "align DMA buffers to the cache line (and pad their size)")       \
	X(LEAK, "mapping still alive when the driver was torn down",        \
	  "unmap or free every mapping before teardown")                    \
	X(STALE_CPU_READ, "CPU read a line the device wrote, without a sync",\
	  "dma_sync_*_for_cpu() (or unmap) before the CPU reads")           \
	X(STALE_DEVICE_READ, "device read memory whose newest data is "     \
	  "dirty in a CPU cache", "dma_sync_*_for_device() (or map) after " \
	  "the CPU writes")                                                 \
	X(CPU_WRITE_DEVICE_OWNED, "CPU wrote a buffer the device owns",     \
	  "dma_sync_*_for_cpu() before writing, for_device after")          \
	X(DEVICE_WRITE_TO_DEVICE, "device wrote into a to-device mapping",  \
	  "map with DMA_FROM_DEVICE or DMA_BIDIRECTIONAL")                 \
	X(DEVICE_AFTER_UNMAP, "device accessed a buffer after its unmap",   \
	  "stop the device's DMA before unmapping, and map the buffer "     \
	  "again to give it back")                                         \
	X(DEVICE_READ_UNWRITTEN, "device read memory nothing had written",  \
	  "fill (or zero) a buffer before a device reads it")              \
	X(DEVICE_WRITE_MOVED_PAGE, "device wrote a frame whose page had "   \
	  "moved (swapped or migrated: not pinned)", "pin the buffer "      \
	  "(get_user_pages, "                                               \
	  "aspace:pin) for as long as the device may write it")            \
	X(IOVA_AFTER_UNMAP, "device reached an I/O address after its unmap,"\
	  " through a stale IOTLB entry", "strict invalidation, or quiesce "\
	  "the device before unmapping")                                    \
	X(STALE_ATC, "device reached a page through its ATS translation "   \
	  "cache after the page's unmap", "a device-TLB invalidation at "   \
	  "every unmap (ats_inval), or ATS off")                            \
	X(DEVICE_OUTSIDE_MAPPING, "device accessed an I/O address outside " \
	  "its mappings", "program the device only with addresses "         \
	  "dma_map_*() returned, within their sizes")                       \
	X(SUB_PAGE_EXPOSED, "an IOMMU-mapped buffer shares its pages with "  \
	  "data the device can reach", "page-align and "                  \
	  "pad DMA buffers, or bounce them (an untrusted device)")          \
	X(IDENTITY_DOMAIN, "device reached memory through an identity-"      \
	  "mapped IOMMU domain", "give a device "                           \
	  "passed to a guest, or any untrusted device, a translated domain "\
	  "of its own")                                                     \
	X(WIDE_PERMISSION, "a bidirectional IOMMU mapping the device only " \
	  "read or only wrote", "map with the one direction the transfer "  \
	  "needs")                                                          \
	X(RING_NOT_PINNED, "buffer queued to a device's ring without "      \
	  "being pinned", "pin the buffer (get_user_pages, aspace:pin) "    \
	  "before queuing it")                                              \
	X(RING_UNPINNED_QUEUED, "ring buffer unpinned while the device "    \
	  "owns it", "dequeue it (VIDIOC_DQBUF, STREAMOFF) before "         \
	  "unpinning")

enum san_class {
#define SAN_ENUM(name, what, fix) SAN_##name,
	SAN_CLASSES(SAN_ENUM)
#undef SAN_ENUM
	SAN_NCLASSES
};

/* Directions and kinds, as the mapping API passes them. */
enum san_dir { SAN_BIDIRECTIONAL = 0, SAN_TO_DEVICE = 1, SAN_FROM_DEVICE = 2 };
enum san_kind { SAN_SINGLE, SAN_SG, SAN_COHERENT };

const char *san_class_name(enum san_class c);	/* "STALE_CPU_READ" */
const char *san_class_what(enum san_class c);
const char *san_class_fix(enum san_class c);

struct san_report {
	enum san_class cls;
	uint64_t time;		/* ps */
	char initiator[40];	/* "cpu0", a DMA channel, a driver */
	uint64_t paddr;		/* physical address */
	uint64_t dma;		/* device (bus) address */
	uint64_t size;		/* bytes */
	/* where in the software the access came from ("file.lua:12"), as
	 * the system fills it in (sys.c), or empty */
	char where[200];
};

struct san_map {
	char dev[32];
	enum san_kind kind;
	enum san_dir dir;
	uint64_t paddr, dma, len;	/* bytes */
	uint64_t group;		/* SG: DMA address of the first entry */
	unsigned nents;		/* SG: entries mapped together */
	bool live, checked, dev_owned;
	uint32_t reported;	/* classes already reported, bit per class */
	bool via_iommu;		/* its device is behind an IOMMU */
	bool dev_read, dev_wrote;	/* what the IOMMU saw it do */
	uint64_t line0, nlines;	/* paddr lines covered */
	uint8_t *written;	/* bit per line: device wrote, CPU not synced */
};

/* A driver whose device is behind an IOMMU domain. */
struct san_bind {
	const void *io;		/* the IOMMU */
	int domain;
	char dev[32];		/* the driver's name */
	bool untrusted;		/* its sub-page buffers are bounced */
	uint32_t reported;	/* classes reported outside any mapping */
};

typedef void (*san_sink_fn)(void *ctx, const struct san_report *r);

#define SAN_MAX_UNWRITTEN 16

struct sanitizer {
	struct sim *sim;
	struct bus_snooper snooper;
	struct cache *cache;	/* the CPU's cache, or NULL */
	uint32_t line;		/* bytes per cache line */
	struct san_map *maps;
	size_t nmaps, cap;
	san_sink_fn sink;
	void *ctx;
	uint64_t counts[SAN_NCLASSES];
	uint64_t reports;
	uint32_t track;		/* trace track "check", 0 when not traced */
	struct san_bind *binds;
	size_t nbinds, capbinds;
	/* devices already reported reading memory nothing wrote */
	char unwritten[SAN_MAX_UNWRITTEN][40];
	size_t nunwritten;
};

/* A sanitizer whose reports go to sink.  Returns 0. */
int san_init(struct sanitizer *s, struct sim *sim, san_sink_fn sink,
	     void *ctx);
/* Something (a cache, a driver) is watched from now on: the timeline's
 * "check" track begins here (or at the first report). */
void san_use(struct sanitizer *s);
/* Watch a bus's DMA traffic.  Returns 0 or DMASIM_ENOMEM. */
int san_watch_bus(struct sanitizer *s, struct bus *bus);
void san_fini(struct sanitizer *s);
/* Watch a CPU cache: its accesses and maintenance. */
void san_watch_cache(struct sanitizer *s, struct cache *c);

/* The mapping API's calls (dev: the driver's name). */
void san_map(struct sanitizer *s, const char *dev, enum san_kind kind,
	     uint64_t paddr, uint64_t dma, uint64_t len, enum san_dir dir,
	     uint64_t group, unsigned nents);
void san_unmap(struct sanitizer *s, const char *dev, enum san_kind kind,
	       uint64_t dma, uint64_t len, enum san_dir dir, unsigned nents);
void san_sync(struct sanitizer *s, const char *dev, uint64_t dma,
	      uint64_t len, enum san_dir dir, bool for_device);
void san_mapping_checked(struct sanitizer *s, uint64_t dma);
void san_teardown(struct sanitizer *s, const char *dev);
/* A device's ring buffer [paddr, +len) found not pinned: when queued
 * (filling false), or when the device begins to fill it (filling true:
 * it was unpinned while queued). */
void san_ring_unpinned(struct sanitizer *s, const char *dev, uint64_t paddr,
		       uint64_t len, bool filling);
/* The memory manager's DMA hazard watch (os/vm.h) saw device dev write
 * [paddr, +len) of a frame whose page has moved. */
void san_page_moved(struct sanitizer *s, const char *dev, uint64_t paddr,
		    uint64_t len);

/* The IOMMU: driver dev maps through domain of io (untrusted: sub-page
 * buffers bounced); then every access the IOMMU decides (the signature of
 * struct iommu_watch's access, ctx the sanitizer). */
void san_iommu_bind(struct sanitizer *s, const char *dev, const void *io,
		    int domain, bool untrusted);
void san_iommu_access(void *ctx, const struct iommu *io, int domain,
		      const char *dev, uint64_t iova, uint64_t len,
		      bool write, bool ok);
/* A translated (ATS) request the IOMMU let through, to physical pa
 * (struct iommu_watch's translated). */
void san_iommu_translated(void *ctx, const struct iommu *io, int domain,
			  const char *dev, uint64_t pa, uint64_t len,
			  bool write);

bool san_check(const struct sanitizer *s);

#endif
