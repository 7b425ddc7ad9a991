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
#include "kernel/trace.h"
#include "report/results.h"

struct define {
	char *name;
	char *value;
	bool used;
};

/* A timeline file asked for with dmasim_run_set_trace/_vcd. */
struct lrun_output {
	char *path;		/* NULL: none */
	uint64_t from, to;	/* ps */
};

struct dmasim_run {
	struct results res;
	struct define *defs;
	size_t ndefs, capdefs;
	uint64_t seed;
	bool seed_set;
	bool params_declared;
	bool ran;
	int code;		/* code of the failure, 0 when none */
	char *error;		/* message of the failure */
	char *scenario;		/* path */
	lua_State *L;
	bool check;		/* the DMA sanitizer is on */
	struct dmasim_check *checks;	/* its reports */
	size_t nchecks, capchecks;
	struct lrun_output trace_json, trace_vcd;
	struct trace_config trace;	/* the open timeline sinks */
	dmasim_progress_fn progress;
	void *progress_ctx;
};

/* The run a Lua state belongs to. */
struct dmasim_run *lrun_get(lua_State *L);

/* Mark the error being raised as a bad-parameter error (DMASIM_EPARAM). */
void lrun_param_error(lua_State *L);

/* Push a Lua value as a result value; returns 0 or DMASIM_EINVAL for a
 * type that cannot be reported. */
int lrun_to_rvalue(lua_State *L, int idx, struct rvalue *v);

/*
 * Attach what the run observes a simulation with, its timeline sinks and
 * its progress display, to a new system's simulation, before components
 * are created.  name must outlive sim.  Returns 0 or DMASIM_ENOMEM.
 */
int lrun_attach(struct dmasim_run *run, struct sim *sim, const char *name);

/* Register system constructors into the module table at the top. */
void lsystem_open(lua_State *L);

#endif
