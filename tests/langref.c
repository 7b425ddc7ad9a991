/*
 * langref: runs tests/langref.lua, the check of docs/language.md against
 * the Lua bindings, in a Lua state with the standard libraries (the
 * check reads files; no Lua interpreter is needed on the machine).
 * Usage: langref CHECK.lua DOC.md SOURCE.c...; exit status 0 when the
 * reference and the bindings agree, 1 when they do not, 2 on misuse.
 */
#include <stdio.h>

#include <lauxlib.h>
#include <lualib.h>

int main(int argc, char **argv)
{
	lua_State *L;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: langref CHECK.lua DOC.md SOURCE.c...\n");
		return 2;
	}
	L = luaL_newstate();
	if (!L)
		return 2;
	luaL_openlibs(L);
	if (luaL_loadfile(L, argv[1]) != LUA_OK) {
		fprintf(stderr, "langref: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		lua_pushstring(L, argv[i]);
	if (lua_pcall(L, argc - 2, 1, 0) != LUA_OK) {
		fprintf(stderr, "langref: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return 2;
	}
	rc = lua_toboolean(L, -1) ? 0 : 1;
	lua_close(L);
	return rc;
}
