/*
 * lrun: a scenario run (struct dmasim_run, the public API) and the Lua
 * module `dmasim` that scenarios see.
 */
#ifndef DMASIM_LUA_LRUN_H
#define DMASIM_LUA_LRUN_H

#include <stdbool.h>
#include <stdint.h>

#include <lua.h>

#include "dmasim/dmasim.h"
#include "kernel/sim.h"
#include "report/run.h"

/* The run a Lua state belongs to. */
struct dmasim_run *lrun_get(lua_State *L);
/* A new Lua state whose memory comes from the library's allocator
 * (kernel/alloc.h), or NULL when out of memory. */
lua_State *lrun_newstate(void);

/* Mark the error being raised as a bad-parameter error (DMASIM_EPARAM). */
void lrun_param_error(lua_State *L);

/* Push a Lua value as a result value; returns 0 or DMASIM_EINVAL for a
 * type that cannot be reported. */
int lrun_to_rvalue(lua_State *L, int idx, struct rvalue *v);


/* Register system constructors into the module table at the top. */
void lsystem_open(lua_State *L);

#endif
