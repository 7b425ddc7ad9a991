/*
 * lfields: reading the fields of a Lua table argument, checked.  Every
 * error names the table (what), the field and the expected form, and Lua
 * prefixes the scenario's file:line.
 */
#ifndef DMASIM_LUA_LFIELDS_H
#define DMASIM_LUA_LFIELDS_H

#include <stdint.h>

#include <lua.h>

#include "kernel/units.h"

/*
 * Raise a Lua error with a printf-style message (lua_pushfstring knows only
 * a few conversions), prefixed with the calling Lua code's file:line.
 * Does not return.
 */
int lf_error(lua_State *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Raise an error when the table at idx has a key not in known (NULL-ended). */
void lf_known(lua_State *L, int idx, const char *what,
	      const char *const known[]);

/* A field holding a number or a string with a unit of `kind`, in base
 * units; def when absent.  Values below min are an error. */
double lf_value(lua_State *L, int idx, const char *what, const char *field,
		enum unit_kind kind, double def, double min);

/* A whole number >= min (numbers or strings with units of `kind`). */
uint64_t lf_uint(lua_State *L, int idx, const char *what, const char *field,
		 enum unit_kind kind, uint64_t def, uint64_t min);

/* One of names (NULL-ended); returns its index, def when absent. */
int lf_enum(lua_State *L, int idx, const char *what, const char *field,
	    const char *const names[], int def);

/* A string field, or def when absent. */
const char *lf_string(lua_State *L, int idx, const char *what,
		      const char *field, const char *def);

/* Convert the Lua value at idx (number or unit string) to a base-unit
 * number; returns 0 or DMASIM_EUNIT. */
int lf_to_value(lua_State *L, int idx, enum unit_kind kind, double *out);

#endif
