/*
 * lproc: a Lua process: a sys/ process whose body resumes a coroutine
 * (started by sys:spawn() and by interrupt handlers), where it is in
 * its source for the sanitizer's reports, and the suspension of a
 * process in a component's blocking call.  See lsys.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "kernel/alloc.h"
#include "lfields.h"
#include "lrun.h"
#include "lsys.h"

static void lsys_fail(struct lsys *ls, lua_State *from, const char *msg)
{
	lua_State *L = ls->runL;

	if (ls->err_ref == LUA_NOREF) {
		luaL_traceback(L, from, msg, 0);
		ls->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	sys_fail(ls->sys, DMASIM_ESCENARIO, msg);
}

static void lproc_resume(struct dmasim_proc *p)
{
	struct lproc *lp = (struct lproc *)p;
	int nres = 0;
	int st = lua_resume(lp->co, lp->ls->runL, lp->nargs, &nres);

	lp->nargs = 0;
	if (st == LUA_YIELD) {
		lua_pop(lp->co, nres);
		if (p->p.state == PROC_RUNNING)
			lsys_fail(lp->ls, lp->co,
				  "a process yielded without waiting: pause it "
				  "with system:wait(t) or a component's wait()");
		return;
	}
	if (st != LUA_OK)
		lsys_fail(lp->ls, lp->co, luaL_tolstring(lp->co, -1, NULL));
}

static void lproc_done(struct dmasim_proc *p)
{
	struct lproc *lp = (struct lproc *)p;

	if (lp->ls->runL)
		luaL_unref(lp->ls->runL, LUA_REGISTRYINDEX, lp->ref);
	dm_free(lp->buf);
	dm_free(lp);
}

/*
 * Where a Lua process is: the innermost line of the scenario's own file
 * on its stack (the call it waits in), and, when the call went on into a
 * library, the library's line: "halo.lua:120, in verbs.lua:80"; with no
 * line of the scenario's file, the innermost line.
 */
static void lproc_where(struct dmasim_proc *p, char *buf, size_t len)
{
	struct lproc *lp = (struct lproc *)p;
	const char *scen = lrun_get(lp->co)->scenario;
	char inner[160] = "";
	lua_Debug ar;

	buf[0] = 0;
	for (int lvl = 0; lua_getstack(lp->co, lvl, &ar); lvl++) {
		if (!lua_getinfo(lp->co, "Sl", &ar) || ar.currentline <= 0)
			continue;
		if (scen && ar.source[0] == '@' &&
		    !strcmp(ar.source + 1, scen)) {
			snprintf(buf, len, *inner ? "%s:%d, in %s" : "%s:%d%s",
				 ar.short_src, ar.currentline, inner);
			return;
		}
		if (!*inner) {
			const char *slash = strrchr(ar.short_src, '/');

			snprintf(inner, sizeof(inner), "%s:%d",
				 slash ? slash + 1 : ar.short_src,
				 ar.currentline);
		}
	}
	snprintf(buf, len, "%s", inner);
}

static const struct sys_body lproc_body = {
	.resume = lproc_resume,
	.done = lproc_done,
	.where = lproc_where,
};

struct lproc *lsys_current(lua_State *L, struct lsys *ls, const char *fn)
{
	struct dmasim_proc *p = sys_proc_current(ls->sys);

	if (!p || p->body != &lproc_body || ((struct lproc *)p)->co != L)
		lf_error(L, "%s must be called from a process started with "
			 "system:spawn()", fn);
	return (struct lproc *)p;
}

struct lproc *lsys_spawn(lua_State *L, struct lsys *ls, int idx, int nargs)
{
	struct lproc *lp;
	lua_State *co;

	luaL_checktype(L, idx, LUA_TFUNCTION);
	lp = dm_calloc(1, sizeof(*lp));
	if (!lp)
		luaL_error(L, "out of memory");
	co = lua_newthread(L);
	lp->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, idx);
	lua_xmove(L, co, 1);
	for (int i = 1; i <= nargs; i++) {
		lua_pushvalue(L, idx + i);
		lua_xmove(L, co, 1);
	}
	lp->co = co;
	lp->ls = ls;
	lp->nargs = nargs;
	if (sys_proc_start(ls->sys, &lp->p, &lproc_body)) {
		luaL_unref(L, LUA_REGISTRYINDEX, lp->ref);
		dm_free(lp);
		luaL_error(L, "out of memory");
	}
	return lp;
}

int lsys_await(lua_State *L, struct lsys *ls, int rc, const char *what,
	       lua_KFunction k, lua_KContext ctx)
{
	if (rc == DMASIM_WAITING)
		return lua_yieldk(L, 0, ctx, k);
	if (rc < 0)
		return lsys_raise(L, ls, what);
	return k ? k(L, LUA_OK, ctx) : 0;
}
