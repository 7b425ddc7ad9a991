/*
 * lcpu: CPUs and their operations in the scenario language.
 *
 *   local cpu = sys:cpu{ clock = "1GHz", cpi = 1, mem_frac = 0.3 }
 *   sys:spawn(function() cpu:compute(1000); cpu:write32(reg, 1) end)
 *
 * Operations (cpu:compute, cpu:write32, cpu:pio_read, ...) are called
 * from processes and take simulated time.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "kernel/alloc.h"
#include "kernel/util.h"
#include "lfields.h"
#include "lsys.h"

#define check_addr lsys_check_addr
#define opt_table lsys_opt_table

/* ---- cpu ---- */

/* sys:cpu{name, bus, clock, cpi, mem_frac, data_addr, footprint, word,
 *         pio_loop, irq_entry, irq_exit, mode, priority} */
static int l_sys_cpu(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "clock", "cpi",
		"mem_frac", "data_addr", "footprint", "word", "pio_loop",
		"irq_entry", "irq_exit", "mode", "priority", NULL };
	const char *what = "system:cpu{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_cpu_config cfg;
	struct dmasim_cpu *cpu;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_cpu_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.clock_hz = lf_value(L, 2, what, "clock", UNIT_FREQ, 0, 0);
	cfg.cpi = lf_value(L, 2, what, "cpi", UNIT_NUMBER, 1, 1e-3);
	cfg.mem_frac = lf_value(L, 2, what, "mem_frac", UNIT_NUMBER, 0, 0);
	if (cfg.mem_frac > 1)
		return lf_error(L, "%s: field 'mem_frac' = %g: expected a "
				  "fraction from 0 to 1", what, cfg.mem_frac);
	cfg.data_addr = lf_uint(L, 2, what, "data_addr", UNIT_SIZE, 0, 0);
	cfg.footprint = lf_uint(L, 2, what, "footprint", UNIT_SIZE, 0, 0);
	cfg.word = lf_u32(L, 2, what, "word", UNIT_SIZE, 4, 1);
	if (cfg.word > 8)
		return lf_error(L, "%s: field 'word' = %u: expected 1 to 8 "
				  "bytes", what, cfg.word);
	cfg.pio_loop = lf_u32(L, 2, what, "pio_loop", UNIT_NUMBER,
					 2, 0);
	cfg.irq_entry = lf_u32(L, 2, what, "irq_entry", UNIT_NUMBER,
					  100, 0);
	cfg.irq_exit = lf_u32(L, 2, what, "irq_exit", UNIT_NUMBER,
					 50, 0);
	cfg.mode = (enum dmasim_mode)lf_enum(L, 2, what, "mode",
					     lsys_mode_names,
					     DMASIM_MODE_BURST);
	cfg.priority = lf_int(L, 2, what, "priority", 0, -1000000000,
			      1000000000);
	if (dmasim_cpu_new(ls->sys, bus, &cfg, &cpu))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, cpu, CPU_MT);
	return 1;
}

/* The calling Lua process, for an operation on the CPU at index 1. */
static struct lproc *cpu_proc(lua_State *L, const char *fn)
{
	return lsys_current(L, lsys_of(L, 1), fn);
}

/* An operation was issued: wait for it and continue in k. */
static int cpu_await(lua_State *L, struct lproc *lp, int rc, const char *fn,
		     lua_KFunction k)
{
	return lsys_await(L, lp->ls, rc, fn, k, (lua_KContext)lp);
}

/* Continuations: the operation's status (nil when it succeeded). */
static int k_none(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	int st = dmasim_proc_result(&lp->p)->status;

	(void)status;
	if (st)
		lua_pushstring(L, st == BUS_ERR_DECODE ? "bus error: no target "
			       "answers the address" : st == BUS_ERR_SHORT ?
			       "bus error: the device moved fewer bytes than "
			       "asked (its FIFO ran empty or full)" :
			       "bus error: the target refused the access");
	else
		lua_pushnil(L);
	return 1;
}

static int k_value(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	const struct dmasim_result *r = dmasim_proc_result(&lp->p);

	(void)status;
	if (r->status) {
		lua_pushnil(L);
		lua_pushstring(L, "bus error");
		return 2;
	}
	lua_pushinteger(L, (lua_Integer)r->value);
	return 1;
}

static int k_string(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	const struct dmasim_result *r = dmasim_proc_result(&lp->p);

	(void)status;
	if (r->status) {
		dm_free(lp->buf);
		lp->buf = NULL;
		lua_pushnil(L);
		lua_pushstring(L, "bus error");
		return 2;
	}
	lua_pushlstring(L, lp->buf, lp->p.op.op[0].len);
	dm_free(lp->buf);
	lp->buf = NULL;
	return 1;
}

static int k_store(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;

	dm_free(lp->buf);
	lp->buf = NULL;
	return k_none(L, status, ctx);
}

/* cpu:compute(n [, {cpi, mem_frac}]): n instructions */
static int l_cpu_compute(lua_State *L)
{
	static const char *const known[] = { "cpi", "mem_frac", NULL };
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	lua_Integer n = luaL_checkinteger(L, 2);
	double cpi = cpu->cpu.cfg.cpi, f = cpu->cpu.cfg.mem_frac;
	struct lproc *lp;

	if (n < 0)
		return lf_error(L, "cpu:compute(%lld): expected a count >= 0",
				  (long long)n);
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		lf_known(L, 3, "cpu:compute{}", known);
		cpi = lf_value(L, 3, "cpu:compute{}", "cpi", UNIT_NUMBER, cpi,
			       1e-3);
		f = lf_value(L, 3, "cpu:compute{}", "mem_frac", UNIT_NUMBER, f,
			     0);
		if (f > 1)
			return lf_error(L, "cpu:compute{}: field 'mem_frac' "
					  "= %g: expected 0 to 1", f);
	}
	lua_settop(L, 1);
	if (!n)
		return 0;
	lp = cpu_proc(L, "cpu:compute()");
	return cpu_await(L, lp, dmasim_cpu_compute_at(&lp->p, cpu,
			 (uint64_t)n, cpi, f), "cpu:compute()", k_none);
}

/* cpu:busy(cycles): cycles with no bus traffic */
static int l_cpu_busy(lua_State *L)
{
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	lua_Integer n = luaL_checkinteger(L, 2);
	struct lproc *lp;

	if (n < 0)
		return lf_error(L, "cpu:busy(%lld): expected cycles >= 0",
				  (long long)n);
	if (!n)
		return 0;
	lp = cpu_proc(L, "cpu:busy()");
	return cpu_await(L, lp, dmasim_cpu_busy(&lp->p, cpu, (uint64_t)n),
			 "cpu:busy()", k_none);
}

static int cpu_rw(lua_State *L, int bytes, bool write)
{
	const char *fn = write ? "cpu:write()" : "cpu:read()";
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	uint64_t addr = check_addr(L, 2, write ? "cpu:write" : "cpu:read");
	uint64_t v = write ? (uint64_t)luaL_checkinteger(L, 3) : 0;
	struct lproc *lp = cpu_proc(L, fn);

	if (write)
		return cpu_await(L, lp, dmasim_cpu_write(&lp->p, cpu, addr, v,
				 (unsigned)bytes), fn, k_none);
	return cpu_await(L, lp, dmasim_cpu_read(&lp->p, cpu, addr,
			 (unsigned)bytes), fn, k_value);
}

static int l_cpu_read32(lua_State *L) { return cpu_rw(L, 4, false); }
static int l_cpu_write32(lua_State *L) { return cpu_rw(L, 4, true); }
static int l_cpu_read64(lua_State *L) { return cpu_rw(L, 8, false); }
static int l_cpu_write64(lua_State *L) { return cpu_rw(L, 8, true); }

/* cpu:load(addr, len) -> bytes: one burst transaction */
static int l_cpu_load(lua_State *L)
{
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	uint64_t addr = check_addr(L, 2, "cpu:load");
	lua_Integer len = luaL_checkinteger(L, 3);
	struct lproc *lp;

	if (len <= 0 || len > (1 << 20))
		return lf_error(L, "cpu:load: length %lld: expected 1 to 1MiB",
				  (long long)len);
	lp = cpu_proc(L, "cpu:load()");
	dm_free(lp->buf);
	lp->buf = dm_malloc((size_t)len);
	if (!lp->buf)
		return luaL_error(L, "out of memory");
	return cpu_await(L, lp, dmasim_cpu_load(&lp->p, cpu, addr, lp->buf,
			 (uint64_t)len), "cpu:load()", k_string);
}

/* cpu:store(addr, bytes) */
static int l_cpu_store(lua_State *L)
{
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	uint64_t addr = check_addr(L, 2, "cpu:store");
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);
	struct lproc *lp;

	if (!len)
		return 0;
	lp = cpu_proc(L, "cpu:store()");
	dm_free(lp->buf);
	lp->buf = dm_malloc(len);
	if (!lp->buf)
		return luaL_error(L, "out of memory");
	memcpy(lp->buf, s, len);
	return cpu_await(L, lp, dmasim_cpu_store(&lp->p, cpu, addr, lp->buf,
			 len), "cpu:store()", k_store);
}

static int cpu_pio(lua_State *L, bool to_device)
{
	const char *fn = to_device ? "cpu:pio_write" : "cpu:pio_read";
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	uint64_t reg = check_addr(L, 2, fn);
	uint64_t mem = check_addr(L, 3, fn);
	lua_Integer len = luaL_checkinteger(L, 4);
	struct lproc *lp;

	if (len <= 0)
		return lf_error(L, "%s: length %lld: expected > 0", fn,
				  (long long)len);
	lp = cpu_proc(L, fn);
	return cpu_await(L, lp, dmasim_cpu_pio(&lp->p, cpu, reg, mem,
			 (uint64_t)len, to_device), fn, k_none);
}

/* cpu:pio_read(data_reg, mem_addr, len): device -> memory, word by word */
static int l_cpu_pio_read(lua_State *L) { return cpu_pio(L, false); }
/* cpu:pio_write(data_reg, mem_addr, len): memory -> device */
static int l_cpu_pio_write(lua_State *L) { return cpu_pio(L, true); }

/* An interrupt handler written in Lua: each interrupt spawns it as a
 * process in interrupt context. */
struct lhandler {
	struct lsys *ls;
	int fnref;
};

/* (h, line) -> the handler's process, spawned (in a protected call). */
static int lhandler_spawn(lua_State *L)
{
	struct lhandler *h = lua_touserdata(L, 1);
	lua_Integer line = lua_tointeger(L, 2);

	lua_rawgeti(L, LUA_REGISTRYINDEX, h->fnref);
	lua_pushinteger(L, line);
	lua_pushlightuserdata(L, lsys_spawn(L, h->ls, lua_gettop(L) - 1, 1));
	return 1;
}

/* Start the handler of line: a Lua process.  It runs inside the
 * simulation's event, so a Lua error (out of memory) must not unwind
 * through it: it fails the system instead. */
static int lhandler_start(struct dmasim_cpu *cpu, unsigned line, void *ctx)
{
	struct lhandler *h = ctx;
	lua_State *L = h->ls->runL;
	struct lproc *lp;

	lua_pushcfunction(L, lhandler_spawn);
	lua_pushlightuserdata(L, h);
	lua_pushinteger(L, line);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
		lua_pop(L, 1);
		return DMASIM_ENOMEM;
	}
	lp = lua_touserdata(L, -1);
	lua_pop(L, 1);
	sys_proc_irq(&lp->p, cpu);
	return 0;
}

/* cpu:on_irq(line, fn): fn(line) runs in interrupt context */
static int l_cpu_on_irq(lua_State *L)
{
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	struct lsys *ls = lsys_of(L, 1);
	lua_Integer line = luaL_checkinteger(L, 2);
	struct sys_irq_handler sh = { lhandler_start, NULL, dm_free };
	struct lhandler *h;

	if (line < 0 || line >= CPU_IRQ_LINES)
		return lf_error(L, "cpu:on_irq: line %lld: expected 0 to %d",
				  (long long)line, CPU_IRQ_LINES - 1);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	lua_settop(L, 3);
	h = dm_malloc(sizeof(*h));
	if (!h)
		return luaL_error(L, "out of memory");
	h->ls = ls;
	h->fnref = luaL_ref(L, LUA_REGISTRYINDEX);
	sh.ctx = h;
	if (sys_cpu_set_irq(cpu, (unsigned)line, &sh)) {
		dm_free(h);
		return lsys_raise(L, ls, "cpu:on_irq()");
	}
	return 0;
}


static int l_cpu_index(lua_State *L)
{
	struct cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	const char *k = luaL_checkstring(L, 2);
	uint64_t p = cpu->clk.period;
	const struct lsys_field f[] = {
		PORT_FIELDS(&cpu->port),
		{ "busy_cycles", cpu_busy_cycles(cpu) },	/* not idle */
		{ "bus_cycles", cpu->port.busy_cycles },	/* bus owned */
		{ "compute_cycles", cpu->compute_cycles },
		{ "instructions", cpu->instructions },
		{ "mem_refs", cpu->mem_refs },
		{ "stall_cycles", cpu->stall_ps / p },
		{ "irq_cycles", cpu->irq_ps / p },
		{ "irqs", cpu->irqs },
		{ "pio_bytes", cpu->pio_bytes },
		{ "pio_wait_cycles", cpu->pio_wait_ps / p },
		{ "period", p },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name"))
		lua_pushstring(L, cpu->name);
	else if (!strcmp(k, "cpi"))
		lua_pushnumber(L, cpu_effective_cpi(cpu));
	else
		return luaL_error(L, "cpu has no field '%s'", k);
	return 1;
}

const luaL_Reg lcpu_sys_methods[] = {
	{ "cpu", l_sys_cpu },
	{ NULL, NULL }
};

void lcpu_open(lua_State *L)
{
	static const luaL_Reg cpu_methods[] = {
		{ "compute", l_cpu_compute },
		{ "busy", l_cpu_busy },
		{ "read32", l_cpu_read32 },
		{ "write32", l_cpu_write32 },
		{ "read64", l_cpu_read64 },
		{ "write64", l_cpu_write64 },
		{ "load", l_cpu_load },
		{ "store", l_cpu_store },
		{ "pio_read", l_cpu_pio_read },
		{ "pio_write", l_cpu_pio_write },
		{ "on_irq", l_cpu_on_irq },
		{ NULL, NULL }
	};

	lsys_class(L, CPU_MT, cpu_methods, l_cpu_index, NULL);
}
