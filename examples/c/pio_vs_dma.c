/*
 * pio_vs_dma: the programmed-I/O against DMA break-even, in C, without Lua.
 *
 * The classic claim: with a programmed-I/O cost of c CPU cycles per word
 * and a one-time DMA cost of S cycles (the driver's set-up plus the
 * completion interrupt), DMA costs the CPU less for any block larger than
 * about S/c words.
 *
 * The machine is the reference machine of scenarios/lib/machine.lua: a
 * 2 GHz CPU on a 1 GHz, 8-byte bus, DRAM answering in 20 ns, a DMA engine
 * whose registers answer in 10 ns, and an input device whose data register
 * answers in 30 ns.  For a block of n words the program moves real bytes
 * from the device into memory by PIO (cpu_pio) and by DMA (1000
 * instructions of driver work, four register writes, then the completion
 * interrupt: entry, a handler reading and clearing STATUS and doing 500
 * cycles of bookkeeping, exit), measures the CPU cycles each consumed,
 * and bisects for the smallest block where DMA wins.  The model S/c is
 * computed from the same parameters alone.
 *
 *   cc pio_vs_dma.c $(pkg-config --cflags --libs dmasim) -o pio_vs_dma
 *   ./pio_vs_dma              # prints the results and the claim
 *
 * Exit status: 0 when the claim agrees with its model, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dmasim/dmasim.h>

#define WORD 4			/* bytes per PIO word */
#define SETUP_INSTR 1000	/* driver instructions before the doorbell */
#define HANDLER_CYCLES 500	/* bookkeeping in the interrupt handler */
#define IRQ_ENTRY 100
#define IRQ_EXIT 50
#define PIO_LOOP 2		/* loop instructions per PIO word */
#define BUF 0x100000ull		/* destination in memory */

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_cpu *cpu;
	struct dmasim_dma *dma;
	struct dmasim_channel *ch;
	struct dmasim_memory *mem;
	struct dmasim_device *dev;
	struct dmasim_completion *done;
	uint64_t bytes;
	int by_dma;		/* move by DMA (else PIO) */
};

static void die(struct dmasim_sys *sys, const char *what)
{
	fprintf(stderr, "pio_vs_dma: %s: %s\n", what,
		sys ? dmasim_sys_error(sys) : "failed");
	exit(2);
}

/* The completion interrupt's handler: read and clear STATUS, bookkeep,
 * wake the driver. */
static void handler(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_read_status(p, r->cpu, r->ch));
	DMASIM_AWAIT(p, dmasim_dma_ack(p, r->cpu, r->ch,
				       (uint32_t)dmasim_proc_result(p)->value));
	DMASIM_AWAIT(p, dmasim_cpu_busy(p, r->cpu, HANDLER_CYCLES));
	if (dmasim_complete(r->done))
		dmasim_proc_fail(p, "out of memory");
	DMASIM_PROC_END(p);
}

/* The driver: one block by PIO, or by DMA and its interrupt. */
static void driver(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	if (!r->by_dma) {
		DMASIM_AWAIT(p, dmasim_cpu_pio(p, r->cpu,
					       dmasim_device_data(r->dev), BUF,
					       r->bytes, false));
	} else {
		DMASIM_AWAIT(p, dmasim_cpu_compute(p, r->cpu, SETUP_INSTR));
		DMASIM_AWAIT(p, dmasim_dma_program(p, r->cpu, r->ch,
						   dmasim_device_data(r->dev),
						   BUF, (uint32_t)r->bytes,
						   DMASIM_DMA_SRC_FIXED, true));
		DMASIM_AWAIT(p, dmasim_wait_completion(p, r->done));
	}
	DMASIM_PROC_END(p);
}

/* Build the reference machine, move n words, return the CPU's busy
 * cycles; the bytes are checked against the device's pattern. */
static uint64_t measure(int dma, uint64_t words)
{
	struct dmasim_memory_config mc;
	struct dmasim_cpu_config cc;
	struct dmasim_dma_config dc;
	struct dmasim_device_config vc;
	struct dmasim_bus_config bc;
	struct dmasim_stat busy;
	struct rig r = { .by_dma = dma, .bytes = words * WORD };
	uint8_t *got, *want;

	if (dmasim_sys_new(NULL, &r.sys))
		die(NULL, "system");
	dmasim_bus_config_init(&bc);
	bc.clock_hz = 1e9;
	bc.width = 8;
	dmasim_memory_config_init(&mc);
	mc.latency = 20000;			/* 20 ns */
	dmasim_cpu_config_init(&cc);
	cc.clock_hz = 2e9;
	cc.word = WORD;
	cc.pio_loop = PIO_LOOP;
	cc.irq_entry = IRQ_ENTRY;
	cc.irq_exit = IRQ_EXIT;
	if (dmasim_bus_new(r.sys, &bc, NULL) ||
	    dmasim_memory_new(r.sys, NULL, &mc, &r.mem) ||
	    dmasim_cpu_new(r.sys, NULL, &cc, &r.cpu))
		die(r.sys, "machine");
	dmasim_dma_config_init(&dc);
	dc.channels = 2;
	dc.reg_latency = 10000;			/* 10 ns */
	dc.burst = 256;
	dc.irq = r.cpu;
	dmasim_device_config_init(&vc);
	vc.base = 0x50000000;
	vc.latency = 30000;			/* 30 ns */
	if (dmasim_dma_new(r.sys, NULL, &dc, &r.dma) ||
	    dmasim_device_new(r.sys, NULL, &vc, &r.dev) ||
	    dmasim_completion_new(r.sys, &r.done))
		die(r.sys, "machine");
	r.ch = dmasim_dma_channel(r.dma, 0);
	if (dmasim_cpu_on_irq(r.cpu, 0, handler, &r) ||
	    dmasim_spawn(r.sys, driver, &r, NULL))
		die(r.sys, "software");
	if (dmasim_sys_run(r.sys, UINT64_MAX))
		die(r.sys, "run");
	got = malloc(r.bytes);
	want = malloc(r.bytes);
	if (!got || !want || dmasim_memory_read(r.mem, BUF, got, r.bytes) ||
	    dmasim_device_expected(r.dev, 0, want, r.bytes) ||
	    memcmp(got, want, r.bytes))
		die(r.sys, "the block arrived damaged");
	free(got);
	free(want);
	if (dmasim_sys_stat(r.sys, "cpu0.busy_ps", &busy))
		die(r.sys, "statistic cpu0.busy_ps");
	dmasim_sys_free(r.sys);
	return busy.count / 500;		/* ps to 2 GHz cycles */
}

int main(void)
{
	/* The model, from the parameters alone (in 2 GHz CPU cycles; a bus
	 * cycle is r = 2 of them): per word, the loop and a device read and
	 * a memory write of one word; once, the set-up (instructions and
	 * four register writes: two 64-bit, two 32-bit) and the completion
	 * (entry, two register accesses, the handler's work, exit). */
	const double r = 2;
	const double dev = 30 + 1, mem = 20 + 1, reg32 = 10 + 1, reg64 = 10 + 1;
	const double c = PIO_LOOP + (dev + mem) * r;
	const double S = SETUP_INSTR + (2 * reg64 + 2 * reg32) * r +
			 IRQ_ENTRY + 2 * reg32 * r + HANDLER_CYCLES + IRQ_EXIT;
	uint64_t lo = 1, hi = 4096;
	double crossing, a0, a1, b0, b1;
	struct dmasim_claim claim;
	struct dmasim_run *run;
	int agree = 0;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (measure(1, mid) < measure(0, mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	/* PIO's cost is linear in the words: interpolate the crossing. */
	a0 = (double)measure(0, lo - 1);
	a1 = (double)measure(0, lo);
	b0 = (double)measure(1, lo - 1);
	b1 = (double)measure(1, lo);
	crossing = (double)(lo - 1) + (b0 - a0) / ((a1 - a0) - (b1 - b0));

	if (dmasim_run_new(&run))
		return 2;
	dmasim_run_report_real(run, "c_model", c, "cycles/word");
	dmasim_run_report_real(run, "S_model", S, "cycles");
	dmasim_run_report_int(run, "breakeven_cpu_words", (int64_t)lo, "words");
	dmasim_run_report_real(run, "crossing_cpu_words", crossing, "words");
	memset(&claim, 0, sizeof(claim));
	claim.id = "pio_vs_dma.breakeven_cpu";
	claim.text = "DMA costs the CPU less above S/c words";
	claim.unit = "words";
	claim.model = S / c;
	claim.simulated = crossing;
	claim.tolerance = 0.02;
	dmasim_run_add_claim(run, &claim, &agree);
	dmasim_run_print(run, stdout);
	dmasim_run_free(run);
	return agree ? 0 : 1;
}
