/*
 * /hw/cpu: the processor's operations (compute, bus transactions,
 * programmed I/O) and interrupts, on cases whose timelines were worked out
 * by hand (written beside each).
 *
 * The machine: CPU and bus both at 1 GHz (one cycle = 1000 ps, so CPU and
 * bus cycles coincide), 8-byte bus beats, no arbitration latency; DRAM of
 * 16 MiB at 0 with 20 ns latency, so an 8-byte access costs 20 + 1 = 21
 * bus cycles; the CPU's memory references go to 0x100000 (21 cycles
 * each); its interrupt entry costs 10 cycles and exit 7.  A device's
 * register access costs 30 ns: 30 + 1 = 31 cycles for one word.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cpu.h"
#include "hw/dma.h"
#include "hw/iodev.h"
#include "hw/memory.h"
#include "hw/synth.h"
#include "testutil.h"

#define NS 1000ull
#define MiB (1024ull * 1024)
#define DEV_BASE 0x50000000ull
#define DMA_BASE 0x40000000ull
#define HOLE 0x30000000ull
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

#define ENTRY 10
#define EXIT 7
#define MEMREF (20 + 1)		/* a word's memory access, cycles */
#define DEVREF (30 + 1)		/* a word's device access, cycles */

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct cpu cpu;
	struct iodev dev[2];
	unsigned ndev;
	struct dma_engine dma;
	bool has_dma;
};

static const struct cpu_config cpu_cfg = {
	.period = NS, .cpi = 1, .mem_frac = 0, .data_addr = 0x100000,
	.word = 8, .pio_loop = 5, .irq_entry = ENTRY, .irq_exit = EXIT,
};

static void rig_base(struct rig *r)
{
	struct bus_config bc = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				 .width = 8 };

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 3), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
}

static void rig_mem(struct rig *r)
{
	struct memory_config mc = { .size = 16 * MiB, .latency = 20 * NS };

	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
}

static void rig_cpu(struct rig *r, const struct cpu_config *cfg)
{
	assert_int_equal(cpu_init(&r->cpu, &r->sim, &r->bus, "cpu", cfg,
				  BUS_MODE_BURST, 0), 0);
}

/* Memory, then the CPU. */
static void rig_init(struct rig *r)
{
	rig_base(r);
	rig_mem(r);
	rig_cpu(r, &cpu_cfg);
}

static struct iodev *rig_dev(struct rig *r, const struct iodev_config *cfg)
{
	struct iodev *d = &r->dev[r->ndev];
	char name[8] = { 'd', 'e', 'v', (char)('0' + r->ndev), 0 };

	assert_int_equal(iodev_init(d, &r->sim, &r->bus, name,
				    DEV_BASE + IODEV_WINDOW * r->ndev, cfg), 0);
	r->ndev++;
	return d;
}

static void rig_fini(struct rig *r)
{
	assert_true(bus_check(&r->bus));
	for (unsigned i = 0; i < r->ndev; i++)
		iodev_fini(&r->dev[i]);
	if (r->has_dma)
		dma_engine_fini(&r->dma);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
}

static void run(struct rig *r)
{
	sim_run(&r->sim, UINT64_MAX);
}

/* Completions, recorded in order. */
struct log {
	int n;
	struct cpu_op *op[16];
	uint64_t at[16];	/* cycles */
	struct sim *sim;
};

static void logged(struct cpu *cpu, struct cpu_op *op)
{
	struct log *l = op->ctx;

	(void)cpu;
	assert_true(l->n < 16);
	l->op[l->n] = op;
	l->at[l->n++] = l->sim->now / NS;
}

static void submit(struct rig *r, struct cpu_op *op, struct log *l)
{
	op->done = logged;
	op->ctx = l;
	l->sim = &r->sim;
	assert_int_equal(cpu_submit(&r->cpu, CPU_CTX_THREAD, op), 0);
}

/* An event that raises an interrupt line (arg) at its time. */
static void raise_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	cpu_raise_irq(ev->obj, (unsigned)ev->arg);
}

static void raise_at(struct rig *r, uint64_t cycle, unsigned line)
{
	assert_non_null(sim_at(&r->sim, cycle * NS, PHASE_REQUEST, raise_event,
			       &r->cpu, NULL, line));
}

/* ---- compute ---- */

/*
 * With no memory references, n instructions take exactly n * CPI cycles:
 * 1000 at CPI 2 = 2000; then 10 at CPI 1.5 = 15, ending at 2015.
 */
static void compute_exact(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct cpu_op a, b;

	(void)state;
	rig_init(&r);
	cpu_op_compute(&a, 1000, 2, 0);
	cpu_op_compute(&b, 10, 1.5, 0);
	submit(&r, &a, &l);
	submit(&r, &b, &l);
	run(&r);
	assert_int_equal(l.n, 2);
	assert_int_equal(a.cycles, 2000);
	assert_int_equal(b.cycles, 15);
	assert_int_equal(l.at[0], 2000);
	assert_int_equal(l.at[1], 2015);
	assert_int_equal(r.cpu.instructions, 1010);
	assert_int_equal(r.cpu.mem_refs, 0);
	assert_int_equal(bus_grants(&r.bus), 0);
	assert_int_equal(cpu_busy_cycles(&r.cpu), 2015);
	rig_fini(&r);
}

/*
 * With a fraction of memory references, the time is instructions * CPI
 * plus references * the reference's bus time (21 cycles), when nobody
 * else uses the bus:
 *   8 instructions, CPI 1, mem_frac 0.25: 2 references: 8 + 2 * 21 = 50
 *     (4 instructions, a reference, 4, a reference).
 *   10 instructions, CPI 2, mem_frac 0.3: floor(3.0) = 3 references:
 *     20 + 3 * 21 = 83.
 * Effective CPI of the first alone: 50 / 8 = 6.25.
 */
static void compute_mem_frac(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct cpu_op a, b;

	(void)state;
	rig_init(&r);
	assert_int_equal(r.cpu.ref_cycles, MEMREF);
	cpu_op_compute(&a, 8, 1, 0.25);
	submit(&r, &a, &l);
	run(&r);
	assert_int_equal(a.cycles, 8 + 2 * MEMREF);
	assert_int_equal(r.cpu.mem_refs, 2);
	assert_true(cpu_effective_cpi(&r.cpu) == 6.25);
	cpu_op_compute(&b, 10, 2, 0.3);
	submit(&r, &b, &l);
	run(&r);
	assert_int_equal(b.cycles, 20 + 3 * MEMREF);
	assert_int_equal(r.cpu.mem_refs, 2 + 3);
	assert_int_equal(bus_busy_cycles(&r.bus), 5 * MEMREF);
	rig_fini(&r);
}

/*
 * A fractional CPI costs exactly instructions * CPI, even when references
 * cut the work into chunks of one instruction:
 *   1000 instructions, CPI 0.5, mem_frac 1: 500 cycles + 1000 references.
 *   1000 instructions, CPI 1.3, mem_frac 0.25 (chunks of 4, 5.2 cycles
 *   each): 1300 cycles + 250 references.
 */
static void compute_fractional_cpi(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct cpu_op a, b;

	(void)state;
	rig_init(&r);
	cpu_op_compute(&a, 1000, 0.5, 1);
	submit(&r, &a, &l);
	run(&r);
	assert_int_equal(r.cpu.compute_cycles, 500);
	assert_int_equal(a.cycles, 500 + 1000 * MEMREF);
	cpu_op_compute(&b, 1000, 1.3, 0.25);
	submit(&r, &b, &l);
	run(&r);
	assert_int_equal(r.cpu.compute_cycles, 500 + 1300);
	assert_int_equal(b.cycles, 1300 + 250 * MEMREF);
	rig_fini(&r);
}

/*
 * Bus contention stretches the references: a DMA channel holds the bus
 * in burst mode for 100 cycles from t=0.  compute(8, CPI 1, 0.25): the
 * first reference is due at 4 and waits to 100 (96 cycles of stall),
 * 100-121; 4 instructions 121-125; the second reference 125-146.
 */
static void compute_contention(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct synth ch;
	struct synth_config cfg = { .period = NS, .hold = 100, .count = 1 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	assert_int_equal(synth_init(&ch, &r.sim, &r.bus, "dma", &cfg,
				    BUS_MODE_BURST, 0), 0);
	assert_int_equal(synth_start(&ch), 0);
	cpu_op_compute(&a, 8, 1, 0.25);
	submit(&r, &a, &l);
	run(&r);
	assert_int_equal(a.cycles, 146);
	assert_int_equal(r.cpu.stall_ps, 96 * NS);
	rig_fini(&r);
}

/*
 * A CPU built before the memory its references go to still pays the
 * memory's reference time once the memory is there (21 cycles), not a
 * placeholder.
 */
static void ref_target_mapped_later(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct cpu_op a;

	(void)state;
	rig_base(&r);
	rig_cpu(&r, &cpu_cfg);
	rig_mem(&r);
	cpu_op_compute(&a, 8, 1, 0.25);
	submit(&r, &a, &l);
	run(&r);
	assert_int_equal(a.cycles, 8 + 2 * MEMREF);
	rig_fini(&r);
}

/* ---- bus transactions ---- */

/*
 * A store and a load move real bytes: 16 bytes are 20 + 2 = 22 cycles
 * each way.
 */
static void xact_bytes(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct cpu_op w, rd;
	uint8_t out[16], in[16], back[16];

	(void)state;
	rig_init(&r);
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(0xa0 + i);
	memset(in, 0, sizeof(in));
	cpu_op_xact(&w, 0x1234, out, 16, true);
	cpu_op_xact(&rd, 0x1234, in, 16, false);
	submit(&r, &w, &l);
	submit(&r, &rd, &l);
	run(&r);
	memory_read(&r.mem, 0x1234, back, 16);
	assert_memory_equal(back, out, 16);
	assert_memory_equal(in, out, 16);
	assert_int_equal(w.status, BUS_OK);
	assert_int_equal(w.cycles, 22);
	assert_int_equal(rd.cycles, 22);
	assert_int_equal(l.at[1], 44);
	rig_fini(&r);
}

/*
 * Bus errors are reported in the operation's status, never a crash: an
 * unmapped address and a range past the end of memory are decode errors
 * found before the bus is asked (0 cycles); a store to a device's
 * read-only register is refused by the device (SLAVE) when the
 * transaction completes (31 cycles).  Each completes once, and the next
 * operation runs normally.
 */
static void xact_bus_errors(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config dc = { .size = 64, .buffer = 64,
				   .latency = 30 * NS };
	struct cpu_op a, b, c, d;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	rig_init(&r);
	rig_dev(&r, &dc);
	cpu_op_xact(&a, HOLE, buf, 8, false);
	cpu_op_xact(&b, 16 * MiB - 4, buf, 8, true);
	cpu_op_xact(&c, DEV_BASE + IODEV_STATUS, buf, 4, true);
	cpu_op_xact(&d, 0x100, buf, 8, true);
	submit(&r, &a, &l);
	submit(&r, &b, &l);
	submit(&r, &c, &l);
	submit(&r, &d, &l);
	run(&r);
	assert_int_equal(l.n, 4);
	assert_ptr_equal(l.op[0], &a);
	assert_int_equal(a.status, BUS_ERR_DECODE);
	assert_int_equal(a.cycles, 0);
	assert_int_equal(b.status, BUS_ERR_DECODE);
	assert_int_equal(c.status, BUS_ERR_SLAVE);
	assert_int_equal(c.cycles, DEVREF);
	assert_int_equal(d.status, BUS_OK);
	assert_int_equal(l.at[3], DEVREF + MEMREF);
	assert_int_equal(r.cpu.bus_errors, 3);
	assert_int_equal(r.mem.chunks, 1);	/* only d wrote */
	rig_fini(&r);
}

/*
 * A load from a data register that runs ahead of the device (nothing
 * produced yet at 1 MB/s) gets zeros, counted as an underrun, and the
 * operation ends with BUS_ERR_SHORT rather than BUS_OK.
 */
static void xact_short_read(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config dc = { .size = 64, .buffer = 64, .rate = 1e6,
				   .latency = 30 * NS };
	struct iodev *d;
	struct cpu_op a;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t zero[8];

	(void)state;
	rig_init(&r);
	d = rig_dev(&r, &dc);
	cpu_op_xact(&a, DEV_BASE + IODEV_DATA, buf, 8, false);
	submit(&r, &a, &l);
	run(&r);
	assert_int_equal(a.status, BUS_ERR_SHORT);
	assert_memory_equal(buf, zero, 8);
	assert_int_equal(d->underruns, 8);
	assert_int_equal(r.cpu.bus_errors, 1);
	rig_fini(&r);
}

/* ---- programmed I/O ---- */

/*
 * PIO reads a device's pattern into memory byte for byte; a DMA channel
 * reading a second device with the same seed delivers the same bytes.
 */
static void pio_and_dma_same_bytes(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config dc = { .size = 1000, .buffer = 1000,
				   .latency = 30 * NS, .seed = 42 };
	struct dma_config dmac = { .channels = 1, .base = DMA_BASE,
				   .burst = 64, .mode = BUS_MODE_BURST };
	struct iodev *d0, *d1;
	struct cpu_op p;
	uint8_t want[1000], got[1000];
	uint8_t regs[8];

	(void)state;
	rig_init(&r);
	d0 = rig_dev(&r, &dc);
	d1 = rig_dev(&r, &dc);
	assert_int_equal(dma_engine_init(&r.dma, &r.sim, &r.bus, "dma", &dmac),
			 0);
	r.has_dma = true;
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = iodev_pattern(d0, i);
	cpu_op_pio(&p, DEV_BASE + IODEV_DATA, 0x2000, sizeof(want), false);
	submit(&r, &p, &l);
	/* the DMA channel, programmed through its registers */
	for (int i = 0; i < 8; i++)
		regs[i] = (uint8_t)((DEV_BASE + IODEV_WINDOW) >> (8 * i));
	assert_int_equal(bus_xact_data(&r.bus, DMA_BASE + DMA_REG_SRC_LO, regs,
				       8, true), BUS_OK);
	memset(regs, 0, 8);
	regs[1] = 0x30;		/* 0x3000 */
	assert_int_equal(bus_xact_data(&r.bus, DMA_BASE + DMA_REG_DST_LO, regs,
				       8, true), BUS_OK);
	regs[0] = 1000 & 0xff;
	regs[1] = 1000 >> 8;
	assert_int_equal(bus_xact_data(&r.bus, DMA_BASE + DMA_REG_LEN, regs, 4,
				       true), BUS_OK);
	memset(regs, 0, 8);
	regs[0] = DMA_CTRL_START | DMA_CTRL_SRC_FIXED;
	assert_int_equal(bus_xact_data(&r.bus, DMA_BASE + DMA_REG_CTRL, regs, 4,
				       true), BUS_OK);
	run(&r);
	assert_int_equal(p.status, BUS_OK);
	memory_read(&r.mem, 0x2000, got, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));
	memory_read(&r.mem, 0x3000, got, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(r.dma.chan[0].status, DMA_STATUS_DONE);
	assert_int_equal(r.cpu.pio_bytes, 1000);
	assert_int_equal(d0->underruns + d1->underruns, 0);
	rig_fini(&r);
}

/*
 * PIO cost per word = pio_loop * CPI + the device access + the memory
 * access, here at CPI 2: 5 * 2 + 31 + 21 = 62 cycles.  256 bytes are 32
 * words: 1984 cycles.  20 bytes are words of 8, 8 and 4 (a 4-byte access
 * is still one beat): 3 * 62 = 186.  Writing to an output device costs
 * the same per word, with the memory read first.
 */
static void pio_cost(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config in = { .size = 276, .buffer = 276,
				   .latency = 30 * NS };
	struct iodev_config out = { .output = true, .size = 64, .buffer = 64,
				    .latency = 30 * NS };
	struct cpu_config cfg = cpu_cfg;
	struct cpu_op a, b, c;
	struct iodev *o;
	uint8_t src[64];

	(void)state;
	rig_base(&r);
	rig_mem(&r);
	cfg.cpi = 2;
	rig_cpu(&r, &cfg);
	rig_dev(&r, &in);
	o = rig_dev(&r, &out);
	for (int i = 0; i < 64; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(memory_write(&r.mem, 0x9000, src, 64), 0);
	cpu_op_pio(&a, DEV_BASE + IODEV_DATA, 0x2000, 256, false);
	cpu_op_pio(&b, DEV_BASE + IODEV_DATA, 0x3000, 20, false);
	cpu_op_pio(&c, DEV_BASE + IODEV_WINDOW + IODEV_DATA, 0x9000, 64, true);
	a.cpi = b.cpi = c.cpi = cfg.cpi;	/* the loop runs at base CPI */
	submit(&r, &a, &l);
	submit(&r, &b, &l);
	submit(&r, &c, &l);
	run(&r);
	assert_int_equal(a.cycles, 32 * (5 * 2 + DEVREF + MEMREF));
	assert_int_equal(b.cycles, 3 * (5 * 2 + DEVREF + MEMREF));
	assert_int_equal(c.cycles, 8 * (5 * 2 + MEMREF + DEVREF));
	assert_memory_equal(o->received, src, 64);
	assert_int_equal(r.cpu.pio_bytes, 256 + 20 + 64);
	assert_int_equal(r.cpu.pio_wait_ps, 0);
	rig_fini(&r);
}

/*
 * A paced device (100 MB/s, 64 bytes, word 8 at CPI 1): word k is ready at
 * 8 k / 1e8 s = 80 k ns.  Word 1: loop 0-5, wait to 80, device 80-111,
 * memory 111-132.  Word k > 1: its loop ends 52 + 5 = 57 cycles after word
 * k - 1 was ready, so the CPU waits 80 - 57 = 23 more.  The last word is
 * ready at 640: done at 640 + 52 = 692, after size / rate = 640 ns.
 * Waiting: 75 + 7 * 23 = 236 ns.
 */
static void pio_paced(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config dc = { .size = 64, .buffer = 64, .rate = 1e8,
				   .latency = 30 * NS, .seed = 9 };
	struct iodev *d;
	struct cpu_op p;
	uint8_t got[64];

	(void)state;
	rig_init(&r);
	d = rig_dev(&r, &dc);
	cpu_op_pio(&p, DEV_BASE + IODEV_DATA, 0x2000, 64, false);
	submit(&r, &p, &l);
	run(&r);
	assert_int_equal(p.cycles, 692);
	assert_true(p.cycles >= 640);
	assert_int_equal(r.cpu.pio_wait_ps, 236 * NS);
	memory_read(&r.mem, 0x2000, got, 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(got[i], iodev_pattern(d, (uint64_t)i));
	assert_int_equal(d->underruns, 0);
	rig_fini(&r);
}

/*
 * A device whose buffer is smaller than the CPU's word: PIO moves what
 * the device's request line covers, 4 bytes a step, so 32 bytes take 8
 * steps of 5 + 31 + 21 = 57 cycles = 456, every byte moved, in both
 * directions, with no underrun or overrun.
 */
static void pio_small_buffer(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config in = { .size = 32, .buffer = 4,
				   .latency = 30 * NS, .seed = 13 };
	struct iodev_config out = { .output = true, .size = 32, .buffer = 4,
				    .latency = 30 * NS };
	struct iodev *d, *o;
	struct cpu_op a, b;
	uint8_t got[32], src[32];

	(void)state;
	rig_init(&r);
	d = rig_dev(&r, &in);
	o = rig_dev(&r, &out);
	for (int i = 0; i < 32; i++)
		src[i] = (uint8_t)(i * 5 + 3);
	assert_int_equal(memory_write(&r.mem, 0x9000, src, 32), 0);
	cpu_op_pio(&a, DEV_BASE + IODEV_DATA, 0x2000, 32, false);
	cpu_op_pio(&b, DEV_BASE + IODEV_WINDOW + IODEV_DATA, 0x9000, 32, true);
	submit(&r, &a, &l);
	submit(&r, &b, &l);
	run(&r);
	assert_int_equal(a.status, BUS_OK);
	assert_int_equal(b.status, BUS_OK);
	assert_int_equal(a.cycles, 8 * (5 + DEVREF + MEMREF));
	assert_int_equal(b.cycles, 8 * (5 + MEMREF + DEVREF));
	memory_read(&r.mem, 0x2000, got, 32);
	for (int i = 0; i < 32; i++)
		assert_int_equal(got[i], iodev_pattern(d, (uint64_t)i));
	assert_memory_equal(o->received, src, 32);
	assert_int_equal(d->underruns, 0);
	assert_int_equal(o->overruns, 0);
	assert_int_equal(r.cpu.pio_bytes, 64);
	rig_fini(&r);
}

/* ---- interrupts ---- */

struct handler {
	struct rig *r;
	int runs;
	uint64_t at;		/* cycles: when it started */
	unsigned line;
	uint64_t instr;		/* its own work, 0: none */
	struct cpu_op op;
	unsigned order[8];
	int norder;
};

static void handler_op_done(struct cpu *cpu, struct cpu_op *op)
{
	(void)op;
	cpu_irq_done(cpu);
}

static void handler_fn(struct cpu *cpu, unsigned line, void *ctx)
{
	struct handler *h = ctx;

	h->runs++;
	h->at = h->r->sim.now / NS;
	h->line = line;
	if (h->norder < 8)
		h->order[h->norder++] = line;
	if (!h->instr) {
		cpu_irq_done(cpu);
		return;
	}
	cpu_op_compute(&h->op, h->instr, 1, 0);
	h->op.done = handler_op_done;
	assert_int_equal(cpu_submit(cpu, CPU_CTX_IRQ, &h->op), 0);
}

/*
 * compute(1000) from 0; line 3 raised at 300.  The run is cut at 300
 * with 300 instructions done; entry 300-310; the handler computes 50
 * instructions, 310-360; exit 360-367; the other 700 run 367-1067.  The
 * operation ends later than alone (1000) by exactly entry + handler +
 * exit = 67.
 */
static void irq_preempts_compute(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct handler h = { .instr = 50 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	h.r = &r;
	cpu_set_irq_handler(&r.cpu, 3, handler_fn, &h);
	cpu_op_compute(&a, 1000, 1, 0);
	submit(&r, &a, &l);
	raise_at(&r, 300, 3);
	run(&r);
	assert_int_equal(h.runs, 1);
	assert_int_equal(h.line, 3);
	assert_int_equal(h.at, 310);
	assert_int_equal(a.cycles, 1000 + ENTRY + 50 + EXIT);
	assert_int_equal(l.n, 1);
	assert_int_equal(r.cpu.irqs, 1);
	assert_int_equal(r.cpu.irq_ps, (ENTRY + 50 + EXIT) * NS);
	assert_int_equal(r.cpu.instructions, 1050);
	assert_int_equal(r.cpu.irq_latency.count, 1);
	assert_int_equal(r.cpu.irq_latency.min, ENTRY * NS);
	assert_int_equal(cpu_busy_cycles(&r.cpu), 1067);
	rig_fini(&r);
}

/*
 * A line with no handler function costs entry + exit only: compute(100)
 * with line 0 raised at 40 ends at 100 + 17.  Raised while the CPU is
 * idle (at 500), it keeps the CPU busy for exactly 17 cycles.
 */
static void irq_no_handler(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	cpu_op_compute(&a, 100, 1, 0);
	submit(&r, &a, &l);
	raise_at(&r, 40, 0);
	raise_at(&r, 500, 0);
	run(&r);
	assert_int_equal(a.cycles, 100 + ENTRY + EXIT);
	assert_int_equal(r.cpu.irqs, 2);
	assert_int_equal(r.cpu.irq_ps, 2 * (ENTRY + EXIT) * NS);
	assert_int_equal(cpu_busy_cycles(&r.cpu), 117 + ENTRY + EXIT);
	assert_int_equal(r.sim.now, (500 + ENTRY + EXIT) * NS);
	rig_fini(&r);
}

/*
 * A bus transaction in flight is not cut: an 8-byte load (21 cycles)
 * from 0 with line 1 raised at 5; the interrupt is taken at 21, the
 * handler starts at 31 (latency 26 cycles), exit ends at 38, and the
 * next operation, compute(10), ends at 48.
 */
static void irq_waits_for_xact(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct handler h = { 0 };
	struct cpu_op a, b;
	uint8_t buf[8];

	(void)state;
	rig_init(&r);
	h.r = &r;
	cpu_set_irq_handler(&r.cpu, 1, handler_fn, &h);
	cpu_op_xact(&a, 0x40, buf, 8, false);
	cpu_op_compute(&b, 10, 1, 0);
	submit(&r, &a, &l);
	submit(&r, &b, &l);
	raise_at(&r, 5, 1);
	run(&r);
	assert_int_equal(l.at[0], MEMREF);
	assert_int_equal(h.at, MEMREF + ENTRY);
	assert_int_equal(r.cpu.irq_latency.min, (MEMREF + ENTRY - 5) * NS);
	assert_int_equal(l.at[1], MEMREF + ENTRY + EXIT + 10);
	rig_fini(&r);
}

/*
 * Handlers do not nest, and pending lines are taken lowest first: during
 * compute(100), line 5 at 10 is taken at once (entry 10-20, handler
 * computes 20: 20-40, exit 40-47).  Lines 3 (at 25) and 2 (at 30) arrive
 * during it and wait; at 47 line 2 goes first (47-84), then 3 (84-121).
 * Line 3 raised again at 60 while still pending is the same edge: no
 * extra run.  compute ends at 100 + 3 * (10 + 20 + 7) = 211.
 */
static void irq_no_nesting(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct handler h = { .instr = 20 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	h.r = &r;
	cpu_set_irq_handler(&r.cpu, 2, handler_fn, &h);
	cpu_set_irq_handler(&r.cpu, 3, handler_fn, &h);
	cpu_set_irq_handler(&r.cpu, 5, handler_fn, &h);
	cpu_op_compute(&a, 100, 1, 0);
	submit(&r, &a, &l);
	raise_at(&r, 10, 5);
	raise_at(&r, 25, 3);
	raise_at(&r, 30, 2);
	raise_at(&r, 60, 3);
	run(&r);
	assert_int_equal(h.runs, 3);
	assert_int_equal(h.order[0], 5);
	assert_int_equal(h.order[1], 2);
	assert_int_equal(h.order[2], 3);
	assert_int_equal(h.at, 84 + ENTRY);
	assert_int_equal(a.cycles, 100 + 3 * (ENTRY + 20 + EXIT));
	rig_fini(&r);
}

/* ---- operations in order ---- */

static int again_runs;

/* A completion that submits another operation: it joins the queue's end. */
static void logged_and_again(struct cpu *cpu, struct cpu_op *op)
{
	struct log *l = op->ctx;
	static struct cpu_op extra;

	logged(cpu, op);
	if (again_runs++)
		return;
	cpu_op_compute(&extra, 3, 1, 0);
	extra.done = logged;
	extra.ctx = l;
	assert_int_equal(cpu_submit(cpu, CPU_CTX_THREAD, &extra), 0);
}

/*
 * Six operations of every kind queued at once complete exactly once each,
 * in FIFO order, at hand-worked times (CPI 1, pio_loop 5):
 *   compute(10)                         0-10
 *   store 8 bytes                       10-31  (21)
 *   load from a hole                    31     (decode error, 0 cycles)
 *   compute(5, mem_frac 0.2): 5 + 21    31-57
 *   PIO 16 bytes: 2 * (5 + 31 + 21)     57-171
 *   load 8 bytes                        171-192
 * and one the first completion queued: compute(3) 192-195.
 */
static void ops_fifo_once(void **state)
{
	struct rig r;
	struct log l = { 0 };
	struct iodev_config dc = { .size = 16, .buffer = 16,
				   .latency = 30 * NS };
	struct cpu_op op[6];
	static const uint64_t at[7] = { 10, 31, 31, 57, 171, 192, 195 };
	uint8_t b1[8] = { 9 }, b2[8], b3[8];

	(void)state;
	rig_init(&r);
	rig_dev(&r, &dc);
	again_runs = 0;
	cpu_op_compute(&op[0], 10, 1, 0);
	cpu_op_xact(&op[1], 0x500, b1, 8, true);
	cpu_op_xact(&op[2], HOLE, b2, 8, false);
	cpu_op_compute(&op[3], 5, 1, 0.2);
	cpu_op_pio(&op[4], DEV_BASE + IODEV_DATA, 0x600, 16, false);
	cpu_op_xact(&op[5], 0x500, b3, 8, false);
	for (int i = 0; i < 6; i++)
		submit(&r, &op[i], &l);
	op[0].done = logged_and_again;
	run(&r);
	assert_int_equal(l.n, 7);
	for (int i = 0; i < 7; i++) {
		if (i < 6)
			assert_ptr_equal(l.op[i], &op[i]);
		assert_int_equal(l.at[i], at[i]);
	}
	assert_int_equal(op[2].status, BUS_ERR_DECODE);
	assert_int_equal(b3[0], 9);
	assert_int_equal(again_runs, 1);
	rig_fini(&r);
}

/*
 * Malformed operations are refused at submission (DMASIM_EINVAL) and never
 * complete: no CPI, a zero-length transfer, interrupt context outside a
 * handler.
 */
static void submit_invalid(void **state)
{
	struct rig r;
	struct log l = { .sim = NULL };
	struct cpu_op a, b, c;
	uint8_t buf[4];

	(void)state;
	rig_init(&r);
	l.sim = &r.sim;
	cpu_op_compute(&a, 10, 0, 0);
	cpu_op_xact(&b, 0x100, buf, 0, false);
	cpu_op_compute(&c, 10, 1, 0);
	a.done = b.done = c.done = logged;
	a.ctx = b.ctx = c.ctx = &l;
	assert_int_equal(cpu_submit(&r.cpu, CPU_CTX_THREAD, &a), DMASIM_EINVAL);
	assert_int_equal(cpu_submit(&r.cpu, CPU_CTX_THREAD, &b), DMASIM_EINVAL);
	assert_int_equal(cpu_submit(&r.cpu, CPU_CTX_IRQ, &c), DMASIM_EINVAL);
	run(&r);
	assert_int_equal(l.n, 0);
	assert_int_equal(r.cpu.state, CPU_IDLE);
	rig_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/cpu/compute_exact", compute_exact),
		TEST("/hw/cpu/compute_mem_frac", compute_mem_frac),
		TEST("/hw/cpu/compute_fractional_cpi", compute_fractional_cpi),
		TEST("/hw/cpu/compute_contention", compute_contention),
		TEST("/hw/cpu/ref_target_mapped_later", ref_target_mapped_later),
		TEST("/hw/cpu/xact_bytes", xact_bytes),
		TEST("/hw/cpu/xact_bus_errors", xact_bus_errors),
		TEST("/hw/cpu/xact_short_read", xact_short_read),
		TEST("/hw/cpu/pio_and_dma_same_bytes", pio_and_dma_same_bytes),
		TEST("/hw/cpu/pio_cost", pio_cost),
		TEST("/hw/cpu/pio_paced", pio_paced),
		TEST("/hw/cpu/pio_small_buffer", pio_small_buffer),
		TEST("/hw/cpu/irq_preempts_compute", irq_preempts_compute),
		TEST("/hw/cpu/irq_no_handler", irq_no_handler),
		TEST("/hw/cpu/irq_waits_for_xact", irq_waits_for_xact),
		TEST("/hw/cpu/irq_no_nesting", irq_no_nesting),
		TEST("/hw/cpu/ops_fifo_once", ops_fifo_once),
		TEST("/hw/cpu/submit_invalid", submit_invalid),
	};

	return cmocka_run_group_tests_name("/hw/cpu", tests, NULL, NULL);
}
