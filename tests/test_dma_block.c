/*
 * /hw/dma/block: block (burst) mode as textbooks draw it: the channel
 * holds the bus for the whole block, even while a slow device makes it
 * wait, and the bursts reach memory one by one as the bus moves them.
 * Timelines worked out by hand beside each case.
 *
 * The machine: a 1 GHz bus (one cycle = 1000 ps), 8-byte beats, no
 * arbitration latency, round-robin; DRAM at 0 with 20 ns latency (an
 * access of n bytes: 20 + ceil(n / 8) cycles); a CPU at 1 GHz, CPI 1; a
 * DMA engine in burst mode (engine 0) and one in cycle-stealing mode
 * (engine 1); an input device with a 30 ns data register (31 cycles for
 * 8 bytes) producing 8 bytes every 100 ns (80 MB/s) into a 64-byte
 * buffer (never full here, so it never pauses).  Transfers from it use
 * 8-byte bursts: a piece of 8 bytes costs 31 + 21 = 52 cycles.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cpu.h"
#include "hw/dma.h"
#include "hw/iodev.h"
#include "hw/memory.h"
#include "testutil.h"

#define NS 1000ull
#define DMA_BASE 0x40000000ull
#define DEV_BASE 0x50000000ull
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct cpu cpu;
	struct dma_engine dma[2];
	struct iodev dev;
	bool has_dev;
};

static const enum bus_mode eng_mode[2] = { BUS_MODE_BURST,
					   BUS_MODE_CYCLE_STEAL };

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct bus_config bc = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				 .width = 8 };
	struct memory_config mc = { .size = 1 << 24, .latency = 20 * NS };
	struct cpu_config cc = { .period = NS, .cpi = 1, .word = 8,
				 .pio_loop = 2, .irq_entry = 10,
				 .irq_exit = 10 };

	assert_non_null(r);
	assert_int_equal(sim_init(&r->sim, 7), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(cpu_init(&r->cpu, &r->sim, &r->bus, "cpu", &cc,
				  BUS_MODE_BURST, 0), 0);
	for (unsigned k = 0; k < 2; k++) {
		struct dma_config dc = { .channels = 1,
					 .base = DMA_BASE + k * 0x1000,
					 .burst = 256, .mode = eng_mode[k] };
		char name[8] = { 'd', 'm', 'a', (char)('0' + k), 0 };

		assert_int_equal(dma_engine_init(&r->dma[k], &r->sim, &r->bus,
						 name, &dc), 0);
	}
	return r;
}

static void rig_dev(struct rig *r, uint64_t size)
{
	struct iodev_config dc = { .size = size, .buffer = 64, .rate = 8e7,
				   .latency = 30 * NS, .seed = 9 };

	assert_int_equal(iodev_init(&r->dev, &r->sim, &r->bus, "dev",
				    DEV_BASE, &dc), 0);
	r->has_dev = true;
}

static void rig_free(struct rig *r)
{
	assert_true(bus_check(&r->bus));
	assert_true(evq_check(&r->sim.q));
	for (unsigned k = 0; k < 2; k++)
		dma_engine_fini(&r->dma[k]);
	if (r->has_dev)
		iodev_fini(&r->dev);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
	free(r);
}

static void nop_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	(void)ev;
}

static void run_until(struct rig *r, uint64_t t)
{
	assert_non_null(sim_at(&r->sim, t, PHASE_LATE, nop_event, NULL, NULL,
			       0));
	sim_run(&r->sim, t);
}

/* Program a transfer through the registers (untimed) and ring. */
static void start(struct rig *r, unsigned eng, uint64_t src, uint64_t dst,
		  uint32_t len, uint32_t burst, uint32_t ctrl)
{
	struct dma_engine *e = &r->dma[eng];

	dma_reg_write(e, DMA_REG_SRC_LO, (uint32_t)src);
	dma_reg_write(e, DMA_REG_SRC_HI, (uint32_t)(src >> 32));
	dma_reg_write(e, DMA_REG_DST_LO, (uint32_t)dst);
	dma_reg_write(e, DMA_REG_DST_HI, (uint32_t)(dst >> 32));
	dma_reg_write(e, DMA_REG_LEN, len);
	dma_reg_write(e, DMA_REG_BURST, burst);
	dma_reg_write(e, DMA_REG_CTRL, ctrl | DMA_CTRL_START);
}

static uint64_t load_done;	/* ps: the CPU's load completed */

static void load_cb(struct cpu *cpu, struct cpu_op *op)
{
	(void)op;
	load_done = cpu->sim->now;
}

/*
 * 64 bytes from the device (8 pieces of 8: piece k is ready at
 * 100 (k + 1) ns) while the CPU computes 150 instructions and then loads
 * a word (21 cycles).
 * Block mode: the channel is granted at 100 and holds the bus: piece k
 * moves 100 (k + 1) .. 100 (k + 1) + 52; the tenure ends with the last at
 * 852: 752 cycles in one grant, the bus idle but held between pieces.
 * The CPU asks at 150 and gets the bus only at 852: its load ends at 873,
 * locked out for exactly the block's remaining 702 ns.  The bytes arrive
 * piece by piece: at 300, pieces 0 and 1 (16 bytes) are in memory.
 * Cycle stealing: one grant per piece; the CPU gets the bus at 152 (the
 * end of piece 0) and its load ends at 173; the transfer still ends at
 * 852, the device's pace.
 */
static void block_holds_bus(void **state)
{
	for (unsigned e = 0; e < 2; e++) {
		struct rig *r = rig_new();
		struct dma_chan *ch = &r->dma[e].chan[0];
		uint8_t got[64], want[64];
		struct cpu_op a, ld;
		uint8_t word[8];

		(void)state;
		rig_dev(r, 64);
		for (unsigned i = 0; i < 64; i++)
			want[i] = iodev_pattern(&r->dev, i);
		start(r, e, DEV_BASE + IODEV_DATA, 0x1000, 64, 8,
		      DMA_CTRL_SRC_FIXED);
		cpu_op_compute(&a, 150, 1, 0);
		cpu_op_xact(&ld, 0x8000, word, 8, false);
		ld.done = load_cb;
		assert_int_equal(cpu_submit(&r->cpu, CPU_CTX_THREAD, &a), 0);
		assert_int_equal(cpu_submit(&r->cpu, CPU_CTX_THREAD, &ld), 0);
		run_until(r, 300 * NS);
		assert_int_equal(ch->bytes, 16);
		assert_int_equal(r->dev.moved, 16);
		memory_read(&r->mem, 0x1000, got, 16);
		assert_memory_equal(got, want, 16);
		sim_run(&r->sim, UINT64_MAX);
		assert_int_equal(ch->state, DMA_DONE);
		assert_int_equal(ch->done_at, 852 * NS);
		memory_read(&r->mem, 0x1000, got, 64);
		assert_memory_equal(got, want, 64);
		assert_int_equal(ch->bursts_done, 8);
		if (e == 0) {
			assert_int_equal(ch->port.grants, 1);
			assert_int_equal(ch->port.busy_cycles, 752);
			assert_int_equal(load_done, 873 * NS);
		} else {
			assert_int_equal(ch->port.grants, 8);
			assert_int_equal(ch->port.busy_cycles, 8 * 52);
			assert_int_equal(load_done, 173 * NS);
		}
		rig_free(r);
	}
}

/*
 * Memory to memory in block mode, 1024 bytes in 256-byte bursts (a read
 * and a write of 20 + 32 cycles each: 104 per burst), one tenure from 0
 * to 416.  Burst k reaches memory at 104 (k + 1): at 150 the first 256
 * bytes are there and nothing beyond; at 320, 768 bytes.
 */
static void bursts_delivered_as_moved(void **state)
{
	struct rig *r = rig_new();
	struct dma_chan *ch = &r->dma[0].chan[0];
	uint8_t src[1024], got[1024], zero[1024] = { 0 };

	(void)state;
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(memory_write(&r->mem, 0x10000, src, sizeof(src)), 0);
	start(r, 0, 0x10000, 0x20000, 1024, 256, 0);
	run_until(r, 150 * NS);
	assert_int_equal(ch->bytes, 256);
	memory_read(&r->mem, 0x20000, got, sizeof(got));
	assert_memory_equal(got, src, 256);
	assert_memory_equal(got + 256, zero, 768);
	run_until(r, 320 * NS);
	assert_int_equal(ch->bytes, 768);
	sim_run(&r->sim, UINT64_MAX);
	assert_int_equal(ch->done_at, 416 * NS);
	assert_int_equal(ch->port.grants, 1);
	memory_read(&r->mem, 0x20000, got, sizeof(got));
	assert_memory_equal(got, src, sizeof(got));
	rig_free(r);
}

/*
 * A block that fails inside its tenure: the device has 16 bytes and the
 * transfer asks 32.  Pieces 0 and 1 move 100-152 and 200-252; piece 2
 * (ready by the device's clock at 300) reads past what the device ever
 * produces: SHORT when it ends at 352, the tenure ends there and the
 * channel reports the error once; the bus is free again.
 */
static void block_fails_inside_tenure(void **state)
{
	struct rig *r = rig_new();
	struct dma_chan *ch = &r->dma[0].chan[0];

	(void)state;
	rig_dev(r, 16);
	start(r, 0, DEV_BASE + IODEV_DATA, 0x1000, 32, 8,
	      DMA_CTRL_SRC_FIXED);
	sim_run(&r->sim, UINT64_MAX);
	assert_int_equal(ch->state, DMA_ERROR);
	assert_int_equal(DMA_STATUS_CODE(ch->status), DMA_ERR_SHORT);
	assert_int_equal(ch->errors, 1);
	assert_int_equal(ch->done_at, 352 * NS);
	assert_int_equal(ch->bytes, 16);
	assert_int_equal(ch->port.grants, 1);
	assert_true(bus_idle(&r->bus));
	rig_free(r);
}

/*
 * Fly-by against a read then a write, 1024 bytes from an unpaced input
 * device whose data register answers in 20 ns (as the memory does) into
 * memory, 256-byte bursts, cycle stealing: a read then a write costs
 * (20 + 32) + (20 + 32) = 104 cycles per burst, 416 in all; fly-by, one
 * transaction addressing the memory while the device is acknowledged,
 * 52 per burst, 208 in all: half, with the same bytes.  Then fly-by out
 * of memory into an output device (208 again), and fly-by between two
 * memories, which ends the channel with FLYBY.
 */
static void flyby_half_the_cycles(void **state)
{
	struct iodev_config in = { .size = 2048, .buffer = 2048,
				   .latency = 20 * NS, .seed = 4 };
	struct iodev_config out = { .output = true, .size = 1024,
				    .buffer = 1024, .latency = 20 * NS };
	uint64_t cycles[2];
	uint8_t want[1024], got[1024];

	(void)state;
	for (int f = 0; f < 2; f++) {
		struct rig *r = rig_new();
		struct dma_chan *ch = &r->dma[1].chan[0];

		assert_int_equal(iodev_init(&r->dev, &r->sim, &r->bus, "dev",
					    DEV_BASE, &in), 0);
		r->has_dev = true;
		for (unsigned i = 0; i < sizeof(want); i++)
			want[i] = iodev_pattern(&r->dev, i);
		start(r, 1, DEV_BASE + IODEV_DATA, 0x20000, 1024, 256,
		      DMA_CTRL_SRC_FIXED | (f ? DMA_CTRL_FLYBY : 0));
		sim_run(&r->sim, UINT64_MAX);
		assert_int_equal(ch->state, DMA_DONE);
		memory_read(&r->mem, 0x20000, got, sizeof(got));
		assert_memory_equal(got, want, sizeof(got));
		cycles[f] = ch->port.busy_cycles;
		assert_int_equal(ch->done_at, cycles[f] * NS);
		rig_free(r);
	}
	assert_int_equal(cycles[0], 416);
	assert_int_equal(cycles[1], 208);
	{
		struct rig *r = rig_new();
		struct dma_chan *ch = &r->dma[1].chan[0];

		assert_int_equal(iodev_init(&r->dev, &r->sim, &r->bus, "dev",
					    DEV_BASE, &out), 0);
		r->has_dev = true;
		assert_int_equal(memory_write(&r->mem, 0x20000, want,
					      sizeof(want)), 0);
		start(r, 1, 0x20000, DEV_BASE + IODEV_DATA, 1024, 256,
		      DMA_CTRL_DST_FIXED | DMA_CTRL_FLYBY);
		sim_run(&r->sim, UINT64_MAX);
		assert_int_equal(ch->state, DMA_DONE);
		assert_int_equal(ch->port.busy_cycles, 208);
		assert_memory_equal(r->dev.received, want, sizeof(want));
		start(r, 1, 0x20000, 0x30000, 1024, 256, DMA_CTRL_FLYBY);
		sim_run(&r->sim, UINT64_MAX);
		assert_int_equal(ch->state, DMA_ERROR);
		assert_int_equal(DMA_STATUS_CODE(ch->status), DMA_ERR_FLYBY);
		assert_int_equal(ch->bytes, 1024);	/* only the first */
		rig_free(r);
	}
}

/*
 * The DREQ/DACK handshake's timings: the device of block_holds_bus (piece
 * k ready at 100 (k + 1)), the channel acting on DREQ 20 ns later, DACK
 * adding 3 cycles to each 52-cycle piece.  Piece k moves 100 (k + 1) + 20
 * .. + 55; the last ends at 820 + 55 = 875.  Cycle stealing: 8 grants of
 * 55.  Block mode: one grant from 120 to 875, 755 cycles.
 */
static void dreq_dack_timings(void **state)
{
	(void)state;
	for (unsigned e = 0; e < 2; e++) {
		struct rig *r = rig_new();
		struct dma_chan *ch = &r->dma[e].chan[0];

		rig_dev(r, 64);
		r->dma[e].dreq_latency = 20 * NS;
		r->dma[e].dack_cycles = 3;
		start(r, e, DEV_BASE + IODEV_DATA, 0x1000, 64, 8,
		      DMA_CTRL_SRC_FIXED);
		sim_run(&r->sim, UINT64_MAX);
		assert_int_equal(ch->state, DMA_DONE);
		assert_int_equal(ch->done_at, 875 * NS);
		assert_int_equal(ch->port.grants, e ? 8 : 1);
		assert_int_equal(ch->port.busy_cycles, e ? 8 * 55 : 755);
		rig_free(r);
	}
}

/*
 * A replayed trace: units of 8 bytes at 100, 150, 400 and 400 ns, read
 * by a cycle-stealing channel in 8-byte pieces of 52 cycles: 100-152,
 * 152-204 (ready at 150, the bus free at 152), 400-452, 452-504.
 */
static void trace_arrivals(void **state)
{
	static const uint64_t times[] = { 100 * NS, 150 * NS, 400 * NS,
					  400 * NS };
	struct iodev_config dc = { .size = 32, .buffer = 32,
				   .latency = 30 * NS, .seed = 2,
				   .arrival = IODEV_TRACE, .unit = 8,
				   .trace = times, .ntrace = 4 };
	struct rig *r = rig_new();
	struct dma_chan *ch = &r->dma[1].chan[0];
	uint8_t want[32], got[32];

	(void)state;
	assert_int_equal(iodev_init(&r->dev, &r->sim, &r->bus, "dev",
				    DEV_BASE, &dc), 0);
	r->has_dev = true;
	for (unsigned i = 0; i < 32; i++)
		want[i] = iodev_pattern(&r->dev, i);
	start(r, 1, DEV_BASE + IODEV_DATA, 0x1000, 32, 8, DMA_CTRL_SRC_FIXED);
	sim_run(&r->sim, UINT64_MAX);
	assert_int_equal(ch->state, DMA_DONE);
	assert_int_equal(ch->done_at, 504 * NS);
	memory_read(&r->mem, 0x1000, got, 32);
	assert_memory_equal(got, want, 32);
	assert_int_equal(iodev_progress(&r->dev, 0), 0);
	rig_free(r);
}

/* Three devices of config dc (seeds 3, 3 and 4), each made to schedule
 * all 1024 units: every unit done by then, the last one exactly at its
 * time; the first and last units' times of each in first[] and last[]. */
static void poisson_schedules(struct iodev_config dc, uint64_t first[3],
			      uint64_t last[3])
{
	for (int i = 0; i < 3; i++) {
		struct rig *r = rig_new();

		dc.seed = i == 2 ? 4 : 3;
		assert_int_equal(iodev_init(&r->dev, &r->sim, &r->bus, "dev",
					    DEV_BASE, &dc), 0);
		r->has_dev = true;
		assert_int_equal(iodev_progress(&r->dev, UINT64_MAX / 2),
				 64 * 1024);
		assert_int_equal(r->dev.nsched, 1024);
		first[i] = r->dev.sched[0];
		last[i] = r->dev.sched[1023];
		assert_int_equal(iodev_progress(&r->dev, last[i] - 1),
				 64 * 1023);
		rig_free(r);
	}
	/* the mean interval 640 ns: the last about 655 us on, the same seed
	 * the same times, another seed others */
	assert_true(last[0] > 655360 * NS * 0.9 && last[0] < 655360 * NS * 1.1);
	assert_int_equal(last[0], last[1]);
	assert_int_not_equal(last[0], last[2]);
}

/*
 * Poisson arrivals: 1024 units of 64 bytes at a mean of 100 MB/s (640 ns
 * apart): the last arrives near 655.36 us (the sum of 1024 exponential
 * intervals has a relative spread of 1/32; 10% is over 3 of them); not
 * on the deterministic grid; and the same seed and name give the same
 * schedule, another seed another one.
 */
static void poisson_arrivals(void **state)
{
	struct iodev_config dc = { .size = 64 * 1024, .buffer = 64 * 1024,
				   .rate = 1e8, .arrival = IODEV_POISSON,
				   .unit = 64 };
	uint64_t last[3], first[3];

	(void)state;
	poisson_schedules(dc, first, last);
	assert_int_not_equal(first[0], 640 * NS);	/* not the grid */
}

/* Exponential service on an output device: 1024 units of 64 bytes
 * consumed at exponential intervals of mean 640 ns (64 B at 100 MB/s),
 * as arrivals are produced. */
static void poisson_service(void **state)
{
	struct iodev_config dc = { .output = true, .size = 64 * 1024,
				   .buffer = 64 * 1024, .rate = 1e8,
				   .arrival = IODEV_POISSON, .unit = 64 };
	uint64_t last[3], first[3];

	(void)state;
	poisson_schedules(dc, first, last);
	assert_int_not_equal(first[0], 640 * NS);
}

/*
 * A count register 8 bits wide (at most 255 bytes) and a 1000-byte copy:
 * the driver splits it into 255 + 255 + 255 + 235, four programmed
 * transfers, each with its own set-up (given as a total of 5000 CPU
 * cycles) and completion interrupt.  The CPU is busy only for set-ups and
 * handlers, which cost the same each time, so it is busy exactly four
 * times as long as for the same copy with a 32-bit count (one transfer).
 * Writing 1000 into the 8-bit LEN keeps 1000 mod 256 = 232 and counts a
 * guest error.  The set-up given as a time, 5 us of the 1 GHz CPU, is the
 * same 5000 cycles.
 */
static const char split_lua[] =
	"package.path = package.path .. ';" DMASIM_SOURCE_DIR
	"/scenarios/lib/?.lua'\n"
	"local drv = require 'dmadrv'\n"
	"local p = dmasim.params{ bits = 8, setup = 'cycles' }\n"
	"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
	"local mem = sys:memory{ base = 0, size = '1MiB', latency = '20ns' }\n"
	"local cpu = sys:cpu{ clock = '1GHz' }\n"
	"local dma = sys:dma{ irq = cpu, count_bits = p.bits, burst = 64 }\n"
	"local d = drv.new(cpu, dma, p.setup == 'time' and\n"
	"  { setup_time = '5us' } or { setup_cycles = 5000 }):attach(sys)\n"
	"local src = {}\n"
	"for i = 1, 1000 do src[i] = string.char((i * 7) % 251) end\n"
	"src = table.concat(src)\n"
	"mem:write(0x1000, src)\n"
	"local n\n"
	"sys:spawn(function() n = d:copy_split(0, 0x1000, 0x8000, 1000) end)\n"
	"sys:run()\n"
	"dmasim.report('n', n)\n"
	"dmasim.report('count_max', dma.count_max)\n"
	"dmasim.report('ok', mem:read(0x8000, 1000) == src)\n"
	"dmasim.report('irqs', cpu.irqs)\n"
	"dmasim.report('busy', cpu.busy_cycles)\n"
	"dmasim.report('transfers', dma:channel(0).transfers)\n"
	"dma:set_reg(dmasim.dma_regs.LEN, 1000)\n"
	"dmasim.report('guest_errors', dma.guest_errors)\n";

static void split_count_register(void **state)
{
	struct dmasim_run *run;
	int code;
	int64_t busy4, busy1;

	(void)state;
	run = tu_run_text(split_lua, &code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "n"), 4);
	assert_int_equal(tu_int(run, "count_max"), 255);
	assert_string_equal(tu_str(run, "ok"), "true");
	assert_int_equal(tu_int(run, "irqs"), 4);
	assert_int_equal(tu_int(run, "transfers"), 4);
	assert_int_equal(tu_int(run, "guest_errors"), 1);
	busy4 = tu_int(run, "busy");
	dmasim_run_free(run);
	run = tu_run_text(split_lua, &code, "setup=time", NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "busy"), busy4);
	dmasim_run_free(run);
	run = tu_run_text(split_lua, &code, "bits=32", NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "n"), 1);
	assert_int_equal(tu_int(run, "guest_errors"), 0);
	busy1 = tu_int(run, "busy");
	dmasim_run_free(run);
	assert_true(busy1 > 5000);
	assert_int_equal(busy4, 4 * busy1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/dma/block/holds_bus", block_holds_bus),
		TEST("/hw/dma/block/bursts_delivered_as_moved",
		     bursts_delivered_as_moved),
		TEST("/hw/dma/block/fails_inside_tenure",
		     block_fails_inside_tenure),
		TEST("/hw/dma/flyby/half_the_cycles", flyby_half_the_cycles),
		TEST("/hw/dma/dreq_dack_timings", dreq_dack_timings),
		TEST("/hw/iodev/trace_arrivals", trace_arrivals),
		TEST("/hw/iodev/poisson_arrivals", poisson_arrivals),
		TEST("/hw/iodev/poisson_service", poisson_service),
		TEST("/lua/dma/split_count_register", split_count_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
