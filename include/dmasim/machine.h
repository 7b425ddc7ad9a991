/*
 * dmasim/machine.h: build a machine in C, run software on it, read it.
 *
 * A system (struct dmasim_sys) owns one simulation and every component in
 * it: interconnects, memories, CPUs, caches, DMA engines, devices, the
 * memory manager and the DMA mapping API.  Components are created with
 * dmasim_<kind>_new(sys, ...), live exactly as long as their system and
 * are freed with it; a handle of one system is refused by another.
 *
 * Software runs as C processes (no host threads): a process function is
 * called when the process starts and again each time what it waited for
 * has happened.  A call that waits (dmasim_sleep, a CPU operation, a wait
 * for a DMA channel, a traffic master or a completion) returns
 * DMASIM_WAITING: the function
 * must then return, and is called again when the wait is over.  The
 * DMASIM_PROC_BEGIN / DMASIM_AWAIT / DMASIM_PROC_END macros let a process
 * read as straight-line code (its locals must live in its context, since
 * the function returns at every wait):
 *
 *	static void driver(struct dmasim_proc *p, void *ctx)
 *	{
 *		struct my_state *s = ctx;
 *
 *		DMASIM_PROC_BEGIN(p);
 *		DMASIM_AWAIT(p, dmasim_cpu_write(p, s->cpu, reg, 1, 4));
 *		DMASIM_AWAIT(p, dmasim_wait_channel(p, s->ch));
 *		DMASIM_PROC_END(p);
 *	}
 *
 * Units: time in ps (uint64_t), sizes and addresses in bytes, clocks in
 * Hz, bandwidths in bytes per second; "cycles" are cycles of the named
 * component's own clock.  Every call that can fail returns 0 (or a count)
 * or a negative DMASIM_E* code; dmasim_sys_error() then gives a message
 * naming the bad argument and what was expected.
 */
#ifndef DMASIM_MACHINE_H
#define DMASIM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dmasim/base.h"

struct dmasim_sys;
struct dmasim_bus;
struct dmasim_bridge;
struct dmasim_memory;
struct dmasim_cpu;
struct dmasim_cache;
struct dmasim_dma;
struct dmasim_channel;
struct dmasim_device;
struct dmasim_proc;
struct dmasim_completion;
struct dmasim_dmadev;
struct dmasim_traffic;
struct dmasim_intc;
struct dmasim_timer;

/* ---- systems ---- */

struct dmasim_sys_config {
	const char *name;	/* "system" when NULL; 1 to 31 characters */
	uint64_t seed;		/* the run seed: every component's random
				 * stream derives from it and its name */
};

/* Defaults: name "system", seed 1. */
DMASIM_API void dmasim_sys_config_init(struct dmasim_sys_config *cfg);
/* A new, empty system (cfg NULL: defaults).  Returns 0 or DMASIM_EINVAL,
 * DMASIM_ENOMEM; OUT: *out, to be freed with dmasim_sys_free(). */
DMASIM_API int dmasim_sys_new(const struct dmasim_sys_config *cfg,
			      struct dmasim_sys **out);
/* Free the system and everything in it (processes still waiting are
 * dropped).  NULL is allowed. */
DMASIM_API void dmasim_sys_free(struct dmasim_sys *sys);
DMASIM_API const char *dmasim_sys_name(const struct dmasim_sys *sys);
/* The message of the last failed call on this system ("" if none). */
DMASIM_API const char *dmasim_sys_error(const struct dmasim_sys *sys);

/*
 * Run until no event is left, or until simulated time `until_ps`
 * (UINT64_MAX: no limit; it must not be before now).  Not from a process.
 * Returns 0, DMASIM_EINVAL (until in the past, or called from inside the
 * run), or the code a process failed with (DMASIM_ESCENARIO, with the
 * message in dmasim_sys_error()).
 */
DMASIM_API int dmasim_sys_run(struct dmasim_sys *sys, uint64_t until_ps);
DMASIM_API uint64_t dmasim_sys_now(const struct dmasim_sys *sys);	/* ps */
DMASIM_API uint64_t dmasim_sys_events(const struct dmasim_sys *sys);

/* ---- statistics ---- */

struct dmasim_stat {
	const char *name;	/* "bus.cpu0.grants" */
	const char *unit;	/* "cycles", "ps", "bytes" or "" */
	double value;		/* a histogram: its mean */
	uint64_t count;		/* counters: the value; histograms: samples */
	int is_counter;
};

DMASIM_API int dmasim_sys_stat_count(const struct dmasim_sys *sys);
/* Statistic i (0 <= i < count), in registration order.  Returns 0 or
 * DMASIM_EINVAL.  OUT: *out, its strings valid while the system lives. */
DMASIM_API int dmasim_sys_stat_at(const struct dmasim_sys *sys, int i,
				  struct dmasim_stat *out);
/* The statistic with this exact name.  Returns 0 or DMASIM_EINVAL. */
DMASIM_API int dmasim_sys_stat(const struct dmasim_sys *sys,
			       const char *name, struct dmasim_stat *out);

/* ---- interconnects ---- */

enum dmasim_arb { DMASIM_ARB_ROUND_ROBIN, DMASIM_ARB_PRIORITY };
/* How a bus master holds the bus: for a whole request, one unit (burst)
 * per grant, or only in cycles no other master wants. */
enum dmasim_mode { DMASIM_MODE_BURST, DMASIM_MODE_CYCLE_STEALING,
		   DMASIM_MODE_TRANSPARENT };

struct dmasim_bus_config {
	const char *name;	/* "bus", "bus2", ... when NULL */
	double clock_hz;	/* 1e9 */
	enum dmasim_arb arbitration;
	uint32_t latency;	/* bus cycles from grant to the first data
				 * cycle (0) */
	uint32_t width;		/* bytes per data cycle (8) */
};

DMASIM_API void dmasim_bus_config_init(struct dmasim_bus_config *cfg);
DMASIM_API int dmasim_bus_new(struct dmasim_sys *sys,
			      const struct dmasim_bus_config *cfg,
			      struct dmasim_bus **out);
/* The system's first bus (NULL before one is made). */
DMASIM_API struct dmasim_bus *dmasim_sys_bus(const struct dmasim_sys *sys);
DMASIM_API uint64_t dmasim_bus_period(const struct dmasim_bus *bus); /* ps */

/* A bridge between two buses: windows of addresses claimed on one are
 * forwarded, unchanged, to the other (see hw/bridge.h for its timing). */
struct dmasim_bridge_config {
	const char *name;	/* "bridge0", ... when NULL */
	uint64_t latency;	/* ps to cross, each way (0) */
	uint32_t width;		/* bytes per beat of its data path (0: the
				 * buses' own) */
	uint32_t queue;		/* transactions inside, per direction (4) */
	bool posted;		/* writes complete when accepted (true) */
	int priority;		/* of its masters on either bus (0) */
};
enum dmasim_bridge_dir { DMASIM_A_TO_B, DMASIM_B_TO_A };

DMASIM_API void dmasim_bridge_config_init(struct dmasim_bridge_config *cfg);
DMASIM_API int dmasim_bridge_new(struct dmasim_sys *sys, struct dmasim_bus *a,
				 struct dmasim_bus *b,
				 const struct dmasim_bridge_config *cfg,
				 struct dmasim_bridge **out);
/* Claim [base, base + size) on the bus a transaction leaves (A for
 * DMASIM_A_TO_B) and forward it to the other.  Returns 0, DMASIM_EINVAL
 * (empty, overlapping a target there, or a routing loop) or DMASIM_ERANGE
 * (more than 8 windows a direction). */
DMASIM_API int dmasim_bridge_window(struct dmasim_bridge *br,
				    enum dmasim_bridge_dir dir, uint64_t base,
				    uint64_t size);

/* An IOMMU: a translation stage on one direction of a bridge (devices on
 * the bus a transaction leaves, memory beyond; see hw/iommu.h for the
 * page-table format, the IOTLB and faults).  It starts off. */
struct dmasim_iommu;

struct dmasim_iommu_config {
	const char *name;	/* "iommu0", ... when NULL */
	uint32_t entries;	/* IOTLB entries (64) */
	uint32_t ways;		/* per set (0: fully associative) */
	uint64_t lookup;	/* ps per IOTLB lookup (0) */
	uint32_t max_faults;	/* faults kept in the log (256) */
	uint64_t qi_base;	/* its invalidation queue's registers on the
				 * memory side's bus (0: no queue) */
	uint64_t qi_latency;	/* ps a register access takes (10 ns) */
	uint64_t qi_ring;	/* memory for the OS's ring (64 descriptors
				 * and a status word: 2052 bytes; 0: none):
				 * the mapping API then invalidates through
				 * the queue; needs qi_base */
	uint32_t qi_spin;	/* CPU cycles between polls of the status
				 * (20) */
	struct dmasim_intc *intc;	/* raises irq_line on a fault, or NULL */
	unsigned irq_line;
};

struct dmasim_iommu_info {
	uint64_t translations, hits, misses, walk_reads, faults,
		 invalidations;
	uint64_t qi_descriptors, qi_waits, qi_errors;
	uint64_t qi_submissions;	/* the mapping API's waits */
	uint64_t qi_devtlbs;		/* device-TLB invalidations sent */
	uint64_t qi_devtlb_ps;		/* from their requests' starts to
					 * their completions */
	uint64_t ats_requests;		/* ATS translation requests answered */
};

struct dmasim_iommu_fault {
	uint64_t time;		/* ps */
	uint64_t iova;
	bool write;
	const char *reason;	/* in words */
	const char *device;	/* the initiator's name */
};

DMASIM_API void dmasim_iommu_config_init(struct dmasim_iommu_config *cfg);
DMASIM_API int dmasim_iommu_new(struct dmasim_sys *sys,
				struct dmasim_bridge *br,
				enum dmasim_bridge_dir dir,
				const struct dmasim_iommu_config *cfg,
				struct dmasim_iommu **out);
DMASIM_API void dmasim_iommu_enable(struct dmasim_iommu *io, bool on);
/* A domain translated through the page table at root (a physical
 * address), or identity-mapped.  Returns its id (>= 0), or
 * DMASIM_ERANGE (too many domains). */
DMASIM_API int dmasim_iommu_domain(struct dmasim_iommu *io, uint64_t root,
				   bool identity);
/* Put a DMA channel in a domain (-1: in none). */
DMASIM_API int dmasim_iommu_attach(struct dmasim_iommu *io,
				   struct dmasim_channel *ch, int domain);
/* Put any bus master of the system in a domain (-1: in none), by the name
 * its statistics carry ("dma0.ch0", "nic0.dma", a CPU's "firmware"...):
 * whatever device initiates the transactions the IOMMU sees.
 * DMASIM_EINVAL when no master has the name. */
DMASIM_API int dmasim_iommu_attach_master(struct dmasim_iommu *io,
					  const char *master, int domain);
/* Trust an attached channel's translated requests (ATS: they pass
 * unchecked) or not (they fault). */
DMASIM_API int dmasim_iommu_trust_ats(struct dmasim_iommu *io,
				      struct dmasim_channel *ch, bool trusted);
/* Drop cached translations of [iova, iova + len) of a domain (len 0: the
 * whole domain; domain -1: all). */
DMASIM_API void dmasim_iommu_invalidate(struct dmasim_iommu *io, int domain,
					uint64_t iova, uint64_t len);
DMASIM_API void dmasim_iommu_info(const struct dmasim_iommu *io,
				  struct dmasim_iommu_info *out);
/* Fault i of the log (0 <= i < faults kept).  Returns 0 or
 * DMASIM_EINVAL. */
DMASIM_API int dmasim_iommu_fault(const struct dmasim_iommu *io, unsigned i,
				  struct dmasim_iommu_fault *out);

/* ---- memory ---- */

struct dmasim_memory_config {
	const char *name;	/* "mem0", ... when NULL */
	uint64_t base;		/* bus address (0) */
	uint64_t size;		/* bytes (1 GiB) */
	uint64_t latency;	/* ps from request to first data (0) */
	double bandwidth;	/* bytes/s; 0: as fast as the bus */
};

DMASIM_API void dmasim_memory_config_init(struct dmasim_memory_config *cfg);
DMASIM_API int dmasim_memory_new(struct dmasim_sys *sys,
				 struct dmasim_bus *bus,
				 const struct dmasim_memory_config *cfg,
				 struct dmasim_memory **out);
/* Untimed set-up and checking of a scenario (back doors, not modelled
 * software): [addr, addr + len) must lie inside the memory.  Return 0,
 * DMASIM_ERANGE or DMASIM_ENOMEM. */
DMASIM_API int dmasim_memory_write(struct dmasim_memory *mem, uint64_t addr,
				   const void *src, uint64_t len);
DMASIM_API int dmasim_memory_read(struct dmasim_memory *mem, uint64_t addr,
				  void *dst, uint64_t len);
/* Fill with the deterministic pattern of seed (a device's pattern). */
DMASIM_API int dmasim_memory_fill(struct dmasim_memory *mem, uint64_t addr,
				  uint64_t len, uint64_t seed);
/* FNV-1a of the bytes.  OUT: *hash. */
DMASIM_API int dmasim_memory_hash(struct dmasim_memory *mem, uint64_t addr,
				  uint64_t len, uint64_t *hash);
/* FNV-1a of a host buffer, the same hash. */
DMASIM_API uint64_t dmasim_hash(const void *p, uint64_t len);

/*
 * Fault injection: of the bus transactions that reach the memory and
 * touch [addr, addr + len) in the directions given, the first `after`
 * pass and the next `count` (0: every one from then on) are refused with
 * a bus error and change nothing: a DMA channel ends with its error
 * status, a CPU operation returns it.  Counted in the statistic
 * "<memory>.faulted".  A cache's line fills and write-backs, and the
 * untimed calls above, do not see it.
 */
struct dmasim_memory_fault {
	uint64_t addr, len;	/* bus address and bytes */
	bool reads, writes;	/* the directions refused (both false: both) */
	uint64_t after;		/* matching transactions to let pass first */
	uint64_t count;		/* transactions to refuse (1); 0: all */
};
/* Returns 0, DMASIM_ERANGE (outside the memory) or DMASIM_ENOMEM. */
DMASIM_API int dmasim_memory_inject(struct dmasim_memory *mem,
				    const struct dmasim_memory_fault *f);

/* ---- CPUs ---- */

struct dmasim_cpu_config {
	const char *name;	/* "cpu0", ... when NULL */
	double clock_hz;	/* 0: the bus's clock */
	double cpi;		/* base cycles per instruction (1) */
	double mem_frac;	/* memory references per instruction (0) */
	uint64_t data_addr;	/* where references go (0) */
	uint64_t footprint;	/* bytes referenced through the cache (0:
				 * every reference to the bus) */
	uint32_t word;		/* bytes per PIO word, 1..8 (4) */
	uint32_t pio_loop;	/* instructions of loop per PIO word (2) */
	uint32_t irq_entry;	/* cycles to take an interrupt (100) */
	uint32_t irq_exit;	/* cycles to return from one (50) */
	enum dmasim_mode mode;	/* on the bus (burst) */
	int priority;		/* under priority arbitration (0) */
};

DMASIM_API void dmasim_cpu_config_init(struct dmasim_cpu_config *cfg);
DMASIM_API int dmasim_cpu_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
			      const struct dmasim_cpu_config *cfg,
			      struct dmasim_cpu **out);
DMASIM_API uint64_t dmasim_cpu_period(const struct dmasim_cpu *cpu); /* ps */

/* ---- caches ---- */

struct dmasim_cache_config {
	const char *name;	/* "l1" when NULL */
	uint64_t size;		/* bytes (32 KiB) */
	uint32_t ways;		/* (4) */
	uint32_t line;		/* bytes, a power of two (64) */
	uint32_t word;		/* bytes per CPU access, the cost unit (8) */
	uint32_t hit;		/* CPU cycles per word that hits (1) */
	uint32_t clean;		/* CPU cycles per line cleaned (50) */
	uint32_t inval;		/* ... invalidated (50) */
	uint32_t flush;		/* ... cleaned and invalidated (60) */
	uint32_t barrier;	/* CPU cycles per maintenance operation (100) */
	uint32_t snoop;		/* bus cycles per line a coherent DMA touches
				 * (1) */
	bool coherent;		/* DMA snoops the cache (false) */
};

DMASIM_API void dmasim_cache_config_init(struct dmasim_cache_config *cfg);
/* A cache in front of the memories of `bus`; with a cpu, that CPU's loads
 * and stores go through it; with next, misses fill from that cache (an
 * L2, made first without a cpu).  Returns 0, DMASIM_EINVAL (geometry not
 * powers of two, the CPU already has a cache, next unusable) or
 * DMASIM_ENOMEM. */
DMASIM_API int dmasim_cache_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
				struct dmasim_cpu *cpu,
				struct dmasim_cache *next,
				const struct dmasim_cache_config *cfg,
				struct dmasim_cache **out);
/* Mark [addr, addr + len) (whole 4 KiB pages) cacheable or not; untimed
 * set-up.  Returns 0, DMASIM_ERANGE (too many ranges). */
DMASIM_API int dmasim_cache_set_cacheable(struct dmasim_cache *c,
					  uint64_t addr, uint64_t len,
					  bool cacheable);

/* ---- DMA engines ---- */

struct dmasim_dma_config {
	const char *name;	/* "dma0", ... when NULL */
	uint64_t base;		/* register window (0x40000000) */
	unsigned channels;	/* 1..64 (1) */
	uint64_t reg_latency;	/* ps per register access (0) */
	uint32_t burst;		/* default burst, bytes (64) */
	uint64_t desc_cycles;	/* bus cycles of work per descriptor (0) */
	uint64_t fence_cycles;	/* bus cycles between chained segments (0) */
	unsigned count_bits;	/* width of the LEN count register, 1..32
				 * (32): a longer transfer must be split */
	uint64_t dreq_latency;	/* ps from a paced device's request (DREQ)
				 * to the channel acting on it (0) */
	uint64_t dack_cycles;	/* bus cycles of acknowledge (DACK) per
				 * piece to or from a paced device (0) */
	enum dmasim_mode mode;	/* channels' mode (cycle stealing) */
	int priority;
	struct dmasim_cpu *irq;	/* CPU its interrupts go to, or NULL */
	struct dmasim_intc *intc; /* or the controller they go to (then
				   * not irq), or NULL */
	unsigned irq_line;	/* channel i raises irq_line + i (0) */
	unsigned atc;		/* ATS translation cache entries, 0 to 4096
				 * (0: no ATS; hw/dma.h) */
};

DMASIM_API void dmasim_dma_config_init(struct dmasim_dma_config *cfg);
DMASIM_API int dmasim_dma_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
			      const struct dmasim_dma_config *cfg,
			      struct dmasim_dma **out);
DMASIM_API uint64_t dmasim_dma_base(const struct dmasim_dma *dma);
DMASIM_API unsigned dmasim_dma_channels(const struct dmasim_dma *dma);
/* Channel i, or NULL when out of range. */
DMASIM_API struct dmasim_channel *dmasim_dma_channel(struct dmasim_dma *dma,
						     unsigned i);

/* What a channel has done, read from its state. */
struct dmasim_channel_info {
	const char *name;	/* "dma0.ch0" */
	bool busy, done, failed;
	uint32_t status;	/* the STATUS register */
	const char *error;	/* the error code in words */
	uint64_t started_at;	/* ps: last doorbell */
	uint64_t done_at;	/* ps: last completion */
	uint64_t bytes, bursts, transfers, errors, desc_fetches;
	uint64_t busy_cycles;	/* bus cycles owned */
	uint64_t wait_cycles;	/* bus cycles waited for grants */
	uint64_t err_addr, err_desc;
};
DMASIM_API void dmasim_channel_info(const struct dmasim_channel *ch,
				    struct dmasim_channel_info *out);

/* ---- interrupt controllers and timers ---- */

/*
 * An interrupt controller: numbered lines that devices, DMA engines,
 * timers and software raise (edges).  Each line is delivered to one CPU,
 * on that CPU's line of the same number (its handler: dmasim_cpu_on_irq),
 * with a priority: a larger one pre-empts a running handler of a smaller
 * one (nesting); equal ones do not nest.  A line raised again before its
 * handler has started is lost (counted once, delivered once).  A masked
 * line is held and delivered when unmasked.  Its statistics are
 * "<intc>.line<n>.{raised,delivered,lost,handler_ps,latency}".
 */
struct dmasim_intc_config {
	const char *name;	/* "intc0", ... when NULL */
	unsigned lines;		/* 1..64 (32) */
};
DMASIM_API void dmasim_intc_config_init(struct dmasim_intc_config *cfg);
DMASIM_API int dmasim_intc_new(struct dmasim_sys *sys,
			       const struct dmasim_intc_config *cfg,
			       struct dmasim_intc **out);
/* Deliver a line to cpu with a priority.  Returns 0 or DMASIM_EINVAL (no
 * such line, a CPU of another system, the line pending). */
DMASIM_API int dmasim_intc_route(struct dmasim_intc *ic, unsigned line,
				 struct dmasim_cpu *cpu, int priority);
DMASIM_API int dmasim_intc_mask(struct dmasim_intc *ic, unsigned line,
				bool masked);
/* Raise a line now: software's interrupt, an inter-processor interrupt
 * when the line goes to another CPU. */
DMASIM_API int dmasim_intc_raise(struct dmasim_intc *ic, unsigned line);

struct dmasim_intc_line_info {
	bool routed, masked, pending;
	int priority;
	uint64_t raised, delivered, lost;
	uint64_t handler_ps;	/* entry, handler and exit, nested excluded */
	uint64_t latency_count;	/* raise to handler start: */
	uint64_t latency_min, latency_max;	/* ps */
	double latency_mean;	/* ps */
};
DMASIM_API int dmasim_intc_line_info(const struct dmasim_intc *ic,
				     unsigned line,
				     struct dmasim_intc_line_info *out);

/* A programmable interval timer raising a controller's line. */
struct dmasim_timer_config {
	const char *name;	/* "timer0", ... when NULL */
	struct dmasim_intc *intc;	/* required */
	unsigned line;
};
DMASIM_API int dmasim_timer_new(struct dmasim_sys *sys,
				const struct dmasim_timer_config *cfg,
				struct dmasim_timer **out);
/* Fire after period ps, then every period when periodic; restarting
 * re-arms from now.  Returns 0 or DMASIM_EINVAL for a zero period. */
DMASIM_API int dmasim_timer_start(struct dmasim_timer *t, uint64_t period_ps,
				  bool periodic);
DMASIM_API void dmasim_timer_stop(struct dmasim_timer *t);
DMASIM_API uint64_t dmasim_timer_fires(const struct dmasim_timer *t);

/* ---- synthetic traffic ---- */

/*
 * A synthetic bus master: timing and no data (BUSBENCH-1's CPU loop and
 * its DMA channels, a background load).  It repeats `compute` cycles of
 * its own clock off the bus, then one access holding the bus for `access`
 * bus cycles; `count` accesses, or until stopped.  With compute 0 and a
 * count it asks for every access at once, in units of `access`: in
 * cycle-stealing mode one grant per access, in burst mode one for all.
 * Stopping: no new request; one already made is still granted and counts.
 */
struct dmasim_traffic_config {
	const char *name;	/* "traffic0", ... when NULL */
	double clock_hz;	/* its clock; 0: the bus's */
	uint64_t compute;	/* cycles of its clock between accesses (0) */
	uint64_t access;	/* bus cycles per access, >= 1 (1) */
	uint64_t count;		/* accesses per start; 0: until stopped (0) */
	enum dmasim_mode mode;	/* on the bus (cycle stealing) */
	int priority;		/* under priority arbitration (0) */
};

DMASIM_API void dmasim_traffic_config_init(struct dmasim_traffic_config *cfg);
/* Attach a master to bus (NULL: the system's first); it starts idle.
 * Returns 0, DMASIM_EINVAL (access 0, a bad clock or mode, count * access
 * beyond 2^64 bus cycles) or DMASIM_ENOMEM. */
DMASIM_API int dmasim_traffic_new(struct dmasim_sys *sys,
				  struct dmasim_bus *bus,
				  const struct dmasim_traffic_config *cfg,
				  struct dmasim_traffic **out);
/* Start a run now (idle, done or stopped before).  Returns 0 or
 * DMASIM_EINVAL when it is running. */
DMASIM_API int dmasim_traffic_start(struct dmasim_traffic *t);
/* No new request from now; nothing when it is not running. */
DMASIM_API void dmasim_traffic_stop(struct dmasim_traffic *t);

/* What a traffic master has done, read from its state. */
struct dmasim_traffic_info {
	const char *name;
	unsigned id;		/* bus master id (creation order on its bus) */
	bool running, done, stopped;
	uint64_t accesses;	/* completed, every run */
	uint64_t gap_cycles;	/* cycles of its clock spent off the bus */
	uint64_t started_at;	/* ps: last start */
	uint64_t done_at;	/* ps: last completion of its count */
	uint64_t stopped_at;	/* ps: last stop */
	uint64_t grants;
	uint64_t busy_cycles;	/* bus cycles owned */
	uint64_t wait_cycles;	/* bus cycles waited for grants */
	uint64_t period;	/* ps per cycle of its clock */
};
DMASIM_API void dmasim_traffic_info(const struct dmasim_traffic *t,
				    struct dmasim_traffic_info *out);

/* ---- devices ---- */

/* A field left to the system to choose. */
#define DMASIM_DEFAULT UINT64_MAX

struct dmasim_device_config {
	const char *name;	/* "dev0", ... when NULL */
	uint64_t base;		/* 4 KiB register window (DMASIM_DEFAULT:
				 * 0x50000000 + 4 KiB per device made
				 * before) */
	bool output;		/* consumes data (else produces it) */
	uint64_t size;		/* bytes in all (1 MiB) */
	double rate;		/* bytes/s; 0: unlimited */
	uint64_t buffer;	/* bytes of buffer (0: size) */
	uint64_t latency;	/* ps per register access (0) */
	uint64_t seed;		/* pattern seed (DMASIM_DEFAULT: devices made
				 * before + 1) */
	/* Interrupt-driven I/O: with an intc and irq_unit > 0, the device
	 * raises intc line irq_line each time irq_unit more bytes are ready
	 * (input) or room for irq_unit more has opened (output). */
	struct dmasim_intc *intc;
	unsigned irq_line;
	uint64_t irq_unit;	/* bytes per interrupt (0: none) */
	/* How it produces (consumes): at `rate` exactly (DETERMINISTIC), or
	 * in units of `unit` bytes at exponential intervals of mean
	 * unit / rate from its seeded stream (POISSON arrivals, exponential
	 * service), or at the times of a trace (ps from the start, one per
	 * unit, non-decreasing; copied). */
	enum dmasim_arrival { DMASIM_ARRIVAL_DETERMINISTIC,
			      DMASIM_ARRIVAL_POISSON,
			      DMASIM_ARRIVAL_TRACE } arrival;
	uint64_t unit;
	const uint64_t *trace;
	uint64_t ntrace;
	/* Fault injection: a device error mid-transfer.  Once fail_after
	 * bytes have moved through its data register, every data access is
	 * refused with a bus error, moving nothing (0: never).  Counted in
	 * "<device>.errors". */
	uint64_t fail_after;
};

DMASIM_API void dmasim_device_config_init(struct dmasim_device_config *cfg);
DMASIM_API int dmasim_device_new(struct dmasim_sys *sys,
				 struct dmasim_bus *bus,
				 const struct dmasim_device_config *cfg,
				 struct dmasim_device **out);
/* Bus address of the data register (a FIFO window of 2 KiB). */
DMASIM_API uint64_t dmasim_device_data(const struct dmasim_device *dev);
/* The pattern an input device sends, or what an output device received,
 * bytes [off, off + len).  Returns 0 or DMASIM_ERANGE. */
DMASIM_API int dmasim_device_expected(const struct dmasim_device *dev,
				      uint64_t off, void *dst, uint64_t len);
DMASIM_API int dmasim_device_received(const struct dmasim_device *dev,
				      uint64_t off, void *dst, uint64_t len);

/* ---- processes ---- */

/* A blocking call's return when the process now waits. */
#define DMASIM_WAITING 1

typedef void (*dmasim_proc_fn)(struct dmasim_proc *p, void *ctx);

/* Start fn(p, ctx) as a process now (at the current instant, once the
 * system runs).  Returns 0 or DMASIM_ENOMEM.  OUT: *out (may be NULL); the
 * process belongs to the system and is freed when it finishes. */
DMASIM_API int dmasim_spawn(struct dmasim_sys *sys, dmasim_proc_fn fn,
			    void *ctx, struct dmasim_proc **out);
/* The resume point the DMASIM_* macros keep (0 at the start). */
DMASIM_API int *dmasim_proc_pc(struct dmasim_proc *p);
DMASIM_API struct dmasim_sys *dmasim_proc_sys(const struct dmasim_proc *p);
/* End the run with an error: dmasim_sys_run() returns DMASIM_ESCENARIO
 * with this message.  The process finishes; returns DMASIM_ESCENARIO. */
DMASIM_API int dmasim_proc_fail(struct dmasim_proc *p, const char *msg);

/* The outcome of the last operation the process waited for. */
struct dmasim_result {
	int status;		/* 0, or a simulated bus error (1: no target
				 * answers the address, 2: refused, 3: a
				 * device moved fewer bytes than asked) */
	uint64_t value;		/* a read's value, a mapping's address */
	uint64_t value2;	/* alloc_coherent: the device's address */
	uint64_t cycles;	/* CPU cycles it took, stalls included */
};
DMASIM_API const struct dmasim_result *dmasim_proc_result(
	const struct dmasim_proc *p);

/* Sleep for ps.  Returns DMASIM_WAITING, or DMASIM_ENOMEM. */
DMASIM_API int dmasim_sleep(struct dmasim_proc *p, uint64_t ps);
/* Until the channel's current transfer ends: 0 at once when it is not
 * busy, DMASIM_WAITING, or DMASIM_EINVAL (never started). */
DMASIM_API int dmasim_wait_channel(struct dmasim_proc *p,
				   struct dmasim_channel *ch);

/* Until the traffic master's run has made its count or stopped: 0 at
 * once when it is not running, DMASIM_WAITING, or DMASIM_EINVAL (never
 * started). */
DMASIM_API int dmasim_wait_traffic(struct dmasim_proc *p,
				   struct dmasim_traffic *t);

/* A completion in the manner of the Linux kernel's: complete() counts,
 * wait() returns once a completion it has not consumed exists. */
DMASIM_API int dmasim_completion_new(struct dmasim_sys *sys,
				     struct dmasim_completion **out);
DMASIM_API int dmasim_complete(struct dmasim_completion *c);
DMASIM_API int dmasim_wait_completion(struct dmasim_proc *p,
				      struct dmasim_completion *c);
DMASIM_API uint64_t dmasim_completion_count(const struct dmasim_completion *c);

/* Straight-line process code (see the top of this file).  One
 * DMASIM_AWAIT per line; locals do not survive a wait. */
#define DMASIM_PROC_BEGIN(p)                                                  \
	switch (*dmasim_proc_pc(p)) {                                        \
	case 0:
#define DMASIM_AWAIT(p, call)                                                 \
	do {                                                                 \
		int dmasim_r_ = (call);                                      \
		*dmasim_proc_pc(p) = __LINE__;                               \
		if (dmasim_r_ == DMASIM_WAITING)                             \
			return;                                              \
		if (dmasim_r_ < 0) {                                         \
			dmasim_proc_fail(p, dmasim_sys_error(                \
					 dmasim_proc_sys(p)));               \
			return;                                              \
		}                                                            \
	case __LINE__:;                                                      \
	} while (0)
#define DMASIM_PROC_END(p)                                                    \
	}                                                                    \
	*dmasim_proc_pc(p) = -1

/* ---- CPU operations, from a process (each waits until done) ---- */

/* n instructions at the CPU's CPI and memory-reference fraction. */
DMASIM_API int dmasim_cpu_compute(struct dmasim_proc *p,
				  struct dmasim_cpu *cpu, uint64_t n);
/* The same with another CPI and fraction. */
DMASIM_API int dmasim_cpu_compute_at(struct dmasim_proc *p,
				     struct dmasim_cpu *cpu, uint64_t n,
				     double cpi, double mem_frac);
/* cycles with no bus traffic. */
DMASIM_API int dmasim_cpu_busy(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			       uint64_t cycles);
/* One load or store of 1..8 bytes (a register access or a word through
 * the cache); a read's value in dmasim_proc_result(p)->value. */
DMASIM_API int dmasim_cpu_read(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			       uint64_t addr, unsigned bytes);
DMASIM_API int dmasim_cpu_write(struct dmasim_proc *p, struct dmasim_cpu *cpu,
				uint64_t addr, uint64_t value, unsigned bytes);
/* One burst transaction of len bytes into / from buf, which the caller
 * keeps until the operation completes. */
DMASIM_API int dmasim_cpu_load(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			       uint64_t addr, void *buf, uint64_t len);
DMASIM_API int dmasim_cpu_store(struct dmasim_proc *p, struct dmasim_cpu *cpu,
				uint64_t addr, const void *buf, uint64_t len);
/* Programmed I/O: len bytes between the device data register reg and
 * memory at mem, word by word. */
DMASIM_API int dmasim_cpu_pio(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			      uint64_t reg, uint64_t mem, uint64_t len,
			      bool to_device);
/* Install the handler of interrupt line 0..63: each time the CPU takes
 * the line, fn(p, ctx) starts as a process in interrupt context (its CPU
 * operations pre-empt the interrupted work); the interrupt returns when
 * it finishes.  fn NULL: entry and exit only.  Returns 0 or
 * DMASIM_EINVAL. */
DMASIM_API int dmasim_cpu_on_irq(struct dmasim_cpu *cpu, unsigned line,
				 dmasim_proc_fn fn, void *ctx);

/* Cache maintenance by range, on the cache's CPU (every level below). */
enum dmasim_cache_op { DMASIM_CACHE_CLEAN, DMASIM_CACHE_INVALIDATE,
		       DMASIM_CACHE_FLUSH };
DMASIM_API int dmasim_cache_maint(struct dmasim_proc *p,
				  struct dmasim_cache *c,
				  enum dmasim_cache_op op, uint64_t addr,
				  uint64_t len);

/* Program a DMA channel as a driver does, on cpu: source, destination
 * and length registers, then CTRL with START (and IRQ_EN when irq): four
 * register writes.  flags: DMASIM_DMA_SRC_FIXED, DMASIM_DMA_DST_FIXED. */
#define DMASIM_DMA_SRC_FIXED 1u
#define DMASIM_DMA_DST_FIXED 2u
#define DMASIM_DMA_FLYBY 4u	/* memory <-> device in one bus cycle */
DMASIM_API int dmasim_dma_program(struct dmasim_proc *p,
				  struct dmasim_cpu *cpu,
				  struct dmasim_channel *ch, uint64_t src,
				  uint64_t dst, uint32_t len, unsigned flags,
				  bool irq);

/* Start the descriptor chain at desc on channel ch, on cpu: the
 * descriptor-address register, then CTRL with CHAIN and START (and
 * IRQ_EN when irq): two register writes. */
DMASIM_API int dmasim_dma_chain(struct dmasim_proc *p, struct dmasim_cpu *cpu,
				struct dmasim_channel *ch, uint64_t desc,
				bool irq);

/*
 * A 2-D strided descriptor: `frames` frames of `rows` chunks of `chunk`
 * bytes; chunk r of frame f is read from src + f * src_frame_stride +
 * r * src_stride and written to dst + f * dst_frame_stride +
 * r * dst_stride (strides start to start, bytes), the shape of Linux's
 * interleaved DMA template.  The engine checks it when it fetches it: a
 * zero count, more than 2^32 - 1 bytes in all, or a side outside one
 * target is a simulated DMA error.
 */
#define DMASIM_DMA_DESC_2D_SIZE 64
struct dmasim_dma_2d {
	uint64_t src, dst;
	uint32_t chunk;		/* bytes per chunk */
	uint32_t rows;		/* chunks per frame */
	uint32_t frames;
	uint32_t src_stride, dst_stride;		/* bytes */
	uint32_t src_frame_stride, dst_frame_stride;	/* bytes */
	unsigned flags;		/* DMASIM_DMA_SRC_FIXED, DMASIM_DMA_DST_FIXED */
	bool irq;		/* interrupt when this descriptor is done */
	uint64_t next;		/* the next descriptor, 0 ends the chain */
};
/* Encode d into out (DMASIM_DMA_DESC_2D_SIZE bytes, little-endian), to
 * be written into memory (32-byte aligned) for dmasim_dma_chain(). */
DMASIM_API void dmasim_dma_desc_2d(const struct dmasim_dma_2d *d, void *out);

/* ---- the DMA mapping API (kernel/dma/mapping.c's shape) ---- */

struct dmasim_dmadev;

struct dmasim_dmadev_config {
	const char *name;	/* "dev" when NULL */
	uint64_t mask;		/* bytes the device addresses (0: all) */
	uint32_t map_cycles;	/* CPU cycles of bookkeeping per map (50) */
	uint32_t sync_cycles;	/* ... per sync (20) */
	uint32_t copy;		/* CPU cycles per line of a bounce copy (16) */
	uint64_t pool_base, pool_size;	   /* coherent pool (none) */
	uint64_t bounce_base, bounce_size; /* bounce buffers (none) */
	uint32_t bounce_slot;	/* bytes per bounce slot (2048) */
};

enum dmasim_dir { DMASIM_BIDIRECTIONAL, DMASIM_TO_DEVICE,
		  DMASIM_FROM_DEVICE };
#define DMASIM_MAPPING_ERROR (~(uint64_t)0)

struct dmasim_sg {
	uint64_t addr, len;	/* in: a physical segment */
	uint64_t dma;		/* out: its device address */
};

DMASIM_API void dmasim_dmadev_config_init(struct dmasim_dmadev_config *cfg);
/* A device's mapping context, its calls run on cpu; cache: the CPU's
 * cache (NULL: none), non-coherent unless the cache is coherent. */
DMASIM_API int dmasim_dmadev_new(struct dmasim_sys *sys,
				 struct dmasim_cpu *cpu,
				 struct dmasim_cache *cache,
				 const struct dmasim_dmadev_config *cfg,
				 struct dmasim_dmadev **out);
/* From a process; each runs on the device's CPU and waits.  Results in
 * dmasim_proc_result(p): map_single's device address (or
 * DMASIM_MAPPING_ERROR), map_sg's count mapped (0: failed; the
 * addresses in sg[i].dma), alloc_coherent's CPU address and device
 * address (value2; DMASIM_MAPPING_ERROR when none could be had: a pool at
 * 0 gives the CPU address 0).  sg must live until the call completes. */
DMASIM_API int dmasim_map_single(struct dmasim_proc *p,
				 struct dmasim_dmadev *d, uint64_t addr,
				 uint64_t len, enum dmasim_dir dir);
DMASIM_API int dmasim_unmap_single(struct dmasim_proc *p,
				   struct dmasim_dmadev *d, uint64_t dma,
				   uint64_t len, enum dmasim_dir dir);
DMASIM_API int dmasim_map_sg(struct dmasim_proc *p, struct dmasim_dmadev *d,
			     struct dmasim_sg *sg, unsigned n,
			     enum dmasim_dir dir);
DMASIM_API int dmasim_unmap_sg(struct dmasim_proc *p, struct dmasim_dmadev *d,
			       struct dmasim_sg *sg, unsigned n,
			       enum dmasim_dir dir);
DMASIM_API int dmasim_sync_for_cpu(struct dmasim_proc *p,
				   struct dmasim_dmadev *d, uint64_t dma,
				   uint64_t len, enum dmasim_dir dir);
DMASIM_API int dmasim_sync_for_device(struct dmasim_proc *p,
				      struct dmasim_dmadev *d, uint64_t dma,
				      uint64_t len, enum dmasim_dir dir);
DMASIM_API int dmasim_alloc_coherent(struct dmasim_proc *p,
				     struct dmasim_dmadev *d, uint64_t len);
DMASIM_API int dmasim_free_coherent(struct dmasim_proc *p,
				    struct dmasim_dmadev *d, uint64_t addr,
				    uint64_t len, uint64_t dma);
/* Map through an IOMMU (see os/dmaiommu.h): the device behind it (a DMA
 * channel) joins a new domain whose page tables the mapping API keeps in
 * [pt_base, +pt_size) of mem; mappings get I/O virtual addresses from
 * [iova_base, +iova_size); unmaps invalidate the IOTLB at once (strict)
 * or through a flush queue (lazy).  Set up before any mapping. */
struct dmasim_iommu_map_config {
	uint64_t pt_base, pt_size;	/* bytes, page aligned */
	uint64_t iova_base, iova_size;	/* bytes, page aligned, base > 0 */
	bool lazy;			/* (false: strict) */
	uint32_t flush_max;		/* lazy: unmaps before a flush (256) */
	uint64_t flush_timeout;		/* lazy: ps after the first (10 ms) */
	uint32_t alloc;			/* CPU cycles per IOVA allocation (200) */
	uint32_t pte;			/* CPU cycles per entry written (20) */
	uint32_t inval;			/* CPU cycles per invalidation, issue
					 * and wait (2000) */
	bool untrusted;			/* bounce buffers that do not fill
					 * their pages (false) */
	bool ats;			/* ATS enabled for the device: the
					 * IOMMU answers its translation
					 * requests and lets its translated
					 * requests through (false) */
	uint64_t ats_inval;		/* the device's ATS invalidation
					 * register (0: its ATC is never
					 * invalidated); needs the IOMMU's
					 * OS ring (qi_ring) */
};
DMASIM_API void dmasim_iommu_map_config_init(
	struct dmasim_iommu_map_config *cfg);
DMASIM_API int dmasim_dmadev_use_iommu(struct dmasim_dmadev *d,
				       struct dmasim_iommu *io,
				       struct dmasim_channel *dev,
				       struct dmasim_memory *mem,
				       const struct dmasim_iommu_map_config *cfg);

/* Untimed: whether dma is the mapping error (the sanitizer notes the
 * check); the driver goes away (the sanitizer reports what is mapped). */
DMASIM_API bool dmasim_mapping_error(struct dmasim_dmadev *d, uint64_t dma);
DMASIM_API void dmasim_dmadev_teardown(struct dmasim_dmadev *d);

/* The driver's other register accesses on cpu: read the channel's STATUS
 * register (its value in dmasim_proc_result(p)->value: bit 0 BUSY, 1
 * DONE, 2 ERROR, error code in bits 15..8), and write bits back to clear
 * DONE and ERROR (write-1-to-clear). */
#define DMASIM_DMA_BUSY 1u
#define DMASIM_DMA_DONE 2u
#define DMASIM_DMA_ERROR 4u
DMASIM_API int dmasim_dma_read_status(struct dmasim_proc *p,
				      struct dmasim_cpu *cpu,
				      struct dmasim_channel *ch);
DMASIM_API int dmasim_dma_ack(struct dmasim_proc *p, struct dmasim_cpu *cpu,
			      struct dmasim_channel *ch, uint32_t bits);


/* ---- GPUs (a device on a host link; see hw/gpu.h, docs/model.md) ---- */

/*
 * A GPU: device memory holding real bytes, copy engines, a compute
 * engine, streams and events, and the host driver that feeds it, run on
 * one CPU.  The GPU's own bus (its side of the host link) joins the host
 * bus through one attachment: today a bridge whose width, clock, latency
 * and queue stand for a PCIe link of the given generation and lanes.
 * Copies from pinned host memory go straight to a copy engine; copies
 * from pageable memory are staged by the driver through its pinned
 * bounce buffers (CPU loads and stores, then a DMA, chunk by chunk).
 */
struct dmasim_gpu;
struct dmasim_pcie;
struct dmasim_stream;
struct dmasim_event;

struct dmasim_gpu_config {
	const char *name;	/* "gpu0", ... when NULL */
	struct dmasim_bus *host;	/* the host bus (NULL: the first) */
	struct dmasim_cpu *cpu;	/* the CPU its driver runs on (required) */
	/* the link */
	unsigned gen;		/* PCIe generation 1..5 (3) */
	unsigned lanes;		/* 1..32 (16) */
	uint32_t mps;		/* bytes of payload per TLP (128) */
	uint32_t tlp_overhead;	/* bytes of header and framing per TLP (24) */
	uint64_t link_latency;	/* ps to cross the link, each way (500 ns) */
	uint32_t outstanding;	/* transactions inside the link, per
				 * direction (64) */
	struct dmasim_pcie *pcie; /* a PCIe endpoint whose device side is
				   * the GPU's link instead (NULL: a
				   * bridge of its own, with the fields
				   * above); its BAR must hold device
				   * memory, which peers on the fabric
				   * (an RDMA NIC) then reach */
	uint64_t bar_latency;	/* ps from the endpoint's bus into device
				 * memory for a peer's access, each way
				 * (100 ns; with pcie only) */
	/* the device */
	uint64_t mem_base;	/* device memory's bus address (1 TiB) */
	uint64_t mem_size;	/* bytes (256 MiB) */
	double mem_bandwidth;	/* bytes/s of its memory fabric (1 TB/s) */
	unsigned copy_engines;	/* 1..4 (2) */
	unsigned inflight;	/* pieces a copy engine keeps in flight (32) */
	uint32_t piece;		/* bytes per copy transaction (4 KiB) */
	uint64_t ce_setup;	/* ps from a copy's start to its first piece
				 * (1 us) */
	uint64_t launch;	/* ps of a kernel's launch on the device
				 * (3 us) */
	/* the host driver */
	uint64_t call;		/* ps of CPU per copy or launch call (6.5 us) */
	uint64_t desc;		/* ps of CPU per copy descriptor (0.5 us) */
	uint64_t desc_max;	/* bytes per descriptor of a pinned copy
				 * (1 MiB) */
	uint64_t pin_page;	/* ps of CPU per 4 KiB page host_alloc pins
				 * (62 ns) */
	uint64_t register_page;	/* ps of CPU per page pin registers
				 * (350 ns: about 90 us per MB) */
	uint64_t pin_budget;	/* bytes that may be pinned (1 GiB) */
	uint64_t host_base, host_size;	/* the pool host_alloc takes from
					 * (none) */
	uint64_t bounce_base;	/* the driver's pinned staging buffers
				 * (DMASIM_DEFAULT: none; pageable copies
				 * then fail) */
	uint64_t bounce_size;	/* bytes per staging buffer (1 MiB) */
	unsigned bounce_count;	/* staging buffers (2) */
	uint32_t stage_piece;	/* bytes per CPU load and store of a
				 * staging copy (4 KiB) */
	uint32_t stage_cycles;	/* CPU cycles of copy loop per 64 bytes (8) */
};

/* A kernel: reads [in, +in_len) and writes [out, +out_len) of device
 * memory, occupies the compute engine for launch + time + in_len / rate;
 * when it ends, fn (or the built-in op) runs on the bytes. */
enum dmasim_kernel_op { DMASIM_KERNEL_NONE, DMASIM_KERNEL_COPY,
			DMASIM_KERNEL_XOR, DMASIM_KERNEL_ADD };
struct dmasim_kernel {
	uint64_t in, in_len, out, out_len;	/* bytes */
	uint64_t time;		/* ps beyond the launch (0) */
	double rate;		/* bytes/s of input (0: no per-byte time) */
	enum dmasim_kernel_op op;	/* with value: each output byte is
					 * the input byte copied, xor value,
					 * or + value */
	uint8_t value;
	void (*fn)(void *ctx, const uint8_t *in, uint64_t in_len,
		   uint8_t *out, uint64_t out_len);	/* instead of op */
	void *ctx;
};

struct dmasim_gpu_info {
	uint64_t copies, kernels, copy_bytes;
	uint64_t pinned_copies, pageable_copies;
	uint64_t stage_bytes;	/* staged by the CPU */
	uint64_t stage_ps;	/* CPU time staging */
	uint64_t driver_ps;	/* CPU time in calls, staging excluded */
	uint64_t pin_ps;	/* CPU time pinning */
	uint64_t pinned, pinned_peak, pin_budget;	/* bytes */
	uint64_t reports;	/* sanitizer reports */
	uint64_t errors;	/* ops that met a bus error */
	double link_rate;	/* bytes/s of the link model's data path */
};

struct dmasim_gpu_report {
	const char *cls;	/* "KERNEL_READ_BEFORE_COPY" */
	const char *what, *fix;	/* in words */
	uint64_t time;		/* ps */
	uint64_t addr, len;	/* the range touched */
	uint64_t op_addr, op_len;	/* the in-flight copy's range there */
	unsigned stream;	/* its stream */
};

DMASIM_API void dmasim_gpu_config_init(struct dmasim_gpu_config *cfg);
/* Returns 0, DMASIM_EINVAL (a bad field, named in the message) or
 * DMASIM_ENOMEM (the staging buffers over the pinned budget). */
DMASIM_API int dmasim_gpu_new(struct dmasim_sys *sys,
			      const struct dmasim_gpu_config *cfg,
			      struct dmasim_gpu **out);
DMASIM_API struct dmasim_memory *dmasim_gpu_memory(struct dmasim_gpu *g);
DMASIM_API struct dmasim_bus *dmasim_gpu_bus(struct dmasim_gpu *g);
/* Device memory (untimed, as cudaMalloc is not modelled): 256-byte
 * aligned.  Returns 0 or DMASIM_ENOMEM.  OUT: *addr. */
DMASIM_API int dmasim_gpu_malloc(struct dmasim_gpu *g, uint64_t len,
				 uint64_t *addr);
DMASIM_API int dmasim_stream_new(struct dmasim_gpu *g,
				 struct dmasim_stream **out);
DMASIM_API int dmasim_event_new(struct dmasim_gpu *g,
				struct dmasim_event **out);
DMASIM_API void dmasim_gpu_info(const struct dmasim_gpu *g,
				struct dmasim_gpu_info *out);
/* Report i of the sanitizer (0 <= i < info.reports kept).  Returns 0 or
 * DMASIM_EINVAL. */
DMASIM_API int dmasim_gpu_report(const struct dmasim_gpu *g, unsigned i,
				 struct dmasim_gpu_report *out);

/* From a process, on the driver's CPU (each waits until the call
 * returns).  pin: cudaHostRegister (register_page per page);
 * host_alloc: cudaHostAlloc from the pool (pin_page per page; its
 * address in dmasim_proc_result(p)->value).  Both fail with DMASIM_ENOMEM
 * over the pinned budget, pinning nothing.  unpin and host_free are
 * untimed (their in-flight checks are the sanitizer's). */
DMASIM_API int dmasim_gpu_pin(struct dmasim_proc *p, struct dmasim_gpu *g,
			      uint64_t addr, uint64_t len);
DMASIM_API int dmasim_gpu_host_alloc(struct dmasim_proc *p,
				     struct dmasim_gpu *g, uint64_t len);
DMASIM_API int dmasim_gpu_unpin(struct dmasim_gpu *g, uint64_t addr);
/* cudaMemcpyAsync: dst and src are bus addresses (device memory or host);
 * it returns when the copy is queued (pinned), when its last chunk is
 * staged (pageable, to the device) or when it is done (pageable, from
 * the device).  A bus error in the copy: dmasim_proc_result(p)->status at
 * the stream's next sync. */
DMASIM_API int dmasim_stream_copy(struct dmasim_proc *p,
				  struct dmasim_stream *s, uint64_t dst,
				  uint64_t src, uint64_t len);
/* The CPU copies host memory as the staging path does (loads and stores
 * of stage_piece bytes, stage_cycles per 64 bytes), counted as staging:
 * an application filling its own pinned buffers. */
DMASIM_API int dmasim_gpu_memcpy(struct dmasim_proc *p, struct dmasim_gpu *g,
				 uint64_t dst, uint64_t src, uint64_t len);
DMASIM_API int dmasim_stream_kernel(struct dmasim_proc *p,
				    struct dmasim_stream *s,
				    const struct dmasim_kernel *k);
/* Untimed: queue an event's record, or a wait for its last record. */
DMASIM_API int dmasim_stream_record(struct dmasim_stream *s,
				    struct dmasim_event *ev);
DMASIM_API int dmasim_stream_wait(struct dmasim_stream *s,
				  struct dmasim_event *ev);
/* Until everything queued on s (or the event's last record) is done. */
DMASIM_API int dmasim_stream_sync(struct dmasim_proc *p,
				  struct dmasim_stream *s);
DMASIM_API int dmasim_event_sync(struct dmasim_proc *p,
				 struct dmasim_event *ev);
/* ps: when the event's last record completed (0: never). */
DMASIM_API uint64_t dmasim_event_time(const struct dmasim_event *ev);
/* ---- PCI Express (see hw/pcie.h for the model) ---- */

/*
 * A root complex joins a host bus to a PCIe hierarchy: an internal bus
 * (its fabric) behind a host bridge whose downstream window is the MMIO
 * range the endpoints' BARs lie in and whose upstream windows are every
 * other address (dmasim_pcie_bridge() gives it, for an IOMMU on its
 * b-to-a way).  Switches and endpoints hang below it on links; each has a
 * bus of its own: a switch's internal bus, an endpoint's device-side bus
 * on which any master or target may sit (inside the BAR for targets).
 */
struct dmasim_pcie;
struct dmasim_intc;

struct dmasim_pcie_root_config {
	const char *name;	/* "pcie0", ... when NULL */
	uint64_t mmio_base;	/* the BAR range forwarded down
				 * (0x80000000) */
	uint64_t mmio_size;	/* bytes (1 GiB) */
	uint64_t latency;	/* ps through the root complex, each way
				 * (150 ns) */
	uint32_t queue;		/* requests inside, per way (64) */
	double clock_hz;	/* its fabric's clock (2 GHz) */
	uint32_t width;		/* bytes per fabric cycle (64) */
	uint64_t p2p_latency;	/* ps added to a request from one root port
				 * down another (500 ns) */
	double p2p_bandwidth;	/* bytes/s of that path; 0: no limit */
	struct dmasim_intc *intc; /* MSIs raise its lines; NULL: none */
	uint64_t msi_base;	/* the MSI address (0xfee00000, 4 KiB) */
};

struct dmasim_pcie_config {
	const char *name;	/* "sw0"/"ep0", ... when NULL */
	uint64_t base, size;	/* an endpoint's BAR, a switch's window */
	unsigned gen;		/* 1..5 (3) */
	unsigned width;		/* lanes 1, 2, 4, 8, 16 (16) */
	uint32_t mps;		/* max payload, bytes (256) */
	uint32_t mrrs;		/* max read request, bytes (512) */
	uint32_t rcb;		/* read completion boundary (64) */
	uint32_t tlp_overhead;	/* bytes per request TLP (24) */
	uint32_t cpl_overhead;	/* bytes per completion TLP (20) */
	uint64_t latency;	/* ps per TLP across the link (100 ns) */
	uint64_t completer_latency;	/* ps the lower side takes to start
					 * a read request (0) */
	uint32_t queue;		/* requests inside, per way (64) */
	uint32_t tags;		/* outstanding read requests, per way (256) */
	uint32_t ph, pd, nph, cplh, cpld; /* receiver credits; 0: infinite
					   * (64, 1024, 64, 0, 0) */
	double clock_hz;	/* its own bus's clock (2 GHz) */
	uint32_t bus_width;	/* bytes per cycle of its own bus (64) */
	int priority;		/* of the link's masters */
	uint64_t ack_timer;	/* ps a receiver may hold an Ack back; 0:
				 * the spec's AckNak latency limit (0) */
	uint32_t ack_tlps;	/* an Ack once this many TLPs wait; 0: the
				 * timer alone (0) */
	uint32_t skp_interval;	/* blocks (Gen3+, 370..375) or symbol times
				 * (Gen1-2, 1180..1538) between SKP ordered
				 * sets; 0: the least (0) */
};

/* Traffic one way of a link. */
struct dmasim_pcie_link_info {
	uint64_t tlps, payload, overhead;	/* count; bytes; bytes */
	uint64_t writes, reads, completions;	/* TLPs by type */
	uint64_t credit_stalls, tag_stalls, queue_stalls;
	uint64_t stall_ps, busy_ps;
	uint64_t active_ps;	/* from the first TLP's start to the last's
				 * end */
	double rate;				/* bytes/s of the wire */
	/* beside the TLPs on this wire (see hw/pcie.h) */
	uint64_t acks, updatefcs;	/* DLLPs: for TLPs the other way */
	uint64_t dllp_bytes, dllp_ps;	/* their bytes, their wire time */
	uint64_t skps, skp_ps;		/* SKP ordered sets, their time */
};

DMASIM_API void dmasim_pcie_root_config_init(
	struct dmasim_pcie_root_config *cfg);
DMASIM_API void dmasim_pcie_config_init(struct dmasim_pcie_config *cfg);
/* A root complex on bus host.  Returns 0, DMASIM_EINVAL or ENOMEM. */
DMASIM_API int dmasim_pcie_root_new(struct dmasim_sys *sys,
				    struct dmasim_bus *host,
				    const struct dmasim_pcie_root_config *cfg,
				    struct dmasim_pcie **out);
/* A switch or an endpoint below parent (a root or a switch): its range
 * must lie in the parent's.  Returns 0, DMASIM_EINVAL (bad generation,
 * width, sizes, range) or DMASIM_ENOMEM. */
DMASIM_API int dmasim_pcie_switch_new(struct dmasim_sys *sys,
				      struct dmasim_pcie *parent,
				      const struct dmasim_pcie_config *cfg,
				      struct dmasim_pcie **out);
DMASIM_API int dmasim_pcie_endpoint_new(struct dmasim_sys *sys,
					struct dmasim_pcie *parent,
					const struct dmasim_pcie_config *cfg,
					struct dmasim_pcie **out);
/* Its own bus: a root's fabric, a switch's, an endpoint's device side. */
DMASIM_API struct dmasim_bus *dmasim_pcie_bus(const struct dmasim_pcie *p);
/* A root complex's host bridge (NULL for the others). */
DMASIM_API struct dmasim_bridge *dmasim_pcie_bridge(
	const struct dmasim_pcie *p);
/* A switch's or an endpoint's link, one way (up: toward the root).
 * Returns 0 or DMASIM_EINVAL (a root has no link). */
DMASIM_API int dmasim_pcie_link_info(const struct dmasim_pcie *p, bool up,
				     struct dmasim_pcie_link_info *out);
/* ps the link's wire takes for n bytes. */
DMASIM_API uint64_t dmasim_pcie_wire_ps(const struct dmasim_pcie *p,
					uint64_t n);
/* ---- disks, the block driver, the page cache ---- */

struct dmasim_disk;
struct dmasim_blkdev;
struct dmasim_pagecache;

/*
 * A disk: an NVMe-like controller (submission and completion queues in
 * host memory, doorbell registers, commands and data moved by its own
 * DMA, a completion interrupt) over a flash-like media (latency +
 * bytes / bandwidth per command) or a rotating one (controller overhead +
 * seek + rotation + transfer).  See hw/disk.h.  Its register window is
 * 8 KiB; its statistics are "<disk>.{commands,reads,writes,errors,
 * bytes_read,bytes_written,dma_xacts,dma_bytes,irqs,doorbells,media_ps}".
 */
enum dmasim_disk_kind { DMASIM_DISK_NVME, DMASIM_DISK_ROTATING };
struct dmasim_disk_config {
	const char *name;	/* "disk0", ... when NULL */
	uint64_t base;		/* register window (DMASIM_DEFAULT:
				 * 0x60000000 + 8 KiB per disk made before) */
	enum dmasim_disk_kind kind;	/* (NVME) */
	uint64_t size;		/* bytes (1 GiB) */
	uint32_t block;		/* bytes per block, 512..4096 (512) */
	uint32_t queue;		/* most entries per queue (1024) */
	uint64_t reg_latency;	/* ps per register access (0) */
	uint64_t latency;	/* ps per command: the media's access, or a
				 * rotating disk's controller overhead
				 * (DMASIM_DEFAULT: NVME 80 us, ROTATING 0) */
	double bandwidth;	/* bytes/s of the media; negative (the
				 * default): by kind, NVME 2e9, ROTATING 0
				 * (from rpm and sectors per track) */
	uint32_t coalesce;	/* completions per interrupt (1) */
	double rpm;		/* ROTATING (7200) */
	uint64_t seek;		/* ROTATING: average seek, ps (9 ms) */
	uint64_t seek_min;	/* ROTATING: track-to-track, ps (1 ms) */
	uint32_t sectors_per_track;	/* ROTATING (0) */
	bool positional;	/* ROTATING: seek by distance, rotation by
				 * position (false: averages) */
	int priority;		/* of its DMA on the bus (0) */
	struct dmasim_intc *intc;	/* its interrupt goes there, or NULL */
	unsigned irq_line;
	/* With intc: signal by a 4-byte posted write of irq_line to this
	 * address (a PCIe root's MSI window, where the write raises the
	 * line), by a port of its own ("<name>.msi") once the completion
	 * entry is written; 0: a wire. */
	uint64_t msi;
};
struct dmasim_disk_info {
	const char *name;
	uint64_t commands, reads, writes, flushes, errors;
	uint64_t bytes_read, bytes_written, dma_xacts, dma_bytes;
	uint64_t fetches, completions, irqs, doorbells, media_ps, seeks;
	uint64_t chunks;	/* 64 KiB chunks of backing store in use */
};
DMASIM_API void dmasim_disk_config_init(struct dmasim_disk_config *cfg);
DMASIM_API int dmasim_disk_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
			       const struct dmasim_disk_config *cfg,
			       struct dmasim_disk **out);
DMASIM_API void dmasim_disk_info(const struct dmasim_disk *d,
				 struct dmasim_disk_info *out);
/* Untimed set-up and checks of the disk image: [off, off + len) inside
 * the disk.  Return 0, DMASIM_ERANGE or DMASIM_ENOMEM. */
DMASIM_API int dmasim_disk_write(struct dmasim_disk *d, uint64_t off,
				 const void *src, uint64_t len);
DMASIM_API int dmasim_disk_read(struct dmasim_disk *d, uint64_t off,
				void *dst, uint64_t len);
/* Fill with the deterministic pattern of seed (memory's fill pattern);
 * FNV-1a of the bytes (OUT: *hash, memory's hash). */
DMASIM_API int dmasim_disk_fill(struct dmasim_disk *d, uint64_t off,
				uint64_t len, uint64_t seed);
DMASIM_API int dmasim_disk_hash(struct dmasim_disk *d, uint64_t off,
				uint64_t len, uint64_t *hash);
/* Media time (ps) the disk would take for nbytes at block lba now (the
 * head moves as if it had). */
DMASIM_API uint64_t dmasim_disk_media_ps(struct dmasim_disk *d, uint64_t lba,
					 uint64_t nbytes);

/*
 * The block driver of a disk, running on a CPU: it enables the controller
 * on first use (four register writes), builds each command in the
 * submission queue with CPU stores (and a PRP list for more than two
 * pages), rings the doorbell with a register write, and sleeps until its
 * interrupt handler (on the disk's intc line, routed to the CPU) reads
 * the completion from the completion queue and writes the CQ head
 * doorbell.  With a non-coherent cache it cleans what the disk reads and
 * invalidates what it writes.  The queues and PRP lists live in memory
 * the caller sets aside: sq (64 B an entry), cq (16 B an entry), prp
 * (4 KiB per entry).
 */
struct dmasim_blkdev_config {
	struct dmasim_disk *disk;	/* required; with an intc */
	struct dmasim_cpu *cpu;		/* required: where it runs */
	struct dmasim_cache *cache;	/* the CPU's cache, or NULL */
	uint64_t sq, cq, prp;		/* queue memory (required) */
	uint32_t entries;	/* per queue (16) */
	uint32_t submit_cycles;	/* CPU cycles of driver work per command
				 * (500) */
	uint32_t complete_cycles;	/* ... per completion (300) */
	int irq_priority;	/* of its interrupt line (1) */
};
struct dmasim_blkdev_info {
	uint64_t submitted, completed, failed, irqs;
};
DMASIM_API void dmasim_blkdev_config_init(struct dmasim_blkdev_config *cfg);
DMASIM_API int dmasim_blkdev_new(struct dmasim_sys *sys,
				 const struct dmasim_blkdev_config *cfg,
				 struct dmasim_blkdev **out);
DMASIM_API void dmasim_blkdev_info(const struct dmasim_blkdev *b,
				   struct dmasim_blkdev_info *out);
/* From a process: read (or write) nblocks blocks at lba into (from)
 * [addr, +nblocks * block) and wait for the completion; the command's
 * status code (0: success; see hw/disk.h) is in
 * dmasim_proc_result(p)->status. */
DMASIM_API int dmasim_blk_io(struct dmasim_proc *p, struct dmasim_blkdev *b,
			     bool write, uint64_t lba, uint32_t nblocks,
			     uint64_t addr);

/*
 * A page cache over a block device (see os/pagecache.h): files are
 * extents of blocks; a read copies each page found with the CPU's loads
 * and stores (through its cache) after `lookup_cycles`, and fills a page
 * missing, with up to `readahead` following ones, by one disk command.
 */
struct dmasim_pagecache_config {
	struct dmasim_blkdev *blkdev;	/* required */
	uint64_t base, size;	/* frames in physical memory (required) */
	uint32_t readahead;	/* pages beyond a missing one (0..511, 0) */
	uint32_t lookup_cycles;	/* CPU cycles per page looked up (100) */
};
struct dmasim_pagecache_info {
	uint64_t hits, misses, readahead_pages, fills, fill_bytes, copied,
		 evictions;
};
DMASIM_API void dmasim_pagecache_config_init(
	struct dmasim_pagecache_config *cfg);
DMASIM_API int dmasim_pagecache_new(struct dmasim_sys *sys,
				    const struct dmasim_pagecache_config *cfg,
				    struct dmasim_pagecache **out);
/* A file of size bytes from block lba (its pages inside the disk).
 * Returns 0, DMASIM_EINVAL (name taken or malformed, outside the disk). */
DMASIM_API int dmasim_pagecache_file(struct dmasim_pagecache *pc,
				     const char *name, uint64_t lba,
				     uint64_t size);
DMASIM_API void dmasim_pagecache_info(const struct dmasim_pagecache *pc,
				      struct dmasim_pagecache_info *out);
/* From a process: copy [off, off + len) of the file to memory at addr
 * through the cache; the status of a failed fill in
 * dmasim_proc_result(p)->status. */
DMASIM_API int dmasim_file_read(struct dmasim_proc *p,
				struct dmasim_pagecache *pc, const char *file,
				uint64_t off, uint64_t len, uint64_t addr);
/* ---- network interface cards (hw/nic.h) ---- */

/*
 * A NIC with receive and transmit rings of 16-byte descriptors in host
 * memory (the Intel 82599's legacy layout), a packet source on its wire,
 * and interrupt moderation; see src/hw/nic.h for its registers and
 * descriptors.  It is a bus master and a bus target on `bus`.
 */
struct dmasim_nic;

struct dmasim_nic_config {
	const char *name;	/* "nic0", ... when NULL */
	uint64_t base;		/* 4 KiB register window (DMASIM_DEFAULT:
				 * 0x58000000 + 4 KiB per NIC made before) */
	double line_rate;	/* bits/s (10e9) */
	uint32_t pkt_size;	/* bytes per received frame, 16..16384 (64) */
	uint32_t wire_overhead;	/* bytes of preamble and inter-frame gap
				 * per frame (20) */
	double rate;		/* frames/s offered (0: line rate) */
	enum dmasim_arrival arrival;	/* DETERMINISTIC or POISSON */
	uint64_t packets;	/* frames the source sends (0) */
	uint64_t seed;		/* (DMASIM_DEFAULT: NICs made before + 1) */
	uint32_t burst;		/* bytes per data transaction (256) */
	uint32_t buf_size;	/* bytes per receive buffer (2048) */
	uint32_t itr_pkts;	/* interrupt after this many frames (1; 0:
				 * the timer only) */
	uint64_t itr_time;	/* ... or ps after the first (0: none) */
	uint64_t latency;	/* ps per register access (0) */
	struct dmasim_intc *intc;	/* where interrupts go (NULL: none) */
	unsigned irq_line;
	/* With intc: interrupt by a 4-byte posted write of irq_line to this
	 * address (a PCIe root's MSI window), after the write-back it
	 * signals, by a port of its own ("<name>.msi"); 0: a wire. */
	uint64_t msi;
	/* put it on its system's port of this cluster, in place of the
	 * packet source (NULL: the source); `packets` must be 0 */
	struct dmasim_cluster *cluster;
};

struct dmasim_nic_info {
	const char *name;
	uint64_t sent;		/* frames the source has sent */
	uint64_t rx_packets, rx_bytes, rx_drops, rx_errors;
	uint64_t fcs_errors;	/* on a port: frames whose check failed */
	uint64_t tx_packets, tx_bytes, tx_hash;	/* FNV-1a of sent bytes */
	uint64_t tx_errors;	/* on a port: frames not sent (no such
				 * node, too long) */
	uint64_t irqs, desc_fetches, desc_writebacks, guest_errors;
	uint32_t rdh, rdt, tdh, tdt;
	uint64_t wire_ps;	/* ps per frame on the wire */
};

DMASIM_API void dmasim_nic_config_init(struct dmasim_nic_config *cfg);
/* Returns 0, DMASIM_EINVAL (a bad field, named in the message) or
 * DMASIM_ENOMEM. */
DMASIM_API int dmasim_nic_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
			      const struct dmasim_nic_config *cfg,
			      struct dmasim_nic **out);
DMASIM_API uint64_t dmasim_nic_base(const struct dmasim_nic *nic);
/* The link comes up: the source's frames arrive from now on. */
DMASIM_API void dmasim_nic_start(struct dmasim_nic *nic);
DMASIM_API void dmasim_nic_info(const struct dmasim_nic *nic,
				struct dmasim_nic_info *out);
/* The bytes of the source's frame seq (len bytes): its sequence number
 * (8 bytes, little-endian), its length (4) and a pattern. */
DMASIM_API void dmasim_nic_packet(const struct dmasim_nic *nic, uint64_t seq,
				  void *dst, uint32_t len);

/*
 * A receive driver for a NIC, on cpu: it sets the ring up, then either
 * NAPI (the interrupt handler masks the NIC's interrupt and schedules a
 * poll; the poll takes up to `budget` frames, each costing rx_cycles +
 * deliver_cycles, refills the ring and re-enables the interrupt when it
 * did less than its budget) or all receive work in the interrupt handler
 * (rx_cycles a frame, queued to a backlog of `backlog` frames that a
 * thread drains at deliver_cycles a frame: the classic receive livelock).
 * The NIC's intc must route its line to cpu.  When set up it starts the
 * NIC's source.
 */
struct dmasim_netdrv;

struct dmasim_netdrv_config {
	const char *name;	/* "netdrv0", ... when NULL */
	struct dmasim_cpu *cpu;	/* required */
	uint64_t ring_base;	/* receive ring, 16-byte aligned */
	uint32_t ring;		/* descriptors, 2..65536 (256) */
	uint64_t buf_base;	/* ring buffers of the NIC's buf_size */
	bool napi;		/* (true) */
	uint32_t budget;	/* frames per poll (64, Linux's weight) */
	uint64_t rx_cycles;	/* CPU cycles per frame received (1000) */
	uint64_t deliver_cycles; /* CPU cycles per frame delivered (0) */
	uint32_t backlog;	/* without NAPI: frames queued (1000) */
	bool verify;		/* compare each frame with the source's
				 * (true) */
};

struct dmasim_netdrv_info {
	uint64_t delivered, delivered_bytes, bad_frames;
	uint64_t irqs, polls, budget_exhausted, backlog_drops;
	uint64_t ready_at;	/* ps: the ring set up */
	uint64_t last_at;	/* ps: the last frame delivered */
};

DMASIM_API void dmasim_netdrv_config_init(struct dmasim_netdrv_config *cfg);
DMASIM_API int dmasim_netdrv_new(struct dmasim_sys *sys,
				 struct dmasim_nic *nic,
				 const struct dmasim_netdrv_config *cfg,
				 struct dmasim_netdrv **out);
DMASIM_API void dmasim_netdrv_info(const struct dmasim_netdrv *d,
				   struct dmasim_netdrv_info *out);

/* ---- cameras (hw/camera.h) ---- */

/*
 * A video capture device: frames at a rate, each written line by line by
 * DMA into the oldest buffer the application has queued (V4L2's
 * VIDIOC_QBUF / VIDIOC_DQBUF semantics); a frame that finds no queued
 * buffer is dropped and counted.  With the sanitizer, a buffer queued
 * while not pinned, or unpinned while queued, is reported.
 */
struct dmasim_camera;

enum dmasim_pixfmt { DMASIM_PIX_NV12, DMASIM_PIX_YUYV, DMASIM_PIX_RGB24 };

struct dmasim_camera_config {
	const char *name;	/* "camera0", ... when NULL */
	uint64_t base;		/* its 4 KiB register window on its bus (see
				 * src/hw/camera.h; DMASIM_DEFAULT: none) */
	uint32_t width, height;	/* pixels (1920 x 1080) */
	enum dmasim_pixfmt format;	/* 1.5, 2 or 3 bytes a pixel (YUYV) */
	double fps;		/* frames per second (60) */
	uint64_t frames;	/* frames sent after streamon (0) */
	uint32_t buffers;	/* 1..32 (4) */
	uint32_t burst;		/* bytes per DMA write (4096) */
	uint64_t seed;		/* (DMASIM_DEFAULT: cameras before + 1) */
	struct dmasim_intc *intc;	/* raised per frame (NULL: none) */
	unsigned irq_line;
	uint64_t msi;		/* as a NIC's: an MSI address, or 0 */
	struct dmasim_completion *done;	/* completed per frame (NULL) */
};

struct dmasim_camera_info {
	const char *name;
	uint64_t frame_bytes;	/* bytes per frame */
	uint64_t period;	/* ps per frame */
	uint64_t frames;	/* started so far */
	uint64_t captured, drops, overruns, bytes;
	unsigned queued, done;	/* buffers in each queue now */
	uint64_t base;		/* its register window (DMASIM_DEFAULT:
				 * none) */
	uint64_t guest_errors;	/* register accesses refused */
};

DMASIM_API void dmasim_camera_config_init(struct dmasim_camera_config *cfg);
DMASIM_API int dmasim_camera_new(struct dmasim_sys *sys,
				 struct dmasim_bus *bus,
				 const struct dmasim_camera_config *cfg,
				 struct dmasim_camera **out);
/* Buffer i (a user pointer) at bus address addr, len >= a frame; only
 * while the application holds it.  Returns 0 or DMASIM_EINVAL. */
DMASIM_API int dmasim_camera_buffer(struct dmasim_camera *cam, unsigned i,
				    uint64_t addr, uint64_t len);
/* VIDIOC_QBUF.  Returns 0 or DMASIM_EINVAL (not the application's). */
DMASIM_API int dmasim_camera_qbuf(struct dmasim_camera *cam, unsigned i);
/* VIDIOC_DQBUF: the oldest done buffer's index (>= 0; OUT: its frame's
 * sequence number and time, either may be NULL), or DMASIM_ERANGE when
 * none is done (V4L2's EAGAIN). */
DMASIM_API int dmasim_camera_dqbuf(struct dmasim_camera *cam, uint64_t *seq,
				   uint64_t *at);
/* VIDIOC_STREAMON: the first frame starts now. */
DMASIM_API void dmasim_camera_streamon(struct dmasim_camera *cam);
DMASIM_API void dmasim_camera_info(const struct dmasim_camera *cam,
				   struct dmasim_camera_info *out);
/* Bytes [off, +len) of frame seq, as the camera sends them.  Returns 0
 * or DMASIM_ERANGE. */
DMASIM_API int dmasim_camera_expected(const struct dmasim_camera *cam,
				      uint64_t seq, uint64_t off, void *dst,
				      uint64_t len);


/* ---- clusters ---- */

/*
 * A cluster: systems (its nodes) joined only by a network (see hw/net.h):
 * each node's port is linked to a port of one switch (a star), every link
 * `link_rate` bits/s each way with `link_latency`; the switch stores and
 * forwards, `switch_latency` from a frame's arrival to its output queue,
 * `switch_buffer` bytes queued per output port (a frame that does not fit
 * is dropped).  The nodes run as separate logical processes, each with
 * its own clock: dmasim_cluster_run() advances them in windows of the
 * smallest link latency (the lookahead), exchanging the frames sent in a
 * window at its end.  A node is run only through its cluster.
 */
struct dmasim_cluster;
struct dmasim_rnic;

/*
 * Ranks that share the simulation of a cluster: processes (MPI ranks, see
 * src/cli/mpicomm.c) that each simulate a part of its nodes.  Every call
 * is collective: every rank makes it, in the same order.  Both return 0
 * or a nonzero error.
 */
struct dmasim_comm {
	int rank;		/* this process, 0 .. ranks - 1 */
	int ranks;
	void *ctx;
	/* send[r * n .. + n) goes to rank r; rank r's comes into
	 * recv[r * n .. + n) (its own included) */
	int (*alltoall)(void *ctx, const uint64_t *send, uint64_t *recv,
			size_t n);
	/* slen[r] bytes of sbuf[r] go to rank r and rlen[r] bytes (known
	 * from an alltoall) come from rank r into rbuf[r]; nothing passes
	 * where a length is 0, nor between a rank and itself */
	int (*exchange)(void *ctx, void *const *sbuf, const size_t *slen,
			void *const *rbuf, const size_t *rlen);
};

struct dmasim_cluster_config {
	const char *name;	/* "cluster" when NULL */
	uint32_t nodes;		/* 1..65536 (2) */
	double link_rate;	/* bits/s each way (100e9) */
	uint64_t link_latency;	/* ps (100 ns: PHYs and a few metres) */
	uint64_t switch_latency; /* ps (100 ns) */
	uint64_t switch_buffer;	/* bytes per output port (1 MiB) */
	double loss;		/* probability the switch drops a frame (0) */
	uint64_t drop_nth;	/* the switch drops its nth frame (0: none) */
	double corrupt;		/* probability the switch flips one bit of a
				 * frame (0): its receiver's check fails and
				 * drops it ("fcs_errors") */
	uint64_t seed;		/* (1) */
	bool reverse;		/* run the nodes of a window in reverse
				 * order (false): no result may depend on
				 * the order, as nodes meet only by links */
	/* Split the nodes over comm's ranks (NULL, or one rank: every node
	 * is simulated here).  A rank simulates its own nodes and the
	 * switch's output ports that lead to them; the frames that cross
	 * ranks are exchanged at each window's barrier.  Results are those
	 * of one rank, whatever the split (drop_nth, which counts the
	 * switch's frames in one order, is refused). */
	const struct dmasim_comm *comm;
	const uint32_t *owner;	/* the rank of each node (NULL: blocks of
				 * consecutive nodes, as even as can be) */
};

struct dmasim_cluster_info {
	uint32_t nodes;
	uint64_t now;		/* ps: the end of the last window run */
	uint64_t windows;	/* barriers passed */
	uint64_t frames, bytes;	/* through the switch */
	uint64_t drops;		/* lost (loss, drop_nth, no device) */
	uint64_t drops_full;	/* dropped at a full output queue */
	uint64_t corrupted;	/* sent on with a bit flipped */
	uint64_t max_queued;	/* bytes, the fullest output queue */
	uint64_t events;	/* run on every node and the switch */
};

DMASIM_API void dmasim_cluster_config_init(struct dmasim_cluster_config *cfg);
/* Returns 0, DMASIM_EINVAL or DMASIM_ENOMEM; on EINVAL *err (when not
 * NULL) says what was wrong. */
DMASIM_API int dmasim_cluster_new(const struct dmasim_cluster_config *cfg,
				  struct dmasim_cluster **out,
				  const char **err);
/* Its nodes stay, but can no longer be run. */
DMASIM_API void dmasim_cluster_free(struct dmasim_cluster *cl);
/* Make system sys node `node` of the cluster (before anything of it has
 * run).  Returns 0 or DMASIM_EINVAL (the message in sys's error). */
DMASIM_API int dmasim_cluster_add(struct dmasim_cluster *cl,
				  struct dmasim_sys *sys, uint32_t node);
/* Run every node until no event is left or until `until` (ps).  Returns
 * 0, or the first failing node's code (its message in
 * dmasim_cluster_error()). */
DMASIM_API int dmasim_cluster_run(struct dmasim_cluster *cl, uint64_t until);
DMASIM_API const char *dmasim_cluster_error(const struct dmasim_cluster *cl);
/* Split over ranks, the figures are the whole cluster's as of the end of
 * the last run (every rank has them). */
DMASIM_API void dmasim_cluster_info(const struct dmasim_cluster *cl,
				    struct dmasim_cluster_info *out);
/* The rank that simulates node `node` (0 when not split). */
DMASIM_API int dmasim_cluster_owner(const struct dmasim_cluster *cl,
				    uint32_t node);

/*
 * The cluster's board: what nodes tell one another out of band (a
 * bootstrap's queue pair numbers and keys, a node's result), as an MPI
 * program's set-up exchanges them.  A node publishes a value under a
 * key; it becomes visible to every node, on every rank, at the next
 * barrier (the next window's end, or the start of the next
 * dmasim_cluster_run()), and stays until published again.  Only a node
 * simulated here may publish.
 */
/* Returns 0, DMASIM_EINVAL (no such node, not here, an empty or over-long
 * key: 1 to 255 bytes; a value over 64 KiB) or DMASIM_ENOMEM. */
DMASIM_API int dmasim_cluster_publish(struct dmasim_cluster *cl,
				      uint32_t node, const char *key,
				      const void *value, size_t len);
/* The value node `node` published under key (not copied: valid until the
 * next barrier), or NULL when none is visible. */
DMASIM_API const void *dmasim_cluster_lookup(const struct dmasim_cluster *cl,
					     uint32_t node, const char *key,
					     size_t *len);

/*
 * Software on a node's port with no NIC model, for a logical process that
 * exchanges messages through the cluster (PHOLD, bench/phold.c): a
 * message of at most 4096 bytes goes out as a frame of its bytes plus 64
 * of headers (wire time, switch, link as any frame); rx is called, in
 * the node's simulation, as each one arrives (data valid during the call
 * only; one whose check sequence failed is dropped).  And an alarm: fn
 * of the caller's struct called `delay` ps from now, in the node's
 * simulation (embed the struct in what it acts on).
 */
typedef void (*dmasim_port_fn)(void *ctx, uint32_t src, const void *data,
			       uint32_t len);
/* Returns 0, DMASIM_EINVAL (not a node, or its port taken; in sys's
 * error) or DMASIM_ENOMEM. */
DMASIM_API int dmasim_port_attach(struct dmasim_sys *sys, dmasim_port_fn rx,
				  void *ctx);
/* Returns 0, DMASIM_EINVAL (no port attached, no such node, too long) or
 * DMASIM_ENOMEM. */
DMASIM_API int dmasim_port_send(struct dmasim_sys *sys, uint32_t dst,
				const void *data, uint32_t len);
struct dmasim_alarm {
	void (*fn)(struct dmasim_alarm *a);
};
/* Returns 0 or DMASIM_ENOMEM. */
DMASIM_API int dmasim_sys_after(struct dmasim_sys *sys, uint64_t delay,
				struct dmasim_alarm *a);

/*
 * An RDMA NIC (see hw/rnic.h for its registers, work requests and
 * transport): a bus master and a register window on `bus`, its port the
 * node's port of the cluster.  Software drives it through its registers
 * (scenarios/lib/verbs.lua is a verbs library doing so).
 */
struct dmasim_rnic_config {
	const char *name;	/* "rnic0", ... when NULL */
	uint64_t base;		/* its registers (DMASIM_DEFAULT:
				 * 0x5A000000 + 4 KiB per RNIC) */
	struct dmasim_cluster *cluster;	/* required */
	uint32_t mtu;		/* payload bytes per packet (4096) */
	uint32_t engines;	/* DMA transactions in flight (8) */
	uint64_t latency;	/* ps per register access (0) */
	uint64_t proc;		/* ps per packet sent or taken (50 ns) */
	uint64_t cmd_time;	/* ps per command (10 us) */
	uint64_t timeout;	/* ps before resending (20 us) */
	uint32_t retry;		/* (7) */
	uint64_t rnr_delay;	/* ps (10 us) */
	uint32_t rnr_retry;	/* (7) */
};

struct dmasim_rnic_qp_info {
	int state;		/* RESET 0, INIT 1, RTR 2, RTS 3, ERR 4 */
	uint32_t next_psn, expected_psn, held;
	uint64_t retransmits, duplicates, naks;
};

DMASIM_API void dmasim_rnic_config_init(struct dmasim_rnic_config *cfg);
DMASIM_API int dmasim_rnic_new(struct dmasim_sys *sys, struct dmasim_bus *bus,
			       const struct dmasim_rnic_config *cfg,
			       struct dmasim_rnic **out);
DMASIM_API uint64_t dmasim_rnic_base(const struct dmasim_rnic *r);
DMASIM_API uint32_t dmasim_rnic_node(const struct dmasim_rnic *r);
DMASIM_API const char *dmasim_rnic_name(const struct dmasim_rnic *r);
/* Queue pair qpn's state.  Returns 0 or DMASIM_EINVAL (no such QP). */
DMASIM_API int dmasim_rnic_qp_info(const struct dmasim_rnic *r, uint32_t qpn,
				   struct dmasim_rnic_qp_info *out);

#endif
