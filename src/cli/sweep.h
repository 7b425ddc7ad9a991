/*
 * sweep: the `dmasim sweep` command: a scenario run once per point of a
 * grid of parameter values (-D, parsed by range.c), the points run in
 * worker processes (pool.c), here or spread over MPI ranks (ranks.c),
 * then one CSV row per point (csv.c) and optionally a plot (plot.c).  A
 * point that fails is reported with its parameters and the others are
 * kept.
 */
#ifndef DMASIM_CLI_SWEEP_H
#define DMASIM_CLI_SWEEP_H

/* dmasim sweep, with the arguments after "sweep".  Returns the exit
 * status: 0, that of the first failed point, or that of a usage or file
 * error (cli.h). */
int sweep_main(int argc, char **argv);

#endif
