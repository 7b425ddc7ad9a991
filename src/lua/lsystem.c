/*
 * lsystem: systems, buses and processes in the scenario language.
 *
 *   local sys = dmasim.system{ bus = { clock = "1GHz",
 *                                      arbitration = "round_robin" } }
 *   local io  = sys:bus{ name = "io", clock = "250MHz", width = 4 }
 *   local cpu = sys:cpu{ name = "cpu" }
 *   sys:spawn(function() cpu:compute(1000) end)
 *   sys:run()
 *
 * A system is a struct dmasim_sys made through the run, so the run's
 * timelines, sanitizer and results observe it; components are handles to
 * what the system owns, so a model lives exactly as long as its system.
 * Software runs as Lua coroutines started with sys:spawn(); inside one,
 * sys:wait(t) and the blocking methods of components suspend it in
 * simulated time.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "kernel/alloc.h"
#include "kernel/units.h"
#include "lfields.h"
#include "lrun.h"
#include "lsys.h"

#define COMPLETION_MT "dmasim.completion"

const char *const lsys_mode_names[] = { "burst", "cycle_stealing",
	"transparent", NULL };
static const char *const arb_names[] = { "round_robin", "priority", NULL };

struct lsys *lsys_check(lua_State *L, int idx)
{
	struct lsys *ls = luaL_checkudata(L, idx, SYS_MT);

	if (!ls->sys)
		luaL_error(L, "system is closed");
	return ls;
}

void *lsys_check_comp(lua_State *L, int idx, const char *mt)
{
	struct lcomp *c = luaL_checkudata(L, idx, mt);

	if (!c->ls->sys)
		luaL_error(L, "the component's system is closed");
	return c->obj;
}

struct lsys *lsys_of(lua_State *L, int idx)
{
	return ((struct lcomp *)lua_touserdata(L, idx))->ls;
}

void lsys_push_comp(lua_State *L, int sys_idx, void *obj, const char *mt)
{
	struct lsys *ls = lua_touserdata(L, sys_idx);
	struct lcomp *c;

	if (luaL_testudata(L, sys_idx, SYS_MT) == NULL)
		ls = ((struct lcomp *)ls)->ls;	/* a component's handle */
	sys_idx = lua_absindex(L, sys_idx);
	c = lua_newuserdatauv(L, sizeof(*c), 1);
	c->ls = ls;
	c->obj = obj;
	lua_pushvalue(L, sys_idx);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, mt);
}

int lsys_raise(lua_State *L, struct lsys *ls, const char *what)
{
	const char *msg = dmasim_sys_error(ls->sys);

	if (what && *what)
		return lf_error(L, "%s: %s", what, msg);
	return lf_error(L, "%s", msg);
}

void lsys_opt_table(lua_State *L, int idx)
{
	if (lua_isnoneornil(L, idx)) {
		lua_settop(L, idx - 1);
		lua_newtable(L);
	}
	luaL_checktype(L, idx, LUA_TTABLE);
}

uint64_t lsys_check_addr(lua_State *L, int idx, const char *fn)
{
	if (!lua_isinteger(L, idx) || lua_tointeger(L, idx) < 0)
		lf_error(L, "%s: address %s: expected an integer >= 0", fn,
			 luaL_tolstring(L, idx, NULL));
	return (uint64_t)lua_tointeger(L, idx);
}

struct dmasim_bus *lsys_opt_bus(lua_State *L, int idx, const char *what)
{
	struct dmasim_bus *bus = NULL;

	if (lua_getfield(L, idx, "bus") != LUA_TNIL) {
		struct lcomp *c = luaL_testudata(L, -1, BUS_MT);

		if (!c)
			lf_error(L, "%s: field 'bus': expected a bus "
				 "(system:bus{}), got %s", what,
				 luaL_typename(L, -1));
		bus = c->obj;
	}
	lua_pop(L, 1);
	return bus;
}

/* ---- processes (the body of a Lua process: lproc.c) ---- */

/* sys:spawn(fn, ...) */
static int l_sys_spawn(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);

	lsys_spawn(L, ls, 2, lua_gettop(L) - 2);
	return 0;
}

/* sys:wait(t): sleep for a time (number of ps or "100ns") */
static int l_sys_wait(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	struct lproc *lp = lsys_current(L, ls, "system:wait()");
	uint64_t t = lf_arg_u64(L, 2, "system:wait", UNIT_TIME);

	return lsys_await(L, ls, dmasim_sleep(&lp->p, t),
			  "system:wait()", NULL, 0);
}

/* sys:run([until]) -> time reached (ps) */
static int l_sys_run(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	uint64_t until = UINT64_MAX;
	int code;

	if (!lua_isnoneornil(L, 2))
		until = lf_arg_u64(L, 2, "system:run", UNIT_TIME);
	if (ls->sys->running)
		return luaL_error(L, "system:run() is already running (it "
				     "cannot be called from a process)");
	ls->runL = L;
	code = dmasim_sys_run(ls->sys, until);
	if (ls->err_ref != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, ls->err_ref);
		luaL_unref(L, LUA_REGISTRYINDEX, ls->err_ref);
		ls->err_ref = LUA_NOREF;
		return lua_error(L);
	}
	if (code)
		return lsys_raise(L, ls, "system:run()");
	lua_pushinteger(L, (lua_Integer)dmasim_sys_now(ls->sys));
	return 1;
}

static int l_sys_now(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)dmasim_sys_now(lsys_check(L, 1)->sys));
	return 1;
}

/* sys:cycles(t) -> whole cycles of the first bus in t ps (default: now) */
static int l_sys_cycles(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	lua_Integer t = luaL_optinteger(L, 2,
					(lua_Integer)dmasim_sys_now(ls->sys));
	struct dmasim_bus *bus = dmasim_sys_bus(ls->sys);

	lua_pushinteger(L, (lua_Integer)clock_cycles(&bus->bus.clk,
						     (uint64_t)t));
	return 1;
}

/* sys:stat(name) -> value of a registered statistic */
static int l_sys_stat(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	const char *name = luaL_checkstring(L, 2);
	struct dmasim_stat st;

	if (dmasim_sys_stat(ls->sys, name, &st))
		return luaL_error(L, "system:stat('%s'): no such statistic",
				  name);
	if (st.is_counter)
		lua_pushinteger(L, (lua_Integer)st.count);
	else
		lua_pushnumber(L, st.value);
	return 1;
}

/* ---- buses ---- */

/* Read a bus{} table at idx into cfg. */
static void bus_fields(lua_State *L, int idx, const char *what,
		       struct dmasim_bus_config *cfg, bool named)
{
	static const char *const known[] = { "clock", "arbitration",
		"latency", "width", "name", NULL };

	lf_known(L, idx, what, named ? known : known + 0);
	if (!named) {
		lua_getfield(L, idx, "name");
		if (!lua_isnil(L, -1))
			lf_error(L, "%s: field 'name': the first bus is "
				 "always 'bus'", what);
		lua_pop(L, 1);
	}
	dmasim_bus_config_init(cfg);
	cfg->name = named ? lf_string(L, idx, what, "name", NULL) : NULL;
	cfg->clock_hz = lf_value(L, idx, what, "clock", UNIT_FREQ, 1e9, 1);
	cfg->arbitration = (enum dmasim_arb)lf_enum(L, idx, what,
						    "arbitration", arb_names,
						    DMASIM_ARB_ROUND_ROBIN);
	cfg->latency = lf_u32(L, idx, what, "latency", UNIT_NUMBER,
					 0, 0);
	cfg->width = lf_u32(L, idx, what, "width", UNIT_SIZE, 8, 1);
}

/* sys:bus{name, clock, arbitration, latency, width}: another interconnect */
static int l_sys_bus(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_bus_config cfg;
	struct dmasim_bus *bus;

	lsys_opt_table(L, 2);
	bus_fields(L, 2, "system:bus{}", &cfg, true);
	if (dmasim_bus_new(ls->sys, &cfg, &bus))
		return lsys_raise(L, ls, "system:bus{}");
	lsys_push_comp(L, 1, bus, BUS_MT);
	return 1;
}

static int l_bus_index(lua_State *L)
{
	struct dmasim_bus *b = lsys_check_comp(L, 1, BUS_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "period", b->bus.clk.period },
		{ "width", b->bus.cfg.width },
		{ "grants", bus_grants(&b->bus) },
		{ "busy_cycles", bus_busy_cycles(&b->bus) },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, b->bus.name);
		return 1;
	}
	return luaL_error(L, "bus has no field '%s'", k);
}

/* The windows of field `field` (a list of {base, size} or {base = ...,
 * size = ...}) of the table at idx, added to br one way. */
static void bridge_windows(lua_State *L, int idx, const char *field,
			   struct lsys *ls, struct dmasim_bridge *br,
			   enum dmasim_bridge_dir dir)
{
	const char *what = "system:bridge{}";
	lua_Integer n;

	if (lua_getfield(L, idx, field) == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		lf_error(L, "%s: field '%s': expected a list of windows "
			 "{base, size}", what, field);
	n = luaL_len(L, -1);
	for (lua_Integer i = 1; i <= n; i++) {
		int w = lua_gettop(L) + 1;
		double base = 0, size = 0;

		lua_geti(L, -1, i);
		if (!lua_istable(L, w))
			lf_error(L, "%s: %s[%lld]: expected a window {base, "
				 "size}", what, field, (long long)i);
		if (lua_getfield(L, w, "base") == LUA_TNIL) {
			lua_pop(L, 1);
			lua_geti(L, w, 1);
		}
		if (lua_getfield(L, w, "size") == LUA_TNIL) {
			lua_pop(L, 1);
			lua_geti(L, w, 2);
		}
		if (lf_to_value(L, -2, UNIT_SIZE, &base) ||
		    lf_to_value(L, -1, UNIT_SIZE, &size) || base < 0 ||
		    size < 1 || base >= 18446744073709551616.0 ||
		    size >= 18446744073709551616.0)
			lf_error(L, "%s: %s[%lld]: expected {base, size} in "
				 "bytes (size > 0)", what, field, (long long)i);
		if (dmasim_bridge_window(br, dir, (uint64_t)base,
					 (uint64_t)size))
			lsys_raise(L, ls, what);
		lua_settop(L, w - 1);
	}
	lua_pop(L, 1);
}

/* sys:bridge{name, a, b, latency, width, queue, posted, priority, a_to_b,
 *            b_to_a}: a bridge between buses a and b; a_to_b lists the
 * windows claimed on a and forwarded to b, b_to_a the other way. */
static int l_sys_bridge(lua_State *L)
{
	static const char *const known[] = { "name", "a", "b", "latency",
		"width", "queue", "posted", "priority", "a_to_b", "b_to_a",
		NULL };
	const char *what = "system:bridge{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_bridge_config cfg;
	struct dmasim_bridge *br;
	struct dmasim_bus *ab[2];

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	for (int i = 0; i < 2; i++) {
		const char *f = i ? "b" : "a";
		struct lcomp *c;

		lua_getfield(L, 2, f);
		c = luaL_testudata(L, -1, BUS_MT);
		if (!c)
			return lf_error(L, "%s: field '%s': expected a bus "
					"(system:bus{}, or system.bus)", what,
					f);
		ab[i] = c->obj;
		lua_pop(L, 1);
	}
	dmasim_bridge_config_init(&cfg);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, 0, 0);
	cfg.width = lf_u32(L, 2, what, "width", UNIT_SIZE, 0, 0);
	cfg.queue = lf_u32(L, 2, what, "queue", UNIT_NUMBER, 4, 1);
	cfg.priority = lf_int(L, 2, what, "priority", 0, -1000000000,
			      1000000000);
	if (lua_getfield(L, 2, "posted") != LUA_TNIL)
		cfg.posted = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (dmasim_bridge_new(ls->sys, ab[0], ab[1], &cfg, &br))
		return lsys_raise(L, ls, what);
	bridge_windows(L, 2, "a_to_b", ls, br, DMASIM_A_TO_B);
	bridge_windows(L, 2, "b_to_a", ls, br, DMASIM_B_TO_A);
	lsys_push_comp(L, 1, br, BRIDGE_MT);
	return 1;
}

static int l_bridge_index(lua_State *L)
{
	struct dmasim_bridge *b = lsys_check_comp(L, 1, BRIDGE_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct bridge_side *ab = &b->br.side[BRIDGE_A_TO_B];
	const struct bridge_side *ba = &b->br.side[BRIDGE_B_TO_A];
	const struct lsys_field f[] = {
		{ "a_to_b_forwarded", ab->forwarded },
		{ "b_to_a_forwarded", ba->forwarded },
		{ "a_to_b_stalls", ab->stalls },
		{ "b_to_a_stalls", ba->stalls },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, b->br.name);
		return 1;
	}
	return luaL_error(L, "bridge has no field '%s'", k);
}

/* sys:buses() -> every bus, the system bus first */
static int l_sys_buses(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);

	lua_createtable(L, (int)ls->sys->nbuses, 0);
	for (size_t i = 0; i < ls->sys->nbuses; i++) {
		lsys_push_comp(L, 1, ls->sys->buses[i], BUS_MT);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* ---- completions ---- */

static int l_completion_k(lua_State *L, int status, lua_KContext ctx)
{
	(void)L;
	(void)status;
	(void)ctx;
	return 0;
}

static int l_completion_wait(lua_State *L)
{
	struct dmasim_completion *c = lsys_check_comp(L, 1, COMPLETION_MT);
	struct lsys *ls = lsys_of(L, 1);
	struct lproc *lp = lsys_current(L, ls, "completion:wait()");

	return lsys_await(L, ls, dmasim_wait_completion(&lp->p, c),
			  "completion:wait()", l_completion_k, 0);
}

static int l_completion_complete(lua_State *L)
{
	struct dmasim_completion *c = lsys_check_comp(L, 1, COMPLETION_MT);

	if (dmasim_complete(c))
		return lsys_raise(L, lsys_of(L, 1), "completion:complete()");
	return 0;
}

static int l_completion_index(lua_State *L)
{
	struct dmasim_completion *c = lsys_check_comp(L, 1, COMPLETION_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "count", dmasim_completion_count(c) } };

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "completion has no field '%s'", k);
}

/* sys:completion() */
static int l_sys_completion(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_completion *c;

	lua_settop(L, 1);
	if (dmasim_completion_new(ls->sys, &c))
		return lsys_raise(L, ls, "system:completion()");
	lsys_push_comp(L, 1, c, COMPLETION_MT);
	return 1;
}

/* ---- the system ---- */

static void lsys_close(lua_State *L, struct lsys *ls)
{
	if (!ls->sys)
		return;
	ls->runL = NULL;	/* the state may be closing: no unref */
	if (ls->err_ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, ls->err_ref);
	ls->err_ref = LUA_NOREF;
	/* The run keeps the statistics (its hook), then all is freed. */
	dmasim_sys_free(ls->sys);
	ls->sys = NULL;
}

static int l_sys_gc(lua_State *L)
{
	struct lsys *ls = luaL_checkudata(L, 1, SYS_MT);

	/* Only a scenario calling __gc itself gets here while the system
	 * runs (the run holds it): freeing it would free the running
	 * process. */
	if (ls->sys && ls->sys->running)
		return luaL_error(L, "system '%s': cannot be closed while it "
				  "runs", dmasim_sys_name(ls->sys));
	lsys_close(L, ls);
	return 0;
}

static int l_sys_index(lua_State *L)
{
	struct lsys *ls = lsys_check(L, 1);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "bus_period", dmasim_bus_period(dmasim_sys_bus(ls->sys)) },
		{ "events", dmasim_sys_events(ls->sys) },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, dmasim_sys_name(ls->sys));
		return 1;
	}
	if (!strcmp(k, "system_bus")) {
		lsys_push_comp(L, 1, dmasim_sys_bus(ls->sys), BUS_MT);
		return 1;
	}
	return luaL_error(L, "system has no field '%s'", k);
}

/* dmasim.system{name, seed, bus = {clock, arbitration, latency, width}} */
static int l_system(lua_State *L)
{
	static const char *const known[] = { "name", "seed", "bus", NULL };
	struct dmasim_run *run = lrun_get(L);
	struct dmasim_sys_config sc;
	struct dmasim_bus_config bc;

	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lf_known(L, 1, "dmasim.system{}", known);
	sc.name = lf_string(L, 1, "dmasim.system{}", "name", "system");
	sc.seed = lf_uint(L, 1, "dmasim.system{}", "seed", UNIT_NUMBER,
			  run->seed, 0);
	if (!*sc.name || strlen(sc.name) >= SYS_NAME_MAX)
		return lf_error(L, "dmasim.system{}: field 'name' = '%s': "
				"expected 1 to %d characters", sc.name,
				SYS_NAME_MAX - 1);
	if (lua_getfield(L, 1, "bus") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (!lua_istable(L, 2))
		return luaL_error(L, "dmasim.system{}: field 'bus': expected a "
				     "table");
	bus_fields(L, 2, "bus{}", &bc, false);
	lua_settop(L, 1);

	lsys_new(L, &sc, &bc, "dmasim.system{}");
	return 1;
}

struct lsys *lsys_new(lua_State *L, const struct dmasim_sys_config *sc,
		      const struct dmasim_bus_config *bc, const char *what)
{
	struct dmasim_run *run = lrun_get(L);
	struct lsys *ls;
	int err;

	ls = lua_newuserdatauv(L, sizeof(*ls), 0);
	memset(ls, 0, sizeof(*ls));
	ls->err_ref = LUA_NOREF;
	ls->run = run;
	err = dmasim_run_new_system(run, sc, &ls->sys);
	if (err)
		luaL_error(L, "%s: %s", what, run->error ? run->error :
			   dmasim_strerror(err));
	luaL_setmetatable(L, SYS_MT);
	ls->sys->user = ls;
	if (dmasim_bus_new(ls->sys, bc, NULL))
		lsys_raise(L, ls, what);
	return ls;
}

int lsys_take_error(lua_State *L, struct lsys *ls)
{
	if (ls->err_ref == LUA_NOREF)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, ls->err_ref);
	luaL_unref(L, LUA_REGISTRYINDEX, ls->err_ref);
	ls->err_ref = LUA_NOREF;
	return lua_error(L);
}

void lsys_bus_fields(lua_State *L, int idx, const char *what,
		     struct dmasim_bus_config *bc)
{
	bus_fields(L, idx, what, bc, false);
}

int lsys_index(lua_State *L, int idx, const char *k,
	       const struct lsys_field *f, size_t n)
{
	if (luaL_getmetafield(L, idx, "methods") && lua_getfield(L, -1, k))
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(k, f[i].name)) {
			lua_pushinteger(L, (lua_Integer)f[i].value);
			return 1;
		}
	}
	return 0;
}

void lsys_class(lua_State *L, const char *mt, const luaL_Reg *methods,
		lua_CFunction index, lua_CFunction gc)
{
	luaL_newmetatable(L, mt);
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pushcfunction(L, index);
	lua_setfield(L, -2, "__index");
	if (gc) {
		lua_pushcfunction(L, gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
}

void lsystem_open(lua_State *L)
{
	static const luaL_Reg sys_methods[] = {
		{ "spawn", l_sys_spawn },
		{ "wait", l_sys_wait },
		{ "run", l_sys_run },
		{ "now", l_sys_now },
		{ "cycles", l_sys_cycles },
		{ "stat", l_sys_stat },
		{ "completion", l_sys_completion },
		{ "bus", l_sys_bus },
		{ "bridge", l_sys_bridge },
		{ "buses", l_sys_buses },
		{ NULL, NULL }
	};
	static const luaL_Reg completion_methods[] = {
		{ "wait", l_completion_wait },
		{ "complete", l_completion_complete },
		{ NULL, NULL }
	};
	static const luaL_Reg bus_methods[] = { { NULL, NULL } };

	luaL_newmetatable(L, SYS_MT);
	lua_newtable(L);
	luaL_setfuncs(L, sys_methods, 0);
	luaL_setfuncs(L, lmem_sys_methods, 0);
	luaL_setfuncs(L, lcpu_sys_methods, 0);
	luaL_setfuncs(L, ldma_sys_methods, 0);
	luaL_setfuncs(L, ldev_sys_methods, 0);
	luaL_setfuncs(L, ltraffic_sys_methods, 0);
	luaL_setfuncs(L, liommu_sys_methods, 0);
	luaL_setfuncs(L, los_sys_methods, 0);
	luaL_setfuncs(L, lcache_sys_methods, 0);
	luaL_setfuncs(L, lmap_sys_methods, 0);
	luaL_setfuncs(L, lintc_sys_methods, 0);
	luaL_setfuncs(L, lgpu_sys_methods, 0);
	luaL_setfuncs(L, lpcie_sys_methods, 0);
	luaL_setfuncs(L, ldisk_sys_methods, 0);
	luaL_setfuncs(L, lnic_sys_methods, 0);
	luaL_setfuncs(L, lcamera_sys_methods, 0);
	luaL_setfuncs(L, lmmu_sys_methods, 0);
	luaL_setfuncs(L, lcluster_sys_methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pushcfunction(L, l_sys_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_sys_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	lsys_class(L, COMPLETION_MT, completion_methods, l_completion_index,
		   NULL);
	lsys_class(L, BUS_MT, bus_methods, l_bus_index, NULL);
	lsys_class(L, BRIDGE_MT, bus_methods, l_bridge_index, NULL);
	lmem_open(L);
	lcpu_open(L);
	ldma_open(L);
	ldev_open(L);
	ltraffic_open(L);
	liommu_open(L);
	los_open(L);
	lcache_open(L);
	lmap_open(L);
	lintc_open(L);
	lgpu_open(L);
	lpcie_open(L);
	ldisk_open(L);
	lnic_open(L);
	lcamera_open(L);
	lmmu_open(L);
	lcluster_open(L);
	lua_pushcfunction(L, l_system);
	lua_setfield(L, -2, "system");
}
