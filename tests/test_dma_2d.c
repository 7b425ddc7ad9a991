/*
 * /hw/dma_2d: 2-D strided descriptors (src/hw/dma.h), driven as a driver
 * drives them: descriptors written into memory, the chain started by
 * register writes, the result read back from memory.
 *
 * The machine: a 1 GHz bus (one cycle = 1000 ps) with 8-byte beats and no
 * arbitration latency; one DRAM of 1 MiB at 0 with 10 ns latency, so a
 * memory transaction of n bytes costs 10 + ceil(n / 8) cycles; one
 * engine of two channels: channel 0 in burst mode, channel 1 in cycle
 * stealing (its own bus master each), descriptors costing no processing
 * or fence cycles.  A 2-D descriptor is two fetches of 32 bytes (14
 * cycles each) and one status write-back of 4 (11 cycles).
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/dma.h"
#include "hw/iodev.h"
#include "hw/memory.h"
#include "testutil.h"

#define NS 1000ull
#define MEM_SIZE (1024ull * 1024)
#define DMA_BASE 0x40000000ull
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct dma_engine dma;
	unsigned irqs;
};

static void count_irq(void *ctx, unsigned line)
{
	struct rig *r = ctx;

	(void)line;
	r->irqs++;
}

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct bus_config bc = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				 .arb_latency = 0, .width = 8 };
	struct memory_config mc = { .size = MEM_SIZE, .latency = 10 * NS };
	struct dma_config dc = { .channels = 2, .base = DMA_BASE,
				 .reg_latency = 5 * NS, .burst = 256,
				 .mode = BUS_MODE_BURST };

	assert_non_null(r);
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(dma_engine_init(&r->dma, &r->sim, &r->bus, "dma", &dc),
			 0);
	r->dma.chan[1].port.mode = BUS_MODE_CYCLE_STEAL;
	r->dma.irq.raise = count_irq;
	r->dma.irq.ctx = r;
	return r;
}

static void rig_free(struct rig *r)
{
	assert_true(bus_check(&r->bus));
	assert_true(evq_check(&r->sim.q));
	dma_engine_fini(&r->dma);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
	free(r);
}

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void wr(struct rig *r, unsigned ch, unsigned reg, uint64_t v, int n)
{
	uint8_t b[8];

	le(b, v, n);
	assert_int_equal(bus_xact_data(&r->bus, DMA_BASE + ch * DMA_CH_STRIDE +
				       reg, b, (uint64_t)n, true), BUS_OK);
}

static uint32_t rd(struct rig *r, unsigned ch, unsigned reg)
{
	uint8_t b[4];

	assert_int_equal(bus_xact_data(&r->bus, DMA_BASE + ch * DMA_CH_STRIDE +
				       reg, b, 4, false), BUS_OK);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static void start(struct rig *r, unsigned ch, uint64_t desc)
{
	wr(r, ch, DMA_REG_DESC_LO, desc, 8);
	wr(r, ch, DMA_REG_CTRL, DMA_CTRL_CHAIN | DMA_CTRL_IRQ_EN |
	   DMA_CTRL_START, 4);
	sim_run(&r->sim, UINT64_MAX);
}

struct geom {
	uint32_t rows, frames;
	uint32_t sstride, dstride, sfstride, dfstride;
};

/* A descriptor at `at`: 2-D (64 bytes) when g is given, else 32. */
static void put_desc(struct rig *r, uint64_t at, uint64_t src, uint64_t dst,
		     uint32_t len, uint32_t flags, uint64_t next,
		     const struct geom *g)
{
	uint8_t d[DMA_DESC2D_SIZE] = { 0 };

	le(d + DMA_DESC_SRC, src, 8);
	le(d + DMA_DESC_DST, dst, 8);
	le(d + DMA_DESC_LEN, len, 4);
	le(d + DMA_DESC_CTRL, flags | (g ? DMA_DESC_2D : 0), 4);
	le(d + DMA_DESC_NEXT, next, 8);
	if (g) {
		le(d + DMA_DESC_ROWS, g->rows, 4);
		le(d + DMA_DESC_FRAMES, g->frames, 4);
		le(d + DMA_DESC_SRC_STRIDE, g->sstride, 4);
		le(d + DMA_DESC_DST_STRIDE, g->dstride, 4);
		le(d + DMA_DESC_SRC_FSTRIDE, g->sfstride, 4);
		le(d + DMA_DESC_DST_FSTRIDE, g->dfstride, 4);
	}
	assert_int_equal(memory_write(&r->mem, at, d, g ? DMA_DESC2D_SIZE :
				      DMA_DESC_SIZE), 0);
}

static uint32_t desc_ctrl(struct rig *r, uint64_t at)
{
	uint8_t b[4];

	memory_read(&r->mem, at + DMA_DESC_CTRL, b, 4);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Fill [at, at + n) with bytes (k * 7 + seed) mod 256. */
static void fill(struct rig *r, uint64_t at, uint64_t n, unsigned seed)
{
	uint8_t *b = malloc(n);

	assert_non_null(b);
	for (uint64_t k = 0; k < n; k++)
		b[k] = (uint8_t)(k * 7 + seed);
	assert_int_equal(memory_write(&r->mem, at, b, n), 0);
	free(b);
}

static uint8_t byte_at(struct rig *r, uint64_t at)
{
	uint8_t b;

	memory_read(&r->mem, at, &b, 1);
	return b;
}

/*
 * A 4 x 4 matrix of 4-byte elements transposed in one descriptor: chunk
 * = one element (LEN 4), a frame = one source row (ROWS 4, source stride
 * 4, destination stride 16: down a column), 4 frames (source frame
 * stride 16: the next row; destination 4: the next column).  Element
 * (i, j) at 0x10000 + 16 i + 4 j lands at 0x20000 + 16 j + 4 i, and the
 * guard bytes around the destination keep their pattern.  Time, by
 * hand: fetches 14 + 14, 16 chunks of a read and a write of 4 bytes,
 * 16 * 2 * (10 + 1) = 352, the write-back 11: 391 cycles.  In burst
 * mode the data is one grant (4 in all); cycle stealing grants each
 * chunk on its own (2 + 16 + 1 = 19).
 */
static void transpose_4x4(void **state)
{
	static const struct geom g = { .rows = 4, .frames = 4, .sstride = 4,
				       .dstride = 16, .sfstride = 16,
				       .dfstride = 4 };

	(void)state;
	for (unsigned ch = 0; ch < 2; ch++) {
		struct rig *r = rig_new();
		struct dma_chan *c = &r->dma.chan[ch];

		fill(r, 0x10000, 64, 1);
		fill(r, 0x20000 - 32, 128, 99);		/* guards and dst */
		put_desc(r, 0x1000, 0x10000, 0x20000, 4, 0, 0, &g);
		start(r, ch, 0x1000);
		assert_int_equal(rd(r, ch, DMA_REG_STATUS), DMA_STATUS_DONE);
		for (unsigned i = 0; i < 4; i++)
			for (unsigned j = 0; j < 4; j++)
				for (unsigned b = 0; b < 4; b++)
					assert_int_equal(
						byte_at(r, 0x20000 + 16 * j +
							4 * i + b),
						byte_at(r, 0x10000 + 16 * i +
							4 * j + b));
		for (unsigned k = 0; k < 32; k++) {
			assert_int_equal(byte_at(r, 0x20000 - 32 + k),
					 (uint8_t)(k * 7 + 99));
			assert_int_equal(byte_at(r, 0x20040 + k),
					 (uint8_t)((k + 96) * 7 + 99));
		}
		assert_int_equal(c->done_at - c->started_at, 391 * NS);
		assert_int_equal(c->bursts_done, 16);
		assert_int_equal(c->bytes, 64);
		assert_int_equal(c->desc_fetches, 2);
		assert_int_equal(c->port.grants, ch ? 19 : 4);
		assert_int_equal(bus_busy_cycles(&r->bus), 391);
		assert_int_equal(desc_ctrl(r, 0x1000),
				 DMA_DESC_2D | DMA_DESC_DONE);
		assert_int_equal(r->irqs, 1);
		rig_free(r);
	}
}

/*
 * Chunks longer than a burst, gaps on both sides: 2 frames of 3 chunks
 * of 100 bytes, BURST 64; the source chunks 128 apart and its frames
 * 1024 apart, the destination packed (strides 100 and 300).  Each chunk
 * is two bursts, never one across chunks: 64 bytes (2 * (10 + 8) = 36
 * cycles) and 36 (2 * (10 + 5) = 30): 12 bursts, 6 * 66 = 396 cycles of
 * data.  The source's gaps are never read into the destination, which
 * holds exactly the six chunks in order, with nothing written past it.
 */
static void chunks_with_gaps(void **state)
{
	static const struct geom g = { .rows = 3, .frames = 2,
				       .sstride = 128, .dstride = 100,
				       .sfstride = 1024, .dfstride = 300 };
	struct rig *r = rig_new();
	struct dma_chan *c = &r->dma.chan[0];

	(void)state;
	fill(r, 0x10000, 2048, 3);
	fill(r, 0x20000, 700, 200);
	put_desc(r, 0x1000, 0x10000, 0x20000, 100, 0, 0, &g);
	wr(r, 0, DMA_REG_BURST, 64, 4);
	start(r, 0, 0x1000);
	assert_int_equal(rd(r, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	for (unsigned f = 0; f < 2; f++)
		for (unsigned k = 0; k < 3; k++)
			for (unsigned b = 0; b < 100; b++)
				assert_int_equal(
					byte_at(r, 0x20000 + 300 * f + 100 * k +
						b),
					byte_at(r, 0x10000 + 1024 * f +
						128 * k + b));
	for (unsigned k = 600; k < 700; k++)
		assert_int_equal(byte_at(r, 0x20000 + k),
				 (uint8_t)(k * 7 + 200));
	assert_int_equal(c->bursts_done, 12);
	assert_int_equal(c->bytes, 600);
	assert_int_equal(c->done_at - c->started_at,
			 (14 + 14 + 396 + 11) * NS);
	rig_free(r);
}

/*
 * A chain of a contiguous descriptor, a 2-D one and a contiguous one:
 * each kind keeps its own layout (the 2-D one 64 bytes, its NEXT in the
 * first half) and the channel goes back to contiguous addressing after
 * it.  Fetches: 1 + 2 + 1.
 */
static void mixed_chain(void **state)
{
	static const struct geom g = { .rows = 2, .frames = 1, .sstride = 32,
				       .dstride = 8 };
	struct rig *r = rig_new();
	struct dma_chan *c = &r->dma.chan[0];

	(void)state;
	fill(r, 0x10000, 256, 5);
	fill(r, 0x20000, 256, 77);
	put_desc(r, 0x1000, 0x10000, 0x20000, 16, 0, 0x1020, NULL);
	put_desc(r, 0x1020, 0x10040, 0x20010, 8, 0, 0x1080, &g);
	put_desc(r, 0x1080, 0x10080, 0x20020, 16, 0, 0, NULL);
	start(r, 0, 0x1000);
	assert_int_equal(rd(r, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	for (unsigned b = 0; b < 16; b++) {
		assert_int_equal(byte_at(r, 0x20000 + b),
				 byte_at(r, 0x10000 + b));
		assert_int_equal(byte_at(r, 0x20020 + b),
				 byte_at(r, 0x10080 + b));
	}
	for (unsigned b = 0; b < 8; b++) {
		assert_int_equal(byte_at(r, 0x20010 + b),
				 byte_at(r, 0x10040 + b));
		assert_int_equal(byte_at(r, 0x20018 + b),
				 byte_at(r, 0x10060 + b));
	}
	assert_int_equal(byte_at(r, 0x20030), (uint8_t)(0x30 * 7 + 77));
	assert_int_equal(c->desc_fetches, 4);
	assert_int_equal(c->transfers, 3);
	assert_int_equal(desc_ctrl(r, 0x1020), DMA_DESC_2D | DMA_DESC_DONE);
	rig_free(r);
}

/*
 * Malformed 2-D descriptors end the channel with a simulated error, the
 * descriptor's ERROR flag written back, nothing moved, and the engine
 * ready for the next doorbell:
 *  - ROWS 0, FRAMES 0, or LEN * ROWS * FRAMES = 2^32 (one past LEN's
 *    reach): BADDESC at the descriptor;
 *  - a destination whose frames run past the memory: RANGE at DST;
 *  - strides whose extent passes 2^64 from the source: RANGE at SRC;
 *  - its second half outside every target (a descriptor in the last 32
 *    bytes of memory): DESC at the descriptor.
 */
static void malformed(void **state)
{
	struct {
		uint64_t at, src, dst;
		uint32_t len;
		struct geom g;
		unsigned code;
		uint64_t addr;	/* ERR_ADDR; 0: the descriptor's */
	} cases[] = {
		{ 0x1000, 0x10000, 0x20000, 4, { .rows = 0, .frames = 1 },
		  DMA_ERR_BADDESC, 0 },
		{ 0x1000, 0x10000, 0x20000, 4, { .rows = 1, .frames = 0 },
		  DMA_ERR_BADDESC, 0 },
		{ 0x1000, 0x10000, 0x20000, 65536,
		  { .rows = 256, .frames = 256 }, DMA_ERR_BADDESC, 0 },
		{ 0x1000, 0x10000, 0x20000, 4,
		  { .rows = 2, .frames = 3, .sstride = 4, .dstride = 4,
		    .sfstride = 8, .dfstride = 0x80000 }, DMA_ERR_RANGE,
		  0x20000 },
		{ 0x1000, 0xffffffff00000000ull, 0x20000, 4,
		  { .rows = 0xffffffff, .frames = 1, .sstride = 0xffffffff,
		    .dstride = 0 }, DMA_ERR_BADDESC, 0 },
		{ 0x1000, 0xfffffffffff00000ull, 0x20000, 1,
		  { .rows = 4096, .frames = 4096, .sstride = 0x10000,
		    .sfstride = 0x10000000 }, DMA_ERR_RANGE,
		  0xfffffffffff00000ull },
		{ MEM_SIZE - 32, 0x10000, 0x20000, 4,
		  { .rows = 1, .frames = 1 }, DMA_ERR_DESC, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig *r = rig_new();
		struct dma_chan *c = &r->dma.chan[0];
		uint64_t at = cases[i].at;
		uint32_t st;

		fill(r, 0x20000, 64, 42);
		if (at + DMA_DESC2D_SIZE <= MEM_SIZE) {
			put_desc(r, at, cases[i].src, cases[i].dst,
				 cases[i].len, 0, 0, &cases[i].g);
		} else {
			uint8_t d[DMA_DESC_SIZE] = { 0 };

			le(d + DMA_DESC_SRC, cases[i].src, 8);
			le(d + DMA_DESC_DST, cases[i].dst, 8);
			le(d + DMA_DESC_LEN, cases[i].len, 4);
			le(d + DMA_DESC_CTRL, DMA_DESC_2D, 4);
			assert_int_equal(memory_write(&r->mem, at, d,
						      sizeof(d)), 0);
		}
		start(r, 0, at);
		st = rd(r, 0, DMA_REG_STATUS);
		assert_true(st & DMA_STATUS_ERROR);
		assert_int_equal(DMA_STATUS_CODE(st), cases[i].code);
		assert_int_equal(rd(r, 0, DMA_REG_ERR_ADDR_LO) |
				 (uint64_t)rd(r, 0, DMA_REG_ERR_ADDR_HI) << 32,
				 cases[i].addr ? cases[i].addr : at);
		assert_int_equal(desc_ctrl(r, at), DMA_DESC_2D | DMA_DESC_ERROR);
		assert_int_equal(c->bytes, 0);
		assert_int_equal(byte_at(r, 0x20000), 42);
		assert_int_equal(r->irqs, 1);
		/* the next doorbell runs a good one */
		put_desc(r, 0x3000, 0x10000, 0x20000, 8, 0, 0,
			 &(struct geom){ .rows = 1, .frames = 1 });
		start(r, 0, 0x3000);
		assert_int_equal(rd(r, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
		assert_int_equal(c->bytes, 8);
		rig_free(r);
	}
}

/*
 * A device's FIFO (a fixed source: its strides ignored) into a frame in
 * memory: 2 frames of 4 lines of 16 bytes, lines 64 bytes apart, frames
 * 512 apart, as a camera writes lines into a larger image.  The stream's
 * bytes land line by line in order, the gaps untouched; the device is
 * paced (a byte per 10 ns), so in burst mode the channel holds the bus
 * across its waits: one grant for the data, ending when the last byte is
 * produced (1280 ns) plus that chunk's burst (device 30 + 2 beats, memory
 * 10 + 2: 44 cycles).
 */
static void device_into_frame(void **state)
{
	static const struct geom g = { .rows = 4, .frames = 2,
				       .dstride = 64, .dfstride = 512 };
	struct iodev_config dcfg = { .size = 128, .rate = 100e6,
				     .buffer = 64, .latency = 30 * NS,
				     .seed = 3 };
	struct rig *r = rig_new();
	struct dma_chan *c = &r->dma.chan[0];
	struct iodev dev;
	uint64_t k = 0;

	(void)state;
	assert_int_equal(iodev_init(&dev, &r->sim, &r->bus, "cam",
				    0x50000000, &dcfg), 0);
	fill(r, 0x20000, 1024, 9);
	put_desc(r, 0x1000, 0x50000000, 0x20000, 16, DMA_DESC_SRC_FIXED, 0,
		 &g);
	start(r, 0, 0x1000);
	assert_int_equal(rd(r, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	for (unsigned f = 0; f < 2; f++)
		for (unsigned l = 0; l < 4; l++)
			for (unsigned b = 0; b < 16; b++, k++)
				assert_int_equal(byte_at(r, 0x20000 + 512 * f +
							 64 * l + b),
						 iodev_pattern(&dev, k));
	assert_int_equal(byte_at(r, 0x20000 + 16), (uint8_t)(16 * 7 + 9));
	assert_int_equal(byte_at(r, 0x20000 + 3 * 64 + 16),
			 (uint8_t)((3 * 64 + 16) * 7 + 9));
	assert_int_equal(c->bytes, 128);
	assert_int_equal(c->bursts_done, 8);
	assert_int_equal(c->port.grants, 4);	/* 2 fetches, data, status */
	assert_int_equal(c->done_at, (1280 + 44 + 11) * NS);
	iodev_fini(&dev);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/dma_2d/transpose_4x4", transpose_4x4),
		TEST("/hw/dma_2d/chunks_with_gaps", chunks_with_gaps),
		TEST("/hw/dma_2d/mixed_chain", mixed_chain),
		TEST("/hw/dma_2d/malformed", malformed),
		TEST("/hw/dma_2d/device_into_frame", device_into_frame),
	};

	return cmocka_run_group_tests_name("/hw/dma_2d", tests, NULL, NULL);
}
