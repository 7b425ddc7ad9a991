/*
 * range: the values of the parameters a sweep varies, as given to
 * `dmasim sweep -D`, and the grid of points they span.
 *
 *   name=a,b,c        a list (values passed as written: 4KiB, burst)
 *   name=A..B*R       geometric: A, A*R, A*R^2, ... up to B (R > 1)
 *   name=A..B+S       arithmetic: A, A+S, A+2S, ... up to B (S > 0)
 * Range ends and steps take units (4KiB..16MiB*2, 0..1us+100ns); a
 * range's values are passed in base units (bytes, ps, Hz, bytes/s),
 * written with 12 significant digits.  Several axes give the cross
 * product, the first axis varying slowest.
 */
#ifndef DMASIM_CLI_RANGE_H
#define DMASIM_CLI_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "dmasim/dmasim.h"

#define RANGE_MAX_VALUES 10000	/* per axis */
#define RANGE_MAX_POINTS 1000000

enum range_kind { RANGE_LIST, RANGE_ARITH, RANGE_GEOM };

/* One swept parameter. */
struct range_axis {
	char *name;
	char **text;		/* the values as passed to -D */
	double *num;		/* as numbers in base units, NAN if not */
	size_t n;
	enum range_kind kind;
	bool numeric;		/* every value is a number of one unit */
	enum dmasim_unit unit;
	double ratio;		/* geometric ranges */
};

/* The axes, in the order given, and the points of their cross product. */
struct range_grid {
	struct range_axis *axes;
	size_t naxes;
	size_t npoints;		/* set by range_count() */
};

/*
 * Add the axis def, "name=VALUES" as given to -D.  Returns 0, or -1 with
 * a message "<who>: -D ...: what was wrong: what was expected" on stderr
 * (none when memory for the axis itself ran out).  The grid may then hold
 * the failed axis: range_free() it.
 */
int range_add(struct range_grid *g, const char *def, const char *who);

/* Set g->npoints to the size of the cross product (1 without axes).
 * Returns 0, or -1 with a message on stderr past RANGE_MAX_POINTS. */
int range_count(struct range_grid *g, const char *who);

/* The index of axis k's value at point p. */
size_t range_index(const struct range_grid *g, size_t p, size_t k);

/* "size=4096, mode=burst": point p's values, for messages.  OUT: buf,
 * which is returned. */
char *range_point_name(const struct range_grid *g, size_t p, char *buf,
		       size_t len);

void range_free(struct range_grid *g);

#endif
