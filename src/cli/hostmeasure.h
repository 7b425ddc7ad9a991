/*
 * hostmeasure: measurements of the host dmasim runs on, for `dmasim
 * calibrate`.  Each figure is the median of several repetitions, timed
 * with the monotonic clock; each comes with the method that produced it
 * (host_method()), which the calibration file records beside it.
 *
 * What is measured (a figure that the host cannot give is marked absent,
 * with the reason, never invented):
 *   cpu_hz        a chain of dependent integer additions (one per cycle on
 *                 every current core): the core's clock as the code sees it
 *   copy          memcpy bandwidth by size, cache-resident to beyond the
 *                 last level
 *   latency       load-to-use latency by working set: a pointer chase
 *                 through a random cyclic permutation of 64-byte lines
 *   caches        the latency curve's plateaus: each level's size and
 *                 latency, the last one main memory
 *   stride        a strided gather (4-byte elements read at a stride,
 *                 written in order): the cost of a CPU transpose
 *   maint         cache-line maintenance per line over a 256 KiB range:
 *                 x86 clflush, clflushopt, clwb; arm64 dc civac, dc cvac;
 *                 for cached clean lines and for dirty lines
 *   pin           mlock on fresh pages (faulting them in, as
 *                 get_user_pages does) and on resident pages, per page;
 *                 madvise(MADV_POPULATE_WRITE) where the kernel has it;
 *                 the page fault of a first touch
 *   offload       a copy handed to another thread (a software DMA
 *                 engine): hand-off latency, throughput, and the share of
 *                 its own compute rate the submitting thread keeps meanwhile
 *   wakeup        a blocked thread woken through an eventfd: the one-way
 *                 latency (half a ping-pong round trip)
 *   overlap       the seed's overlap experiment for real: blocks copied
 *                 then processed by one thread, against copies offloaded
 *                 to a thread with double buffering, by block size
 */
#ifndef DMASIM_CLI_HOSTMEASURE_H
#define DMASIM_CLI_HOSTMEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_MAX_POINTS 24
#define HOST_MAX_LEVELS 6

struct host_point {
	uint64_t x;		/* bytes (a size or a stride) */
	double y;		/* the figure at x (unit per table) */
};

struct host_curve {
	size_t n;
	struct host_point p[HOST_MAX_POINTS];
};

/* One cache-maintenance instruction's cost per line, in ns. */
struct host_maint {
	const char *insn;	/* "clflush", "clflushopt", "clwb", "dc civac" */
	bool have;
	double clean_ns;	/* per line, the line cached and clean */
	double dirty_ns;	/* per line, the line cached and dirty */
};

struct host_overlap {
	uint64_t block;		/* bytes */
	double serial_bps;	/* bytes/s: copy then process, one thread */
	double offload_bps;	/* bytes/s: copies offloaded, double buffered */
};

struct host_cal {
	bool quick;
	double cpu_hz;
	struct host_curve copy;		/* y: bytes/s */
	struct host_curve latency;	/* y: ns per load */
	size_t nlevels;			/* caches, then memory last */
	struct host_point level[HOST_MAX_LEVELS];	/* x: size, y: ns */
	struct host_curve stride;	/* y: ns per element */
	size_t nmaint;
	struct host_maint maint[4];
	double maint_range_dirty_ns;	/* the whole 256 KiB range, dirty,
					 * with the first instruction and a
					 * fence */
	double maint_range_clean_ns;
	/* pinning; a negative value: not measured (see pin_why) */
	double mlock_fresh_ns, mlock_resident_ns, populate_ns, fault_ns;
	char pin_why[96];
	double offload_handoff_ns, offload_bps, offload_compute_kept;
	double wakeup_ns;
	double process_ns_per_byte;	/* the overlap experiment's work */
	size_t noverlap;
	struct host_overlap overlap[8];
};

/* A progress callback: the step about to run (for a progress line). */
typedef void (*host_progress_fn)(void *ctx, const char *step, int k, int n);

/* Measure everything.  quick: small sizes and few repetitions (seconds,
 * for tests).  Returns 0, or -1 with a message in why (no memory). */
int host_measure(struct host_cal *c, bool quick, host_progress_fn progress,
		 void *ctx, char *why, size_t whylen);

/* How a figure was measured, by the field names the file uses. */
const char *host_method(const char *figure);

/* The number of measurement steps host_measure reports. */
int host_steps(void);

#endif
