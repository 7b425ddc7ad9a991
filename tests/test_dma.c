/*
 * /hw/dma: the DMA engine driven only as a driver drives it, through its
 * registers (untimed bus accesses with bus_xact_data(), or CPU operations)
 * and descriptors in memory.  Cases follow Linux's dmatest (random copies
 * with guard patterns, every byte outside the destination checked) and
 * DPDK's dmadev autotest (single copy, chains of every length, nothing
 * before the doorbell, failures injected mid-chain, completions counted).
 *
 * The machine: a 1 GHz bus (one cycle = 1000 ps) with 8-byte beats and no
 * arbitration latency; DRAM "mem" of 16 MiB at 0 and "mem1" of 1 MiB at
 * 4 GiB, both with 10 ns latency (10 cycles); DMA registers cost 5 ns.  A
 * memory transaction of n bytes costs 10 + ceil(n / 8) cycles, so a
 * 256-byte burst (a read and a write) costs 2 * (10 + 32) = 84 cycles.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cpu.h"
#include "hw/dma.h"
#include "hw/iodev.h"
#include "hw/memory.h"
#include "kernel/rng.h"
#include "testutil.h"

#define NS 1000ull
#define KiB 1024ull
#define MiB (1024ull * KiB)
#define MEM_SIZE (16 * MiB)
#define MEM1_BASE 0x100000000ull
#define MEM1_SIZE MiB
#define DMA_BASE 0x40000000ull
#define DEV_BASE 0x50000000ull
#define HOLE 0x30000000ull		/* no target answers here */
#define NENG 3
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

/* 256-byte bursts between the memories: 2 * (10 + 256 / 8) cycles */
#define UNIT256 84

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem, mem1;
	/* engine k at DMA_BASE + k * 0x1000, one per transfer mode */
	struct dma_engine dma[NENG];
	unsigned irqs[64];		/* raises per line */
	uint64_t irq_at[64];		/* ps of the last raise */
	struct cpu cpu;
	bool has_cpu;
	struct iodev dev;
	bool has_dev;
};

static const enum bus_mode eng_mode[NENG] = {
	BUS_MODE_BURST, BUS_MODE_CYCLE_STEAL, BUS_MODE_TRANSPARENT
};

static void count_irq(void *ctx, unsigned line)
{
	struct rig *r = ctx;

	r->irqs[line]++;
	r->irq_at[line] = r->sim.now;
}

static void cpu_irq(void *ctx, unsigned line)
{
	struct rig *r = ctx;

	count_irq(ctx, line);
	cpu_raise_irq(&r->cpu, line);
}

/* A rig; with_cpu attaches a CPU first (bus id 0) and routes the
 * engines' interrupts to it. */
static struct rig *rig_new(bool with_cpu)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct bus_config bc = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				 .arb_latency = 0, .width = 8 };
	struct memory_config mc = { .size = MEM_SIZE, .latency = 10 * NS };
	struct memory_config mc1 = { .size = MEM1_SIZE, .latency = 10 * NS };

	assert_non_null(r);
	assert_int_equal(sim_init(&r->sim, 7), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(memory_init(&r->mem1, &r->sim, &r->bus, "mem1",
				     MEM1_BASE, &mc1), 0);
	if (with_cpu) {
		/* 1 GHz, CPI 1; interrupt entry and exit 10 cycles each */
		struct cpu_config cc = { .period = NS, .cpi = 1, .word = 8,
					 .pio_loop = 2, .irq_entry = 10,
					 .irq_exit = 10 };

		assert_int_equal(cpu_init(&r->cpu, &r->sim, &r->bus, "cpu",
					  &cc, BUS_MODE_BURST, 0), 0);
		r->has_cpu = true;
	}
	for (unsigned k = 0; k < NENG; k++) {
		struct dma_config dc = { .channels = 2,
					 .base = DMA_BASE + k * 0x1000,
					 .reg_latency = 5 * NS, .burst = 256,
					 .mode = eng_mode[k] };
		char name[8] = { 'd', 'm', 'a', (char)('0' + k), 0 };

		assert_int_equal(dma_engine_init(&r->dma[k], &r->sim, &r->bus,
						 name, &dc), 0);
		r->dma[k].irq.raise = with_cpu ? cpu_irq : count_irq;
		r->dma[k].irq.ctx = r;
		r->dma[k].irq.line = 8 * k;	/* channel i: line 8k + i */
	}
	return r;
}

static void rig_dev(struct rig *r, const struct iodev_config *cfg)
{
	assert_int_equal(iodev_init(&r->dev, &r->sim, &r->bus, "dev",
				    DEV_BASE, cfg), 0);
	r->has_dev = true;
}

static void rig_free(struct rig *r)
{
	assert_true(bus_check(&r->bus));
	assert_true(evq_check(&r->sim.q));
	for (unsigned k = 0; k < NENG; k++)
		dma_engine_fini(&r->dma[k]);
	if (r->has_dev)
		iodev_fini(&r->dev);
	memory_fini(&r->mem);
	memory_fini(&r->mem1);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
	free(r);
}

static void run(struct rig *r)
{
	sim_run(&r->sim, UINT64_MAX);
}

static void nop_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	(void)ev;
}

/* Run until absolute time t (ps), with an event there so time gets
 * there even when nothing else is queued. */
static void run_until(struct rig *r, uint64_t t)
{
	assert_non_null(sim_at(&r->sim, t, PHASE_LATE, nop_event, NULL, NULL,
			       0));
	sim_run(&r->sim, t);
}

/* ---- registers, untimed, the way a driver sees them ---- */

static uint64_t reg_addr(unsigned eng, unsigned ch, unsigned reg)
{
	return DMA_BASE + eng * 0x1000 + ch * DMA_CH_STRIDE + reg;
}

static void wr32(struct rig *r, unsigned eng, unsigned ch, unsigned reg,
		 uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	assert_int_equal(bus_xact_data(&r->bus, reg_addr(eng, ch, reg), b, 4,
				       true), BUS_OK);
}

static uint32_t rd32(struct rig *r, unsigned eng, unsigned ch, unsigned reg)
{
	uint8_t b[4];

	assert_int_equal(bus_xact_data(&r->bus, reg_addr(eng, ch, reg), b, 4,
				       false), BUS_OK);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A LO/HI pair in one aligned 64-bit access. */
static void wr64(struct rig *r, unsigned eng, unsigned ch, unsigned reg,
		 uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	assert_int_equal(bus_xact_data(&r->bus, reg_addr(eng, ch, reg), b, 8,
				       true), BUS_OK);
}

static uint64_t err_addr(struct rig *r, unsigned eng, unsigned ch)
{
	return rd32(r, eng, ch, DMA_REG_ERR_ADDR_LO) |
	       (uint64_t)rd32(r, eng, ch, DMA_REG_ERR_ADDR_HI) << 32;
}

/* Program one transfer; ring the doorbell when ctrl has START. */
static void program(struct rig *r, unsigned eng, unsigned ch, uint64_t src,
		    uint64_t dst, uint32_t len, uint32_t burst, uint32_t ctrl)
{
	wr64(r, eng, ch, DMA_REG_SRC_LO, src);
	wr64(r, eng, ch, DMA_REG_DST_LO, dst);
	wr32(r, eng, ch, DMA_REG_LEN, len);
	wr32(r, eng, ch, DMA_REG_BURST, burst);
	wr32(r, eng, ch, DMA_REG_CTRL, ctrl);
}

static void start_chain(struct rig *r, unsigned eng, unsigned ch,
			uint64_t desc, uint32_t ctrl)
{
	wr64(r, eng, ch, DMA_REG_DESC_LO, desc);
	wr32(r, eng, ch, DMA_REG_CTRL, ctrl | DMA_CTRL_CHAIN | DMA_CTRL_START);
}

/* ---- memory set-up (backdoor) ---- */

static void put(struct rig *r, uint64_t addr, const void *p, uint64_t n)
{
	uint64_t off;
	struct bus_target *t = bus_route(&r->bus, addr, n, &off);

	assert_non_null(memory_of(t));
	assert_int_equal(memory_write(memory_of(t), off, p, n), 0);
}

static void get(struct rig *r, uint64_t addr, void *p, uint64_t n)
{
	uint64_t off;
	struct bus_target *t = bus_route(&r->bus, addr, n, &off);

	assert_non_null(memory_of(t));
	memory_read(memory_of(t), off, p, n);
}

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void put_desc(struct rig *r, uint64_t at, uint64_t src, uint64_t dst,
		     uint32_t len, uint32_t flags, uint64_t next)
{
	uint8_t d[DMA_DESC_SIZE];

	le(d + DMA_DESC_SRC, src, 8);
	le(d + DMA_DESC_DST, dst, 8);
	le(d + DMA_DESC_LEN, len, 4);
	le(d + DMA_DESC_CTRL, flags, 4);
	le(d + DMA_DESC_NEXT, next, 8);
	put(r, at, d, sizeof(d));
}

static uint32_t desc_ctrl(struct rig *r, uint64_t at)
{
	uint8_t b[4];

	get(r, at + DMA_DESC_CTRL, b, 4);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static void randomize(struct rng *g, uint8_t *p, uint64_t n)
{
	uint64_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x = rng_next(g);

		memcpy(p + i, &x, 8);
	}
	for (; i < n; i++)
		p[i] = (uint8_t)rng_next(g);
}

/* Fill [addr, addr + n) with seeded random bytes; keep a copy in out. */
static void put_random(struct rig *r, struct rng *g, uint64_t addr,
		       uint8_t *out, uint64_t n)
{
	randomize(g, out, n);
	put(r, addr, out, n);
}

static void expect_bytes(struct rig *r, uint64_t addr, const uint8_t *want,
			 uint64_t n, const char *what)
{
	uint8_t *got = malloc(n ? n : 1);

	assert_non_null(got);
	get(r, addr, got, n);
	for (uint64_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			uint8_t g = got[i];

			free(got);
			fail_msg("%s: byte %llu at %#llx is %#x, want %#x",
				 what, (unsigned long long)i,
				 (unsigned long long)(addr + i), g, want[i]);
		}
	free(got);
}

static struct dma_chan *chan(struct rig *r, unsigned eng, unsigned ch)
{
	return &r->dma[eng].chan[ch];
}

/* ---- DPDK dmadev style ---- */

/*
 * One 4 KiB copy in burst mode with 256-byte bursts: 16 bursts of 84
 * cycles = 1344 cycles, in one tenure from t=0.  STATUS reads DONE,
 * RESIDUE 0, DONE_COUNT 1; one interrupt, one completion signal; the
 * bytes either side of the destination are untouched.
 */
static void single_copy(void **state)
{
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t src[4096], guard[4098];

	(void)state;
	rng_seed(&g, 1, "single_copy");
	put_random(r, &g, 0x1000, src, sizeof(src));
	put_random(r, &g, 0x10000 - 1, guard, sizeof(guard));
	program(r, 0, 0, 0x1000, 0x10000, 4096, 256,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_BUSY);
	run(r);
	expect_bytes(r, 0x10000, src, sizeof(src), "destination");
	memcpy(guard + 1, src, sizeof(src));
	expect_bytes(r, 0x10000 - 1, guard, sizeof(guard), "guards");
	assert_int_equal(chan(r, 0, 0)->done_at, 16 * UNIT256 * NS);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_RESIDUE), 0);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_DONE_COUNT), 1);
	assert_int_equal(r->irqs[0], 1);
	assert_int_equal(r->irq_at[0], 1344 * NS);
	assert_int_equal(chan(r, 0, 0)->done.notified, 1);
	assert_int_equal(chan(r, 0, 0)->bursts_done, 16);
	assert_int_equal(bus_busy_cycles(&r->bus), 1344);
	/* memory counts the channel's 16 reads and 16 writes */
	assert_int_equal(r->mem.reads, 16);
	assert_int_equal(r->mem.bytes_read, 4096);
	assert_int_equal(r->mem.writes, 16);
	assert_int_equal(r->mem.bytes_written, 4096);
	/* STATUS is write-1-to-clear */
	wr32(r, 0, 0, DMA_REG_STATUS, DMA_STATUS_DONE);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), 0);
	assert_int_equal(r->dma[0].guest_errors, 0);
	rig_free(r);
}

/*
 * Chains of every length 1..16: each descriptor moves one segment
 * between scattered buffers; descriptors lie in memory out of order and
 * are found through NEXT.  Every descriptor gets DONE written back with
 * its other flag bits kept, DONE_COUNT and the fetch count grow by the
 * chain's length, and the chain completes with one interrupt and one
 * signal.
 */
static void chain_every_length(void **state)
{
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t *want = malloc(64 * KiB);
	uint32_t done0 = 0;

	(void)state;
	assert_non_null(want);
	rng_seed(&g, 1, "chain");
	for (unsigned n = 1; n <= 16; n++) {
		uint64_t desc[16], dst[16];
		uint32_t len[16], flags[16];

		/* descriptors at 0x200000 + 96 * (15 - i): reverse order */
		for (unsigned i = 0; i < n; i++) {
			desc[i] = 0x200000 + 96 * (15 - i);
			len[i] = 1 + (uint32_t)rng_below(&g, 3000);
			dst[i] = 0x400000 + 4096 * i + rng_below(&g, 64);
			/* a reserved bit (7) is carried through writeback */
			flags[i] = i % 3 == 1 ? 1u << 7 : 0;
		}
		for (unsigned i = 0; i < n; i++) {
			uint64_t src = 0x100000 + 4096 * i + rng_below(&g, 64);

			put_random(r, &g, src, want + 4096 * i, len[i]);
			put_desc(r, desc[i], src, dst[i], len[i], flags[i],
				 i + 1 < n ? desc[i + 1] : 0);
		}
		start_chain(r, 1, 0, desc[0], DMA_CTRL_IRQ_EN);
		run(r);
		for (unsigned i = 0; i < n; i++) {
			expect_bytes(r, dst[i], want + 4096 * i, len[i],
				     "segment");
			assert_int_equal(desc_ctrl(r, desc[i]),
					 flags[i] | DMA_DESC_DONE);
		}
		done0 += n;
		assert_int_equal(rd32(r, 1, 0, DMA_REG_STATUS),
				 DMA_STATUS_DONE);
		assert_int_equal(rd32(r, 1, 0, DMA_REG_DONE_COUNT), done0);
		assert_int_equal(chan(r, 1, 0)->desc_fetches, done0);
		assert_int_equal(chan(r, 1, 0)->done.notified, n);
		assert_int_equal(r->irqs[8], n);
	}
	assert_int_equal(r->dma[1].guest_errors, 0);
	free(want);
	rig_free(r);
}

/*
 * A chain of three: 256, 100 and 513 bytes.  Per descriptor a fetch
 * (10 + 32 / 8 = 14 cycles) and a status writeback (10 + 1 = 11); the
 * data: 256 B = 84; 100 B = 2 * (10 + 13) = 46; 513 B = two bursts of 84
 * and one byte at 2 * (10 + 1) = 22, so 190.  3 * 14 + 84 + 46 + 190 +
 * 3 * 11 = 395 cycles.
 */
static void chain_timing(void **state)
{
	struct rig *r = rig_new(false);

	(void)state;
	put_desc(r, 0x1000, 0x10000, 0x20000, 256, 0, 0x1040);
	put_desc(r, 0x1040, 0x10000, 0x20000, 100, 0, 0x1080);
	put_desc(r, 0x1080, 0x10000, 0x20000, 513, 0, 0);
	start_chain(r, 0, 1, 0x1000, DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(chan(r, 0, 1)->done_at, 395 * NS);
	assert_int_equal(r->irqs[1], 1);
	assert_int_equal(bus_busy_cycles(&r->bus), 395);
	rig_free(r);
}

/*
 * Per-descriptor interrupts: DESC_IRQ on the first and third of four
 * raises the line as each of them is written back, and the channel's
 * completion raises it once more; the completion signal still fires
 * once.
 */
static void chain_desc_irq(void **state)
{
	struct rig *r = rig_new(false);

	(void)state;
	put_desc(r, 0x1000, 0x10000, 0x20000, 64, DMA_DESC_IRQ, 0x1020);
	put_desc(r, 0x1020, 0x10000, 0x20100, 64, 0, 0x1040);
	put_desc(r, 0x1040, 0x10000, 0x20200, 64, DMA_DESC_IRQ, 0x1060);
	put_desc(r, 0x1060, 0x10000, 0x20300, 64, 0, 0);
	start_chain(r, 0, 0, 0x1000, DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(r->irqs[0], 3);
	assert_int_equal(chan(r, 0, 0)->done.notified, 1);
	/* without IRQ_EN only the descriptors' own interrupts */
	start_chain(r, 0, 0, 0x1000, 0);
	run(r);
	assert_int_equal(r->irqs[0], 3 + 2);
	assert_int_equal(chan(r, 0, 0)->done.notified, 2);
	rig_free(r);
}

/*
 * Registers programmed, no START: a millisecond passes with the
 * destination unchanged, no bus grant, no descriptor fetched, STATUS 0,
 * no interrupt.  Then the doorbell moves the data.
 */
static void nothing_before_doorbell(void **state)
{
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t src[1000], dst[1000];

	(void)state;
	rng_seed(&g, 1, "doorbell");
	put_random(r, &g, 0x1000, src, sizeof(src));
	put_random(r, &g, 0x8000, dst, sizeof(dst));
	put_desc(r, 0x3000, 0x1000, 0x9000, 100, 0, 0);
	program(r, 0, 0, 0x1000, 0x8000, sizeof(src), 256, DMA_CTRL_IRQ_EN);
	wr64(r, 0, 1, DMA_REG_DESC_LO, 0x3000);
	wr32(r, 0, 1, DMA_REG_CTRL, DMA_CTRL_CHAIN | DMA_CTRL_IRQ_EN);
	run_until(r, 1000000 * NS);
	expect_bytes(r, 0x8000, dst, sizeof(dst), "destination before START");
	assert_int_equal(bus_grants(&r->bus), 0);
	assert_int_equal(chan(r, 0, 1)->desc_fetches, 0);
	assert_int_equal(desc_ctrl(r, 0x3000), 0);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), 0);
	assert_int_equal(rd32(r, 0, 1, DMA_REG_STATUS), 0);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_DONE_COUNT), 0);
	assert_int_equal(r->irqs[0] + r->irqs[1], 0);
	assert_int_equal(chan(r, 0, 0)->done.notified, 0);
	/* the registers read back as written */
	assert_int_equal(rd32(r, 0, 0, DMA_REG_LEN), sizeof(src));
	assert_int_equal(rd32(r, 0, 0, DMA_REG_CTRL), DMA_CTRL_IRQ_EN);
	wr32(r, 0, 0, DMA_REG_CTRL, DMA_CTRL_IRQ_EN | DMA_CTRL_START);
	run(r);
	expect_bytes(r, 0x8000, src, sizeof(src), "destination after START");
	assert_int_equal(r->irqs[0], 1);
	assert_int_equal(chan(r, 0, 1)->desc_fetches, 0);
	/* START does not stick in CTRL */
	assert_int_equal(rd32(r, 0, 0, DMA_REG_CTRL), DMA_CTRL_IRQ_EN);
	rig_free(r);
}

/*
 * Five descriptors, the third with a source no target answers.  The
 * first two complete (DONE written back, DONE_COUNT 2); the third and
 * those after do not (their destinations and flags untouched); STATUS
 * reads ERROR with code SRC and ERR_ADDR the bad address; one interrupt,
 * one signal.  The channel then takes a new doorbell.
 */
static void error_mid_chain(void **state)
{
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t seg[5][500], guard[5][500];
	uint64_t bad = HOLE + 0x123;
	uint32_t st;

	(void)state;
	rng_seed(&g, 1, "mid_chain");
	for (unsigned i = 0; i < 5; i++) {
		uint64_t src = i == 2 ? bad : 0x10000 + 0x1000 * i;

		if (i != 2)
			put_random(r, &g, src, seg[i], 500);
		put_random(r, &g, 0x80000 + 0x1000 * i, guard[i], 500);
		put_desc(r, 0x2000 + 32 * i, src, 0x80000 + 0x1000 * i, 500,
			 0, i < 4 ? 0x2000 + 32 * (i + 1) : 0);
	}
	start_chain(r, 2, 1, 0x2000, DMA_CTRL_IRQ_EN);
	run(r);
	for (unsigned i = 0; i < 2; i++) {
		expect_bytes(r, 0x80000 + 0x1000 * i, seg[i], 500, "done");
		assert_int_equal(desc_ctrl(r, 0x2000 + 32 * i), DMA_DESC_DONE);
	}
	for (unsigned i = 2; i < 5; i++) {
		expect_bytes(r, 0x80000 + 0x1000 * i, guard[i], 500,
			     "not done");
		assert_false(desc_ctrl(r, 0x2000 + 32 * i) & DMA_DESC_DONE);
	}
	assert_int_equal(desc_ctrl(r, 0x2000 + 32 * 2), DMA_DESC_ERROR);
	assert_int_equal(desc_ctrl(r, 0x2000 + 32 * 3), 0);
	assert_int_equal(desc_ctrl(r, 0x2000 + 32 * 4), 0);
	st = rd32(r, 2, 1, DMA_REG_STATUS);
	assert_int_equal(st & (DMA_STATUS_BUSY | DMA_STATUS_DONE |
			       DMA_STATUS_ERROR), DMA_STATUS_ERROR);
	/* the bad source is caught when the descriptor is checked */
	assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_RANGE);
	assert_int_equal(err_addr(r, 2, 1), bad);
	assert_int_equal(rd32(r, 2, 1, DMA_REG_ERR_DESC_LO), 0x2000 + 32 * 2);
	assert_int_equal(rd32(r, 2, 1, DMA_REG_DONE_COUNT), 2);
	assert_int_equal(rd32(r, 2, 1, DMA_REG_RESIDUE), 500);
	assert_int_equal(chan(r, 2, 1)->errors, 1);
	/* Each good descriptor: fetch 14, 256 + 244 bytes = 84 +
	 * 2 * (10 + 31) = 166, writeback 11: 191.  The third: fetch 14, its
	 * source fails at once, ERROR written back 11.  2 * 191 + 25 = 407. */
	assert_int_equal(chan(r, 2, 1)->done_at, 407 * NS);
	assert_int_equal(chan(r, 2, 1)->done.notified, 1);
	assert_int_equal(r->irqs[17], 1);
	assert_string_equal(dma_error_string(DMA_STATUS_CODE(st)),
			    "a descriptor's buffer runs past the end of its target");
	/* clearing ERROR clears the code; a good transfer then runs */
	wr32(r, 2, 1, DMA_REG_STATUS, DMA_STATUS_ERROR);
	assert_int_equal(rd32(r, 2, 1, DMA_REG_STATUS), 0);
	program(r, 2, 1, 0x10000, 0x90000, 500, 256,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	run(r);
	expect_bytes(r, 0x90000, seg[0], 500, "after the error");
	assert_int_equal(rd32(r, 2, 1, DMA_REG_STATUS), DMA_STATUS_DONE);
	assert_int_equal(r->irqs[17], 2);
	assert_int_equal(r->dma[2].guest_errors, 0);
	rig_free(r);
}

/*
 * A destination with no target above 4 GiB: ERR_ADDR's high half holds
 * bits 63..32; the code is DST; nothing is written anywhere.
 */
static void error_dst_high(void **state)
{
	struct rig *r = rig_new(false);
	uint64_t bad = 0x700000040ull;
	uint32_t st;

	(void)state;
	program(r, 0, 0, 0x1000, bad, 100, 256,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	run(r);
	st = rd32(r, 0, 0, DMA_REG_STATUS);
	assert_int_equal(st & 0xff, DMA_STATUS_ERROR);
	assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_DST);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_ERR_ADDR_LO), 0x40);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_ERR_ADDR_HI), 7);
	assert_int_equal(r->mem.chunks + r->mem1.chunks, 0);
	assert_int_equal(r->irqs[0], 1);
	rig_free(r);
}

/*
 * A transfer that runs off the end of memory: 4 bursts of 256 fit in the
 * last KiB and arrive; the fifth would start at the end (16 MiB), which
 * is the error address; RESIDUE says 3072 bytes were not moved.  In
 * burst mode the tenure covers exactly the 4 bursts: 4 * 84 cycles.
 */
static void runs_off_memory(void **state)
{
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t src[4096];

	(void)state;
	rng_seed(&g, 1, "off_end");
	put_random(r, &g, 0x1000, src, sizeof(src));
	program(r, 0, 0, 0x1000, MEM_SIZE - 1024, 4096, 256,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	run(r);
	expect_bytes(r, MEM_SIZE - 1024, src, 1024, "the part that fits");
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 0, DMA_REG_STATUS)),
			 DMA_ERR_DST);
	assert_int_equal(err_addr(r, 0, 0), MEM_SIZE);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_RESIDUE), 3072);
	assert_int_equal(chan(r, 0, 0)->done_at, 4 * UNIT256 * NS);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_DONE_COUNT), 0);
	rig_free(r);
}

/*
 * Completion is signalled exactly once per doorbell, whatever the
 * outcome: good copies, zero lengths, bad addresses and chains, in turn.
 */
static void completion_once(void **state)
{
	struct rig *r = rig_new(false);

	(void)state;
	put_desc(r, 0x3000, 0x1000, 0x5000, 64, 0, 0x3020);
	put_desc(r, 0x3020, 0x1000, 0x5100, 64, 0, 0);
	for (unsigned k = 0; k < 12; k++) {
		unsigned eng = k % NENG;

		switch (k % 4) {
		case 0:
			program(r, eng, 0, 0x1000, 0x2000, 300, 64,
				DMA_CTRL_START | DMA_CTRL_IRQ_EN);
			break;
		case 1:
			program(r, eng, 0, 0x1000, 0x2000, 0, 64,
				DMA_CTRL_START | DMA_CTRL_IRQ_EN);
			break;
		case 2:
			program(r, eng, 0, HOLE, 0x2000, 300, 64,
				DMA_CTRL_START | DMA_CTRL_IRQ_EN);
			break;
		case 3:
			start_chain(r, eng, 0, 0x3000, DMA_CTRL_IRQ_EN);
			break;
		}
		run(r);
		assert_int_equal(chan(r, eng, 0)->done.notified, k / NENG + 1);
		assert_int_equal(r->irqs[8 * eng], k / NENG + 1);
		assert_false(rd32(r, eng, 0, DMA_REG_STATUS) & DMA_STATUS_BUSY);
	}
	rig_free(r);
}

/*
 * A doorbell (and any CTRL write) while the channel is busy is ignored and
 * counted as a guest error: the running transfer keeps its parameters
 * (burst size included) and its interrupt; the second one never runs.
 * Cycle stealing, memory to mem1: 16 bursts of 84 cycles, done at 1344.
 */
static void doorbell_while_busy(void **state)
{
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t a[4096], b[8192], bdst[8192];

	(void)state;
	rng_seed(&g, 1, "busy");
	put_random(r, &g, 0x10000, a, sizeof(a));
	put_random(r, &g, 0x20000, b, sizeof(b));
	put_random(r, &g, MEM1_BASE + 0x8000, bdst, sizeof(bdst));
	program(r, 1, 0, 0x10000, MEM1_BASE + 0x3000, 4096, 256,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	run_until(r, 500 * NS);
	assert_int_equal(rd32(r, 1, 0, DMA_REG_STATUS), DMA_STATUS_BUSY);
	/* a second transfer with bigger bursts, rung while busy, without
	 * IRQ_EN */
	program(r, 1, 0, 0x20000, MEM1_BASE + 0x8000, 8192, 8192,
		DMA_CTRL_START);
	assert_int_equal(r->dma[1].guest_errors, 1);
	run(r);
	expect_bytes(r, MEM1_BASE + 0x3000, a, sizeof(a), "first transfer");
	expect_bytes(r, MEM1_BASE + 0x8000, bdst, sizeof(bdst),
		     "ignored transfer");
	assert_int_equal(chan(r, 1, 0)->done_at, 16 * UNIT256 * NS);
	assert_int_equal(chan(r, 1, 0)->bursts_done, 16);
	assert_int_equal(chan(r, 1, 0)->done.notified, 1);
	assert_int_equal(r->irqs[8], 1);
	assert_int_equal(rd32(r, 1, 0, DMA_REG_DONE_COUNT), 1);
	/* the new values are there for the next doorbell */
	assert_int_equal(rd32(r, 1, 0, DMA_REG_BURST), 8192);
	wr32(r, 1, 0, DMA_REG_CTRL, DMA_CTRL_START);
	run(r);
	expect_bytes(r, MEM1_BASE + 0x8000, b, sizeof(b), "second doorbell");
	assert_int_equal(chan(r, 1, 0)->bursts_done, 16 + 1);
	assert_int_equal(r->dma[1].guest_errors, 1);
	rig_free(r);
}

/*
 * Unknown offsets, read-only registers, odd widths and misalignment are
 * guest errors (counted, the access ignored or refused), never aborts;
 * the registers keep their values.
 */
static void unknown_registers(void **state)
{
	struct rig *r = rig_new(false);
	struct dma_engine *e = &r->dma[0];
	uint8_t b[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint64_t errs = 0;

	(void)state;
	program(r, 0, 0, 0x1122334455667788ull, 0x99, 7, 64, 0);
	/* ERR_DESC (0x38, 0x3c) reads 0 with no error; writing it, a
	 * read-only register, is ignored and counted */
	assert_int_equal(rd32(r, 0, 0, 0x38), 0);
	assert_int_equal(rd32(r, 0, 1, 0x3c), 0);
	assert_int_equal(e->guest_errors, errs);
	wr32(r, 0, 0, 0x38, 0xdeadbeef);
	errs += 1;
	assert_int_equal(e->guest_errors, errs);
	assert_int_equal(rd32(r, 0, 0, 0x38), 0);
	/* read-only registers */
	wr32(r, 0, 0, DMA_REG_RESIDUE, 5);
	wr32(r, 0, 0, DMA_REG_DONE_COUNT, 5);
	wr32(r, 0, 0, DMA_REG_ERR_ADDR_LO, 5);
	wr32(r, 0, 0, DMA_REG_ERR_ADDR_HI, 5);
	errs += 4;
	assert_int_equal(e->guest_errors, errs);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_DONE_COUNT), 0);
	assert_int_equal(err_addr(r, 0, 0), 0);
	/* widths other than 4 and 8, and misaligned accesses, are refused */
	assert_int_equal(bus_xact_data(&r->bus, reg_addr(0, 0, DMA_REG_LEN),
				       b, 2, true), BUS_ERR_SLAVE);
	assert_int_equal(bus_xact_data(&r->bus, reg_addr(0, 0, DMA_REG_LEN),
				       b, 1, false), BUS_ERR_SLAVE);
	assert_int_equal(bus_xact_data(&r->bus,
				       reg_addr(0, 0, DMA_REG_LEN) + 1, b, 4,
				       true), BUS_ERR_SLAVE);
	assert_int_equal(bus_xact_data(&r->bus, reg_addr(0, 0, DMA_REG_SRC_LO),
				       b, 16, false), BUS_ERR_SLAVE);
	errs += 4;
	assert_int_equal(e->guest_errors, errs);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_LEN), 7);
	/* a 64-bit read covers the LO/HI pair */
	assert_int_equal(bus_xact_data(&r->bus, reg_addr(0, 0, DMA_REG_SRC_LO),
				       b, 8, false), BUS_OK);
	assert_int_equal(b[0], 0x88);
	assert_int_equal(b[7], 0x11);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_SRC_HI), 0x11223344);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_BURST), 64);
	/* past the last channel's window: nothing answers (bus decode) */
	assert_int_equal(bus_xact_data(&r->bus, reg_addr(0, 2, 0), b, 4,
				       false), BUS_ERR_DECODE);
	assert_int_equal(e->guest_errors, errs);
	/* nothing ran */
	assert_int_equal(bus_grants(&r->bus), 0);
	assert_int_equal(r->irqs[0], 0);
	rig_free(r);
}

/*
 * Malformed transfers are reported errors: a zero length (BADDESC, no
 * address), a zero burst size (BADDESC), a zero-length descriptor
 * (BADDESC at the descriptor's address).  Each completes once with an
 * interrupt.
 */
static void zero_length(void **state)
{
	struct rig *r = rig_new(false);
	uint32_t st;

	(void)state;
	program(r, 0, 0, 0x1000, 0x2000, 0, 256,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	run(r);
	st = rd32(r, 0, 0, DMA_REG_STATUS);
	assert_int_equal(st & 0xff, DMA_STATUS_ERROR);
	assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_BADDESC);
	assert_int_equal(r->irqs[0], 1);
	assert_int_equal(chan(r, 0, 0)->done.notified, 1);
	/* zero burst size */
	program(r, 0, 1, 0x1000, 0x2000, 64, 0,
		DMA_CTRL_START | DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 1, DMA_REG_STATUS)),
			 DMA_ERR_BADDESC);
	assert_int_equal(r->irqs[1], 1);
	/* a chain whose second descriptor has length 0 */
	put_desc(r, 0x3000, 0x1000, 0x2000, 64, 0, 0x3100);
	put_desc(r, 0x3100, 0x1000, 0x2000, 0, 0, 0);
	start_chain(r, 1, 0, 0x3000, DMA_CTRL_IRQ_EN);
	run(r);
	st = rd32(r, 1, 0, DMA_REG_STATUS);
	assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_BADDESC);
	assert_int_equal(err_addr(r, 1, 0), 0x3100);
	assert_int_equal(rd32(r, 1, 0, DMA_REG_DONE_COUNT), 1);
	assert_int_equal(desc_ctrl(r, 0x3000), DMA_DESC_DONE);
	assert_int_equal(desc_ctrl(r, 0x3100), DMA_DESC_ERROR);
	assert_int_equal(r->irqs[8], 1);
	assert_int_equal(r->mem.chunks, 1);	/* nothing written elsewhere */
	rig_free(r);
}

/*
 * Descriptors that cannot be fetched: the first is in a hole; a NEXT
 * points into a hole after one good descriptor; one straddles the end of
 * memory.  Each ends with DESC and the descriptor's address.
 */
static void unfetchable_descriptor(void **state)
{
	struct rig *r = rig_new(false);

	(void)state;
	start_chain(r, 0, 0, HOLE, DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 0, DMA_REG_STATUS)),
			 DMA_ERR_DESC);
	assert_int_equal(err_addr(r, 0, 0), HOLE);
	assert_int_equal(chan(r, 0, 0)->done.notified, 1);
	assert_int_equal(r->irqs[0], 1);
	assert_int_equal(bus_grants(&r->bus), 0);	/* never reached the bus */

	put_desc(r, 0x3000, 0x1000, 0x2000, 64, 0, HOLE + 64);
	start_chain(r, 0, 1, 0x3000, DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 1, DMA_REG_STATUS)),
			 DMA_ERR_DESC);
	assert_int_equal(err_addr(r, 0, 1), HOLE + 64);
	assert_int_equal(rd32(r, 0, 1, DMA_REG_DONE_COUNT), 1);
	assert_int_equal(r->irqs[1], 1);

	/* a descriptor address off a 32-byte boundary (here also running
	 * past the end of memory) is refused before any fetch */
	start_chain(r, 1, 0, MEM_SIZE - 16, DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 1, 0, DMA_REG_STATUS)),
			 DMA_ERR_ALIGN);
	assert_int_equal(err_addr(r, 1, 0), MEM_SIZE - 16);
	assert_int_equal(r->irqs[8], 1);
	rig_free(r);
}

/*
 * Chains that loop (A -> B -> A, and A -> A) end with LOOP when the engine
 * comes back to a descriptor it has walked, not a hang: the descriptors
 * of the first lap completed (2 and 1) and completion fires once.
 */
static void chain_loop(void **state)
{
	struct rig *r = rig_new(false);

	(void)state;
	put_desc(r, 0x3000, 0x1000, 0x2000, 8, 0, 0x3100);
	put_desc(r, 0x3100, 0x1000, 0x2008, 8, 0, 0x3000);
	put_desc(r, 0x4000, 0x1000, 0x2010, 8, 0, 0x4000);
	start_chain(r, 0, 0, 0x3000, DMA_CTRL_IRQ_EN);
	start_chain(r, 1, 0, 0x4000, DMA_CTRL_IRQ_EN);
	run(r);
	for (unsigned e = 0; e < 2; e++) {
		uint32_t st = rd32(r, e, 0, DMA_REG_STATUS);

		assert_int_equal(st & 0xff, DMA_STATUS_ERROR);
		assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_LOOP);
		assert_int_equal(rd32(r, e, 0, DMA_REG_DONE_COUNT), 2 - e);
		assert_int_equal(rd32(r, e, 0, DMA_REG_ERR_DESC_LO),
				 e ? 0x4000 : 0x3000);
		assert_int_equal(chan(r, e, 0)->done.notified, 1);
		assert_int_equal(r->irqs[8 * e], 1);
	}
	assert_int_equal(err_addr(r, 0, 0), 0x3000);	/* the revisited one */
	assert_int_equal(err_addr(r, 1, 0), 0x4000);
	/* Three descriptors walked in all, 47 bus cycles each (fetch 14,
	 * 8 bytes 22, write-back 11); no write-back for the revisit, which
	 * is caught before it is fetched again. */
	assert_int_equal(bus_busy_cycles(&r->bus), 3ull * 47);
	rig_free(r);
}

/*
 * Chains longer than the exact loop watch (65,536 descriptors): a legal
 * chain of 70,000 runs to its end; one of 70,000 whose last descriptor
 * points back to descriptor 100 ends with LOOP.  Past the exact set the
 * engine uses Brent's cycle detection, which finds a loop of L
 * descriptors entered M steps after the hand-over within
 * 2 * max(L, M) + L steps (the kept mark's window doubles until it
 * covers the loop; Brent, "An improved Monte Carlo factorization
 * algorithm", BIT 1980).  Here the hand-over (descriptor 65,536) is
 * already inside the loop of L = 69,900, so the chain stops after
 * between 70,000 and 65,536 + 3 * 69,900 descriptors done.
 */
static void chain_longer_than_watch(void **state)
{
	struct rig *r = rig_new(false);
	const uint32_t n = 70000;
	const uint64_t base = 0x100000, at_dst = 0x800000;

	(void)state;
	for (int lap = 0; lap < 2; lap++) {
		for (uint32_t i = 0; i < n; i++) {
			uint64_t next = base + (uint64_t)(i + 1) * DMA_DESC_SIZE;

			if (i == n - 1)
				next = lap ? base + 100ull * DMA_DESC_SIZE : 0;
			put_desc(r, base + (uint64_t)i * DMA_DESC_SIZE, 0x1000,
				 at_dst + (i % 1024) * 8, 8, 0, next);
		}
		start_chain(r, 0, lap, base, 0);
		run(r);
		uint32_t st = rd32(r, 0, lap, DMA_REG_STATUS);
		uint32_t done = rd32(r, 0, lap, DMA_REG_DONE_COUNT);

		if (!lap) {
			assert_int_equal(st & 0xff, DMA_STATUS_DONE);
			assert_int_equal(done, n);
		} else {
			assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_LOOP);
			assert_true(done >= n);
			assert_true(done <= 65536 + 3 * (n - 100));
		}
	}
	rig_free(r);
}

/*
 * Source fixed at a memory address: every beat reads the same 8-byte
 * word, so the destination fills with an 8-byte pattern (DPDK's fill).
 * Destination fixed: each beat overwrites the same word, and the last
 * one stays; the bytes after the word are never written.
 */
static void fixed_addresses(void **state)
{
	struct rig *r = rig_new(false);
	static const uint8_t pat[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t want[1000], src[64];

	(void)state;
	put(r, 0x1000, pat, 8);
	program(r, 0, 0, 0x1000, 0x2000, 1000, 8,
		DMA_CTRL_START | DMA_CTRL_SRC_FIXED);
	run(r);
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = pat[i % 8];
	expect_bytes(r, 0x2000, want, sizeof(want), "fill");
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 100);
	put(r, 0x4000, src, sizeof(src));
	program(r, 0, 0, 0x4000, 0x5000, 64, 16,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	expect_bytes(r, 0x5000, src + 56, 8, "last beat");
	memset(want, 0, 8);
	expect_bytes(r, 0x5008, want, 8, "after the fixed destination");
	rig_free(r);
}

/* ---- transfer modes ---- */

/*
 * The same 10000-byte copy, 256-byte bursts, in burst, cycle-stealing and
 * transparent mode, with nobody else on the bus: identical bytes and the
 * same end time, 39 full bursts of 84 cycles and 16 bytes at
 * 2 * (10 + 2) = 24: 3300 cycles.  Burst and transparent take one grant,
 * cycle stealing one per burst (40).
 */
static void modes_same_bytes(void **state)
{
	static const uint64_t grants[NENG] = { 1, 40, 1 };
	struct rig *r = rig_new(false);
	struct rng g;
	uint8_t src[10000];

	(void)state;
	rng_seed(&g, 1, "modes");
	put_random(r, &g, 0x10000, src, sizeof(src));
	for (unsigned e = 0; e < NENG; e++) {
		uint64_t t0 = r->sim.now, g0 = bus_grants(&r->bus);

		program(r, e, 0, 0x10000, 0x100000 * (e + 1), sizeof(src), 256,
			DMA_CTRL_START);
		run(r);
		expect_bytes(r, 0x100000 * (e + 1), src, sizeof(src), "copy");
		assert_int_equal(chan(r, e, 0)->done_at - t0, 3300 * NS);
		assert_int_equal(bus_grants(&r->bus) - g0, grants[e]);
		assert_int_equal(chan(r, e, 0)->bursts_done, 40);
	}
	assert_int_equal(memory_hash(&r->mem, 0x100000, sizeof(src)),
			 memory_hash(&r->mem, 0x300000, sizeof(src)));
	rig_free(r);
}

/*
 * RESIDUE mid-transfer.  Cycle stealing: each 84-cycle burst retires as
 * its grant ends, so just after k bursts RESIDUE = 4096 - 256 k.
 * Transparent, with a CPU reading RESIDUE at t = 1000: the channel is cut
 * at cycle 1000 after floor(1000 / 84) = 11 bursts, so the CPU reads
 * 4096 - 11 * 256 = 1280; its read takes 5 + 1 = 6 cycles, then the
 * channel finishes the other 1344 - 1000 = 344 cycles: done at 1350.
 * Burst mode: the same read waits for the whole tenure and sees 0.
 */
struct reader {
	struct cpu_op op;
	uint8_t data[4];
};

static void reader_go(struct sim *sim, struct event *ev)
{
	struct reader *rd = ev->ptr;
	struct rig *r = ev->obj;

	(void)sim;
	assert_int_equal(cpu_submit(&r->cpu, CPU_CTX_THREAD, &rd->op), 0);
}

static void residue_mid_transfer(void **state)
{
	struct rig *r = rig_new(true);
	static const uint64_t done_at[NENG] = { 1344, 1344, 1350 };
	static const uint32_t seen[NENG] = { 0, 0, 1280 };
	uint8_t src[4096];
	struct rng g;

	(void)state;
	rng_seed(&g, 1, "residue");
	put_random(r, &g, 0x10000, src, sizeof(src));
	program(r, 1, 0, 0x10000, 0x20000, 4096, 256, DMA_CTRL_START);
	for (unsigned k = 0; k <= 16; k++) {
		run_until(r, k * UNIT256 * NS + 500);
		assert_int_equal(rd32(r, 1, 0, DMA_REG_RESIDUE),
				 k < 16 ? 4096 - 256 * k : 0);
	}
	run(r);
	expect_bytes(r, 0x20000, src, sizeof(src), "cycle stealing");
	for (unsigned e = 0; e < NENG; e += 2) {
		struct reader rd;
		uint64_t t0;
		uint32_t v;

		run_until(r, (r->sim.now / 100000 + 1) * 100000);
		t0 = r->sim.now;
		cpu_op_xact(&rd.op, reg_addr(e, 0, DMA_REG_RESIDUE), rd.data, 4,
			    false);
		program(r, e, 0, 0x10000, 0x30000 + e * 0x10000, 4096, 256,
			DMA_CTRL_START);
		assert_non_null(sim_at(&r->sim, t0 + 1000 * NS, PHASE_REQUEST,
				       reader_go, r, &rd, 0));
		run(r);
		v = rd.data[0] | rd.data[1] << 8 | rd.data[2] << 16 |
		    (uint32_t)rd.data[3] << 24;
		assert_int_equal(v, seen[e]);
		assert_int_equal(chan(r, e, 0)->done_at - t0, done_at[e] * NS);
		expect_bytes(r, 0x30000 + e * 0x10000, src, sizeof(src),
			     "copy");
	}
	rig_free(r);
}

/* ---- a device as source or destination ---- */

/*
 * An input device (rate unlimited) read with SRC_FIXED at its data
 * register: the destination holds exactly the device's pattern.  Each
 * 256-byte burst: device read 30 + 32, memory write 10 + 32 = 104
 * cycles; the device is ready at once, so 32 bursts end at 3328.
 */
static void device_source(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = 8 * KiB, .buffer = 8 * KiB,
				   .latency = 30 * NS, .seed = 99 };
	uint8_t want[8 * KiB];

	(void)state;
	rig_dev(r, &dc);
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = iodev_pattern(&r->dev, i);
	program(r, 0, 0, DEV_BASE + IODEV_DATA, 0x10000, sizeof(want), 256,
		DMA_CTRL_START | DMA_CTRL_SRC_FIXED | DMA_CTRL_IRQ_EN);
	run(r);
	expect_bytes(r, 0x10000, want, sizeof(want), "device data");
	assert_int_equal(r->dev.moved, sizeof(want));
	assert_int_equal(r->dev.underruns, 0);
	assert_int_equal(chan(r, 0, 0)->done_at, 32 * 104 * NS);
	assert_int_equal(r->irqs[0], 1);
	rig_free(r);
}

/*
 * A paced input device, 100 MB/s, 16 KiB through a 1 KiB buffer, 256-byte
 * bursts: burst k can start when 256 k bytes exist, at 256 k / 1e8 s =
 * 2560 k ns, and takes 104 cycles, less than the 2560 between them.  The
 * last (k = 64) starts at 163840 ns: done at 163944 ns, after size / rate
 * = 163.84 us, with no underrun.
 */
static void device_paced(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = 16 * KiB, .buffer = KiB,
				   .rate = 1e8, .latency = 30 * NS,
				   .seed = 5 };
	struct iodev dev[NENG];
	uint8_t want[16 * KiB];

	(void)state;
	for (unsigned e = 0; e < NENG; e++) {
		/* a fresh device per mode, producing from now */
		uint64_t t0 = r->sim.now, base = DEV_BASE + 0x1000 * (e + 1);

		assert_int_equal(iodev_init(&dev[e], &r->sim, &r->bus, "pdev",
					    base, &dc), 0);
		for (unsigned i = 0; i < sizeof(want); i++)
			want[i] = iodev_pattern(&dev[e], i);
		program(r, e, 0, base + IODEV_DATA, 0x100000 * (e + 1),
			sizeof(want), 256,
			DMA_CTRL_START | DMA_CTRL_SRC_FIXED);
		run(r);
		expect_bytes(r, 0x100000 * (e + 1), want, sizeof(want),
			     "paced data");
		assert_int_equal(dev[e].underruns, 0);
		assert_true(chan(r, e, 0)->done_at - t0 >= 163840 * NS);
		assert_int_equal(chan(r, e, 0)->done_at - t0, 163944 * NS);
	}
	for (unsigned e = 0; e < NENG; e++)
		iodev_fini(&dev[e]);
	rig_free(r);
}

/*
 * A paced input device pauses while its buffer is full.  100 MB/s, 1 KiB
 * buffer, 4 KiB in all; nobody reads for 100 us, so it stops at 1 KiB
 * (at 10.24 us).  A DMA then reads with 256-byte bursts (104 cycles
 * each) from t0 = 100 us: the first four come from the full buffer
 * (t0 + 104 .. t0 + 416), and the first read at t0 + 104 restarts the
 * producer, so burst k >= 5 waits for 256 (k - 4) new bytes: it starts
 * at t0 + 104 + 2560 (k - 4) ns.  The last (k = 16) ends at
 * t0 + 104 + 30720 + 104 = t0 + 30928 ns: the 3 KiB not buffered take
 * 3072 / 1e8 s after the restart, however long the device sat idle.
 */
static void device_pauses_when_full(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = 4 * KiB, .buffer = KiB,
				   .rate = 1e8, .latency = 30 * NS,
				   .seed = 11 };
	uint8_t want[4 * KiB];
	const uint64_t t0 = 100000 * NS;

	(void)state;
	rig_dev(r, &dc);
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = iodev_pattern(&r->dev, i);
	run_until(r, t0);
	program(r, 0, 0, DEV_BASE + IODEV_DATA, 0x10000, sizeof(want), 256,
		DMA_CTRL_START | DMA_CTRL_SRC_FIXED);
	run(r);
	expect_bytes(r, 0x10000, want, sizeof(want), "device data");
	assert_int_equal(r->dev.underruns, 0);
	assert_int_equal(chan(r, 0, 0)->done_at - t0, 30928 * NS);
	rig_free(r);
}

/*
 * A paced output device's consumer starves while its buffer is empty, and
 * starts on the first byte written.  100 MB/s, 1 KiB buffer; a DMA writes
 * 4 KiB from t0 = 100 us in 256-byte bursts.  Four fit the empty buffer;
 * consumption starts with the first (t0 + 104), so burst k >= 5 has room
 * once 256 (k - 4) bytes are consumed: the same timeline as above, done
 * at t0 + 30928 ns, and not a byte dropped.
 */
static void device_starves_when_empty(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .output = true, .size = 4 * KiB,
				   .buffer = KiB, .rate = 1e8,
				   .latency = 30 * NS };
	struct rng g;
	uint8_t src[4 * KiB];
	const uint64_t t0 = 100000 * NS;

	(void)state;
	rig_dev(r, &dc);
	rng_seed(&g, 1, "starve");
	put_random(r, &g, 0x10000, src, sizeof(src));
	run_until(r, t0);
	program(r, 0, 0, 0x10000, DEV_BASE + IODEV_DATA, sizeof(src), 256,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_memory_equal(r->dev.received, src, sizeof(src));
	assert_int_equal(r->dev.overruns, 0);
	assert_int_equal(chan(r, 0, 0)->done_at - t0, 30928 * NS);
	rig_free(r);
}

/* Memory to an output device with DST_FIXED: it receives every byte. */
static void device_destination(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .output = true, .size = 5000,
				   .buffer = 5000 };
	struct rng g;
	uint8_t src[5000];

	(void)state;
	rig_dev(r, &dc);
	rng_seed(&g, 1, "to_device");
	put_random(r, &g, 0x10000, src, sizeof(src));
	program(r, 1, 0, 0x10000, DEV_BASE + IODEV_DATA, sizeof(src), 333,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_int_equal(rd32(r, 1, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	assert_memory_equal(r->dev.received, src, sizeof(src));
	assert_int_equal(r->dev.overruns, 0);
	rig_free(r);
}

/*
 * A target that refuses the data: writing to an input device's data
 * register.  SLAVE error, and ERR_ADDR names the refused (destination)
 * address, not the source.
 */
static void slave_error_address(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = 4096, .buffer = 4096 };

	(void)state;
	rig_dev(r, &dc);
	program(r, 0, 0, 0x10000, DEV_BASE + IODEV_DATA, 512, 256,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED | DMA_CTRL_IRQ_EN);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 0, DMA_REG_STATUS)),
			 DMA_ERR_SLAVE);
	assert_int_equal(err_addr(r, 0, 0), DEV_BASE + IODEV_DATA);
	assert_int_equal(r->irqs[0], 1);
	rig_free(r);
}

/*
 * A burst larger than a device's 4 KiB register window, at its FIFO: the
 * fixed address is routed by the data register's address and the access
 * pops (or pushes) the whole burst.  16 KiB from an input device in one
 * 16 KiB burst: the device read costs 30 + 2048 cycles, the memory write
 * 10 + 2048: done at 4136 cycles.  Then a chain of two 8 KiB descriptors
 * with SRC_FIXED from a second device, and 8 KiB bursts into an output
 * device with DST_FIXED.
 */
static void device_fifo_big_burst(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = 16 * KiB, .buffer = 16 * KiB,
				   .latency = 30 * NS, .seed = 21 };
	struct iodev_config oc = { .output = true, .size = 16 * KiB,
				   .buffer = 16 * KiB, .latency = 30 * NS };
	const uint64_t dev2 = DEV_BASE + IODEV_WINDOW;
	const uint64_t out = DEV_BASE + 2 * IODEV_WINDOW;
	struct iodev in2, o;
	static uint8_t want[16 * KiB];
	struct rng g;

	(void)state;
	rig_dev(r, &dc);
	dc.seed = 22;
	assert_int_equal(iodev_init(&in2, &r->sim, &r->bus, "in2", dev2, &dc),
			 0);
	assert_int_equal(iodev_init(&o, &r->sim, &r->bus, "out", out, &oc), 0);

	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = iodev_pattern(&r->dev, i);
	program(r, 0, 0, DEV_BASE + IODEV_DATA, 0x100000, sizeof(want),
		sizeof(want), DMA_CTRL_START | DMA_CTRL_SRC_FIXED);
	run(r);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	expect_bytes(r, 0x100000, want, sizeof(want), "16 KiB burst");
	assert_int_equal(r->dev.moved, sizeof(want));
	assert_int_equal(r->dev.underruns, 0);
	assert_int_equal(chan(r, 0, 0)->done_at, 4136 * NS);

	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = iodev_pattern(&in2, i);
	put_desc(r, 0x2000, dev2 + IODEV_DATA, 0x200000, 8 * KiB,
		 DMA_DESC_SRC_FIXED, 0x2020);
	put_desc(r, 0x2020, dev2 + IODEV_DATA, 0x200000 + 8 * KiB, 8 * KiB,
		 DMA_DESC_SRC_FIXED, 0);
	wr32(r, 1, 0, DMA_REG_BURST, 8 * KiB);
	start_chain(r, 1, 0, 0x2000, 0);
	run(r);
	assert_int_equal(rd32(r, 1, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	assert_int_equal(desc_ctrl(r, 0x2000),
			 DMA_DESC_SRC_FIXED | DMA_DESC_DONE);
	assert_int_equal(desc_ctrl(r, 0x2020),
			 DMA_DESC_SRC_FIXED | DMA_DESC_DONE);
	expect_bytes(r, 0x200000, want, sizeof(want), "chain");
	assert_int_equal(in2.underruns, 0);

	rng_seed(&g, 1, "big_out");
	put_random(r, &g, 0x300000, want, sizeof(want));
	program(r, 2, 0, 0x300000, out + IODEV_DATA, sizeof(want), 8 * KiB,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_int_equal(rd32(r, 2, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	assert_memory_equal(o.received, want, sizeof(want));
	assert_int_equal(o.overruns, 0);
	iodev_fini(&in2);
	iodev_fini(&o);
	rig_free(r);
}

/*
 * A fixed address in memory names one bus-width word (8 bytes here) at
 * that address, accessed on every beat; each burst splits into beats of
 * 8 bytes from its start, its last beat possibly shorter.
 *
 * Source: the word at 0x1003 (unaligned), 1001 bytes in 60-byte bursts
 * (seven beats of 8 and one of 4): byte k of the destination is byte
 * (k mod 60) mod 8 of the word; the bytes around the word are never
 * read.  Destination: 60 bytes in 16-byte bursts; the last burst's beats
 * carry source bytes 48..55 and 56..59, so the word ends as 56..59 over
 * 52..55, and nothing after it is written.  A fixed destination whose
 * word would run past the end of memory is refused: DST in a register
 * transfer, RANGE when a descriptor is checked.
 */
static void fixed_memory_word(void **state)
{
	struct rig *r = rig_new(false);
	uint8_t around[64], src[60], guard[64], want[1001];
	const uint64_t end = MEM1_BASE + MEM1_SIZE;
	struct rng g;

	(void)state;
	rng_seed(&g, 1, "fixed_word");
	put_random(r, &g, 0x1000, around, sizeof(around));
	program(r, 0, 0, 0x1003, 0x10000, sizeof(want), 60,
		DMA_CTRL_START | DMA_CTRL_SRC_FIXED);
	run(r);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	for (unsigned k = 0; k < sizeof(want); k++)
		want[k] = around[3 + (k % 60) % 8];
	expect_bytes(r, 0x10000, want, sizeof(want), "fixed source");
	assert_int_equal(r->mem.bytes_read, sizeof(want));

	put_random(r, &g, 0x20000, src, sizeof(src));
	put_random(r, &g, 0x30000, guard, sizeof(guard));
	program(r, 0, 0, 0x20000, 0x30000, sizeof(src), 16,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	memcpy(want, src + 56, 4);
	memcpy(want + 4, src + 52, 4);
	expect_bytes(r, 0x30000, want, 8, "fixed destination");
	expect_bytes(r, 0x30008, guard + 8, sizeof(guard) - 8,
		     "after the word");

	program(r, 0, 0, 0x20000, end - 4, sizeof(src), 16,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 0, DMA_REG_STATUS)),
			 DMA_ERR_DST);
	assert_int_equal(err_addr(r, 0, 0), end - 4);
	put_desc(r, 0x2000, 0x20000, end - 4, sizeof(src), DMA_DESC_DST_FIXED,
		 0);
	start_chain(r, 0, 1, 0x2000, 0);
	run(r);
	assert_int_equal(DMA_STATUS_CODE(rd32(r, 0, 1, DMA_REG_STATUS)),
			 DMA_ERR_RANGE);
	assert_int_equal(err_addr(r, 0, 1), end - 4);
	/* four bytes fit the last word of memory */
	program(r, 0, 0, 0x20000, end - 4, 4, 16,
		DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	expect_bytes(r, end - 4, src, 4, "last word");
	rig_free(r);
}

/*
 * A burst larger than a paced device's buffer moves in pieces no larger
 * than the buffer, each once the device can give (take) it.  Input,
 * 100 MB/s, a 256-byte buffer, 4 KiB in one 4 KiB burst: piece k waits
 * for 256 k bytes; each costs 30 + 32 device and 10 + 32 memory cycles =
 * 104 ns, and its data moves as the tenure ends, when the full buffer has
 * held the producer for 104 ns: piece k is ready at 2560 k + 104 (k - 1)
 * and done at 2664 k ns, the last (k = 16) at 42624 ns.  The same in
 * every transfer mode, every byte delivered, no underrun.
 */
static void device_small_buffer_in(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = 4 * KiB, .buffer = 256,
				   .rate = 1e8, .latency = 30 * NS,
				   .seed = 31 };
	struct iodev dev[NENG];
	uint8_t want[4 * KiB];

	(void)state;
	for (unsigned e = 0; e < NENG; e++) {
		uint64_t t0 = r->sim.now, base = DEV_BASE + 0x1000 * (e + 1);

		assert_int_equal(iodev_init(&dev[e], &r->sim, &r->bus, "small",
					    base, &dc), 0);
		for (unsigned i = 0; i < sizeof(want); i++)
			want[i] = iodev_pattern(&dev[e], i);
		program(r, e, 0, base + IODEV_DATA, 0x100000 * (e + 1),
			sizeof(want), sizeof(want),
			DMA_CTRL_START | DMA_CTRL_SRC_FIXED);
		run(r);
		assert_int_equal(rd32(r, e, 0, DMA_REG_STATUS),
				 DMA_STATUS_DONE);
		expect_bytes(r, 0x100000 * (e + 1), want, sizeof(want),
			     "pieces");
		assert_int_equal(dev[e].moved, sizeof(want));
		assert_int_equal(dev[e].underruns, 0);
		assert_int_equal(chan(r, e, 0)->bursts_done, 16);
		assert_int_equal(chan(r, e, 0)->done_at - t0, 42624 * NS);
	}
	for (unsigned e = 0; e < NENG; e++)
		iodev_fini(&dev[e]);
	rig_free(r);
}

/*
 * Output, 100 MB/s, a 256-byte buffer, 4 KiB in one burst: the first
 * piece fits the empty buffer and is written at 104 ns, when consumption
 * starts; piece k >= 2 has room once 256 (k - 1) bytes are consumed,
 * each piece having left the consumer idle for 104 ns: ready at
 * 2664 (k - 1), written 104 ns later; the last at 40064 ns.  Every byte
 * received, no overrun, DONE.
 */
static void device_small_buffer_out(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .output = true, .size = 4 * KiB,
				   .buffer = 256, .rate = 1e8,
				   .latency = 30 * NS };
	struct rng g;
	uint8_t src[4 * KiB];

	(void)state;
	rig_dev(r, &dc);
	rng_seed(&g, 1, "small_out");
	put_random(r, &g, 0x10000, src, sizeof(src));
	program(r, 0, 0, 0x10000, DEV_BASE + IODEV_DATA, sizeof(src),
		sizeof(src), DMA_CTRL_START | DMA_CTRL_DST_FIXED);
	run(r);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), DMA_STATUS_DONE);
	assert_memory_equal(r->dev.received, src, sizeof(src));
	assert_int_equal(r->dev.moved, sizeof(src));
	assert_int_equal(r->dev.overruns, 0);
	assert_int_equal(chan(r, 0, 0)->done_at, 40064 * NS);
	rig_free(r);
}

/*
 * A device access that cannot move all its bytes ends the channel with
 * SHORT, never DONE: reading 2 KiB from an input device that only ever
 * produces 1 KiB (the fifth 256-byte burst runs dry: RESIDUE 1024,
 * ERR_ADDR the data register), and writing 2000 bytes to an output device
 * that takes 1000 (the fourth 333-byte burst overflows it), the latter
 * from a descriptor, which gets ERROR written back.
 */
static void device_short_is_error(void **state)
{
	struct rig *r = rig_new(false);
	struct iodev_config dc = { .size = KiB, .buffer = KiB,
				   .latency = 30 * NS, .seed = 3 };
	struct iodev_config oc = { .output = true, .size = 1000,
				   .buffer = 1000 };
	const uint64_t out = DEV_BASE + IODEV_WINDOW;
	struct iodev o;
	uint8_t want[KiB], src[2000];
	struct rng g;
	uint32_t st;

	(void)state;
	rig_dev(r, &dc);
	assert_int_equal(iodev_init(&o, &r->sim, &r->bus, "out", out, &oc), 0);
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = iodev_pattern(&r->dev, i);
	program(r, 0, 0, DEV_BASE + IODEV_DATA, 0x10000, 2 * KiB, 256,
		DMA_CTRL_START | DMA_CTRL_SRC_FIXED | DMA_CTRL_IRQ_EN);
	run(r);
	st = rd32(r, 0, 0, DMA_REG_STATUS);
	assert_int_equal(st & 0xff, DMA_STATUS_ERROR);
	assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_SHORT);
	assert_int_equal(err_addr(r, 0, 0), DEV_BASE + IODEV_DATA);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_RESIDUE), KiB);
	assert_int_equal(chan(r, 0, 0)->bytes, KiB);
	expect_bytes(r, 0x10000, want, sizeof(want), "what the device had");
	assert_int_equal(r->dev.underruns, 256);
	assert_int_equal(r->irqs[0], 1);

	rng_seed(&g, 1, "short_out");
	put_random(r, &g, 0x20000, src, sizeof(src));
	put_desc(r, 0x2000, 0x20000, out + IODEV_DATA, sizeof(src),
		 DMA_DESC_DST_FIXED, 0);
	wr32(r, 1, 0, DMA_REG_BURST, 333);
	start_chain(r, 1, 0, 0x2000, 0);
	run(r);
	st = rd32(r, 1, 0, DMA_REG_STATUS);
	assert_int_equal(st & 0xff, DMA_STATUS_ERROR);
	assert_int_equal(DMA_STATUS_CODE(st), DMA_ERR_SHORT);
	assert_int_equal(err_addr(r, 1, 0), out + IODEV_DATA);
	assert_int_equal(desc_ctrl(r, 0x2000),
			 DMA_DESC_DST_FIXED | DMA_DESC_ERROR);
	assert_int_equal(rd32(r, 1, 0, DMA_REG_RESIDUE), 2000 - 999);
	assert_memory_equal(o.received, src, 1000);
	assert_int_equal(o.overruns, 332);
	iodev_fini(&o);
	rig_free(r);
}

/* ---- a driver on the CPU ---- */

struct drv {
	struct rig *r;
	struct cpu_op op[6];
	uint8_t reg[6][8];
	uint64_t done_at[6];
	int ndone;
	uint32_t status_seen;
	uint64_t handler_at;
};

static void drv_op_done(struct cpu *cpu, struct cpu_op *op)
{
	struct drv *d = op->ctx;

	(void)cpu;
	assert_int_equal(op->status, BUS_OK);
	d->done_at[op - d->op] = d->r->sim.now;
	d->ndone++;
	if (op == &d->op[5])
		cpu_irq_done(&d->r->cpu);
}

/* The handler reads STATUS, then writes it back to clear it (w1c). */
static void drv_handler(struct cpu *cpu, unsigned line, void *ctx)
{
	struct drv *d = ctx;
	uint64_t st = reg_addr(0, 0, DMA_REG_STATUS);

	assert_int_equal(line, 0);
	d->handler_at = d->r->sim.now;
	cpu_op_xact(&d->op[4], st, d->reg[4], 4, false);
	d->op[4].done = drv_op_done;
	d->op[4].ctx = d;
	assert_int_equal(cpu_submit(cpu, CPU_CTX_IRQ, &d->op[4]), 0);
	/* the value to write is known only when the read completes; a
	 * driver writes back what it read: DONE */
	le(d->reg[5], DMA_STATUS_DONE, 4);
	cpu_op_xact(&d->op[5], st, d->reg[5], 4, true);
	d->op[5].done = drv_op_done;
	d->op[5].ctx = d;
	assert_int_equal(cpu_submit(cpu, CPU_CTX_IRQ, &d->op[5]), 0);
}

/*
 * A driver programs the channel with CPU stores, each a register access
 * of 5 + 1 = 6 cycles: SRC (64-bit) 0-6, DST 6-12, LEN 12-18, CTRL with
 * START 18-24.  The doorbell rings as the CTRL store completes at 24;
 * 1 KiB in 4 bursts of 84 = 336 cycles: done at 360, interrupt raised.
 * The idle CPU takes it: entry 10 (370), handler reads STATUS (376) and
 * clears it (382), exit 10: back at 392.
 */
static void driver_via_cpu(void **state)
{
	struct rig *r = rig_new(true);
	struct drv d = { .r = r };
	static const unsigned regs[4] = { DMA_REG_SRC_LO, DMA_REG_DST_LO,
					  DMA_REG_LEN, DMA_REG_CTRL };
	static const uint64_t at[6] = { 6, 12, 18, 24, 376, 382 };
	struct rng g;
	uint8_t src[1024];

	(void)state;
	rng_seed(&g, 1, "driver");
	put_random(r, &g, 0x10000, src, sizeof(src));
	/* the burst size register keeps its reset value, 256 */
	le(d.reg[0], 0x10000, 8);
	le(d.reg[1], 0x20000, 8);
	le(d.reg[2], sizeof(src), 4);
	le(d.reg[3], DMA_CTRL_START | DMA_CTRL_IRQ_EN, 4);
	cpu_set_irq_handler(&r->cpu, 0, drv_handler, &d);
	for (unsigned i = 0; i < 4; i++) {
		cpu_op_xact(&d.op[i], reg_addr(0, 0, regs[i]), d.reg[i],
			    i < 2 ? 8 : 4, true);
		d.op[i].done = drv_op_done;
		d.op[i].ctx = &d;
		assert_int_equal(cpu_submit(&r->cpu, CPU_CTX_THREAD, &d.op[i]),
				 0);
	}
	run(r);
	expect_bytes(r, 0x20000, src, sizeof(src), "driver copy");
	assert_int_equal(d.ndone, 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(d.done_at[i], at[i] * NS);
	assert_int_equal(chan(r, 0, 0)->started_at, 24 * NS);
	assert_int_equal(chan(r, 0, 0)->done_at, 360 * NS);
	assert_int_equal(d.handler_at, 370 * NS);
	assert_int_equal(d.reg[4][0], DMA_STATUS_DONE);
	assert_int_equal(rd32(r, 0, 0, DMA_REG_STATUS), 0);
	assert_int_equal(r->cpu.irqs, 1);
	assert_int_equal(r->cpu.irq_ps, (392 - 360) * NS);
	assert_int_equal(r->sim.now, 392 * NS);
	rig_free(r);
}

/* ---- dmatest style ---- */

#define AREA (2 * MEM_CHUNK)		/* 128 KiB, whole chunks */
#define SRC_AREA 0ull			/* in mem */
#define DST_AREA (1 * MiB)		/* in mem, or at MEM1_BASE */

static const uint32_t bursts[] = { 1, 3, 7, 8, 61, 64, 255, 256, 1000,
				   4093, 4096, 65536 };

/*
 * Seeded random copies (lengths 1..64 KiB, random offsets and burst
 * sizes, all three modes, memory to the same memory or to another one).
 * As in dmatest, copied source bytes have bit 7 set and every other byte
 * of both areas (the guards) has it clear, so a stray byte is always
 * seen.  After each copy every byte of both areas is checked: the copy,
 * the guards before and after the destination, and the whole source.  No
 * chunk outside the areas is ever allocated, so nothing else was
 * written.  Returns a digest of end times and contents.
 */
static uint64_t dmatest(uint64_t seed, unsigned iters)
{
	struct rig *r = rig_new(false);
	uint8_t *src = malloc(AREA), *dst = malloc(AREA), *got = malloc(AREA);
	uint64_t digest = 0;
	struct rng g;

	assert_non_null(src);
	assert_non_null(dst);
	assert_non_null(got);
	rng_seed(&g, seed, "dmatest");
	/* touch all three areas once: 6 chunks from now on */
	memset(src, 0, AREA);
	put(r, SRC_AREA, src, AREA);
	put(r, DST_AREA, src, AREA);
	put(r, MEM1_BASE, src, AREA);
	assert_int_equal(r->mem.chunks + r->mem1.chunks, 6);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t len = 1 + (uint32_t)rng_below(&g, 64 * KiB);
		uint64_t soff = 1 + rng_below(&g, AREA - len - 1);
		uint64_t doff = 1 + rng_below(&g, AREA - len - 1);
		uint64_t dbase = rng_below(&g, 2) ? MEM1_BASE : DST_AREA;
		unsigned e = (unsigned)rng_below(&g, NENG);
		unsigned ch = (unsigned)rng_below(&g, 2);
		uint32_t burst, st;
		uint64_t t0 = r->sim.now;

		/* at most 8192 bursts per copy keeps the suite quick */
		do
			burst = bursts[rng_below(&g, sizeof(bursts) /
						     sizeof(bursts[0]))];
		while (len / burst > 8192);
		randomize(&g, src, AREA);
		randomize(&g, dst, AREA);
		for (uint64_t i = 0; i < AREA; i++) {
			bool in = i >= soff && i < soff + len;

			src[i] = in ? (uint8_t)(src[i] | 0x80) :
				      (uint8_t)(src[i] & 0x7f);
			dst[i] &= 0x7f;
		}
		put(r, SRC_AREA, src, AREA);
		put(r, dbase, dst, AREA);
		program(r, e, ch, SRC_AREA + soff, dbase + doff, len, burst,
			DMA_CTRL_START | DMA_CTRL_IRQ_EN);
		run(r);
		st = rd32(r, e, ch, DMA_REG_STATUS);
		if (st != DMA_STATUS_DONE)
			fail_msg("copy %u: status %#x (%s)", it, st,
				 dma_error_string(DMA_STATUS_CODE(st)));
		wr32(r, e, ch, DMA_REG_STATUS, st);
		memcpy(dst + doff, src + soff, len);
		get(r, dbase, got, AREA);
		for (uint64_t i = 0; memcmp(got, dst, AREA) && i < AREA; i++)
			if (got[i] != dst[i])
				fail_msg("copy %u (len %u burst %u mode %u "
					 "src +%llu dst %#llx): %s byte at "
					 "+%llu is %#x, want %#x", it, len,
					 burst, e, (unsigned long long)soff,
					 (unsigned long long)(dbase + doff),
					 i < doff ? "guard before" :
					 i < doff + len ? "copied" :
					 "guard after",
					 (unsigned long long)i, got[i],
					 dst[i]);
		get(r, SRC_AREA, got, AREA);
		if (memcmp(got, src, AREA))
			fail_msg("copy %u: the source changed", it);
		assert_int_equal(r->mem.chunks + r->mem1.chunks, 6);
		assert_int_equal(rd32(r, e, ch, DMA_REG_RESIDUE), 0);
		digest = (digest ^ (r->sim.now - t0)) * 0x100000001b3ull;
		{
			uint64_t off;
			struct bus_target *t = bus_route(&r->bus, dbase, 1,
							 &off);

			digest ^= memory_hash(memory_of(t), off, AREA);
		}
	}
	{
		uint64_t irqs = 0, notified = 0, guest = 0;

		for (unsigned e = 0; e < NENG; e++) {
			irqs += r->irqs[8 * e] + r->irqs[8 * e + 1];
			notified += r->dma[e].chan[0].done.notified +
				    r->dma[e].chan[1].done.notified;
			guest += r->dma[e].guest_errors;
		}
		assert_int_equal(irqs, iters);
		assert_int_equal(notified, iters);
		assert_int_equal(guest, 0);
	}
	free(src);
	free(dst);
	free(got);
	rig_free(r);
	return digest;
}

static void random_copies(void **state)
{
	(void)state;
	dmatest(1, 200);
}

/* Determinism: the same seed gives identical timings and bytes; another
 * seed does not. */
static void deterministic(void **state)
{
	(void)state;
	assert_int_equal(dmatest(7, 20), dmatest(7, 20));
	assert_int_not_equal(dmatest(7, 20), dmatest(8, 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/dma/single_copy", single_copy),
		TEST("/hw/dma/chain_every_length", chain_every_length),
		TEST("/hw/dma/chain_timing", chain_timing),
		TEST("/hw/dma/chain_desc_irq", chain_desc_irq),
		TEST("/hw/dma/nothing_before_doorbell", nothing_before_doorbell),
		TEST("/hw/dma/error_mid_chain", error_mid_chain),
		TEST("/hw/dma/error_dst_high", error_dst_high),
		TEST("/hw/dma/runs_off_memory", runs_off_memory),
		TEST("/hw/dma/completion_once", completion_once),
		TEST("/hw/dma/doorbell_while_busy", doorbell_while_busy),
		TEST("/hw/dma/unknown_registers", unknown_registers),
		TEST("/hw/dma/zero_length", zero_length),
		TEST("/hw/dma/unfetchable_descriptor", unfetchable_descriptor),
		TEST("/hw/dma/chain_loop", chain_loop),
		TEST("/hw/dma/chain_longer_than_watch", chain_longer_than_watch),
		TEST("/hw/dma/fixed_addresses", fixed_addresses),
		TEST("/hw/dma/modes_same_bytes", modes_same_bytes),
		TEST("/hw/dma/residue_mid_transfer", residue_mid_transfer),
		TEST("/hw/dma/device_source", device_source),
		TEST("/hw/dma/device_paced", device_paced),
		TEST("/hw/dma/device_pauses_when_full", device_pauses_when_full),
		TEST("/hw/dma/device_starves_when_empty",
		     device_starves_when_empty),
		TEST("/hw/dma/device_destination", device_destination),
		TEST("/hw/dma/slave_error_address", slave_error_address),
		TEST("/hw/dma/device_fifo_big_burst", device_fifo_big_burst),
		TEST("/hw/dma/fixed_memory_word", fixed_memory_word),
		TEST("/hw/dma/device_small_buffer_in", device_small_buffer_in),
		TEST("/hw/dma/device_small_buffer_out", device_small_buffer_out),
		TEST("/hw/dma/device_short_is_error", device_short_is_error),
		TEST("/hw/dma/driver_via_cpu", driver_via_cpu),
		TEST("/hw/dma/random_copies", random_copies),
		TEST("/hw/dma/deterministic", deterministic),
	};

	return cmocka_run_group_tests_name("/hw/dma", tests, NULL, NULL);
}
