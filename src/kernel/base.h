/*
 * base: what every layer and the public API share: the export macro, the
 * version, and the one table of error codes.  Every function that can fail returns 0 or a negative code
 * from this table (in the manner of libuv's UV_ERRNO_MAP): bad input or
 * API misuse by the caller, never a simulated error (those are statuses
 * of the simulated hardware) nor a bug in dmasim (those are asserts).
 *
 * The file depends on nothing, so the build installs it unchanged as
 * <dmasim/base.h>, which the public header includes: the kernel owns the
 * table and the library re-exports it.  err.c implements the look-ups.
 */
#ifndef DMASIM_BASE_H
#define DMASIM_BASE_H

#include <stddef.h>

/* The library's exported symbols; everything else has hidden visibility. */
#if defined(__GNUC__)
#define DMASIM_API __attribute__((visibility("default")))
#else
#define DMASIM_API
#endif

/* The library's version: a new minor version adds to the API, a new major
 * one may change it (before 1.0, a minor one may).  The shared library's
 * soname carries the major version. */
#define DMASIM_VERSION_MAJOR 0
#define DMASIM_VERSION_MINOR 2
#define DMASIM_VERSION_PATCH 0
#define DMASIM_VERSION "0.2.0"

/* name, code, message */
#define DMASIM_ERRNO_MAP(X)                                                   \
	X(NOMEM, -1, "out of memory")                                        \
	X(INVAL, -2, "invalid argument")                                     \
	X(PARAM, -3, "unknown or malformed scenario parameter")              \
	X(SCENARIO, -4, "scenario error")                                    \
	X(IO, -5, "file could not be read or written")                       \
	X(UNIT, -6, "malformed value or unit")                               \
	X(RANGE, -7, "value out of range")                                   \
	X(DISAGREE, -8, "a claim disagreed with its model")                  \
	X(LIMIT, -9, "a run limit was reached: the results are partial")

enum {
#define DMASIM_ERRNO_ENUM(name, code, msg) DMASIM_E##name = (code),
	DMASIM_ERRNO_MAP(DMASIM_ERRNO_ENUM)
#undef DMASIM_ERRNO_ENUM
};

/* A short message for a DMASIM_E* code ("success" for 0, "unknown error"
 * for a code not in the table). */
DMASIM_API const char *dmasim_strerror(int code);
/* The symbolic name ("DMASIM_EPARAM") of a code, or NULL. */
DMASIM_API const char *dmasim_errname(int code);

/*
 * The host allocator: every allocation of the library (its models, Lua
 * states and JSON trees) goes through it.  A NULL result is an allocation
 * failure, which the library reports as DMASIM_ENOMEM (a run's error says
 * it ran out of memory).  realloc(ctx, NULL, n) allocates; free(ctx,
 * NULL) does nothing.  Process-wide; set it before any run (NULL: the C
 * library's malloc, realloc and free).  Tests use it to fail the nth
 * allocation.
 */
struct dmasim_allocator {
	void *(*realloc)(void *ctx, void *p, size_t n);
	void (*free)(void *ctx, void *p);
	void *ctx;
};
DMASIM_API void dmasim_set_allocator(const struct dmasim_allocator *a);

#endif
