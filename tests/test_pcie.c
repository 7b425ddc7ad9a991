/*
 * /hw/pcie: a PCIe link (hw/pcie.h) on hand-worked timelines: writes split
 * by the max payload, reads by the max read request and answered by
 * completions, flow-control credits stalling the sender, posted-write
 * ordering; then whole hierarchies through the public API (sys/pcie.c):
 * MMIO reads and writes from a CPU, an MSI raising an interrupt line,
 * peer-to-peer under a switch and through the root complex, bytes
 * identical on every path, and the errors for bad parameters.
 *
 * The link rig: bus U (upstream) and bus D (downstream), both 1 GHz (1000
 * ps a cycle) and 64 bytes wide; memory on U at 0 (no latency: 1 cycle
 * per 64-byte beat), memory on D at 0x100000 (the endpoint's BAR); a Gen3
 * x16 link, 100 ns each way.
 *
 * Wire time (closed form): Gen3 is 8 GT/s a lane with 128b/130b, so x16
 * carries 8e9 * 128/130 / 8 * 16 = 15.754 GB/s; n bytes take
 * ceil(n * 8 * 130 * 1e6 / (8000 * 128 * 16)) ps: a 280-byte TLP (256 of
 * payload, 24 of header and framing) 17774 ps, a 256-byte one 16250 ps, a
 * 24-byte read request 1524 ps, an 84-byte completion (64 + 20) 5333 ps,
 * an 8-byte DLLP 508 ps, a SKP ordered set (16 bytes on each of 16
 * lanes) 16250 ps, and the 370 blocks between SKPs 6012500 ps: the first
 * SKP holds each direction 6012500 .. 6028750.  The AckNak latency timer
 * (Gen3 x16, max payload 256): (256 + 28) * 3.0 / 16 + 115 = 168.25
 * symbol times of 1 ns, 168250 ps.
 */
#include <stdlib.h>
#include <string.h>

#include "dmasim/machine.h"
#include "hw/memory.h"
#include "hw/pcie.h"
#include "hw/pcie_int.h"
#include "sys/sys.h"
#include "kernel/sim.h"
#include "testutil.h"
#include "xact_master.h"

#define BAR 0x100000ull

struct rig {
	struct sim sim;
	struct bus u, d;
	struct memory mu, md;
	struct pcie_link l;
	struct xm td, tu;
};

static void link_cfg(struct pcie_link_config *c)
{
	memset(c, 0, sizeof(*c));
	c->gen = 3;
	c->width = 16;
	c->mps = 256;
	c->mrrs = 512;
	c->rcb = 64;
	c->tlp_overhead = 24;
	c->cpl_overhead = 20;
	c->latency = 100000;
	c->queue = 8;
	c->tags = 32;
}

static void rig_init(struct rig *r, const struct pcie_link_config *lc)
{
	struct bus_config bc = { .period = 1000, .width = 64 };
	struct memory_config mc = { .size = 1 << 20, .latency = 0 };

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->u, &r->sim, "u", &bc), 0);
	assert_int_equal(bus_init(&r->d, &r->sim, "d", &bc), 0);
	assert_int_equal(memory_init(&r->mu, &r->sim, &r->u, "mu", 0, &mc), 0);
	assert_int_equal(memory_init(&r->md, &r->sim, &r->d, "md", BAR, &mc),
			 0);
	assert_int_equal(bus_attach(&r->d, &r->td.m, "td", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	assert_int_equal(bus_attach(&r->u, &r->tu.m, "tu", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	r->td.m.io = true;
	assert_int_equal(pcie_link_init(&r->l, &r->sim, "ep", &r->u, &r->d,
					lc), 0);
	assert_int_equal(pcie_link_window(&r->l, PCIE_DOWN, BAR, 1 << 20), 0);
	assert_int_equal(pcie_link_window(&r->l, PCIE_UP, 0, BAR), 0);
	assert_int_equal(pcie_link_window(&r->l, PCIE_UP, 2 * BAR,
					  1ull << 40), 0);
}

static void rig_fini(struct rig *r)
{
	assert_true(pcie_link_check(&r->l));
	assert_int_equal(r->l.dir[0].used + r->l.dir[1].used, 0);
	pcie_link_fini(&r->l);
	memory_fini(&r->mu);
	memory_fini(&r->md);
	bus_fini(&r->u);
	bus_fini(&r->d);
	sim_fini(&r->sim);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* The wire times the header works out. */
static void wire_times(void **state)
{
	struct rig r;
	struct pcie_link_config lc;

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	assert_int_equal(pcie_link_wire_ps(&r.l, 280), 17774);
	assert_int_equal(pcie_link_wire_ps(&r.l, 256), 16250);
	assert_int_equal(pcie_link_wire_ps(&r.l, 24), 1524);
	assert_int_equal(pcie_link_wire_ps(&r.l, 84), 5333);
	/* x16 raw per direction: 15.754 (Gen3), 31.5 (Gen4), 63 (Gen5) GB/s */
	assert_true(pcie_link_rate(&r.l) > 15.75e9 &&
		    pcie_link_rate(&r.l) < 15.76e9);
	rig_fini(&r);
	lc.gen = 5;
	rig_init(&r, &lc);
	assert_true(pcie_link_rate(&r.l) > 63.0e9 &&
		    pcie_link_rate(&r.l) < 63.02e9);
	rig_fini(&r);
	lc.gen = 2;
	lc.width = 1;
	rig_init(&r, &lc);
	assert_true(pcie_link_rate(&r.l) == 5e8);	/* 5 GT/s, 8b/10b */
	rig_fini(&r);
}

/*
 * A 1000-byte write up the link at MPS 256: 4 TLPs of 256, 256, 256 and
 * 232 bytes of payload and 4 x 24 bytes of overhead.  The near hop on D
 * is 16 beats (0 .. 16000), when the write completes for its initiator
 * (posted); the wire then sends 17774 * 3 + 16250 = 69572 ps of TLPs
 * back to back (16000 .. 85572); the last arrives at 185572, and lands in
 * memory after U's next edge (186000) and 4 beats: 190000.  The first
 * arrived at 133774 and started the receiver's AckNak timer: one Ack for
 * all four goes down at 302024, the last event, and holds the down wire
 * to 302532 (a packet's end is no event while nothing waits for the wire;
 * infinite credits here: no UpdateFC).
 */
static void write_split_by_mps(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t src[1000], got[1000];
	const struct pcie_dir_stats *st;

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	fill(src, sizeof(src), 1);
	xm_start(&r.td, 0x40000, src, 1000, true);
	sim_run(&r.sim, 189999);
	assert_int_equal(r.td.done_at, 16000);
	memory_read(&r.mu, 0x40000 + 768, got, 232);
	assert_memory_not_equal(got, src + 768, 232);	/* not yet */
	sim_run(&r.sim, 190000);
	memory_read(&r.mu, 0x40000, got, 1000);
	assert_memory_equal(got, src, 1000);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.sim.now, 302024);
	assert_int_equal(r.l.dir[PCIE_DOWN].wire_free, 302532);
	st = &r.l.dir[PCIE_DOWN].st;
	assert_int_equal(st->acks, 1);
	assert_int_equal(st->updatefcs, 0);
	assert_int_equal(st->dllp_bytes, 8);
	assert_int_equal(st->dllp_ps, 508);
	st = &r.l.dir[PCIE_UP].st;
	assert_int_equal(st->tlps, 4);
	assert_int_equal(st->writes, 4);
	assert_int_equal(st->payload, 1000);
	assert_int_equal(st->overhead, 4 * 24);
	assert_int_equal(st->busy_ps, 3 * 17774 + 16250);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.tlps, 0);
	rig_fini(&r);
}

/*
 * A 64-byte read from D of U's memory: address cycle on D (0 .. 1000),
 * a 24-byte read request (1000 .. 2524), arriving at 102524; read on U
 * from the next edge (103000 .. 104000); an 84-byte completion back
 * (104000 .. 109333) arriving at 209333; the data on D from its next edge
 * for one beat: 210000 .. 211000.
 */
static void read_round_trip(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t src[64], got[64] = { 0 };

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	fill(src, 64, 2);
	memory_write(&r.mu, 0x8000, src, 64);
	xm_start(&r.td, 0x8000, got, 64, false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.td.ndone, 1);
	assert_int_equal(r.td.status, BUS_OK);
	assert_int_equal(r.td.done_at, 211000);
	assert_memory_equal(got, src, 64);
	assert_int_equal(r.l.dir[PCIE_UP].st.reads, 1);
	assert_int_equal(r.l.dir[PCIE_UP].st.overhead, 24);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.cpls, 1);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.overhead, 20);
	rig_fini(&r);
}

/*
 * A 3000-byte read at 0x1f00 with MRRS 512: requests never cross a 4 KiB
 * boundary, so they are 256 (to 0x2000), 512, 512, 512, 512, 512 and 184
 * bytes: 7 read requests.  Completions are at most MPS (256) bytes and end
 * on 64-byte boundaries: 256-byte pieces of each request, so 1 + 5 * 2 +
 * 1 = 12 completions carrying 3000 bytes and 12 x 20 bytes of overhead.
 */
static void read_split_by_mrrs(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	static uint8_t src[3000], got[3000];

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	fill(src, sizeof(src), 3);
	memory_write(&r.mu, 0x1f00, src, sizeof(src));
	xm_start(&r.td, 0x1f00, got, sizeof(got), false);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.td.status, BUS_OK);
	assert_memory_equal(got, src, sizeof(src));
	assert_int_equal(r.l.dir[PCIE_UP].st.reads, 7);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.cpls, 12);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.payload, 3000);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.overhead, 12 * 20);
	rig_fini(&r);
}

/*
 * Credits: the receiver has room for one posted TLP (1 header, 16 data
 * credits = 256 bytes).  The 1000-byte write's first TLP goes at 16000
 * and arrives at 133774; it is issued on U from 134000 to 138000, when it
 * leaves the buffer; its UpdateFC holds the down wire 138000 .. 138508
 * and reaches the sender 100 ns later: credits back at 238508, not
 * before.  Each later TLP waits so: the second is sent 238508 .. 256282,
 * arrives 356282, is out of the buffer at 361000 (UpdateFC to 361508,
 * credits at 461508), the third goes 461508 .. 479282, out at 584000
 * (credits at 684508), the fourth 684508 .. 700758, arrives 800758 and is
 * written 801000 .. 805000.  Three stalls of 238508 - 33774, 461508 -
 * 256282 and 684508 - 479282 ps.  Down go 4 UpdateFCs and 4 Acks (each
 * TLP is alone when the 168250 ps timer its arrival started expires):
 * the last at 800758 + 168250 = 969008 (the last event) .. 969516.
 */
static void credits_stall_the_sender(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t src[1000], got[1000];
	const struct pcie_dir_stats *st;

	(void)state;
	link_cfg(&lc);
	lc.credits.ph = 1;
	lc.credits.pd = 16;
	rig_init(&r, &lc);
	fill(src, sizeof(src), 4);
	xm_start(&r.td, 0, src, 1000, true);
	sim_run(&r.sim, 238507);
	assert_int_equal(r.l.dir[PCIE_UP].st.tlps, 1);	/* no credits yet */
	sim_run(&r.sim, 238508);
	assert_int_equal(r.l.dir[PCIE_UP].st.tlps, 2);
	sim_run(&r.sim, 804999);
	memory_read(&r.mu, 768, got, 232);
	assert_memory_not_equal(got, src + 768, 232);	/* not yet */
	sim_run(&r.sim, 805000);
	memory_read(&r.mu, 0, got, 1000);
	assert_memory_equal(got, src, 1000);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.sim.now, 969008);
	assert_int_equal(r.l.dir[PCIE_DOWN].wire_free, 969516);
	st = &r.l.dir[PCIE_UP].st;
	assert_int_equal(st->credit_stalls, 3);
	assert_int_equal(st->stall_ps, (238508 - 33774) + (461508 - 256282) +
			 (684508 - 479282));
	st = &r.l.dir[PCIE_DOWN].st;
	assert_int_equal(st->updatefcs, 4);
	assert_int_equal(st->acks, 4);
	assert_int_equal(st->dllp_bytes, 8 * 8);
	assert_int_equal(st->dllp_ps, 8 * 508);
	/* with the default (no limit) the same write ends at 190000 */
	rig_fini(&r);
}

/*
 * Ordering: the device writes 512 bytes to U's memory (posted) and then
 * U's master reads the device's memory (a read request down, a
 * completion up).  The receiver up has credits for one posted TLP only,
 * so the write's second TLP waits at the head of the up direction: the
 * first goes 8000 .. 25774 (after 8 beats on D), lands 126000 .. 130000,
 * its UpdateFC goes down 130000 .. 130508 and its credits are back at
 * 230508; meanwhile the read request went down (21000 .. 22524, read on
 * D 123000 .. 124000) and its completion is ready at 124000 behind the
 * waiting TLP: it may not pass.  The second TLP goes 230508 .. 248282
 * and arrives 348282; the completion (8 + 20 bytes) goes 248282 ..
 * 250060 and arrives 350060, but the receiver hands it over only once
 * the write before it has landed (349000 .. 353000); the data crosses U
 * 353000 .. 354000.  The receiver then hands
 * them over in order, so at the instant U's read completes the write is
 * already in U's memory (looked at from the read's own completion
 * callback).
 */
struct order_probe {
	struct xm *t;
	struct memory *mem;
	int called;
	uint8_t seen[512];
};

static void order_done(struct xact *x)
{
	struct order_probe *o = x->ctx;

	memory_read(o->mem, 0x3000, o->seen, sizeof(o->seen));
	o->called++;
	x->ctx = o->t;
	xm_done(x);
}

static void completion_behind_posted_writes(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	struct order_probe o;
	uint8_t src[512], reg[8] = { 0 }, flag[8] = { 9 };

	(void)state;
	link_cfg(&lc);
	lc.credits.ph = 1;
	lc.credits.pd = 16;
	rig_init(&r, &lc);
	fill(src, sizeof(src), 5);
	memory_write(&r.md, 0, flag, 8);
	xm_start(&r.td, 0x3000, src, sizeof(src), true);
	sim_run(&r.sim, 20000);	/* the write is inside the link */
	o.t = &r.tu;
	o.mem = &r.mu;
	o.called = 0;
	xact_init(&r.tu.x, BAR, reg, 8, false, &r.tu.m, order_done, &o);
	xact_start(&r.tu.m, &r.tu.x);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(o.called, 1);
	assert_int_equal(r.tu.status, BUS_OK);
	assert_memory_equal(reg, flag, 8);
	assert_memory_equal(o.seen, src, sizeof(src));
	assert_int_equal(r.tu.done_at, 354000);
	assert_int_equal(r.l.dir[PCIE_UP].st.writes, 2);
	assert_int_equal(r.l.dir[PCIE_UP].st.cpls, 1);
	rig_fini(&r);
}

/* Two writers sharing the link's up direction contend for its wire: two
 * 1000-byte writes take the wire for twice 69572 ps, back to back. */
static void flows_share_a_direction(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	struct xm t2;
	uint8_t a[1000], b[1000];

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	memset(&t2, 0, sizeof(t2));
	assert_int_equal(bus_attach(&r.d, &t2.m, "t2", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	fill(a, 1000, 6);
	fill(b, 1000, 7);
	xm_start(&r.td, 0x10000, a, 1000, true);
	xm_start(&t2, 0x20000, b, 1000, true);
	sim_run(&r.sim, UINT64_MAX);
	/* second near hop 16000 .. 32000; the wire is busy from 16000 for
	 * 2 x 69572 ps without a gap: the last lands 256000 .. 260000 */
	assert_int_equal(r.l.dir[PCIE_UP].st.busy_ps, 2 * 69572);
	assert_int_equal(r.l.dir[PCIE_UP].st.last_ps, 16000 + 2 * 69572);
	/* one Ack down for all eight, 168250 ps after the first arrived */
	assert_int_equal(r.sim.now, 133774 + 168250);
	assert_int_equal(r.l.dir[PCIE_DOWN].wire_free, 133774 + 168250 + 508);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.acks, 1);
	rig_fini(&r);
}

#include "test_pcie_dll.h"

/* The configuration errors name the field and what was expected. */
static void bad_link_parameters(void **state)
{
	struct pcie_link_config lc;

	(void)state;
	link_cfg(&lc);
	assert_null(pcie_config_error(&lc));
	lc.gen = 7;
	assert_non_null(strstr(pcie_config_error(&lc), "gen"));
	link_cfg(&lc);
	lc.width = 3;
	assert_non_null(strstr(pcie_config_error(&lc), "width"));
	link_cfg(&lc);
	lc.mps = 100;
	assert_non_null(strstr(pcie_config_error(&lc), "mps"));
	link_cfg(&lc);
	lc.mrrs = 8192;
	assert_non_null(strstr(pcie_config_error(&lc), "mrrs"));
	link_cfg(&lc);
	lc.rcb = 32;
	assert_non_null(strstr(pcie_config_error(&lc), "rcb"));
	link_cfg(&lc);
	lc.credits.pd = 8;	/* 128 bytes < one 256-byte TLP */
	assert_non_null(strstr(pcie_config_error(&lc), "credits"));
}

#include "test_pcie_sys.h"

/* The scenario language (tests/lua/pcie.lua): a switch's peer-to-peer
 * copy and a copy to host memory intact, the statistics (below), an MSI,
 * the IOMMU on the root's bridge, and errors naming the field. */
static void lua_hierarchy(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/pcie.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "p2p_intact"), "true");
	assert_string_equal(tu_str(run, "up_intact"), "true");
	/* each 10000-byte copy: 9 bursts of 1024 and one of 784, each split
	 * at 128 bytes: 9 x 8 + 7 = 79 TLPs; twice, plus the 4-byte MSI */
	assert_int_equal(tu_int(run, "a_up_writes"), 2 * 79 + 1);
	/* and 3 completions of 20 bytes: the driver's STATUS reads */
	assert_int_equal(tu_int(run, "a_up_overhead"), (2 * 79 + 1) * 24 +
			 3 * 20);
	/* at the switch the peer copy's TLPs turn down to b, one by one;
	 * the host copy's and the MSI go up */
	/* each of a's posted TLPs up, once written at the switch, owes an
	 * UpdateFC down (the down wire is idle: none rides in another);
	 * Acks and UpdateFCs 8 bytes, 254 ps each at Gen4 x16 */
	assert_int_equal(tu_int(run, "a_down_updatefcs"), 2 * 79 + 1);
	{
		long acks = tu_int(run, "a_down_acks"), n = 2 * 79 + 1 + acks;
		char want[64];

		assert_true(acks >= 1 && acks < 2 * 79);
		snprintf(want, sizeof(want), "%ld %ld", 8 * n, 254 * n);
		assert_string_equal(tu_str(run, "a_down_dllp"), want);
	}
	assert_string_equal(tu_str(run, "a_up_skps"), "0 0");
	assert_non_null(strstr(tu_str(run, "err_skp"),
			       "skp_interval: expected 370 to 375"));
	assert_int_equal(tu_int(run, "b_down_writes"), 79);
	assert_int_equal(tu_int(run, "sw_up_writes"), 79 + 1);
	assert_int_equal(tu_int(run, "p2p_requests"), 0);
	assert_int_equal(tu_int(run, "msis"), 1);
	assert_string_equal(tu_str(run, "kind"), "endpoint");
	assert_string_equal(tu_str(run, "has_bridge"), "true");
	assert_string_equal(tu_str(run, "iommu"), "true");
	assert_non_null(strstr(tu_str(run, "err_gen"), "gen: expected"));
	assert_non_null(strstr(tu_str(run, "err_width"), "width: expected"));
	assert_non_null(strstr(tu_str(run, "err_mps"), "mps: expected"));
	assert_non_null(strstr(tu_str(run, "err_bar"), "field 'bar'"));
	assert_non_null(strstr(tu_str(run, "err_parent"), "field 'parent'"));
	assert_non_null(strstr(tu_str(run, "err_field"), "lanes"));
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_times),
		cmocka_unit_test(write_split_by_mps),
		cmocka_unit_test(read_round_trip),
		cmocka_unit_test(read_split_by_mrrs),
		cmocka_unit_test(credits_stall_the_sender),
		cmocka_unit_test(completion_behind_posted_writes),
		cmocka_unit_test(flows_share_a_direction),
		PCIE_DLL_TESTS
		cmocka_unit_test(bad_link_parameters),
		PCIE_SYS_TESTS
		cmocka_unit_test(lua_hierarchy),
	};

	return cmocka_run_group_tests_name("/hw/pcie", tests, NULL, NULL);
}
