/* ranks: a sweep's points over MPI ranks.  See ranks.h. */
#include "ranks.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifdef DMASIM_MPI
#include <mpi.h>
#include <poll.h>
#include <sys/wait.h>

const bool ranks_built = true;
#else
const bool ranks_built = false;
#endif

/* The ranks mpirun (Open MPI, or a PMI launcher) says it started, or 0
 * when not started by one. */
static long ranks_launched(long *rank)
{
	const char *size = getenv("OMPI_COMM_WORLD_SIZE");
	const char *me = getenv("OMPI_COMM_WORLD_RANK");

	if (!size) {
		size = getenv("PMI_SIZE");
		me = getenv("PMI_RANK");
	}
	*rank = me ? strtol(me, NULL, 10) : 0;
	return size ? strtol(size, NULL, 10) : 0;
}

int ranks_main(const char *prog, int (*cmd)(struct ranks *, int, char **),
	       int argc, char **argv)
{
	struct ranks rk;
	int status = ranks_init(&rk, prog);

	if (status)
		return status;
	ranks_quiet(&rk);
	status = cmd(&rk, argc, argv);
	ranks_loud(&rk);
	return ranks_fini(&rk, status);
}

bool ranks_on(const struct ranks *r)
{
	return r->mpi;
}

void ranks_quiet(struct ranks *r)
{
	int null;

	if (!r->rank || r->saved_out >= 0)
		return;
	fflush(stdout);
	fflush(stderr);
	null = open("/dev/null", O_WRONLY);
	if (null < 0)
		return;
	r->saved_out = dup(STDOUT_FILENO);
	r->saved_err = dup(STDERR_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(null);
}

void ranks_loud(struct ranks *r)
{
	if (r->saved_out < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	dup2(r->saved_out, STDOUT_FILENO);
	dup2(r->saved_err, STDERR_FILENO);
	close(r->saved_out);
	close(r->saved_err);
	r->saved_out = r->saved_err = -1;
}

#ifndef DMASIM_MPI

int ranks_init(struct ranks *r, const char *prog)
{
	long rank, size = ranks_launched(&rank);

	memset(r, 0, sizeof(*r));
	r->size = 1;
	r->saved_out = r->saved_err = -1;
	if (size <= 1)
		return 0;
	if (rank == 0)
		fprintf(stderr, "%s: started by mpirun on %ld ranks, but this "
			"dmasim was built without MPI: expected a build "
			"configured with cmake -DDMASIM_MPI=ON (Debian packages "
			"openmpi-bin libopenmpi-dev; `make test-mpi` makes one "
			"in build-mpi/), or no mpirun (dmasim sweep -j N runs "
			"points in parallel on this machine)\n", prog, size);
	return EXIT_USAGE;
}

/* Without MPI ranks_on() is false and sweep.c runs pool_run() itself;
 * should anything call this, the points run here, one at a time. */
void ranks_run(struct ranks *r, const struct range_grid *g, const char *file,
	       uint64_t seed, struct pool_point *pts, struct progress *pl)
{
	(void)r;
	pool_run(g, file, seed, 1, pts, pl);
}

int ranks_fini(struct ranks *r, int status)
{
	(void)r;
	return status;
}

#else /* DMASIM_MPI */

enum {
	TAG_READY = 1,		/* worker -> 0: empty, the first request */
	TAG_RESULT,		/* worker -> 0: "<point>;" + its netstrings,
				 * which also asks for the next point */
	TAG_POINT,		/* 0 -> worker: a long long point, -1: stop */
};

/*
 * mpirun's SIGTERM (another rank died, or the run was interrupted) seen
 * by rank 0's loop.  A signal handler can reach nothing else, hence the
 * one file-scope variable.
 */
static volatile sig_atomic_t ranks_signal;

static void ranks_on_signal(int sig)
{
	ranks_signal = sig;
}

int ranks_init(struct ranks *r, const char *prog)
{
	long rank, size = ranks_launched(&rank);
	char err[MPI_MAX_ERROR_STRING];
	int rc, len;

	memset(r, 0, sizeof(*r));
	r->size = 1;
	r->saved_out = r->saved_err = -1;
	if (size < 1)
		return 0;
	rc = MPI_Init(NULL, NULL);
	if (rc != MPI_SUCCESS) {
		MPI_Error_string(rc, err, &len);
		fprintf(stderr, "%s: MPI_Init failed: %s (started by mpirun "
			"on %ld ranks: expected MPI to start)\n", prog, err,
			size);
		return EXIT_SCENARIO;
	}
	r->mpi = true;
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &r->size);
	return 0;
}

int ranks_fini(struct ranks *r, int status)
{
	if (!r->mpi)
		return status;
	if (ranks_signal)	/* mpirun is ending every rank */
		return status;
	if (r->failed) {
		fflush(stdout);
		fflush(stderr);
		MPI_Abort(MPI_COMM_WORLD, status ? status : EXIT_SCENARIO);
		return status;
	}
	MPI_Finalize();
	return status;
}

/* Say what an MPI call's failure was; sets r->failed. */
static void ranks_mpi_failed(struct ranks *r, const char *call, int rc)
{
	char err[MPI_MAX_ERROR_STRING];
	int len = 0;

	if (MPI_Error_string(rc, err, &len) != MPI_SUCCESS)
		snprintf(err, sizeof(err), "error %d", rc);
	fprintf(stderr, "dmasim sweep: rank %d: %s failed: %s (a rank died, "
		"or MPI could not reach it)\n", r->rank, call, err);
	r->failed = true;
}

static void point_set_failed(struct pool_point *pt, const char *msg)
{
	pool_point_free(pt);
	pt->code = DMASIM_ESCENARIO;
	pt->error = cli_strdup(msg);
}

/* ---- rank 0 ---- */

/* Rank 0's view of the run. */
struct root {
	const struct range_grid *g;
	struct pool_point *pts;
	long long *busy;	/* per rank: its point, or -1 */
	bool *done;		/* per point */
	size_t next, ndone, nfailed;
	int nworking;		/* ranks not yet told to stop */
};

/* The run is lost: say which points were running where and how many
 * never started, and fail them all.  why: what happened. */
static void root_lost(struct ranks *r, struct root *rt, const char *why)
{
	const struct range_grid *g = rt->g;
	char name[512], msg[768];
	size_t left = g->npoints - rt->ndone;

	fprintf(stderr, "dmasim sweep: %s, with %zu of %zu points done; "
		"%zu lost:\n", why, rt->ndone, g->npoints, left);
	for (int k = 0; k < r->size; k++) {
		if (rt->busy[k] < 0)
			continue;
		fprintf(stderr, "  point %lld of %zu (%s), running on rank %d\n",
			rt->busy[k] + 1, g->npoints,
			range_point_name(g, (size_t)rt->busy[k], name,
					 sizeof(name)), k);
	}
	if (rt->next < g->npoints)
		fprintf(stderr, "  points %zu to %zu, not started\n",
			rt->next + 1, g->npoints);
	for (size_t p = 0; p < g->npoints; p++) {
		if (rt->done[p])
			continue;
		snprintf(msg, sizeof(msg), "lost: %s before it was done", why);
		point_set_failed(&rt->pts[p], msg);
	}
	r->failed = true;
}

/* Answer rank src's request: its next point, or -1 to stop.  Returns 0
 * or -1 (MPI failed). */
static int root_hand_out(struct ranks *r, struct root *rt, int src)
{
	long long p = -1;
	int rc;

	if (rt->next < rt->g->npoints)
		p = (long long)rt->next++;
	rt->busy[src] = p;
	if (p < 0)
		rt->nworking--;
	rc = MPI_Send(&p, 1, MPI_LONG_LONG, src, TAG_POINT, MPI_COMM_WORLD);
	if (rc != MPI_SUCCESS) {
		ranks_mpi_failed(r, "MPI_Send", rc);
		return -1;
	}
	return 0;
}

/* A message from a worker: a result to record, then a request to
 * answer.  Returns 0 or -1 (MPI failed). */
static int root_message(struct ranks *r, struct root *rt, MPI_Status *st)
{
	int src = st->MPI_SOURCE, n = 0, rc;
	char *buf, *end;
	unsigned long long p;

	MPI_Get_count(st, MPI_CHAR, &n);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf) {
		fprintf(stderr, "dmasim sweep: out of memory\n");
		return -1;
	}
	rc = MPI_Recv(buf, n, MPI_CHAR, src, st->MPI_TAG, MPI_COMM_WORLD,
		      MPI_STATUS_IGNORE);
	if (rc != MPI_SUCCESS) {
		free(buf);
		ranks_mpi_failed(r, "MPI_Recv", rc);
		return -1;
	}
	if (st->MPI_TAG == TAG_RESULT) {
		p = strtoull(buf, &end, 10);
		if (end == buf || end >= buf + n || *end != ';' ||
		    (long long)p != rt->busy[src]) {
			free(buf);
			fprintf(stderr, "dmasim sweep: rank %d sent a result "
				"that is not its point's\n", src);
			r->failed = true;
			return -1;
		}
		end++;
		if (pool_point_decode(&rt->pts[p], end,
				      (size_t)(buf + n - end)))
			point_set_failed(&rt->pts[p], "the rank running it "
					 "sent an incomplete result");
		rt->done[p] = true;
		rt->ndone++;
		rt->nfailed += rt->pts[p].code != 0;
		rt->busy[src] = -1;
	}
	free(buf);
	return root_hand_out(r, rt, src);
}

static void root_progress(struct root *rt, struct progress *pl)
{
	double spent = progress_clock() - pl->start;
	size_t n = rt->g->npoints;

	if (!rt->ndone) {
		progress_draw(pl, false, "sweep: 0 of %zu points done", n);
		return;
	}
	progress_draw(pl, false, "sweep: %zu of %zu points done, %zu failed, "
		      "about %.0f s left", rt->ndone, n, rt->nfailed,
		      spent / (double)rt->ndone * (double)(n - rt->ndone));
}

static void root_run(struct ranks *r, struct root *rt, const char *file,
		     uint64_t seed, struct progress *pl)
{
	const struct range_grid *g = rt->g;
	struct pool_job job = { 0 };
	bool local = false;
	char why[160];

	while (rt->ndone < g->npoints || rt->nworking > 0) {
		struct pollfd pfd = { .fd = -1, .events = POLLIN };
		MPI_Status st;
		int flag = 0, rc;

		if (ranks_signal) {
			snprintf(why, sizeof(why), "the run was stopped by "
				 "signal %d (%s; mpirun sends it when a rank "
				 "dies or the run is interrupted)",
				 (int)ranks_signal, strsignal(ranks_signal));
			if (local)
				kill(job.pid, SIGKILL);
			root_lost(r, rt, why);
			break;
		}
		if (!local && rt->next < g->npoints) {
			size_t p = rt->next++;

			if (pool_job_start(&job, g, file, p, seed)) {
				snprintf(why, sizeof(why), "cannot start a "
					 "worker process: %s", strerror(errno));
				point_set_failed(&rt->pts[p], why);
				rt->done[p] = true;
				rt->ndone++;
				rt->nfailed++;
				continue;
			}
			rt->busy[0] = (long long)p;
			local = true;
		}
		rc = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD,
				&flag, &st);
		if (rc != MPI_SUCCESS) {
			ranks_mpi_failed(r, "MPI_Iprobe", rc);
			flag = -1;
		} else if (flag && root_message(r, rt, &st)) {
			flag = -1;
		}
		if (flag < 0) {
			if (local)
				kill(job.pid, SIGKILL);
			root_lost(r, rt, "rank 0 lost touch with the other "
				  "ranks");
			break;
		}
		if (flag)
			continue;
		/* Nothing from the ranks: wait a millisecond for the local
		 * point, which rank 0's own worker process computes. */
		if (local)
			pfd.fd = job.fd;
		if (poll(&pfd, 1, 1) > 0 && local && pool_job_read(&job)) {
			pool_job_finish(&job, rt->pts);
			rt->done[job.point] = true;
			rt->ndone++;
			rt->nfailed += rt->pts[job.point].code != 0;
			rt->busy[0] = -1;
			local = false;
		}
		root_progress(rt, pl);
	}
	if (local) {	/* lost: reap the killed worker */
		close(job.fd);
		while (waitpid(job.pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(job.buf);
}

/* ---- the other ranks ---- */

static void worker_run(struct ranks *r, const struct range_grid *g,
		       const char *file, uint64_t seed,
		       struct pool_point *pts)
{
	struct pool_job job = { 0 };
	int rc = MPI_Send(NULL, 0, MPI_CHAR, 0, TAG_READY, MPI_COMM_WORLD);

	while (rc == MPI_SUCCESS) {
		long long p;
		char *enc = NULL, *msg;
		size_t len = 0, head;

		rc = MPI_Recv(&p, 1, MPI_LONG_LONG, 0, TAG_POINT,
			      MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS || p < 0)
			break;
		if (p >= (long long)g->npoints) {
			fprintf(stderr, "dmasim sweep: rank %d: rank 0 sent "
				"point %lld: expected one below %zu\n",
				r->rank, p, g->npoints);
			r->failed = true;
			return;
		}
		if (pool_job_start(&job, g, file, (size_t)p, seed)) {
			char why[160];

			snprintf(why, sizeof(why), "cannot start a worker "
				 "process on rank %d: %s", r->rank,
				 strerror(errno));
			point_set_failed(&pts[p], why);
		} else {
			while (!pool_job_read(&job))
				;
			pool_job_finish(&job, pts);
		}
		if (pool_point_encode(&pts[p], &enc, &len))
			point_set_failed(&pts[p], "out of memory");
		msg = malloc(len + 32);
		if (!msg) {
			fprintf(stderr, "dmasim sweep: rank %d: out of "
				"memory\n", r->rank);
			r->failed = true;
			free(enc);
			return;
		}
		head = (size_t)snprintf(msg, 32, "%lld;", p);
		if (enc)
			memcpy(msg + head, enc, len);
		else
			len = 0;
		free(enc);
		pool_point_free(&pts[p]);
		rc = MPI_Send(msg, (int)(head + len), MPI_CHAR, 0, TAG_RESULT,
			      MPI_COMM_WORLD);
		free(msg);
	}
	free(job.buf);
	if (rc != MPI_SUCCESS)
		ranks_mpi_failed(r, "waiting for rank 0: MPI", rc);
}

void ranks_run(struct ranks *r, const struct range_grid *g, const char *file,
	       uint64_t seed, struct pool_point *pts, struct progress *pl)
{
	struct root rt = { .g = g, .pts = pts, .nworking = r->size - 1 };
	struct sigaction sa = { .sa_handler = ranks_on_signal };

	if (!r->mpi) {
		pool_run(g, file, seed, 1, pts, pl);
		return;
	}
	if (r->rank) {
		worker_run(r, g, file, seed, pts);
		return;
	}
	rt.busy = malloc((size_t)r->size * sizeof(*rt.busy));
	rt.done = calloc(g->npoints, sizeof(*rt.done));
	if (!rt.busy || !rt.done) {
		fprintf(stderr, "dmasim sweep: out of memory\n");
		r->failed = true;
		goto out;
	}
	for (int k = 0; k < r->size; k++)
		rt.busy[k] = -1;
	/* No SA_RESTART: poll() returns at once with EINTR. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	root_run(r, &rt, file, seed, pl);
out:
	free(rt.busy);
	free(rt.done);
}

#endif /* DMASIM_MPI */
