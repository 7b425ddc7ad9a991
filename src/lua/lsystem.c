/*
 * lsystem: systems and their components in the scenario language.
 *
 *   local sys = dmasim.system{ bus = { clock = "1GHz",
 *                                      arbitration = "round_robin" } }
 *   local cpu = sys:cpu{ name = "cpu" }
 *   local ch  = sys:dma_channel{ name = "dma1", mode = "cycle_stealing" }
 *   sys:spawn(function() ch:start{ bursts = 4, burst = 8 }; ch:wait() end)
 *   sys:run()
 *
 * A system owns one simulation and everything in it; components are
 * handles to models the system owns, so a model lives exactly as long as
 * its system.  Software runs as Lua coroutines started with sys:spawn();
 * inside one, sys:wait(t) and obj:wait() suspend it in simulated time.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "hw/bus.h"
#include "hw/cpu.h"
#include "kernel/proc.h"
#include "kernel/trace.h"
#include "lfields.h"
#include "lrun.h"
#include "lcoh.h"
#include "lsys.h"
#include "kernel/vec.h"

#define COMPLETION_MT "dmasim.completion"

const char *const lsys_mode_names[] = { "burst", "cycle_stealing",
	"transparent", NULL };
static const char *const arb_names[] = { "round_robin", "priority", NULL };

struct lsys *lsys_check(lua_State *L, int idx)
{
	struct lsys *sys = luaL_checkudata(L, idx, SYS_MT);

	if (!sys->open)
		luaL_error(L, "system is closed");
	return sys;
}

void *lsys_check_comp(lua_State *L, int idx, const char *mt)
{
	struct lcomp *c = luaL_checkudata(L, idx, mt);

	if (!c->sys->open)
		luaL_error(L, "the component's system is closed");
	return c->obj;
}

/* ---- processes ---- */

static void lproc_unlink(struct lproc *lp)
{
	struct lproc **pp = &lp->sys->procs;

	while (*pp && *pp != lp)
		pp = &(*pp)->next;
	if (*pp)
		*pp = lp->next;
}

static void lproc_done(struct proc *p)
{
	struct lproc *lp = (struct lproc *)p;

	lproc_unlink(lp);
	if (lp->irq_cpu)
		cpu_irq_done(lp->irq_cpu);
	if (lp->sys->runL)
		luaL_unref(lp->sys->runL, LUA_REGISTRYINDEX, lp->ref);
	free(lp);
}

static void lsys_fail(struct lsys *sys, lua_State *from, const char *msg)
{
	lua_State *L = sys->runL;

	if (sys->err_ref == LUA_NOREF) {
		luaL_traceback(L, from, msg, 0);
		sys->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	sim_stop(&sys->sim);
}

static void lproc_resume(struct proc *p)
{
	struct lproc *lp = (struct lproc *)p;
	int nres = 0;
	int st = lua_resume(lp->co, lp->sys->runL, lp->nargs, &nres);

	lp->nargs = 0;
	if (st == LUA_YIELD) {
		lua_pop(lp->co, nres);
		if (p->state == PROC_RUNNING)
			lsys_fail(lp->sys, lp->co,
				  "a process yielded without waiting: pause it "
				  "with system:wait(t) or a component's wait()");
		return;
	}
	if (st != LUA_OK)
		lsys_fail(lp->sys, lp->co, luaL_tolstring(lp->co, -1, NULL));
}

static const struct proc_ops lproc_ops = {
	.resume = lproc_resume,
	.done = lproc_done,
};

struct lproc *lsys_current(lua_State *L, struct lsys *sys, const char *fn)
{
	struct proc *p = sys->sim.current;

	if (!p || p->ops != &lproc_ops || ((struct lproc *)p)->co != L)
		luaL_error(L, "%s must be called from a process started with "
			   "system:spawn()", fn);
	return (struct lproc *)p;
}

struct lproc *lsys_spawn(lua_State *L, struct lsys *sys, int idx, int nargs)
{
	struct lproc *lp;
	lua_State *co;

	luaL_checktype(L, idx, LUA_TFUNCTION);
	lp = calloc(1, sizeof(*lp));
	if (!lp)
		luaL_error(L, "out of memory");
	co = lua_newthread(L);
	lp->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, idx);
	lua_xmove(L, co, 1);
	for (int i = 1; i <= nargs; i++) {
		lua_pushvalue(L, idx + i);
		lua_xmove(L, co, 1);
	}
	lp->co = co;
	lp->sys = sys;
	lp->nargs = nargs;
	proc_init(&lp->p, &sys->sim, &lproc_ops);
	lp->next = sys->procs;
	sys->procs = lp;
	if (proc_start(&lp->p))
		luaL_error(L, "out of memory");
	return lp;
}

int lsys_wait_signal(lua_State *L, struct lproc *lp, struct signal *sig,
		     lua_KFunction k, lua_KContext ctx)
{
	proc_wait_signal(&lp->p, sig);
	return lua_yieldk(L, 0, ctx, k);
}

/* sys:spawn(fn, ...) */
static int l_sys_spawn(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);

	lsys_spawn(L, sys, 2, lua_gettop(L) - 2);
	return 0;
}

/* sys:wait(t): sleep for a time (number of ps or "100ns") */
static int l_sys_wait(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);
	struct proc *p = &lsys_current(L, sys, "system:wait()")->p;
	double t;

	if (lf_to_value(L, 2, UNIT_TIME, &t) || t < 0)
		return luaL_error(L, "system:wait(%s): expected %s",
				  luaL_tolstring(L, 2, NULL),
				  units_expected(UNIT_TIME));
	if (proc_wait_delay(p, (uint64_t)t))
		return luaL_error(L, "out of memory");
	return lua_yield(L, 0);
}

/* sys:run([until]) -> time reached (ps) */
static int l_sys_run(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);
	uint64_t until = UINT64_MAX;
	double t;

	if (!lua_isnoneornil(L, 2)) {
		if (lf_to_value(L, 2, UNIT_TIME, &t) || t < 0)
			return luaL_error(L, "system:run(%s): expected %s",
					  luaL_tolstring(L, 2, NULL),
					  units_expected(UNIT_TIME));
		until = (uint64_t)t;
	}
	if (sys->running)
		return luaL_error(L, "system:run() is already running (it "
				     "cannot be called from a process)");
	sys->running = true;
	sys->runL = L;
	sim_run(&sys->sim, until);
	sys->running = false;
	if (sys->err_ref != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, sys->err_ref);
		luaL_unref(L, LUA_REGISTRYINDEX, sys->err_ref);
		sys->err_ref = LUA_NOREF;
		return lua_error(L);
	}
	lua_pushinteger(L, (lua_Integer)sys->sim.now);
	return 1;
}

static int l_sys_now(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lsys_check(L, 1)->sim.now);
	return 1;
}

/* sys:cycles(t) -> whole bus cycles in t ps (default: now) */
static int l_sys_cycles(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);
	lua_Integer t = luaL_optinteger(L, 2, (lua_Integer)sys->sim.now);

	lua_pushinteger(L, (lua_Integer)clock_cycles(&sys->bus.clk,
						     (uint64_t)t));
	return 1;
}

/* sys:stat(name) -> value of a registered statistic */
static int l_sys_stat(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);
	const char *name = luaL_checkstring(L, 2);
	const struct stat_entry *e = stats_find(&sys->sim.stats, name);

	if (!e)
		return luaL_error(L, "system:stat('%s'): no such statistic",
				  name);
	if (e->kind == STAT_COUNTER)
		lua_pushinteger(L, (lua_Integer)*(const uint64_t *)e->ptr);
	else
		lua_pushnumber(L, stat_read(e, sys->sim.now));
	return 1;
}

void *lsys_alloc(lua_State *L, struct lsys *sys, size_t size,
		 void (*fini)(void *obj))
{
	void *obj;

	VEC_RESERVE(sys->comps, sys->ncomps, sys->capcomps,
		    luaL_error(L, "out of memory"));
	obj = calloc(1, size);
	if (!obj)
		luaL_error(L, "out of memory");
	sys->comps[sys->ncomps].obj = obj;
	sys->comps[sys->ncomps].fini = fini;
	sys->ncomps++;
	return obj;
}

void *lsys_new_comp(lua_State *L, struct lsys *sys, size_t size,
		    const char *mt, void (*fini)(void *obj))
{
	void *obj = lsys_alloc(L, sys, size, fini);
	struct lcomp *c;

	c = lua_newuserdatauv(L, sizeof(*c), 1);
	c->sys = sys;
	c->obj = obj;
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, mt);
	return obj;
}

const char *lsys_comp_name(lua_State *L, int idx, const char *what,
			   const char *prefix, unsigned n, char *buf,
			   size_t len)
{
	const char *name = lf_string(L, idx, what, "name", NULL);

	if (!name) {
		snprintf(buf, len, "%s%u", prefix, n);
		return buf;
	}
	if (!*name || strlen(name) >= 24 || strchr(name, '.'))
		luaL_error(L, "%s: field 'name' = '%s': expected 1 to 23 "
			   "characters without '.'", what, name);
	return name;
}

/* ---- completions ---- */

/* A completion in the manner of the Linux kernel's: complete() counts,
 * wait() returns once a completion it has not consumed exists. */
struct lcompletion {
	struct signal sig;
	uint64_t done, taken;
};

static int l_completion_k(lua_State *L, int status, lua_KContext ctx)
{
	struct lcompletion *c = (struct lcompletion *)ctx;

	(void)L;
	(void)status;
	c->taken++;
	return 0;
}

static int l_completion_wait(lua_State *L)
{
	struct lcompletion *c = lsys_check_comp(L, 1, COMPLETION_MT);
	struct lcomp *h = lua_touserdata(L, 1);
	struct lproc *lp = lsys_current(L, h->sys, "completion:wait()");

	if (c->done > c->taken) {
		c->taken++;
		return 0;
	}
	return lsys_wait_signal(L, lp, &c->sig, l_completion_k,
				(lua_KContext)c);
}

static int l_completion_complete(lua_State *L)
{
	struct lcompletion *c = lsys_check_comp(L, 1, COMPLETION_MT);
	struct lcomp *h = lua_touserdata(L, 1);

	c->done++;
	if (signal_notify(&h->sys->sim, &c->sig))
		return luaL_error(L, "out of memory");
	return 0;
}

static int l_completion_index(lua_State *L)
{
	struct lcompletion *c = lsys_check_comp(L, 1, COMPLETION_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = { { "count", c->done } };

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "completion has no field '%s'", k);
}

/* sys:completion() */
static int l_sys_completion(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);
	struct lcompletion *c;

	lua_settop(L, 1);
	c = lsys_new_comp(L, sys, sizeof(*c), COMPLETION_MT, NULL);
	signal_init(&c->sig);
	return 1;
}

/* ---- the system ---- */

static void lsys_close(lua_State *L, struct lsys *sys)
{
	if (!sys->open)
		return;
	if (sys->slot >= 0)
		results_snapshot_system(&sys->run->res, sys->slot, sys->name,
					&sys->sim);
	sys->runL = NULL;	/* the state is closing: no unref */
	while (sys->procs) {
		struct lproc *lp = sys->procs;

		sys->procs = lp->next;
		free(lp);
	}
	if (sys->err_ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, sys->err_ref);
	if (sys->sim.trace)
		trace_detach(&sys->sim);
	bus_fini(&sys->bus);
	sim_fini(&sys->sim);
	for (size_t i = sys->ncomps; i-- > 0;) {
		if (sys->comps[i].fini)
			sys->comps[i].fini(sys->comps[i].obj);
		free(sys->comps[i].obj);
	}
	free(sys->comps);
	sys->open = false;
}

static int l_sys_gc(lua_State *L)
{
	lsys_close(L, luaL_checkudata(L, 1, SYS_MT));
	return 0;
}

static int l_sys_index(lua_State *L)
{
	struct lsys *sys = lsys_check(L, 1);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "bus_period", sys->bus.clk.period },
		{ "events", sys->sim.events },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, sys->name);
		return 1;
	}
	return luaL_error(L, "system has no field '%s'", k);
}

/* dmasim.system{name, seed, bus = {clock, arbitration, latency, width}} */
static int l_system(lua_State *L)
{
	static const char *const known[] = { "name", "seed", "bus", NULL };
	static const char *const bus_known[] = { "clock", "arbitration",
		"latency", "width", NULL };
	struct dmasim_run *run = lrun_get(L);
	struct bus_config bc;
	struct lsys *sys;
	const char *name;
	uint64_t seed;
	double hz;
	int err;

	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lf_known(L, 1, "dmasim.system{}", known);
	name = lf_string(L, 1, "dmasim.system{}", "name", "system");
	seed = lf_uint(L, 1, "dmasim.system{}", "seed", UNIT_NUMBER,
		       run->seed, 0);
	if (lua_getfield(L, 1, "bus") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (!lua_istable(L, 2))
		return luaL_error(L, "dmasim.system{}: field 'bus': expected a "
				     "table");
	lf_known(L, 2, "bus{}", bus_known);
	hz = lf_value(L, 2, "bus{}", "clock", UNIT_FREQ, 1e9, 1);
	bc.period = clock_period_of_hz(hz);
	bc.arb = (enum bus_arb)lf_enum(L, 2, "bus{}", "arbitration",
				       arb_names, BUS_ARB_ROUND_ROBIN);
	bc.arb_latency = (uint32_t)lf_uint(L, 2, "bus{}", "latency",
					   UNIT_NUMBER, 0, 0);
	bc.width = (uint32_t)lf_uint(L, 2, "bus{}", "width", UNIT_SIZE, 8, 1);
	lua_settop(L, 1);

	sys = lua_newuserdatauv(L, sizeof(*sys), 0);
	memset(sys, 0, sizeof(*sys));
	sys->err_ref = LUA_NOREF;
	sys->slot = -1;
	sys->run = run;
	snprintf(sys->name, sizeof(sys->name), "%s", name);
	if (sim_init(&sys->sim, seed))
		return luaL_error(L, "out of memory");
	sys->open = true;
	luaL_setmetatable(L, SYS_MT);
	sys->sim.user = sys;
	if (lrun_attach(run, &sys->sim, sys->name))
		return luaL_error(L, "out of memory");
	err = bus_init(&sys->bus, &sys->sim, "bus", &bc);
	if (err)
		return luaL_error(L, "dmasim.system{}: %s", dmasim_strerror(err));
	sys->slot = results_reserve_system(&run->res);
	return 1;
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
		{ NULL, NULL }
	};
	static const luaL_Reg completion_methods[] = {
		{ "wait", l_completion_wait },
		{ "complete", l_completion_complete },
		{ NULL, NULL }
	};

	luaL_newmetatable(L, SYS_MT);
	lua_newtable(L);
	luaL_setfuncs(L, sys_methods, 0);
	luaL_setfuncs(L, lhw_sys_methods, 0);
	luaL_setfuncs(L, los_sys_methods, 0);
	luaL_setfuncs(L, lcoh_sys_methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pushcfunction(L, l_sys_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_sys_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	lsys_class(L, COMPLETION_MT, completion_methods, l_completion_index,
		   NULL);
	lhw_open(L);
	los_open(L);
	lcoh_open(L);
	lua_pushcfunction(L, l_system);
	lua_setfield(L, -2, "system");
}
