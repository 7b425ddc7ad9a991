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
 * units; def when absent.  NaN, values below min and infinities are an
 * error (infinities are allowed when min is -INFINITY: any number). */
double lf_value(lua_State *L, int idx, const char *what, const char *field,
		enum unit_kind kind, double def, double min);

/* A whole number >= min (numbers or strings with units of `kind`). */
uint64_t lf_uint(lua_State *L, int idx, const char *what, const char *field,
		 enum unit_kind kind, uint64_t def, uint64_t min);

/* The same, at most 2^32 - 1 (fields the models keep in 32 bits). */
uint32_t lf_u32(lua_State *L, int idx, const char *what, const char *field,
		enum unit_kind kind, uint32_t def, uint32_t min);

/* A whole number from min to max. */
int lf_int(lua_State *L, int idx, const char *what, const char *field,
	   int def, int min, int max);

/* Positional argument idx of function fn ("system:wait") as a whole
 * number of base units of `kind` (fractions are dropped); an error for
 * NaN, infinities, negative values and values >= 2^64. */
uint64_t lf_arg_u64(lua_State *L, int idx, const char *fn,
		    enum unit_kind kind);

/* One of names (NULL-ended); returns its index, def when absent. */
int lf_enum(lua_State *L, int idx, const char *what, const char *field,
	    const char *const names[], int def);

/* A string field, or def when absent. */
const char *lf_string(lua_State *L, int idx, const char *what,
		      const char *field, const char *def);

/* Convert the Lua value at idx (number or unit string) to a base-unit
 * number; returns 0 or DMASIM_EUNIT. */
int lf_to_value(lua_State *L, int idx, enum unit_kind kind, double *out);

/* dmasim.sorted(t) -> an iterator over t's keys in a fixed order:
 * numbers before strings, numbers by value, strings bytewise. */
int lf_sorted(lua_State *L);

/* dmasim.data(path) -> the value a data file returns (tables, strings,
 * numbers, booleans; no globals, no libraries), or nil and a message. */
int lf_data(lua_State *L);

#endif
