/*
 * /hw/bridge: transactions routed hop by hop through two buses and a
 * bridge (hw/xact.h, hw/bridge.h), on hand-worked timelines: a read and a
 * write across, posted and not, back-pressure from a full queue, masters
 * on different buses that never meet, errors across the bridge, and a
 * window that would loop refused.
 *
 * Bus A: 1 GHz (1000 ps a cycle), 8 bytes wide; bus B: 500 MHz (2000 ps),
 * 4 bytes wide; memory on B answers in 10 cycles of B (20 ns latency);
 * the bridge crosses in 5 ns each way.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bridge.h"
#include "hw/memory.h"
#include "kernel/sim.h"
#include "testutil.h"
#include "xact_master.h"

struct rig {
	struct sim sim;
	struct bus a, b;
	struct memory mem_a, mem_b;
	struct bridge br;
	struct xm ta, tb;
};

static void rig_init(struct rig *r, uint32_t queue, bool posted)
{
	struct bus_config ca = { .period = 1000, .width = 8 };
	struct bus_config cb = { .period = 2000, .width = 4 };
	struct memory_config ma = { .size = 1 << 20, .latency = 0 };
	struct memory_config mb = { .size = 1 << 20, .latency = 20000 };
	struct bridge_config bc = { .latency = 5000, .queue = queue,
				    .posted = posted };

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->a, &r->sim, "a", &ca), 0);
	assert_int_equal(bus_init(&r->b, &r->sim, "b", &cb), 0);
	assert_int_equal(memory_init(&r->mem_a, &r->sim, &r->a, "ma", 0, &ma),
			 0);
	assert_int_equal(memory_init(&r->mem_b, &r->sim, &r->b, "mb",
				     0x100000, &mb), 0);
	assert_int_equal(bus_attach(&r->a, &r->ta.m, "ta", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	assert_int_equal(bus_attach(&r->b, &r->tb.m, "tb", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	r->tb.m.io = true;
	assert_int_equal(bridge_init(&r->br, &r->sim, "br", &r->a, &r->b,
				     &bc), 0);
	/* A sees B's memory; B sees A's memory. */
	assert_int_equal(bridge_window(&r->br, BRIDGE_A_TO_B, 0x100000,
				       1 << 20), 0);
	assert_int_equal(bridge_window(&r->br, BRIDGE_B_TO_A, 0, 1 << 20), 0);
}

static void rig_fini(struct rig *r)
{
	assert_true(bridge_check(&r->br));
	bridge_fini(&r->br);
	memory_fini(&r->mem_a);
	memory_fini(&r->mem_b);
	bus_fini(&r->a);
	bus_fini(&r->b);
	sim_fini(&r->sim);
}

/* A read of 16 bytes from A into B's memory:
 *   near hop on A: 1 address cycle            0 .. 1000
 *   crossing                                  1000 .. 6000
 *   far hop on B: 10 latency + 4 beats = 14   6000 .. 34000
 *   crossing back                             34000 .. 39000
 *   data on A: 2 beats                        39000 .. 41000 */
static void read_across(void **state)
{
	struct rig r;
	uint8_t src[16], got[16] = { 0 };

	(void)state;
	rig_init(&r, 4, true);
	for (int i = 0; i < 16; i++)
		src[i] = (uint8_t)(0xa0 + i);
	memory_write(&r.mem_b, 0x40, src, 16);
	xm_start(&r.ta, 0x100040, got, 16, false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.ta.ndone, 1);
	assert_int_equal(r.ta.status, BUS_OK);
	assert_int_equal(r.ta.done_at, 41000);
	assert_memory_equal(got, src, 16);
	assert_int_equal(bus_busy_cycles(&r.a), 1 + 2);	/* address, data */
	assert_int_equal(bus_busy_cycles(&r.b), 14);
	assert_int_equal(r.br.side[BRIDGE_A_TO_B].reads, 1);
	rig_fini(&r);
}

/* A posted write of 16 bytes: done for its initiator when its 2 beats on
 * A end (2000); across at 7000, it waits for B's next clock edge (8000),
 * and lands in B's memory after 14 B cycles, at 36000.  Not posted: done
 * when back across, 36000 + 5000. */
static void write_across(void **state)
{
	struct rig r;
	uint8_t src[16], got[16];

	(void)state;
	for (int posted = 1; posted >= 0; posted--) {
		rig_init(&r, 4, posted);
		for (int i = 0; i < 16; i++)
			src[i] = (uint8_t)(7 * i + posted);
		xm_start(&r.ta, 0x100080, src, 16, true);
		sim_run(&r.sim, 35999);
		memory_read(&r.mem_b, 0x80, got, 16);
		assert_memory_not_equal(got, src, 16);	/* not there yet */
		sim_run(&r.sim, UINT64_MAX);
		memory_read(&r.mem_b, 0x80, got, 16);
		assert_memory_equal(got, src, 16);
		assert_int_equal(r.ta.done_at, posted ? 2000 : 41000);
		assert_int_equal(r.br.side[BRIDGE_A_TO_B].writes, 1);
		rig_fini(&r);
	}
}

/* Queue of one: a second posted write finds the bridge full and waits
 * (off its bus) until the first has left, at 36000 (see write_across);
 * its own near hop then takes 2 cycles. */
static void full_queue_back_pressure(void **state)
{
	struct rig r;
	struct xm t2;
	uint8_t a[16] = { 1 }, b[16] = { 2 };

	(void)state;
	rig_init(&r, 1, true);
	memset(&t2, 0, sizeof(t2));
	assert_int_equal(bus_attach(&r.a, &t2.m, "t2", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	xm_start(&r.ta, 0x100000, a, 16, true);
	xm_start(&t2, 0x100100, b, 16, true);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.ta.done_at, 2000);
	assert_int_equal(t2.done_at, 36000 + 2000);
	assert_int_equal(r.br.side[BRIDGE_A_TO_B].stalls, 1);
	/* t2 never held bus A while it waited */
	assert_int_equal(bus_busy_cycles(&r.a), 4);
	rig_fini(&r);
}

/* A master on each bus, each using its own bus's memory: they never meet,
 * so each finishes exactly when it would alone (A: 16 bytes in 2 beats;
 * B: 10 latency + 4 beats). */
static void separate_buses_never_meet(void **state)
{
	struct rig r;
	uint8_t x[16] = { 0 }, y[16] = { 0 };

	(void)state;
	rig_init(&r, 4, true);
	xm_start(&r.ta, 0x40, x, 16, false);
	xm_start(&r.tb, 0x100040, y, 16, false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.ta.done_at, 2000);
	assert_int_equal(r.tb.done_at, 14 * 2000);
	rig_fini(&r);
}

/* An I/O master on B reads A's memory: across B to A, and back. */
static void dma_reaches_memory_across(void **state)
{
	struct rig r;
	uint8_t src[8] = { 9, 8, 7, 6, 5, 4, 3, 2 }, got[8] = { 0 };

	(void)state;
	rig_init(&r, 4, true);
	memory_write(&r.mem_a, 0x200, src, 8);
	xm_start(&r.tb, 0x200, got, 8, false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.tb.status, BUS_OK);
	assert_memory_equal(got, src, 8);
	/* near hop 1 B cycle (0 .. 2000), crossing (.. 7000), far hop on A:
	 * 1 beat (.. 8000), back (.. 13000), B's next edge (14000), 2 beats
	 * on B (.. 18000) */
	assert_int_equal(r.tb.done_at, 18000);
	rig_fini(&r);
}

/* PCI ordering: two I/O masters on B post writes into a slow memory on
 * A (50 ns); the bridge forwards them one after the other.  A's master
 * reads B's memory meanwhile; the read's data is back at the bridge long
 * before the second write lands, and bus A is free between the writes,
 * but the completion must not pass them: it is delivered only once both
 * writes are in memory, so whoever sees its data sees the writes too.
 *   write 1: accepted at 4000, crosses to 9000, on A 9000 .. 60000
 *   write 2: accepted at 8000, forwarded after write 1: 60000 .. 111000
 *   read:    A 8000 .. 9000, B 14000 .. 18000, back at 23000, held until
 *            111000, its beat on A 111000 .. 112000
 * Without the rule it would be delivered between the writes (61000). */
static void completion_waits_for_posted_writes(void **state)
{
	struct rig r;
	struct xm t2;
	struct memory slow_mem;
	struct memory_config slow = { .size = 1 << 20, .latency = 50000 };
	uint8_t w1[8], w2[8], got[8], land[8];

	(void)state;
	rig_init(&r, 4, true);
	/* a slow memory on A, above the first, that B reaches too */
	assert_int_equal(memory_init(&slow_mem, &r.sim, &r.a, "slow",
				     0x200000, &slow), 0);
	assert_int_equal(bridge_window(&r.br, BRIDGE_B_TO_A, 0x200000,
				       1 << 20), 0);
	r.mem_b.lat_cycles = 0;		/* B's memory answers at once */
	memset(&t2, 0, sizeof(t2));
	assert_int_equal(bus_attach(&r.b, &t2.m, "t2", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	t2.m.io = true;
	memset(w1, 1, 8);
	memset(w2, 2, 8);
	xm_start(&r.tb, 0x200000, w1, 8, true);
	xm_start(&t2, 0x200100, w2, 8, true);
	sim_run(&r.sim, 8000);
	xm_start(&r.ta, 0x100040, got, 8, false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.tb.done_at, 4000);
	assert_int_equal(t2.done_at, 8000);
	assert_int_equal(r.ta.done_at, 112000);
	memory_read(&slow_mem, 0x100, land, 8);
	assert_memory_equal(land, w2, 8);
	memory_fini(&slow_mem);
	rig_fini(&r);
}

/* An address the far bus does not answer: the read ends with a decode
 * error for its initiator; a window leading back is refused. */
static void errors_across(void **state)
{
	struct rig r;
	uint8_t got[8];
	struct bridge br2;
	struct bridge_config bc = { .latency = 0, .queue = 1 };

	(void)state;
	rig_init(&r, 4, true);
	/* B's window [0, 1 MiB) to A: A answers only its memory there, but
	 * make A forward [0x300000, +4KiB) to B, which has nothing there */
	assert_int_equal(bridge_window(&r.br, BRIDGE_A_TO_B, 0x300000, 4096),
			 0);
	xm_start(&r.ta, 0x300000, got, 8, false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.ta.ndone, 1);
	assert_int_equal(r.ta.status, BUS_ERR_DECODE);
	/* B forwarding [0x300000, +4KiB) back to A would loop */
	assert_int_equal(bridge_window(&r.br, BRIDGE_B_TO_A, 0x300000, 4096),
			 DMASIM_EINVAL);
	/* the same bus on both sides is refused */
	assert_int_equal(bridge_init(&br2, &r.sim, "x", &r.a, &r.a, &bc),
			 DMASIM_EINVAL);
	/* an untimed look-up resolves across the bridge */
	{
		uint64_t off;
		const struct bus *on;

		assert_ptr_equal(bus_resolve(&r.a, 0x100010, 8, &off, &on),
				 &r.mem_b.tgt);
		assert_int_equal(off, 0x10);
		assert_ptr_equal(on, &r.b);
	}
	rig_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_across),
		cmocka_unit_test(write_across),
		cmocka_unit_test(full_queue_back_pressure),
		cmocka_unit_test(separate_buses_never_meet),
		cmocka_unit_test(dma_reaches_memory_across),
		cmocka_unit_test(completion_waits_for_posted_writes),
		cmocka_unit_test(errors_across),
	};

	return cmocka_run_group_tests_name("/hw/bridge", tests, NULL, NULL);
}
