/*
 * cluster_int: a cluster's parts, shared by cluster.c (building and the
 * run of windows) and cluster_sync.c (the barrier between ranks and the
 * board).
 */
#ifndef DMASIM_SYS_CLUSTER_INT_H
#define DMASIM_SYS_CLUSTER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/net.h"
#include "sys.h"

/* A value on the board (see dmasim_cluster_publish()). */
struct board_entry {
	uint32_t node;
	uint32_t klen, vlen;
	char *key;		/* klen bytes and a NUL, then the value */
};

struct board {
	struct board_entry *slot;	/* open addressing, cap a power of 2 */
	size_t n, cap;
	/* published since the last barrier, packed (see cluster_sync.c) */
	uint8_t *pend;
	size_t plen, pcap;
};

/* Per peer rank: what goes there and what comes from there. */
struct peer_buf {
	uint8_t *out;
	size_t olen, ocap;
	uint8_t *in;
	size_t ilen, icap;
};

struct dmasim_cluster {
	char name[SYS_NAME_MAX];
	struct net net;
	struct dmasim_sys **nodes;	/* by id; NULL: none (yet), or on
					 * another rank */
	char err[600];
	uint64_t now;
	bool running;
	bool reverse;		/* nodes run last to first in a window */
	/* split over ranks: comm and owner set, else NULL */
	const struct dmasim_comm *comm;
	uint32_t *owner;	/* by node */
	struct peer_buf *peer;	/* by rank */
	uint64_t *hsend, *hrecv;	/* the barrier's header, by rank */
	struct board board;
	/* the whole cluster's figures (split: summed at each run's end) */
	bool have_totals;
	struct dmasim_cluster_info totals;
};

/* Whether node i is simulated here. */
static inline bool cluster_local(const struct dmasim_cluster *cl, uint32_t i)
{
	return !cl->comm || cl->owner[i] == (uint32_t)cl->comm->rank;
}

/*
 * The barrier at a window's end (and before the first window): the
 * frames sent in the window go to the ranks whose switch ports they are
 * bound for, the board's publications to every rank, and every frame and
 * publication is handed over.  *next: the earliest event anywhere after
 * it (UINT64_MAX: none).  *failed: set when a rank says it failed (its
 * own *failed in); then nothing is handed over.  Returns 0, or
 * DMASIM_ENOMEM / DMASIM_EIO (the ranks could not exchange).
 */
int cluster_barrier(struct dmasim_cluster *cl, uint64_t *next, bool *failed);
/* Sum the ranks' figures into cl->totals (collective). */
int cluster_sum(struct dmasim_cluster *cl);
/* The local figures (this rank's nodes and switch ports). */
void cluster_local_info(const struct dmasim_cluster *cl,
			struct dmasim_cluster_info *o);
void board_fini(struct board *b);

#endif
