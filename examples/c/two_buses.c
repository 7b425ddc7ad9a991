/*
 * two_buses: a machine with two interconnects joined by a bridge, built
 * and run in C, and its statistics printed.
 *
 *   memory bus  1 GHz, 8 bytes wide: the CPU and 1 GiB of DRAM (20 ns)
 *   I/O bus     250 MHz, 4 bytes wide: a DMA engine and an input device
 *   bridge      the CPU reaches the I/O bus's registers through a window
 *               of [0x40000000, +512 MiB); the DMA reaches DRAM through a
 *               window of [0, 1 GiB); 20 ns each way, 4 transactions
 *               queued per direction, posted writes
 *
 * The DMA moves 64 KiB from the device's FIFO into DRAM in 256-byte
 * bursts: each burst is read on the I/O bus, crosses the bridge, and is
 * written into DRAM on the memory bus.  Meanwhile the CPU computes, one
 * instruction in five referencing memory.  The CPU and the DMA meet only
 * where their paths share a hop (the memory bus, for the DMA's writes),
 * so the CPU's effective CPI rises by little, while on one shared bus it
 * would have waited through every burst.  The program runs the CPU alone
 * first, then with the transfer, verifies every byte, and prints what each
 * bus, the bridge, the CPU and the channel did.  (The driver runs on the
 * same CPU: it programs the channel through the bridge, reads STATUS back
 * to push its posted writes through, and then waits behind the compute
 * work; the channel's own completion time is what dma_done_us shows.)
 *
 *   cc two_buses.c $(pkg-config --cflags --libs dmasim) -o two_buses
 *
 * Exit status: 0 when the bytes arrived intact and the CPU's CPI rose by
 * less than 10% (it would by far more on one bus), 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dmasim/dmasim.h>

#define BLOCK (64u * 1024)
#define BUF 0x100000ull
#define INSTR 200000

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_bus *mem_bus, *io_bus;
	struct dmasim_cpu *cpu;
	struct dmasim_memory *mem;
	struct dmasim_dma *dma;
	struct dmasim_device *dev;
	int with_dma;
	uint64_t t0, cpu_ps, dma_ps;
};

static void die(struct dmasim_sys *sys, const char *what)
{
	fprintf(stderr, "two_buses: %s: %s\n", what, dmasim_sys_error(sys));
	exit(2);
}

static void worker(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	r->t0 = dmasim_sys_now(r->sys);
	DMASIM_AWAIT(p, dmasim_cpu_compute(p, r->cpu, INSTR));
	r->cpu_ps = dmasim_sys_now(r->sys) - r->t0;
	DMASIM_PROC_END(p);
}

static void driver(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	struct dmasim_channel *ch = dmasim_dma_channel(r->dma, 0);

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_program(p, r->cpu, ch,
					   dmasim_device_data(r->dev), BUF,
					   BLOCK, DMASIM_DMA_SRC_FIXED, false));
	/* The register writes were posted in the bridge: reading a register
	 * back behind them (reads never pass writes) makes sure the doorbell
	 * has rung, as a driver behind a PCI bridge does. */
	DMASIM_AWAIT(p, dmasim_dma_read_status(p, r->cpu, ch));
	DMASIM_AWAIT(p, dmasim_wait_channel(p, ch));
	DMASIM_PROC_END(p);
}

static void build(struct rig *r)
{
	struct dmasim_bus_config bc;
	struct dmasim_memory_config mc;
	struct dmasim_cpu_config cc;
	struct dmasim_dma_config dc;
	struct dmasim_device_config vc;
	struct dmasim_bridge_config brc;
	struct dmasim_bridge *br;

	if (dmasim_sys_new(NULL, &r->sys))
		die(NULL, "system");
	dmasim_bus_config_init(&bc);
	bc.name = "membus";
	if (dmasim_bus_new(r->sys, &bc, &r->mem_bus))
		die(r->sys, "memory bus");
	bc.name = "iobus";
	bc.clock_hz = 250e6;
	bc.width = 4;
	if (dmasim_bus_new(r->sys, &bc, &r->io_bus))
		die(r->sys, "I/O bus");
	dmasim_memory_config_init(&mc);
	mc.latency = 20000;
	dmasim_cpu_config_init(&cc);
	cc.mem_frac = 0.2;
	cc.data_addr = 0x8000000;
	if (dmasim_memory_new(r->sys, r->mem_bus, &mc, &r->mem) ||
	    dmasim_cpu_new(r->sys, r->mem_bus, &cc, &r->cpu))
		die(r->sys, "memory bus components");
	dmasim_dma_config_init(&dc);
	dc.burst = 256;
	dmasim_device_config_init(&vc);
	vc.base = 0x50000000;
	vc.size = BLOCK;
	vc.rate = 200e6;			/* 200 MB/s */
	vc.buffer = 1024;
	if (dmasim_dma_new(r->sys, r->io_bus, &dc, &r->dma) ||
	    dmasim_device_new(r->sys, r->io_bus, &vc, &r->dev))
		die(r->sys, "I/O bus components");
	dmasim_bridge_config_init(&brc);
	brc.latency = 20000;
	if (dmasim_bridge_new(r->sys, r->mem_bus, r->io_bus, &brc, &br) ||
	    dmasim_bridge_window(br, DMASIM_A_TO_B, 0x40000000, 512u << 20) ||
	    dmasim_bridge_window(br, DMASIM_B_TO_A, 0, 1u << 30))
		die(r->sys, "bridge");
}

static void print_stat(struct dmasim_sys *sys, const char *name)
{
	struct dmasim_stat st;

	if (dmasim_sys_stat(sys, name, &st))
		die(sys, name);
	printf("%-32s %llu%s%s\n", name, (unsigned long long)st.count,
	       *st.unit ? " " : "", st.unit);
}

int main(void)
{
	struct rig alone = { 0 }, both = { .with_dma = 1 };
	uint8_t *got = malloc(BLOCK), *want = malloc(BLOCK);
	double cpi_alone, cpi_both;
	int intact;

	build(&alone);
	if (dmasim_spawn(alone.sys, worker, &alone, NULL) ||
	    dmasim_sys_run(alone.sys, UINT64_MAX))
		die(alone.sys, "run alone");
	build(&both);
	if (dmasim_spawn(both.sys, driver, &both, NULL) ||
	    dmasim_spawn(both.sys, worker, &both, NULL) ||
	    dmasim_sys_run(both.sys, UINT64_MAX))
		die(both.sys, "run with DMA");
	if (!got || !want || dmasim_memory_read(both.mem, BUF, got, BLOCK) ||
	    dmasim_device_expected(both.dev, 0, want, BLOCK))
		die(both.sys, "read back");
	intact = !memcmp(got, want, BLOCK);
	{
		struct dmasim_channel_info info;

		dmasim_channel_info(dmasim_dma_channel(both.dma, 0), &info);
		both.dma_ps = info.done_at;
	}
	cpi_alone = (double)alone.cpu_ps / 1000 / INSTR;
	cpi_both = (double)both.cpu_ps / 1000 / INSTR;

	printf("cpu_cpi_alone %.4f\n", cpi_alone);
	printf("cpu_cpi_with_dma %.4f\n", cpi_both);
	printf("dma_done_us %.3f\n", (double)both.dma_ps / 1e6);
	printf("block_intact %s\n", intact ? "yes" : "NO");
	print_stat(both.sys, "membus.busy_cycles");
	print_stat(both.sys, "iobus.busy_cycles");
	print_stat(both.sys, "membus.cpu0.busy_cycles");
	print_stat(both.sys, "membus.bridge0.b2a.busy_cycles");
	print_stat(both.sys, "iobus.dma0.ch0.busy_cycles");
	print_stat(both.sys, "bridge0.b2a.forwarded");
	print_stat(both.sys, "bridge0.a2b.forwarded");
	print_stat(both.sys, "bridge0.b2a.bytes");
	dmasim_sys_free(alone.sys);
	dmasim_sys_free(both.sys);
	free(got);
	free(want);
	return intact && cpi_both < 1.1 * cpi_alone ? 0 : 1;
}
