/*
 * lpcie: PCI Express hierarchies in the scenario language.
 *
 *   local rc = sys:pcie_root{ bus = sys.bus, mmio = { 0x80000000, "1GiB" },
 *                             intc = ic }
 *   local sw = sys:pcie_switch{ parent = rc, window = { 0x80000000,
 *                               "256MiB" }, gen = 4 }
 *   local ep = sys:pcie_endpoint{ parent = sw, bar = { 0x80000000,
 *                                 "1MiB" }, gen = 4, width = 16,
 *                                 mps = 256, mrrs = 512 }
 *   sys:dma{ bus = ep.bus, base = 0x80000000 }   -- a master on the device
 *   ep.up_tlps, ep.up_overhead, ep.down_busy_time, ...
 *   sys:iommu{ bridge = rc.bridge, dir = "b_to_a" }
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"
#include "sys/sys.h"


/* A range field {base, size} (or {base = , size = }) of the table at idx.
 * Returns false when absent. */
static bool range_field(lua_State *L, int idx, const char *what,
			const char *field, uint64_t *base, uint64_t *size)
{
	int w;
	double b = 0, s = 0;

	if (lua_getfield(L, idx, field) == LUA_TNIL) {
		lua_pop(L, 1);
		return false;
	}
	w = lua_gettop(L);
	if (!lua_istable(L, w))
		lf_error(L, "%s: field '%s': expected {base, size}", what,
			 field);
	if (lua_getfield(L, w, "base") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_geti(L, w, 1);
	}
	if (lua_getfield(L, w, "size") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_geti(L, w, 2);
	}
	if (lf_to_value(L, -2, UNIT_SIZE, &b) ||
	    lf_to_value(L, -1, UNIT_SIZE, &s) || b < 0 || s < 1 ||
	    b >= 18446744073709551616.0 || s >= 18446744073709551616.0)
		lf_error(L, "%s: field '%s': expected {base, size} in bytes "
			 "(size > 0)", what, field);
	*base = (uint64_t)b;
	*size = (uint64_t)s;
	lua_settop(L, w - 1);
	return true;
}

/* sys:pcie_root{name, bus, mmio, latency, queue, clock, width,
 * p2p_latency, p2p_bandwidth, intc, msi} */
static int l_sys_pcie_root(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "mmio", "latency",
		"queue", "clock", "width", "p2p_latency", "p2p_bandwidth",
		"intc", "msi", NULL };
	const char *what = "system:pcie_root{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_pcie_root_config cfg;
	struct dmasim_pcie *p;
	struct dmasim_bus *bus;
	struct lcomp *ic;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	bus = lsys_opt_bus(L, 2, what);
	dmasim_pcie_root_config_init(&cfg);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	range_field(L, 2, what, "mmio", &cfg.mmio_base, &cfg.mmio_size);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, cfg.latency,
			      0);
	cfg.queue = lf_u32(L, 2, what, "queue", UNIT_NUMBER, cfg.queue, 1);
	cfg.clock_hz = lf_value(L, 2, what, "clock", UNIT_FREQ, cfg.clock_hz,
				1);
	cfg.width = lf_u32(L, 2, what, "width", UNIT_SIZE, cfg.width, 1);
	cfg.p2p_latency = lf_uint(L, 2, what, "p2p_latency", UNIT_TIME,
				  cfg.p2p_latency, 0);
	cfg.p2p_bandwidth = lf_value(L, 2, what, "p2p_bandwidth", UNIT_BANDWIDTH,
				     0, 0);
	cfg.msi_base = lf_uint(L, 2, what, "msi", UNIT_SIZE, cfg.msi_base, 0);
	if (lua_getfield(L, 2, "intc") != LUA_TNIL) {
		ic = luaL_testudata(L, -1, INTC_MT);
		if (!ic)
			return lf_error(L, "%s: field 'intc': expected an "
					"interrupt controller (system:intc{})",
					what);
		cfg.intc = ic->obj;
	}
	lua_pop(L, 1);
	if (dmasim_pcie_root_new(ls->sys, bus, &cfg, &p))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, p, PCIE_MT);
	return 1;
}

/* The link fields of a switch or an endpoint (the table's keys checked
 * by the caller). */
static int node_new(lua_State *L, bool sw)
{
	const char *what = sw ? "system:pcie_switch{}" :
			   "system:pcie_endpoint{}";
	const char *range = sw ? "window" : "bar";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_pcie_config c;
	struct dmasim_pcie *p, *parent;
	struct lcomp *pc;
	int err;

	lua_getfield(L, 2, "parent");
	pc = luaL_testudata(L, -1, PCIE_MT);
	if (!pc)
		return lf_error(L, "%s: field 'parent': expected a pcie root "
				"or switch (system:pcie_root{}, "
				"system:pcie_switch{})", what);
	parent = pc->obj;
	lua_pop(L, 1);
	dmasim_pcie_config_init(&c);
	c.name = lf_string(L, 2, what, "name", NULL);
	if (!range_field(L, 2, what, range, &c.base, &c.size))
		return lf_error(L, "%s: field '%s': expected {base, size} "
				"(required)", what, range);
	c.gen = (unsigned)lf_int(L, 2, what, "gen", 3, 0, 1000);
	c.width = (unsigned)lf_int(L, 2, what, "width", 16, 0, 1000);
	c.mps = lf_u32(L, 2, what, "mps", UNIT_SIZE, c.mps, 0);
	c.mrrs = lf_u32(L, 2, what, "mrrs", UNIT_SIZE, c.mrrs, 0);
	c.rcb = lf_u32(L, 2, what, "rcb", UNIT_SIZE, c.rcb, 0);
	c.tlp_overhead = lf_u32(L, 2, what, "tlp_overhead", UNIT_SIZE,
				c.tlp_overhead, 0);
	c.cpl_overhead = lf_u32(L, 2, what, "cpl_overhead", UNIT_SIZE,
				c.cpl_overhead, 0);
	c.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, c.latency, 0);
	c.completer_latency = lf_uint(L, 2, what, "completer_latency",
				      UNIT_TIME, 0, 0);
	c.queue = lf_u32(L, 2, what, "queue", UNIT_NUMBER, c.queue, 0);
	c.tags = lf_u32(L, 2, what, "tags", UNIT_NUMBER, c.tags, 0);
	c.ph = lf_u32(L, 2, what, "ph", UNIT_NUMBER, c.ph, 0);
	c.pd = lf_u32(L, 2, what, "pd", UNIT_NUMBER, c.pd, 0);
	c.nph = lf_u32(L, 2, what, "nph", UNIT_NUMBER, c.nph, 0);
	c.cplh = lf_u32(L, 2, what, "cplh", UNIT_NUMBER, c.cplh, 0);
	c.cpld = lf_u32(L, 2, what, "cpld", UNIT_NUMBER, c.cpld, 0);
	c.clock_hz = lf_value(L, 2, what, "clock", UNIT_FREQ, c.clock_hz, 1);
	c.bus_width = lf_u32(L, 2, what, "bus_width", UNIT_SIZE, c.bus_width,
			     1);
	c.priority = lf_int(L, 2, what, "priority", 0, -1000000000,
			    1000000000);
	c.ack_timer = lf_uint(L, 2, what, "ack_timer", UNIT_TIME, 0, 0);
	c.ack_tlps = lf_u32(L, 2, what, "ack_tlps", UNIT_NUMBER, 0, 0);
	c.skp_interval = lf_u32(L, 2, what, "skp_interval", UNIT_NUMBER, 0,
				0);
	err = sw ? dmasim_pcie_switch_new(ls->sys, parent, &c, &p) :
		   dmasim_pcie_endpoint_new(ls->sys, parent, &c, &p);
	if (err)
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, p, PCIE_MT);
	return 1;
}

/* sys:pcie_switch{name, parent, window, link fields} */
static int l_sys_pcie_switch(lua_State *L)
{
	static const char *const known[] = { "name", "parent", "window",
		"gen", "width", "mps", "mrrs", "rcb", "tlp_overhead",
		"cpl_overhead", "latency", "completer_latency", "queue",
		"tags", "ph", "pd", "nph", "cplh", "cpld", "clock",
		"bus_width", "priority", "ack_timer", "ack_tlps",
		"skp_interval", NULL };
	const char *what = "system:pcie_switch{}";

	lsys_check(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	return node_new(L, true);
}

/* sys:pcie_endpoint{name, parent, bar, link fields} */
static int l_sys_pcie_endpoint(lua_State *L)
{
	static const char *const known[] = { "name", "parent", "bar",
		"gen", "width", "mps", "mrrs", "rcb", "tlp_overhead",
		"cpl_overhead", "latency", "completer_latency", "queue",
		"tags", "ph", "pd", "nph", "cplh", "cpld", "clock",
		"bus_width", "priority", "ack_timer", "ack_tlps",
		"skp_interval", NULL };
	const char *what = "system:pcie_endpoint{}";

	lsys_check(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	return node_new(L, false);
}

static const char *const kinds[] = { "root", "switch", "endpoint" };

static int l_pcie_index(lua_State *L)
{
	struct dmasim_pcie *p = lsys_check_comp(L, 1, PCIE_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_pcie_link_info u, d;

	memset(&u, 0, sizeof(u));
	memset(&d, 0, sizeof(d));
	dmasim_pcie_link_info(p, true, &u);
	dmasim_pcie_link_info(p, false, &d);
	{
		const struct lsys_field f[] = {
			{ "up_tlps", u.tlps },
			{ "up_payload", u.payload },
			{ "up_overhead", u.overhead },
			{ "up_writes", u.writes },
			{ "up_reads", u.reads },
			{ "up_completions", u.completions },
			{ "up_credit_stalls", u.credit_stalls },
			{ "up_tag_stalls", u.tag_stalls },
			{ "up_queue_stalls", u.queue_stalls },
			{ "up_stall_time", u.stall_ps },
			{ "up_busy_time", u.busy_ps },
			{ "up_active_time", u.active_ps },
			{ "up_acks", u.acks },
			{ "up_updatefcs", u.updatefcs },
			{ "up_dllp_bytes", u.dllp_bytes },
			{ "up_dllp_time", u.dllp_ps },
			{ "up_skps", u.skps },
			{ "up_skp_time", u.skp_ps },
			{ "down_tlps", d.tlps },
			{ "down_payload", d.payload },
			{ "down_overhead", d.overhead },
			{ "down_writes", d.writes },
			{ "down_reads", d.reads },
			{ "down_completions", d.completions },
			{ "down_credit_stalls", d.credit_stalls },
			{ "down_tag_stalls", d.tag_stalls },
			{ "down_queue_stalls", d.queue_stalls },
			{ "down_stall_time", d.stall_ps },
			{ "down_busy_time", d.busy_ps },
			{ "down_active_time", d.active_ps },
			{ "down_acks", d.acks },
			{ "down_updatefcs", d.updatefcs },
			{ "down_dllp_bytes", d.dllp_bytes },
			{ "down_dllp_time", d.dllp_ps },
			{ "down_skps", d.skps },
			{ "down_skp_time", d.skp_ps },
			{ "p2p_requests", p->p2p.requests },
			{ "msis", p->msi.raised },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	if (!strcmp(k, "name")) {
		lua_pushstring(L, p->name);
		return 1;
	}
	if (!strcmp(k, "kind")) {
		lua_pushstring(L, kinds[p->kind]);
		return 1;
	}
	if (!strcmp(k, "rate")) {
		lua_pushnumber(L, u.rate);
		return 1;
	}
	if (!strcmp(k, "bus")) {
		lsys_push_comp(L, 1, dmasim_pcie_bus(p), BUS_MT);
		return 1;
	}
	if (!strcmp(k, "bridge")) {
		if (p->bridge)
			lsys_push_comp(L, 1, p->bridge, BRIDGE_MT);
		else
			lua_pushnil(L);
		return 1;
	}
	return luaL_error(L, "pcie %s has no field '%s'", kinds[p->kind], k);
}

const luaL_Reg lpcie_sys_methods[] = {
	{ "pcie_root", l_sys_pcie_root },
	{ "pcie_switch", l_sys_pcie_switch },
	{ "pcie_endpoint", l_sys_pcie_endpoint },
	{ NULL, NULL }
};

void lpcie_open(lua_State *L)
{
	static const luaL_Reg methods[] = { { NULL, NULL } };

	lsys_class(L, PCIE_MT, methods, l_pcie_index, NULL);
}
