/* sweep: dmasim sweep.  See sweep.h. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"
#include "progress.h"

#define SWEEP_MAX_VALUES 10000	/* per parameter */
#define SWEEP_MAX_POINTS 1000000
#define SWEEP_READ 65536

static const char *const prog = "dmasim sweep";

static void sweep_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim sweep FILE.lua -D name=VALUES... [-j N] [--csv FILE]\n"
"                    [--plot FILE.svg|FILE.png] [--x NAME] [--y NAMES]\n"
"                    [--seed N] [-q]\n"
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
"                FILE.png: axes labelled with units, the x axis\n"
"                logarithmic for a geometric range, one line per value of\n"
"                the other swept parameters; a claim's panel shows its\n"
"                model (dashed) and its simulated values (points)\n"
"  --x NAME      the parameter on the x axis (default: the first swept\n"
"                over two or more values)\n"
"  --y NAMES     the figures (or claim ids) to plot, comma-separated,\n"
"                one panel each; a+b draws a and b in one panel\n"
"                (default: all numeric figures and claims)\n"
"  --seed N      the run seed of every point (default 1)\n"
"  -q, --quiet   no CSV on standard output, no progress line\n"
"  -h, --help    show this help\n"
"\n"
"A point that fails (a Lua error, a value the scenario rejects) is\n"
"reported on stderr with its parameters; the other points are kept (the\n"
"failed point's row holds only its swept parameters) and the exit status\n"
"is then that of the first failure (1 scenario error, 2 bad value).\n"
"\n"
"Examples:\n"
"  dmasim sweep bench/busbench.lua -D K=1..4+1 -D C=0,3,8 --csv out.csv\n"
"  dmasim sweep scenarios/bus_accounting.lua -D N=1000..64000*2 \\\n"
"      -D K=1,2,4 --plot docs/bus_accounting.svg\n");
}

/* ---- parameter specifications ---- */

static char *sw_dup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int axis_push(struct sweep_axis *a, const char *text, size_t len,
		     double num)
{
	char **t = realloc(a->text, (a->n + 1) * sizeof(*t));
	double *v;

	if (!t)
		return -1;
	a->text = t;
	v = realloc(a->num, (a->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	a->num = v;
	if (!(a->text[a->n] = sw_dup(text, len)))
		return -1;
	a->num[a->n++] = num;
	return 0;
}

/* A range value as text: base units, 12 significant digits, which hides
 * the rounding of A + i*S (0.30000000000000004 is 0.3). */
static int axis_push_num(struct sweep_axis *a, double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.12g", v);
	return axis_push(a, buf, strlen(buf), strtod(buf, NULL));
}

/* Two units that can share an axis: equal, or one of them plain. */
static int unit_merge(enum dmasim_unit *u, enum dmasim_unit v)
{
	if (v == DMASIM_UNIT_NONE || v == *u)
		return 0;
	if (*u != DMASIM_UNIT_NONE)
		return -1;
	*u = v;
	return 0;
}

/* The step operator of "A..B*R" or "A..B+S": the '*', or the last '+'
 * that is not an exponent's sign. */
static const char *range_op(const char *rest)
{
	const char *star = strchr(rest, '*'), *plus = NULL;

	if (star)
		return star;
	for (const char *p = rest; *p; p++)
		if (*p == '+' && p > rest && p[-1] != 'e' && p[-1] != 'E')
			plus = p;
	return plus;
}

static int parse_range(struct sweep_axis *a, const char *name,
		       const char *spec, const char *dots)
{
	const char *rest = dots + 2, *op = range_op(rest);
	char *lo_s = sw_dup(spec, (size_t)(dots - spec)), *hi_s = NULL;
	enum dmasim_unit ulo, uhi, ustep;
	double lo, hi, step;
	int err = -1;

	if (!lo_s)
		goto oom;
	if (!op) {
		fprintf(stderr, "%s: -D %s=%s: expected A..B*R (geometric) or "
			"A..B+S (arithmetic), e.g. 4KiB..16MiB*2 or 0..1+0.1\n",
			prog, name, spec);
		goto out;
	}
	if (!(hi_s = sw_dup(rest, (size_t)(op - rest))))
		goto oom;
	if (dmasim_parse_value(lo_s, &ulo, &lo) ||
	    dmasim_parse_value(hi_s, &uhi, &hi) ||
	    dmasim_parse_value(op + 1, &ustep, &step)) {
		fprintf(stderr, "%s: -D %s=%s: the ends and the step must be "
			"numbers, optionally with a unit (4KiB, 100ns, 2GHz)\n",
			prog, name, spec);
		goto out;
	}
	a->unit = ulo;
	if (unit_merge(&a->unit, uhi) ||
	    (*op == '+' && unit_merge(&a->unit, ustep))) {
		fprintf(stderr, "%s: -D %s=%s: the ends%s must have the same "
			"kind of unit\n", prog, name, spec,
			*op == '+' ? " and the step" : "");
		goto out;
	}
	if (hi < lo) {
		fprintf(stderr, "%s: -D %s=%s: the range ends before it starts: "
			"expected A <= B\n", prog, name, spec);
		goto out;
	}
	a->numeric = true;
	if (*op == '*') {
		if (ustep != DMASIM_UNIT_NONE || !(step > 1) || !(lo > 0)) {
			fprintf(stderr, "%s: -D %s=%s: a geometric range needs "
				"A > 0 and a ratio R > 1 without a unit "
				"(e.g. 4KiB..16MiB*2)\n", prog, name, spec);
			goto out;
		}
		a->kind = SWEEP_GEOM;
		a->ratio = step;
		for (double v = lo; v <= hi * (1 + 1e-12); v *= step) {
			if (a->n == SWEEP_MAX_VALUES)
				goto too_many;
			if (axis_push_num(a, v))
				goto oom;
		}
	} else {
		if (!(step > 0)) {
			fprintf(stderr, "%s: -D %s=%s: an arithmetic range needs a "
				"step S > 0 (e.g. 0..1+0.1)\n", prog, name, spec);
			goto out;
		}
		a->kind = SWEEP_ARITH;
		if ((hi - lo) / step >= SWEEP_MAX_VALUES)
			goto too_many;
		for (size_t i = 0; lo + (double)i * step <= hi + step * 1e-9;
		     i++)
			if (axis_push_num(a, lo + (double)i * step))
				goto oom;
	}
	err = 0;
	goto out;
too_many:
	fprintf(stderr, "%s: -D %s=%s: more than %d values: expected a "
		"shorter range or a larger step\n", prog, name, spec,
		SWEEP_MAX_VALUES);
	goto out;
oom:
	fprintf(stderr, "%s: out of memory\n", prog);
out:
	free(lo_s);
	free(hi_s);
	return err;
}

static int parse_list(struct sweep_axis *a, const char *name, const char *spec)
{
	const char *p = spec;

	a->kind = SWEEP_LIST;
	a->numeric = true;
	a->unit = DMASIM_UNIT_NONE;
	for (;;) {
		size_t n = strcspn(p, ",");
		enum dmasim_unit u;
		double v = NAN;

		if (!n) {
			fprintf(stderr, "%s: -D %s=%s: an empty value: expected "
				"a,b,c\n", prog, name, spec);
			return -1;
		}
		if (axis_push(a, p, n, NAN)) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
		if (a->numeric &&
		    !dmasim_parse_value(a->text[a->n - 1], &u, &v) &&
		    !unit_merge(&a->unit, u))
			a->num[a->n - 1] = v;
		else
			a->numeric = false;
		if (a->n > SWEEP_MAX_VALUES) {
			fprintf(stderr, "%s: -D %s: more than %d values\n",
				prog, name, SWEEP_MAX_VALUES);
			return -1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int parse_define(struct sweep *sw, const char *def)
{
	const char *eq = strchr(def, '=');
	struct sweep_axis *a, *axes;
	const char *dots;

	if (!eq || eq == def || !eq[1]) {
		fprintf(stderr, "%s: -D %s: expected name=VALUES (a,b,c or "
			"A..B*R or A..B+S)\n", prog, def);
		return -1;
	}
	for (size_t k = 0; k < sw->naxes; k++)
		if (strlen(sw->axes[k].name) == (size_t)(eq - def) &&
		    !strncmp(sw->axes[k].name, def, (size_t)(eq - def))) {
			fprintf(stderr, "%s: -D %s: '%s' is already swept: "
				"expected each parameter once\n", prog, def,
				sw->axes[k].name);
			return -1;
		}
	axes = realloc(sw->axes, (sw->naxes + 1) * sizeof(*axes));
	if (!axes)
		return -1;
	sw->axes = axes;
	a = &axes[sw->naxes++];
	memset(a, 0, sizeof(*a));
	if (!(a->name = sw_dup(def, (size_t)(eq - def))))
		return -1;
	dots = strstr(eq + 1, "..");
	return dots ? parse_range(a, a->name, eq + 1, dots)
		    : parse_list(a, a->name, eq + 1);
}

size_t sweep_index(const struct sweep *sw, size_t p, size_t k)
{
	for (size_t j = sw->naxes; j-- > k + 1;)
		p /= sw->axes[j].n;
	return p % sw->axes[k].n;
}

/* "size=4096, mode=burst" for messages.  OUT: buf. */
static char *point_name(const struct sweep *sw, size_t p, char *buf,
			size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < sw->naxes && used < len; k++) {
		const struct sweep_axis *a = &sw->axes[k];
		int n = snprintf(buf + used, len - used, "%s%s=%s",
				 k ? ", " : "", a->name,
				 a->text[sweep_index(sw, p, k)]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* ---- workers ---- */

/* A netstring: "<length>:<bytes>,". */
static void ns_put(FILE *f, const char *s)
{
	fprintf(f, "%zu:%s,", strlen(s), s);
}

/* Runs in the child: one point, its outcome written to fd as netstrings:
 * code, error, then (kind, name, unit, text) per value, kind "P0", "P1"
 * (a parameter, 1 when a number), "R0" or "R1" (a result). */
static void sweep_child(const struct sweep *sw, size_t p, uint64_t seed,
			int fd)
{
	struct dmasim_run *run;
	FILE *f = fdopen(fd, "w");
	char code[16];
	int err;

	/* What the scenario prints must not mix with the CSV. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	if (!f || dmasim_run_new(&run))
		_exit(EXIT_SCENARIO);
	for (size_t k = 0; k < sw->naxes; k++)
		if (dmasim_run_define(run, sw->axes[k].name,
				      sw->axes[k].text[sweep_index(sw, p, k)]))
			_exit(EXIT_SCENARIO);
	dmasim_run_set_seed(run, seed);
	err = dmasim_run_file(run, sw->file);
	snprintf(code, sizeof(code), "%d", err);
	ns_put(f, code);
	ns_put(f, dmasim_run_error(run));
	if (!err) {
		/* The same row `dmasim run --csv` writes. */
		struct csv_row row = { 0 };

		if (csv_row_of_run(&row, run))
			_exit(EXIT_SCENARIO);
		for (size_t i = 0; i < row.n; i++) {
			const struct csv_val *v = &row.v[i];

			ns_put(f, v->result ? (v->is_number ? "R1" : "R0")
					    : (v->is_number ? "P1" : "P0"));
			ns_put(f, v->name);
			ns_put(f, v->unit);
			ns_put(f, v->text);
		}
	}
	if (fflush(f))
		_exit(EXIT_IO);
	_exit(0);
}

/* Read the next netstring of buf[*pos..len) into a new string, or NULL. */
static char *ns_get(const char *buf, size_t len, size_t *pos)
{
	size_t n = 0, i = *pos;
	char *s;

	if (i >= len || buf[i] < '0' || buf[i] > '9')
		return NULL;
	while (i < len && buf[i] >= '0' && buf[i] <= '9' && n < len)
		n = n * 10 + (size_t)(buf[i++] - '0');
	if (i >= len || buf[i] != ':' || n > len - i - 1 ||
	    i + 1 + n >= len || buf[i + 1 + n] != ',')
		return NULL;
	s = sw_dup(buf + i + 1, n);
	*pos = i + 2 + n;
	return s;
}

static void point_fail(struct sweep_point *pt, int code, const char *msg)
{
	free(pt->error);
	pt->code = code;
	pt->error = sw_dup(msg, strlen(msg));
}

/* Decode a worker's output into its point.  Returns 0, or -1 when the
 * output is incomplete. */
static int point_decode(struct sweep_point *pt, const char *buf, size_t len)
{
	size_t pos = 0;
	char *code = ns_get(buf, len, &pos), *error = ns_get(buf, len, &pos);
	int ok = code && error;

	if (ok) {
		pt->code = atoi(code);
		pt->error = error;
		error = NULL;
	}
	while (ok && !pt->code && pos < len) {
		char *f[4];
		int got = 0;

		for (int i = 0; i < 4; i++)
			got += (f[i] = ns_get(buf, len, &pos)) != NULL;
		if (got < 4 || strlen(f[0]) != 2)
			ok = 0;
		else if (csv_row_add(&pt->row, f[0][0] == 'R', f[1], f[2], f[3],
				     f[0][1] == '1', f[0][1] == '1' ?
				     strtod(f[3], NULL) : NAN))
			ok = 0;
		for (int i = 0; i < 4; i++)
			free(f[i]);
	}
	free(code);
	free(error);
	return ok ? 0 : -1;
}

struct job {
	pid_t pid;
	int fd;
	size_t point;
	char *buf;
	size_t len, cap;
};

static int job_start(struct job *j, const struct sweep *sw, size_t p,
		     uint64_t seed)
{
	int fds[2];

	if (pipe(fds))
		return -1;
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (j->pid == 0) {
		close(fds[0]);
		sweep_child(sw, p, seed, fds[1]);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->point = p;
	j->len = 0;
	return 0;
}

/* The worker's pipe closed: reap it and record its point. */
static void job_finish(struct job *j, struct sweep *sw)
{
	struct sweep_point *pt = &sw->pts[j->point];
	char msg[128];
	int status;

	close(j->fd);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		snprintf(msg, sizeof(msg), "the worker running it died of "
			 "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		point_fail(pt, DMASIM_ESCENARIO, msg);
	} else if (point_decode(pt, j->buf, j->len)) {
		csv_row_free(&pt->row);
		snprintf(msg, sizeof(msg), "the worker running it stopped "
			 "with status %d before reporting", WIFEXITED(status) ?
			 WEXITSTATUS(status) : -1);
		point_fail(pt, DMASIM_ESCENARIO, msg);
	}
}

/* Read what is available; returns 1 at end of file, 0 otherwise. */
static int job_read(struct job *j)
{
	ssize_t n;

	if (j->cap - j->len < SWEEP_READ) {
		size_t cap = j->cap ? j->cap * 2 : 2 * SWEEP_READ;
		char *b = realloc(j->buf, cap);

		if (!b)
			return 1;	/* the point is then incomplete */
		j->buf = b;
		j->cap = cap;
	}
	n = read(j->fd, j->buf + j->len, j->cap - j->len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	j->len += (size_t)n;
	return n == 0;
}

static void run_points(struct sweep *sw, unsigned jobs, uint64_t seed,
		       struct progress *pl)
{
	struct job *js = calloc(jobs, sizeof(*js));
	struct pollfd *pfd = calloc(jobs, sizeof(*pfd));
	size_t next = 0, done = 0, failed = 0;
	unsigned running = 0;

	if (!js || !pfd) {
		for (size_t p = 0; p < sw->npoints; p++)
			point_fail(&sw->pts[p], DMASIM_ENOMEM, "out of memory");
		goto out;
	}
	while (done < sw->npoints) {
		while (running < jobs && next < sw->npoints) {
			if (job_start(&js[running], sw, next, seed)) {
				char msg[160];

				snprintf(msg, sizeof(msg), "cannot start a "
					 "worker process: %s", strerror(errno));
				point_fail(&sw->pts[next], DMASIM_ENOMEM, msg);
				done++;
				failed++;
				next++;
				if (!running)
					continue;
				break;
			}
			running++;
			next++;
		}
		if (!running)
			continue;
		for (unsigned i = 0; i < running; i++) {
			pfd[i].fd = js[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, running, 200) < 0) {
			if (errno == EINTR)
				continue;
			/* poll() itself failed: read each pipe in turn,
			 * blocking. */
			for (unsigned i = 0; i < running; i++)
				pfd[i].revents = POLLIN;
		}
		for (unsigned i = running; i-- > 0;) {
			if (!pfd[i].revents || !job_read(&js[i]))
				continue;
			job_finish(&js[i], sw);
			failed += sw->pts[js[i].point].code != 0;
			done++;
			/* Keep the running jobs packed at the front. */
			free(js[i].buf);
			js[i] = js[--running];
			js[running].buf = NULL;
			js[running].cap = 0;
		}
		if (done) {
			/* Points take alike: the rest at the rate so far. */
			double spent = progress_clock() - pl->start;

			progress_draw(pl, false, "sweep: %zu of %zu points "
				      "done, %zu failed, %u running, about "
				      "%.0f s left", done, sw->npoints, failed,
				      running, spent / (double)done *
				      (double)(sw->npoints - done));
		} else {
			progress_draw(pl, false, "sweep: 0 of %zu points done, "
				      "%u running", sw->npoints, running);
		}
	}
out:
	if (js)
		for (unsigned i = 0; i < jobs; i++)
			free(js[i].buf);
	free(js);
	free(pfd);
}

/* ---- the command ---- */

static void sweep_free(struct sweep *sw)
{
	for (size_t k = 0; k < sw->naxes; k++) {
		struct sweep_axis *a = &sw->axes[k];

		for (size_t i = 0; i < a->n; i++)
			free(a->text[i]);
		free(a->text);
		free(a->num);
		free(a->name);
	}
	free(sw->axes);
	if (sw->pts)
		for (size_t p = 0; p < sw->npoints; p++) {
			csv_row_free(&sw->pts[p].row);
			free(sw->pts[p].error);
		}
	free(sw->pts);
}

/* The rows to write: a failed point's row holds its swept values. */
static int write_csv(const struct sweep *sw, FILE *f)
{
	struct csv_row *rows = calloc(sw->npoints ? sw->npoints : 1,
				      sizeof(*rows));
	int err = 0;

	if (!rows)
		return -1;
	for (size_t p = 0; p < sw->npoints && !err; p++) {
		if (!sw->pts[p].code) {
			rows[p] = sw->pts[p].row;
			continue;
		}
		for (size_t k = 0; k < sw->naxes && !err; k++) {
			const struct sweep_axis *a = &sw->axes[k];
			size_t i = sweep_index(sw, p, k);

			err = csv_row_add(&rows[p], false, a->name, "",
					  a->text[i], a->numeric, a->num[i]);
		}
	}
	if (!err)
		err = csv_write(f, rows, sw->npoints);
	for (size_t p = 0; p < sw->npoints; p++)
		if (sw->pts[p].code)
			csv_row_free(&rows[p]);
	free(rows);
	return err;
}

int sweep_main(int argc, char **argv)
{
	struct sweep sw = { 0 };
	const char *csv = NULL, *plot = NULL, *x = NULL, *y = NULL;
	uint64_t seed = 1;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int quiet = 0, status = EXIT_USAGE;
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
		} else if (!strncmp(a, "-D", 2)) {
			const char *def = a[2] ? a + 2 : v;

			if (!a[2])
				i++;
			if (!def) {
				fprintf(stderr, "%s: -D needs name=VALUES\n",
					prog);
				goto out;
			}
			if (parse_define(&sw, def))
				goto out;
		} else if (!strncmp(a, "-j", 2)) {
			const char *n = a[2] ? a + 2 : v;
			char *end;

			if (!a[2])
				i++;
			jobs = n ? strtol(n, &end, 10) : 0;
			if (!n || *end || jobs < 1 || jobs > 4096) {
				fprintf(stderr, "%s: -j %s: expected a number "
					"of workers from 1 to 4096\n", prog,
					n ? n : "");
				goto out;
			}
		} else if (!strcmp(a, "--csv") || !strcmp(a, "--plot") ||
			   !strcmp(a, "--x") || !strcmp(a, "--y") ||
			   !strcmp(a, "--seed")) {
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
	sw.npoints = 1;
	for (size_t k = 0; k < sw.naxes; k++) {
		if (sw.npoints > SWEEP_MAX_POINTS / sw.axes[k].n) {
			fprintf(stderr, "%s: more than %d points: expected "
				"fewer or shorter ranges\n", prog,
				SWEEP_MAX_POINTS);
			goto out;
		}
		sw.npoints *= sw.axes[k].n;
	}
	if (x) {
		size_t k = 0;

		while (k < sw.naxes && strcmp(sw.axes[k].name, x))
			k++;
		if (k == sw.naxes) {
			fprintf(stderr, "%s: --x %s: expected one of the swept "
				"parameters (-D)\n", prog, x);
			goto out;
		}
	}
	sw.pts = calloc(sw.npoints, sizeof(*sw.pts));
	if (!sw.pts) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = EXIT_SCENARIO;
		goto out;
	}
	if (jobs < 1)		/* the number of cores is unknown */
		jobs = 1;
	if ((size_t)jobs > sw.npoints)
		jobs = (long)sw.npoints;
	progress_init(&pl, stderr, !quiet && isatty(STDERR_FILENO));
	run_points(&sw, (unsigned)jobs, seed, &pl);
	progress_clear(&pl);

	status = 0;
	for (size_t p = 0; p < sw.npoints; p++) {
		const struct sweep_point *pt = &sw.pts[p];

		if (!pt->code)
			continue;
		fprintf(stderr, "%s: point %zu of %zu (%s) failed: %s\n", prog,
			p + 1, sw.npoints, point_name(&sw, p, name,
						      sizeof(name)),
			pt->error ? pt->error : dmasim_strerror(pt->code));
		if (!status)
			status = cli_exit_for(pt->code);
		failed++;
	}
	if (failed)
		fprintf(stderr, "%s: %zu of %zu points failed; the other "
			"points' results are kept\n", prog, failed,
			sw.npoints);
	if (csv) {
		FILE *f = fopen(csv, "w");
		int bad = !f || write_csv(&sw, f) || ferror(f);

		if ((f && fclose(f)) || bad) {
			fprintf(stderr, "%s: cannot write CSV to '%s': %s\n",
				prog, csv, strerror(errno));
			status = EXIT_IO;
		}
	} else if (!quiet) {
		write_csv(&sw, stdout);
		fflush(stdout);
	}
	if (plot) {
		char err[512];

		if (plot_sweep(&sw, plot, x, y, err, sizeof(err))) {
			fprintf(stderr, "%s: --plot %s: %s\n", prog, plot, err);
			if (!status)
				status = EXIT_IO;
		}
	}
out:
	sweep_free(&sw);
	return status;
}
