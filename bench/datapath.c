/*
 * datapath: how fast the simulator moves real bytes.
 *
 * One DMA channel in cycle-stealing mode (one bus grant, one event, per
 * burst) copies 1 GiB within simulated DRAM in 4 KiB bursts: 262144
 * bursts.  A CPU programs the channel through its registers as a driver
 * would (the machine is built, run and read through the public API
 * alone); the destination is verified afterwards against the source.  The
 * host time of the simulation is compared with a plain memcpy() of 1 GiB
 * in the same process.
 *
 * Fairness: both copies write into memory the process has never touched.
 * The simulated destination is a range of the sparse DRAM never written
 * before, so its chunks are allocated as the DMA first writes them;
 * memcpy() copies into a freshly malloc'd buffer (a mapping of its own,
 * untouched), so both pay the page faults of first touch.  Both sources
 * were written beforehand (the simulated one through the memory's
 * backdoor, the host one by filling it); neither set-up nor verification
 * is timed.  First-touch faults are costly and noisy in a virtual
 * machine, so there are ROUNDS rounds, alternating which copy goes first,
 * each into fresh memory, and the medians are reported.  Each round then
 * repeats both copies into the destinations just touched ("warm"), which
 * isolates the simulator's own overhead from page faults.
 *
 * Usage: datapath [MiB]   (default 1024)
 * Prints datapath_sim_s, datapath_memcpy_s and datapath_ratio (sim /
 * memcpy, first touch), their warm counterparts, and what was simulated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmasim/dmasim.h"

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)
#define BURST 4096u
#define ROUNDS 3
#define DRAM (16 * GiB)
#define DMA_BASE 0x1000000000ull	/* above the DRAM */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "datapath: %s\n", what);
	exit(1);
}

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_memory *mem;
	struct dmasim_cpu *cpu;
	struct dmasim_dma *dma;
	struct dmasim_channel *ch;
	uint64_t dst, size;
	uint32_t status;
};

/* The driver: program the copy, wait for the channel, acknowledge. */
static void driver(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_program(p, r->cpu, r->ch, 0, r->dst,
					   (uint32_t)r->size, 0, false));
	DMASIM_AWAIT(p, dmasim_wait_channel(p, r->ch));
	DMASIM_AWAIT(p, dmasim_dma_read_status(p, r->cpu, r->ch));
	r->status = (uint32_t)dmasim_proc_result(p)->value;
	DMASIM_AWAIT(p, dmasim_dma_ack(p, r->cpu, r->ch, r->status));
	DMASIM_PROC_END(p);
}

/* One simulated copy of size bytes from 0 to dst: its host seconds. */
static double sim_copy(struct rig *r, uint64_t dst, uint64_t size)
{
	double t0 = now_s(), t;

	r->dst = dst;
	r->size = size;
	if (dmasim_spawn(r->sys, driver, r, NULL) ||
	    dmasim_sys_run(r->sys, UINT64_MAX))
		die(dmasim_sys_error(r->sys));
	t = now_s() - t0;
	if (r->status != DMASIM_DMA_DONE)
		die("the DMA transfer failed");
	return t;
}

static double host_copy(uint8_t *dst, const uint8_t *src, uint64_t size)
{
	double t0 = now_s();

	memcpy(dst, src, size);
	return now_s() - t0;
}

static double median3(const double *v)
{
	double a = v[0], b = v[1], c = v[2];

	if (a > b) { double t = a; a = b; b = t; }
	if (b > c) { double t = b; b = c; c = t; }
	if (a > b) { double t = a; a = b; b = t; }
	return b;
}

int main(int argc, char **argv)
{
	uint64_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 1024) * MiB;
	struct dmasim_bus_config bc;
	struct dmasim_memory_config mc;
	struct dmasim_dma_config dc;
	struct dmasim_channel_info info;
	struct rig *r = calloc(1, sizeof(*r));
	uint8_t *src, *piece;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	double sim_s[ROUNDS], cpy_s[ROUNDS], sim_w[ROUNDS], cpy_w[ROUNDS];

	if (!size || size > 2 * GiB || size % BURST)
		die("size: expected 1..2048 MiB, a multiple of 4 KiB");
	src = malloc(size);
	piece = malloc(MiB);
	if (!r || !src || !piece)
		die("out of memory");
	for (uint64_t i = 0; i < size; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(src + i, &x, 8);
	}
	dmasim_bus_config_init(&bc);
	bc.clock_hz = 1e9;
	bc.width = 16;
	dmasim_memory_config_init(&mc);
	mc.name = "dram";
	mc.size = DRAM;
	mc.latency = 50000;
	dmasim_dma_config_init(&dc);
	dc.name = "dma";
	dc.base = DMA_BASE;
	dc.reg_latency = 5000;
	dc.burst = BURST;
	dc.mode = DMASIM_MODE_CYCLE_STEALING;
	if (dmasim_sys_new(NULL, &r->sys) ||
	    dmasim_bus_new(r->sys, &bc, NULL) ||
	    dmasim_memory_new(r->sys, NULL, &mc, &r->mem) ||
	    dmasim_cpu_new(r->sys, NULL, NULL, &r->cpu) ||
	    dmasim_dma_new(r->sys, NULL, &dc, &r->dma))
		die(dmasim_sys_error(r->sys));
	r->ch = dmasim_dma_channel(r->dma, 0);
	if (dmasim_memory_write(r->mem, 0, src, size))
		die(dmasim_sys_error(r->sys));

	for (int k = 0; k < ROUNDS; k++) {
		uint64_t dst = (uint64_t)(k + 1) * 2 * GiB;	/* untouched */
		uint8_t *hdst = malloc(size);

		if (!hdst)
			die("out of memory");
		if (k % 2 == 0) {
			sim_s[k] = sim_copy(r, dst, size);
			cpy_s[k] = host_copy(hdst, src, size);
		} else {
			cpy_s[k] = host_copy(hdst, src, size);
			sim_s[k] = sim_copy(r, dst, size);
		}
		sim_w[k] = sim_copy(r, dst, size);
		cpy_w[k] = host_copy(hdst, src, size);
		for (uint64_t off = 0; off < size; off += MiB) {
			if (dmasim_memory_read(r->mem, dst + off, piece, MiB))
				die(dmasim_sys_error(r->sys));
			if (memcmp(piece, src + off, MiB))
				die("simulated destination differs from the "
				    "source");
		}
		if (memcmp(hdst, src, size))
			die("memcpy destination differs");
		free(hdst);
	}

	printf("datapath_bytes %llu   (one channel, cycle stealing, %u-byte "
	       "bursts; medians of %d rounds)\n", (unsigned long long)size,
	       BURST, ROUNDS);
	dmasim_channel_info(r->ch, &info);
	printf("datapath_bursts %llu   events %llu, simulated %.3f ms\n",
	       (unsigned long long)info.bursts,
	       (unsigned long long)dmasim_sys_events(r->sys),
	       (double)dmasim_sys_now(r->sys) / 1e9);
	printf("datapath_sim_s %.4f   (rounds: %.4f %.4f %.4f)\n",
	       median3(sim_s), sim_s[0], sim_s[1], sim_s[2]);
	printf("datapath_memcpy_s %.4f   (rounds: %.4f %.4f %.4f)\n",
	       median3(cpy_s), cpy_s[0], cpy_s[1], cpy_s[2]);
	printf("datapath_ratio %.2f   (target <= 2)\n",
	       median3(sim_s) / median3(cpy_s));
	printf("datapath_warm_sim_s %.4f\n", median3(sim_w));
	printf("datapath_warm_memcpy_s %.4f\n", median3(cpy_w));
	printf("datapath_warm_ratio %.2f   (destinations already touched)\n",
	       median3(sim_w) / median3(cpy_w));

	dmasim_sys_free(r->sys);
	free(r);
	free(src);
	free(piece);
	return 0;
}
