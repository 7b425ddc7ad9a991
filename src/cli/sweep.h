/*
 * sweep: a scenario run over ranges of parameters.
 *
 *   -D name=a,b,c        a list (values passed as written: 4KiB, burst)
 *   -D name=A..B*R       geometric: A, A*R, A*R^2, ... up to B (R > 1)
 *   -D name=A..B+S       arithmetic: A, A+S, A+2S, ... up to B (S > 0)
 * Range ends and steps take units (4KiB..16MiB*2, 0..1us+100ns) and are
 * passed in base units (bytes, ps).  Several -D give the cross product;
 * the first -D varies slowest.  Each point is an ordinary run, in a
 * fork()ed worker process of its own (its own Lua state, so a crash or
 * leak cannot touch another point), up to -j at a time; results are
 * gathered in point order whatever the order the workers finish in.
 */
#ifndef DMASIM_CLI_SWEEP_H
#define DMASIM_CLI_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "dmasim/dmasim.h"

enum sweep_kind { SWEEP_LIST, SWEEP_ARITH, SWEEP_GEOM };

/* One swept parameter. */
struct sweep_axis {
	char *name;
	char **text;		/* the values as passed to -D */
	double *num;		/* as numbers in base units, NAN if not */
	size_t n;
	enum sweep_kind kind;
	bool numeric;		/* every value is a number of one unit */
	enum dmasim_unit unit;
	double ratio;		/* geometric ranges */
};

/* One point's outcome. */
struct sweep_point {
	int code;		/* 0 or the run's DMASIM_E* code */
	char *error;		/* the run's message, when it failed */
	struct csv_row row;	/* parameters in force and results */
};

struct sweep {
	const char *file;
	struct sweep_axis *axes;
	size_t naxes;
	size_t npoints;
	struct sweep_point *pts;
};

/* The index of axis k's value at point p. */
size_t sweep_index(const struct sweep *sw, size_t p, size_t k);

/* dmasim sweep, with the arguments after "sweep".  Returns the exit
 * status. */
int sweep_main(int argc, char **argv);

#endif
