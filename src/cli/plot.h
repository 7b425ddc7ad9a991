/*
 * plot: a sweep's figures drawn against a swept parameter by gnuplot, run
 * as a subprocess on a generated script (data inline, as datablocks).
 *
 * Figures of one unit drawn together in a panel (four at most; a claim,
 * or a figure without a unit, alone), or the panels asked for, the y
 * axis labelled with the unit from dmasim.report; the x axis is
 * the first parameter swept over two or more values (or the one asked
 * for), labelled with its unit, logarithmic when its range is geometric;
 * every other parameter swept over several values gives one line per
 * combination.  Failed points are gaps.  The format follows the file's
 * name: .svg (svg terminal) or .png (pngcairo).
 */
#ifndef DMASIM_CLI_PLOT_H
#define DMASIM_CLI_PLOT_H

#include <stddef.h>

#include "pool.h"
#include "range.h"

/* Whether path names a format plot_sweep() can draw. */
int plot_format_ok(const char *path);

/*
 * Draw the sweep of scenario file over grid g, whose points' outcomes are
 * pts, to path.  x: the parameter for the x axis (NULL: the first swept
 * over two or more values); y: comma-separated figures (NULL: all);
 * keep: where to write and keep the gnuplot script (NULL: a temporary
 * file).  Figures drawn together ("a,b") have their crossings marked.
 * Returns 0, or -1 with a message naming what was wrong in err.
 */
int plot_sweep(const char *file, const struct range_grid *g,
	       const struct pool_point *pts, const char *path, const char *x,
	       const char *y, const char *keep, char *err, size_t errlen);

#endif
