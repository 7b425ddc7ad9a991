/*
 * pool: the points of a sweep's grid run as ordinary scenario runs, each
 * in a fork()ed worker process of its own (its own Lua state, so a crash
 * or a leak cannot touch another point), up to -j at a time.  Results are
 * gathered in point order whatever the order the workers finish in.
 *
 * A worker writes its outcome to a pipe as netstrings ("<length>:<bytes>,"):
 * the run's DMASIM_E* code, its error message, then per value of the row
 * `dmasim run --csv` would write, its kind ("P0", "P1": a parameter, 1
 * when a number; "R0", "R1": a result), name, unit and text.  A worker
 * that dies, or stops before it has written all of that, fails its point.
 * What a scenario prints goes to stderr, never into the CSV.
 */
#ifndef DMASIM_CLI_POOL_H
#define DMASIM_CLI_POOL_H

#include <stdint.h>

#include "csv.h"
#include "progress.h"
#include "range.h"

/* One point's outcome. */
struct pool_point {
	int code;		/* 0 or the run's DMASIM_E* code */
	char *error;		/* the run's message, when it failed */
	struct csv_row row;	/* parameters in force and results */
};

/*
 * Run scenario file once per point of g (g->npoints counted), every run
 * with seed, at most jobs (>= 1) at a time, and draw the progress on pl.
 * pts: g->npoints zeroed points, the caller's; each gets its outcome, and
 * a point that could not run gets a DMASIM_E* code and a message.
 */
void pool_run(const struct range_grid *g, const char *file, uint64_t seed,
	      unsigned jobs, struct pool_point *pts, struct progress *pl);

/* Free what pool_run() put in pt (not pt itself). */
void pool_point_free(struct pool_point *pt);

#endif
