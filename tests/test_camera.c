/*
 * /hw/camera: frames by DMA into a V4L2-style ring of buffers: every byte
 * delivered, drops counted on hand-worked timelines (a drop when the
 * consumer's backlog exceeds the spare buffers), the sanitizer's report
 * of a buffer queued unpinned or unpinned while queued (and silence for
 * the correct program), and the errors bad calls get.
 *
 * The camera: 64 x 4 pixels of YUYV (2 bytes a pixel): 512-byte frames
 * of 4 lines, at 1000 frames/s (F = 1 ms), on an I/O bus joined to the
 * system bus by a bridge of 100 ns.  Its 4 lines and 1 line of blanking
 * (4 / 24 + 1) share the period: the last line is out at 4/5 F, the
 * frame done within a few ns after.
 */
#include <stdlib.h>
#include <string.h>

#include "os/vm.h"
#include "sys/nic.h"
#include "sys/os.h"
#include "testutil.h"

#define F 1000000000ull	/* ps per frame */
#define BUF0 0x400000ull

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_memory *mem;
	struct dmasim_camera *cam;
	struct dmasim_completion *done;
	const uint64_t *hold;	/* ps the consumer keeps frame k */
	unsigned nhold;
	uint64_t seq[64];
	unsigned got, bad;
	int idx;
	int reports[SAN_NCLASSES];
};

static void sink(void *ctx, const struct san_report *r)
{
	((struct rig *)ctx)->reports[r->cls]++;
}

static void rig_init(struct rig *r, unsigned bufs, uint64_t frames,
		     bool check)
{
	struct sys_hooks hooks = { .check = check, .check_sink = sink,
				   .check_ctx = r };
	struct dmasim_bus_config bc;
	struct dmasim_bridge_config brc;
	struct dmasim_camera_config cc;
	struct dmasim_bridge *br;
	struct dmasim_bus *sysbus, *io;

	memset(r, 0, sizeof(*r));
	assert_int_equal(sys_new_hooked(NULL, &hooks, &r->sys), 0);
	assert_int_equal(dmasim_bus_new(r->sys, NULL, &sysbus), 0);
	assert_int_equal(dmasim_memory_new(r->sys, NULL, NULL, &r->mem), 0);
	dmasim_bus_config_init(&bc);
	bc.name = "io";
	assert_int_equal(dmasim_bus_new(r->sys, &bc, &io), 0);
	dmasim_bridge_config_init(&brc);
	brc.latency = 100000;
	assert_int_equal(dmasim_bridge_new(r->sys, sysbus, io, &brc, &br), 0);
	assert_int_equal(dmasim_bridge_window(br, DMASIM_B_TO_A, 0,
					      1ull << 30), 0);
	assert_int_equal(dmasim_completion_new(r->sys, &r->done), 0);
	dmasim_camera_config_init(&cc);
	cc.width = 64;
	cc.height = 4;
	cc.fps = 1000;
	cc.frames = frames;
	cc.buffers = bufs;
	cc.done = r->done;
	assert_int_equal(dmasim_camera_new(r->sys, io, &cc, &r->cam), 0);
}

/* The application: dequeue each frame as it is done, check its bytes,
 * keep it hold[k] ps, queue it again. */
static void consumer(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	uint8_t got[512], want[512];

	DMASIM_PROC_BEGIN(p);
	for (;;) {
		DMASIM_AWAIT(p, dmasim_wait_completion(p, r->done));
		r->idx = dmasim_camera_dqbuf(r->cam, &r->seq[r->got % 64],
					     NULL);
		assert_true(r->idx >= 0);
		assert_int_equal(dmasim_memory_read(r->mem,
			BUF0 + 0x1000ull * (unsigned)r->idx, got, 512), 0);
		assert_int_equal(dmasim_camera_expected(r->cam,
			r->seq[r->got % 64], 0, want, 512), 0);
		r->bad += memcmp(got, want, 512) != 0;
		r->got++;
		DMASIM_AWAIT(p, dmasim_sleep(p, r->hold[(r->got - 1) %
							 r->nhold]));
		assert_int_equal(dmasim_camera_qbuf(r->cam, (unsigned)r->idx),
				 0);
	}
	DMASIM_PROC_END(p);
}

static void run(struct rig *r, unsigned bufs, const uint64_t *hold,
		unsigned nhold)
{
	r->hold = hold;
	r->nhold = nhold;
	for (unsigned i = 0; i < bufs; i++) {
		assert_int_equal(dmasim_camera_buffer(r->cam, i,
			BUF0 + 0x1000ull * i, 0x1000), 0);
		assert_int_equal(dmasim_camera_qbuf(r->cam, i), 0);
	}
	assert_int_equal(dmasim_spawn(r->sys, consumer, r, NULL), 0);
	dmasim_camera_streamon(r->cam);
	assert_int_equal(dmasim_sys_run(r->sys, UINT64_MAX), 0);
}

static void info(struct rig *r, struct dmasim_camera_info *ci)
{
	dmasim_camera_info(r->cam, ci);
	assert_int_equal(ci->captured, r->got);
	assert_int_equal(r->bad, 0);
	assert_int_equal(ci->captured + ci->drops + ci->overruns, ci->frames);
}

/* A consumer faster than the camera (0.5 F a frame) with 2 buffers
 * drops nothing; with 1 it still holds the only buffer when the next
 * frame starts (done at 0.8 F, back at 1.3 F), so every other frame is
 * dropped: of 10, 5 captured (0, 2, 4, ...) and 5 dropped. */
static void drops_fast_consumer(void **state)
{
	static const uint64_t half[] = { F / 2 };
	struct dmasim_camera_info ci;
	struct rig r;

	(void)state;
	rig_init(&r, 2, 10, false);
	run(&r, 2, half, 1);
	info(&r, &ci);
	assert_int_equal(ci.captured, 10);
	assert_int_equal(ci.drops, 0);
	assert_int_equal(ci.bytes, 10 * 512);
	assert_int_equal(ci.frame_bytes, 512);
	dmasim_sys_free(r.sys);

	rig_init(&r, 1, 10, false);
	run(&r, 1, half, 1);
	info(&r, &ci);
	assert_int_equal(ci.captured, 5);
	assert_int_equal(ci.drops, 5);
	assert_int_equal(r.seq[1], 2);	/* V4L2 sequence: drops counted */
	dmasim_sys_free(r.sys);
}

/* A consumer that takes 0.2 F a frame but stalls 3.5 F on frame 2: it
 * holds frame 2's buffer from 2.8 F to 6.3 F, and the frames starting
 * in that stall (3, 4, 5, 6: four) need spare buffers, B - 1 of them:
 * drops = max(0, 4 - (B - 1)): 3 with 2 buffers, 1 with 4, 0 with 5. */
static unsigned stall_drops(unsigned bufs)
{
	static const uint64_t hold[] = { F / 5, F / 5, F / 2 * 7, F / 5,
					 F / 5, F / 5, F / 5, F / 5, F / 5,
					 F / 5, F / 5, F / 5, F / 5, F / 5,
					 F / 5, F / 5 };
	struct dmasim_camera_info ci;
	struct rig r;

	rig_init(&r, bufs, 12, false);
	run(&r, bufs, hold, 16);
	info(&r, &ci);
	dmasim_sys_free(r.sys);
	return (unsigned)ci.drops;
}

static void drops_stall(void **state)
{
	(void)state;
	assert_int_equal(stall_drops(2), 3);
	assert_int_equal(stall_drops(4), 1);
	assert_int_equal(stall_drops(5), 0);
}

/* Buffers in an address space's pages: pinned before queuing (the
 * correct program) the sanitizer is silent; queued unpinned it reports
 * RING_NOT_PINNED; unpinned while queued, RING_UNPINNED_QUEUED when the
 * camera begins to fill it. */
static void sanitizer_case(int mode, struct rig *r)
{
	struct vm_config vc = { .fault_cycles = 1000, .pin_cycles = 100,
				.migrate_cycles = 100, .swap_slots = 64 };
	static const uint64_t hold[] = { F / 5 };
	struct aspace *as;
	struct vm *vm;

	rig_init(r, 2, 4, true);
	assert_int_equal(sys_vm_new(r->sys, r->mem, 0x800000, 0x100000, &vc,
				    &vm), 0);
	as = vm_aspace(vm, 16);
	assert_non_null(as);
	if (mode != 1)
		assert_int_equal(vm_pin(as, 0, 0x2000, true, NULL), 2);
	else
		for (uint64_t v = 0; v < 2; v++)
			assert_int_equal(vm_touch(as, v, true, NULL), 0);
	r->hold = hold;
	r->nhold = 1;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t pa = vm_pa(as, 0x1000ull * i);

		assert_int_not_equal(pa, UINT64_MAX);
		assert_int_equal(dmasim_camera_buffer(r->cam, i, pa, 0x1000),
				 0);
		assert_int_equal(dmasim_camera_qbuf(r->cam, i), 0);
	}
	if (mode == 2)
		assert_int_equal(vm_pin(as, 0x1000, 0x1000, false, NULL),
				 1);
	dmasim_camera_streamon(r->cam);
	assert_int_equal(dmasim_sys_run(r->sys, UINT64_MAX), 0);
}

static void sanitizer_pinning(void **state)
{
	struct rig r;
	int total;

	(void)state;
	sanitizer_case(0, &r);
	total = 0;
	for (int c = 0; c < SAN_NCLASSES; c++)
		total += r.reports[c];
	assert_int_equal(total, 0);
	dmasim_sys_free(r.sys);

	sanitizer_case(1, &r);
	/* each buffer once (the sanitizer reports a class once per
	 * address), however often the consumer queues it again */
	assert_int_equal(r.reports[SAN_RING_NOT_PINNED], 2);
	assert_int_equal(r.reports[SAN_RING_UNPINNED_QUEUED], 0);
	assert_string_equal(san_class_name(SAN_RING_NOT_PINNED),
			    "RING_NOT_PINNED");
	dmasim_sys_free(r.sys);

	sanitizer_case(2, &r);
	assert_int_equal(r.reports[SAN_RING_NOT_PINNED], 0);
	/* buffer 1 unpinned while queued: reported when frame 1 begins to
	 * fill it, and queued unpinned again by the consumer after it */
	assert_int_equal(r.reports[SAN_RING_UNPINNED_QUEUED], 1);
	dmasim_sys_free(r.sys);
}

static void bad_params(void **state)
{
	struct dmasim_camera_config cc;
	struct dmasim_sys *sys;
	struct dmasim_camera *cam;

	(void)state;
	assert_int_equal(dmasim_sys_new(NULL, &sys), 0);
	assert_int_equal(dmasim_bus_new(sys, NULL, NULL), 0);
	dmasim_camera_config_init(&cc);
	cc.buffers = 33;
	assert_int_equal(dmasim_camera_new(sys, NULL, &cc, &cam),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "buffers"));
	dmasim_camera_config_init(&cc);
	cc.fps = 0;
	assert_int_equal(dmasim_camera_new(sys, NULL, &cc, &cam),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "fps"));
	dmasim_camera_config_init(&cc);
	cc.width = 0;
	assert_int_equal(dmasim_camera_new(sys, NULL, &cc, &cam),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "width"));
	dmasim_camera_config_init(&cc);
	assert_int_equal(dmasim_camera_new(sys, NULL, &cc, &cam), 0);
	/* 1080p60 YUYV: 1920 * 1080 * 2 bytes, 16.67 ms apart */
	{
		struct dmasim_camera_info ci;

		dmasim_camera_info(cam, &ci);
		assert_int_equal(ci.frame_bytes, 1920ull * 1080 * 2);
		assert_int_equal(ci.period, 16666666667ull);
	}
	assert_int_equal(dmasim_camera_buffer(cam, 0, 0, 100), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "at least a frame"));
	assert_int_equal(dmasim_camera_qbuf(cam, 0), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "no address"));
	assert_int_equal(dmasim_camera_qbuf(cam, 9), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "index 9"));
	assert_int_equal(dmasim_camera_buffer(cam, 0, 0, 1ull << 23), 0);
	assert_int_equal(dmasim_camera_qbuf(cam, 0), 0);
	assert_int_equal(dmasim_camera_qbuf(cam, 0), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "already queued"));
	assert_int_equal(dmasim_camera_dqbuf(cam, NULL, NULL), DMASIM_ERANGE);
	dmasim_sys_free(sys);
}

/* The register window (tests/lua/camera_regs.lua), by hand on the system
 * bus: the buffer table written and read back; DQBUF not valid before a
 * frame; QBUF of a queued buffer, of one with no length and of no such
 * buffer refused, as are a table write while queued, a short LEN, an
 * offset beyond the table, a read of QBUF, a write of FRAMES, an unknown
 * offset, a misaligned, a 2-byte and an 8-byte CTRL access and an unknown
 * CTRL bit (13 refused, 13 guest errors); STREAMON through CTRL; frames
 * 0 and 1 done in buffers 0 and 1 and frame 2 dropped (FRAMES 3,
 * CAPTURED 2, DROPS 1), dequeued in order with their sequence numbers,
 * then DQBUF empty; the masked FRAME cause raised nothing, and unmasking
 * it raises one interrupt.  Behind a PCIe endpoint, the driver gets all
 * 6 frames through 2 buffers intact, in order, one MSI each; a DQBUF
 * read takes the link's round trip (2 x 250 ns and more), a QBUF write
 * is posted (far less than one way). */
static void registers(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/camera_regs.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "errors"), "");
	assert_int_equal(tu_int(run, "refused"), 13);
	assert_int_equal(tu_int(run, "guest_errors"), 13);
	assert_int_equal(tu_int(run, "base"), 0x40000000);
	assert_int_equal(tu_int(run, "ctrl0"), 0);
	assert_int_equal(tu_int(run, "empty0"), 0);
	assert_int_equal(tu_int(run, "ims0"), 1);
	assert_int_equal(tu_int(run, "addr1"), 0x401000);
	assert_int_equal(tu_int(run, "len1"), 0x1000);
	assert_int_equal(tu_int(run, "streaming0"), 0);
	assert_int_equal(tu_int(run, "ctrl1"), 1);
	assert_int_equal(tu_int(run, "irqs_masked"), 0);
	assert_int_equal(tu_int(run, "icr"), 1);
	assert_string_equal(tu_str(run, "dq1_valid"), "true");
	assert_int_equal(tu_int(run, "dq1_index"), 0);
	assert_int_equal(tu_int(run, "dq1_seq"), 0);
	assert_string_equal(tu_str(run, "dq2_valid"), "true");
	assert_int_equal(tu_int(run, "dq2_index"), 1);
	assert_int_equal(tu_int(run, "dq2_seq"), 1);
	assert_int_equal(tu_int(run, "dq3"), 0);
	assert_int_equal(tu_int(run, "frames"), 3);
	assert_int_equal(tu_int(run, "captured"), 2);
	assert_int_equal(tu_int(run, "drops"), 1);
	assert_int_equal(tu_int(run, "overruns"), 0);
	assert_int_equal(tu_int(run, "irqs_unmasked"), 1);
	assert_int_equal(tu_int(run, "icr_clear"), 0);
	assert_string_equal(tu_str(run, "intact1"), "true");
	assert_string_equal(tu_str(run, "pcie_error"), "nil");
	assert_string_equal(tu_str(run, "pcie_seqs"), "0,1,2,3,4,5");
	assert_int_equal(tu_int(run, "pcie_bad"), 0);
	assert_int_equal(tu_int(run, "pcie_captured"), 6);
	assert_int_equal(tu_int(run, "pcie_msis"), 6);
	assert_int_equal(tu_int(run, "pcie_guest_errors"), 0);
	assert_true(tu_int(run, "dqbuf_ps") > 500000);
	assert_true(tu_int(run, "dqbuf_ps") < 2000000);
	assert_true(tu_int(run, "qbuf_ps") < 250000);
	dmasim_run_free(run);
	/* a window overlapping another target is refused, by name */
	tu_refused("local sys = dmasim.system{}\n"
		   "sys:memory{ size = '64MiB' }\n"
		   "sys:camera{ base = 0x1000 }\n", "overlaps no other target");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drops_fast_consumer),
		cmocka_unit_test(drops_stall),
		cmocka_unit_test(sanitizer_pinning),
		cmocka_unit_test(bad_params),
		cmocka_unit_test(registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
