/*
 * gpu: a GPU as a DMA device: copy engines, a compute engine, streams and
 * events, in the shape of CUDA's execution model (CUDA C Programming
 * Guide, "Asynchronous Concurrent Execution": streams are in-order queues;
 * operations on different streams may overlap; events order streams).
 *
 * The GPU sits on two buses of its own:
 *   link    the device side of its host link: copy-engine transactions to
 *           host addresses go here and cross to the host through whatever
 *           joins this bus to the host's (a bridge standing for a PCIe
 *           link, or a PCIe endpoint's bus);
 *   fabric  the GPU's memory fabric, holding device memory (a hw/memory
 *           with real bytes) at [mem_base, mem_base + mem_size).
 * A copy engine moves a copy in pieces of `piece` bytes, `inflight`
 * pieces at a time (each piece: a read transaction on the source's bus,
 * then a write on the destination's bus), so host-to-device copies are
 * non-posted reads across the link and device-to-host copies posted
 * writes; a copy to the host ends with a 4-byte read of its destination,
 * which returns only after the posted writes ahead of it are done (PCIe
 * ordering), so the copy completes when its bytes are in host memory.  The compute engine runs one kernel at a time for the kernel's
 * own time; a kernel may transform device memory (its function runs on
 * the bytes when it ends).
 *
 * Streams and engines:
 *   - each stream is a FIFO; only its head op may run, and the next starts
 *     when the head completes (in order);
 *   - a COPY or KERNEL at a stream's head joins its engine's queue; an
 *     engine runs one op at a time, in the order they joined;
 *   - a RECORD at the head completes at once, completing its event's
 *     generation; a WAIT at the head completes once the event's recorded
 *     generation it names has completed.
 * Copy engines: with two, host-to-device copies use engine 0 and the rest
 * engine 1; with one, every copy uses engine 0.
 *
 * Op state machine (struct gpu_op):
 *   QUEUED --at its stream's head (stream_advance)--> READY (in an
 *   engine's queue) --engine free (engine_kick)--> RUNNING --last piece /
 *   kernel time (op_complete)--> DONE (freed by the owner's done callback)
 *   RECORD/WAIT: QUEUED --at the head, event ready--> DONE
 * Units: ps, bytes.
 */
#ifndef DMASIM_HW_GPU_H
#define DMASIM_HW_GPU_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "memory.h"
#include "xact.h"

#define GPU_MAX_CE 4
#define GPU_MAX_INFLIGHT 64
#define GPU_MAX_STREAMS 64

enum gpu_op_kind { GPU_OP_COPY, GPU_OP_KERNEL, GPU_OP_RECORD, GPU_OP_WAIT };
enum gpu_op_state { GPU_QUEUED, GPU_READY, GPU_RUNNING, GPU_DONE };

struct gpu;
struct gpu_op;
struct gpu_stream;

/* A kernel's work on device bytes: in (in_len bytes read) to out
 * (out_len bytes, written back); in and out may be the same buffer when
 * the ranges are. */
typedef void (*gpu_kernel_fn)(void *ctx, const uint8_t *in, uint64_t in_len,
			      uint8_t *out, uint64_t out_len);

struct gpu_event {
	uint64_t recorded;	/* generations recorded (RECORD ops queued) */
	uint64_t completed;	/* generations completed */
	uint64_t done_at;	/* ps: last completion */
	void (*notify)(void *ctx, struct gpu_event *ev);	/* optional */
	void *notify_ctx;
};

struct gpu_op {
	enum gpu_op_kind kind;
	enum gpu_op_state state;
	struct gpu_stream *st;
	/* COPY: bus addresses (device memory or host) */
	uint64_t src, dst, len;
	/* KERNEL: the device ranges it reads and writes, its time */
	uint64_t in, in_len, out, out_len;
	uint64_t ktime;		/* ps */
	gpu_kernel_fn fn;
	void *fn_ctx;
	/* RECORD / WAIT */
	struct gpu_event *ev;
	uint64_t gen;		/* the generation recorded / waited for */
	/* when it completes (optional; the owner frees the op there) */
	void (*done)(struct gpu_op *op);
	void *ctx;
	int status;		/* BUS_OK or a bus error of a piece */
	uint64_t submitted, started, ended;	/* ps */
	/* copy progress: bytes handed to pieces, bytes written */
	uint64_t issued, finished;
	unsigned pieces_out;	/* pieces in flight */
	struct gpu_op *next;	/* in its stream */
	struct gpu_op *enext;	/* in its engine's queue */
};

struct gpu_stream {
	struct gpu *gpu;
	unsigned id;
	struct gpu_op *head, *tail;
	uint64_t ops_done;
};

struct gpu_engine;

/* One piece in flight of a copy engine: a read, then a write. */
struct gpu_lane {
	struct gpu_engine *eng;
	struct bus_master link_m;	/* on the link bus */
	struct bus_master fab_m;	/* on the fabric bus */
	struct bus_master *cur;		/* the master carrying x */
	struct xact x;
	uint8_t *buf;			/* piece bytes */
	struct gpu_op *op;
	uint64_t off, len;		/* of the piece in the op */
	bool writing, busy;
	bool flushing;			/* the read that ends a copy to the
					 * host */
};

struct gpu_engine {
	struct gpu *gpu;
	char name[24];
	bool copy;			/* a copy engine, else compute */
	struct gpu_op *q_head, *q_tail;	/* ready ops, in arrival order */
	struct gpu_op *cur;		/* running */
	struct gpu_lane *lanes;		/* copy: cfg.inflight */
	uint64_t setup_at;		/* ps: the copy's set-up ends */
	/* statistics */
	uint64_t ops, bytes, busy_ps, last_start;
};

/* Observers (the GPU checker): all optional. */
struct gpu_hooks {
	void (*submit)(void *ctx, struct gpu_op *op);
	void (*start)(void *ctx, struct gpu_op *op);
	void (*done)(void *ctx, struct gpu_op *op);
	void *ctx;
};

struct gpu_config {
	unsigned copy_engines;	/* 1..GPU_MAX_CE */
	unsigned inflight;	/* pieces in flight per copy engine */
	uint32_t piece;		/* bytes per copy transaction */
	uint64_t ce_setup;	/* ps from a copy's start to its first piece */
	uint64_t launch;	/* ps of a kernel launch on the device */
	uint64_t mem_base, mem_size;	/* device memory, bytes */
};

struct gpu {
	struct gpu_config cfg;
	struct sim *sim;
	char name[24];
	struct bus *link, *fabric;
	struct memory *mem;		/* device memory, on the fabric */
	struct gpu_engine ce[GPU_MAX_CE];
	struct gpu_engine compute;
	struct gpu_stream *streams[GPU_MAX_STREAMS];
	unsigned nstreams;
	const struct gpu_hooks *hooks;
	uint64_t seq;
	/* statistics */
	uint64_t copies, kernels, copy_bytes, kernel_ps;
};

/* A GPU whose copy engines are masters on link and fabric, device memory
 * mem on fabric.  Returns 0, DMASIM_EINVAL (a bad count or piece) or
 * DMASIM_ENOMEM. */
int gpu_init(struct gpu *g, struct sim *sim, const char *name,
	     struct bus *link, struct bus *fabric, struct memory *mem,
	     const struct gpu_config *cfg);
void gpu_fini(struct gpu *g);

/* A new stream (the caller owns s, zeroed).  Returns 0 or DMASIM_ERANGE
 * (too many). */
int gpu_stream_init(struct gpu *g, struct gpu_stream *s);

/* Queue op (kind and its fields set; the caller owns it until op->done)
 * at the tail of s.  A RECORD takes its event's next generation; a WAIT
 * waits for the event's last recorded generation (none recorded: it
 * passes at once). */
void gpu_submit(struct gpu_stream *s, struct gpu_op *op);

/* Whether [addr, addr + len) lies in device memory. */
bool gpu_is_device(const struct gpu *g, uint64_t addr, uint64_t len);

/* Invariant checker. */
bool gpu_check(const struct gpu *g);

#endif
