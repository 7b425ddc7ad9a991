/* hostmeasure: measuring the host for `dmasim calibrate`.  See
 * hostmeasure.h. */
#define _GNU_SOURCE
#include "hostmeasure.h"
#include "hostmeasure_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define LINE 64u
#define MAINT_RANGE (256 * KiB)

volatile uint64_t host_sink;	/* results the compiler must not drop */

double host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double host_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A deterministic generator for the permutations (xorshift64*). */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* ---- the core's clock: dependent additions ---- */

static double measure_hz(bool quick)
{
#if defined(__x86_64__) || defined(__aarch64__)
	const uint64_t iters = quick ? 2000000 : 20000000;	/* x 16 adds */
	double t[5];

	for (int r = 0; r < 5; r++) {
		uint64_t x = 0;
		double t0 = host_now_ns();

		for (uint64_t i = 0; i < iters; i++) {
#if defined(__x86_64__)
#define ADD4 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
#else
#define ADD4 "add %0, %0, #1\n\tadd %0, %0, #1\n\t" \
	     "add %0, %0, #1\n\tadd %0, %0, #1\n\t"
#endif
			__asm__ __volatile__(ADD4 ADD4 ADD4 ADD4 : "+r"(x));
#undef ADD4
		}
		t[r] = host_now_ns() - t0;
		host_sink += x;
	}
	return (double)iters * 16 / (host_median(t, 5) * 1e-9);
#else
	(void)quick;
	return -1;	/* no portable dependent chain of known latency */
#endif
}

/* ---- memcpy bandwidth by size ---- */

static int measure_copy(struct host_cal *c, uint64_t max)
{
	uint8_t *src = aligned_alloc(64, max), *dst = aligned_alloc(64, max);

	if (!src || !dst) {
		free(src);
		free(dst);
		return -1;
	}
	memset(src, 0x5a, max);
	memset(dst, 0, max);
	for (uint64_t size = 4 * KiB; size <= max &&
	     c->copy.n < HOST_MAX_POINTS; size *= 2) {
		/* each trial moves at least 4 MiB (16 quick: fewer trials) */
		uint64_t per = size >= 4 * MiB ? 1 : 4 * MiB / size;
		double t[5];

		memcpy(dst, src, size);		/* warm */
		for (int r = 0; r < 5; r++) {
			double t0 = host_now_ns();

			for (uint64_t k = 0; k < per; k++) {
				memcpy(dst, src, size);
				__asm__ __volatile__("" : : "r"(dst) : "memory");
			}
			t[r] = (host_now_ns() - t0) / (double)per;
		}
		c->copy.p[c->copy.n++] = (struct host_point){
			size, (double)size / (host_median(t, 5) * 1e-9) };
	}
	host_sink += dst[max - 1];
	free(src);
	free(dst);
	return 0;
}

/* ---- load latency by working set: a pointer chase ---- */

static double chase(void **lines, uint64_t n, uint64_t steps)
{
	void **p = lines;
	double t0;

	for (uint64_t i = 0; i < n && i < steps; i++)	/* warm */
		p = (void **)*p;
	t0 = host_now_ns();
	for (uint64_t i = 0; i < steps; i++)
		p = (void **)*p;
	host_sink += (uintptr_t)p;
	return (host_now_ns() - t0) / (double)steps;
}

static int measure_latency(struct host_cal *c, uint64_t max, uint64_t steps)
{
	uint8_t *buf = aligned_alloc(64, max);
	uint64_t *order = malloc(max / LINE * sizeof(*order));
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	if (!buf || !order) {
		free(buf);
		free(order);
		return -1;
	}
	for (uint64_t size = 4 * KiB; size <= max &&
	     c->latency.n < HOST_MAX_POINTS; size *= 2) {
		uint64_t n = size / LINE;
		double t[3];

		/* Sattolo's shuffle: one cycle through every line */
		for (uint64_t i = 0; i < n; i++)
			order[i] = i;
		for (uint64_t i = n - 1; i > 0; i--) {
			uint64_t j = next_rand(&seed) % i, x = order[i];

			order[i] = order[j];
			order[j] = x;
		}
		for (uint64_t i = 0; i < n; i++)
			*(void **)(buf + order[i] * LINE) =
				buf + order[(i + 1) % n] * LINE;
		for (int r = 0; r < 3; r++)
			t[r] = chase((void **)(buf + order[0] * LINE), n, steps);
		c->latency.p[c->latency.n++] =
			(struct host_point){ size, host_median(t, 3) };
	}
	free(buf);
	free(order);
	return 0;
}

/*
 * The plateaus of the latency curve: a new level starts where the latency
 * rises by more than 40% over the previous point.  A level's size is the
 * largest working set still at its latency; its latency, the median of
 * its points.  The last level is main memory (or, in a quick run that
 * stops early, the largest level reached).
 */
static void find_levels(struct host_cal *c)
{
	size_t start = 0;

	c->nlevels = 0;
	for (size_t i = 1; i <= c->latency.n; i++) {
		if (i < c->latency.n &&
		    c->latency.p[i].y <= 1.4 * c->latency.p[i - 1].y)
			continue;
		double v[HOST_MAX_POINTS];
		size_t n = i - start;

		for (size_t k = 0; k < n; k++)
			v[k] = c->latency.p[start + k].y;
		if (c->nlevels == HOST_MAX_LEVELS)
			c->nlevels--;	/* merge the rest into the last */
		c->level[c->nlevels++] = (struct host_point){
			c->latency.p[i - 1].x, host_median(v, n) };
		start = i;
	}
}

/* ---- strided gather: the CPU side of a transpose ---- */

static int measure_stride(struct host_cal *c, uint64_t bytes)
{
	uint64_t count = bytes / 4;
	uint32_t *src = malloc(bytes), *dst = malloc(bytes);

	if (!src || !dst) {
		free(src);
		free(dst);
		return -1;
	}
	for (uint64_t i = 0; i < count; i++)
		src[i] = (uint32_t)i;
	memset(dst, 0, bytes);
	for (uint64_t stride = 4; stride <= 4096 &&
	     c->stride.n < HOST_MAX_POINTS; stride *= 2) {
		uint64_t s = stride / 4;
		double t[3];

		for (int r = 0; r < 3; r++) {
			uint64_t k = 0;
			double t0 = host_now_ns();

			for (uint64_t j = 0; j < s; j++)
				for (uint64_t i = j; i < count; i += s)
					dst[k++] = src[i];
			t[r] = (host_now_ns() - t0) / (double)count;
			__asm__ __volatile__("" : : "r"(dst) : "memory");
		}
		c->stride.p[c->stride.n++] =
			(struct host_point){ stride, host_median(t, 3) };
	}
	host_sink += dst[count - 1];
	free(src);
	free(dst);
	return 0;
}

/* ---- cache maintenance per line ---- */

enum maint_insn { M_CLFLUSH, M_CLFLUSHOPT, M_CLWB, M_DC_CIVAC, M_DC_CVAC };

static void maint_line(enum maint_insn k, void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	switch (k) {
	case M_CLFLUSH:
		__asm__ __volatile__("clflush (%0)" : : "r"(p) : "memory");
		break;
	case M_CLFLUSHOPT:
		__asm__ __volatile__("clflushopt (%0)" : : "r"(p) : "memory");
		break;
	case M_CLWB:
		__asm__ __volatile__("clwb (%0)" : : "r"(p) : "memory");
		break;
	default:
		break;
	}
#elif defined(__aarch64__)
	if (k == M_DC_CIVAC)
		__asm__ __volatile__("dc civac, %0" : : "r"(p) : "memory");
	else if (k == M_DC_CVAC)
		__asm__ __volatile__("dc cvac, %0" : : "r"(p) : "memory");
#else
	(void)k;
	(void)p;
#endif
}

static void maint_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("mfence" : : : "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dsb ish" : : : "memory");
#endif
}

/* ns for one instruction over the range, the lines cached clean or dirty,
 * the fence included; the median of reps. */
static double maint_range(enum maint_insn k, uint8_t *buf, bool dirty,
			  int reps)
{
	double t[9];

	for (int r = 0; r < reps; r++) {
		double t0;

		if (dirty) {
			memset(buf, r, MAINT_RANGE);
		} else {
			uint64_t sum = 0;

			for (uint64_t o = 0; o < MAINT_RANGE; o += LINE)
				sum += buf[o];
			host_sink += sum;
		}
		maint_fence();
		t0 = host_now_ns();
		for (uint64_t o = 0; o < MAINT_RANGE; o += LINE)
			maint_line(k, buf + o);
		maint_fence();
		t[r] = host_now_ns() - t0;
	}
	return host_median(t, (size_t)reps);
}

static int measure_maint(struct host_cal *c, int reps)
{
	uint8_t *buf = aligned_alloc(64, MAINT_RANGE);
	struct ins { const char *name; enum maint_insn k; bool have; } ins[3];
	size_t n = 0;

	if (!buf)
		return -1;
	memset(buf, 1, MAINT_RANGE);
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, cx, d;
	bool clflush = __get_cpuid(1, &a, &b, &cx, &d) && (d & (1u << 19));
	bool leaf7 = __get_cpuid_count(7, 0, &a, &b, &cx, &d);

	ins[n++] = (struct ins){ "clflush", M_CLFLUSH, clflush };
	ins[n++] = (struct ins){ "clflushopt", M_CLFLUSHOPT,
				     leaf7 && (b & (1u << 23)) };
	ins[n++] = (struct ins){ "clwb", M_CLWB,
				     leaf7 && (b & (1u << 24)) };
#elif defined(__aarch64__)
	ins[n++] = (struct ins){ "dc civac", M_DC_CIVAC, true };
	ins[n++] = (struct ins){ "dc cvac", M_DC_CVAC, true };
#endif
	c->maint_range_dirty_ns = c->maint_range_clean_ns = -1;
	for (size_t i = 0; i < n; i++) {
		struct host_maint *m = &c->maint[c->nmaint++];
		double lines = (double)(MAINT_RANGE / LINE);

		m->insn = ins[i].name;
		m->have = ins[i].have;
		m->clean_ns = m->dirty_ns = -1;
		if (!m->have)
			continue;
		m->clean_ns = maint_range(ins[i].k, buf, false, reps) / lines;
		m->dirty_ns = maint_range(ins[i].k, buf, true, reps) / lines;
		if (c->maint_range_dirty_ns < 0) {
			c->maint_range_clean_ns = m->clean_ns * lines;
			c->maint_range_dirty_ns = m->dirty_ns * lines;
		}
	}
	free(buf);
	return 0;
}

/* ---- pinning and first-touch faults ---- */

static uint8_t *fresh(uint64_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void measure_pin(struct host_cal *c, uint64_t len, int reps)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct rlimit rl;
	double tf[5], tl[5], tr[5], tp[5];
	int nl = 0, np = 0;

	c->mlock_fresh_ns = c->mlock_resident_ns = -1;
	c->populate_ns = c->fault_ns = -1;
	if (!getrlimit(RLIMIT_MEMLOCK, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < len)
		len = rl.rlim_cur / page * page;
	for (int r = 0; r < reps; r++) {
		uint8_t *p = fresh(len);
		double t0;

		if (!p)
			continue;
		t0 = host_now_ns();	/* first touch: one fault per page */
		for (uint64_t o = 0; o < len; o += page)
			p[o] = 1;
		tf[r] = (host_now_ns() - t0) / (double)(len / page);
		munmap(p, len);
		if (len >= 16 * page && (p = fresh(len))) {
			t0 = host_now_ns();
			if (!mlock(p, len)) {
				tl[nl] = (host_now_ns() - t0) / (double)(len / page);
				munlock(p, len);
				t0 = host_now_ns();
				if (!mlock(p, len)) {
					tr[nl] = (host_now_ns() - t0) /
						 (double)(len / page);
					munlock(p, len);
					nl++;
				}
			} else {
				snprintf(c->pin_why, sizeof(c->pin_why),
					 "mlock of %llu bytes failed: %s",
					 (unsigned long long)len,
					 strerror(errno));
			}
			munmap(p, len);
		}
#ifdef MADV_POPULATE_WRITE
		if ((p = fresh(len))) {
			t0 = host_now_ns();
			if (!madvise(p, len, MADV_POPULATE_WRITE))
				tp[np++] = (host_now_ns() - t0) /
					   (double)(len / page);
			munmap(p, len);
		}
#endif
	}
	c->fault_ns = host_median(tf, (size_t)reps);
	if (len < 16 * page)
		snprintf(c->pin_why, sizeof(c->pin_why),
			 "RLIMIT_MEMLOCK allows only %llu bytes",
			 (unsigned long long)len);
	if (nl) {
		c->mlock_fresh_ns = host_median(tl, (size_t)nl);
		c->mlock_resident_ns = host_median(tr, (size_t)nl);
	}
	if (np)
		c->populate_ns = host_median(tp, (size_t)np);
}

/* ---- all of it ---- */

static const char *const steps[] = {
	"clock", "copy bandwidth", "load latency", "strided gather",
	"cache maintenance", "pinning and faults", "offloaded copy",
	"wake-up latency", "overlap experiment",
};

int host_steps(void)
{
	return (int)(sizeof(steps) / sizeof(steps[0]));
}

int host_measure(struct host_cal *c, bool quick, host_progress_fn progress,
		 void *ctx, char *why, size_t whylen)
{
	int k = 0, n = host_steps();

	memset(c, 0, sizeof(*c));
	c->quick = quick;
#define STEP() do { if (progress) progress(ctx, steps[k], k + 1, n); \
		    k++; } while (0)
	STEP();
	c->cpu_hz = measure_hz(quick);
	STEP();
	if (measure_copy(c, quick ? 8 * MiB : 256 * MiB))
		goto nomem;
	STEP();
	if (measure_latency(c, quick ? 8 * MiB : 128 * MiB,
			    quick ? 200000 : 2000000))
		goto nomem;
	find_levels(c);
	STEP();
	if (measure_stride(c, quick ? 1 * MiB : 16 * MiB))
		goto nomem;
	STEP();
	if (measure_maint(c, quick ? 3 : 9))
		goto nomem;
	STEP();
	measure_pin(c, quick ? 4 * MiB : 32 * MiB, quick ? 3 : 5);
	STEP();
	if (host_measure_offload(c, quick))
		goto nomem;
	STEP();
	host_measure_wakeup(c, quick);
	STEP();
	if (host_measure_overlap(c, quick))
		goto nomem;
#undef STEP
	return 0;
nomem:
	snprintf(why, whylen, "out of host memory (or threads) during the "
		 "'%s' measurement", steps[k - 1]);
	return -1;
}

/* ---- methods, recorded beside the figures ---- */

static const struct { const char *figure, *method; } methods[] = {
	{ "cpu_hz", "16 dependent integer additions per loop iteration "
	  "(one per cycle), median of 5 timed runs" },
	{ "copy", "memcpy between two 64-byte-aligned buffers of the size, "
	  "warmed, each trial at least 4 MiB moved, median of 5 trials; "
	  "bytes copied per second" },
	{ "latency", "pointer chase through a random cyclic permutation "
	  "(Sattolo) of 64-byte lines of the working set (up to 128 MiB), "
	  "warmed by as many loads as are timed, "
	  "median of 3; ns per load" },
	{ "levels", "plateaus of the latency curve: a new level where "
	  "latency rises over 40% from the previous size; size = largest "
	  "working set at that latency, ns = median of the plateau; the "
	  "last is main memory" },
	{ "stride", "4-byte elements read at the stride (every element once, "
	  "column by column), written in order, median of 3; ns per element" },
	{ "maint", "each line of a 256 KiB buffer maintained by the "
	  "instruction, then a fence (mfence; dsb ish), the lines first read "
	  "(clean) or written (dirty); median; ns per line" },
	{ "maint_range", "the whole 256 KiB range with the first instruction "
	  "the host has, fence included; ns" },
	{ "fault_ns", "first write to each page of a fresh anonymous mapping; "
	  "ns per page" },
	{ "mlock_fresh_ns", "mlock of a fresh anonymous mapping (faults the "
	  "pages in and pins them, as get_user_pages does); ns per page" },
	{ "mlock_resident_ns", "mlock of pages already resident; ns per page" },
	{ "populate_ns", "madvise(MADV_POPULATE_WRITE) on a fresh mapping; "
	  "ns per page" },
	{ "offload", "a worker thread woken by a condition variable copies "
	  "with memcpy: handoff = submit to the worker's start (median), "
	  "bps = bytes over submit-to-done, compute_kept = the submitter's "
	  "rate of dependent multiply-adds beside a streaming copy over its "
	  "rate alone" },
	{ "wakeup_ns", "eventfd ping-pong between two threads, half the "
	  "round trip, median" },
	{ "overlap", "16 blocks copied from a source region and each "
	  "processed (a dependent multiply-add per 8 bytes): serial = one "
	  "thread copies then processes; offload = a worker thread copies "
	  "block k+1 into the other of two buffers while block k is "
	  "processed; bytes per second, median of 3" },
	{ "process_ns_per_byte", "the overlap experiment's processing alone "
	  "on a cache-resident 64 KiB block, median of 5" },
};

const char *host_method(const char *figure)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(methods[i].figure, figure))
			return methods[i].method;
	return "";
}
