/*
 * progress: a one-line progress display on a terminal for runs longer than
 * about a second: simulated time reached, events per second and, when the
 * end is known (system:run(until)), the time left.  It reads the wall clock
 * only when libdmasim's progress hook calls it (every 2^16 events) and
 * redraws at most five times a second.  Off, it draws nothing: the caller
 * turns it off when stderr is not a terminal or with --quiet.
 */
#ifndef DMASIM_CLI_PROGRESS_H
#define DMASIM_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dmasim/dmasim.h"

struct progress {
	FILE *out;
	bool on;
	bool drawn;		/* a line is on the screen */
	double start;		/* s, monotonic: when the work began */
	double last_draw;	/* s */
	/* the current segment: one system:run() of one system */
	const char *sys;
	uint64_t until;		/* ps */
	uint64_t last_now;	/* ps */
	double seg_wall;	/* s: the segment's first sample */
	uint64_t seg_now;	/* ps */
	uint64_t seg_events;
};

/* Seconds on a monotonic clock. */
double progress_clock(void);

/* on: draw at all (a terminal, not --quiet).  The clock starts now. */
void progress_init(struct progress *p, FILE *out, bool on);

/* libdmasim's progress hook (dmasim_run_set_progress with ctx = p). */
void progress_run(void *ctx, const struct dmasim_progress *dp);

/* Draw a line of the caller's when one is due (after a second, at most
 * five times a second); force: whenever on. */
void progress_draw(struct progress *p, bool force, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Erase the line, if one was drawn. */
void progress_clear(struct progress *p);

/* "12.5 ms"-style text for a time in ps.  OUT: buf. */
char *progress_time(uint64_t ps, char *buf, size_t len);

#endif
