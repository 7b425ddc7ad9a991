/*
 * /sys/machine: a machine built, run and read through the public API
 * alone (include/dmasim/dmasim.h), as a C program would: timings worked
 * by hand, statistics by name, C processes and interrupt handlers, a DMA
 * copy verified byte for byte, and the errors every bad call gets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dmasim/dmasim.h"

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_memory *mem;
	struct dmasim_cpu *cpu;
	struct dmasim_dma *dma;
	struct dmasim_completion *done;
	uint64_t value, cycles, t_end;
	int step;
};

/* A 1 GHz, 8-byte bus; 1 GiB of memory answering in 20 ns; a CPU at the
 * bus clock. */
static void rig_init(struct rig *r)
{
	struct dmasim_memory_config mc;

	memset(r, 0, sizeof(*r));
	assert_int_equal(dmasim_sys_new(NULL, &r->sys), 0);
	assert_int_equal(dmasim_bus_new(r->sys, NULL, NULL), 0);
	dmasim_memory_config_init(&mc);
	mc.latency = 20000;
	assert_int_equal(dmasim_memory_new(r->sys, NULL, &mc, &r->mem), 0);
	assert_int_equal(dmasim_cpu_new(r->sys, NULL, NULL, &r->cpu), 0);
}

static uint64_t stat(struct dmasim_sys *sys, const char *name)
{
	struct dmasim_stat st;

	if (dmasim_sys_stat(sys, name, &st))
		fail_msg("no statistic '%s'", name);
	return st.count;
}

static void reader(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_cpu_read(p, r->cpu, 0x1000, 8));
	r->value = dmasim_proc_result(p)->value;
	r->cycles = dmasim_proc_result(p)->cycles;
	DMASIM_AWAIT(p, dmasim_sleep(p, 5000));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, 0x2000, 0xabcd, 4));
	r->t_end = dmasim_sys_now(dmasim_proc_sys(p));
	DMASIM_PROC_END(p);
}

/* A load of one word: 20 cycles of latency and one beat (21 bus cycles,
 * the CPU at the bus clock); a sleep of 5 ns; a store of 21 cycles. */
static void load_store_timed(void **state)
{
	struct rig r;
	uint8_t word[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t back[4];

	(void)state;
	rig_init(&r);
	assert_int_equal(dmasim_memory_write(r.mem, 0x1000, word, 8), 0);
	assert_int_equal(dmasim_spawn(r.sys, reader, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	assert_int_equal(r.value, 0x0807060504030201ull);
	assert_int_equal(r.cycles, 21);
	assert_int_equal(r.t_end, 21000 + 5000 + 21000);
	assert_int_equal(dmasim_memory_read(r.mem, 0x2000, back, 4), 0);
	assert_int_equal(back[0] | back[1] << 8, 0xabcd);
	assert_int_equal(stat(r.sys, "bus.cpu0.grants"), 2);
	assert_int_equal(stat(r.sys, "bus.cpu0.busy_cycles"), 42);
	assert_int_equal(stat(r.sys, "mem0.reads"), 1);
	assert_int_equal(stat(r.sys, "mem0.writes"), 1);
	assert_true(dmasim_sys_stat_count(r.sys) > 10);
	dmasim_sys_free(r.sys);
}

static void handler(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;
	struct dmasim_channel *ch = dmasim_dma_channel(r->dma, 0);

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_read_status(p, r->cpu, ch));
	r->value = dmasim_proc_result(p)->value;
	DMASIM_AWAIT(p, dmasim_dma_ack(p, r->cpu, ch, (uint32_t)r->value));
	dmasim_complete(r->done);
	DMASIM_PROC_END(p);
}

static void copier(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_dma_program(p, r->cpu,
					   dmasim_dma_channel(r->dma, 0),
					   0x10000, 0x80000, 10000, 0, true));
	DMASIM_AWAIT(p, dmasim_wait_completion(p, r->done));
	r->t_end = dmasim_sys_now(dmasim_proc_sys(p));
	DMASIM_PROC_END(p);
}

/* A DMA copy programmed by a C driver, its completion interrupt handled
 * by a C handler: every byte arrives, STATUS said DONE, the channel's
 * counters agree. */
static void dma_copy_with_interrupt(void **state)
{
	struct dmasim_dma_config dc;
	struct dmasim_channel_info info;
	struct rig r;
	uint8_t *src = malloc(10000), *dst = malloc(10000);

	(void)state;
	assert_non_null(src);
	assert_non_null(dst);
	rig_init(&r);
	dmasim_dma_config_init(&dc);
	dc.irq = r.cpu;
	dc.burst = 512;
	assert_int_equal(dmasim_dma_new(r.sys, NULL, &dc, &r.dma), 0);
	assert_int_equal(dmasim_completion_new(r.sys, &r.done), 0);
	for (int i = 0; i < 10000; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(dmasim_memory_write(r.mem, 0x10000, src, 10000), 0);
	assert_int_equal(dmasim_cpu_on_irq(r.cpu, 0, handler, &r), 0);
	assert_int_equal(dmasim_spawn(r.sys, copier, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	assert_int_equal(dmasim_memory_read(r.mem, 0x80000, dst, 10000), 0);
	assert_memory_equal(src, dst, 10000);
	assert_true(r.value & DMASIM_DMA_DONE);
	assert_false(r.value & DMASIM_DMA_ERROR);
	dmasim_channel_info(dmasim_dma_channel(r.dma, 0), &info);
	assert_true(info.done);
	assert_int_equal(info.bytes, 10000);
	assert_int_equal(info.bursts, 20);	/* 19 of 512 bytes, one of 272 */
	assert_true(r.t_end > info.done_at);
	assert_int_equal(stat(r.sys, "cpu0.irqs"), 1);
	dmasim_sys_free(r.sys);
	free(src);
	free(dst);
}

static void failing(struct dmasim_proc *p, void *ctx)
{
	(void)ctx;
	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_sleep(p, 100));
	dmasim_proc_fail(p, "the driver gave up");
	DMASIM_PROC_END(p);
}

static void bad_read(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_cpu_read(p, r->cpu, 0, 9));
	DMASIM_PROC_END(p);
}

/* Every bad call returns a code from the table and a message naming the
 * argument; nothing crashes. */
static void errors_name_the_argument(void **state)
{
	struct dmasim_bus_config bc;
	struct dmasim_memory_config mc;
	struct dmasim_dma_config dc;
	struct dmasim_sys_config sc;
	struct dmasim_sys *other;
	struct dmasim_cpu *ocpu;
	struct dmasim_memory *m;
	struct rig r;

	(void)state;
	rig_init(&r);
	dmasim_bus_config_init(&bc);
	bc.width = 0;
	assert_int_equal(dmasim_bus_new(r.sys, &bc, NULL), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "width 0"));
	dmasim_bus_config_init(&bc);
	bc.clock_hz = -1;
	assert_int_equal(dmasim_bus_new(r.sys, &bc, NULL), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "clock"));
	dmasim_memory_config_init(&mc);
	mc.base = 0x1000;
	assert_int_equal(dmasim_memory_new(r.sys, NULL, &mc, &m),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "overlaps"));
	assert_int_equal(dmasim_memory_read(r.mem, (1ull << 30) - 4, &mc, 8),
			 DMASIM_ERANGE);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "outside memory"));

	/* A handle of another system is refused. */
	dmasim_sys_config_init(&sc);
	sc.name = "other";
	assert_int_equal(dmasim_sys_new(&sc, &other), 0);
	assert_int_equal(dmasim_bus_new(other, NULL, NULL), 0);
	assert_int_equal(dmasim_cpu_new(other, NULL, NULL, &ocpu), 0);
	dmasim_dma_config_init(&dc);
	dc.irq = ocpu;
	assert_int_equal(dmasim_dma_new(r.sys, NULL, &dc, &r.dma),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "'other'"));
	dmasim_sys_free(other);

	/* A process's failure ends the run with its message. */
	assert_int_equal(dmasim_spawn(r.sys, failing, NULL, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), DMASIM_ESCENARIO);
	assert_string_equal(dmasim_sys_error(r.sys), "the driver gave up");
	/* So does a bad call inside a process. */
	assert_int_equal(dmasim_spawn(r.sys, bad_read, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), DMASIM_ESCENARIO);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "expected 1 to 8"));
	/* Time cannot go back. */
	assert_int_equal(dmasim_sys_run(r.sys, 1), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(r.sys), "no earlier than"));
	dmasim_sys_free(r.sys);
}

/* A system made through a run: its statistics join the run's JSON when it
 * is freed, beside what the program reports. */
static void run_collects_systems(void **state)
{
	struct dmasim_run *run;
	struct dmasim_sys *sys;
	struct dmasim_claim c = { .id = "x.y", .text = "one is one",
				  .model = 1, .simulated = 1.001,
				  .tolerance = 0.01 };
	struct dmasim_value v;
	char path[] = "/tmp/dmasim-machine-XXXXXX";
	int agree = 0, fd = mkstemp(path);
	FILE *f;
	char buf[4096];
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_new_system(run, NULL, &sys), 0);
	assert_int_equal(dmasim_bus_new(sys, NULL, NULL), 0);
	dmasim_sys_free(sys);
	assert_int_equal(dmasim_run_report_int(run, "answer", 42, "bytes"), 0);
	assert_int_equal(dmasim_run_report_int(run, "", 1, NULL),
			 DMASIM_EINVAL);
	assert_int_equal(dmasim_run_add_claim(run, &c, &agree), 0);
	assert_true(agree);
	assert_int_equal(dmasim_run_finish(run), 0);
	assert_int_equal(dmasim_run_result(run, 0, &v), 0);
	assert_string_equal(v.name, "answer");
	assert_string_equal(v.text, "42");
	assert_int_equal(dmasim_run_write_json(run, path), 0);
	f = fdopen(fd, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf, "\"bus.grants\""));
	assert_non_null(strstr(buf, "\"one is one\""));
	dmasim_run_free(run);
}

/* ---- synthetic traffic: BUSBENCH-1 with K=1 N=3 ---- */

struct bb {
	struct dmasim_traffic *cpu, *dma;
	uint64_t dma_wake, cpu_wake;
	int again;		/* the result of a second wait */
};

static void bb_main(struct dmasim_proc *p, void *ctx)
{
	struct bb *b = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_wait_traffic(p, b->dma));
	b->dma_wake = dmasim_sys_now(dmasim_proc_sys(p));
	dmasim_traffic_stop(b->cpu);
	DMASIM_AWAIT(p, dmasim_wait_traffic(p, b->cpu));
	b->cpu_wake = dmasim_sys_now(dmasim_proc_sys(p));
	b->again = dmasim_wait_traffic(p, b->dma);	/* done: at once */
	DMASIM_PROC_END(p);
}

static void never_started(struct dmasim_proc *p, void *ctx)
{
	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_wait_traffic(p, ctx));
	DMASIM_PROC_END(p);
}

/*
 * The worked timeline of BUSBENCH-expected.md: the DMA-like master (8
 * cycles, 3 times, gap 0) is done at 32; the CPU-like one (gap 3, access
 * 4, until stopped), stopped then while it waits since 27, gets 32-36 and
 * stops at 36.  Then the errors of bad calls.
 */
static void traffic(void **state)
{
	struct dmasim_traffic_config tc;
	struct dmasim_traffic_info ci, di;
	struct dmasim_sys *sys, *other;
	struct dmasim_traffic *idle;
	struct bb b = { 0 };

	(void)state;
	assert_int_equal(dmasim_sys_new(NULL, &sys), 0);
	assert_int_equal(dmasim_bus_new(sys, NULL, NULL), 0);
	dmasim_traffic_config_init(&tc);
	tc.name = "cpu";
	tc.compute = 3;
	tc.access = 4;
	assert_int_equal(dmasim_traffic_new(sys, NULL, &tc, &b.cpu), 0);
	dmasim_traffic_config_init(&tc);
	tc.name = "dma1";
	tc.access = 8;
	tc.count = 3;
	assert_int_equal(dmasim_traffic_new(sys, NULL, &tc, &b.dma), 0);
	assert_int_equal(dmasim_traffic_start(b.cpu), 0);
	assert_int_equal(dmasim_traffic_start(b.dma), 0);
	assert_int_equal(dmasim_traffic_start(b.dma), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "'dma1' is already "
			       "running"));
	assert_int_equal(dmasim_spawn(sys, bb_main, &b, NULL), 0);
	assert_int_equal(dmasim_sys_run(sys, UINT64_MAX), 0);
	assert_int_equal(b.dma_wake, 32000);
	assert_int_equal(b.cpu_wake, 36000);
	assert_int_equal(b.again, 0);
	dmasim_traffic_info(b.cpu, &ci);
	dmasim_traffic_info(b.dma, &di);
	assert_string_equal(ci.name, "cpu");
	assert_int_equal(ci.id, 0);
	assert_int_equal(di.id, 1);
	assert_true(ci.stopped && !ci.done && !ci.running);
	assert_true(di.done && !di.stopped);
	assert_int_equal(ci.accesses, 3);
	assert_int_equal(ci.stopped_at, 36000);
	assert_int_equal(ci.wait_cycles, 15);
	assert_int_equal(ci.gap_cycles, 9);
	assert_int_equal(di.done_at, 32000);
	assert_int_equal(di.grants, 3);
	assert_int_equal(di.busy_cycles, 24);
	assert_int_equal(stat(sys, "cpu.accesses"), 3);
	assert_int_equal(stat(sys, "dma1.done_at"), 32000);
	assert_int_equal(stat(sys, "bus.busy_cycles"), 36);

	/* Bad configurations, and a wait for a master never started. */
	dmasim_traffic_config_init(&tc);
	tc.access = 0;
	assert_int_equal(dmasim_traffic_new(sys, NULL, &tc, NULL),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "access 0: expected 1 "
			       "or more bus cycles"));
	tc.access = 2;
	tc.count = UINT64_MAX / 2 + 1;
	assert_int_equal(dmasim_traffic_new(sys, NULL, &tc, NULL),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "below 2^64"));
	tc.count = 0;
	tc.clock_hz = -1;
	assert_int_equal(dmasim_traffic_new(sys, NULL, &tc, NULL),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "clock"));
	tc.clock_hz = 0;
	assert_int_equal(dmasim_traffic_new(sys, NULL, &tc, &idle), 0);
	assert_int_equal(dmasim_spawn(sys, never_started, idle, NULL), 0);
	assert_int_equal(dmasim_sys_run(sys, UINT64_MAX), DMASIM_ESCENARIO);
	assert_non_null(strstr(dmasim_sys_error(sys), "wait for traffic "
			       "'traffic2': it was never started"));
	/* A handle of another system is refused. */
	assert_int_equal(dmasim_sys_new(NULL, &other), 0);
	assert_int_equal(dmasim_spawn(other, never_started, idle, NULL), 0);
	assert_int_equal(dmasim_sys_run(other, UINT64_MAX), DMASIM_ESCENARIO);
	assert_non_null(strstr(dmasim_sys_error(other), "belongs to system"));
	dmasim_sys_free(other);
	dmasim_sys_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_store_timed),
		cmocka_unit_test(dma_copy_with_interrupt),
		cmocka_unit_test(errors_name_the_argument),
		cmocka_unit_test(run_collects_systems),
		cmocka_unit_test(traffic),
	};

	return cmocka_run_group_tests_name("/sys/machine", tests, NULL, NULL);
}
