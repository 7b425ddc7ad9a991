/*
 * cli: what the dmasim command's parts share.  The command is a thin layer
 * over libdmasim's public API (include/dmasim/dmasim.h) only.
 */
#ifndef DMASIM_CLI_CLI_H
#define DMASIM_CLI_CLI_H

#include <stdint.h>

#include "dmasim/dmasim.h"

/* Exit statuses; see main.c. */
enum { EXIT_SCENARIO = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_DISAGREE = 4,
       EXIT_CHECK = 5 };

/* The exit status for a DMASIM_E* code. */
int cli_exit_for(int code);

/* A whole number >= 0 (decimal or 0x hex).  Returns 0 or -1. */
int cli_parse_seed(const char *s, uint64_t *out);

/* A time such as "10us", or a number of ps.  Returns 0 or -1. */
int cli_parse_time(const char *s, uint64_t *ps);

/* dmasim sweep, with the arguments after "sweep". */
int sweep_main(int argc, char **argv);

#endif
