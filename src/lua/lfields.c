/* lfields: checked table fields.  See lfields.h. */
#include "lfields.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "dmasim/dmasim.h"
#include "kernel/checked.h"

int lf_error(lua_State *L, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	luaL_where(L, 1);
	lua_pushstring(L, msg);
	lua_concat(L, 2);
	return lua_error(L);
}

void lf_known(lua_State *L, int idx, const char *what,
	      const char *const known[])
{
	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int ok = 0;

		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -1);

			for (int i = 0; known[i]; i++)
				if (strcmp(k, known[i]) == 0)
					ok = 1;
		}
		if (!ok) {
			const char *key = luaL_tolstring(L, -1, NULL);
			luaL_Buffer b;

			luaL_buffinit(L, &b);
			for (int i = 0; known[i]; i++) {
				if (i)
					luaL_addstring(&b, ", ");
				luaL_addstring(&b, known[i]);
			}
			luaL_pushresult(&b);
			luaL_error(L, "%s: unknown field '%s': expected one of %s",
				   what, key, lua_tostring(L, -1));
		}
	}
}

int lf_to_value(lua_State *L, int idx, enum unit_kind kind, double *out)
{
	if (lua_type(L, idx) == LUA_TNUMBER) {
		*out = lua_tonumber(L, idx);
		return 0;
	}
	if (lua_type(L, idx) == LUA_TSTRING)
		return units_parse(lua_tostring(L, idx), kind, out);
	return DMASIM_EUNIT;
}

double lf_value(lua_State *L, int idx, const char *what, const char *field,
		enum unit_kind kind, double def, double min)
{
	double v = def;

	lua_getfield(L, idx, field);
	if (!lua_isnil(L, -1)) {
		if (lf_to_value(L, -1, kind, &v))
			luaL_error(L, "%s: field '%s' = %s: expected %s", what,
				   field, luaL_tolstring(L, -1, NULL),
				   units_expected(kind));
		if (!(v >= min))
			lf_error(L, "%s: field '%s' = %s: expected a value "
				   ">= %g", what, field,
				   luaL_tolstring(L, -1, NULL), min);
		if (!ck_finite(v) && min != -INFINITY)
			lf_error(L, "%s: field '%s' = %s: expected a finite "
				   "number", what, field,
				   luaL_tolstring(L, -1, NULL));
	}
	lua_pop(L, 1);
	return v;
}

uint64_t lf_uint(lua_State *L, int idx, const char *what, const char *field,
		 enum unit_kind kind, uint64_t def, uint64_t min)
{
	double v = lf_value(L, idx, what, field, kind, (double)def,
			    (double)min);

	uint64_t u = 0;

	if (v != floor(v) || !ck_dtou(v, &u)) {
		lua_getfield(L, idx, field);
		luaL_error(L, "%s: field '%s' = %s: expected a whole number "
			   "below 2^64", what, field,
			   luaL_tolstring(L, -1, NULL));
	}
	return u;
}

uint32_t lf_u32(lua_State *L, int idx, const char *what, const char *field,
		enum unit_kind kind, uint32_t def, uint32_t min)
{
	uint64_t v = lf_uint(L, idx, what, field, kind, def, min);

	if (v > UINT32_MAX) {
		lua_getfield(L, idx, field);
		lf_error(L, "%s: field '%s' = %s: expected a whole number from "
			 "%u to %u", what, field, luaL_tolstring(L, -1, NULL),
			 (unsigned)min, (unsigned)UINT32_MAX);
	}
	return (uint32_t)v;
}

int lf_int(lua_State *L, int idx, const char *what, const char *field,
	   int def, int min, int max)
{
	double v = lf_value(L, idx, what, field, UNIT_NUMBER, def, min);

	if (v > max || v != floor(v)) {
		lua_getfield(L, idx, field);
		lf_error(L, "%s: field '%s' = %s: expected a whole number from "
			 "%d to %d", what, field, luaL_tolstring(L, -1, NULL),
			 min, max);
	}
	return (int)v;
}

uint64_t lf_arg_u64(lua_State *L, int idx, const char *fn,
		    enum unit_kind kind)
{
	double v;
	uint64_t u = 0;

	if (lf_to_value(L, idx, kind, &v))
		return (uint64_t)lf_error(L, "%s(%s): expected %s", fn,
					  luaL_tolstring(L, idx, NULL),
					  units_expected(kind));
	if (!ck_dtou(v, &u))
		return (uint64_t)lf_error(L, "%s(%s): expected a finite value "
					  "from 0 to 2^64 - 1 in base units",
					  fn, luaL_tolstring(L, idx, NULL));
	return u;
}

int lf_enum(lua_State *L, int idx, const char *what, const char *field,
	    const char *const names[], int def)
{
	const char *s;
	luaL_Buffer b;

	lua_getfield(L, idx, field);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return def;
	}
	s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	for (int i = 0; s && names[i]; i++) {
		if (strcmp(s, names[i]) == 0) {
			lua_pop(L, 1);
			return i;
		}
	}
	luaL_buffinit(L, &b);
	for (int i = 0; names[i]; i++) {
		if (i)
			luaL_addstring(&b, names[i + 1] ? ", " : " or ");
		luaL_addchar(&b, '"');
		luaL_addstring(&b, names[i]);
		luaL_addchar(&b, '"');
	}
	luaL_pushresult(&b);
	s = luaL_tolstring(L, -2, NULL);
	return luaL_error(L, "%s: field '%s' = %s: expected %s", what, field,
			  s, lua_tostring(L, -2));
}

const char *lf_string(lua_State *L, int idx, const char *what,
		      const char *field, const char *def)
{
	const char *s = def;

	lua_getfield(L, idx, field);
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "%s: field '%s': expected a string, got "
				   "%s", what, field, luaL_typename(L, -1));
		s = lua_tostring(L, -1);
	}
	lua_pop(L, 1);
	return s;
}
