/*
 * lrun: a scenario run and the `dmasim` Lua module.
 *
 * A run owns a Lua state opened with only the libraries a scenario needs
 * (no io, no os, no loading of C code; `require` finds Lua modules next to
 * the scenario, in the folders of $DMASIM_PATH and in the installed
 * scenarios folder, each folder and its lib/: see add_search_path).  The scenario declares its
 * parameters with dmasim.params{}, which applies the -D overrides, builds
 * systems with dmasim.system{}, and reports with dmasim.report(),
 * dmasim.table() and dmasim.claim().
 */
#include "lrun.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include <errno.h>
#include <stdio.h>

#include "kernel/units.h"
#include "kernel/util.h"
#include "lfields.h"
#include "report/tracejson.h"
#include "report/vcd.h"
#include "kernel/vec.h"

#define RUN_KEY "dmasim.run"
#define PARAM_ERROR_KEY "dmasim.param_error"

/* ---- the run ---- */

/* Lua's allocation function on the library's allocator. */
static void *lrun_alloc(void *ud, void *p, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (!nsize) {
		dm_free(p);
		return NULL;
	}
	return dm_realloc(p, nsize);
}

/* An error outside any protected call: say it, and end as Lua does. */
static int lrun_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	fprintf(stderr, "dmasim: unprotected Lua error: %s\n",
		msg ? msg : "(not a string)");
	return 0;
}

lua_State *lrun_newstate(void)
{
	lua_State *L = lua_newstate(lrun_alloc, NULL);

	if (L)
		lua_atpanic(L, lrun_panic);
	return L;
}

struct dmasim_run *lrun_get(lua_State *L)
{
	struct dmasim_run *run;

	lua_getfield(L, LUA_REGISTRYINDEX, RUN_KEY);
	run = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return run;
}

void lrun_param_error(lua_State *L)
{
	lua_pushboolean(L, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, PARAM_ERROR_KEY);
}

int lrun_to_rvalue(lua_State *L, int idx, struct rvalue *v)
{
	memset(v, 0, sizeof(*v));
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			v->type = RV_INT;
			v->i = lua_tointeger(L, idx);
		} else {
			v->type = RV_REAL;
			v->d = lua_tonumber(L, idx);
		}
		return 0;
	case LUA_TBOOLEAN:
		v->type = RV_BOOL;
		v->i = lua_toboolean(L, idx);
		return 0;
	case LUA_TSTRING:
		v->type = RV_STR;
		v->s = (char *)lua_tostring(L, idx);
		return 0;
	}
	return DMASIM_EINVAL;
}

/* ---- the dmasim module ---- */

static void push_number(lua_State *L, double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		lua_pushinteger(L, (lua_Integer)v);
	else
		lua_pushnumber(L, v);
}

static int unit_fn(lua_State *L, enum unit_kind kind, const char *fname)
{
	double v;

	if (lf_to_value(L, 1, kind, &v))
		return luaL_error(L, "dmasim.%s(%s): expected %s", fname,
				  luaL_tolstring(L, 1, NULL),
				  units_expected(kind));
	push_number(L, v);
	return 1;
}

static int l_size(lua_State *L) { return unit_fn(L, UNIT_SIZE, "size"); }
static int l_time(lua_State *L) { return unit_fn(L, UNIT_TIME, "time"); }
static int l_freq(lua_State *L) { return unit_fn(L, UNIT_FREQ, "freq"); }
static int l_bandwidth(lua_State *L)
{
	return unit_fn(L, UNIT_BANDWIDTH, "bandwidth");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Convert -D value s to the type of the default at index def. */
static void push_override(lua_State *L, int def, const char *name,
			  const char *s)
{
	double v;

	switch (lua_type(L, def)) {
	case LUA_TNUMBER:
		if (units_parse(s, UNIT_ANY, &v)) {
			lrun_param_error(L);
			luaL_error(L, "-D %s=%s: expected %s", name, s,
				   units_expected(UNIT_ANY));
		}
		if (lua_isinteger(L, def)) {
			if (v != floor(v) || fabs(v) >= 9.2e18) {
				lrun_param_error(L);
				luaL_error(L, "-D %s=%s: expected a whole number",
					   name, s);
			}
			lua_pushinteger(L, (lua_Integer)v);
		} else {
			lua_pushnumber(L, v);
		}
		return;
	case LUA_TBOOLEAN:
		if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes")) {
			lua_pushboolean(L, 1);
		} else if (!strcmp(s, "false") || !strcmp(s, "0") ||
			   !strcmp(s, "no")) {
			lua_pushboolean(L, 0);
		} else {
			lrun_param_error(L);
			luaL_error(L, "-D %s=%s: expected true or false", name, s);
		}
		return;
	case LUA_TSTRING: {
		/* A default with a unit takes values of the same kind:
		 * size = "64KiB" refuses -D size=3GHz. */
		enum dmasim_unit ud, uo;
		double d;

		if (!dmasim_parse_value(lua_tostring(L, def), &ud, &d) &&
		    ud != DMASIM_UNIT_NONE && !dmasim_parse_value(s, &uo, &v) &&
		    uo != ud && uo != DMASIM_UNIT_NONE) {
			lrun_param_error(L);
			luaL_error(L, "-D %s=%s: expected a value in %s, like "
				   "the default %s", name, s,
				   dmasim_unit_name(ud), lua_tostring(L, def));
		}
		lua_pushstring(L, s);
		return;
	}
	default:
		lua_pushstring(L, s);
	}
}

/* dmasim.params{name = default, ...} -> the values in force */
static int l_params(lua_State *L)
{
	struct dmasim_run *run = lrun_get(L);
	const char **names;
	size_t n = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (run->params_declared)
		return luaL_error(L, "dmasim.params: parameters are already "
				     "declared (call it once)");
	run->params_declared = true;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "dmasim.params: every key must be "
					     "a parameter name (a string)");
		n++;
	}
	names = lua_newuserdatauv(L, (n + 1) * sizeof(*names), 0);
	n = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		names[n++] = lua_tostring(L, -1);
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < run->ndefs; i++) {
		const char *d = run->defs[i].name;
		int found = 0;

		for (size_t k = 0; k < n; k++)
			found |= !strcmp(d, names[k]);
		if (!found) {
			luaL_Buffer b;

			luaL_buffinit(L, &b);
			for (size_t k = 0; k < n; k++) {
				if (k)
					luaL_addstring(&b, ", ");
				luaL_addstring(&b, names[k]);
			}
			luaL_pushresult(&b);
			lrun_param_error(L);
			return luaL_error(L, "unknown parameter '%s' (-D %s=%s): "
					  "this scenario declares %s", d, d,
					  run->defs[i].value,
					  lua_tostring(L, -1));
		}
	}
	lua_createtable(L, 0, (int)n);
	for (size_t k = 0; k < n; k++) {
		struct rvalue v;

		lua_getfield(L, 1, names[k]);
		for (size_t i = 0; i < run->ndefs; i++) {
			if (!strcmp(run->defs[i].name, names[k])) {
				push_override(L, -1, names[k],
					      run->defs[i].value);
				run->defs[i].used = true;
				lua_remove(L, -2);
			}
		}
		if (lrun_to_rvalue(L, -1, &v))
			return luaL_error(L, "dmasim.params: parameter '%s' has "
					  "a %s default: expected a number, "
					  "string or boolean", names[k],
					  luaL_typename(L, -1));
		if (results_add_param(&run->res, names[k], &v))
			return luaL_error(L, "out of memory");
		lua_setfield(L, -2, names[k]);
	}
	return 1;
}

/* dmasim.expect(ok, name, value, expected): a parameter check. */
static int l_expect(lua_State *L)
{
	if (lua_toboolean(L, 1))
		return 0;
	lrun_param_error(L);
	return luaL_error(L, "bad parameter %s = %s: expected %s",
			  luaL_checkstring(L, 2), luaL_tolstring(L, 3, NULL),
			  luaL_checkstring(L, 4));
}

/* dmasim.report(name, value [, unit]) */
static int l_report(lua_State *L)
{
	struct dmasim_run *run = lrun_get(L);
	const char *name = luaL_checkstring(L, 1);
	const char *unit = luaL_optstring(L, 3, "");
	struct rvalue v;

	if (lrun_to_rvalue(L, 2, &v))
		return luaL_error(L, "dmasim.report('%s', ...): expected a "
				  "number, string or boolean value, got %s",
				  name, luaL_typename(L, 2));
	switch (results_add(&run->res, name, &v, unit)) {
	case 0:
		return 0;
	case DMASIM_EINVAL:
		return luaL_error(L, "dmasim.report('%s', ...): '%s' is already "
				  "reported: expected each name once", name,
				  name);
	default:
		return luaL_error(L, "out of memory");
	}
}

/* dmasim.table{title = s, columns = {...}, rows = {{...}, ...}} */
static int l_table(lua_State *L)
{
	static const char *const known[] = { "title", "columns", "rows", NULL };
	struct dmasim_run *run = lrun_get(L);
	const char *title;
	const char **cells;
	size_t ncols, nrows;
	int err;

	luaL_checktype(L, 1, LUA_TTABLE);
	lf_known(L, 1, "dmasim.table{}", known);
	title = lf_string(L, 1, "dmasim.table{}", "title", "");
	lua_settop(L, 1);
	if (lua_getfield(L, 1, "columns") != LUA_TTABLE)
		return luaL_error(L, "dmasim.table{}: field 'columns': expected "
				     "a list of column names");
	if (lua_getfield(L, 1, "rows") != LUA_TTABLE)
		return luaL_error(L, "dmasim.table{}: field 'rows': expected a "
				     "list of rows, each a list of cells");
	ncols = lua_rawlen(L, -2);
	nrows = lua_rawlen(L, -1);
	cells = lua_newuserdatauv(L, (nrows + 1) * ncols * sizeof(char *) + 1,
				  0);
	lua_createtable(L, (int)((nrows + 1) * ncols), 0); /* keeps strings */
	/* stack: 2 columns, 3 rows, 4 cells, 5 anchor */
	for (size_t c = 0; c < ncols; c++) {
		lua_rawgeti(L, 2, (lua_Integer)c + 1);
		cells[c] = luaL_tolstring(L, -1, NULL);
		lua_rawseti(L, 5, (lua_Integer)c + 1);
		lua_pop(L, 1);
	}
	for (size_t r = 0; r < nrows; r++) {
		lua_rawgeti(L, 3, (lua_Integer)r + 1);
		if (!lua_istable(L, -1) || lua_rawlen(L, -1) != ncols)
			return luaL_error(L, "dmasim.table{}: row %d: expected "
					  "a list of %d cells", (int)r + 1,
					  (int)ncols);
		for (size_t c = 0; c < ncols; c++) {
			size_t k = (r + 1) * ncols + c;
			char buf[64];

			lua_rawgeti(L, -1, (lua_Integer)c + 1);
			if (lua_type(L, -1) == LUA_TNUMBER &&
			    !lua_isinteger(L, -1)) {
				snprintf(buf, sizeof(buf), "%.6g",
					 lua_tonumber(L, -1));
				lua_pushstring(L, buf);
			} else {
				luaL_tolstring(L, -1, NULL);
			}
			cells[k] = lua_tostring(L, -1);
			lua_rawseti(L, 5, (lua_Integer)k + 1);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	err = results_add_table(&run->res, title, ncols, nrows, cells);
	if (err)
		return luaL_error(L, "out of memory");
	return 0;
}

/* A check's answer: a boolean, or a number (1 yes, 0 no); NaN when absent. */
static double claim_answer(lua_State *L, const char *what, const char *field)
{
	double v;

	lua_getfield(L, 1, field);
	if (lua_isboolean(L, -1))
		v = lua_toboolean(L, -1) ? 1 : 0;
	else if (lua_isnil(L, -1))
		v = NAN;
	else if (lua_type(L, -1) == LUA_TNUMBER &&
		 (lua_tonumber(L, -1) == 0 || lua_tonumber(L, -1) == 1))
		v = lua_tonumber(L, -1);
	else
		return lf_error(L, "%s: field '%s' of a check must be a boolean "
				"(or 1 for yes, 0 for no), got %s", what, field,
				luaL_typename(L, -1));
	lua_pop(L, 1);
	return v;
}

/*
 * dmasim.claim{id, claim, model, simulated, tolerance [, unit] [, kind]
 *              [, intact] [, published, published_is] [, formula]
 *              [, explain]} -> agree
 * kind "check": a yes/no check, model and simulated booleans, tolerance 0
 * unless given.  intact = false: the data the mechanism moved arrived
 * wrong, so the claim disagrees.  published: the source's figure, stated
 * "about" (default), "over" or "under" it.  formula: the model written
 * out with the parameters' values; explain: the mechanism in words (both
 * shown by dmasim tour --explain).
 */
static int l_claim(lua_State *L)
{
	static const char *const known[] = { "id", "claim", "model",
		"simulated", "tolerance", "unit", "kind", "intact",
		"published", "published_is", "formula", "explain", NULL };
	static const char *const kinds[] = { "quantity", "check", NULL };
	static const char *const rels[] = { "about", "over", "under", NULL };
	struct dmasim_run *run = lrun_get(L);
	const char *what = "dmasim.claim{}";
	struct claim_rec c = { 0 };
	bool agree;
	int kind;

	luaL_checktype(L, 1, LUA_TTABLE);
	lf_known(L, 1, what, known);
	c.id = (char *)(uintptr_t)lf_string(L, 1, what, "id", NULL);
	c.text = (char *)(uintptr_t)lf_string(L, 1, what, "claim", NULL);
	if (!c.id || !c.text)
		return luaL_error(L, "%s: fields 'id' and 'claim' are required "
				  "(strings)", what);
	c.unit = (char *)(uintptr_t)lf_string(L, 1, what, "unit", "");
	c.formula = (char *)(uintptr_t)lf_string(L, 1, what, "formula", NULL);
	c.explain = (char *)(uintptr_t)lf_string(L, 1, what, "explain", NULL);
	kind = lf_enum(L, 1, what, "kind", kinds, 0);
	c.check = kind == 1;
	if (c.check) {
		c.model = claim_answer(L, what, "model");
		c.simulated = claim_answer(L, what, "simulated");
		c.tolerance = lf_value(L, 1, what, "tolerance", UNIT_NUMBER,
				       0, 0);
	} else {
		c.model = lf_value(L, 1, what, "model", UNIT_NUMBER, NAN,
				   -INFINITY);
		c.simulated = lf_value(L, 1, what, "simulated", UNIT_NUMBER,
				       NAN, -INFINITY);
		c.tolerance = lf_value(L, 1, what, "tolerance", UNIT_NUMBER,
				       NAN, 0);
	}
	if (isnan(c.model) || isnan(c.simulated) || isnan(c.tolerance))
		return luaL_error(L, "%s: fields 'model', 'simulated' and "
				  "'tolerance' are required (numbers; for "
				  "kind = \"check\", 'model' and 'simulated' "
				  "as booleans)", what);
	lua_getfield(L, 1, "intact");
	if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
		return lf_error(L, "%s: field 'intact' must be a boolean "
				"(whether the data arrived right), got %s",
				what, luaL_typename(L, -1));
	c.data_wrong = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
	lua_pop(L, 1);
	c.published = lf_value(L, 1, what, "published", UNIT_NUMBER, NAN,
			       -INFINITY);
	c.published_cmp = DMASIM_PUB_ABOUT +
			  lf_enum(L, 1, what, "published_is", rels, 0);
	if (isnan(c.published)) {
		lua_getfield(L, 1, "published_is");
		if (!lua_isnil(L, -1))
			return lf_error(L, "%s: field 'published_is' needs "
					"'published' (the source's figure, a "
					"number)", what);
		lua_pop(L, 1);
		c.published_cmp = DMASIM_PUB_NONE;
		c.published = 0;
	}
	if (results_add_claim(&run->res, &c, &agree))
		return luaL_error(L, "out of memory");
	lua_pushboolean(L, agree);
	return 1;
}

static const luaL_Reg dmasim_funcs[] = {
	{ "params", l_params },
	{ "expect", l_expect },
	{ "report", l_report },
	{ "table", l_table },
	{ "claim", l_claim },
	{ "size", l_size },
	{ "time", l_time },
	{ "freq", l_freq },
	{ "bandwidth", l_bandwidth },
	{ "sorted", lf_sorted },
	{ "data", lf_data },
	{ NULL, NULL }
};

static int luaopen_dmasim(lua_State *L)
{
	struct dmasim_run *run = lrun_get(L);

	luaL_newlib(L, dmasim_funcs);
	lua_pushstring(L, DMASIM_VERSION);
	lua_setfield(L, -2, "version");
	lua_pushinteger(L, (lua_Integer)run->seed);
	lua_setfield(L, -2, "seed");
	lsystem_open(L);
	return 1;
}

/* ---- loading and running ---- */

static int msgh(lua_State *L)
{
	if (!lua_isstring(L, 1))
		lua_pushstring(L, luaL_tolstring(L, 1, NULL));
	return 1;
}

#ifndef DMASIM_DATADIR
#define DMASIM_DATADIR "/usr/local/share/dmasim"
#endif

/* Add "dir/?.lua;dir/lib/?.lua;" for the n bytes of dir (none when n is
 * 0). */
static void add_dir(luaL_Buffer *b, const char *dir, size_t n)
{
	if (!n)
		return;
	for (int lib = 0; lib < 2; lib++) {
		luaL_addlstring(b, dir, n);
		luaL_addstring(b, lib ? "/lib/?.lua;" : "/?.lua;");
	}
}

/* package.path: where `require "name"` looks, first to last: beside the
 * scenario, each folder of $DMASIM_PATH (colon-separated, empty entries
 * skipped), the installed scenarios folder (the run's libdir, else the
 * configured one); each folder, then its lib/. */
static void add_search_path(lua_State *L, const char *scenario)
{
	const char *slash = strrchr(scenario, '/');
	const char *env = getenv("DMASIM_PATH");
	const char *libdir = lrun_get(L)->libdir;
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	if (slash)
		add_dir(&b, scenario, slash == scenario ? 1 :
			(size_t)(slash - scenario));
	else
		add_dir(&b, ".", 1);
	while (env && *env) {
		const char *colon = strchr(env, ':');
		size_t n = colon ? (size_t)(colon - env) : strlen(env);

		add_dir(&b, env, n);
		env = colon ? colon + 1 : NULL;
	}
	if (!libdir)
		libdir = DMASIM_DATADIR "/scenarios";
	add_dir(&b, libdir, strlen(libdir));
	luaL_pushresult(&b);
	lua_setfield(L, -2, "path");
}

/* load(chunk [, name [, mode [, env]]]) with mode forced to "t": a binary
 * chunk is not checked by Lua and a corrupt one crashes the host. */
static int l_load_text(lua_State *L)
{
	int n = lua_gettop(L);

	if (n < 3)
		lua_settop(L, n = 3);
	if (!lua_isnil(L, 3) && (lua_type(L, 3) != LUA_TSTRING ||
				 strcmp(lua_tostring(L, 3), "t")))
		return luaL_error(L, "load(): mode %s: only text chunks are "
				  "loaded (mode \"t\")",
				  luaL_tolstring(L, 3, NULL));
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* package.searchers[2] for text modules only: the file found on
 * package.path, loaded with mode "t". */
static int l_search_text(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *file;

	lua_getglobal(L, LUA_LOADLIBNAME);
	lua_getfield(L, -1, "searchpath");
	lua_pushstring(L, name);
	lua_getfield(L, -3, "path");
	lua_call(L, 2, 2);
	if (lua_isnil(L, -2))
		return 1;	/* the message of what was tried */
	file = lua_tostring(L, -2);
	if (luaL_loadfilex(L, file, "t") != LUA_OK)
		return luaL_error(L, "error loading module '%s' from file "
				  "'%s':\n\t%s", name, file,
				  lua_tostring(L, -1));
	lua_pushstring(L, file);
	return 2;
}

static int open_libs(lua_State *L)
{
	const char *path = lua_touserdata(L, 1);
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_LOADLIBNAME, luaopen_package },
		{ LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL }
	};
	for (const luaL_Reg *lib = libs; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	/* math.random follows the run's seed, not the clock: the same seed
	 * gives the same figures. */
	lua_getglobal(L, LUA_MATHLIBNAME);
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)lrun_get(L)->seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	/* No file access beyond Lua modules beside the scenario. */
	lua_pushnil(L);
	lua_setglobal(L, "dofile");
	lua_pushnil(L);
	lua_setglobal(L, "loadfile");
	lua_getglobal(L, "load");
	lua_pushcclosure(L, l_load_text, 1);
	lua_setglobal(L, "load");
	lua_getglobal(L, LUA_LOADLIBNAME);
	add_search_path(L, path);
	lua_pushliteral(L, "");
	lua_setfield(L, -2, "cpath");
	lua_pushnil(L);
	lua_setfield(L, -2, "loadlib");
	lua_getfield(L, -1, "searchers");
	/* keep the preload and Lua searchers only */
	lua_pushnil(L);
	lua_rawseti(L, -2, 4);
	lua_pushnil(L);
	lua_rawseti(L, -2, 3);
	lua_pushcfunction(L, l_search_text);
	lua_rawseti(L, -2, 2);
	lua_pop(L, 2);
	luaL_requiref(L, "dmasim", luaopen_dmasim, 1);
	lua_pop(L, 1);
	return 0;
}

/* A table returned by the scenario: report its fields, sorted by name. */
static int report_returned(lua_State *L, struct dmasim_run *run, int idx)
{
	const char **names;
	size_t n = 0;
	int err;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		n++;
	}
	names = lua_newuserdatauv(L, (n + 1) * sizeof(*names), 0);
	n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING)
			names[n++] = lua_tostring(L, -1);
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct rvalue v;

		lua_getfield(L, idx, names[i]);
		if (!lrun_to_rvalue(L, -1, &v) &&
		    (err = results_add(&run->res, names[i], &v, "")))
			return err;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

/* Every LRUN_HOOK_COUNT Lua instructions: count them and check the run's
 * limits, raising the limit's error (again and again: a pcall in the
 * scenario cannot swallow it for good). */
#define LRUN_HOOK_COUNT 1000

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct dmasim_run *run = lrun_get(L);

	(void)ar;
	run->instr += LRUN_HOOK_COUNT;
	if (run_limit_reached(run, 0)) {
		/* From now on at every instruction: the first one after a
		 * pcall that caught the error raises it again, so it reaches
		 * the top whatever the scenario catches. */
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
		luaL_error(L, "%s", run->partial ? run->partial :
			   "run limit reached");
	}
}

int dmasim_run_file(struct dmasim_run *run, const char *path)
{
	lua_State *L;
	int st, code;

	if (run->ran)
		return run_fail(run, DMASIM_EINVAL, "a run is used once");
	run->ran = true;
	run->scenario = util_strdup(path);
	if (!run->scenario)
		return run_fail(run, DMASIM_ENOMEM, "out of memory");
	if (run_start(run))
		goto out_files;
	L = lrun_newstate();
	if (!L) {
		run_fail(run, DMASIM_ENOMEM, "out of memory");
		goto out_files;
	}
	lua_pushlightuserdata(L, run);
	lua_setfield(L, LUA_REGISTRYINDEX, RUN_KEY);
	run->wall_start = run_wall_now();
	/* Processes (coroutines) inherit the hook of the state. */
	if (run->max_instr || run->max_wall_s)
		lua_sethook(L, count_hook, LUA_MASKCOUNT, LRUN_HOOK_COUNT);
	lua_pushcfunction(L, open_libs);
	lua_pushlightuserdata(L, (void *)path);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		run_fail(run, DMASIM_ENOMEM, lua_tostring(L, -1));
		goto out;
	}
	lua_pushcfunction(L, msgh);
	st = luaL_loadfilex(L, path, "t");
	if (st != LUA_OK) {
		code = st == LUA_ERRFILE ? DMASIM_EIO : DMASIM_ESCENARIO;
		run_fail(run, code, lua_tostring(L, -1));
		goto out;
	}
	st = lua_pcall(L, 0, 1, 1);
	if (st != LUA_OK) {
		lua_getfield(L, LUA_REGISTRYINDEX, PARAM_ERROR_KEY);
		code = lua_toboolean(L, -1) ? DMASIM_EPARAM : DMASIM_ESCENARIO;
		lua_pop(L, 1);
		if (run->partial)
			code = DMASIM_ELIMIT;
		run_fail(run, st == LUA_ERRMEM ? DMASIM_ENOMEM : code,
			 lua_tostring(L, -1));
		goto out;
	}
	if (lua_istable(L, -1) &&
	    (code = report_returned(L, run, lua_gettop(L)))) {
		run_fail(run, code, code == DMASIM_EINVAL ?
			 "a field of the table the scenario returned is "
			 "already reported (dmasim.report): expected each "
			 "name once" : "out of memory");
		goto out;
	}
	for (size_t i = 0; i < run->ndefs; i++) {
		if (!run->defs[i].used) {
			lua_pushfstring(L, "%s: unknown parameter '%s' (-D %s=%s): "
					"this scenario declares no parameters",
					path, run->defs[i].name,
					run->defs[i].name, run->defs[i].value);
			run_fail(run, DMASIM_EPARAM, lua_tostring(L, -1));
			goto out;
		}
	}
out:
	/* Closing the state finalises the systems, which snapshot their
	 * statistics into the results and detach from the timelines. */
	lua_close(L);
	if (!run->code)
		run_gather(run);
out_files:
	return run_finish(run);
}

