/*
 * /hw/dma_d2d: one device's output feeding another device's input through
 * a DMA channel, both addresses fixed at the devices' data registers (the
 * FIFOs), so every burst is a read of the input device and a write of the
 * output device with no memory in between.
 *
 * The machine: a 1 GHz bus (one cycle = 1000 ps) with 8-byte beats and no
 * arbitration latency, no memory on the data path; a DMA engine of one
 * channel, 64-byte bursts, registers programmed untimed at time 0.  Both
 * devices' registers answer in 30 ns, so a 64-byte burst is a read of
 * 30 + 8 and a write of 30 + 8 cycles: 76.  The input device A produces
 * 4 KiB; the output device B takes 4 KiB; their rates and buffers vary
 * by case.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/dma.h"
#include "hw/iodev.h"
#include "hw/memory.h"
#include "testutil.h"

#define NS 1000ull
#define DMA_BASE 0x40000000ull
#define A_BASE 0x50000000ull
#define B_BASE 0x50001000ull
#define SIZE 4096u
#define BURST_CYCLES 76ull
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct dma_engine dma;
	struct iodev a, b;
};

static struct rig *rig_new(enum bus_mode mode, double rate_a, uint64_t buf_a,
			   double rate_b, uint64_t buf_b)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct bus_config bc = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				 .arb_latency = 0, .width = 8 };
	struct memory_config mc = { .size = 1 << 20, .latency = 10 * NS };
	struct dma_config dc = { .channels = 1, .base = DMA_BASE,
				 .reg_latency = 5 * NS, .burst = 64,
				 .mode = mode };
	struct iodev_config ca = { .size = SIZE, .rate = rate_a,
				   .buffer = buf_a, .latency = 30 * NS,
				   .seed = 5 };
	struct iodev_config cb = { .output = true, .size = SIZE,
				   .rate = rate_b, .buffer = buf_b,
				   .latency = 30 * NS };

	assert_non_null(r);
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(dma_engine_init(&r->dma, &r->sim, &r->bus, "dma", &dc),
			 0);
	assert_int_equal(iodev_init(&r->a, &r->sim, &r->bus, "a", A_BASE, &ca),
			 0);
	assert_int_equal(iodev_init(&r->b, &r->sim, &r->bus, "b", B_BASE, &cb),
			 0);
	return r;
}

static void rig_free(struct rig *r)
{
	assert_true(bus_check(&r->bus));
	assert_true(evq_check(&r->sim.q));
	iodev_fini(&r->a);
	iodev_fini(&r->b);
	dma_engine_fini(&r->dma);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
	free(r);
}

static void wr(struct rig *r, unsigned reg, uint64_t v, unsigned n)
{
	uint8_t b[8];

	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	assert_int_equal(bus_xact_data(&r->bus, DMA_BASE + reg, b, n, true),
			 BUS_OK);
}

/* A to B, len bytes, both fixed, extra CTRL bits; run to the end. */
static void pipe(struct rig *r, uint32_t len, uint32_t ctrl)
{
	wr(r, DMA_REG_SRC_LO, A_BASE + IODEV_DATA, 8);
	wr(r, DMA_REG_DST_LO, B_BASE + IODEV_DATA, 8);
	wr(r, DMA_REG_LEN, len, 4);
	wr(r, DMA_REG_CTRL, DMA_CTRL_SRC_FIXED | DMA_CTRL_DST_FIXED | ctrl |
	   DMA_CTRL_START, 4);
	sim_run(&r->sim, UINT64_MAX);
}

/* B received exactly A's pattern, all of it, with nothing lost. */
static void expect_delivered(struct rig *r)
{
	for (uint64_t k = 0; k < SIZE; k++)
		assert_int_equal(r->b.received[k], iodev_pattern(&r->a, k));
	assert_int_equal(r->a.moved, SIZE);
	assert_int_equal(r->b.moved, SIZE);
	assert_int_equal(r->a.underruns + r->b.overruns, 0);
	assert_int_equal(r->dma.chan[0].bytes, SIZE);
	assert_int_equal(r->dma.chan[0].bursts_done, SIZE / 64);
	/* nothing went through memory */
	assert_int_equal(r->mem.bytes_read + r->mem.bytes_written, 0);
}

/*
 * The output device is the slower (A: 100 MB/s, 256-byte buffer; B:
 * 50 MB/s, 512-byte buffer).  The first burst waits for A's first 64
 * bytes (640 ns) and lands in B at 640 + 76 = 716 ns, when B starts
 * consuming, a byte per 20 ns.  From then on B's buffer sets the pace:
 * the last burst needs room for its 64 bytes, i.e. B to have taken
 * 4096 - 512 bytes, at 716 + 3584 * 20 = 72396 ns, and ends 76 cycles
 * later: 72472 ns.  The same in cycle stealing (a grant per burst) and
 * in block mode (the bus held while the devices make the channel wait:
 * one grant for the data).
 */
static void output_paced(void **state)
{
	static const enum bus_mode modes[] = { BUS_MODE_CYCLE_STEAL,
					       BUS_MODE_BURST };

	(void)state;
	for (int m = 0; m < 2; m++) {
		struct rig *r = rig_new(modes[m], 100e6, 256, 50e6, 512);

		pipe(r, SIZE, 0);
		assert_int_equal(r->dma.chan[0].status, DMA_STATUS_DONE);
		expect_delivered(r);
		assert_int_equal(r->dma.chan[0].done_at,
				 (640 + BURST_CYCLES + 3584 * 20 +
				  BURST_CYCLES) * NS);
		assert_int_equal(r->dma.chan[0].port.grants,
				 modes[m] == BUS_MODE_BURST ? 1 : SIZE / 64);
		rig_free(r);
	}
}

/*
 * The input device is the slower (A: 10 MB/s, a byte per 100 ns; B:
 * 100 MB/s): each burst waits for A's next 64 bytes, the last at
 * 4096 * 100 = 409600 ns, done 76 cycles later.
 */
static void input_paced(void **state)
{
	struct rig *r = rig_new(BUS_MODE_CYCLE_STEAL, 10e6, 256, 100e6, 512);

	(void)state;
	pipe(r, SIZE, 0);
	assert_int_equal(r->dma.chan[0].status, DMA_STATUS_DONE);
	expect_delivered(r);
	assert_int_equal(r->dma.chan[0].done_at,
			 (4096 * 100 + BURST_CYCLES) * NS);
	rig_free(r);
}

/*
 * Buffers smaller than a burst: pieces of at most the smaller buffer
 * (A 32 bytes, B 48): each burst of 64 moves as pieces of 32, each
 * counted, the bytes still exact.
 */
static void small_buffers(void **state)
{
	struct rig *r = rig_new(BUS_MODE_CYCLE_STEAL, 0, 32, 0, 48);

	(void)state;
	pipe(r, SIZE, 0);
	assert_int_equal(r->dma.chan[0].status, DMA_STATUS_DONE);
	for (uint64_t k = 0; k < SIZE; k++)
		assert_int_equal(r->b.received[k], iodev_pattern(&r->a, k));
	assert_int_equal(r->dma.chan[0].bursts_done, SIZE / 32);
	rig_free(r);
}

/*
 * Errors: fly-by needs a memory on one side, so two devices end with
 * FLYBY and nothing moved; a transfer longer than the output device
 * takes ends with SHORT at B's data register once B is full, A's bytes
 * before it delivered.
 */
static void errors(void **state)
{
	struct rig *r = rig_new(BUS_MODE_CYCLE_STEAL, 0, 4096, 0, 4096);

	(void)state;
	pipe(r, SIZE, DMA_CTRL_FLYBY);
	assert_int_equal(DMA_STATUS_CODE(r->dma.chan[0].status),
			 DMA_ERR_FLYBY);
	assert_int_equal(r->a.moved + r->b.moved, 0);
	rig_free(r);

	r = rig_new(BUS_MODE_CYCLE_STEAL, 0, 4096, 0, 4096);
	r->b.cfg.size = SIZE / 2;	/* B takes 2 KiB in all */
	pipe(r, SIZE, 0);
	assert_int_equal(DMA_STATUS_CODE(r->dma.chan[0].status),
			 DMA_ERR_SHORT);
	assert_int_equal(r->dma.chan[0].err_addr, B_BASE + IODEV_DATA);
	assert_int_equal(r->b.moved, SIZE / 2);
	for (uint64_t k = 0; k < SIZE / 2; k++)
		assert_int_equal(r->b.received[k], iodev_pattern(&r->a, k));
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/dma_d2d/output_paced", output_paced),
		TEST("/hw/dma_d2d/input_paced", input_paced),
		TEST("/hw/dma_d2d/small_buffers", small_buffers),
		TEST("/hw/dma_d2d/errors", errors),
	};

	return cmocka_run_group_tests_name("/hw/dma_d2d", tests, NULL, NULL);
}
