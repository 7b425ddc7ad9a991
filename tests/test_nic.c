/*
 * /hw/nic and /os/netdrv: the NIC's descriptor rings (format, head and
 * tail wrap, write-back), frames delivered byte for byte, drops counted
 * exactly, interrupt moderation by count and by timer, the NAPI budget,
 * transmit, and the errors bad parameters get.
 *
 * The machine: a 1 GHz, 8-byte system bus with memory and a CPU at the
 * bus clock; the NIC on an I/O bus of its own joined to it by a bridge
 * of 100 ns each way (a PCIe link's place); an intc whose line 3 goes to
 * the CPU.  Frames of 64 bytes at 10 Gb/s take (64 + 20) * 8 / 10 =
 * 67.2 ns on the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "sys/nic.h"
#include "testutil.h"

#define RING 0x100000ull
#define BUFS 0x200000ull
#define TXRING 0x300000ull
#define TXDATA 0x310000ull

struct rig {
	struct dmasim_sys *sys;
	struct dmasim_memory *mem;
	struct dmasim_cpu *cpu;
	struct dmasim_bus *io;
	struct dmasim_intc *ic;
	struct dmasim_nic *nic;
	uint64_t regs;
	uint32_t ring, rdt;
	uint32_t ims;
	int step;
};

/* The run seed of the next rig (the NIC's arrival stream derives from
 * it). */
static uint64_t rig_seed = 1;

static void rig_init(struct rig *r, const struct dmasim_nic_config *nc)
{
	struct dmasim_sys_config sc;
	struct dmasim_bus_config bc;
	struct dmasim_bridge_config brc;
	struct dmasim_intc_config icc;
	struct dmasim_nic_config c = *nc;
	struct dmasim_bridge *br;
	struct dmasim_bus *sysbus;

	memset(r, 0, sizeof(*r));
	dmasim_sys_config_init(&sc);
	sc.seed = rig_seed;
	assert_int_equal(dmasim_sys_new(&sc, &r->sys), 0);
	assert_int_equal(dmasim_bus_new(r->sys, NULL, &sysbus), 0);
	assert_int_equal(dmasim_memory_new(r->sys, NULL, NULL, &r->mem), 0);
	assert_int_equal(dmasim_cpu_new(r->sys, NULL, NULL, &r->cpu), 0);
	dmasim_bus_config_init(&bc);
	bc.name = "io";
	assert_int_equal(dmasim_bus_new(r->sys, &bc, &r->io), 0);
	dmasim_bridge_config_init(&brc);
	brc.latency = 100000;
	assert_int_equal(dmasim_bridge_new(r->sys, sysbus, r->io, &brc, &br),
			 0);
	assert_int_equal(dmasim_bridge_window(br, DMASIM_A_TO_B, 0x58000000,
					      0x100000), 0);
	assert_int_equal(dmasim_bridge_window(br, DMASIM_B_TO_A, 0,
					      1ull << 30), 0);
	dmasim_intc_config_init(&icc);
	assert_int_equal(dmasim_intc_new(r->sys, &icc, &r->ic), 0);
	assert_int_equal(dmasim_intc_route(r->ic, 3, r->cpu, 0), 0);
	c.intc = r->ic;
	c.irq_line = 3;
	assert_int_equal(dmasim_nic_new(r->sys, r->io, &c, &r->nic), 0);
	r->regs = dmasim_nic_base(r->nic);
}

static uint64_t stat(struct dmasim_sys *sys, const char *name)
{
	struct dmasim_stat st;

	if (dmasim_sys_stat(sys, name, &st))
		fail_msg("no statistic '%s'", name);
	return st.count;
}

/* Descriptors of the receive ring written by the back door: buffer i at
 * BUFS + 2 KiB * i. */
static void ring_fill(struct rig *r)
{
	for (uint32_t i = 0; i < r->ring; i++) {
		uint8_t d[16] = { 0 };
		uint64_t a = BUFS + 2048ull * i;

		memcpy(d, &a, 8);
		assert_int_equal(dmasim_memory_write(r->mem, RING + 16ull * i,
						     d, 16), 0);
	}
}

/* A driver with no refill: the ring's registers, then the link. */
static void bare_driver(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_RDBA, RING,
					 8));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_RDLEN,
					 r->ring, 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_RDT, r->rdt,
					 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_IMS, r->ims,
					 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_CTRL,
					 NIC_CTRL_RXEN | NIC_CTRL_TXEN, 4));
	/* a read flushes the posted writes before the link comes up */
	DMASIM_AWAIT(p, dmasim_cpu_read(p, r->cpu, r->regs + NIC_CTRL, 4));
	dmasim_nic_start(r->nic);
	DMASIM_PROC_END(p);
}

static void run_bare(struct rig *r, uint32_t ring, uint32_t rdt)
{
	r->ring = ring;
	r->rdt = rdt;
	ring_fill(r);
	assert_int_equal(dmasim_spawn(r->sys, bare_driver, r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r->sys, UINT64_MAX), 0);
}

/* Five frames into a ring of 8: each descriptor written back with the
 * frame's length and DD|EOP (the 82599 legacy layout), the untouched
 * sixth still clear, RDH at 5, and every buffer holding its frame. */
static void descriptor_format(void **state)
{
	struct dmasim_nic_config nc;
	struct dmasim_nic_info ni;
	struct rig r;

	(void)state;
	dmasim_nic_config_init(&nc);
	nc.packets = 5;
	nc.pkt_size = 100;
	rig_init(&r, &nc);
	run_bare(&r, 8, 7);
	for (uint32_t i = 0; i < 6; i++) {
		uint8_t d[16], got[100], want[100];
		uint64_t a;

		assert_int_equal(dmasim_memory_read(r.mem, RING + 16ull * i, d,
						    16), 0);
		memcpy(&a, d, 8);
		assert_int_equal(a, BUFS + 2048ull * i);
		if (i == 5) {
			assert_int_equal(d[NIC_D_STATUS], 0);
			continue;
		}
		assert_int_equal(d[NIC_D_LEN] | d[NIC_D_LEN + 1] << 8, 100);
		assert_int_equal(d[NIC_D_STATUS], NIC_STA_DD | NIC_STA_EOP);
		assert_int_equal(d[NIC_D_ERRORS], 0);
		assert_int_equal(dmasim_memory_read(r.mem, a, got, 100), 0);
		dmasim_nic_packet(r.nic, i, want, 100);
		assert_memory_equal(got, want, 100);
		assert_int_equal(got[0], i);	/* the sequence number */
	}
	dmasim_nic_info(r.nic, &ni);
	assert_int_equal(ni.rdh, 5);
	assert_int_equal(ni.rx_packets, 5);
	assert_int_equal(ni.rx_bytes, 500);
	assert_int_equal(ni.desc_fetches, 5);
	assert_int_equal(ni.desc_writebacks, 5);
	assert_int_equal(ni.rx_drops, 0);
	dmasim_sys_free(r.sys);
}

/* Hand-worked: a ring of 8 with RDT = 7 gives the device descriptors 0
 * to 6 (one slot kept empty); nothing is refilled, so of 10 frames the
 * first 7 land and the last 3 find RDH == RDT and are dropped, counted
 * in MPC. */
static void drops_exact(void **state)
{
	struct dmasim_nic_config nc;
	struct dmasim_nic_info ni;
	struct rig r;

	(void)state;
	dmasim_nic_config_init(&nc);
	nc.packets = 10;
	rig_init(&r, &nc);
	run_bare(&r, 8, 7);
	dmasim_nic_info(r.nic, &ni);
	assert_int_equal(ni.sent, 10);
	assert_int_equal(ni.rx_packets, 7);
	assert_int_equal(ni.rx_drops, 3);
	assert_int_equal(ni.rdh, 7);
	assert_int_equal(stat(r.sys, "nic0.rx_drops"), 3);
	dmasim_sys_free(r.sys);
}

/* Moderation on 20 frames 1 us apart (the first after one wire time),
 * each written back well within 1 us of its arrival:
 *   count 4, no timer: an interrupt every 4th frame, 20 / 4 = 5;
 *   timer 2.5 us, no count: each timer runs from the first frame after
 *   a raise and covers it and the next two, 3 frames a raise: 7 (the
 *   last covers 2);
 *   both, count 2: the count comes first, 20 / 2 = 10. */
static uint64_t moderated(uint32_t pkts, uint64_t time_ps)
{
	struct dmasim_nic_config nc;
	struct dmasim_nic_info ni;
	struct rig r;

	dmasim_nic_config_init(&nc);
	nc.packets = 20;
	nc.rate = 1e6;
	nc.itr_pkts = pkts;
	nc.itr_time = time_ps;
	rig_init(&r, &nc);
	r.ims = NIC_INT_RX;
	run_bare(&r, 64, 63);
	dmasim_nic_info(r.nic, &ni);
	assert_int_equal(ni.rx_packets, 20);
	dmasim_sys_free(r.sys);
	return ni.irqs;
}

static void moderation_count_vs_timer(void **state)
{
	(void)state;
	assert_int_equal(moderated(4, 0), 5);
	assert_int_equal(moderated(0, 2500000), 7);
	assert_int_equal(moderated(2, 2500000), 10);
	assert_int_equal(moderated(1, 0), 20);
}

static void drv_rig(struct rig *r, struct dmasim_nic_config *nc,
		    struct dmasim_netdrv_config *dc, struct dmasim_netdrv **d)
{
	rig_init(r, nc);
	dc->cpu = r->cpu;
	dc->ring_base = RING;
	dc->buf_base = BUFS;
	assert_int_equal(dmasim_netdrv_new(r->sys, r->nic, dc, d), 0);
	assert_int_equal(dmasim_sys_run(r->sys, UINT64_MAX), 0);
}

/* 100 frames through a ring of 8 with NAPI: head and tail wrap 12 times
 * and more, every frame delivered intact, none dropped (1 us of CPU work
 * a frame at 0.5 Mpps). */
static void ring_wrap(void **state)
{
	struct dmasim_nic_config nc;
	struct dmasim_netdrv_config dc;
	struct dmasim_netdrv_info di;
	struct dmasim_nic_info ni;
	struct dmasim_netdrv *d;
	struct rig r;

	(void)state;
	dmasim_nic_config_init(&nc);
	nc.packets = 100;
	nc.rate = 5e5;
	nc.pkt_size = 1500;
	dmasim_netdrv_config_init(&dc);
	dc.ring = 8;
	drv_rig(&r, &nc, &dc, &d);
	dmasim_netdrv_info(d, &di);
	dmasim_nic_info(r.nic, &ni);
	assert_int_equal(ni.rx_packets, 100);
	assert_int_equal(ni.rx_drops, 0);
	assert_int_equal(di.delivered, 100);
	assert_int_equal(di.delivered_bytes, 150000);
	assert_int_equal(di.bad_frames, 0);
	assert_int_equal(ni.rdh, 100 % 8);
	/* the tail one behind the head: every descriptor handed back */
	assert_int_equal(ni.rdt, (100 + 7) % 8);
	dmasim_sys_free(r.sys);
}

/* 40 frames at line rate arrive in 2.7 us, before the first poll has
 * done 4 frames (1 us of CPU each): with budget 4 the poll takes 4 a
 * round, ten full rounds (each polling again), then one that finds
 * nothing and re-enables the interrupt; with budget 64, one round. */
static void napi_budget(void **state)
{
	struct dmasim_nic_config nc;
	struct dmasim_netdrv_config dc;
	struct dmasim_netdrv_info di;
	struct dmasim_netdrv *d;
	struct rig r;

	(void)state;
	dmasim_nic_config_init(&nc);
	nc.packets = 40;
	dmasim_netdrv_config_init(&dc);
	dc.ring = 64;
	dc.budget = 4;
	drv_rig(&r, &nc, &dc, &d);
	dmasim_netdrv_info(d, &di);
	assert_int_equal(di.delivered, 40);
	assert_int_equal(di.budget_exhausted, 10);
	assert_int_equal(di.polls - di.budget_exhausted, di.irqs);
	assert_true(di.irqs <= 2);
	dmasim_sys_free(r.sys);

	dc.budget = 64;
	drv_rig(&r, &nc, &dc, &d);
	dmasim_netdrv_info(d, &di);
	assert_int_equal(di.delivered, 40);
	assert_int_equal(di.budget_exhausted, 0);
	assert_int_equal(di.polls, di.irqs);
	dmasim_sys_free(r.sys);
}

/* Without NAPI an interrupt per frame: at 0.2 Mpps (5 us apart, 1 us of
 * work) each frame has its own interrupt and is delivered. */
static void per_packet_irqs(void **state)
{
	struct dmasim_nic_config nc;
	struct dmasim_netdrv_config dc;
	struct dmasim_netdrv_info di;
	struct dmasim_netdrv *d;
	struct rig r;

	(void)state;
	dmasim_nic_config_init(&nc);
	nc.packets = 30;
	nc.rate = 2e5;
	dmasim_netdrv_config_init(&dc);
	dc.napi = false;
	dc.deliver_cycles = 500;
	drv_rig(&r, &nc, &dc, &d);
	dmasim_netdrv_info(d, &di);
	assert_int_equal(di.delivered, 30);
	assert_int_equal(di.irqs, 30);
	assert_int_equal(di.polls, 0);
	assert_int_equal(di.bad_frames, 0);
	dmasim_sys_free(r.sys);
}

/* Transmit: three frames of 60, 61 and 62 bytes in the ring; TDT = 3
 * sends them, each descriptor comes back with DD, and the hash of what
 * went out is the hash of the bytes in memory. */
static void tx_driver(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_TDBA,
					 TXRING, 8));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_TDLEN, 8,
					 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_CTRL,
					 NIC_CTRL_TXEN, 4));
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + NIC_TDT, 3, 4));
	DMASIM_PROC_END(p);
}

static void transmit(void **state)
{
	struct dmasim_nic_config nc;
	struct dmasim_nic_info ni;
	uint8_t data[183];
	uint64_t h = 0;
	struct rig r;

	(void)state;
	dmasim_nic_config_init(&nc);
	rig_init(&r, &nc);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(dmasim_memory_write(r.mem, TXDATA, data, 183), 0);
	for (uint32_t i = 0, off = 0; i < 3; off += 60 + i, i++) {
		uint8_t d[16] = { 0 };
		uint64_t a = TXDATA + off;

		memcpy(d, &a, 8);
		d[NIC_D_LEN] = (uint8_t)(60 + i);
		d[NIC_D_CMD] = NIC_CMD_EOP | NIC_CMD_RS;
		assert_int_equal(dmasim_memory_write(r.mem, TXRING + 16ull * i,
						     d, 16), 0);
	}
	assert_int_equal(dmasim_spawn(r.sys, tx_driver, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	dmasim_nic_info(r.nic, &ni);
	assert_int_equal(ni.tx_packets, 3);
	assert_int_equal(ni.tx_bytes, 183);
	assert_int_equal(ni.tdh, 3);
	for (size_t i = 0; i < sizeof(data); i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	assert_int_equal(ni.tx_hash, h);
	for (uint32_t i = 0; i < 3; i++) {
		uint8_t d[16];

		assert_int_equal(dmasim_memory_read(r.mem, TXRING + 16ull * i,
						    d, 16), 0);
		assert_int_equal(d[NIC_D_STATUS] & NIC_STA_DD, NIC_STA_DD);
	}
	dmasim_sys_free(r.sys);
}

/* A register the NIC does not have, and a misaligned access, are
 * refused and counted as guest errors. */
static void bad_register(struct dmasim_proc *p, void *ctx)
{
	struct rig *r = ctx;

	DMASIM_PROC_BEGIN(p);
	DMASIM_AWAIT(p, dmasim_cpu_write(p, r->cpu, r->regs + 0x200, 1, 4));
	r->step = dmasim_proc_result(p)->status;
	DMASIM_AWAIT(p, dmasim_cpu_read(p, r->cpu, r->regs + NIC_RDT + 1, 2));
	r->step += 10 * dmasim_proc_result(p)->status;
	DMASIM_PROC_END(p);
}

static void bad_params(void **state)
{
	static const struct {
		const char *msg;
		uint32_t pkt_size, buf_size, itr_pkts;
		double rate;
	} cases[] = {
		{ "pkt_size", 8, 2048, 1, 0 },
		{ "buf_size", 4000, 2048, 1, 0 },
		{ "itr_pkts and itr_time", 64, 2048, 0, 0 },
		{ "rate", 64, 2048, 1, -1 },
	};
	struct dmasim_nic_config nc;
	struct dmasim_netdrv_config dc;
	struct dmasim_sys *sys;
	struct dmasim_nic *nic;
	struct dmasim_cpu *cpu;
	struct rig r;

	(void)state;
	assert_int_equal(dmasim_sys_new(NULL, &sys), 0);
	assert_int_equal(dmasim_bus_new(sys, NULL, NULL), 0);
	assert_int_equal(dmasim_cpu_new(sys, NULL, NULL, &cpu), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dmasim_nic_config_init(&nc);
		nc.pkt_size = cases[i].pkt_size;
		nc.buf_size = cases[i].buf_size;
		nc.itr_pkts = cases[i].itr_pkts;
		nc.rate = cases[i].rate;
		assert_int_equal(dmasim_nic_new(sys, NULL, &nc, &nic),
				 DMASIM_EINVAL);
		if (!strstr(dmasim_sys_error(sys), cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i,
				 dmasim_sys_error(sys), cases[i].msg);
	}
	dmasim_nic_config_init(&nc);
	assert_int_equal(dmasim_nic_new(sys, NULL, &nc, &nic), 0);
	dmasim_netdrv_config_init(&dc);
	dc.cpu = cpu;
	assert_int_equal(dmasim_netdrv_new(sys, nic, &dc, NULL),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "no intc"));
	dc.ring = 1;
	assert_int_equal(dmasim_netdrv_new(sys, nic, &dc, NULL),
			 DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "ring 1"));
	dmasim_sys_free(sys);

	dmasim_nic_config_init(&nc);
	rig_init(&r, &nc);
	assert_int_equal(dmasim_spawn(r.sys, bad_register, &r, NULL), 0);
	assert_int_equal(dmasim_sys_run(r.sys, UINT64_MAX), 0);
	/* the write is posted across the bridge: refused beyond it, unseen
	 * by the CPU; the read comes back with BUS_ERR_SLAVE */
	assert_int_equal(r.step, 0 + 10 * 2);
	assert_int_equal(stat(r.sys, "nic0.guest_errors"), 2);
	dmasim_sys_free(r.sys);
}

/* The same seed, the same run: Poisson arrivals drawn from the NIC's
 * stream give identical counts; another seed, other arrivals. */
static uint64_t poisson_drops(uint64_t seed)
{
	struct dmasim_nic_config nc;
	struct dmasim_netdrv_config dc;
	struct dmasim_netdrv *d;
	struct dmasim_nic_info ni;
	struct rig r;
	uint64_t v;

	dmasim_nic_config_init(&nc);
	nc.packets = 400;
	nc.rate = 1.2e6;
	nc.arrival = DMASIM_ARRIVAL_POISSON;
	dmasim_netdrv_config_init(&dc);
	dc.ring = 8;
	rig_seed = seed;
	drv_rig(&r, &nc, &dc, &d);
	rig_seed = 1;
	dmasim_nic_info(r.nic, &ni);
	(void)d;
	assert_int_equal(ni.rx_packets + ni.rx_drops, 400);
	v = ni.rx_drops << 32 | (dmasim_sys_now(r.sys) & 0xffffffffu);
	dmasim_sys_free(r.sys);
	return v;
}

static void poisson_deterministic(void **state)
{
	(void)state;
	assert_int_equal(poisson_drops(5), poisson_drops(5));
	assert_int_not_equal(poisson_drops(5), poisson_drops(6));
}

/* Interrupts by MSI (tests/lua/nic_msi.lua): a NIC behind a PCIe endpoint
 * delivers all 200 frames intact to its NAPI driver, every interrupt a
 * posted write up the link that the root's MSI window turns into the
 * line (as many MSIs as interrupts); a camera behind an endpoint signals
 * each of its 4 frames the same way; an MSI address without an interrupt
 * controller is refused. */
static void msi_interrupts(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/nic_msi.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "sent"), 200);
	assert_int_equal(tu_int(run, "delivered"), 200);
	assert_int_equal(tu_int(run, "bad_frames"), 0);
	assert_true(tu_int(run, "irqs") > 0);
	assert_int_equal(tu_int(run, "msis"), tu_int(run, "irqs"));
	assert_int_equal(tu_int(run, "cam_msis"), 4);
	dmasim_run_free(run);
	run = tu_run_text("local sys = dmasim.system{}\n"
			  "sys:nic{ msi = 0xfee00000 }\n", &code, NULL);
	assert_int_not_equal(code, 0);
	assert_non_null(strstr(dmasim_run_error(run), "without an intc"));
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(descriptor_format),
		cmocka_unit_test(drops_exact),
		cmocka_unit_test(moderation_count_vs_timer),
		cmocka_unit_test(ring_wrap),
		cmocka_unit_test(napi_budget),
		cmocka_unit_test(per_packet_irqs),
		cmocka_unit_test(transmit),
		cmocka_unit_test(bad_params),
		cmocka_unit_test(poisson_deterministic),
		cmocka_unit_test(msi_interrupts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
