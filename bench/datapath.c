/*
 * datapath: how fast the simulator moves real bytes.
 *
 * One DMA channel in cycle-stealing mode (one bus grant, one event, per
 * burst) copies 1 GiB within simulated DRAM in 4 KiB bursts: 262144
 * bursts.  The channel is programmed through its registers as a driver
 * would; the destination is verified afterwards against the source.  The
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

#include "hw/bus.h"
#include "hw/dma.h"
#include "hw/memory.h"
#include "kernel/sim.h"

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

static void reg(struct bus *bus, unsigned off, uint64_t v, unsigned len)
{
	uint8_t b[8];

	for (unsigned i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	if (bus_xact_data(bus, DMA_BASE + off, b, len, true))
		die("register write refused");
}

static uint32_t reg_read(struct bus *bus, unsigned off)
{
	uint8_t b[4];

	if (bus_xact_data(bus, DMA_BASE + off, b, 4, false))
		die("register read refused");
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct dma_engine dma;
	uint64_t events;
};

/* One simulated copy of size bytes from 0 to dst: its host seconds. */
static double sim_copy(struct rig *r, uint64_t dst, uint64_t size)
{
	double t0 = now_s(), t;

	reg(&r->bus, DMA_REG_SRC_LO, 0, 8);
	reg(&r->bus, DMA_REG_DST_LO, dst, 8);
	reg(&r->bus, DMA_REG_LEN, size, 4);
	reg(&r->bus, DMA_REG_CTRL, DMA_CTRL_START, 4);
	r->events += sim_run(&r->sim, UINT64_MAX);
	t = now_s() - t0;
	if (reg_read(&r->bus, DMA_REG_STATUS) != DMA_STATUS_DONE)
		die("the DMA transfer failed");
	reg(&r->bus, DMA_REG_STATUS, DMA_STATUS_DONE, 4);
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
	struct bus_config bc = { .period = 1000, .arb = BUS_ARB_ROUND_ROBIN,
				 .width = 16 };
	struct memory_config mc = { .size = DRAM, .latency = 50000 };
	struct dma_config dc = { .channels = 1, .base = DMA_BASE,
				 .reg_latency = 5000, .burst = BURST,
				 .mode = BUS_MODE_CYCLE_STEAL };
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
	if (sim_init(&r->sim, 1) || bus_init(&r->bus, &r->sim, "bus", &bc) ||
	    memory_init(&r->mem, &r->sim, &r->bus, "dram", 0, &mc) ||
	    dma_engine_init(&r->dma, &r->sim, &r->bus, "dma", &dc))
		die("cannot build the machine");
	if (memory_write(&r->mem, 0, src, size))
		die("out of memory");

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
			memory_read(&r->mem, dst + off, piece, MiB);
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
	printf("datapath_bursts %llu   events %llu, simulated %.3f ms\n",
	       (unsigned long long)r->dma.chan[0].bursts_done,
	       (unsigned long long)r->events, (double)r->sim.now / 1e9);
	printf("datapath_sim_s %.4f   (rounds: %.4f %.4f %.4f)\n",
	       median3(sim_s), sim_s[0], sim_s[1], sim_s[2]);
	printf("datapath_memcpy_s %.4f   (rounds: %.4f %.4f %.4f)\n",
	       median3(cpy_s), cpy_s[0], cpy_s[1], cpy_s[2]);
	printf("datapath_ratio %.2f   (target <= 3)\n",
	       median3(sim_s) / median3(cpy_s));
	printf("datapath_warm_sim_s %.4f\n", median3(sim_w));
	printf("datapath_warm_memcpy_s %.4f\n", median3(cpy_w));
	printf("datapath_warm_ratio %.2f   (destinations already touched)\n",
	       median3(sim_w) / median3(cpy_w));

	dma_engine_fini(&r->dma);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
	free(r);
	free(src);
	free(piece);
	return 0;
}
