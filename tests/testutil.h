/* testutil: shared helpers for the cmocka suites. */
#ifndef DMASIM_TESTS_TESTUTIL_H
#define DMASIM_TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dmasim/dmasim.h"

/* Path of a file in the source tree. */
const char *tu_path(const char *rel);

/*
 * Run a scenario (path relative to the source tree) with NULL-ended
 * "name=value" defines.  Returns the run (caller frees) and its code in
 * *code.
 */
struct dmasim_run *tu_run(const char *rel, int *code, ...);

/* Run an inline Lua scenario text. */
struct dmasim_run *tu_run_text(const char *text, int *code, ...);

/* Run an inline Lua scenario text that must succeed (the test fails
 * otherwise, with the run's error).  Returns the run (caller frees). */
struct dmasim_run *tu_run_ok(const char *text);

/* Run an inline Lua scenario text that must fail with an error
 * containing needle (the test fails otherwise, quoting the text). */
void tu_refused(const char *text, const char *needle);

/* A reported integer result; fails the test when missing. */
int64_t tu_int(const struct dmasim_run *run, const char *name);
double tu_num(const struct dmasim_run *run, const char *name);
/* A reported result as text (booleans "true"/"false"). */
const char *tu_str(const struct dmasim_run *run, const char *name);

#endif
