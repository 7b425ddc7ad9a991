/*
 * Fuzz target: descriptor chains and register programs written into
 * simulated memory.  The input is a register program for one channel
 * (source, destination, length, burst, control: block or chain mode, any
 * flags) followed by up to 64 KiB of memory that chains walk.  Whatever
 * the bytes, the engine must end the transfer as done or as a simulated
 * error within the simulated time given, with the bus and the event queue
 * consistent; a host crash, hang or sanitizer report is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/dma.h"
#include "hw/memory.h"
#include "kernel/sim.h"

#define MEM_SIZE (1u << 20)
#define DMA_BASE 0x40000000ull
#define AREA 0x1000ull			/* where the input's memory lands */
#define AREA_MAX (64u << 10)
#define RUN_PS (200ull * 1000 * 1000)	/* 200 us of simulated time */

static uint64_t take(const uint8_t **p, size_t *n, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static void reg(struct bus *bus, unsigned off, uint64_t v, unsigned len)
{
	uint8_t b[8];

	for (unsigned i = 0; i < len; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	(void)bus_xact_data(bus, DMA_BASE + off, b, len, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct dma_engine eng;
	struct bus_config bc = { .period = 1000, .arb = BUS_ARB_ROUND_ROBIN,
				 .width = 8 };
	struct memory_config mc = { .size = MEM_SIZE, .latency = 10000 };
	struct dma_config dc = { .channels = 2, .base = DMA_BASE,
				 .reg_latency = 5000, .burst = 256 };
	const uint8_t *p = data;
	size_t n = size;
	uint64_t mode = take(&p, &n, 1);
	uint64_t src = take(&p, &n, 4), dst = take(&p, &n, 4);
	uint64_t len = take(&p, &n, 4), burst = take(&p, &n, 2);
	uint64_t ctrl = take(&p, &n, 1);

	if (sim_init(&sim, 1))
		return 0;
	dc.mode = (enum bus_mode)(mode % 2);
	dc.count_bits = (unsigned)(mode >> 2) % 33;
	if (bus_init(&bus, &sim, "bus", &bc) ||
	    memory_init(&mem, &sim, &bus, "mem", 0, &mc) ||
	    dma_engine_init(&eng, &sim, &bus, "dma", &dc))
		abort();	/* a fixed, valid configuration */
	if (n > AREA_MAX)
		n = AREA_MAX;
	(void)memory_write(&mem, AREA, p, n);
	reg(&bus, DMA_REG_SRC_LO, src, 8);
	reg(&bus, DMA_REG_DST_LO, dst, 8);
	reg(&bus, DMA_REG_LEN, len, 4);
	reg(&bus, DMA_REG_BURST, burst, 4);
	if (mode & 2) {
		reg(&bus, DMA_REG_DESC_LO, AREA, 8);
		ctrl |= DMA_CTRL_CHAIN;
	}
	reg(&bus, DMA_REG_CTRL, ctrl | DMA_CTRL_START, 4);
	sim_run(&sim, RUN_PS);
	if (!bus_check(&bus) || !evq_check(&sim.q))
		abort();
	dma_engine_fini(&eng);
	memory_fini(&mem);
	bus_fini(&bus);
	sim_fini(&sim);
	return 0;
}
