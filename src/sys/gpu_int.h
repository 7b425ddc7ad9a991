/*
 * gpu_int: what sys/gpu.c (the GPU, its link, streams and events) and
 * sys/gpudrv.c (the host driver's calls) share.
 */
#ifndef DMASIM_SYS_GPU_INT_H
#define DMASIM_SYS_GPU_INT_H

#include "check/gpucheck.h"
#include "hw/gpu.h"
#include "os/gpupin.h"
#include "process.h"
#include "sys.h"

#define GPU_MAX_BOUNCE 16

struct gpu_call;

struct dmasim_gpu {
	struct gpu g;
	struct dmasim_sys *sys;
	struct dmasim_gpu_config cfg;
	char name[SYS_NAME_MAX];
	struct dmasim_bus *host, *link, *fabric;
	struct dmasim_bridge *br;
	struct dmasim_memory *mem;
	struct dmasim_cpu *cpu;
	struct gpucheck chk;
	struct gpupin pin;
	uint64_t heap;			/* next free device address */
	double link_rate;		/* bytes/s of the link's data path */
	/* staging: one pageable copy at a time holds the buffers */
	struct dmasim_completion *stage_lock;
	struct dmasim_completion *slot_c[GPU_MAX_BOUNCE];
	bool slot_pending[GPU_MAX_BOUNCE];
	unsigned next_slot;
	struct dmasim_gpu_info info;	/* counters (the rest is read live) */
	struct dmasim_gpu *next;	/* the system's GPUs */
	struct gpu_call *calls;		/* driver calls in progress (gpudrv.c) */
};

struct dmasim_stream {
	struct gpu_stream s;
	struct dmasim_gpu *g;
	struct dmasim_event *sync_ev;	/* recorded by stream_sync */
};

struct dmasim_event {
	struct gpu_event ev;
	struct dmasim_gpu *g;
	struct signal sig;		/* woken when every record is done */
};

/* An op the system allocates; freed when it completes. */
struct sys_gpu_op {
	struct gpu_op op;
	struct dmasim_gpu *g;
	struct dmasim_kernel k;
	int slot;			/* a staging buffer to free, or -1 */
};

/* A new op of kind on s's GPU (NULL when out of memory). */
struct sys_gpu_op *sys_gpu_op_new(struct dmasim_gpu *g, enum gpu_op_kind kind);
/* Free the driver calls still in progress (the system is freed). */
void sys_gpu_calls_free(struct dmasim_gpu *g);
/* CPU cycles of ps on the driver's CPU (rounded up). */
uint64_t sys_gpu_cycles(const struct dmasim_gpu *g, uint64_t ps);

#endif
