/*
 * phold: the PHOLD benchmark of parallel discrete-event simulation, run
 * by dmasim's cluster engine: N logical processes (the nodes of a
 * cluster, each a system with its own clock and event queue), each
 * starting with `pop` events; every event, when it fires, sends one
 * message to a process drawn uniformly at random, which schedules a new
 * event an exponential delay (mean `mean`) after the message arrives.  A
 * message is a frame through the cluster's star (link, switch, link), so
 * it arrives at least the lookahead (the link latency) after it is sent.
 * Alone or on MPI ranks (mpirun -n R phold, in an MPI build), the events
 * and the checksum are the same; the figure is events per second per
 * rank against the same run alone.  Public API only: each process is a
 * system whose software is on its cluster port (dmasim_port_attach) and
 * whose events are alarms (dmasim_sys_after).
 *
 * Usage: phold [--lps N] [--pop K] [--mean T] [--latency T] [--end T]
 *              [--quantum T] [--seed S] [--partition blocks|cyclic]
 * (T in ns).  --quantum rounds every delay up to a multiple of T, so that
 * messages from different processes meet at one instant, where only the
 * barrier's (time, sender, order) sort keeps the runs alike.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmasim/dmasim.h"
#include "../src/cli/mpicomm.h"

#ifdef DMASIM_MPI
#include <mpi.h>
#endif

struct lp;

/* A pending event of a process: an alarm, pooled per process. */
struct pend {
	struct dmasim_alarm a;	/* first */
	struct lp *lp;
	struct pend *next;	/* in the pool */
	struct pend *all;	/* every one made, to free at the end */
};

struct lp {
	struct dmasim_sys *sys;
	uint32_t id, nlps;
	uint64_t rng;		/* splitmix64 state, from the seed and id */
	uint64_t mean;		/* ps */
	uint64_t quantum;	/* ps: delays are whole multiples (0: any) */
	struct pend *pool, *all;
	int err;		/* a host failure in a callback */
	uint64_t fired, received, sum;
};

static uint64_t next64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double unit(struct lp *lp)
{
	return (double)(next64(&lp->rng) >> 11) / 9007199254740992.0;
}

/* A delay drawn from the exponential distribution of the given mean. */
static uint64_t exp_delay(struct lp *lp)
{
	uint64_t d = (uint64_t)(-log(1.0 - unit(lp)) * (double)lp->mean);

	return lp->quantum ? (d / lp->quantum + 1) * lp->quantum : d;
}

/* An event fires: one message (the sender's count) to a process at
 * random. */
static void fire(struct dmasim_alarm *a)
{
	struct pend *e = (struct pend *)a;
	struct lp *lp = e->lp;
	uint64_t seq = lp->fired++;
	uint32_t dst = (uint32_t)(next64(&lp->rng) % lp->nlps);

	e->next = lp->pool;
	lp->pool = e;
	if (dmasim_port_send(lp->sys, dst, &seq, sizeof(seq)))
		lp->err = 1;
}

static void schedule(struct lp *lp)
{
	struct pend *e = lp->pool;

	if (e)
		lp->pool = e->next;
	else if ((e = malloc(sizeof(*e)))) {
		e->all = lp->all;
		lp->all = e;
	} else {
		lp->err = 1;
		return;
	}
	e->a.fn = fire;
	e->lp = lp;
	if (dmasim_sys_after(lp->sys, exp_delay(lp), &e->a))
		lp->err = 1;
}

/* A message arrives: a new event of this process. */
static void rx(void *ctx, uint32_t src, const void *data, uint32_t len)
{
	struct lp *lp = ctx;
	uint64_t seq = 0;

	memcpy(&seq, data, len < sizeof(seq) ? len : sizeof(seq));
	lp->received++;
	/* in the order the messages arrive, with their times */
	lp->sum = (lp->sum ^ (src * 2654435761u + seq +
			      dmasim_sys_now(lp->sys))) * 0x100000001b3ull;
	schedule(lp);
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: phold [--lps N] [--pop K] [--mean NS] "
		"[--latency NS] [--end NS] [--quantum NS] [--seed S] "
		"[--partition blocks|cyclic]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint32_t nlps = 1024, pop = 4;
	double mean_ns = 1000, lat_ns = 100, end_ns = 200000, quantum_ns = 0;
	uint64_t seed = 1;
	bool cyclic = false;
	const struct dmasim_comm *comm = NULL;
	struct dmasim_cluster_config cfg;
	struct dmasim_cluster_info info;
	struct dmasim_cluster *cl;
	struct lp *lps;
	uint32_t *owner = NULL;
	uint64_t tot[3] = { 0 }, all[3] = { 0 };
	const char *bad = NULL;
	double t0, t1;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--lps"))
			nlps = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--pop"))
			pop = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--mean"))
			mean_ns = strtod(v, NULL);
		else if (!strcmp(a, "--latency"))
			lat_ns = strtod(v, NULL);
		else if (!strcmp(a, "--end"))
			end_ns = strtod(v, NULL);
		else if (!strcmp(a, "--quantum"))
			quantum_ns = strtod(v, NULL);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--partition"))
			cyclic = !strcmp(v, "cyclic");
		else
			return usage();
	}
	if (nlps < 2 || nlps > 65536 || !pop || !(mean_ns >= 0) ||
	    !(lat_ns >= 1e-3) || !(end_ns > 0) || !(quantum_ns >= 0)) {
		fprintf(stderr, "phold: expected 2 to 65536 processes, a "
			"population >= 1, a mean >= 0, a latency >= 1 ps, an "
			"end > 0 and a quantum >= 0\n");
		return 2;
	}
#ifdef DMASIM_MPI
	MPI_Init(&argc, &argv);
	comm = mpicomm_world();
#endif
	dmasim_cluster_config_init(&cfg);
	cfg.nodes = nlps;
	cfg.link_latency = (uint64_t)(lat_ns * 1e3);
	cfg.switch_latency = 0;
	cfg.link_rate = 100e9;
	cfg.seed = seed;
	cfg.comm = comm;
	if (comm && comm->ranks > 1 && cyclic) {
		owner = malloc(nlps * sizeof(*owner));
		for (uint32_t i = 0; owner && i < nlps; i++)
			owner[i] = i % (uint32_t)comm->ranks;
		cfg.owner = owner;
	}
	lps = calloc(nlps, sizeof(*lps));
	if (!lps || dmasim_cluster_new(&cfg, &cl, &bad)) {
		fprintf(stderr, "phold: %s\n", bad ? bad : "out of memory");
		return 1;
	}
	for (uint32_t i = 0; i < nlps; i++) {
		struct dmasim_sys_config sc;
		struct lp *lp = &lps[i];
		char name[32];

		if (dmasim_cluster_owner(cl, i) != (comm ? comm->rank : 0))
			continue;
		snprintf(name, sizeof(name), "lp%u", i);
		dmasim_sys_config_init(&sc);
		sc.name = name;
		sc.seed = seed + i;
		if (dmasim_sys_new(&sc, &lp->sys) ||
		    dmasim_cluster_add(cl, lp->sys, i) ||
		    dmasim_port_attach(lp->sys, rx, lp)) {
			fprintf(stderr, "phold: %s\n", lp->sys ?
				dmasim_sys_error(lp->sys) : "out of memory");
			return 1;
		}
		lp->id = i;
		lp->nlps = nlps;
		lp->mean = (uint64_t)(mean_ns * 1e3);
		lp->quantum = (uint64_t)(quantum_ns * 1e3);
		lp->rng = seed * 0x9e3779b97f4a7c15ull ^ (i + 1);
		for (uint32_t k = 0; k < pop; k++)
			schedule(lp);
	}
	t0 = wall();
	rc = dmasim_cluster_run(cl, (uint64_t)(end_ns * 1e3));
	t1 = wall();
	if (rc) {
		fprintf(stderr, "phold: %s\n", dmasim_cluster_error(cl));
		return 1;
	}
	dmasim_cluster_info(cl, &info);
	for (uint32_t i = 0; i < nlps; i++) {
		if (lps[i].err) {
			fprintf(stderr, "phold: process %u ran out of memory\n",
				i);
			return 1;
		}
		tot[0] += lps[i].fired;
		tot[1] += lps[i].received;
		tot[2] += lps[i].sum;
	}
	memcpy(all, tot, sizeof(all));
#ifdef DMASIM_MPI
	MPI_Allreduce(tot, all, 3, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
#endif
	if (!comm || !comm->rank) {
		int ranks = comm ? comm->ranks : 1;
		double s = t1 - t0;

		printf("phold_lps %u   (population %u, mean %.0f ns, lookahead "
		       "%.0f ns, end %.0f us)\n", nlps, pop, mean_ns, lat_ns,
		       end_ns / 1e3);
		printf("phold_ranks %d\n", ranks);
		printf("phold_events %llu   (fired %llu, received %llu, "
		       "windows %llu, checksum %llu)\n",
		       (unsigned long long)info.events,
		       (unsigned long long)all[0], (unsigned long long)all[1],
		       (unsigned long long)info.windows,
		       (unsigned long long)all[2]);
		printf("phold_wall_s %.3f\n", s);
		printf("phold_events_per_s %.0f   (%.0f per rank)\n",
		       (double)info.events / s,
		       (double)info.events / s / ranks);
	}
	dmasim_cluster_free(cl);
	for (uint32_t i = 0; i < nlps; i++) {
		dmasim_sys_free(lps[i].sys);
		while (lps[i].all) {	/* pooled or still pending */
			struct pend *e = lps[i].all;

			lps[i].all = e->all;
			free(e);
		}
	}
	free(lps);
	free(owner);
#ifdef DMASIM_MPI
	MPI_Finalize();
#endif
	return 0;
}
