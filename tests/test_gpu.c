/*
 * /hw/gpu: a GPU on a host link through the public API: stream order and
 * overlap on timelines worked from the kernels' own times, bytes
 * identical after every copy path, the staging path's CPU cost, pinning's
 * cost and the pinned budget, and the sanitizer's three classes against
 * the correct versions of the same programs; a GPU on a PCIe endpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dmasim/dmasim.h"
#include "testutil.h"

#define KiB 1024ull
#define MiB (1024ull * 1024)
#define US 1000000ull		/* ps */
#define POOL 0x10000000ull
#define PAGEABLE 0x20000000ull
#define BOUNCE 0x01000000ull

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_memory *mem;
	struct dmasim_cpu *cpu;
	struct dmasim_gpu *gpu;
	struct dmasim_stream *s1, *s2;
	struct dmasim_event *ev;
	uint64_t d, d2, h, t0, t1, t2;
	int mode, rc;
	uint64_t len;
};

/* A 1 GHz, 64-byte host bus with 1 GiB of memory and a 1 GHz CPU; a
 * Gen3 x16 GPU whose driver and engines cost nothing unless a test sets
 * them (cfg_fix). */
static void rig_init(struct rig *r, void (*cfg_fix)(struct dmasim_gpu_config *))
{
	struct dmasim_bus_config bc;
	struct dmasim_memory_config mc;
	struct dmasim_gpu_config gc;

	memset(r, 0, sizeof(*r));
	assert_int_equal(dmasim_sys_new(NULL, &r->sys), 0);
	dmasim_bus_config_init(&bc);
	bc.width = 64;
	assert_int_equal(dmasim_bus_new(r->sys, &bc, NULL), 0);
	dmasim_memory_config_init(&mc);
	assert_int_equal(dmasim_memory_new(r->sys, NULL, &mc, &r->mem), 0);
	assert_int_equal(dmasim_cpu_new(r->sys, NULL, NULL, &r->cpu), 0);
	dmasim_gpu_config_init(&gc);
	gc.cpu = r->cpu;
	gc.call = gc.desc = gc.ce_setup = gc.launch = 0;
	gc.host_base = POOL;
	gc.host_size = 64 * MiB;
	gc.bounce_base = BOUNCE;
	if (cfg_fix)
		cfg_fix(&gc);
	assert_int_equal(dmasim_gpu_new(r->sys, &gc, &r->gpu), 0);
	assert_int_equal(dmasim_stream_new(r->gpu, &r->s1), 0);
	assert_int_equal(dmasim_stream_new(r->gpu, &r->s2), 0);
	assert_int_equal(dmasim_event_new(r->gpu, &r->ev), 0);
	assert_int_equal(dmasim_gpu_malloc(r->gpu, 8 * MiB, &r->d), 0);
	assert_int_equal(dmasim_gpu_malloc(r->gpu, 8 * MiB, &r->d2), 0);
}

static uint64_t now(struct rig *r)
{
	return dmasim_sys_now(r->sys);
}

/* ---- stream order and overlap ---- */

enum { T_COPY, T_KERNEL, T_SAME, T_TWO, T_EVENT, T_KK_TWO };

/* A kernel of 1 MiB at 1 GB/s after a 2 us launch and 3 us of its own. */
static const struct dmasim_kernel kern = {
	.in_len = 1 * MiB, .time = 3 * US, .rate = 1e9,
};

static void timeline(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	struct dmasim_kernel k = kern;
	struct dmasim_stream *ks = r->mode == T_SAME ? r->s1 : r->s2;

	k.in = r->d;
	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_gpu_host_alloc(p, r->gpu, 4 * MiB));
	r->h = dmasim_proc_result(p)->value;
	r->t0 = now(r);
	if (r->mode != T_KERNEL)
		DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s1, r->d2, r->h,
						   4 * MiB));
	if (r->mode == T_EVENT) {
		assert_int_equal(dmasim_stream_record(r->s1, r->ev), 0);
		assert_int_equal(dmasim_stream_wait(r->s2, r->ev), 0);
	}
	if (r->mode != T_COPY)
		DMASIM_AWAIT(p, dmasim_stream_kernel(p, ks, &k));
	if (r->mode == T_KK_TWO)
		DMASIM_AWAIT(p, dmasim_stream_kernel(p, r->s1, &k));
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s1));
	r->t1 = now(r);
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s2));
	r->t2 = now(r);
	DMASIM_PROC_END(p);
}

static uint64_t run_timeline(int mode, uint64_t *t_s1)
{
	struct rig r;
	uint64_t t;

	rig_init(&r, NULL);
	r.mode = mode;
	assert_int_equal(dmasim_spawn(r.sys, timeline, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	t = (r.t1 > r.t2 ? r.t1 : r.t2) - r.t0;
	if (t_s1)
		*t_s1 = r.t1 - r.t0;
	dmasim_sys_free(r.sys);
	return t;
}

static void stream_order_and_overlap(void **state)
{
	/* the kernel alone: 3 us + 1 MiB / 1 GB/s = 1051.576 us, the
	 * launch and the calls costing nothing here */
	uint64_t k = run_timeline(T_KERNEL, NULL);
	uint64_t c = run_timeline(T_COPY, NULL);
	uint64_t s1;

	(void)state;
	assert_int_equal(k, 3 * US + 1048576 * 1000);
	/* 4 MiB over Gen3 x16 (13.27 GB/s): about 316 us */
	assert_true(c > 300 * US && c < 340 * US);
	/* one stream: in order, the kernel after the copy */
	assert_int_equal(run_timeline(T_SAME, NULL), c + k);
	/* two streams, two engines: they overlap; the longer sets the end */
	assert_int_equal(run_timeline(T_TWO, &s1), k > c ? k : c);
	assert_int_equal(s1, c);
	/* an event between the streams orders them again */
	assert_int_equal(run_timeline(T_EVENT, NULL), c + k);
	/* two kernels on two streams share the one compute engine */
	assert_int_equal(run_timeline(T_KK_TWO, NULL), 2 * k);
}

/* ---- bytes on every path ---- */

static void paths(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	struct dmasim_kernel k = { 0 };

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_gpu_host_alloc(p, r->gpu, r->len));
	r->h = dmasim_proc_result(p)->value;
	assert_int_equal(dmasim_memory_fill(r->mem, r->h, r->len, 3), 0);
	assert_int_equal(dmasim_memory_fill(r->mem, PAGEABLE, r->len, 4), 0);
	/* pinned to the device, device to device, device to pageable */
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s1, r->d, r->h, r->len));
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s1, r->d2, r->d, r->len));
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s1, PAGEABLE + 16 * MiB,
					   r->d2, r->len));
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s1));
	/* pageable to the device, a kernel's xor, back to pinned */
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s2, r->d, PAGEABLE, r->len));
	k.in = k.out = r->d;
	k.in_len = k.out_len = r->len;
	k.op = DMASIM_KERNEL_XOR;
	k.value = 0x5a;
	DMASIM_AWAIT(p, dmasim_stream_kernel(p, r->s2, &k));
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s2, r->h, r->d, r->len));
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s2));
	DMASIM_PROC_END(p);
}

static void bytes_identical_on_every_path(void **state)
{
	/* lengths that end mid-piece and mid-chunk */
	static const uint64_t lens[] = { 1, 4095, 4097, 3 * MiB + 123 };

	(void)state;
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct rig r;
		uint8_t *a, *b, *c;
		struct dmasim_gpu_info in;

		rig_init(&r, NULL);
		r.len = lens[i];
		a = malloc(r.len);
		b = malloc(r.len);
		c = malloc(r.len);
		assert_int_equal(dmasim_spawn(r.sys, paths, &r, NULL), 0);
		assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
		/* pinned -> device -> device -> pageable */
		assert_int_equal(dmasim_memory_read(r.mem, PAGEABLE + 16 * MiB,
						    a, r.len), 0);
		assert_int_equal(dmasim_memory_read(r.mem, r.h, b, r.len), 0);
		/* pinned was overwritten last: fill it again to compare */
		assert_int_equal(dmasim_memory_fill(r.mem, 0x30000000, r.len,
						    3), 0);
		assert_int_equal(dmasim_memory_read(r.mem, 0x30000000, c,
						    r.len), 0);
		assert_memory_equal(a, c, r.len);
		/* pageable -> device, xor, -> pinned */
		assert_int_equal(dmasim_memory_read(r.mem, PAGEABLE, c, r.len),
				 0);
		for (uint64_t j = 0; j < r.len; j++)
			c[j] ^= 0x5a;
		assert_memory_equal(b, c, r.len);
		dmasim_gpu_info(r.gpu, &in);
		assert_int_equal(in.pageable_copies, 2);
		assert_int_equal(in.errors, 0);
		assert_int_equal(in.reports, 0);
		free(a);
		free(b);
		free(c);
		dmasim_sys_free(r.sys);
	}
}

/* ---- the staging path's CPU cost ---- */

static void stage(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s1, r->d,
					   r->mode ? PAGEABLE : r->h, 2 * MiB));
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s1));
	DMASIM_PROC_END(p);
}

static void staging_cpu_cost_counted(void **state)
{
	struct dmasim_gpu_info in;
	struct dmasim_stat st;
	struct rig r;

	(void)state;
	rig_init(&r, NULL);
	r.mode = 1;
	assert_int_equal(dmasim_spawn(r.sys, stage, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	dmasim_gpu_info(r.gpu, &in);
	assert_int_equal(in.stage_bytes, 2 * MiB);
	/* per 4 KiB: a load and a store of 64 beats each and 64 lines of 8
	 * cycles of loop, 640 ns at 1 GHz, when the bus is free: 512
	 * pieces, 327.68 us at least, a little more where the DMA of the
	 * chunk before holds the bus */
	assert_true(in.stage_ps >= 512 * 640000ull);
	assert_true(in.stage_ps < 512 * 640000ull * 11 / 10);
	assert_int_equal(dmasim_sys_stat(r.sys, "bus.cpu0.grants", &st), 0);
	assert_true(st.count >= 1024);
	dmasim_sys_free(r.sys);
}

/* ---- pinning: cost and budget ---- */

static void small_budget(struct dmasim_gpu_config *c)
{
	c->pin_budget = 4 * MiB;
	c->bounce_base = DMASIM_DEFAULT;
}

static void pinner(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	r->t0 = now(r);
	DMASIM_AWAIT(p, dmasim_gpu_pin(p, r->gpu, PAGEABLE, 1 * MiB));
	r->t1 = now(r) - r->t0;
	r->t0 = now(r);
	DMASIM_AWAIT(p, dmasim_gpu_host_alloc(p, r->gpu, 2 * MiB));
	r->h = dmasim_proc_result(p)->value;
	r->t2 = now(r) - r->t0;
	/* 1 + 2 MiB pinned of 4: 2 MiB more is over */
	r->rc = dmasim_gpu_host_alloc(p, r->gpu, 2 * MiB);
	assert_int_equal(r->rc, DMASIM_ENOMEM);
	assert_non_null(strstr(dmasim_sys_error(r->sys),
			       "cudaErrorMemoryAllocation"));
	assert_int_equal(dmasim_gpu_pin(p, r->gpu, PAGEABLE + 8 * MiB,
					2 * MiB), DMASIM_ENOMEM);
	/* a pageable copy without staging buffers is refused */
	assert_int_equal(dmasim_stream_copy(p, r->s1, r->d, PAGEABLE + 8 * MiB,
					    4096), DMASIM_EINVAL);
	assert_int_equal(dmasim_gpu_unpin(r->gpu, PAGEABLE), 0);
	assert_int_equal(dmasim_gpu_unpin(r->gpu, PAGEABLE), DMASIM_EINVAL);
	DMASIM_AWAIT(p, dmasim_gpu_host_alloc(p, r->gpu, 2 * MiB));
	DMASIM_PROC_END(p);
}

static void pinning_cost_and_budget(void **state)
{
	struct dmasim_gpu_info in;
	struct dmasim_gpu_config gc;
	struct rig r;

	(void)state;
	rig_init(&r, small_budget);
	assert_int_equal(dmasim_spawn(r.sys, pinner, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	/* 256 pages registered at 350 ns, 512 allocated at 62 ns */
	assert_int_equal(r.t1, 256 * 350000ull);
	assert_int_equal(r.t2, 512 * 62000ull);
	dmasim_gpu_info(r.gpu, &in);
	assert_int_equal(in.pinned, 4 * MiB);
	assert_int_equal(in.pinned_peak, 4 * MiB);
	assert_int_equal(in.pin_ps, 256 * 350000ull + 1024 * 62000ull);
	/* staging buffers over the budget: the GPU is refused */
	dmasim_gpu_config_init(&gc);
	gc.cpu = r.cpu;
	gc.name = "gpu9";
	gc.pin_budget = 1 * MiB;
	gc.bounce_base = BOUNCE;
	assert_int_equal(dmasim_gpu_new(r.sys, &gc, NULL), DMASIM_ENOMEM);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "pinned budget"));
	dmasim_sys_free(r.sys);
}

/* ---- the sanitizer ---- */

enum { B_REUSE, B_FREE, B_KERNEL };

static void buggy(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	struct dmasim_kernel k = { 0 };
	bool ok = r->mode >= 10;	/* the correct version */
	int bug = r->mode % 10;

	k.in = r->d;
	k.in_len = 64 * KiB;
	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_gpu_host_alloc(p, r->gpu, 64 * KiB));
	r->h = dmasim_proc_result(p)->value;
	DMASIM_AWAIT(p, dmasim_stream_copy(p, r->s1, r->d, r->h, 64 * KiB));
	if (ok && bug != B_KERNEL)
		DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s1));
	if (bug == B_REUSE)
		DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->h + 100, 1, 4));
	if (bug == B_FREE)
		assert_int_equal(dmasim_gpu_unpin(r->gpu, r->h), 0);
	if (bug == B_KERNEL) {
		if (ok) {
			assert_int_equal(dmasim_stream_record(r->s1, r->ev), 0);
			assert_int_equal(dmasim_stream_wait(r->s2, r->ev), 0);
		}
		DMASIM_AWAIT(p, dmasim_stream_kernel(p, r->s2, &k));
	}
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s1));
	DMASIM_AWAIT(p, dmasim_stream_sync(p, r->s2));
	DMASIM_PROC_END(p);
}

static void sanitizer_classes(void **state)
{
	static const char *const cls[] = { "HOST_WRITE_IN_FLIGHT",
		"PINNED_FREE_IN_FLIGHT", "KERNEL_READ_BEFORE_COPY" };

	(void)state;
	for (int mode = 0; mode < 3; mode++)
		for (int correct = 0; correct < 2; correct++) {
			struct dmasim_gpu_info in;
			struct dmasim_gpu_report rep;
			struct rig r;

			rig_init(&r, NULL);
			r.mode = mode + 10 * correct;
			assert_int_equal(dmasim_spawn(r.sys, buggy, &r, NULL),
					 0);
			assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
			dmasim_gpu_info(r.gpu, &in);
			if (correct) {
				assert_int_equal(in.reports, 0);
			} else {
				assert_int_equal(in.reports, 1);
				assert_int_equal(dmasim_gpu_report(r.gpu, 0,
								   &rep), 0);
				assert_string_equal(rep.cls, cls[mode]);
				assert_true(rep.op_len == 64 * KiB);
			}
			dmasim_sys_free(r.sys);
		}
}

/* ---- bad calls ---- */

static void bad_calls(void **state)
{
	struct dmasim_gpu_config gc;
	struct rig r;
	uint64_t a;

	(void)state;
	rig_init(&r, NULL);
	dmasim_gpu_config_init(&gc);
	assert_int_equal(dmasim_gpu_new(r.sys, &gc, NULL), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "field 'cpu'"));
	gc.cpu = r.cpu;
	gc.gen = 7;
	assert_int_equal(dmasim_gpu_new(r.sys, &gc, NULL), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "generation 1 to 5"));
	assert_int_equal(dmasim_gpu_malloc(r.gpu, 1ull << 40, &a),
			 DMASIM_ENOMEM);
	dmasim_sys_free(r.sys);
}

/* ---- the scenario language ---- */

static void lua_budget_and_errors(void **state)
{
	/* pin over the budget: nil and the real call's error, nothing
	 * pinned; a bad field: a Lua error naming it */
	static const char *text =
		"local sys = dmasim.system{ bus = { width = 64 } }\n"
		"sys:memory{ size = '1GiB' }\n"
		"local cpu = sys:cpu{}\n"
		"local g = sys:gpu{ cpu = cpu, pin_budget = '1MiB',"
		"  host_base = 0x10000000, host_size = '8MiB' }\n"
		"local ok, err = pcall(sys.gpu, sys, { cpu = cpu, lanes = 64 })\n"
		"dmasim.report('bad_lanes', tostring(err):find('lanes') ~= nil)\n"
		"local ok2, err2 = pcall(sys.gpu, sys, { cpu = cpu, gpus = 1 })\n"
		"dmasim.report('unknown_field', tostring(err2):find('gpus') ~= nil)\n"
		"sys:spawn(function()\n"
		"  local a = g:host_alloc('768KiB')\n"
		"  local b, msg = g:host_alloc('512KiB')\n"
		"  dmasim.report('first', a ~= nil)\n"
		"  dmasim.report('second', b == nil)\n"
		"  dmasim.report('msg', msg:find('cudaErrorMemoryAllocation') ~= nil)\n"
		"  dmasim.report('pinned', g:info().pinned)\n"
		"  g:host_free(a)\n"
		"  dmasim.report('third', g:host_alloc('512KiB') ~= nil)\n"
		"end)\n"
		"sys:run()\n";
	int code;
	struct dmasim_run *run = tu_run_text(text, &code, NULL);

	(void)state;
	assert_int_equal(code, 0);
	assert_string_equal(tu_str(run, "bad_lanes"), "true");
	assert_string_equal(tu_str(run, "unknown_field"), "true");
	assert_string_equal(tu_str(run, "first"), "true");
	assert_string_equal(tu_str(run, "second"), "true");
	assert_string_equal(tu_str(run, "msg"), "true");
	assert_int_equal(tu_int(run, "pinned"), 768 * 1024);
	assert_string_equal(tu_str(run, "third"), "true");
	dmasim_run_free(run);
}

/* ---- on a PCIe endpoint ---- */

static void on_pcie_endpoint(void **state)
{
	/* the GPU's link is the endpoint's: a pinned copy each way moves
	 * the bytes intact over its TLPs; device memory is in the BAR, so
	 * a CPU store through the root complex lands in it; a BAR that
	 * does not hold device memory, or a root for an endpoint, is an
	 * error naming the field */
	static const char *text =
		"local sys = dmasim.system{ bus = { clock = '2GHz', width = 64 } }\n"
		"local mem = sys:memory{ size = '64MiB' }\n"
		"local cpu = sys:cpu{ clock = '2GHz' }\n"
		"local rc = sys:pcie_root{}\n"
		"local ep = sys:pcie_endpoint{ parent = rc, bar = { 0x80000000, '64MiB' } }\n"
		"local ok, e1 = pcall(sys.gpu, sys, { cpu = cpu, pcie = ep })\n"
		"dmasim.report('bad_bar', tostring(e1):find('BAR of endpoint') ~= nil)\n"
		"local ok2, e2 = pcall(sys.gpu, sys, { cpu = cpu, pcie = rc })\n"
		"dmasim.report('bad_kind', tostring(e2):find(\"field 'pcie'\") ~= nil)\n"
		"local g = sys:gpu{ cpu = cpu, pcie = ep, mem_base = 0x80000000,\n"
		"  mem_size = '64MiB', host_base = 0x1000000, host_size = '8MiB' }\n"
		"local d = g:malloc(1 << 20)\n"
		"local s = g:stream()\n"
		"sys:spawn(function()\n"
		"  local h = g:host_alloc(1 << 20)\n"
		"  mem:fill(h, 1 << 20, 0x5a)\n"
		"  s:copy{ dst = d, src = h, size = 1 << 20 }\n"
		"  s:sync()\n"
		"  dmasim.report('h2d', g.mem:hash(d, 1 << 20) == mem:hash(h, 1 << 20))\n"
		"  g.mem:fill(d, 1 << 20, 0xa5)\n"
		"  s:copy{ dst = h, src = d, size = 1 << 20 }\n"
		"  s:sync()\n"
		"  dmasim.report('d2h', g.mem:hash(d, 1 << 20) == mem:hash(h, 1 << 20))\n"
		"  cpu:store(d + 64, 'peer')\n"
		"  local back = cpu:load(d + 64, 4)\n"	/* after the posted write */
		"  dmasim.report('bar', back == 'peer' and g.mem:read(d + 64, 4) == 'peer')\n"
		"  dmasim.report('tlps', ep.up_tlps > 0 and ep.down_tlps > 0)\n"
		"end)\n"
		"sys:run()\n";
	int code;
	struct dmasim_run *run = tu_run_text(text, &code, NULL);

	(void)state;
	assert_int_equal(code, 0);
	assert_string_equal(tu_str(run, "bad_bar"), "true");
	assert_string_equal(tu_str(run, "bad_kind"), "true");
	assert_string_equal(tu_str(run, "h2d"), "true");
	assert_string_equal(tu_str(run, "d2h"), "true");
	assert_string_equal(tu_str(run, "bar"), "true");
	assert_string_equal(tu_str(run, "tlps"), "true");
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_order_and_overlap),
		cmocka_unit_test(bytes_identical_on_every_path),
		cmocka_unit_test(staging_cpu_cost_counted),
		cmocka_unit_test(pinning_cost_and_budget),
		cmocka_unit_test(sanitizer_classes),
		cmocka_unit_test(bad_calls),
		cmocka_unit_test(lua_budget_and_errors),
		cmocka_unit_test(on_pcie_endpoint),
	};

	return cmocka_run_group_tests_name("/hw/gpu", tests, NULL, NULL);
}
