/*
 * lsorted: dmasim.sorted(t), iteration over a table's keys in an order
 * that does not depend on how the table was built (pairs() order does),
 * so that a scenario's output is the same from run to run.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"

/* A key of the table being sorted.  A string's bytes stay valid while the
 * table holds it, and nothing runs during the sort. */
struct sorted_key {
	bool str;
	bool isint;
	lua_Integer i;
	lua_Number n;
	const char *s;
	size_t len;		/* bytes */
};

/* Numbers before strings; numbers by value, strings bytewise.  Distinct
 * keys never compare equal: a float key is never integral within the
 * integer range (Lua stores those as integers), so an integer and a float
 * that convert to the same double are ordered integer first. */
static int sorted_cmp(const void *pa, const void *pb)
{
	const struct sorted_key *a = pa, *b = pb;

	if (a->str != b->str)
		return a->str ? 1 : -1;
	if (a->str) {
		int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

		if (c)
			return c;
		return (a->len > b->len) - (a->len < b->len);
	}
	if (a->isint && b->isint)
		return (a->i > b->i) - (a->i < b->i);
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return (int)b->isint - (int)a->isint;
}

/* The iterator: upvalues are the table, the sorted keys (a sequence) and
 * the position.  Keys whose value was set to nil meanwhile are skipped. */
static int sorted_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));

	for (;;) {
		if (lua_rawgeti(L, lua_upvalueindex(2), ++i) == LUA_TNIL)
			return 0;
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
			break;
		lua_pop(L, 2);
	}
	lua_pushinteger(L, i);
	lua_replace(L, lua_upvalueindex(3));
	return 2;
}

/* dmasim.sorted(t) -> an iterator over t's keys in a fixed order (see
 * sorted_cmp), for `for k, v in dmasim.sorted(t)`: pairs() order changes
 * from run to run for string keys. */
int lf_sorted(lua_State *L)
{
	struct sorted_key *keys;
	size_t n = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		int t = lua_type(L, -2);

		lua_pop(L, 1);
		if (t != LUA_TNUMBER && t != LUA_TSTRING)
			return lf_error(L, "dmasim.sorted: a key of type %s: "
					"expected only number and string keys",
					lua_typename(L, t));
		n++;
	}
	keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*keys), 0);
	n = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		struct sorted_key *k = &keys[n++];

		lua_pop(L, 1);
		memset(k, 0, sizeof(*k));
		k->str = lua_type(L, -1) == LUA_TSTRING;
		if (k->str) {
			k->s = lua_tolstring(L, -1, &k->len);
		} else {
			k->isint = lua_isinteger(L, -1);
			k->i = lua_tointeger(L, -1);
			k->n = lua_tonumber(L, -1);
		}
	}
	qsort(keys, n, sizeof(*keys), sorted_cmp);
	lua_pushvalue(L, 1);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		if (keys[i].str)
			lua_pushlstring(L, keys[i].s, keys[i].len);
		else if (keys[i].isint)
			lua_pushinteger(L, keys[i].i);
		else
			lua_pushnumber(L, keys[i].n);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, sorted_next, 3);
	return 1;
}
