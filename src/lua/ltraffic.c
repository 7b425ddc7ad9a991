/*
 * ltraffic: synthetic bus masters in the scenario language.
 *
 *   local bg = sys:traffic{ compute = 3, access = 4 }
 *   bg:start(); ...; bg:stop()
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

#define check_addr lsys_check_addr
#define opt_table lsys_opt_table

/* ---- synthetic traffic ---- */

/* sys:traffic{name, bus, clock, compute, access, count, mode, priority}:
 * a synthetic bus master (timing, no data) */
static int l_sys_traffic(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "clock",
		"compute", "access", "count", "mode", "priority", NULL };
	const char *what = "system:traffic{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_traffic_config cfg;
	struct dmasim_traffic *t;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_traffic_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.clock_hz = lf_value(L, 2, what, "clock", UNIT_FREQ, 0, 0);
	cfg.compute = lf_uint(L, 2, what, "compute", UNIT_NUMBER, 0, 0);
	cfg.access = lf_uint(L, 2, what, "access", UNIT_NUMBER, 1, 1);
	cfg.count = lf_uint(L, 2, what, "count", UNIT_NUMBER, 0, 0);
	cfg.mode = (enum dmasim_mode)lf_enum(L, 2, what, "mode",
					     lsys_mode_names,
					     DMASIM_MODE_CYCLE_STEALING);
	cfg.priority = lf_int(L, 2, what, "priority", 0, -1000000000,
			      1000000000);
	if (dmasim_traffic_new(ls->sys, bus, &cfg, &t))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, t, TRAFFIC_MT);
	return 1;
}

/* t:start(): count accesses from now, or until t:stop() */
static int l_traffic_start(lua_State *L)
{
	if (dmasim_traffic_start(lsys_check_comp(L, 1, TRAFFIC_MT)))
		return lsys_raise(L, lsys_of(L, 1), "traffic:start()");
	return 0;
}

/* t:stop(): no new request from now (one already made is served) */
static int l_traffic_stop(lua_State *L)
{
	dmasim_traffic_stop(lsys_check_comp(L, 1, TRAFFIC_MT));
	return 0;
}

/* t:wait(): until the run has made its count or stopped */
static int l_traffic_wait(lua_State *L)
{
	struct dmasim_traffic *t = lsys_check_comp(L, 1, TRAFFIC_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "traffic:wait()");

	return lsys_await(L, lp->ls, dmasim_wait_traffic(&lp->p, t),
			  "traffic:wait()", NULL, 0);
}

static struct dmasim_traffic_info traffic_info(lua_State *L, int idx)
{
	struct dmasim_traffic_info i;

	dmasim_traffic_info(lsys_check_comp(L, idx, TRAFFIC_MT), &i);
	return i;
}

static int l_traffic_index(lua_State *L)
{
	const struct dmasim_traffic_info i = traffic_info(L, 1);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "id", i.id },
		{ "grants", i.grants },
		{ "wait_cycles", i.wait_cycles },
		{ "busy_cycles", i.busy_cycles },	/* bus owned */
		{ "bus_cycles", i.busy_cycles },
		{ "accesses", i.accesses },
		{ "gap_cycles", i.gap_cycles },
		{ "started_at", i.started_at },
		{ "done_at", i.done_at },
		{ "stopped_at", i.stopped_at },
		{ "period", i.period },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name"))
		lua_pushstring(L, i.name);
	else if (!strcmp(k, "done"))
		lua_pushboolean(L, i.done);
	else if (!strcmp(k, "running"))
		lua_pushboolean(L, i.running);
	else if (!strcmp(k, "stopped"))
		lua_pushboolean(L, i.stopped);
	else
		return luaL_error(L, "traffic has no field '%s'", k);
	return 1;
}

const luaL_Reg ltraffic_sys_methods[] = {
	{ "traffic", l_sys_traffic },
	{ NULL, NULL }
};

void ltraffic_open(lua_State *L)
{
	static const luaL_Reg traffic_methods[] = {
		{ "start", l_traffic_start },
		{ "stop", l_traffic_stop },
		{ "wait", l_traffic_wait },
		{ NULL, NULL }
	};

	lsys_class(L, TRAFFIC_MT, traffic_methods, l_traffic_index, NULL);
}
