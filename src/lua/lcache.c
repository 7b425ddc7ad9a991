/*
 * lcache: caches in the scenario language.
 *
 *   local l1 = sys:cache{ cpu = cpu, size = "32KiB", ways = 4, line = 64,
 *                         coherent = false }
 *   local l2 = sys:cache{ name = "l2", size = "256KiB", ways = 8, hit = 10 }
 *   local l1 = sys:cache{ cpu = cpu, size = "32KiB", next = l2 }
 *   l1:invalidate(addr, len)        -- a timed CPU operation (both levels)
 *
 * Maintenance calls run on the cache's CPU as operations (they take
 * simulated time and must be called from a process); set-up calls
 * (set_cacheable) and queries are untimed.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"


/* An optional component field of the table at idx. */
static void *opt_comp(lua_State *L, int idx, const char *field,
		      const char *mt, const char *what)
{
	void *ud;

	if (lua_getfield(L, idx, field) == LUA_TNIL) {
		lua_pop(L, 1);
		return NULL;
	}
	ud = luaL_testudata(L, -1, mt);
	if (!ud)
		lf_error(L, "%s: field '%s': expected a %s", what, field,
			 mt + strlen("dmasim."));
	lua_pop(L, 1);
	return ((struct lcomp *)ud)->obj;
}

static int cache_maint_l(lua_State *L, enum dmasim_cache_op op,
			 const char *fn)
{
	struct dmasim_cache *c = lsys_check_comp(L, 1, CACHE_MT);
	uint64_t addr = lsys_check_addr(L, 2, fn);
	lua_Integer len = luaL_checkinteger(L, 3);
	struct lproc *lp;

	if (!c->cpu)
		return luaL_error(L, "%s: cache '%s' has no CPU (give it one, "
				  "or make it another cache's next)", fn,
				  c->c.name);
	if (len < 0)
		return luaL_error(L, "%s: length %d: expected >= 0", fn,
				  (int)len);
	lp = lsys_current(L, lsys_of(L, 1), fn);
	return lsys_await(L, lp->ls, dmasim_cache_maint(&lp->p, c, op, addr,
			  (uint64_t)len), fn, NULL, 0);
}

/* cache:clean(addr, len) / invalidate / flush: on the cache's CPU */
static int l_cache_clean(lua_State *L)
{
	return cache_maint_l(L, DMASIM_CACHE_CLEAN, "cache:clean()");
}

static int l_cache_invalidate(lua_State *L)
{
	return cache_maint_l(L, DMASIM_CACHE_INVALIDATE, "cache:invalidate()");
}

static int l_cache_flush(lua_State *L)
{
	return cache_maint_l(L, DMASIM_CACHE_FLUSH, "cache:flush()");
}

/* cache:set_cacheable(addr, len, bool): untimed set-up, by 4 KiB page */
static int l_cache_set_cacheable(lua_State *L)
{
	struct dmasim_cache *c = lsys_check_comp(L, 1, CACHE_MT);
	uint64_t addr = lsys_check_addr(L, 2, "cache:set_cacheable()");
	lua_Integer len = luaL_checkinteger(L, 3);

	luaL_checktype(L, 4, LUA_TBOOLEAN);
	if (len < 0)
		return luaL_error(L, "cache:set_cacheable(): length must be "
				  ">= 0");
	if (dmasim_cache_set_cacheable(c, addr, (uint64_t)len,
				       lua_toboolean(L, 4)))
		return lsys_raise(L, lsys_of(L, 1), "cache:set_cacheable()");
	return 0;
}

/* cache:present(addr) -> valid, dirty */
static int l_cache_present(lua_State *L)
{
	struct dmasim_cache *c = lsys_check_comp(L, 1, CACHE_MT);
	bool dirty;

	lua_pushboolean(L, cache_present(&c->c, lsys_check_addr(L, 2,
				"cache:present()"), &dirty));
	lua_pushboolean(L, dirty);
	return 2;
}

static int l_cache_check(lua_State *L)
{
	struct dmasim_cache *c = lsys_check_comp(L, 1, CACHE_MT);

	lua_pushboolean(L, cache_check(&c->c));
	return 1;
}

static int l_cache_index(lua_State *L)
{
	const struct cache *c = lsys_check_comp(L, 1, CACHE_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "hits", c->hits }, { "misses", c->misses },
		{ "evictions", c->evictions }, { "writebacks", c->writebacks },
		{ "uncached", c->uncached }, { "maint_lines", c->maint_lines },
		{ "snoops", c->snoops },
		{ "snoop_writebacks", c->snoop_writebacks },
		{ "snoop_invals", c->snoop_invals },
		{ "wb_lines", c->wb.lines },
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

/* sys:cache{cpu, bus, name, size, ways, line, word, hit, clean, inval,
 *           flush, barrier, snoop, coherent, next}: with a cpu, the CPU's
 * cache; without, a lower level for another cache's `next` (an L2). */
static int l_sys_cache(lua_State *L)
{
	static const char *const known[] = { "cpu", "bus", "name", "size",
		"ways", "line", "word", "hit", "clean", "inval", "flush",
		"barrier", "snoop", "coherent", "next", NULL };
	const char *what = "system:cache{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_cache_config cfg;
	struct dmasim_cache *c, *next;
	struct dmasim_cpu *cpu;
	struct dmasim_bus *bus;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	dmasim_cache_config_init(&cfg);
	cpu = opt_comp(L, 2, "cpu", CPU_MT, what);
	next = opt_comp(L, 2, "next", CACHE_MT, what);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", "l1");
	cfg.size = lf_uint(L, 2, what, "size", UNIT_SIZE, 32 * 1024, 1);
	cfg.ways = lf_u32(L, 2, what, "ways", UNIT_NUMBER, 4, 1);
	cfg.line = lf_u32(L, 2, what, "line", UNIT_SIZE, 64, 1);
	cfg.word = lf_u32(L, 2, what, "word", UNIT_SIZE, 8, 1);
	cfg.hit = lf_u32(L, 2, what, "hit", UNIT_NUMBER, 1, 0);
	cfg.clean = lf_u32(L, 2, what, "clean", UNIT_NUMBER, 50, 0);
	cfg.inval = lf_u32(L, 2, what, "inval", UNIT_NUMBER, 50, 0);
	cfg.flush = lf_u32(L, 2, what, "flush", UNIT_NUMBER, 60, 0);
	cfg.barrier = lf_u32(L, 2, what, "barrier", UNIT_NUMBER,
					100, 0);
	cfg.snoop = lf_u32(L, 2, what, "snoop", UNIT_NUMBER, 1, 0);
	lua_getfield(L, 2, "coherent");
	cfg.coherent = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (dmasim_cache_new(ls->sys, bus, cpu, next, &cfg, &c))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, c, CACHE_MT);
	return 1;
}

const luaL_Reg lcache_sys_methods[] = {
	{ "cache", l_sys_cache },
	{ NULL, NULL }
};

void lcache_open(lua_State *L)
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
}
