/*
 * lcoh: Lua bindings of caches (lcoh.c), the DMA mapping API and the
 * sanitizer (lmap.c).
 */
#ifndef DMASIM_LUA_LCOH_H
#define DMASIM_LUA_LCOH_H

#include <lauxlib.h>
#include <lua.h>

#include "hw/cpu.h"
#include "kernel/proc.h"
#include "lsys.h"

struct cache;

/* A software routine run on a CPU as an operation (cpu_op_call). */
struct lcall {
	struct cpu_op op;
	struct signal sig;
	void (*fn)(struct lcall *lc, uint64_t *cycles, uint64_t *bus_cycles);
};

/* Allocate a zeroed call of size bytes (a struct beginning with lcall). */
struct lcall *lcoh_new(lua_State *L, size_t size);
/* Run lc on cpu for the calling process; k pushes the results and frees
 * lc. */
int lcoh_call(lua_State *L, struct lsys *sys, struct cpu *cpu,
	      struct lcall *lc, const char *fn, lua_KFunction k);
struct cache *lcoh_check_cache(lua_State *L, int idx);
/* A cache was created: the sanitizer (when on) watches it. */
void lcoh_cache_added(lua_State *L, struct lsys *sys, struct cache *c);

extern const luaL_Reg lcoh_sys_methods[];
void lcoh_open(lua_State *L);
int lmap_sys_dma_device(lua_State *L);
void lmap_open(lua_State *L);

#endif
