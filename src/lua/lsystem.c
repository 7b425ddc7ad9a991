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
#include "hw/dma.h"
#include "kernel/proc.h"
#include "lfields.h"
#include "lrun.h"

#define SYS_MT "dmasim.system"
#define CPU_MT "dmasim.cpu"
#define DMA_MT "dmasim.dma_channel"

struct lproc;

struct lsys {
	struct sim sim;
	struct bus bus;
	bool open;
	bool running;
	lua_State *runL;	/* the thread inside sys:run() */
	struct dmasim_run *run;
	int slot;		/* statistics slot in the results */
	char name[32];
	void **comps;		/* models owned by the system */
	size_t ncomps, capcomps;
	struct lproc *procs;	/* live processes */
	int err_ref;		/* a process's error, or LUA_NOREF */
	unsigned ncpus, nchans;
};

/* A handle to a model; its user value keeps the system alive. */
struct lcomp {
	struct lsys *sys;
	void *obj;
};

struct lproc {
	struct proc p;
	struct lsys *sys;
	lua_State *co;
	int ref;		/* registry reference to co */
	int nargs;		/* arguments for the first resume */
	struct lproc *next;
};

static const char *const mode_names[] = { "burst", "cycle_stealing",
	"transparent", NULL };
static const char *const arb_names[] = { "round_robin", "priority", NULL };

static struct lsys *check_sys(lua_State *L, int idx)
{
	struct lsys *sys = luaL_checkudata(L, idx, SYS_MT);

	if (!sys->open)
		luaL_error(L, "system is closed");
	return sys;
}

static void *check_comp(lua_State *L, int idx, const char *mt)
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

/* The process running the calling coroutine, or an error. */
static struct proc *current_proc(lua_State *L, struct lsys *sys,
				 const char *fn)
{
	struct proc *p = sys->sim.current;

	if (!p || p->ops != &lproc_ops || ((struct lproc *)p)->co != L)
		luaL_error(L, "%s must be called from a process started with "
			   "system:spawn()", fn);
	return p;
}

/* sys:spawn(fn, ...) */
static int l_sys_spawn(lua_State *L)
{
	struct lsys *sys = check_sys(L, 1);
	int nargs = lua_gettop(L) - 2;
	struct lproc *lp;
	lua_State *co;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lp = calloc(1, sizeof(*lp));
	if (!lp)
		return luaL_error(L, "out of memory");
	co = lua_newthread(L);
	lp->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_xmove(L, co, nargs + 1);
	lp->co = co;
	lp->sys = sys;
	lp->nargs = nargs;
	proc_init(&lp->p, &sys->sim, &lproc_ops);
	lp->next = sys->procs;
	sys->procs = lp;
	if (proc_start(&lp->p))
		return luaL_error(L, "out of memory");
	return 0;
}

/* sys:wait(t): sleep for a time (number of ps or "100ns") */
static int l_sys_wait(lua_State *L)
{
	struct lsys *sys = check_sys(L, 1);
	struct proc *p = current_proc(L, sys, "system:wait()");
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
	struct lsys *sys = check_sys(L, 1);
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
	lua_pushinteger(L, (lua_Integer)check_sys(L, 1)->sim.now);
	return 1;
}

/* sys:cycles(t) -> whole bus cycles in t ps (default: now) */
static int l_sys_cycles(lua_State *L)
{
	struct lsys *sys = check_sys(L, 1);
	lua_Integer t = luaL_optinteger(L, 2, (lua_Integer)sys->sim.now);

	lua_pushinteger(L, (lua_Integer)clock_cycles(&sys->bus.clk,
						     (uint64_t)t));
	return 1;
}

/* sys:stat(name) -> value of a registered statistic */
static int l_sys_stat(lua_State *L)
{
	struct lsys *sys = check_sys(L, 1);
	const char *name = luaL_checkstring(L, 2);
	const struct stat_entry *e = stats_find(&sys->sim.stats, name);

	if (!e)
		return luaL_error(L, "system:stat('%s'): no such statistic",
				  name);
	switch (e->kind) {
	case STAT_COUNTER:
		lua_pushinteger(L, (lua_Integer)*(const uint64_t *)e->ptr);
		break;
	case STAT_VALUE:
		lua_pushnumber(L, *(const double *)e->ptr);
		break;
	case STAT_TAVG:
		lua_pushnumber(L, stat_tavg_mean(e->ptr, sys->sim.now));
		break;
	case STAT_HIST:
		lua_pushnumber(L, stat_hist_mean(e->ptr));
		break;
	}
	return 1;
}

/* Allocate a model owned by the system and push a handle to it. */
static void *new_comp(lua_State *L, struct lsys *sys, size_t size,
		      const char *mt)
{
	struct lcomp *c;
	void *obj;

	if (sys->ncomps == sys->capcomps) {
		size_t cap = sys->capcomps ? sys->capcomps * 2 : 8;
		void **v = realloc(sys->comps, cap * sizeof(*v));

		if (!v)
			luaL_error(L, "out of memory");
		sys->comps = v;
		sys->capcomps = cap;
	}
	obj = calloc(1, size);
	if (!obj)
		luaL_error(L, "out of memory");
	sys->comps[sys->ncomps++] = obj;
	c = lua_newuserdatauv(L, sizeof(*c), 1);
	c->sys = sys;
	c->obj = obj;
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, mt);
	return obj;
}

static const char *comp_name(lua_State *L, const char *what,
			     const char *prefix, unsigned n, char *buf,
			     size_t len)
{
	const char *name = lf_string(L, 2, what, "name", NULL);

	if (!name) {
		snprintf(buf, len, "%s%u", prefix, n);
		return buf;
	}
	if (!*name || strlen(name) >= 32 || strchr(name, '.'))
		luaL_error(L, "%s: field 'name' = '%s': expected 1 to 31 "
			   "characters without '.'", what, name);
	return name;
}

/* sys:cpu{name, clock, mode, priority} */
static int l_sys_cpu(lua_State *L)
{
	static const char *const known[] = { "name", "clock", "mode",
		"priority", NULL };
	const char *what = "system:cpu{}";
	struct lsys *sys = check_sys(L, 1);
	struct cpu_config cfg;
	struct cpu *cpu;
	char buf[32];
	const char *name;
	int mode, prio;
	double hz;

	if (lua_isnoneornil(L, 2)) {
		lua_settop(L, 1);
		lua_newtable(L);
	}
	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	name = comp_name(L, what, "cpu", sys->ncpus, buf, sizeof(buf));
	hz = lf_value(L, 2, what, "clock", UNIT_FREQ, 0, 0);
	cfg.period = hz > 0 ? clock_period_of_hz(hz) : sys->bus.clk.period;
	mode = lf_enum(L, 2, what, "mode", mode_names, BUS_MODE_BURST);
	prio = (int)lf_value(L, 2, what, "priority", UNIT_NUMBER, 0, -1e9);
	cpu = new_comp(L, sys, sizeof(*cpu), CPU_MT);
	if (cpu_init(cpu, &sys->sim, &sys->bus, name, &cfg,
		     (enum bus_mode)mode, prio))
		return luaL_error(L, "%s: out of memory", what);
	sys->ncpus++;
	return 1;
}

/* sys:dma_channel{name, mode, priority} */
static int l_sys_dma_channel(lua_State *L)
{
	static const char *const known[] = { "name", "mode", "priority",
		NULL };
	const char *what = "system:dma_channel{}";
	struct lsys *sys = check_sys(L, 1);
	struct dma_chan *ch;
	char buf[32];
	const char *name;
	int mode, prio;

	if (lua_isnoneornil(L, 2)) {
		lua_settop(L, 1);
		lua_newtable(L);
	}
	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	name = comp_name(L, what, "dma", sys->nchans + 1, buf, sizeof(buf));
	mode = lf_enum(L, 2, what, "mode", mode_names, BUS_MODE_CYCLE_STEAL);
	prio = (int)lf_value(L, 2, what, "priority", UNIT_NUMBER, 0, -1e9);
	ch = new_comp(L, sys, sizeof(*ch), DMA_MT);
	if (dma_chan_init(ch, &sys->sim, &sys->bus, name, (enum bus_mode)mode,
			  prio))
		return luaL_error(L, "%s: out of memory", what);
	sys->nchans++;
	return 1;
}

/* ---- cpu ---- */

/* cpu:workload{compute = C, access = M}: C CPU cycles, M bus cycles */
static int l_cpu_workload(lua_State *L)
{
	static const char *const known[] = { "compute", "access", NULL };
	const char *what = "cpu:workload{}";
	struct cpu *cpu = check_comp(L, 1, CPU_MT);
	uint64_t c, m;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	c = lf_uint(L, 2, what, "compute", UNIT_NUMBER, 0, 0);
	m = lf_uint(L, 2, what, "access", UNIT_NUMBER, 1, 1);
	if (cpu_workload_start(cpu, c, m))
		return luaL_error(L, "%s: the CPU already runs a workload",
				  what);
	return 0;
}

static int l_cpu_stop(lua_State *L)
{
	cpu_workload_stop(check_comp(L, 1, CPU_MT));
	return 0;
}

static int l_cpu_wait(lua_State *L)
{
	struct cpu *cpu = check_comp(L, 1, CPU_MT);
	struct lcomp *c = lua_touserdata(L, 1);

	if (cpu->state == CPU_STOPPED || cpu->state == CPU_IDLE)
		return 0;
	proc_wait_signal(current_proc(L, c->sys, "cpu:wait()"),
			 &cpu->stopped);
	return lua_yield(L, 0);
}

/* ---- dma channel ---- */

/* ch:start{bursts = N, burst = D}: N bursts of D bus cycles */
static int l_dma_start(lua_State *L)
{
	static const char *const known[] = { "bursts", "burst", NULL };
	const char *what = "dma_channel:start{}";
	struct dma_chan *ch = check_comp(L, 1, DMA_MT);
	uint64_t n, d;
	int err;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	n = lf_uint(L, 2, what, "bursts", UNIT_NUMBER, 1, 1);
	d = lf_uint(L, 2, what, "burst", UNIT_NUMBER, 1, 1);
	err = dma_chan_start(ch, n, d);
	if (err == DMASIM_ERANGE)
		return luaL_error(L, "%s: bursts * burst is too large", what);
	if (err)
		return luaL_error(L, "%s: channel '%s' is busy", what,
				  ch->name);
	return 0;
}

static int l_dma_wait(lua_State *L)
{
	struct dma_chan *ch = check_comp(L, 1, DMA_MT);
	struct lcomp *c = lua_touserdata(L, 1);

	if (ch->state == DMA_IDLE)
		return luaL_error(L, "dma_channel:wait(): channel '%s' was "
				  "never started", ch->name);
	if (ch->state == DMA_DONE)
		return 0;
	proc_wait_signal(current_proc(L, c->sys, "dma_channel:wait()"),
			 &ch->done);
	return lua_yield(L, 0);
}

/* Fields common to every bus master handle. */
static int port_field(lua_State *L, const struct bus_master *m,
		      const char *k)
{
	if (!strcmp(k, "name"))
		lua_pushstring(L, m->name);
	else if (!strcmp(k, "id"))
		lua_pushinteger(L, m->id);
	else if (!strcmp(k, "grants"))
		lua_pushinteger(L, (lua_Integer)m->grants);
	else if (!strcmp(k, "busy_cycles"))
		lua_pushinteger(L, (lua_Integer)m->busy_cycles);
	else if (!strcmp(k, "wait_cycles"))
		lua_pushinteger(L, (lua_Integer)bus_master_wait_cycles(m));
	else
		return 0;
	return 1;
}

static int l_cpu_index(lua_State *L)
{
	struct cpu *cpu = check_comp(L, 1, CPU_MT);
	const char *k = luaL_checkstring(L, 2);

	if (luaL_getmetafield(L, 1, "methods") && lua_getfield(L, -1, k))
		return 1;
	if (port_field(L, &cpu->port, k))
		return 1;
	if (!strcmp(k, "accesses"))
		lua_pushinteger(L, (lua_Integer)cpu->accesses);
	else if (!strcmp(k, "compute_cycles"))
		lua_pushinteger(L, (lua_Integer)cpu->compute_cycles);
	else if (!strcmp(k, "stopped_at"))
		lua_pushinteger(L, (lua_Integer)cpu->stopped_at);
	else
		return luaL_error(L, "cpu has no field '%s'", k);
	return 1;
}

static int l_dma_index(lua_State *L)
{
	struct dma_chan *ch = check_comp(L, 1, DMA_MT);
	const char *k = luaL_checkstring(L, 2);

	if (luaL_getmetafield(L, 1, "methods") && lua_getfield(L, -1, k))
		return 1;
	if (port_field(L, &ch->port, k))
		return 1;
	if (!strcmp(k, "done"))
		lua_pushboolean(L, ch->state == DMA_DONE);
	else if (!strcmp(k, "done_at"))
		lua_pushinteger(L, (lua_Integer)ch->done_at);
	else if (!strcmp(k, "bursts"))
		lua_pushinteger(L, (lua_Integer)ch->bursts_done);
	else if (!strcmp(k, "transfers"))
		lua_pushinteger(L, (lua_Integer)ch->transfers);
	else
		return luaL_error(L, "dma_channel has no field '%s'", k);
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
	bus_fini(&sys->bus);
	sim_fini(&sys->sim);
	for (size_t i = 0; i < sys->ncomps; i++)
		free(sys->comps[i]);
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
	struct lsys *sys = check_sys(L, 1);
	const char *k = luaL_checkstring(L, 2);

	if (luaL_getmetafield(L, 1, "methods") && lua_getfield(L, -1, k))
		return 1;
	if (!strcmp(k, "name"))
		lua_pushstring(L, sys->name);
	else if (!strcmp(k, "bus_period"))
		lua_pushinteger(L, (lua_Integer)sys->bus.clk.period);
	else if (!strcmp(k, "events"))
		lua_pushinteger(L, (lua_Integer)sys->sim.events);
	else
		return luaL_error(L, "system has no field '%s'", k);
	return 1;
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

static void new_class(lua_State *L, const char *mt, const luaL_Reg *methods,
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
		{ "cpu", l_sys_cpu },
		{ "dma_channel", l_sys_dma_channel },
		{ "spawn", l_sys_spawn },
		{ "wait", l_sys_wait },
		{ "run", l_sys_run },
		{ "now", l_sys_now },
		{ "cycles", l_sys_cycles },
		{ "stat", l_sys_stat },
		{ NULL, NULL }
	};
	static const luaL_Reg cpu_methods[] = {
		{ "workload", l_cpu_workload },
		{ "stop", l_cpu_stop },
		{ "wait", l_cpu_wait },
		{ NULL, NULL }
	};
	static const luaL_Reg dma_methods[] = {
		{ "start", l_dma_start },
		{ "wait", l_dma_wait },
		{ NULL, NULL }
	};

	new_class(L, SYS_MT, sys_methods, l_sys_index, l_sys_gc);
	new_class(L, CPU_MT, cpu_methods, l_cpu_index, NULL);
	new_class(L, DMA_MT, dma_methods, l_dma_index, NULL);
	lua_pushcfunction(L, l_system);
	lua_setfield(L, -2, "system");
}
