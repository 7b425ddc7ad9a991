/*
 * runview: the views `dmasim run` gives of a run besides its results:
 * --stats (every statistic, text or JSON), --timeline (an ASCII timeline
 * of the buses, CPUs and DMA channels) and the summary of where the time
 * went (on unless --no-summary or -q).
 */
#ifndef DMASIM_CLI_RUNVIEW_H
#define DMASIM_CLI_RUNVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "dmasim/dmasim.h"

struct runview {
	const char *stats;	/* file, "-" for stdout, or NULL */
	bool stats_json;
	bool timeline;
	unsigned width;		/* timeline columns */
	bool no_summary;
};

/* If argv[*i] is one of runview's options, take it (and its value):
 * returns 1, or -1 with an error printed; 0 when it is not one. */
int runview_option(struct runview *v, int argc, char **argv, int *i);
/* Before the run: the timeline.  from and to: the window (ps). */
int runview_setup(const struct runview *v, struct dmasim_run *run,
		  uint64_t from, uint64_t to);
/* After the results: the summary and the statistics.  Returns 0 or an
 * exit status. */
int runview_finish(const struct runview *v, const struct dmasim_run *run,
		   bool quiet);

#endif
