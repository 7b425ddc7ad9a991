/*
 * lcoh: caches, the DMA mapping API and the sanitizer in the scenario
 * language.
 *
 *   local l1 = sys:cache{ cpu = cpu, size = "32KiB", ways = 4, line = 64,
 *                         coherent = false }
 *   local l2 = sys:cache{ name = "l2", size = "256KiB", ways = 8, hit = 10 }
 *   local l1 = sys:cache{ cpu = cpu, size = "32KiB", next = l2 }
 *   l1:invalidate(addr, len)        -- a timed CPU operation (both levels)
 *   local dev = sys:dma_device{ cpu = cpu, cache = l1, mask = 32 }
 *   local h = dev:map_single(buf, len, "from_device")
 *   if dev:mapping_error(h) then ... end
 *
 * Maintenance and mapping calls run on the CPU as operations (they take
 * simulated time and must be called from a process); set-up calls
 * (set_cacheable) and queries are untimed.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "hw/cache.h"
#include "hw/cpu.h"
#include "lcoh.h"
#include "lfields.h"
#include "lsys.h"

#define CACHE_MT "dmasim.cache"
#define CPU_MT "dmasim.cpu"

static struct lsys *comp_sys(lua_State *L, int idx)
{
	return ((struct lcomp *)lua_touserdata(L, idx))->sys;
}

static uint64_t check_addr(lua_State *L, int idx, const char *fn)
{
	if (!lua_isinteger(L, idx) || lua_tointeger(L, idx) < 0)
		luaL_error(L, "%s: argument %d: expected an address (integer "
			   ">= 0)", fn, idx - 1);
	return (uint64_t)lua_tointeger(L, idx);
}

static void *check_opt_comp(lua_State *L, int idx, const char *field,
			    const char *mt, const char *what, bool required)
{
	void *ud;

	lua_getfield(L, idx, field);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		if (required)
			luaL_error(L, "%s: field '%s' is required", what,
				   field);
		return NULL;
	}
	ud = luaL_testudata(L, -1, mt);
	if (!ud)
		luaL_error(L, "%s: field '%s': expected a %s", what, field,
			   mt + strlen("dmasim."));
	lua_pop(L, 1);
	return ((struct lcomp *)ud)->obj;
}

/* ---- timed calls on a CPU ---- */

static void lcall_done(struct cpu *cpu, struct cpu_op *op)
{
	struct lcall *lc = op->ctx;

	signal_notify(cpu->sim, &lc->sig);
}

static void lcall_run(struct cpu *cpu, struct cpu_op *op, uint64_t *cycles,
		      uint64_t *bus_cycles)
{
	struct lcall *lc = op->ctx;

	(void)cpu;
	lc->fn(lc, cycles, bus_cycles);
}

int lcoh_call(lua_State *L, struct lsys *sys, struct cpu *cpu,
	      struct lcall *lc, const char *fn, lua_KFunction k)
{
	struct lproc *lp = lsys_current(L, sys, fn);
	enum cpu_ctx ctx = lp->irq_cpu == cpu ? CPU_CTX_IRQ : CPU_CTX_THREAD;

	if (cpu->access || (lp->irq_cpu && lp->irq_cpu != cpu)) {
		free(lc);
		return luaL_error(L, "%s: the CPU cannot run this operation "
				  "now", fn);
	}
	cpu_op_call(&lc->op, lcall_run, lc);
	lc->op.done = lcall_done;
	signal_init(&lc->sig);
	proc_wait_signal(&lp->p, &lc->sig);
	if (cpu_submit(cpu, ctx, &lc->op)) {
		free(lc);
		return luaL_error(L, "%s: malformed operation", fn);
	}
	return lua_yieldk(L, 0, (lua_KContext)lc, k);
}

struct lcall *lcoh_new(lua_State *L, size_t size)
{
	struct lcall *lc = calloc(1, size);

	if (!lc)
		luaL_error(L, "out of memory");
	return lc;
}

/* ---- caches ---- */

struct lcache {
	struct cache c;
	struct cpu *cpu;
};

struct maint_call {
	struct lcall lc;
	struct lcache *lcache;
	enum cache_op op;
	uint64_t addr, len;
};

static void maint_run(struct lcall *lc, uint64_t *cycles, uint64_t *bus)
{
	struct maint_call *m = (struct maint_call *)lc;
	struct cache_cost cost = { 0, 0 };

	cache_maint(&m->lcache->c, m->op, m->addr, m->len, &cost);
	if (m->lcache->c.watch.maint)
		m->lcache->c.watch.maint(m->lcache->c.watch.ctx, &m->lcache->c,
					 m->op, m->addr, m->len);
	*cycles = cost.cpu;
	*bus = cost.bus;
}

static int k_free(lua_State *L, int status, lua_KContext ctx)
{
	(void)L;
	(void)status;
	free((void *)ctx);
	return 0;
}

static int cache_maint_l(lua_State *L, enum cache_op op, const char *fn)
{
	struct lcache *lc = lsys_check_comp(L, 1, CACHE_MT);
	uint64_t addr = check_addr(L, 2, fn);
	lua_Integer len = luaL_checkinteger(L, 3);
	struct maint_call *m;

	if (!lc->cpu)
		return luaL_error(L, "%s: cache '%s' has no CPU (give it one, "
				  "or make it another cache's next)", fn,
				  lc->c.name);
	if (len < 0)
		return luaL_error(L, "%s: length %d: expected >= 0", fn,
				  (int)len);
	m = (struct maint_call *)lcoh_new(L, sizeof(*m));
	m->lc.fn = maint_run;
	m->lcache = lc;
	m->op = op;
	m->addr = addr;
	m->len = (uint64_t)len;
	return lcoh_call(L, comp_sys(L, 1), lc->cpu, &m->lc, fn, k_free);
}

/* cache:clean(addr, len) / invalidate / flush: on the cache's CPU */
static int l_cache_clean(lua_State *L)
{
	return cache_maint_l(L, CACHE_CLEAN, "cache:clean()");
}

static int l_cache_invalidate(lua_State *L)
{
	return cache_maint_l(L, CACHE_INVAL, "cache:invalidate()");
}

static int l_cache_flush(lua_State *L)
{
	return cache_maint_l(L, CACHE_FLUSH, "cache:flush()");
}

/* cache:set_cacheable(addr, len, bool): untimed set-up, by 4 KiB page */
static int l_cache_set_cacheable(lua_State *L)
{
	struct lcache *lc = lsys_check_comp(L, 1, CACHE_MT);
	uint64_t addr = check_addr(L, 2, "cache:set_cacheable()");
	lua_Integer len = luaL_checkinteger(L, 3);

	luaL_checktype(L, 4, LUA_TBOOLEAN);
	if (len < 0)
		return luaL_error(L, "cache:set_cacheable(): length must be "
				  ">= 0");
	if (cache_set_cacheable(&lc->c, addr, (uint64_t)len,
				lua_toboolean(L, 4)))
		return luaL_error(L, "cache:set_cacheable(): more than %d "
				  "non-cacheable ranges", CACHE_MAX_NC);
	return 0;
}

/* cache:present(addr) -> valid, dirty */
static int l_cache_present(lua_State *L)
{
	struct lcache *lc = lsys_check_comp(L, 1, CACHE_MT);
	bool dirty;

	lua_pushboolean(L, cache_present(&lc->c, check_addr(L, 2,
				"cache:present()"), &dirty));
	lua_pushboolean(L, dirty);
	return 2;
}

static int l_cache_check(lua_State *L)
{
	struct lcache *lc = lsys_check_comp(L, 1, CACHE_MT);

	lua_pushboolean(L, cache_check(&lc->c));
	return 1;
}

static int l_cache_index(lua_State *L)
{
	struct lcache *lc = lsys_check_comp(L, 1, CACHE_MT);
	const struct cache *c = &lc->c;
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "hits", c->hits }, { "misses", c->misses },
		{ "evictions", c->evictions }, { "writebacks", c->writebacks },
		{ "uncached", c->uncached }, { "maint_lines", c->maint_lines },
		{ "snoops", c->snoops },
		{ "snoop_writebacks", c->snoop_writebacks },
		{ "snoop_invals", c->snoop_invals },
		{ "line", c->cfg.line }, { "size", c->cfg.size },
		{ "ways", c->cfg.ways }, { "sets", c->sets },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "coherent"))
		lua_pushboolean(L, c->cfg.coherent);
	else if (!strcmp(k, "name"))
		lua_pushstring(L, c->name);
	else if (!strcmp(k, "next") && c->next)
		lua_pushstring(L, c->next->name);
	else if (!strcmp(k, "next"))
		lua_pushnil(L);
	else
		return luaL_error(L, "cache has no field '%s'", k);
	return 1;
}

static void lcache_fini(void *obj)
{
	cache_fini(&((struct lcache *)obj)->c);
}

/* sys:cache{cpu, name, size, ways, line, word, hit, clean, inval, flush,
 *           barrier, snoop, coherent, next}: with a cpu, the CPU's cache;
 * without, a lower level for another cache's `next` (an L2). */
static int l_sys_cache(lua_State *L)
{
	static const char *const known[] = { "cpu", "name", "size", "ways",
		"line", "word", "hit", "clean", "inval", "flush", "barrier",
		"snoop", "coherent", "next", NULL };
	const char *what = "system:cache{}";
	struct lsys *sys = lsys_check(L, 1);
	struct cache_config cfg;
	struct lcache *lc, *next = NULL;
	struct cpu *cpu;
	const char *name;
	int err;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	cpu = check_opt_comp(L, 2, "cpu", CPU_MT, what, false);
	next = check_opt_comp(L, 2, "next", CACHE_MT, what, false);
	name = lf_string(L, 2, what, "name", "l1");
	cfg.size = lf_uint(L, 2, what, "size", UNIT_SIZE, 32 * 1024, 1);
	cfg.ways = (uint32_t)lf_uint(L, 2, what, "ways", UNIT_NUMBER, 4, 1);
	cfg.line = (uint32_t)lf_uint(L, 2, what, "line", UNIT_SIZE, 64, 1);
	cfg.word = (uint32_t)lf_uint(L, 2, what, "word", UNIT_SIZE, 8, 1);
	cfg.hit = (uint32_t)lf_uint(L, 2, what, "hit", UNIT_NUMBER, 1, 0);
	cfg.clean = (uint32_t)lf_uint(L, 2, what, "clean", UNIT_NUMBER, 50, 0);
	cfg.inval = (uint32_t)lf_uint(L, 2, what, "inval", UNIT_NUMBER, 50, 0);
	cfg.flush = (uint32_t)lf_uint(L, 2, what, "flush", UNIT_NUMBER, 60, 0);
	cfg.barrier = (uint32_t)lf_uint(L, 2, what, "barrier", UNIT_NUMBER,
					100, 0);
	cfg.snoop = (uint32_t)lf_uint(L, 2, what, "snoop", UNIT_NUMBER, 1, 0);
	lua_getfield(L, 2, "coherent");
	cfg.coherent = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (cpu && cpu->mem_hook.xact)
		return luaL_error(L, "%s: CPU '%s' already has a cache", what,
				  cpu->name);
	if (next && (next->c.upper || next->c.cfg.coherent != cfg.coherent))
		return luaL_error(L, "%s: field 'next': cache '%s' %s", what,
				  next->c.name, next->c.upper ?
				  "already is another cache's next level" :
				  "differs in 'coherent' (give both levels "
				  "the same)");
	lc = lsys_new_comp(L, sys, sizeof(*lc), CACHE_MT, lcache_fini);
	err = cache_init(&lc->c, &sys->sim, &sys->bus, name, &cfg);
	if (err == DMASIM_EINVAL)
		return lf_error(L, "%s: size %llu, %u ways of %u-byte lines: "
				  "expected powers of two, size a multiple of "
				  "ways * line", what,
				  (unsigned long long)cfg.size, cfg.ways,
				  cfg.line);
	if (err)
		return luaL_error(L, "%s: %s", what, dmasim_strerror(err));
	lc->cpu = cpu;
	if (next && cache_set_next(&lc->c, &next->c))
		return luaL_error(L, "%s: field 'next': cache '%s' cannot be "
				  "this cache's next level", what,
				  next->c.name);
	for (struct lcache *l = next; cpu && l; ) {
		l->cpu = cpu;	/* maintenance on a lower level runs here */
		l = l->c.next ? (struct lcache *)((char *)l->c.next -
			offsetof(struct lcache, c)) : NULL;
	}
	if (cpu) {
		cache_attach_cpu(&lc->c, cpu);
		lcoh_cache_added(L, sys, &lc->c);
	}
	return 1;
}

struct cache *lcoh_check_cache(lua_State *L, int idx)
{
	return &((struct lcache *)lsys_check_comp(L, idx, CACHE_MT))->c;
}

const luaL_Reg lcoh_sys_methods[] = {
	{ "cache", l_sys_cache },
	{ "dma_device", lmap_sys_dma_device },
	{ NULL, NULL }
};

void lcoh_open(lua_State *L)
{
	static const luaL_Reg cache_methods[] = {
		{ "clean", l_cache_clean },
		{ "invalidate", l_cache_invalidate },
		{ "flush", l_cache_flush },
		{ "set_cacheable", l_cache_set_cacheable },
		{ "present", l_cache_present },
		{ "check", l_cache_check },
		{ NULL, NULL }
	};

	lsys_class(L, CACHE_MT, cache_methods, l_cache_index, NULL);
	lmap_open(L);
}
