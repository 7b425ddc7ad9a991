/*
 * /scenarios/claims: every claim scenario agrees with its closed-form model
 * within the tolerance it states, on its defaults and at other parameter
 * points, edges included (tiny set-up costs that put the break-even at a
 * word or two; no processing at all; DMA fractions near 0 and near 1).
 * The models live in the scenarios (scenarios/lib/machine.lua counts the
 * machine's costs); the simulated values come from the mechanisms.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static void expect_all_agree(const char *scenario, const char *const *defs)
{
	const char *d[6] = { NULL };
	struct dmasim_run *run;
	int code, n;

	for (int i = 0; defs && defs[i] && i < 5; i++)
		d[i] = defs[i];
	run = tu_run(scenario, &code, d[0], d[1], d[2], d[3], d[4], NULL);
	if (code)
		fail_msg("%s: %s", scenario, dmasim_run_error(run));
	n = dmasim_run_claim_count(run);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		struct dmasim_claim c;

		dmasim_run_claim(run, i, &c);
		if (!c.agree)
			fail_msg("%s [%s%s%s]: claim '%s' disagrees: model %g, "
				 "simulated %g, tolerance %g", scenario,
				 d[0] ? d[0] : "defaults", d[1] ? " " : "",
				 d[1] ? d[1] : "", c.text, c.model, c.simulated,
				 c.tolerance);
	}
	dmasim_run_free(run);
}

static void pio_vs_dma(void **state)
{
	static const char *const points[][3] = {
		{ NULL },
		/* a cheap set-up: break-even at a couple of words */
		{ "setup_instr=0", "handler_cycles=0", NULL },
		/* an expensive one */
		{ "setup_instr=20000", "handler_cycles=4000", NULL },
		/* a slow device makes PIO dearer per word */
		{ "dev_latency=200ns", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/pio_vs_dma.lua", points[i]);
}

static void overlap(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		/* no processing: transfer-bound */
		{ "work_per_byte=0", "sweep=false", NULL },
		{ "work_per_byte=500", "sweep=false", "blocks=2", NULL },
		{ "block=64KiB", "blocks=5", NULL },
		/* a line at a time, and 16 KiB at a time, between computes */
		{ "chunk=64B", "sweep=false", "workload=lz4", NULL },
		{ "chunk=16KiB", "sweep=false", "workload=lz4", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/overlap.lua", points[i]);
}

static void cycle_stealing(void **state)
{
	static const char *const points[][3] = {
		{ NULL },
		{ "cpi_f=0.05", NULL },		/* f near 0 */
		{ "cpi_f=0.1", "burst=512B", NULL },
		{ "access=1", "burst=64B", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/cycle_stealing.lua", points[i]);
}

static void block_vs_cycle_stealing(void **state)
{
	static const char *const points[][3] = {
		{ NULL },
		{ "dev_rate=10MB/s", "block=16KiB", NULL },
		{ "dev_rate=200MB/s", "burst=64B", NULL },
		{ "block=512B", NULL },		/* two bursts */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/block_vs_cycle_stealing.lua",
				 points[i]);
}

static void io_methods(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		{ "unit=8B", NULL },		/* an interrupt per word */
		{ "unit=512B", "dev_rate=50MB/s", "poll_interval=4us", NULL },
		{ "irq_entry=0", "irq_exit=0", "handler_cycles=0", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/io_methods.lua", points[i]);
}

static void interrupt_limits(void **state)
{
	static const char *const points[][3] = {
		{ NULL },
		{ "irq_entry=0", "irq_exit=0", NULL },	/* free entry and exit */
		{ "base=0", "per_unit=10", NULL },
		{ "cpu_clock=2GHz", "unit_rate=2MHz", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/interrupt_limits.lua", points[i]);
}

static void scatter_gather(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		{ "size=64KiB", "segments=16", NULL },
		/* no descriptor or fence cost: SG costs just the fetches */
		{ "desc_cycles=0", "fence_cycles=0", NULL },
		{ "size=1MiB", "segments=1", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/scatter_gather.lua", points[i]);
}

static void pinning_hazard(void **state)
{
	static const char *const points[][3] = {
		{ NULL },
		/* the copy overtakes the device in the page's first lines */
		{ "page=1", "migrate_at=5us", NULL },
		{ "size=256KiB", "page=40", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/pinning_hazard.lua", points[i]);
}

static void thrashing(void **state)
{
	static const char *const points[][5] = {
		{ NULL },
		{ "programs=2", "wset=300", NULL },
		{ "frames=512", "programs=3", "wset=100", NULL },
		/* cheap faults: the knee some 85 frames short of sum(W) */
		{ "swap_latency=10us", NULL },
		/* dear touches: more work to overlap a program's waits */
		{ "touches=10000", "touch_cycles=1000", NULL },
		/* a core each: nothing overlaps the starved program's waits */
		{ "frames=512", "wset=100", "shared_cpu=false",
		  "swap_latency=10us", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/thrashing.lua", points[i]);
}

static void cache_maintenance_cost(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		/* cheaper maintenance, a smaller buffer */
		{ "size=64KiB", "inval=20", "sweep=false", NULL },
		/* 32-byte lines, no barrier cost */
		{ "line=32", "barrier=0", "sweep=false", NULL },
		{ "hit=2", "repeat_size=4KiB", "touch=16KiB", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/cache_maintenance_cost.lua",
				 points[i]);
}

static void coherent_vs_noncoherent(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		{ "packet=512B", NULL },
		{ "packet=8KiB", "inval=20", NULL },
		{ "snoop=4", "copy=40", "packets=8", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/coherent_vs_noncoherent.lua",
				 points[i]);
}

/* The DMA attack: every claim at its edges (a one-byte secret, a payload
 * of a whole page), and the figures themselves. */
static void dma_attack(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		{ "secret=1", "payload=4096", NULL },
	};
	struct dmasim_run *run;
	int code;

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/dma_attack.lua", points[i]);
	run = tu_run("scenarios/dma_attack.lua", &code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "open_secret_bytes_leaked"), 256);
	assert_int_equal(tu_int(run, "iommu_secret_bytes_leaked"), 0);
	assert_int_equal(tu_int(run, "iommu_text_bytes_changed"), 0);
	/* the read stops at its first blocked burst; each of the payload's
	 * eight 64-byte posted writes is blocked */
	assert_int_equal(tu_int(run, "iommu_faults"), 1 + 8);
	dmasim_run_free(run);
}

/* IOTLB reach: the claims at other sizes (a 16-entry IOTLB: reach
 * 64 KiB; slower memory: a longer walk), and the published figure
 * emerging from the walk (226 ns on 600 ns: 3 reads of 75 ns DRAM). */
static void iotlb_reach(void **state)
{
	static const char *const points[][4] = {
		{ "reads=100", NULL },
		{ "reads=100", "entries=16", NULL },
		{ "reads=100", "mem_latency=120ns", "crossing=100ns", NULL },
	};
	struct dmasim_run *run;
	int code;

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/iotlb_reach.lua", points[i]);
	run = tu_run("scenarios/iotlb_reach.lua", &code, NULL);
	assert_int_equal(code, 0);
	assert_true(tu_num(run, "miss_penalty_ns") > 215 &&
		    tu_num(run, "miss_penalty_ns") < 240);
	assert_true(tu_num(run, "read_ns_no_iommu") > 580 &&
		    tu_num(run, "read_ns_no_iommu") < 620);
	dmasim_run_free(run);
}

/* Early boot: the window and the stores counted on either side of it,
 * for periods and crossings that move the boundary. */
static void early_boot(void **state)
{
	static const char *const points[][4] = {
		{ NULL },
		{ "period=7us", NULL },
		{ "period=1us", "boot=50000", NULL },
		{ "crossing=2us", "period=3us", NULL },
		{ "boot=1000", "stores=5", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/early_boot.lua", points[i]);
}

/* A device passed through to a guest, a byte and a page at a time. */
static void vm_passthrough(void **state)
{
	static const char *const points[][4] = {
		{ NULL }, { "bytes=1", NULL }, { "bytes=4096", NULL },
		{ "bytes=17", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/vm_passthrough.lua", points[i]);
}

/* ATS: requests per page with an ATC that holds the buffer and with one
 * too small for it (LRU: every page each pass), bursts that change the
 * IOMMU's count without ATS, one page. */
static void ats(void **state)
{
	static const char *const points[][4] = {
		{ NULL }, { "atc=2", NULL }, { "pages=8", "atc=5", "passes=2" },
		{ "burst=64", NULL }, { "pages=1", "atc=1", "passes=1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/ats.lua", points[i]);
}

/* Lazy unmap: the stale write gets through lazily, never strictly; one
 * packet, and a flush queue that fills before the last write (then the
 * window is closed even lazily: the claim would fail, so the scenario
 * refuses packets >= flush_max). */
static void lazy_unmap(void **state)
{
	static const char *const points[][4] = {
		{ NULL }, { "packets=1", NULL },
		{ "packets=8", "flush_max=9", "packet=64", NULL },
	};
	struct dmasim_run *run;
	int code;

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/lazy_unmap.lua", points[i]);
	run = tu_run("scenarios/lazy_unmap.lua", &code, NULL);
	assert_int_equal(code, 0);
	/* strict mode pays an invalidation per packet, through the IOMMU's
	 * queue: at least its two descriptor stores, the queue's two
	 * fetches and status write and one poll, each a 50 ns memory
	 * access: 300 ns, 600 cycles of the 2 GHz CPU */
	assert_true(tu_num(run, "strict_cpu_per_packet") >
		    tu_num(run, "lazy_cpu_per_packet") + 600);
	assert_true(tu_int(run, "strict_faults") > 0);
	dmasim_run_free(run);
	run = tu_run("scenarios/lazy_unmap.lua", &code, "packets=9",
		     "flush_max=9", NULL);
	assert_int_equal(code, DMASIM_EPARAM);
	dmasim_run_free(run);
}

/* The published figures themselves, not only model agreement. */
static void cache_maintenance_published(void **state)
{
	int code;
	struct dmasim_run *run = tu_run("scenarios/cache_maintenance_cost.lua",
					&code, "sweep=false", NULL);

	(void)state;
	assert_int_equal(code, 0);
	assert_true(tu_num(run, "invalidate_cycles") > 200000);
	assert_true(tu_num(run, "first_byte_ratio") > 100);
	assert_true(tu_num(run, "repeat_pass_cycles_noncacheable") >
		    10 * tu_num(run, "repeat_pass_cycles_cached"));
	assert_int_equal(tu_int(run, "first_byte_data_right"), 1);
	dmasim_run_free(run);
}

/*
 * The overlap scenario's speed-up is a prediction from a sourced workload,
 * not the seed's 1.58: zlib -6 (lzbench on an i7-8700K, 134 cycles a
 * byte) gives about 1.19, zlib -1 (39.5 cycles a byte) about 1.64, the
 * only sourced workload over the seed's "1.58 or more".
 */
static void overlap_158(void **state)
{
	static const struct { const char *workload; double speedup; } w[] = {
		{ "workload=zlib-6", 1.194 },
		{ "workload=zlib-1", 1.642 },
	};
	struct dmasim_run *run;
	int code;

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		run = tu_run("scenarios/overlap.lua", &code, "sweep=false",
			     w[i].workload, NULL);
		assert_int_equal(code, 0);
		assert_float_equal(tu_num(run, "speedup_model"), w[i].speedup,
				   0.01);
		assert_float_equal(tu_num(run, "speedup_simulated"),
				   w[i].speedup, 0.01);
		dmasim_run_free(run);
	}
}

/* The PCIe devices' scenarios at points besides their defaults: each
 * claim holds there too, so that one that fails does so on its own, not
 * only in the tour.  (At a 200 or 500 ns link latency pcie_efficiency's
 * Gen5, small-transfer and, at 500 ns, max-payload-128 writes are bound
 * by the posted credits' round trip, which their models include; at 1
 * and 2 us reads are bound by the non-posted credits' round trip, and
 * at a 500 ns root by its host bridge's queue.) */
static void disk_read(void **state)
{
	static const char *const points[][3] = {
		{ NULL },
		{ "file=4MiB", NULL },
		{ "latency=20us", "bandwidth=6GB/s", NULL },
		{ "readahead=7", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/disk_read.lua", points[i]);
}

static void nic_rx(void **state)
{
	static const char *const points[][2] = {
		{ NULL }, { "ring=64", NULL }, { "pkt_size=512", NULL },
		{ "budget=16", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/nic_rx.lua", points[i]);
}

static void camera_ring(void **state)
{
	static const char *const points[][2] = {
		{ "format=nv12", NULL }, { "stall_every=5", NULL },
		{ "link_latency=1us", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/camera_ring.lua", points[i]);
}

static void transpose(void **state)
{
	static const char *const points[][2] = {
		{ "n=256", NULL }, { "elem=8", NULL },
		{ "dma_mode=cycle_stealing", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/transpose.lua", points[i]);
}

static void pcie_efficiency(void **state)
{
	static const char *const points[][4] = {
		{ NULL }, { "completer_latency=500ns", NULL },
		{ "read_total=4MiB", "total=1MiB", "both_total=512KiB", NULL },
		{ "dram_latency=40ns", NULL },
		{ "link_latency=200ns", NULL }, { "link_latency=500ns", NULL },
		{ "link_latency=1us", NULL }, { "link_latency=2us", NULL },
		{ "root_latency=500ns", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		expect_all_agree("scenarios/pcie_efficiency.lua", points[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pio_vs_dma),
		cmocka_unit_test(overlap),
		cmocka_unit_test(cycle_stealing),
		cmocka_unit_test(overlap_158),
		cmocka_unit_test(scatter_gather),
		cmocka_unit_test(pinning_hazard),
		cmocka_unit_test(thrashing),
		cmocka_unit_test(cache_maintenance_cost),
		cmocka_unit_test(cache_maintenance_published),
		cmocka_unit_test(coherent_vs_noncoherent),
		cmocka_unit_test(dma_attack),
		cmocka_unit_test(iotlb_reach),
		cmocka_unit_test(early_boot),
		cmocka_unit_test(vm_passthrough),
		cmocka_unit_test(lazy_unmap),
		cmocka_unit_test(ats),
		cmocka_unit_test(block_vs_cycle_stealing),
		cmocka_unit_test(interrupt_limits),
		cmocka_unit_test(io_methods),
		cmocka_unit_test(disk_read),
		cmocka_unit_test(nic_rx),
		cmocka_unit_test(camera_ring),
		cmocka_unit_test(transpose),
		cmocka_unit_test(pcie_efficiency),
	};

	return cmocka_run_group_tests_name("/scenarios/claims", tests, NULL,
					   NULL);
}
