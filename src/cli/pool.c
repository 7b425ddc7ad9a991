/* pool: a sweep's points run in worker processes.  See pool.h. */
#include "pool.h"

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

#define POOL_READ 65536		/* bytes per read() of a worker's pipe */

/* A netstring: "<length>:<bytes>,". */
static void ns_put(FILE *f, const char *s)
{
	fprintf(f, "%zu:%s,", strlen(s), s);
}

/* The netstrings of pt (see pool.h) to f.  Returns 0, or -1 when f
 * failed. */
static int point_put(FILE *f, const struct pool_point *pt)
{
	char code[16];

	snprintf(code, sizeof(code), "%d", pt->code);
	ns_put(f, code);
	ns_put(f, pt->error ? pt->error : "");
	for (size_t i = 0; !pt->code && i < pt->row.n; i++) {
		const struct csv_val *v = &pt->row.v[i];

		ns_put(f, v->note ? "N0" : v->result ?
			  (v->is_number ? "R1" : "R0") :
			  (v->is_number ? "P1" : "P0"));
		ns_put(f, v->name);
		ns_put(f, v->unit);
		ns_put(f, v->text);
	}
	return fflush(f) || ferror(f) ? -1 : 0;
}

/* Runs in the child: point p, its outcome written to fd (see pool.h). */
static void pool_child(const struct range_grid *g, const char *file,
		       size_t p, uint64_t seed, int fd)
{
	struct dmasim_run *run;
	struct pool_point pt = { 0 };
	FILE *f = fdopen(fd, "w");

	/* What the scenario prints must not mix with the CSV. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	if (!f || cli_run_new(&run))
		_exit(EXIT_SCENARIO);
	for (size_t k = 0; k < g->naxes; k++)
		if (dmasim_run_define(run, g->axes[k].name,
				      g->axes[k].text[range_index(g, p, k)]))
			_exit(EXIT_SCENARIO);
	dmasim_run_set_seed(run, seed);
	pt.code = dmasim_run_file(run, file);
	pt.error = (char *)dmasim_run_error(run);	/* borrowed */
	/* The same row `dmasim run --csv` writes. */
	if (!pt.code && csv_row_of_run(&pt.row, run))
		_exit(EXIT_SCENARIO);
	if (point_put(f, &pt))
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
	s = cli_memdup(buf + i + 1, n);
	*pos = i + 2 + n;
	return s;
}

static void point_fail(struct pool_point *pt, int code, const char *msg)
{
	free(pt->error);
	pt->code = code;
	pt->error = cli_memdup(msg, strlen(msg));
}

int pool_point_decode(struct pool_point *pt, const char *buf, size_t len)
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
		else if (f[0][0] == 'N')
			ok = !csv_row_add_note(&pt->row, f[1], f[3]);
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

int pool_job_start(struct pool_job *j, const struct range_grid *g,
		     const char *file, size_t p, uint64_t seed)
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
		pool_child(g, file, p, seed, fds[1]);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->point = p;
	j->len = 0;
	return 0;
}

void pool_job_finish(struct pool_job *j, struct pool_point *pts)
{
	struct pool_point *pt = &pts[j->point];
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
	} else if (pool_point_decode(pt, j->buf, j->len)) {
		csv_row_free(&pt->row);
		snprintf(msg, sizeof(msg), "the worker running it stopped "
			 "with status %d before reporting", WIFEXITED(status) ?
			 WEXITSTATUS(status) : -1);
		point_fail(pt, DMASIM_ESCENARIO, msg);
	}
}

int pool_job_read(struct pool_job *j)
{
	ssize_t n;

	if (j->cap - j->len < POOL_READ) {
		size_t cap = j->cap ? j->cap * 2 : 2 * POOL_READ;
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

void pool_run(const struct range_grid *g, const char *file, uint64_t seed,
	      unsigned jobs, struct pool_point *pts, struct progress *pl)
{
	struct pool_job *js = calloc(jobs, sizeof(*js));
	struct pollfd *pfd = calloc(jobs, sizeof(*pfd));
	size_t next = 0, done = 0, failed = 0;
	unsigned running = 0;

	if (!js || !pfd) {
		for (size_t p = 0; p < g->npoints; p++)
			point_fail(&pts[p], DMASIM_ENOMEM, "out of memory");
		goto out;
	}
	while (done < g->npoints) {
		while (running < jobs && next < g->npoints) {
			if (pool_job_start(&js[running], g, file, next, seed)) {
				char msg[160];

				snprintf(msg, sizeof(msg), "cannot start a "
					 "worker process: %s", strerror(errno));
				point_fail(&pts[next], DMASIM_ENOMEM, msg);
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
			if (!pfd[i].revents || !pool_job_read(&js[i]))
				continue;
			pool_job_finish(&js[i], pts);
			failed += pts[js[i].point].code != 0;
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
				      "%.0f s left", done, g->npoints, failed,
				      running, spent / (double)done *
				      (double)(g->npoints - done));
		} else {
			progress_draw(pl, false, "sweep: 0 of %zu points done, "
				      "%u running", g->npoints, running);
		}
	}
out:
	if (js)
		for (unsigned i = 0; i < jobs; i++)
			free(js[i].buf);
	free(js);
	free(pfd);
}

int pool_point_encode(const struct pool_point *pt, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	int err;

	if (!f)
		return -1;
	err = point_put(f, pt);
	if (fclose(f))
		err = -1;
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

void pool_point_free(struct pool_point *pt)
{
	csv_row_free(&pt->row);
	free(pt->error);
	pt->error = NULL;
}
