/* hostmeasure_int: what hostmeasure.c and hostthread.c share. */
#ifndef DMASIM_CLI_HOSTMEASURE_INT_H
#define DMASIM_CLI_HOSTMEASURE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostmeasure.h"

extern volatile uint64_t host_sink;	/* results the compiler must keep */

/* ns on the monotonic clock */
double host_now_ns(void);
/* the median of v[0..n) (sorts v) */
double host_median(double *v, size_t n);

/* hostthread.c; each returns 0, or -1 when out of memory or threads */
int host_measure_offload(struct host_cal *c, bool quick);
void host_measure_wakeup(struct host_cal *c, bool quick);
int host_measure_overlap(struct host_cal *c, bool quick);

#endif
