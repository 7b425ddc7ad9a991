/*
 * cli: what the dmasim command's parts share: its exit statuses and the
 * parsing of option values that more than one command takes.  The command
 * is a thin layer over libdmasim's public API (include/dmasim/dmasim.h)
 * only.  This is the bottom of the command's layers: cli.c includes no
 * other header of src/cli.
 */
#ifndef DMASIM_CLI_CLI_H
#define DMASIM_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "dmasim/dmasim.h"

/* Exit statuses (the table is in main.c's header and dmasim(1)). */
enum { EXIT_SCENARIO = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_DISAGREE = 4,
       EXIT_CHECK = 5, EXIT_LIMIT = 6 };

/* The exit status for a DMASIM_E* code (0 for 0). */
int cli_exit_for(int code);

/* A whole number >= 0 (decimal or 0x hex).  Returns 0 or -1. */
int cli_parse_seed(const char *s, uint64_t *out);

/* Wall-clock seconds: a number of seconds or a time with a unit ("500ms");
 * > 0 and finite.  Returns 0 or -1. */
int cli_parse_seconds(const char *s, double *out);

/* A time such as "10us", or a number of ps.  Returns 0 or -1. */
int cli_parse_time(const char *s, uint64_t *ps);

/* A malloc'd copy of the n bytes at s and a terminating NUL, or NULL
 * when out of memory; cli_strdup() of a whole string. */
char *cli_memdup(const char *s, size_t n);
char *cli_strdup(const char *s);

/* The scenarios folder (tour.txt and the scenario libraries): beside the
 * program (the build tree, or <prefix>/share/dmasim/scenarios from
 * <prefix>/bin), else $DMASIM_SCENARIOS, else the configured install
 * folder.  Returns buf or a static string. */
const char *cli_scenarios_dir(char *buf, size_t len);

/* A new run that finds the installed scenario libraries from wherever the
 * program is (dmasim_run_set_libdir).  Returns 0 or DMASIM_ENOMEM. */
int cli_run_new(struct dmasim_run **out);

#endif
