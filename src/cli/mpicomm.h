/*
 * mpicomm: the MPI ranks of the run (MPI_COMM_WORLD) as a struct
 * dmasim_comm, through which a split cluster's ranks exchange frames at
 * their barriers and give their results to rank 0 (see
 * dmasim_run_set_comm()).  MPI must be initialised (ranks_init()).
 */
#ifndef DMASIM_CLI_MPICOMM_H
#define DMASIM_CLI_MPICOMM_H

#include "dmasim/dmasim.h"

/* The ranks, or NULL in a build without MPI. */
const struct dmasim_comm *mpicomm_world(void);

#endif
