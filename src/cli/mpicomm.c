/* mpicomm: MPI_COMM_WORLD as a struct dmasim_comm.  See mpicomm.h. */
#include "mpicomm.h"

#ifndef DMASIM_MPI

const struct dmasim_comm *mpicomm_world(void)
{
	return NULL;
}

#else

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include <mpi.h>

#define MPICOMM_TAG 77		/* apart from the sweep's tags (ranks.c) */

static int world_alltoall(void *ctx, const uint64_t *send, uint64_t *recv,
			  size_t n)
{
	(void)ctx;
	if (n > INT_MAX)
		return -1;
	return MPI_Alltoall(send, (int)n, MPI_UINT64_T, recv, (int)n,
			    MPI_UINT64_T, MPI_COMM_WORLD) != MPI_SUCCESS;
}

/* Post the receives (send false) or the sends of an exchange. */
static int post(const struct dmasim_comm *c, bool send, void *const *buf,
		const size_t *len, MPI_Request *req, int *nreq)
{
	for (int r = 0; r < c->ranks; r++) {
		int rc;

		if (r == c->rank || !len[r])
			continue;
		if (len[r] > INT_MAX)
			return -1;
		rc = send ? MPI_Isend(buf[r], (int)len[r], MPI_BYTE, r,
				      MPICOMM_TAG, MPI_COMM_WORLD,
				      &req[(*nreq)++]) :
			    MPI_Irecv(buf[r], (int)len[r], MPI_BYTE, r,
				      MPICOMM_TAG, MPI_COMM_WORLD,
				      &req[(*nreq)++]);
		if (rc != MPI_SUCCESS)
			return -1;
	}
	return 0;
}

static int world_exchange(void *ctx, void *const *sbuf, const size_t *slen,
			  void *const *rbuf, const size_t *rlen)
{
	const struct dmasim_comm *c = ctx;
	MPI_Request *req = malloc(2 * (size_t)c->ranks * sizeof(*req));
	int nreq = 0, rc;

	if (!req)
		return -1;
	rc = post(c, false, rbuf, rlen, req, &nreq);
	if (!rc)
		rc = post(c, true, sbuf, slen, req, &nreq);
	if (nreq && MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE) !=
		    MPI_SUCCESS)
		rc = -1;
	free(req);
	return rc;
}

const struct dmasim_comm *mpicomm_world(void)
{
	static struct dmasim_comm world;
	int up = 0;

	if (MPI_Initialized(&up) != MPI_SUCCESS || !up)
		return NULL;
	if (!world.ranks) {
		MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
		MPI_Comm_size(MPI_COMM_WORLD, &world.ranks);
		world.ctx = &world;
		world.alltoall = world_alltoall;
		world.exchange = world_exchange;
	}
	return &world;
}

#endif
