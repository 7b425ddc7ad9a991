/*
 * explain: `dmasim tour --explain [ID]`: each claim written out: what it
 * says, the closed-form model's value and its formula with the
 * parameters' values substituted (dmasim.claim's formula), what was
 * simulated and the mechanism that produced it (explain), how far apart
 * the two are, where the claim is defined, and the commands that
 * reproduce and sweep it.
 */
#ifndef DMASIM_CLI_EXPLAIN_H
#define DMASIM_CLI_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "dmasim/dmasim.h"

/* Whether the claim id of scenario is the one asked for: want NULL (all),
 * the id, the scenario's name, or a prefix of the id ending at a dot. */
bool explain_match(const char *want, const char *scenario, const char *id);
/* A claim of the tour scenario may match want: every claim's id begins
 * with its scenario's name and a dot (the tour checks it), so
 * `--explain ID` runs only the scenario ID names. */
bool explain_scenario(const char *want, const char *scenario);
/* Write out claim c of the scenario file at path (scenario: its name). */
void explain_print(FILE *out, const char *path, const char *scenario,
		   const struct dmasim_claim *c);

#endif
