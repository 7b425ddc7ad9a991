/*
 * lmem: memories in the scenario language.
 *
 *   local mem = sys:memory{ base = 0, size = "1GiB", latency = "50ns" }
 *   mem:write(0x1000, "bytes"); mem:fill(0x2000, 4096, 7)
 *   local h = mem:hash(0x2000, 4096)   -- dmasim.hash of the same bytes
 *
 * Its methods are untimed back doors for setting up and checking a
 * scenario, never part of the modelled software.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

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
		return lsys_raise(L, lsys_of(L, 1), NULL);
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
		return lsys_raise(L, lsys_of(L, 1), NULL);
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
		return lsys_raise(L, lsys_of(L, 1), NULL);
	return 0;
}

/* mem:inject{addr, len, on = "read"|"write"|"both", after, count}: refuse
 * the matching bus transactions with a bus error (see
 * dmasim_memory_inject()) */
static int l_mem_inject(lua_State *L)
{
	static const char *const known[] = { "addr", "len", "on", "after",
		"count", NULL };
	static const char *const dirs[] = { "both", "read", "write", NULL };
	const char *what = "memory:inject{}";
	struct dmasim_memory *mem = lsys_check_comp(L, 1, MEM_MT);
	struct dmasim_memory_fault f = { 0 };
	int dir;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	if (lua_getfield(L, 2, "addr") == LUA_TNIL)
		return lf_error(L, "%s: field 'addr' missing: expected the bus "
				"address of the faulty range", what);
	lua_pop(L, 1);
	f.addr = lf_uint(L, 2, what, "addr", UNIT_SIZE, 0, 0);
	f.len = lf_uint(L, 2, what, "len", UNIT_SIZE, 1, 1);
	dir = lf_enum(L, 2, what, "on", dirs, 0);
	f.reads = dir == 1;
	f.writes = dir == 2;
	f.after = lf_uint(L, 2, what, "after", UNIT_NUMBER, 0, 0);
	f.count = lf_uint(L, 2, what, "count", UNIT_NUMBER, 1, 0);
	if (dmasim_memory_inject(mem, &f))
		return lsys_raise(L, lsys_of(L, 1), NULL);
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
		return lsys_raise(L, lsys_of(L, 1), NULL);
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

const luaL_Reg lmem_sys_methods[] = {
	{ "memory", l_sys_memory },
	{ NULL, NULL }
};

void lmem_open(lua_State *L)
{
	static const luaL_Reg mem_methods[] = {
		{ "write", l_mem_write },
		{ "read", l_mem_read },
		{ "fill", l_mem_fill },
		{ "hash", l_mem_hash },
		{ "inject", l_mem_inject },
		{ NULL, NULL }
	};

	lsys_class(L, MEM_MT, mem_methods, l_mem_index, NULL);
	lua_pushcfunction(L, l_hash);
	lua_setfield(L, -2, "hash");
}
