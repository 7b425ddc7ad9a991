/*
 * run: one run of the library (struct dmasim_run, the public API): the
 * parameters it was given (-D overrides and the seed), what it observes
 * its systems with (timeline files, the DMA sanitizer, a progress
 * display), and everything reported: results, tables, claims, sanitizer
 * reports and each system's statistics, printed as text or written as
 * JSON.  Systems made with dmasim_run_new_system() are observed by the
 * run; the Lua scenario loader (lua/) and C programs both report into it.
 */
#ifndef DMASIM_REPORT_RUN_H
#define DMASIM_REPORT_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "dmasim/dmasim.h"
#include "kernel/sim.h"
#include "kernel/trace.h"
#include "results.h"

struct define {
	char *name;
	char *value;
	bool used;
};

/* A timeline file asked for with dmasim_run_set_trace/_vcd. */
struct run_output {
	char *path;		/* NULL: none */
	uint64_t from, to;	/* ps */
};

struct dmasim_run {
	struct results res;
	struct define *defs;
	size_t ndefs, capdefs;
	uint64_t seed;
	bool seed_set;
	bool params_declared;
	bool started;		/* its outputs are open */
	bool ran;		/* dmasim_run_file was called */
	int code;		/* code of the failure, 0 when none */
	char *error;		/* message of the failure */
	char *scenario;		/* path */
	char *libdir;		/* the installed scenarios, or NULL */
	bool check;		/* the DMA sanitizer is on */
	bool no_stats;		/* dmasim_run_set_stats(run, 0) */
	struct dmasim_check *checks;	/* its reports */
	size_t nchecks, capchecks;
	struct run_output trace_json, trace_vcd;
	struct trace_config trace;	/* the open timeline sinks */
	dmasim_progress_fn progress;
	void *progress_ctx;
	uint64_t max_events;	/* per system; 0: none */
	double max_wall_s;	/* s; 0: none */
	uint64_t max_instr;	/* Lua instructions; 0: none */
	uint64_t instr;		/* Lua instructions counted so far */
	double wall_start;	/* s (monotonic clock) when the run began */
	char *partial;		/* the limit reached, or NULL */
	/* statsout.c: each system's statistics with units and meanings, and
	 * where its time went */
	json_t *stats_out;	/* by system, in the order made */
	json_t *summary;	/* strings, the same order */
	/* ranks: see dmasim_run_set_comm() */
	const struct dmasim_comm *comm;
	int *slot_rank;		/* by system slot: the rank that simulates
				 * it (a node of a split cluster), or -1 */
	size_t nslot_rank, capslot_rank;
	/* asciitl.c: the ASCII timeline asked for, or out NULL */
	struct {
		FILE *out;
		uint64_t from, to;	/* ps */
		unsigned width;		/* columns at most */
	} timeline;
};

/* The newest system (its slot) is simulated by rank `rank`, which gives
 * its results to rank 0 at the end (run_gather()). */
int run_slot_rank(struct dmasim_run *run, int rank);
/* A slot for a system simulated by another rank. */
int run_remote_slot(struct dmasim_run *run, int rank);
/* Ranks: give every system simulated by a rank other than 0 to rank 0
 * (collective; after every system is freed).  Returns 0 or fails the
 * run. */
int run_gather(struct dmasim_run *run);
/* Put a system's statistics (statsout.c), taken, at slot. */
int statsout_put(struct dmasim_run *run, int slot, json_t *stats,
		 json_t *summary);

/* Whether a limit is reached (events: of the running system, or 0);
 * records which in run->partial.  True from then on. */
bool run_limit_reached(struct dmasim_run *run, uint64_t events);
/* Add the ASCII timeline's sink to the run's trace when one was asked
 * for (asciitl.c).  Returns 0 or the failure's code (recorded). */
int asciitl_start(struct dmasim_run *run);
/* Keep sys's statistics and its summary in the run as its slot'th system
 * (statsout.c; called as the system is freed).  Returns 0 or
 * DMASIM_ENOMEM.  statsout_free: free them. */
int statsout_capture(struct dmasim_run *run, int slot, struct dmasim_sys *sys);
void statsout_free(struct dmasim_run *run);
/* Seconds on the monotonic clock. */
double run_wall_now(void);

/* Record a failure (the first one wins the code); returns code. */
int run_fail(struct dmasim_run *run, int code, const char *msg);
/* Open the timeline files once, before the first system is made.
 * Returns 0 or the failure's code (recorded). */
int run_start(struct dmasim_run *run);
/* Finish the timeline files (after every system is freed).  Returns 0 or
 * the failure's code (recorded). */
int run_finish(struct dmasim_run *run);

#endif
