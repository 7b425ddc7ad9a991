/*
 * gpucheck: the GPU sanitizer.  It watches a GPU's ops (submitted,
 * started, done: gpu_hooks), the host CPU's stores and the driver's frees
 * of pinned memory, and reports the classic asynchronous-copy bugs of
 * CUDA programs (CUDA C Programming Guide, "Asynchronous Concurrent
 * Execution": an asynchronous copy's host buffer must not be touched, nor
 * pinned memory freed, until the copy completes; operations on different
 * streams are unordered unless an event orders them):
 *   HOST_WRITE_IN_FLIGHT     the CPU stored into host memory that a copy
 *                            submitted and not yet complete reads or writes
 *   PINNED_FREE_IN_FLIGHT    pinned memory freed (or unpinned) while a copy
 *                            that uses it is in flight
 *   KERNEL_READ_BEFORE_COPY  a kernel started reading device memory that a
 *                            copy submitted earlier (on another stream, with
 *                            no event between) had not finished writing
 * Each op is reported at most once per class.  It never changes what the
 * simulation does.
 */
#ifndef DMASIM_CHECK_GPUCHECK_H
#define DMASIM_CHECK_GPUCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/gpu.h"

#define GPUCHECK_CLASSES(X)                                                 \
	X(HOST_WRITE_IN_FLIGHT, "the host wrote a buffer that an "          \
	  "asynchronous copy still uses",                                   \
	  "synchronize the copy's stream (or an event recorded after it) "  \
	  "before reusing the buffer")                                      \
	X(PINNED_FREE_IN_FLIGHT, "pinned memory freed with a copy in "      \
	  "flight", "synchronize the stream before freeing or unpinning")   \
	X(KERNEL_READ_BEFORE_COPY, "a kernel read device memory before the "\
	  "copy that fills it completed", "record an event after the copy " \
	  "and make the kernel's stream wait for it")

enum gpucheck_class {
#define GPUCHECK_ENUM(name, what, fix) GPUCHECK_##name,
	GPUCHECK_CLASSES(GPUCHECK_ENUM)
#undef GPUCHECK_ENUM
	GPUCHECK_NCLASSES
};

const char *gpucheck_class_name(enum gpucheck_class c);
const char *gpucheck_class_what(enum gpucheck_class c);
const char *gpucheck_class_fix(enum gpucheck_class c);

struct gpucheck_report {
	enum gpucheck_class cls;
	uint64_t time;		/* ps */
	uint64_t addr, len;	/* the range touched (bytes) */
	uint64_t op_addr, op_len;	/* the in-flight copy's range there */
	unsigned stream;	/* the in-flight copy's stream */
};

struct gpucheck_live {
	struct gpu_op *op;
	uint32_t reported;	/* classes reported against it */
};

struct gpucheck {
	struct gpu *gpu;
	struct gpu_hooks hooks;
	struct gpucheck_live *live;	/* copies submitted, not done */
	unsigned nlive, caplive;
	struct gpucheck_report *reports;
	unsigned nreports, capreports;
	uint64_t counts[GPUCHECK_NCLASSES];
};

/* Watch g (sets g->hooks).  Returns 0. */
int gpucheck_init(struct gpucheck *c, struct gpu *g);
void gpucheck_fini(struct gpucheck *c);
/* The host CPU stored [addr, addr + len). */
void gpucheck_host_store(struct gpucheck *c, uint64_t addr, uint64_t len);
/* Pinned memory [addr, addr + len) is freed or unpinned. */
void gpucheck_host_free(struct gpucheck *c, uint64_t addr, uint64_t len);

#endif
