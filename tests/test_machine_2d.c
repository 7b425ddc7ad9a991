/*
 * /sys/machine_2d: a 2-D strided descriptor from C through the public API
 * alone (dmasim/dmasim.h): encoded with dmasim_dma_desc_2d(), written into
 * memory, started with dmasim_dma_chain() on a CPU, its completion taken
 * by a C interrupt handler.  An 8 x 8 matrix of 4-byte elements is
 * transposed: element (i, j) at S + 32 i + 4 j lands at D + 32 j + 4 i.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define S 0x10000ull
#define D 0x20000ull
#define DESC 0x1000ull
#define N 8

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_memory *mem;
	struct dmasim_cpu *cpu;
	struct dmasim_dma *dma;
	struct dmasim_completion *done;
	uint64_t status;
};

static void handler(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	struct dmasim_channel *ch = dmasim_dma_channel(r->dma, 0);

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_read_status(p, r->cpu, ch));
	r->status = dmasim_proc_result(p)->value;
	DMASIM_AWAIT(p, dmasim_dma_ack(p, r->cpu, ch, (uint32_t)r->status));
	dmasim_complete(r->done);
	DMASIM_PROC_END(p);
}

static void driver(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_chain(p, r->cpu,
					 dmasim_dma_channel(r->dma, 0), DESC,
					 true));
	DMASIM_AWAIT(p, dmasim_wait_completion(p, r->done));
	DMASIM_PROC_END(p);
}

static void transpose_from_c(void **state)
{
	struct dmasim_dma_config dc;
	struct dmasim_memory_config mc;
	struct dmasim_channel_info info;
	struct dmasim_dma_2d d = {
		.src = S, .dst = D, .chunk = 4, .rows = N, .frames = N,
		.src_stride = 4, .dst_stride = 4 * N,
		.src_frame_stride = 4 * N, .dst_frame_stride = 4,
	};
	uint8_t desc[DMASIM_DMA_DESC_2D_SIZE];
	uint8_t src[4 * N * N], dst[4 * N * N];
	struct rig r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(dmasim_sys_new(NULL, &r.sys), 0);
	assert_int_equal(dmasim_bus_new(r.sys, NULL, NULL), 0);
	dmasim_memory_config_init(&mc);
	mc.latency = 20000;
	assert_int_equal(dmasim_memory_new(r.sys, NULL, &mc, &r.mem), 0);
	assert_int_equal(dmasim_cpu_new(r.sys, NULL, NULL, &r.cpu), 0);
	dmasim_dma_config_init(&dc);
	dc.irq = r.cpu;
	assert_int_equal(dmasim_dma_new(r.sys, NULL, &dc, &r.dma), 0);
	assert_int_equal(dmasim_completion_new(r.sys, &r.done), 0);
	for (unsigned k = 0; k < sizeof(src); k++)
		src[k] = (uint8_t)(k * 13 + 1);
	assert_int_equal(dmasim_memory_write(r.mem, S, src, sizeof(src)), 0);
	dmasim_dma_desc_2d(&d, desc);
	assert_int_equal(dmasim_memory_write(r.mem, DESC, desc, sizeof(desc)),
			 0);
	assert_int_equal(dmasim_cpu_on_irq(r.cpu, 0, handler, &r), 0);
	assert_int_equal(dmasim_spawn(r.sys, driver, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	assert_true(r.status & DMASIM_DMA_DONE);
	assert_false(r.status & DMASIM_DMA_ERROR);
	assert_int_equal(dmasim_memory_read(r.mem, D, dst, sizeof(dst)), 0);
	for (unsigned i = 0; i < N; i++)
		for (unsigned j = 0; j < N; j++)
			assert_memory_equal(dst + 4 * (N * j + i),
					    src + 4 * (N * i + j), 4);
	dmasim_channel_info(dmasim_dma_channel(r.dma, 0), &info);
	assert_int_equal(info.bytes, 4 * N * N);
	assert_int_equal(info.bursts, N * N);	/* one per element */
	assert_int_equal(info.desc_fetches, 2);	/* its two halves */
	dmasim_sys_free(r.sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transpose_from_c),
	};

	return cmocka_run_group_tests_name("/sys/machine_2d", tests, NULL,
					   NULL);
}
