/*
 * lhw: hardware models in the scenario language.
 *
 *   local mem = sys:memory{ base = 0, size = "1GiB", latency = "50ns" }
 *   local cpu = sys:cpu{ clock = "1GHz", cpi = 1, mem_frac = 0.3 }
 *   local dma = sys:dma{ base = 0x40000000, channels = 4, irq = cpu }
 *   local dev = sys:device{ base = 0x50000000, size = "64KiB",
 *                           rate = "100MB/s" }
 *   local bg  = sys:traffic{ compute = 3, access = 4 }
 *
 * CPU operations (cpu:compute, cpu:write32, cpu:pio_read, ...) are called
 * from processes and take simulated time; memory and device methods such
 * as mem:write() and dev:expected() are untimed back doors for setting up
 * and checking a scenario, never part of the modelled software.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "hw/cpu.h"
#include "hw/dma.h"
#include "hw/iodev.h"
#include "hw/memory.h"
#include "kernel/util.h"
#include "lfields.h"
#include "lsys.h"

#define MEM_MT "dmasim.memory"
#define CPU_MT "dmasim.cpu"
#define DMA_MT "dmasim.dma"
#define CHAN_MT "dmasim.dma_channel"
#define DEV_MT "dmasim.device"
#define TRAFFIC_MT "dmasim.traffic"

static struct lsys *comp_sys(lua_State *L, int idx)
{
	return lsys_of(L, idx);
}

#define check_addr lsys_check_addr
#define opt_table lsys_opt_table

/* ---- memory ---- */

/* sys:memory{name, bus, base, size, latency, bandwidth} */
static int l_sys_memory(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base", "size",
		"latency", "bandwidth", NULL };
	const char *what = "system:memory{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_memory_config cfg;
	struct dmasim_memory *mem;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_memory_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE, 0, 0);
	cfg.size = lf_uint(L, 2, what, "size", UNIT_SIZE, 1ull << 30, 1);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, 0, 0);
	cfg.bandwidth = lf_value(L, 2, what, "bandwidth", UNIT_BANDWIDTH, 0, 0);
	if (dmasim_memory_new(ls->sys, bus, &cfg, &mem))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, mem, MEM_MT);
	return 1;
}

/* mem:write(addr, bytes) */
static int l_mem_write(lua_State *L)
{
	struct dmasim_memory *mem = lsys_check_comp(L, 1, MEM_MT);
	uint64_t addr = check_addr(L, 2, "memory:write");
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);

	if (dmasim_memory_write(mem, addr, s, len))
		return lsys_raise(L, comp_sys(L, 1), NULL);
	return 0;
}

/* mem:read(addr, len) -> bytes */
static int l_mem_read(lua_State *L)
{
	struct dmasim_memory *mem = lsys_check_comp(L, 1, MEM_MT);
	uint64_t addr = check_addr(L, 2, "memory:read");
	lua_Integer len = luaL_checkinteger(L, 3);
	luaL_Buffer b;
	char *p;

	if (len < 0 || len > (1 << 30))
		return lf_error(L, "memory:read: length %lld: expected 0 to "
				  "1GiB", (long long)len);
	p = luaL_buffinitsize(L, &b, (size_t)len);
	if (dmasim_memory_read(mem, addr, p, (uint64_t)len))
		return lsys_raise(L, comp_sys(L, 1), NULL);
	luaL_pushresultsize(&b, (size_t)len);
	return 1;
}

/* mem:fill(addr, len, seed): a deterministic pattern (the device's) */
static int l_mem_fill(lua_State *L)
{
	struct dmasim_memory *mem = lsys_check_comp(L, 1, MEM_MT);
	uint64_t addr = check_addr(L, 2, "memory:fill");
	lua_Integer len = luaL_checkinteger(L, 3);

	if (len < 0)
		return luaL_error(L, "memory:fill: length must be >= 0");
	if (dmasim_memory_fill(mem, addr, (uint64_t)len,
			       (uint64_t)luaL_optinteger(L, 4, 0)))
		return lsys_raise(L, comp_sys(L, 1), NULL);
	return 0;
}

/* mem:hash(addr, len) -> FNV-1a of the bytes, as an integer */
static int l_mem_hash(lua_State *L)
{
	struct dmasim_memory *mem = lsys_check_comp(L, 1, MEM_MT);
	uint64_t addr = check_addr(L, 2, "memory:hash");
	lua_Integer len = luaL_checkinteger(L, 3);
	uint64_t h;

	if (len < 0)
		return luaL_error(L, "memory:hash: length must be >= 0");
	if (dmasim_memory_hash(mem, addr, (uint64_t)len, &h))
		return lsys_raise(L, comp_sys(L, 1), NULL);
	lua_pushinteger(L, (lua_Integer)h);
	return 1;
}

static int l_mem_index(lua_State *L)
{
	struct memory *mem = lsys_check_comp(L, 1, MEM_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "base", mem->tgt.base },
		{ "size", mem->cfg.size },
		{ "access_cycles", mem->lat_cycles + 1 },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, mem->name);
		return 1;
	}
	return luaL_error(L, "memory has no field '%s'", k);
}

/* FNV-1a of a string, the same hash as memory:hash. */
static int l_hash(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);

	lua_pushinteger(L, (lua_Integer)dmasim_hash(s, len));
	return 1;
}

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
	cfg.word = (uint32_t)lf_uint(L, 2, what, "word", UNIT_SIZE, 4, 1);
	if (cfg.word > 8)
		return lf_error(L, "%s: field 'word' = %u: expected 1 to 8 "
				  "bytes", what, cfg.word);
	cfg.pio_loop = (uint32_t)lf_uint(L, 2, what, "pio_loop", UNIT_NUMBER,
					 2, 0);
	cfg.irq_entry = (uint32_t)lf_uint(L, 2, what, "irq_entry", UNIT_NUMBER,
					  100, 0);
	cfg.irq_exit = (uint32_t)lf_uint(L, 2, what, "irq_exit", UNIT_NUMBER,
					 50, 0);
	cfg.mode = (enum dmasim_mode)lf_enum(L, 2, what, "mode",
					     lsys_mode_names,
					     DMASIM_MODE_BURST);
	cfg.priority = (int)lf_value(L, 2, what, "priority", UNIT_NUMBER, 0,
				     -1e9);
	if (dmasim_cpu_new(ls->sys, bus, &cfg, &cpu))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, cpu, CPU_MT);
	return 1;
}

/* The calling Lua process, for an operation on the CPU at index 1. */
static struct lproc *cpu_proc(lua_State *L, const char *fn)
{
	return lsys_current(L, comp_sys(L, 1), fn);
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
		free(lp->buf);
		lp->buf = NULL;
		lua_pushnil(L);
		lua_pushstring(L, "bus error");
		return 2;
	}
	lua_pushlstring(L, lp->buf, lp->p.op.op[0].len);
	free(lp->buf);
	lp->buf = NULL;
	return 1;
}

static int k_store(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;

	free(lp->buf);
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
	free(lp->buf);
	lp->buf = malloc((size_t)len);
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
	free(lp->buf);
	lp->buf = malloc(len);
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

static int lhandler_start(struct dmasim_cpu *cpu, unsigned line, void *ctx)
{
	struct lhandler *h = ctx;
	lua_State *L = h->ls->runL;
	struct lproc *lp;

	lua_rawgeti(L, LUA_REGISTRYINDEX, h->fnref);
	lua_pushinteger(L, line);
	lp = lsys_spawn(L, h->ls, lua_gettop(L) - 1, 1);
	lua_pop(L, 2);
	sys_proc_irq(&lp->p, cpu);
	return 0;
}

/* cpu:on_irq(line, fn): fn(line) runs in interrupt context */
static int l_cpu_on_irq(lua_State *L)
{
	struct dmasim_cpu *cpu = lsys_check_comp(L, 1, CPU_MT);
	struct lsys *ls = comp_sys(L, 1);
	lua_Integer line = luaL_checkinteger(L, 2);
	struct sys_irq_handler sh = { lhandler_start, NULL, free };
	struct lhandler *h;

	if (line < 0 || line >= CPU_IRQ_LINES)
		return lf_error(L, "cpu:on_irq: line %lld: expected 0 to %d",
				  (long long)line, CPU_IRQ_LINES - 1);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	lua_settop(L, 3);
	h = malloc(sizeof(*h));
	if (!h)
		return luaL_error(L, "out of memory");
	h->ls = ls;
	h->fnref = luaL_ref(L, LUA_REGISTRYINDEX);
	sh.ctx = h;
	if (sys_cpu_set_irq(cpu, (unsigned)line, &sh)) {
		free(h);
		return lsys_raise(L, ls, "cpu:on_irq()");
	}
	return 0;
}

/* Fields common to every bus master handle (its name is a string). */
#define PORT_FIELDS(m)                                                        \
	{ "id", (m)->id }, { "grants", (m)->grants },                        \
	{ "wait_cycles", bus_master_wait_cycles(m) }

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

/* ---- dma ---- */

/* sys:dma{name, bus, base, channels, reg_latency, burst, mode, priority,
 *         irq, irq_line, desc_cycles, fence_cycles} */
static int l_sys_dma(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base",
		"channels", "reg_latency", "burst", "mode", "priority", "irq",
		"irq_line", "desc_cycles", "fence_cycles", NULL };
	const char *what = "system:dma{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_dma_config cfg;
	struct dmasim_dma *dma;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_dma_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE, 0x40000000ull, 0);
	cfg.channels = (unsigned)lf_uint(L, 2, what, "channels", UNIT_NUMBER,
					 1, 1);
	if (cfg.channels > 64)
		return lf_error(L, "%s: field 'channels' = %u: expected 1 to "
				  "64", what, cfg.channels);
	cfg.reg_latency = lf_uint(L, 2, what, "reg_latency", UNIT_TIME, 0, 0);
	cfg.burst = (uint32_t)lf_uint(L, 2, what, "burst", UNIT_SIZE, 64, 1);
	cfg.desc_cycles = lf_uint(L, 2, what, "desc_cycles", UNIT_NUMBER, 0, 0);
	cfg.fence_cycles = lf_uint(L, 2, what, "fence_cycles", UNIT_NUMBER, 0,
				   0);
	cfg.mode = (enum dmasim_mode)lf_enum(L, 2, what, "mode",
					     lsys_mode_names,
					     DMASIM_MODE_CYCLE_STEALING);
	cfg.priority = (int)lf_value(L, 2, what, "priority", UNIT_NUMBER, 0,
				     -1e9);
	cfg.irq_line = (unsigned)lf_uint(L, 2, what, "irq_line", UNIT_NUMBER,
					 0, 0);
	lua_getfield(L, 2, "irq");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, CPU_MT);

		if (!c)
			return luaL_error(L, "%s: field 'irq': expected a cpu",
					  what);
		cfg.irq = c->obj;
	}
	lua_pop(L, 1);
	if (cfg.irq && cfg.irq_line + cfg.channels > CPU_IRQ_LINES)
		return lf_error(L, "%s: irq_line %u + %u channels: expected "
				  "lines below %d", what, cfg.irq_line,
				  cfg.channels, CPU_IRQ_LINES);
	if (dmasim_dma_new(ls->sys, bus, &cfg, &dma))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, dma, DMA_MT);
	return 1;
}

/* dma:channel(i) -> the channel's handle */
static int l_dma_channel(lua_State *L)
{
	struct dmasim_dma *dma = lsys_check_comp(L, 1, DMA_MT);
	lua_Integer i = luaL_checkinteger(L, 2);

	if (i < 0 || (unsigned)i >= dma->eng.nchan)
		return lf_error(L, "dma:channel(%lld): expected 0 to %d",
				  (long long)i, (int)dma->eng.nchan - 1);
	lsys_push_comp(L, 1, &dma->chan[i], CHAN_MT);
	return 1;
}

static int l_dma_index(lua_State *L)
{
	struct dma_engine *eng = lsys_check_comp(L, 1, DMA_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "base", eng->regs.base },
		{ "channels", eng->nchan },
		{ "guest_errors", eng->guest_errors },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, eng->name);
		return 1;
	}
	return luaL_error(L, "dma has no field '%s'", k);
}

/* ch:wait(): until the channel's current transfer completes or fails */
static int l_chan_wait(lua_State *L)
{
	struct dmasim_channel *h = lsys_check_comp(L, 1, CHAN_MT);
	struct dma_chan *ch = h->ch;
	struct lproc *lp = lsys_current(L, comp_sys(L, 1),
					"dma_channel:wait()");

	if (ch->state == DMA_IDLE)
		return luaL_error(L, "dma_channel:wait(): channel '%s' was "
				  "never started", ch->name);
	if (!dma_chan_busy(ch))
		return 0;
	sys_proc_wait(&lp->p, &ch->done);
	return lua_yield(L, 0);
}

static int l_chan_index(lua_State *L)
{
	struct dma_chan *ch = ((struct dmasim_channel *)
			       lsys_check_comp(L, 1, CHAN_MT))->ch;
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		PORT_FIELDS(&ch->port),
		{ "busy_cycles", ch->port.busy_cycles },
		{ "status", ch->status },
		{ "done_at", ch->done_at },
		{ "started_at", ch->started_at },
		{ "bursts", ch->bursts_done },
		{ "transfers", ch->transfers },
		{ "bytes", ch->bytes },
		{ "errors", ch->errors },
		{ "index", ch->index },
		{ "error_code", DMA_STATUS_CODE(ch->status) },
		{ "err_addr", ch->err_addr },
		{ "err_desc", ch->err_desc },
		{ "desc_fetches", ch->desc_fetches },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name"))
		lua_pushstring(L, ch->name);
	else if (!strcmp(k, "done"))
		lua_pushboolean(L, ch->state == DMA_DONE);
	else if (!strcmp(k, "failed"))
		lua_pushboolean(L, ch->state == DMA_ERROR);
	else if (!strcmp(k, "error"))
		lua_pushstring(L, dma_error_string(DMA_STATUS_CODE(ch->status)));
	else
		return luaL_error(L, "dma_channel has no field '%s'", k);
	return 1;
}

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
	cfg.priority = (int)lf_value(L, 2, what, "priority", UNIT_NUMBER, 0,
				     -1e9);
	if (dmasim_traffic_new(ls->sys, bus, &cfg, &t))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, t, TRAFFIC_MT);
	return 1;
}

/* t:start(): count accesses from now, or until t:stop() */
static int l_traffic_start(lua_State *L)
{
	if (dmasim_traffic_start(lsys_check_comp(L, 1, TRAFFIC_MT)))
		return lsys_raise(L, comp_sys(L, 1), "traffic:start()");
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
	struct lproc *lp = lsys_current(L, comp_sys(L, 1), "traffic:wait()");

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

/* ---- device ---- */

/* sys:device{name, bus, base, output, size, rate, buffer, latency, seed} */
static int l_sys_device(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base", "output",
		"size", "rate", "buffer", "latency", "seed", NULL };
	const char *what = "system:device{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_device_config cfg;
	struct dmasim_device *dev;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_device_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE, 0x50000000ull +
			   IODEV_WINDOW * (uint64_t)ls->sys->ndevs, 0);
	lua_getfield(L, 2, "output");
	cfg.output = lua_toboolean(L, -1);
	lua_pop(L, 1);
	cfg.size = lf_uint(L, 2, what, "size", UNIT_SIZE, 1u << 20, 1);
	cfg.rate = lf_value(L, 2, what, "rate", UNIT_BANDWIDTH, 0, 0);
	cfg.buffer = lf_uint(L, 2, what, "buffer", UNIT_SIZE, cfg.size, 1);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, 0, 0);
	cfg.seed = lf_uint(L, 2, what, "seed", UNIT_NUMBER,
			   ls->sys->ndevs + 1, 0);
	if (dmasim_device_new(ls->sys, bus, &cfg, &dev))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, dev, DEV_MT);
	return 1;
}

/* dev:expected(offset, len) -> the pattern bytes an input device sends */
static int l_dev_expected(lua_State *L)
{
	struct iodev *dev = lsys_check_comp(L, 1, DEV_MT);
	lua_Integer off = luaL_checkinteger(L, 2), len = luaL_checkinteger(L, 3);
	luaL_Buffer b;
	char *p;

	if (off < 0 || len < 0 || (uint64_t)(off + len) > dev->cfg.size)
		return lf_error(L, "device:expected: [%lld, +%lld) is outside the "
				  "device's %d bytes", (long long)off, (long long)len,
				  (int)dev->cfg.size);
	p = luaL_buffinitsize(L, &b, (size_t)len);
	for (lua_Integer i = 0; i < len; i++)
		p[i] = (char)iodev_pattern(dev, (uint64_t)(off + i));
	luaL_pushresultsize(&b, (size_t)len);
	return 1;
}

/* dev:received(offset, len) -> what an output device has received */
static int l_dev_received(lua_State *L)
{
	struct iodev *dev = lsys_check_comp(L, 1, DEV_MT);
	lua_Integer off = luaL_checkinteger(L, 2), len = luaL_checkinteger(L, 3);

	if (!dev->cfg.output)
		return luaL_error(L, "device:received: '%s' is an input device",
				  dev->name);
	if (off < 0 || len < 0 || (uint64_t)(off + len) > dev->cfg.size)
		return lf_error(L, "device:received: [%lld, +%lld) is outside "
				  "the device's %d bytes", (long long)off, (long long)len,
				  (int)dev->cfg.size);
	lua_pushlstring(L, (const char *)dev->received + off, (size_t)len);
	return 1;
}

static int l_dev_index(lua_State *L)
{
	struct iodev *dev = lsys_check_comp(L, 1, DEV_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "base", dev->tgt.base },
		{ "data", dev->tgt.base + IODEV_DATA },
		{ "status_reg", dev->tgt.base + IODEV_STATUS },
		{ "moved", dev->moved },
		{ "underruns", dev->underruns },
		{ "overruns", dev->overruns },
		{ "access_cycles", dev->lat_cycles + 1 },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, dev->name);
		return 1;
	}
	return luaL_error(L, "device has no field '%s'", k);
}

/* ---- registration ---- */

const luaL_Reg lhw_sys_methods[] = {
	{ "memory", l_sys_memory },
	{ "cpu", l_sys_cpu },
	{ "dma", l_sys_dma },
	{ "traffic", l_sys_traffic },
	{ "device", l_sys_device },
	{ NULL, NULL }
};

/* dmasim.dma_regs: the register map and bit names, for Lua drivers. */
static void push_dma_regs(lua_State *L)
{
	lua_newtable(L);
#define DMA_REG_FIELD(name, off, acc, what)                                   \
	lua_pushinteger(L, off);                                             \
	lua_setfield(L, -2, #name);
	DMA_REGS(DMA_REG_FIELD)
#undef DMA_REG_FIELD
	static const struct {
		const char *name;
		lua_Integer v;
	} k[] = {
		{ "STRIDE", DMA_CH_STRIDE },
		{ "CTRL_START", DMA_CTRL_START },
		{ "CTRL_IRQ_EN", DMA_CTRL_IRQ_EN },
		{ "CTRL_SRC_FIXED", DMA_CTRL_SRC_FIXED },
		{ "CTRL_DST_FIXED", DMA_CTRL_DST_FIXED },
		{ "CTRL_CHAIN", DMA_CTRL_CHAIN },
		{ "STATUS_BUSY", DMA_STATUS_BUSY },
		{ "STATUS_DONE", DMA_STATUS_DONE },
		{ "STATUS_ERROR", DMA_STATUS_ERROR },
		{ "DESC_SIZE", DMA_DESC_SIZE },
		{ "DESC_SRC", DMA_DESC_SRC },
		{ "DESC_DST", DMA_DESC_DST },
		{ "DESC_LEN", DMA_DESC_LEN },
		{ "DESC_CTRL", DMA_DESC_CTRL },
		{ "DESC_NEXT", DMA_DESC_NEXT },
		{ "DESC_IRQ", DMA_DESC_IRQ },
		{ "DESC_SRC_FIXED", DMA_DESC_SRC_FIXED },
		{ "DESC_DST_FIXED", DMA_DESC_DST_FIXED },
		{ "DESC_DONE", DMA_DESC_DONE },
		{ "DESC_ERROR", DMA_DESC_ERROR },
		{ "ERR_LOOP", DMA_ERR_LOOP },
		{ "ERR_ALIGN", DMA_ERR_ALIGN },
		{ "ERR_RANGE", DMA_ERR_RANGE },
		{ "ERR_DESC", DMA_ERR_DESC },
		{ "ERR_SRC", DMA_ERR_SRC },
		{ "ERR_DST", DMA_ERR_DST },
		{ "ERR_BADDESC", DMA_ERR_BADDESC },
		{ "ERR_SHORT", DMA_ERR_SHORT },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		lua_pushinteger(L, k[i].v);
		lua_setfield(L, -2, k[i].name);
	}
}

void lhw_open(lua_State *L)
{
	static const luaL_Reg mem_methods[] = {
		{ "write", l_mem_write },
		{ "read", l_mem_read },
		{ "fill", l_mem_fill },
		{ "hash", l_mem_hash },
		{ NULL, NULL }
	};
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
	static const luaL_Reg dma_methods[] = {
		{ "channel", l_dma_channel },
		{ NULL, NULL }
	};
	static const luaL_Reg chan_methods[] = {
		{ "wait", l_chan_wait },
		{ NULL, NULL }
	};
	static const luaL_Reg traffic_methods[] = {
		{ "start", l_traffic_start },
		{ "stop", l_traffic_stop },
		{ "wait", l_traffic_wait },
		{ NULL, NULL }
	};
	static const luaL_Reg dev_methods[] = {
		{ "expected", l_dev_expected },
		{ "received", l_dev_received },
		{ NULL, NULL }
	};

	lsys_class(L, MEM_MT, mem_methods, l_mem_index, NULL);
	lsys_class(L, CPU_MT, cpu_methods, l_cpu_index, NULL);
	lsys_class(L, DMA_MT, dma_methods, l_dma_index, NULL);
	lsys_class(L, CHAN_MT, chan_methods, l_chan_index, NULL);
	lsys_class(L, DEV_MT, dev_methods, l_dev_index, NULL);
	lsys_class(L, TRAFFIC_MT, traffic_methods, l_traffic_index, NULL);
	push_dma_regs(L);
	lua_setfield(L, -2, "dma_regs");
	lua_pushcfunction(L, l_hash);
	lua_setfield(L, -2, "hash");
}
