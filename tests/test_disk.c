/*
 * /hw/disk: the NVMe-like controller (hw/disk.h) driven as a driver
 * drives it: commands written into a submission queue in memory, the
 * doorbell rung by a bus master's register write, completions read from
 * the completion queue.  Hand-worked timelines, queue wrap and phase
 * bits, a full completion queue, interrupt coalescing, PRP lists, data
 * identical on every path, errors, and the rotating media against a
 * textbook exercise.
 *
 * Rig: one bus, 1 GHz (1000 ps a cycle), 8 bytes wide, memory at 0
 * answering with no latency (one cycle per 8-byte beat), the disk's
 * registers at 0x10000000.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bridge.h"
#include "hw/disk.h"
#include "hw/memory.h"
#include "hw/msi.h"
#include "kernel/base.h"
#include "kernel/util.h"
#include "kernel/sim.h"
#include "testutil.h"
#include "xact_master.h"

#define REGS 0x10000000ull
#define SQ 0x1000ull
#define CQ 0x2000ull
#define DATA 0x10000ull
#define TEST(name, fn) { name, fn, NULL, NULL, NULL }

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct disk d;
	struct xm host;		/* the driver's register accesses */
	uint8_t word[8];
	uint32_t sq_tail, cq_head;
	int irqs;
	uint64_t irq_at[16];
};

static void on_irq(void *ctx, unsigned line)
{
	struct rig *r = ctx;

	(void)line;
	if (r->irqs < 16)
		r->irq_at[r->irqs] = r->sim.now;
	r->irqs++;
}

static struct disk_config nvme_cfg(void)
{
	struct disk_config c = {
		.kind = DISK_NVME, .size = 64ull << 20, .block = 512,
		.queue = 64, .latency = 10000000 /* 10 us */,
		.bandwidth = 1e9, .coalesce = 1,
	};
	return c;
}

static void reg_write(struct rig *r, uint64_t off, uint64_t v, unsigned n)
{
	util_le_put(r->word, v, n);
	xm_start(&r->host, REGS + off, r->word, n, true);
	sim_run(&r->sim, r->sim.now + 1000000);
}

/* Make the rig and enable the controller with queues of sq and cq
 * entries (the register writes take a few cycles; time is reset to the
 * test's origin by noting r->sim.now). */
static void rig_init(struct rig *r, const struct disk_config *c, uint32_t sq,
		     uint32_t cq)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = 16 << 20 };

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(bus_attach(&r->bus, &r->host.m, "host", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	assert_int_equal(disk_init(&r->d, &r->sim, &r->bus, "disk", REGS, c,
				   0), 0);
	disk_set_irq(&r->d, (struct irq_sink){ on_irq, r, 0 });
	reg_write(r, DISK_AQA, (sq - 1) | (uint64_t)(cq - 1) << 16, 4);
	reg_write(r, DISK_ASQ, SQ, 8);
	reg_write(r, DISK_ACQ, CQ, 8);
	reg_write(r, DISK_CC, 1, 4);
	assert_int_equal(r->d.csts, DISK_CSTS_RDY);
	assert_true(disk_check(&r->d));
}

static void rig_fini(struct rig *r)
{
	assert_true(disk_check(&r->d));
	disk_fini(&r->d);
	memory_fini(&r->mem);
	bus_fini(&r->bus);
	sim_fini(&r->sim);
}

/* Put a command in the next SQ slot (untimed set-up). */
static void queue_cmd(struct rig *r, uint8_t op, uint16_t cid, uint64_t prp1,
		      uint64_t prp2, uint64_t lba, uint32_t nblocks)
{
	uint8_t cmd[DISK_CMD_SIZE];

	disk_cmd_build(cmd, op, cid, prp1, prp2, lba, nblocks);
	memory_write(&r->mem, SQ + (uint64_t)r->sq_tail * DISK_CMD_SIZE, cmd,
		     sizeof(cmd));
	r->sq_tail = (r->sq_tail + 1) % r->d.sq_n;
}

static void ring(struct rig *r)
{
	util_le_put(r->word, r->sq_tail, 4);
	xm_start(&r->host, REGS + DISK_SQTDBL, r->word, 4, true);
}

static void cqe_at(struct rig *r, uint32_t i, uint8_t *e)
{
	memory_read(&r->mem, CQ + (uint64_t)i * DISK_CQE_SIZE, e,
		    DISK_CQE_SIZE);
}

static void fill(uint8_t *p, uint64_t n, unsigned seed)
{
	for (uint64_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 9));
}

/*
 * A 4 KiB read (8 blocks) into one page, hand-worked:
 *   doorbell write: 1 cycle                    0 .. 1000
 *   command fetch: 64 bytes, 8 beats           1000 .. 9000
 *   media: 10 us + 4096 B / 1 GB/s = 14.096 us 9000 .. 14,105,000
 *   data DMA: 512 beats                        .. 14,617,000
 *   completion entry: 2 beats                  .. 14,619,000, interrupt
 */
static void read_timeline(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;
	uint8_t img[4096], got[4096], e[16];
	uint64_t t0;

	(void)state;
	rig_init(&r, &c, 8, 8);
	fill(img, sizeof(img), 1);
	assert_int_equal(disk_image_write(&r.d, 40 * 512, img, sizeof(img)),
			 0);
	queue_cmd(&r, DISK_OP_READ, 7, DATA, 0, 40, 8);
	t0 = r.sim.now;
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.irqs, 1);
	assert_int_equal(r.irq_at[0] - t0, 14619000);
	memory_read(&r.mem, DATA, got, sizeof(got));
	assert_memory_equal(got, img, sizeof(img));
	cqe_at(&r, 0, e);
	assert_int_equal(disk_cqe_cid(e), 7);
	assert_int_equal(disk_cqe_status(e), 1);	/* phase 1, success */
	assert_int_equal(disk_cqe_sq_head(e), 1);
	assert_int_equal(r.d.dma_xacts, 1);
	assert_int_equal(r.d.bytes_read, 4096);
	assert_int_equal(r.d.media_ps, 14096000);
	rig_fini(&r);
}

/* 16 KiB written from four scattered pages (PRP1 + a PRP list of three),
 * then read back into other pages: identical bytes, and the image holds
 * them. */
static void prp_list_round_trip(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;
	uint8_t src[16384], got[16384], e[16];
	uint64_t pages[4] = { 0x30000, 0x22000, 0x41000, 0x38000 };
	uint64_t back[4] = { 0x50000, 0x57000, 0x53000, 0x61000 };
	uint8_t list[24];

	(void)state;
	rig_init(&r, &c, 8, 8);
	fill(src, sizeof(src), 3);
	for (int i = 0; i < 4; i++)
		memory_write(&r.mem, pages[i], src + i * 4096, 4096);
	for (int i = 0; i < 3; i++)
		util_le_put(list + i * 8, pages[i + 1], 8);
	memory_write(&r.mem, 0x8000, list, sizeof(list));
	queue_cmd(&r, DISK_OP_WRITE, 1, pages[0], 0x8000, 1000, 32);
	for (int i = 0; i < 3; i++)
		util_le_put(list + i * 8, back[i + 1], 8);
	memory_write(&r.mem, 0x9000, list, sizeof(list));
	queue_cmd(&r, DISK_OP_READ, 2, back[0], 0x9000, 1000, 32);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(disk_image_read(&r.d, 1000 * 512, got, sizeof(got)),
			 0);
	assert_memory_equal(got, src, sizeof(src));
	for (int i = 0; i < 4; i++)
		memory_read(&r.mem, back[i], got + i * 4096, 4096);
	assert_memory_equal(got, src, sizeof(src));
	cqe_at(&r, 1, e);
	assert_int_equal(disk_cqe_cid(e), 2);
	assert_int_equal(disk_cqe_status(e), 1);
	assert_int_equal(r.d.dma_xacts, 8);	/* one per page, each way */
	assert_int_equal(r.d.errors, 0);
	rig_fini(&r);
}

/* Queues of 4: six commands in two batches wrap both queues; the
 * entries written after the CQ wraps carry phase 0. */
static void wrap_and_phase(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;
	uint8_t e[16];

	(void)state;
	c.latency = 1000000;
	rig_init(&r, &c, 4, 4);
	for (int i = 0; i < 3; i++)
		queue_cmd(&r, DISK_OP_READ, (uint16_t)i, DATA + i * 4096, 0, i,
			  1);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.d.cqes, 3);
	for (uint32_t i = 0; i < 3; i++) {
		cqe_at(&r, i, e);
		assert_int_equal(disk_cqe_status(e) & 1, 1);
		assert_int_equal(disk_cqe_cid(e), i);
	}
	reg_write(&r, DISK_CQHDBL, 3, 4);	/* consumed all three */
	for (int i = 3; i < 6; i++)
		queue_cmd(&r, DISK_OP_READ, (uint16_t)i, DATA + i * 4096, 0, i,
			  1);
	assert_int_equal(r.sq_tail, 2);	/* the SQ wrapped */
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.d.cqes, 6);
	cqe_at(&r, 3, e);
	assert_int_equal(disk_cqe_cid(e), 3);
	assert_int_equal(disk_cqe_status(e) & 1, 1);	/* before the wrap */
	cqe_at(&r, 0, e);
	assert_int_equal(disk_cqe_cid(e), 4);
	assert_int_equal(disk_cqe_status(e) & 1, 0);	/* after it */
	cqe_at(&r, 1, e);
	assert_int_equal(disk_cqe_cid(e), 5);
	assert_int_equal(disk_cqe_status(e) & 1, 0);
	assert_int_equal(disk_cqe_sq_head(e), 2);
	rig_fini(&r);
}

/* A CQ of 2 holds one entry: the second command waits until the host
 * moves the head, then completes. */
/* The queue full (2 entries: one free at most): the second completion
 * waits until the host frees a slot.  With msi, the disk signals by an
 * MSI port (hw/msi) on its bus instead of the wire: each signal a 4-byte
 * posted write of the line's number (5) to 0x3000 after the completion
 * entry's write, the wire never raised, the waiting entry posted and
 * signalled once a slot is free. */
static void cq_full_case(bool msi)
{
	struct disk_config c = nvme_cfg();
	struct msi_port m;
	struct rig r;
	uint8_t v[4];

	rig_init(&r, &c, 4, 2);
	if (msi) {
		assert_int_equal(msi_port_init(&m, &r.bus, "disk.msi",
					       0x3000), 0);
		disk_set_irq(&r.d, msi_sink(&m, 5));
	}
	queue_cmd(&r, DISK_OP_READ, 1, DATA, 0, 0, 1);
	queue_cmd(&r, DISK_OP_READ, 2, DATA + 4096, 0, 1, 1);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.d.cqes, 1);
	assert_int_equal(r.d.state, DISK_WAIT_CQ);
	if (msi) {
		assert_int_equal(m.sent, 1);
		memory_read(&r.mem, 0x3000, v, 4);
		assert_int_equal(util_le_get(v, 4), 5);
		memory_write(&r.mem, 0x3000, "\0\0\0\0", 4);
	}
	reg_write(&r, DISK_CQHDBL, 1, 4);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.d.cqes, 2);
	assert_int_equal(r.d.state, DISK_IDLE);
	if (msi) {
		assert_int_equal(m.sent, 2);
		assert_int_equal(m.errors, 0);
		memory_read(&r.mem, 0x3000, v, 4);
		assert_int_equal(util_le_get(v, 4), 5);
		assert_int_equal(r.irqs, 0);	/* no wire */
	}
	rig_fini(&r);
}

static void cq_full_waits(void **state)
{
	(void)state;
	cq_full_case(false);
}

static void msi_signals(void **state)
{
	(void)state;
	cq_full_case(true);
}

/* The same from the scenario language (tests/lua/disk_msi.lua): a disk
 * behind a PCIe endpoint, the root's MSI window raising the line: 16
 * reads of 4 KiB arrive intact, each command one interrupt, each an MSI;
 * up the link, 4096 / 256 data writes a command (max payload 256), its
 * completion entry and its MSI: 16 * (16 + 2) posted writes. */
static void msi_through_pcie(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/disk_msi.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "error"), "nil");
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_int_equal(tu_int(run, "irqs"), 16);
	assert_int_equal(tu_int(run, "msis"), 16);
	assert_int_equal(tu_int(run, "up_writes"), 16 * (4096 / 256 + 2));
	dmasim_run_free(run);
	run = tu_run_text("local sys = dmasim.system{}\n"
			  "sys:disk{ msi = 0xfee00000 }\n", &code, NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "without an intc"));
	dmasim_run_free(run);
}

/* coalesce 4: four commands rung at once raise once; three more raise
 * once when the controller goes idle. */
static void coalescing(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;

	(void)state;
	c.coalesce = 4;
	rig_init(&r, &c, 16, 16);
	for (int i = 0; i < 4; i++)
		queue_cmd(&r, DISK_OP_READ, (uint16_t)i, DATA, 0, 0, 1);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.irqs, 1);
	for (int i = 0; i < 3; i++)
		queue_cmd(&r, DISK_OP_READ, (uint16_t)i, DATA, 0, 0, 1);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.irqs, 2);
	assert_int_equal(r.d.cqes, 7);
	rig_fini(&r);
}

/* Simulated errors: each completes with its status code; the next
 * command still runs. */
static void command_errors(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;
	uint8_t e[16];

	(void)state;
	rig_init(&r, &c, 8, 8);
	queue_cmd(&r, DISK_OP_READ, 1, DATA, 0, c.size / 512, 1);
	queue_cmd(&r, 0x7f, 2, DATA, 0, 0, 1);
	queue_cmd(&r, DISK_OP_READ, 3, 0x80000000ull, 0, 0, 8);	/* no target */
	queue_cmd(&r, DISK_OP_READ, 4, DATA + 512, 0x12345, 0, 16);
	queue_cmd(&r, DISK_OP_READ, 5, DATA, 0, 0, 1);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	cqe_at(&r, 0, e);
	assert_int_equal(disk_cqe_status(e) >> 1, DISK_SC_LBA_RANGE);
	cqe_at(&r, 1, e);
	assert_int_equal(disk_cqe_status(e) >> 1, DISK_SC_BAD_OPCODE);
	cqe_at(&r, 2, e);
	assert_int_equal(disk_cqe_status(e) >> 1, DISK_SC_XFER_ERROR);
	cqe_at(&r, 3, e);
	assert_int_equal(disk_cqe_status(e) >> 1, DISK_SC_BAD_FIELD);
	cqe_at(&r, 4, e);
	assert_int_equal(disk_cqe_status(e), 1);
	assert_int_equal(r.d.errors, 4);
	/* A register that does not exist, and a doorbell past the queue. */
	util_le_put(r.word, 1, 4);
	xm_start(&r.host, REGS + 0x40, r.word, 4, true);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.host.status, BUS_ERR_SLAVE);
	xm_start(&r.host, REGS + DISK_SQTDBL, r.word, 4, true);
	util_le_put(r.word, 99, 4);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.host.status, BUS_ERR_SLAVE);
	assert_int_equal(r.d.bad_regs, 2);
	rig_fini(&r);
}

/* A command fetch that no target answers is fatal: CSTS.CFS. */
static void fetch_failure_is_fatal(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;

	(void)state;
	rig_init(&r, &c, 8, 8);
	reg_write(&r, DISK_CC, 0, 4);
	reg_write(&r, DISK_ASQ, 0x7000000000ull, 8);
	reg_write(&r, DISK_CC, 1, 4);
	queue_cmd(&r, DISK_OP_READ, 1, DATA, 0, 0, 1);
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.d.state, DISK_FAILED);
	assert_true(r.d.csts & DISK_CSTS_CFS);
	rig_fini(&r);
}

/* Configurations refused. */
static void bad_config(void **state)
{
	struct sim sim;
	struct bus bus;
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct disk d;
	struct disk_config c;

	(void)state;
	assert_int_equal(sim_init(&sim, 1), 0);
	assert_int_equal(bus_init(&bus, &sim, "bus", &bc), 0);
	c = nvme_cfg();
	c.block = 100;
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0),
			 DMASIM_EINVAL);
	c = nvme_cfg();
	c.size = 1000;
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0),
			 DMASIM_EINVAL);
	c = nvme_cfg();
	c.queue = 1;
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0),
			 DMASIM_EINVAL);
	c = nvme_cfg();
	c.kind = DISK_ROTATING;		/* no rpm */
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0),
			 DMASIM_EINVAL);
	c.rpm = 7200;
	c.bandwidth = 0;		/* transfer from the track: needs spt */
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0),
			 DMASIM_EINVAL);
	bus_fini(&bus);
	sim_fini(&sim);
}

/*
 * The textbook exercise (Patterson & Hennessy, Computer Organization and
 * Design, 5th ed., section 5.2, example "Disk Read Time"): a 512-byte
 * sector on a 15,000 RPM disk, average seek 4 ms, transfer rate
 * 100 MB/s, controller overhead 0.2 ms: 4 + 0.5 / (15000 / 60) s = 2 ms
 * + 512 / 100e6 s = 0.005 ms + 0.2 = 6.2 ms (6.20512 ms unrounded).
 * The command's whole time adds the queue's DMA (fetch 8 cycles, data
 * 64 beats, entry 2) to it.
 */
static void rotating_textbook(void **state)
{
	struct disk_config c = nvme_cfg();
	struct rig r;
	uint64_t t0;

	(void)state;
	c.kind = DISK_ROTATING;
	c.rpm = 15000;
	c.seek = 4000000000ull;		/* 4 ms */
	c.bandwidth = 100e6;
	c.latency = 200000000ull;	/* 0.2 ms */
	rig_init(&r, &c, 8, 8);
	queue_cmd(&r, DISK_OP_READ, 1, DATA, 0, 12345, 1);
	t0 = r.sim.now;
	ring(&r);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.d.media_ps, 6205120000ull);
	assert_int_equal(r.irq_at[0] - t0,
			 1000 + 8000 + 6205120000ull + 64000 + 2000);
	rig_fini(&r);
}

/* Positional mode: 100 sectors per track, 7200 RPM (8,333,333,333 ps a
 * revolution), seek 1 ms + 3 * (9 - 1) ms * d / tracks. */
static void rotating_positional(void **state)
{
	struct sim sim;
	struct bus bus;
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct disk d;
	struct disk_config c = {
		.kind = DISK_ROTATING, .size = 1000 * 100 * 512ull,
		.block = 512, .queue = 8, .coalesce = 1, .rpm = 7200,
		.seek = 9000000000ull, .seek_min = 1000000000ull,
		.sectors_per_track = 100, .positional = true,
	};
	uint64_t rev = 8333333334ull;	/* ceil(60 / 7200 s) in ps */

	(void)state;
	assert_int_equal(sim_init(&sim, 1), 0);
	assert_int_equal(bus_init(&bus, &sim, "bus", &bc), 0);
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0), 0);
	/* Same track, sector 25 at time 0: a quarter turn, then one
	 * sector's transfer (rev / 100). */
	assert_int_equal(disk_media_ps(&d, 25, 512, 0),
			 rev / 4 + rev / 100 + 1);
	assert_int_equal(d.seeks, 0);
	/* From track 0 to 500 of 1000 (sector 0): seek 1 + 24 * 0.5 = 13 ms,
	 * then wait for angle 0: 13 ms is 1.56 turns, 0.44 turn left. */
	{
		uint64_t seek = 13000000000ull;
		uint64_t wait = (rev - seek % rev) % rev;

		assert_int_equal(disk_media_ps(&d, 50000, 512, 0),
				 seek + wait + rev / 100 + 1);
		assert_int_equal(d.seeks, 1);
		assert_int_equal(d.head_track, 500);
	}
	disk_fini(&d);
	bus_fini(&bus);
	sim_fini(&sim);
}

/* A 1 TiB disk takes no backing store until written; a write at its end
 * takes one 64 KiB chunk, and reads elsewhere give zeros. */
static void sparse_backing(void **state)
{
	struct sim sim;
	struct bus bus;
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct disk d;
	struct disk_config c = nvme_cfg();
	uint8_t b[16] = { 1, 2, 3 }, z[16];

	(void)state;
	c.size = 1ull << 40;
	assert_int_equal(sim_init(&sim, 1), 0);
	assert_int_equal(bus_init(&bus, &sim, "bus", &bc), 0);
	assert_int_equal(disk_init(&d, &sim, &bus, "d", 0, &c, 0), 0);
	assert_int_equal(d.chunks, 0);
	assert_int_equal(disk_image_write(&d, c.size - 16, b, 16), 0);
	assert_int_equal(d.chunks, 1);
	assert_int_equal(disk_image_read(&d, 12345, z, 16), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(z[i], 0);
	assert_int_equal(disk_image_read(&d, c.size - 16, z, 16), 0);
	assert_memory_equal(z, b, 16);
	assert_int_equal(disk_image_write(&d, c.size - 8, b, 16),
			 DMASIM_ERANGE);
	disk_fini(&d);
	bus_fini(&bus);
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/disk/read_timeline", read_timeline),
		TEST("/hw/disk/prp_list_round_trip", prp_list_round_trip),
		TEST("/hw/disk/wrap_and_phase", wrap_and_phase),
		TEST("/hw/disk/cq_full_waits", cq_full_waits),
		TEST("/hw/disk/coalescing", coalescing),
		TEST("/hw/disk/command_errors", command_errors),
		TEST("/hw/disk/fetch_failure_is_fatal", fetch_failure_is_fatal),
		TEST("/hw/disk/bad_config", bad_config),
		TEST("/hw/disk/rotating_textbook", rotating_textbook),
		TEST("/hw/disk/rotating_positional", rotating_positional),
		TEST("/hw/disk/sparse_backing", sparse_backing),
		TEST("/hw/disk/msi_signals", msi_signals),
		TEST("/hw/disk/msi_through_pcie", msi_through_pcie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
