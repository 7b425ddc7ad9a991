/*
 * ranks: a sweep's points spread over MPI ranks, for `mpirun -n R dmasim
 * sweep ...` (a build configured with -DDMASIM_MPI=ON, which defines
 * DMASIM_MPI).  Every rank parses the same command line; rank 0 then
 * hands out point indices one at a time, on request, while it runs
 * points itself, and gathers every point's outcome; the other ranks ask
 * for a point, run it, send its outcome back and ask again until told to
 * stop.  Points differ in cost by orders of magnitude, so a fixed share
 * per rank would leave ranks idle: the next point goes to whichever rank
 * is free first.  Each point runs in a worker process of its own, as
 * pool.c runs it, so a point's outcome (its row, or its failure and
 * message) is the same whichever rank ran it.
 *
 * A rank that dies cannot be survived under Open MPI 4.1 (there is no
 * fault tolerance without ULFM): mpirun sees the death, says which rank
 * died, and sends SIGTERM to the others.  Rank 0 catches it (and any
 * error an MPI call returns: the communicator uses MPI_ERRORS_RETURN),
 * names the points that were running and those never started, and
 * writes the CSV of the points done, the lost ones failed.
 *
 * Without MPI the command builds and runs as before; started by mpirun on
 * more than one rank (OMPI_COMM_WORLD_SIZE, PMI_SIZE) or asked for
 * --ranks, it refuses and names the build option.
 */
#ifndef DMASIM_CLI_RANKS_H
#define DMASIM_CLI_RANKS_H

#include <stdbool.h>
#include <stdint.h>

#include "pool.h"
#include "progress.h"
#include "range.h"

/* Whether this program was built with MPI. */
extern const bool ranks_built;

/* This process among the ranks of the run. */
struct ranks {
	int rank;		/* 0 .. size - 1 */
	int size;		/* 1 when not started by mpirun */
	bool mpi;		/* MPI is initialised: ranks_fini() ends it */
	bool failed;		/* MPI failed or a signal stopped the run */
	int saved_out, saved_err;	/* ranks_quiet()'s, or -1 */
};

/*
 * Start MPI when started by mpirun (an MPI build), or refuse when started
 * by mpirun on more than one rank without MPI (the message said on rank
 * 0 only).  Returns 0, or the exit status to end with (nothing to
 * ranks_fini() then).
 */
int ranks_init(struct ranks *r, const char *prog);

/* Whether the points go to ranks: started by mpirun in an MPI build. */
bool ranks_on(const struct ranks *r);

/* On ranks other than 0, silence standard output and error while the
 * command line is parsed (rank 0 alone reports a mistake in it);
 * ranks_loud() restores them. */
void ranks_quiet(struct ranks *r);
void ranks_loud(struct ranks *r);

/*
 * Run every point of g over the ranks; collective: every rank calls it.
 * pts: g->npoints zeroed points.  On rank 0 each gets its outcome, as
 * pool_run() gives it; on a rank that loses the run (MPI failed or
 * mpirun stopped it) the points not done are failed with a message
 * saying why, and r->failed is set.  Other ranks use pts as scratch.
 */
void ranks_run(struct ranks *r, const struct range_grid *g, const char *file,
	       uint64_t seed, struct pool_point *pts, struct progress *pl);

/* End MPI (an abort when the run was lost, which ends every rank).
 * Returns status. */
int ranks_fini(struct ranks *r, int status);

/* A command on the ranks: start them (ranks_init()), run cmd with the
 * other ranks quiet until it calls ranks_loud(), and end them with its
 * status. */
int ranks_main(const char *prog, int (*cmd)(struct ranks *, int, char **),
	       int argc, char **argv);

#endif
