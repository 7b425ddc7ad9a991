/* traceread_int: what the reader (traceread.c) and the tables it fills
 * (traceread_tab.c) share. */
#ifndef DMASIM_REPORT_TRACEREAD_INT_H
#define DMASIM_REPORT_TRACEREAD_INT_H

#include <stdint.h>

#include "traceread.h"

/* The track (pid, tid), made when new.  Returns 0 or DMASIM_ENOMEM. */
int traceread_track_of(struct traceread *tr, int64_t pid, int64_t tid,
		       struct traceread_track **out);
/* The index of a span or instant name, interned.  Returns 0 or
 * DMASIM_ENOMEM. */
int traceread_name_of(struct traceread *tr, const char *s, uint32_t *out);
/* The system of pid, made when new.  Returns 0 or DMASIM_ENOMEM. */
int traceread_sys_of(struct traceread *tr, int64_t pid,
		     struct traceread_sys **out);
/* Replace *dst with a copy of s.  Returns 0 or DMASIM_ENOMEM. */
int traceread_set_name(char **dst, const char *s);
/* Once every event is read: each track's spans in order with their
 * depths, each system's tracks in order with its extent and counts,
 * default names.  Returns 0 or DMASIM_ENOMEM. */
int traceread_finish(struct traceread *tr);

#endif
