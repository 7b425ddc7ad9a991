/*
 * pool: the points of a sweep's grid run as ordinary scenario runs, each
 * in a fork()ed worker process of its own (its own Lua state, so a crash
 * or a leak cannot touch another point), up to -j at a time.  Results are
 * gathered in point order whatever the order the workers finish in.
 *
 * A worker writes its outcome to a pipe as netstrings ("<length>:<bytes>,"):
 * the run's DMASIM_E* code, its error message, then per value of the row
 * `dmasim run --csv` would write, its kind ("P0", "P1": a parameter, 1
 * when a number; "R0", "R1": a result; "N0": a note, a claim's words),
 * name, unit and text.  A worker
 * that dies, or stops before it has written all of that, fails its point.
 * What a scenario prints goes to stderr, never into the CSV.
 */
#ifndef DMASIM_CLI_POOL_H
#define DMASIM_CLI_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/*
 * One worker process, for a caller that runs points one at a time in its
 * own loop (ranks.c).  Zero a job before its first start; it may then be
 * started again after each pool_job_finish(), and its buffer is freed
 * with free(j->buf) when it is no longer needed.
 */
struct pool_job {
	pid_t pid;
	int fd;			/* the read end of its pipe: poll it */
	size_t point;
	char *buf;
	size_t len, cap;	/* bytes */
};

/* Start point p of g in a new worker process.  Returns 0, or -1 with
 * errno (no process then runs). */
int pool_job_start(struct pool_job *j, const struct range_grid *g,
		   const char *file, size_t p, uint64_t seed);
/* Read what the worker has written (blocks unless j->fd is readable).
 * Returns 1 at end of file, then call pool_job_finish(); 0 otherwise. */
int pool_job_read(struct pool_job *j);
/* Reap the worker and record its outcome in pts[j->point]: its own, or a
 * failure saying how it died or stopped early. */
void pool_job_finish(struct pool_job *j, struct pool_point *pts);

/* A point's outcome as the netstrings a worker writes (see above), in a
 * new buffer *buf of *len bytes, the caller's to free.  Returns 0 or -1
 * (out of memory). */
int pool_point_encode(const struct pool_point *pt, char **buf, size_t *len);
/* The reverse, into a zeroed pt.  Returns 0, or -1 when buf is incomplete
 * or malformed (pt may then hold part of it: pool_point_free() it). */
int pool_point_decode(struct pool_point *pt, const char *buf, size_t len);

/* Free what pool_run() put in pt (not pt itself). */
void pool_point_free(struct pool_point *pt);

#endif
