/*
 * ldata: dmasim.data(path), reading a data file: a Lua chunk of text that
 * returns a value built of tables, strings, numbers and booleans (a
 * calibration written by `dmasim calibrate`, a table of figures).  The
 * chunk runs in a Lua state of its own with no libraries and no globals,
 * under an instruction budget, so a data file can compute nothing and
 * reach nothing; its value is then copied into the scenario's state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lfields.h"
#include "lrun.h"

#define DATA_MAX_DEPTH 16
#define DATA_MAX_INSTRUCTIONS 10000000	/* far more than any table needs */
#define DATA_HOOK_EVERY 10000

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	luaL_error(L, "it runs for more than %d instructions (a data file "
		   "only builds a value)", DATA_MAX_INSTRUCTIONS);
}

/* Copy the value at the top of `from` onto `to`.  Returns NULL, or what
 * the value holds that a data file may not. */
static const char *copy_value(lua_State *from, lua_State *to, int depth)
{
	switch (lua_type(from, -1)) {
	case LUA_TNIL:
		lua_pushnil(to);
		return NULL;
	case LUA_TBOOLEAN:
		lua_pushboolean(to, lua_toboolean(from, -1));
		return NULL;
	case LUA_TNUMBER:
		if (lua_isinteger(from, -1))
			lua_pushinteger(to, lua_tointeger(from, -1));
		else
			lua_pushnumber(to, lua_tonumber(from, -1));
		return NULL;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(from, -1, &len);

		lua_pushlstring(to, s, len);
		return NULL;
	}
	case LUA_TTABLE:
		break;
	default:
		return "a value other than a table, string, number or boolean";
	}
	if (depth >= DATA_MAX_DEPTH)
		return "tables nested more than 16 deep";
	luaL_checkstack(to, 4, "data file");
	lua_newtable(to);
	lua_pushnil(from);
	while (lua_next(from, -2)) {
		const char *bad;

		lua_pushvalue(from, -2);		/* the key */
		if ((bad = copy_value(from, to, depth + 1))) {
			lua_pop(from, 3);
			return bad;
		}
		lua_pop(from, 1);
		if ((bad = copy_value(from, to, depth + 1))) {
			lua_pop(from, 2);
			lua_pop(to, 1);
			return bad;
		}
		lua_pop(from, 1);
		lua_rawset(to, -3);
	}
	return NULL;
}

/* dmasim.data(path) -> value, or nil and a message. */
int lf_data(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	lua_State *D = lrun_newstate();
	const char *bad;
	FILE *f;

	if (!D)
		return luaL_error(L, "out of memory");
	/* a missing or unreadable file: nil and the reason */
	if (!(f = fopen(path, "r"))) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot read '%s': %s", path,
				strerror(errno));
		lua_close(D);
		return 2;
	}
	fclose(f);
	if (luaL_loadfilex(D, path, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s", lua_tostring(D, -1));
		lua_close(D);
		return 2;
	}
	/* no globals at all: the chunk's _ENV is an empty table */
	lua_newtable(D);
	lua_setupvalue(D, -2, 1);
	lua_sethook(D, budget_hook, LUA_MASKCOUNT, DATA_HOOK_EVERY);
	if (lua_pcall(D, 0, 1, 0) != LUA_OK) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: %s", path, lua_tostring(D, -1));
		lua_close(D);
		return 2;
	}
	if ((bad = copy_value(D, L, 0))) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: it returns %s", path, bad);
		lua_close(D);
		return 2;
	}
	lua_close(D);
	return 1;
}
