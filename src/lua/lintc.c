/*
 * lintc: interrupt controllers and interval timers in the scenario
 * language.
 *
 *   local ic = sys:intc{ lines = 16 }
 *   ic:route(3, cpu, 2)          -- line 3 to cpu's line 3, priority 2
 *   cpu:on_irq(3, function(line) ... end)
 *   ic:mask(3, true); ic:raise(3)
 *   ic:line(3) -> { raised, delivered, lost, handler_ps, latency_min,
 *                   latency_max, latency_mean, ... }
 *   local t = sys:timer{ intc = ic, line = 0 }
 *   t:start("1ms", true); t:stop(); t.fires
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

/* sys:intc{name, lines} */
static int l_sys_intc(lua_State *L)
{
	static const char *const known[] = { "name", "lines", NULL };
	const char *what = "system:intc{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_intc_config cfg;
	struct dmasim_intc *ic;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_intc_config_init(&cfg);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.lines = (unsigned)lf_uint(L, 2, what, "lines", UNIT_NUMBER, 32, 1);
	if (dmasim_intc_new(ls->sys, &cfg, &ic))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, ic, INTC_MT);
	return 1;
}

static unsigned check_line(lua_State *L, int idx, const char *fn)
{
	lua_Integer line = luaL_checkinteger(L, idx);

	if (line < 0 || line >= INTC_MAX_LINES)
		return (unsigned)lf_error(L, "%s: line %lld: expected 0 to %d",
					  fn, (long long)line,
					  INTC_MAX_LINES - 1);
	return (unsigned)line;
}

/* ic:route(line, cpu, priority) */
static int l_intc_route(lua_State *L)
{
	struct dmasim_intc *ic = lsys_check_comp(L, 1, INTC_MT);
	unsigned line = check_line(L, 2, "intc:route");
	struct lcomp *c = luaL_testudata(L, 3, CPU_MT);
	lua_Integer prio = luaL_optinteger(L, 4, 0);

	if (!c)
		return lf_error(L, "intc:route: argument 2: expected a cpu");
	if (prio < -1000000 || prio > 1000000)
		return lf_error(L, "intc:route: priority %lld: expected -1e6 "
				"to 1e6", (long long)prio);
	if (dmasim_intc_route(ic, line, c->obj, (int)prio))
		return lsys_raise(L, lsys_of(L, 1), "intc:route()");
	return 0;
}

/* ic:mask(line, masked) */
static int l_intc_mask(lua_State *L)
{
	struct dmasim_intc *ic = lsys_check_comp(L, 1, INTC_MT);
	unsigned line = check_line(L, 2, "intc:mask");

	if (dmasim_intc_mask(ic, line, lua_isnone(L, 3) ||
			     lua_toboolean(L, 3)))
		return lsys_raise(L, lsys_of(L, 1), "intc:mask()");
	return 0;
}

/* ic:raise(line): software's interrupt (an IPI to another CPU) */
static int l_intc_raise(lua_State *L)
{
	struct dmasim_intc *ic = lsys_check_comp(L, 1, INTC_MT);
	unsigned line = check_line(L, 2, "intc:raise");

	if (dmasim_intc_raise(ic, line))
		return lsys_raise(L, lsys_of(L, 1), "intc:raise()");
	return 0;
}

static void set_int(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

/* ic:line(n) -> a table of the line's state and statistics */
static int l_intc_line(lua_State *L)
{
	struct dmasim_intc *ic = lsys_check_comp(L, 1, INTC_MT);
	unsigned line = check_line(L, 2, "intc:line");
	struct dmasim_intc_line_info in;

	if (dmasim_intc_line_info(ic, line, &in))
		return lsys_raise(L, lsys_of(L, 1), "intc:line()");
	lua_createtable(L, 0, 12);
	lua_pushboolean(L, in.routed);
	lua_setfield(L, -2, "routed");
	lua_pushboolean(L, in.masked);
	lua_setfield(L, -2, "masked");
	lua_pushboolean(L, in.pending);
	lua_setfield(L, -2, "pending");
	lua_pushinteger(L, in.priority);
	lua_setfield(L, -2, "priority");
	set_int(L, "raised", in.raised);
	set_int(L, "delivered", in.delivered);
	set_int(L, "lost", in.lost);
	set_int(L, "handler_ps", in.handler_ps);
	set_int(L, "latency_count", in.latency_count);
	set_int(L, "latency_min", in.latency_min);
	set_int(L, "latency_max", in.latency_max);
	lua_pushnumber(L, in.latency_mean);
	lua_setfield(L, -2, "latency_mean");
	return 1;
}

static int l_intc_index(lua_State *L)
{
	struct dmasim_intc *ic = lsys_check_comp(L, 1, INTC_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "lines", ic->ic.nlines },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, ic->ic.name);
		return 1;
	}
	return luaL_error(L, "intc has no field '%s'", k);
}

/* sys:timer{name, intc, line} */
static int l_sys_timer(lua_State *L)
{
	static const char *const known[] = { "name", "intc", "line", NULL };
	const char *what = "system:timer{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_timer_config cfg;
	struct dmasim_timer *t;
	struct lcomp *c;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.line = (unsigned)lf_uint(L, 2, what, "line", UNIT_NUMBER, 0, 0);
	lua_getfield(L, 2, "intc");
	c = luaL_testudata(L, -1, INTC_MT);
	if (!c)
		return lf_error(L, "%s: field 'intc': expected an intc", what);
	cfg.intc = c->obj;
	lua_pop(L, 1);
	if (dmasim_timer_new(ls->sys, &cfg, &t))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, t, TIMER_MT);
	return 1;
}

/* t:start(period, periodic) */
static int l_timer_start(lua_State *L)
{
	struct dmasim_timer *t = lsys_check_comp(L, 1, TIMER_MT);
	double period;

	if (lf_to_value(L, 2, UNIT_TIME, &period) || !(period >= 1))
		return lf_error(L, "timer:start: period: expected a time of "
				"at least 1 ps (\"10us\")");
	if (dmasim_timer_start(t, (uint64_t)period, lua_toboolean(L, 3)))
		return lsys_raise(L, lsys_of(L, 1), "timer:start()");
	return 0;
}

static int l_timer_stop(lua_State *L)
{
	dmasim_timer_stop(lsys_check_comp(L, 1, TIMER_MT));
	return 0;
}

static int l_timer_index(lua_State *L)
{
	struct dmasim_timer *t = lsys_check_comp(L, 1, TIMER_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "fires", dmasim_timer_fires(t) },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, t->t.name);
		return 1;
	}
	return luaL_error(L, "timer has no field '%s'", k);
}

const luaL_Reg lintc_sys_methods[] = {
	{ "intc", l_sys_intc },
	{ "timer", l_sys_timer },
	{ NULL, NULL }
};

void lintc_open(lua_State *L)
{
	static const luaL_Reg intc_methods[] = {
		{ "route", l_intc_route },
		{ "mask", l_intc_mask },
		{ "raise", l_intc_raise },
		{ "line", l_intc_line },
		{ NULL, NULL }
	};
	static const luaL_Reg timer_methods[] = {
		{ "start", l_timer_start },
		{ "stop", l_timer_stop },
		{ NULL, NULL }
	};

	lsys_class(L, INTC_MT, intc_methods, l_intc_index, NULL);
	lsys_class(L, TIMER_MT, timer_methods, l_timer_index, NULL);
}
