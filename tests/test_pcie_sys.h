/*
 * test_pcie_sys: the PCIe hierarchy through the public API, included by
 * test_pcie.c.  A host bus (1 GHz, 64 bytes wide) with 64 MiB of memory
 * at 0 and a CPU; a root complex (MMIO at 0x80000000, 150 ns each way),
 * endpoints on Gen3 x16 links of 100 ns with device memory in their BARs
 * and a DMA engine whose registers open each BAR.
 */
#define EP_A 0x80000000ull
#define EP_B 0x80100000ull

struct hier {
	struct dmasim_sys *sys;
	struct dmasim_bus *host;
	struct dmasim_memory *mem, *dmem[2];
	struct dmasim_cpu *cpu;
	struct dmasim_intc *ic;
	struct dmasim_pcie *rc, *sw, *ep[2];
	struct dmasim_dma *dma[2];
	/* the driver's work */
	uint64_t src, dst;
	uint32_t len;
	uint64_t value, t0, t1;
	int step;
};

/* Endpoints under a switch (sw) or straight under the root. */
static void hier_init(struct hier *h, bool sw)
{
	struct dmasim_bus_config bc;
	struct dmasim_memory_config mc;
	struct dmasim_pcie_root_config rc;
	struct dmasim_pcie_config pc;
	struct dmasim_intc_config ic;
	struct dmasim_dma_config dc;

	memset(h, 0, sizeof(*h));
	assert_int_equal(dmasim_sys_new(NULL, &h->sys), 0);
	dmasim_bus_config_init(&bc);
	bc.width = 64;
	assert_int_equal(dmasim_bus_new(h->sys, &bc, &h->host), 0);
	dmasim_memory_config_init(&mc);
	mc.size = 64 << 20;
	assert_int_equal(dmasim_memory_new(h->sys, h->host, &mc, &h->mem), 0);
	assert_int_equal(dmasim_cpu_new(h->sys, h->host, NULL, &h->cpu), 0);
	dmasim_intc_config_init(&ic);
	assert_int_equal(dmasim_intc_new(h->sys, &ic, &h->ic), 0);
	dmasim_pcie_root_config_init(&rc);
	rc.intc = h->ic;
	assert_int_equal(dmasim_pcie_root_new(h->sys, h->host, &rc, &h->rc),
			 0);
	dmasim_pcie_config_init(&pc);
	if (sw) {
		pc.base = EP_A;
		pc.size = 16 << 20;
		assert_int_equal(dmasim_pcie_switch_new(h->sys, h->rc, &pc,
							&h->sw), 0);
	}
	for (int i = 0; i < 2; i++) {
		pc.base = i ? EP_B : EP_A;
		pc.size = 1 << 20;
		assert_int_equal(dmasim_pcie_endpoint_new(h->sys,
				 sw ? h->sw : h->rc, &pc, &h->ep[i]), 0);
		mc.base = pc.base + 0x10000;
		mc.size = 0xf0000;
		assert_int_equal(dmasim_memory_new(h->sys,
				 dmasim_pcie_bus(h->ep[i]), &mc, &h->dmem[i]),
				 0);
		dmasim_dma_config_init(&dc);
		dc.base = pc.base;
		dc.burst = 4096;
		assert_int_equal(dmasim_dma_new(h->sys,
				 dmasim_pcie_bus(h->ep[i]), &dc, &h->dma[i]),
				 0);
	}
}

/* The CPU reads a device register (non-posted, a completion back), then
 * writes one (posted) and reads it back. */
static void mmio_driver(struct dmasim_proc *p, void *ctx)
{
	struct hier *h = ctx;

	DMASIM_PROC_BEGIN(p);
	h->t0 = dmasim_sys_now(h->sys);
	DMASIM_AWAIT(p, dmasim_cpu_read(p, h->cpu, EP_A + 0x10000, 4));
	h->t1 = dmasim_sys_now(h->sys);
	h->value = dmasim_proc_result(p)->value;
	DMASIM_AWAIT(p, dmasim_cpu_write(p, h->cpu, EP_A + 0x10008, 0x5a5a,
					 4));
	DMASIM_AWAIT(p, dmasim_cpu_read(p, h->cpu, EP_A + 0x10008, 4));
	h->src = dmasim_proc_result(p)->value;
	DMASIM_PROC_END(p);
}

/* An uncached register read: down through the root complex (150 ns) and
 * the link (100 ns), and the completion back the same way: at least
 * 2 x (150 + 100) = 500 ns, plus bus cycles and wire time (under 40 ns
 * here). */
static void mmio_read_round_trip(void **state)
{
	struct hier h;
	uint32_t reg = 0x12345678;
	struct dmasim_pcie_link_info up, down;

	(void)state;
	hier_init(&h, false);
	assert_int_equal(dmasim_memory_write(h.dmem[0], EP_A + 0x10000, &reg,
					     4), 0);
	assert_int_equal(dmasim_spawn(h.sys, mmio_driver, &h, NULL), 0);
	assert_int_equal(dmasim_sys_run(h.sys, UINT64_MAX), 0);
	assert_int_equal(h.value, 0x12345678);
	assert_int_equal(h.src, 0x5a5a);
	assert_true(h.t1 - h.t0 >= 500000 && h.t1 - h.t0 < 540000);
	assert_int_equal(dmasim_pcie_link_info(h.ep[0], false, &down), 0);
	assert_int_equal(dmasim_pcie_link_info(h.ep[0], true, &up), 0);
	assert_int_equal(down.reads, 2);
	assert_int_equal(down.writes, 1);
	assert_int_equal(up.completions, 2);
	assert_int_equal(dmasim_pcie_link_info(h.rc, true, &up),
			 DMASIM_EINVAL);
	dmasim_sys_free(h.sys);
}

/* The driver programs endpoint A's DMA engine over MMIO, reads its status
 * back (the read goes down behind the posted register writes, so the
 * channel has started when it returns: PCI's read-flushes-writes), and
 * waits. */
static void dma_driver(struct dmasim_proc *p, void *ctx)
{
	struct hier *h = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_program(p, h->cpu,
					   dmasim_dma_channel(h->dma[0], 0),
					   h->src, h->dst, h->len, 0, false));
	h->t0 = dmasim_sys_now(h->sys);
	DMASIM_AWAIT(p, dmasim_dma_read_status(p, h->cpu,
					       dmasim_dma_channel(h->dma[0],
								  0)));
	DMASIM_AWAIT(p, dmasim_wait_channel(p, dmasim_dma_channel(h->dma[0],
								  0)));
	h->t1 = dmasim_sys_now(h->sys);
	DMASIM_PROC_END(p);
}

/* Run one DMA of len bytes from src to dst; returns the time it took,
 * from its doorbell to its last burst done (a write's when posted). */
static uint64_t run_dma(struct hier *h, uint64_t src, uint64_t dst,
			uint32_t len)
{
	struct dmasim_channel_info ci;

	h->src = src;
	h->dst = dst;
	h->len = len;
	assert_int_equal(dmasim_spawn(h->sys, dma_driver, h, NULL), 0);
	if (dmasim_sys_run(h->sys, UINT64_MAX))
		fail_msg("%s", dmasim_sys_error(h->sys));
	dmasim_channel_info(dmasim_dma_channel(h->dma[0], 0), &ci);
	return ci.done_at - ci.started_at;
}

/* Every path moves the bytes intact: device to host, host to device, and
 * device to device under a switch and through the root complex. */
static void bytes_identical_on_every_path(void **state)
{
	struct hier h;
	const uint64_t n = 20000;
	uint64_t a, b;

	(void)state;
	for (int sw = 0; sw < 2; sw++) {
		hier_init(&h, sw);
		dmasim_memory_fill(h.dmem[0], EP_A + 0x10000, n, 11);
		dmasim_memory_fill(h.mem, 0x100000, n, 12);
		run_dma(&h, EP_A + 0x10000, 0x200000, n);	/* up */
		dmasim_memory_hash(h.dmem[0], EP_A + 0x10000, n, &a);
		dmasim_memory_hash(h.mem, 0x200000, n, &b);
		assert_int_equal(a, b);
		run_dma(&h, 0x100000, EP_A + 0x40000, n);	/* down */
		dmasim_memory_hash(h.mem, 0x100000, n, &a);
		dmasim_memory_hash(h.dmem[0], EP_A + 0x40000, n, &b);
		assert_int_equal(a, b);
		run_dma(&h, EP_A + 0x10000, EP_B + 0x20000, n);	/* peer */
		dmasim_memory_hash(h.dmem[0], EP_A + 0x10000, n, &a);
		dmasim_memory_hash(h.dmem[1], EP_B + 0x20000, n, &b);
		assert_int_equal(a, b);
		dmasim_sys_free(h.sys);
	}
}

/*
 * Peer-to-peer: a 64 KiB copy from A's memory into B's (16 posted writes
 * of 4 KiB), then a 64-byte DMA read of B's memory by A (a round trip).
 * Under a switch the requests turn at the switch; between two root ports
 * they climb to the root complex and take its peer-to-peer path, 500 ns
 * more.  The paths cross the same two links, so the round trip through
 * the root complex is exactly the switch's plus 500 ns (completions go
 * back without it).
 */
static void p2p_switch_faster_than_root(void **state)
{
	struct hier h;
	uint64_t r_sw, r_rc;

	(void)state;
	hier_init(&h, true);
	run_dma(&h, EP_A + 0x10000, EP_B + 0x10000, 65536);
	r_sw = run_dma(&h, EP_B + 0x10000, EP_A + 0x80000, 64);
	assert_int_equal(h.rc->p2p.requests, 0);
	dmasim_sys_free(h.sys);
	hier_init(&h, false);
	run_dma(&h, EP_A + 0x10000, EP_B + 0x10000, 65536);
	r_rc = run_dma(&h, EP_B + 0x10000, EP_A + 0x80000, 64);
	/* the root forwards TLPs: 256 writes of MPS 256, one read */
	assert_int_equal(h.rc->p2p.requests, 256 + 1);
	assert_int_equal(h.rc->p2p.bytes, 65536 + 64);
	dmasim_sys_free(h.sys);
	assert_int_equal(r_rc, r_sw + 500000);
	/* closed form under the switch: two links each way (4 x 100 ns),
	 * the wire (2 x 1524 + 2 x 5333 ps), and bus cycles */
	assert_true(r_sw >= 400000 + 2 * 1524 + 2 * 5333 &&
		    r_sw < 400000 + 2 * 1524 + 2 * 5333 + 10000);
}

/* An MSI: the device's DMA writes the line number to the root complex's
 * MSI address, which raises that line of the interrupt controller, after
 * the data the same device wrote before it. */
static void msi_raises_a_line(void **state)
{
	struct hier h;
	uint32_t line = 5;
	struct dmasim_intc_line_info li;

	(void)state;
	hier_init(&h, false);
	assert_int_equal(dmasim_memory_write(h.dmem[0], EP_A + 0x20000, &line,
					     4), 0);
	assert_int_equal(dmasim_intc_line_info(h.ic, 5, &li), 0);
	assert_int_equal(li.raised, 0);
	run_dma(&h, EP_A + 0x20000, 0xfee00000ull, 4);
	assert_int_equal(dmasim_intc_line_info(h.ic, 5, &li), 0);
	assert_int_equal(li.raised, 1);
	assert_int_equal(h.rc->msi.raised, 1);
	dmasim_sys_free(h.sys);
}

/* An IOMMU goes on the root complex's host bridge, upstream. */
static void iommu_at_the_root(void **state)
{
	struct hier h;
	struct dmasim_iommu *io;

	(void)state;
	hier_init(&h, false);
	assert_non_null(dmasim_pcie_bridge(h.rc));
	assert_null(dmasim_pcie_bridge(h.ep[0]));
	assert_int_equal(dmasim_iommu_new(h.sys, dmasim_pcie_bridge(h.rc),
					  DMASIM_B_TO_A, NULL, &io), 0);
	dmasim_sys_free(h.sys);
}

/* Bad parameters: the message names the field and what was expected. */
static void bad_hierarchy_parameters(void **state)
{
	struct hier h;
	struct dmasim_pcie_config pc;
	struct dmasim_pcie *p;
	static const struct {
		const char *field;
		unsigned gen, width;
		uint32_t mps;
		uint64_t base;
		const char *want;
	} bad[] = {
		{ "gen", 7, 16, 256, 0x80200000, "gen: expected" },
		{ "width", 3, 3, 256, 0x80200000, "width: expected" },
		{ "mps", 3, 16, 100, 0x80200000, "mps: expected" },
		{ "bar", 3, 16, 256, 0x10000000, "expected a non-empty range "
		  "inside 'pcie0'" },
		{ "overlap", 3, 16, 256, EP_A, "overlaps" },
	};

	(void)state;
	hier_init(&h, false);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dmasim_pcie_config_init(&pc);
		pc.gen = bad[i].gen;
		pc.width = bad[i].width;
		pc.mps = bad[i].mps;
		pc.base = bad[i].base;
		pc.size = 1 << 20;
		assert_int_equal(dmasim_pcie_endpoint_new(h.sys, h.rc, &pc, &p),
				 DMASIM_EINVAL);
		if (!strstr(dmasim_sys_error(h.sys), bad[i].want))
			fail_msg("%s: '%s'", bad[i].field,
				 dmasim_sys_error(h.sys));
	}
	dmasim_pcie_config_init(&pc);
	pc.base = 0x80400000;
	pc.size = 4096;
	assert_int_equal(dmasim_pcie_endpoint_new(h.sys, h.ep[0], &pc, &p),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(h.sys), "is an endpoint"));
	dmasim_sys_free(h.sys);
}

#define PCIE_SYS_TESTS                                                       \
	cmocka_unit_test(mmio_read_round_trip),                              \
	cmocka_unit_test(bytes_identical_on_every_path),                     \
	cmocka_unit_test(p2p_switch_faster_than_root),                       \
	cmocka_unit_test(msi_raises_a_line),                                 \
	cmocka_unit_test(iommu_at_the_root),                                 \
	cmocka_unit_test(bad_hierarchy_parameters),
