/*
 * lnic: NICs and their receive driver in the scenario language.
 *
 *   local nic = sys:nic{ bus = io, pkt_size = 64, rate = 1e6,
 *                        packets = 10000, intc = ic, irq_line = 3 }
 *   local drv = sys:netdrv{ nic = nic, cpu = cpu, ring = 256,
 *                           ring_base = 0x100000, buf_base = 0x200000,
 *                           napi = true, budget = 64 }
 *   sys:run(); print(nic.rx_drops, drv.delivered)
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

#define NIC_MT "dmasim.nic"
#define NETDRV_MT "dmasim.netdrv"

/* An optional boolean field. */
static bool opt_bool(lua_State *L, int idx, const char *field, bool def)
{
	bool v;

	lua_getfield(L, idx, field);
	v = lua_isnil(L, -1) ? def : lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

/* A component field of metatable mt, or NULL when absent. */
static void *opt_comp(lua_State *L, int idx, const char *what,
		      const char *field, const char *mt, const char *expect)
{
	struct lcomp *c;

	lua_getfield(L, idx, field);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	c = luaL_testudata(L, -1, mt);
	if (!c)
		lf_error(L, "%s: field '%s': expected %s", what, field, expect);
	lua_pop(L, 1);
	return c->obj;
}

/* sys:nic{name, bus, base, line_rate, pkt_size, wire_overhead, rate,
 *         arrival, packets, seed, burst, buf_size, itr_pkts, itr_time,
 *         latency, intc, irq_line, network} */
static int l_sys_nic(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base",
		"line_rate", "pkt_size", "wire_overhead", "rate", "arrival",
		"packets", "seed", "burst", "buf_size", "itr_pkts",
		"itr_time", "latency", "intc", "irq_line", "msi", "network",
		NULL };
	static const char *const arrivals[] = { "deterministic", "poisson",
		NULL };
	const char *what = "system:nic{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_nic_config cfg;
	struct dmasim_nic *nic;
	struct dmasim_bus *bus;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_nic_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE,
			   0x58000000ull + 0x1000ull * ls->sys->nnics, 0);
	cfg.line_rate = 8 * lf_value(L, 2, what, "line_rate", UNIT_BANDWIDTH,
				     cfg.line_rate / 8, 0);
	cfg.pkt_size = lf_u32(L, 2, what, "pkt_size", UNIT_SIZE, 64, 0);
	cfg.wire_overhead = lf_u32(L, 2, what, "wire_overhead", UNIT_SIZE, 20,
				   0);
	cfg.rate = lf_value(L, 2, what, "rate", UNIT_NUMBER, 0, 0);
	cfg.arrival = (enum dmasim_arrival)lf_enum(L, 2, what, "arrival",
						   arrivals, 0);
	cfg.packets = lf_uint(L, 2, what, "packets", UNIT_NUMBER, 0, 0);
	cfg.seed = lf_uint(L, 2, what, "seed", UNIT_NUMBER,
			   ls->sys->nnics + 1, 0);
	cfg.burst = lf_u32(L, 2, what, "burst", UNIT_SIZE, 256, 1);
	cfg.buf_size = lf_u32(L, 2, what, "buf_size", UNIT_SIZE, 2048, 1);
	cfg.itr_pkts = lf_u32(L, 2, what, "itr_pkts", UNIT_NUMBER, 1, 0);
	cfg.itr_time = lf_uint(L, 2, what, "itr_time", UNIT_TIME, 0, 0);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, 0, 0);
	cfg.intc = opt_comp(L, 2, what, "intc", INTC_MT, "an intc");
	cfg.irq_line = (unsigned)lf_uint(L, 2, what, "irq_line", UNIT_NUMBER,
					 0, 0);
	cfg.msi = lf_uint(L, 2, what, "msi", UNIT_SIZE, 0, 0);
	if (opt_bool(L, 2, "network", false)) {
		cfg.cluster = ls->sys->cluster;
		if (!cfg.cluster)
			return lf_error(L, "%s: network = true: system '%s' "
					"is not a node of a cluster: expected "
					"a system made by cluster:node()", what,
					ls->sys->name);
	}
	if (dmasim_nic_new(ls->sys, bus, &cfg, &nic))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, nic, NIC_MT);
	return 1;
}

/* nic:start(): the link comes up */
static int l_nic_start(lua_State *L)
{
	dmasim_nic_start(lsys_check_comp(L, 1, NIC_MT));
	return 0;
}

/* nic:packet(seq, len) -> the bytes of the source's frame seq */
static int l_nic_packet(lua_State *L)
{
	struct dmasim_nic *nic = lsys_check_comp(L, 1, NIC_MT);
	lua_Integer seq = luaL_checkinteger(L, 2);
	lua_Integer len = luaL_checkinteger(L, 3);
	luaL_Buffer b;
	char *p;

	if (seq < 0 || len < 0 || len > 16384)
		return lf_error(L, "nic:packet(%lld, %lld): expected a sequence "
				"number >= 0 and a length of 0 to 16384",
				(long long)seq, (long long)len);
	p = luaL_buffinitsize(L, &b, (size_t)len);
	dmasim_nic_packet(nic, (uint64_t)seq, p, (uint32_t)len);
	luaL_pushresultsize(&b, (size_t)len);
	return 1;
}

static int l_nic_index(lua_State *L)
{
	struct dmasim_nic *nic = lsys_check_comp(L, 1, NIC_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_nic_info i;

	dmasim_nic_info(nic, &i);
	{
		const struct lsys_field f[] = {
			{ "base", dmasim_nic_base(nic) },
			{ "sent", i.sent },
			{ "rx_packets", i.rx_packets },
			{ "rx_bytes", i.rx_bytes },
			{ "rx_drops", i.rx_drops },
			{ "rx_errors", i.rx_errors },
			{ "fcs_errors", i.fcs_errors },
			{ "tx_packets", i.tx_packets },
			{ "tx_bytes", i.tx_bytes },
			{ "tx_errors", i.tx_errors },
			{ "irqs", i.irqs },
			{ "desc_fetches", i.desc_fetches },
			{ "desc_writebacks", i.desc_writebacks },
			{ "guest_errors", i.guest_errors },
			{ "rdh", i.rdh }, { "rdt", i.rdt },
			{ "tdh", i.tdh }, { "tdt", i.tdt },
			{ "wire_ps", i.wire_ps },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	if (!strcmp(k, "name")) {
		lua_pushstring(L, i.name);
		return 1;
	}
	return luaL_error(L, "nic has no field '%s'", k);
}

/* sys:netdrv{name, nic, cpu, ring_base, ring, buf_base, napi, budget,
 *            rx_cycles, deliver_cycles, backlog, verify} */
static int l_sys_netdrv(lua_State *L)
{
	static const char *const known[] = { "name", "nic", "cpu",
		"ring_base", "ring", "buf_base", "napi", "budget", "rx_cycles",
		"deliver_cycles", "backlog", "verify", NULL };
	const char *what = "system:netdrv{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_netdrv_config cfg;
	struct dmasim_netdrv *d;
	struct dmasim_nic *nic;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	dmasim_netdrv_config_init(&cfg);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	nic = opt_comp(L, 2, what, "nic", NIC_MT, "a nic");
	cfg.cpu = opt_comp(L, 2, what, "cpu", CPU_MT, "a cpu");
	if (!nic)
		return lf_error(L, "%s: field 'nic': expected a nic", what);
	if (!cfg.cpu)
		return lf_error(L, "%s: field 'cpu': expected a cpu", what);
	cfg.ring_base = lf_uint(L, 2, what, "ring_base", UNIT_SIZE, 0, 0);
	cfg.ring = lf_u32(L, 2, what, "ring", UNIT_NUMBER, 256, 0);
	cfg.buf_base = lf_uint(L, 2, what, "buf_base", UNIT_SIZE, 0, 0);
	cfg.napi = opt_bool(L, 2, "napi", true);
	cfg.budget = lf_u32(L, 2, what, "budget", UNIT_NUMBER, 64, 0);
	cfg.rx_cycles = lf_uint(L, 2, what, "rx_cycles", UNIT_NUMBER, 1000,
				0);
	cfg.deliver_cycles = lf_uint(L, 2, what, "deliver_cycles",
				     UNIT_NUMBER, 0, 0);
	cfg.backlog = lf_u32(L, 2, what, "backlog", UNIT_NUMBER, 1000, 0);
	cfg.verify = opt_bool(L, 2, "verify", true);
	if (dmasim_netdrv_new(ls->sys, nic, &cfg, &d))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, d, NETDRV_MT);
	return 1;
}

static int l_netdrv_index(lua_State *L)
{
	struct dmasim_netdrv *d = lsys_check_comp(L, 1, NETDRV_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_netdrv_info i;

	dmasim_netdrv_info(d, &i);
	{
		const struct lsys_field f[] = {
			{ "delivered", i.delivered },
			{ "delivered_bytes", i.delivered_bytes },
			{ "bad_frames", i.bad_frames },
			{ "irqs", i.irqs },
			{ "polls", i.polls },
			{ "budget_exhausted", i.budget_exhausted },
			{ "backlog_drops", i.backlog_drops },
			{ "ready_at", i.ready_at },
			{ "last_at", i.last_at },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	return luaL_error(L, "netdrv has no field '%s'", k);
}

const luaL_Reg lnic_sys_methods[] = {
	{ "nic", l_sys_nic },
	{ "netdrv", l_sys_netdrv },
	{ NULL, NULL }
};

void lnic_open(lua_State *L)
{
	static const luaL_Reg nic_methods[] = {
		{ "start", l_nic_start },
		{ "packet", l_nic_packet },
		{ NULL, NULL }
	};
	static const luaL_Reg drv_methods[] = { { NULL, NULL } };

	lsys_class(L, NIC_MT, nic_methods, l_nic_index, NULL);
	lsys_class(L, NETDRV_MT, drv_methods, l_netdrv_index, NULL);
}
