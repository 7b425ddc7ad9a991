/*
 * sweep: the `dmasim sweep` command: its options, the checks before any
 * point runs, the report of failed points, and the CSV and plot written
 * after.  See sweep.h; the grid is range.c's, the workers pool.c's, the
 * MPI ranks ranks.c's.
 */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "plot.h"
#include "pool.h"
#include "progress.h"
#include "range.h"
#include "ranks.h"

static const char *const prog = "dmasim sweep";

/* A sweep: its scenario, its grid and each point's outcome. */
struct sweep {
	const char *file;
	struct range_grid grid;
	struct pool_point *pts;		/* grid.npoints of them */
};

static void sweep_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim sweep FILE.lua -D name=VALUES... [-j N] [--csv FILE]\n"
"                    [--plot FILE.svg|FILE.png] [--plot-script FILE]\n"
"                    [--x NAME] [--y NAMES]\n"
"                    [--seed N] [-q] [--ranks]\n"
"       mpirun -n R dmasim sweep FILE.lua -D name=VALUES... [options]\n"
"\n"
"Run a scenario once per point of a grid of parameter values, in parallel,\n"
"and write one CSV row per point: every parameter in force, then every\n"
"figure the scenario reports (dmasim.report) and each claim's model and\n"
"simulated values (<id>.model, <id>.simulated, <id>.agree), unformatted.\n"
"Rows come in\n"
"point order whatever -j is, and each point is as deterministic as a\n"
"single `dmasim run` with the same values (its row is byte for byte that\n"
"run's --csv row).\n"
"\n"
"VALUES:\n"
"  a,b,c       a list, each value passed as written (4KiB, burst, 0.5)\n"
"  A..B*R      geometric range: A, A*R, A*R^2, ... up to B (R > 1)\n"
"  A..B+S      arithmetic range: A, A+S, A+2S, ... up to B (S > 0)\n"
"  Ends and steps take units (4KiB..16MiB*2, 0..1us+100ns); range values\n"
"  are passed in base units (bytes, ps, Hz, bytes/s).  A single value\n"
"  fixes a parameter for every point.  Several -D give the cross product;\n"
"  the first -D varies slowest.\n"
"\n"
"Options:\n"
"  -j N          run N points at a time (default: the number of cores);\n"
"                each point runs in a worker process of its own\n"
"  --csv FILE    write the CSV to FILE (default: standard output)\n"
"  --plot FILE   draw every figure against the swept parameter with\n"
"                gnuplot (Debian package gnuplot-nox), as FILE.svg or\n"
"                FILE.png: figures of one unit together in a panel (four\n"
"                at most), axes labelled with units, the x axis\n"
"                logarithmic for a geometric range, one line per value of\n"
"                the other swept parameters; a claim's panel, titled\n"
"                with the claim in words, shows its model (dashed) and\n"
"                its simulated values (points)\n"
"  --plot-script FILE\n"
"                also keep the gnuplot script that draws the plot (data\n"
"                inline) in FILE, to restyle it: gnuplot FILE\n"
"  --x NAME      the parameter on the x axis (default: the first swept\n"
"                over two or more values)\n"
"  --y NAMES     the figures (or claim ids) to plot, comma-separated,\n"
"                one panel each; a+b draws a and b in one panel, where\n"
"                the points at which they cross (a break-even) are\n"
"                marked with their x\n"
"                (default: all numeric figures and claims)\n"
"  --seed N      the run seed of every point (default 1)\n"
"  -q, --quiet   no CSV on standard output, no progress line\n"
"  --ranks       insist on running over MPI ranks: refuse, rather than\n"
"                run here, when not started by mpirun or built without MPI\n"
"  -h, --help    show this help\n"
"\n"
"A point that fails (a Lua error, a value the scenario rejects) is\n"
"reported on stderr with its parameters; the other points are kept (the\n"
"failed point's row holds only its swept parameters) and the exit status\n"
"is then that of the first failure (1 scenario error, 2 bad value).\n"
"\n"
"Under mpirun (a build configured with cmake -DDMASIM_MPI=ON), the points\n"
"are spread over the ranks: each rank runs one point at a time and asks\n"
"rank 0 for the next when done, and rank 0 writes the same CSV, standard\n"
"output and plot as a run here (-j does not apply).  A rank that dies\n"
"ends the run: rank 0 names the points lost and writes the CSV of the\n"
"others.\n"
"\n"
"Examples:\n"
"  dmasim sweep bench/busbench.lua -D K=1..4+1 -D C=0,3,8 --csv out.csv\n"
"  dmasim sweep scenarios/bus_accounting.lua -D N=1000..64000*2 \\\n"
"      -D K=1,2,4 --plot docs/bus_accounting.svg\n"
"  mpirun -n 4 dmasim sweep bench/busbench.lua -D N=1000..64000*2 \\\n"
"      --csv out.csv\n");
}

/* ---- the command ---- */

static void sweep_free(struct sweep *sw)
{
	if (sw->pts)
		for (size_t p = 0; p < sw->grid.npoints; p++)
			pool_point_free(&sw->pts[p]);
	free(sw->pts);
	range_free(&sw->grid);
}

/* Free sweep_rows()'s rows (only those it built). */
static void sweep_rows_free(const struct sweep *sw, struct csv_row *rows)
{
	for (size_t p = 0; rows && p < sw->grid.npoints; p++)
		if (sw->pts[p].code)
			csv_row_free(&rows[p]);
	free(rows);
}

/* The rows to write, one per point: a point's own row, or for a failed
 * point a row of its swept values.  Returns NULL when out of memory;
 * free with sweep_rows_free(). */
static struct csv_row *sweep_rows(const struct sweep *sw)
{
	const struct range_grid *g = &sw->grid;
	struct csv_row *rows = calloc(g->npoints ? g->npoints : 1,
				      sizeof(*rows));
	int err = 0;

	if (!rows)
		return NULL;
	for (size_t p = 0; p < g->npoints && !err; p++) {
		if (!sw->pts[p].code) {
			rows[p] = sw->pts[p].row;	/* borrowed */
			continue;
		}
		for (size_t k = 0; k < g->naxes && !err; k++) {
			const struct range_axis *a = &g->axes[k];
			size_t i = range_index(g, p, k);

			err = csv_row_add(&rows[p], false, a->name, "",
					  a->text[i], a->numeric, a->num[i]);
		}
	}
	if (err) {
		sweep_rows_free(sw, rows);
		return NULL;
	}
	return rows;
}

/* The command, on this rank (rank 0 alone reports and writes). */
static int sweep_cmd(struct ranks *rk, int argc, char **argv)
{
	struct sweep sw = { 0 };
	const char *csv = NULL, *plot = NULL, *x = NULL, *y = NULL;
	const char *script = NULL;
	uint64_t seed = 1;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int quiet = 0, status = EXIT_USAGE, want_ranks = 0, jobs_given = 0;
	struct progress pl;
	char name[512];
	size_t failed = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			sweep_usage(stdout);
			status = 0;
			goto out;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--ranks")) {
			want_ranks = 1;
		} else if (!strncmp(a, "-D", 2)) {
			const char *def = a[2] ? a + 2 : v;

			if (!a[2])
				i++;
			if (!def) {
				fprintf(stderr, "%s: -D needs name=VALUES\n",
					prog);
				goto out;
			}
			if (range_add(&sw.grid, def, prog))
				goto out;
		} else if (!strncmp(a, "-j", 2)) {
			const char *n = a[2] ? a + 2 : v;
			char *end;

			if (!a[2])
				i++;
			jobs = n ? strtol(n, &end, 10) : 0;
			jobs_given = 1;
			if (!n || *end || jobs < 1 || jobs > 4096) {
				fprintf(stderr, "%s: -j %s: expected a number "
					"of workers from 1 to 4096\n", prog,
					n ? n : "");
				goto out;
			}
		} else if (!strcmp(a, "--csv") || !strcmp(a, "--plot") ||
			   !strcmp(a, "--x") || !strcmp(a, "--y") ||
			   !strcmp(a, "--seed") ||
			   !strcmp(a, "--plot-script")) {
			if (!v) {
				fprintf(stderr, "%s: %s needs a value (see "
					"dmasim sweep --help)\n", prog, a);
				goto out;
			}
			i++;
			if (!strcmp(a, "--csv")) {
				csv = v;
			} else if (!strcmp(a, "--plot")) {
				if (!plot_format_ok(v)) {
					fprintf(stderr, "%s: --plot %s: expected "
						"a file name ending in .svg or "
						".png\n", prog, v);
					goto out;
				}
				plot = v;
			} else if (!strcmp(a, "--plot-script")) {
				script = v;
			} else if (!strcmp(a, "--x")) {
				x = v;
			} else if (!strcmp(a, "--y")) {
				y = v;
			} else if (cli_parse_seed(v, &seed)) {
				fprintf(stderr, "%s: --seed %s: expected a whole "
					"number >= 0\n", prog, v);
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "%s: unknown option '%s' (see dmasim "
				"sweep --help)\n", prog, a);
			goto out;
		} else if (sw.file) {
			fprintf(stderr, "%s: one scenario at a time ('%s' and "
				"'%s')\n", prog, sw.file, a);
			goto out;
		} else {
			sw.file = a;
		}
	}
	if (script && !plot) {
		fprintf(stderr, "%s: --plot-script %s: the script draws the "
			"plot: expected --plot FILE.svg or FILE.png too\n",
			prog, script);
		goto out;
	}
	if (want_ranks && !ranks_built) {
		fprintf(stderr, "%s: --ranks: this dmasim was built without "
			"MPI: expected a build configured with cmake "
			"-DDMASIM_MPI=ON (Debian packages openmpi-bin "
			"libopenmpi-dev; `make test-mpi` makes one in "
			"build-mpi/), started as mpirun -n R dmasim sweep ...\n",
			prog);
		goto out;
	}
	if (want_ranks && !ranks_on(rk)) {
		fprintf(stderr, "%s: --ranks: not started by mpirun: expected "
			"mpirun -n R dmasim sweep ... (R ranks)\n", prog);
		goto out;
	}
	if (jobs_given && ranks_on(rk)) {
		fprintf(stderr, "%s: -j: under mpirun each rank runs one point "
			"at a time: expected mpirun -n R for R points at a "
			"time, without -j\n", prog);
		goto out;
	}
	if (!sw.file) {
		fprintf(stderr, "%s: expected a scenario file (see dmasim sweep "
			"--help)\n", prog);
		goto out;
	}
	if (access(sw.file, R_OK)) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, sw.file,
			strerror(errno));
		status = EXIT_IO;
		goto out;
	}
	if (range_count(&sw.grid, prog))
		goto out;
	if (x) {
		size_t k = 0;

		while (k < sw.grid.naxes && strcmp(sw.grid.axes[k].name, x))
			k++;
		if (k == sw.grid.naxes) {
			fprintf(stderr, "%s: --x %s: expected one of the swept "
				"parameters (-D)\n", prog, x);
			goto out;
		}
	}
	sw.pts = calloc(sw.grid.npoints, sizeof(*sw.pts));
	if (!sw.pts) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = EXIT_SCENARIO;
		goto out;
	}
	if (jobs < 1)		/* the number of cores is unknown */
		jobs = 1;
	if ((size_t)jobs > sw.grid.npoints)
		jobs = (long)sw.grid.npoints;
	ranks_loud(rk);
	progress_init(&pl, stderr, !rk->rank && !quiet &&
		      isatty(STDERR_FILENO));
	if (ranks_on(rk))
		ranks_run(rk, &sw.grid, sw.file, seed, sw.pts, &pl);
	else
		pool_run(&sw.grid, sw.file, seed, (unsigned)jobs, sw.pts, &pl);
	progress_clear(&pl);
	if (rk->rank) {		/* rank 0 reports */
		status = rk->failed ? EXIT_SCENARIO : 0;
		goto out;
	}

	status = 0;
	for (size_t p = 0; p < sw.grid.npoints; p++) {
		const struct pool_point *pt = &sw.pts[p];

		if (!pt->code)
			continue;
		fprintf(stderr, "%s: point %zu of %zu (%s) failed: %s\n", prog,
			p + 1, sw.grid.npoints,
			range_point_name(&sw.grid, p, name, sizeof(name)),
			pt->error ? pt->error : dmasim_strerror(pt->code));
		if (!status)
			status = cli_exit_for(pt->code);
		failed++;
	}
	if (failed)
		fprintf(stderr, "%s: %zu of %zu points failed; the other "
			"points' results are kept\n", prog, failed,
			sw.grid.npoints);
	if (csv || !quiet) {
		struct csv_row *rows = sweep_rows(&sw);

		if (!csv) {
			if (rows)
				csv_write(stdout, rows, sw.grid.npoints);
			fflush(stdout);
		} else if (!rows ||
			   csv_write_file(csv, rows, sw.grid.npoints)) {
			fprintf(stderr, "%s: cannot write CSV to '%s': %s\n",
				prog, csv, strerror(errno));
			status = EXIT_IO;
		}
		sweep_rows_free(&sw, rows);
	}
	if (plot) {
		char err[512];

		if (plot_sweep(sw.file, &sw.grid, sw.pts, plot, x, y, script,
			       err, sizeof(err))) {
			fprintf(stderr, "%s: --plot %s: %s\n", prog, plot, err);
			if (!status)
				status = EXIT_IO;
		}
	}
out:
	sweep_free(&sw);
	return status;
}

int sweep_main(int argc, char **argv)
{
	return ranks_main(prog, sweep_cmd, argc, argv);
}
