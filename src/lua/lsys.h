/*
 * lsys: what the Lua bindings of systems (lsystem.c) and of hardware
 * models (lhw.c) share: the system object, component handles and Lua
 * processes.
 */
#ifndef DMASIM_LUA_LSYS_H
#define DMASIM_LUA_LSYS_H

#include <stdbool.h>
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

#include "hw/bus.h"
#include "kernel/proc.h"
#include "kernel/sim.h"
#include "lrun.h"

#define SYS_MT "dmasim.system"

struct lproc;
struct cpu;

/* A model the system owns, finalised with the system. */
struct lowned {
	void *obj;
	void (*fini)(void *obj);
};

struct lsys {
	struct sim sim;
	struct bus bus;
	bool open;
	bool running;
	lua_State *runL;	/* the thread inside sys:run() */
	struct dmasim_run *run;
	int slot;		/* statistics slot in the results */
	char name[32];
	struct lowned *comps;
	size_t ncomps, capcomps;
	struct lproc *procs;	/* live processes */
	int err_ref;		/* a process's error, or LUA_NOREF */
	unsigned ncpus, nchans, nmems, ndmas, ndevs;
	struct sanitizer *san;	/* with --check: the DMA sanitizer */
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
	struct cpu *irq_cpu;	/* an interrupt handler of this CPU */
	struct lproc *next;
};

extern const char *const lsys_mode_names[];

struct lsys *lsys_check(lua_State *L, int idx);
/* The model behind a handle of metatable mt (its system must be open). */
void *lsys_check_comp(lua_State *L, int idx, const char *mt);
/* Allocate zeroed memory owned (and finalised) by the system. */
void *lsys_alloc(lua_State *L, struct lsys *sys, size_t size,
		 void (*fini)(void *obj));
/* Allocate a zeroed model owned by the system, push a handle to it. */
void *lsys_new_comp(lua_State *L, struct lsys *sys, size_t size,
		    const char *mt, void (*fini)(void *obj));
/* The "name" field of the table at idx, or prefix<n>; checked. */
const char *lsys_comp_name(lua_State *L, int idx, const char *what,
			   const char *prefix, unsigned n, char *buf,
			   size_t len);
/* The Lua process running the calling coroutine, or an error naming fn. */
struct lproc *lsys_current(lua_State *L, struct lsys *sys, const char *fn);
/* Start fn (at idx) with nargs arguments above it as a process. */
struct lproc *lsys_spawn(lua_State *L, struct lsys *sys, int idx, int nargs);
/* Suspend the calling process until sig is notified, then return nret
 * values pushed by k (or none when k is NULL). */
int lsys_wait_signal(lua_State *L, struct lproc *lp, struct signal *sig,
		     lua_KFunction k, lua_KContext ctx);
/* A numeric field of a handle, as __index functions list them. */
struct lsys_field {
	const char *name;
	uint64_t value;
};

#define LSYS_NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

/* In an __index function: push the method named k of the handle at idx,
 * or the field named k of f (an integer).  Returns 1, or 0 when neither
 * exists (nothing pushed that matters). */
int lsys_index(lua_State *L, int idx, const char *k,
	       const struct lsys_field *f, size_t n);

/* Register a class: methods, an __index function, optional __gc. */
void lsys_class(lua_State *L, const char *mt, const luaL_Reg *methods,
		lua_CFunction index, lua_CFunction gc);

/* Hardware bindings (lhw.c): add the sys:<model>{} constructors to the
 * system's method table at the top of the stack. */
void lhw_open(lua_State *L);
extern const luaL_Reg lhw_sys_methods[];
/* The memory manager's bindings (los.c). */
void los_open(lua_State *L);
extern const luaL_Reg los_sys_methods[];

#endif
