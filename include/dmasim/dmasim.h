/*
 * dmasim: a deterministic discrete-event simulator of DMA-based I/O systems.
 *
 * This is the library's one public header.  A program (the dmasim command
 * is one) loads a Lua scenario into a run, overrides its parameters, runs it
 * and reads its results as text or JSON.  Every function that can fail
 * returns 0 or a negative DMASIM_E* code; dmasim_strerror() names it and
 * dmasim_run_error() gives the full message of the last failure of a run.
 */
#ifndef DMASIM_DMASIM_H
#define DMASIM_DMASIM_H

#include <stdint.h>
#include <stdio.h>

/* The export macro, DMASIM_VERSION and the error table (DMASIM_E*,
 * dmasim_strerror, dmasim_errname). */
#include "dmasim/base.h"
#include "dmasim/machine.h"

DMASIM_API const char *dmasim_version(void);

/* One scenario run: parameters in, results out. */
struct dmasim_run;

/* Returns 0 and a new run in *out, or DMASIM_ENOMEM. */
DMASIM_API int dmasim_run_new(struct dmasim_run **out);
DMASIM_API void dmasim_run_free(struct dmasim_run *run);

/*
 * Override a parameter the scenario declares, as "-D name=value" does.  The
 * name is checked when the scenario declares its parameters: an unknown name
 * then fails the run with DMASIM_EPARAM and a message listing the known
 * ones.  Returns DMASIM_EINVAL for an empty name, DMASIM_ENOMEM otherwise.
 */
DMASIM_API int dmasim_run_define(struct dmasim_run *run, const char *name,
				 const char *value);
/* Parse "name=value" and define it. */
DMASIM_API int dmasim_run_define_arg(struct dmasim_run *run, const char *arg);
DMASIM_API void dmasim_run_set_seed(struct dmasim_run *run, uint64_t seed);
/*
 * The installed scenarios folder, where a scenario's `require` looks last
 * for a library (name.lua there or in its lib/), after the scenario's own
 * folder and the folders of $DMASIM_PATH (colon-separated).  Default: the
 * folder libdmasim was configured to install them in
 * (<datadir>/dmasim/scenarios).  The dmasim command sets the one beside
 * it.  Returns 0, DMASIM_EINVAL (NULL or empty) or DMASIM_ENOMEM.
 */
DMASIM_API int dmasim_run_set_libdir(struct dmasim_run *run, const char *dir);

/*
 * Timelines of every system the run creates (set before dmasim_run_file).
 * dmasim_run_set_trace: Chrome trace-event JSON, which Perfetto and
 * chrome://tracing open; dmasim_run_set_vcd: a value-change dump, which
 * GTKWave opens.  Only simulated times from_ps to to_ps are kept (0 and
 * UINT64_MAX: all).  A NULL path turns the output off.  Returns 0,
 * DMASIM_EINVAL when from_ps > to_ps, or DMASIM_ENOMEM.  The file is
 * created when the run starts and finished when it ends (even when the
 * scenario fails); failing to write it fails the run with DMASIM_EIO.
 */
DMASIM_API int dmasim_run_set_trace(struct dmasim_run *run, const char *path,
				    uint64_t from_ps, uint64_t to_ps);
DMASIM_API int dmasim_run_set_vcd(struct dmasim_run *run, const char *path,
				  uint64_t from_ps, uint64_t to_ps);

/* Where a simulation stands, for a progress display. */
struct dmasim_progress {
	const char *system;	/* the system's name */
	uint64_t now;		/* ps: simulated time reached */
	uint64_t until;		/* ps: where this system:run() stops,
				 * UINT64_MAX when it runs until no work is
				 * left (no known end) */
	uint64_t events;	/* events this system has run */
};
typedef void (*dmasim_progress_fn)(void *ctx,
				   const struct dmasim_progress *p);
/*
 * Call fn(ctx, p) while the run simulates, once every 65536 events (never
 * per event): fn may read the wall clock and draw a progress line.  It
 * runs inside the simulation and must not call back into the run.  NULL
 * turns it off.
 */
DMASIM_API void dmasim_run_set_progress(struct dmasim_run *run,
					dmasim_progress_fn fn, void *ctx);

/*
 * Limits on a run, each 0 for none: events any one system runs (checked
 * every 65536 events), wall-clock seconds, and Lua instructions of the
 * scenario (counted by the thousand).  A run that reaches one stops with
 * DMASIM_ELIMIT, a message naming the limit, and the results reported so
 * far, marked partial (dmasim_run_partial(), "partial" in the JSON).
 */
DMASIM_API void dmasim_run_set_limits(struct dmasim_run *run,
				      uint64_t max_events, double max_wall_s,
				      uint64_t max_instructions);
/*
 * Run the scenario as one of comm's ranks (NULL: alone), each running
 * the same scenario with the same parameters: a cluster made with
 * partition (see docs/language.md) is split over them, and rank 0's
 * results (dmasim_run_write_json(), dmasim_run_print()) are those of the
 * whole run, byte for byte those of a run alone; the other ranks' hold
 * their own nodes only.  comm must outlive the run.
 */
DMASIM_API void dmasim_run_set_comm(struct dmasim_run *run,
				    const struct dmasim_comm *comm);
/* Why the run stopped before its end (a limit), or NULL. */
DMASIM_API const char *dmasim_run_partial(const struct dmasim_run *run);

/*
 * Load and run a scenario file to the end.  Returns 0 or a DMASIM_E* code;
 * on failure dmasim_run_error() holds a message naming file:line and what
 * was expected.  A run is used once.
 */
DMASIM_API int dmasim_run_file(struct dmasim_run *run, const char *path);
DMASIM_API const char *dmasim_run_error(const struct dmasim_run *run);

/* The results as readable text: "name value [unit]" lines and tables. */
DMASIM_API int dmasim_run_print(const struct dmasim_run *run, FILE *out);
/* The results, parameters and statistics as JSON, byte-identical for the
 * same scenario, parameters and seed. */
DMASIM_API int dmasim_run_write_json(const struct dmasim_run *run,
				     const char *path);

/* A reported result or a parameter in force, for tables such as CSV. */
struct dmasim_value {
	const char *name;
	const char *unit;	/* dmasim.report's unit, "" when none */
	const char *text;	/* the value unformatted: 4096, 0.1 (the
				 * shortest text that reads back the same
				 * double), true, or the string itself */
	double number;		/* the value, NAN when not a number */
	int is_number;		/* 1 for integers and reals */
	char buf[32];		/* storage behind text */
};

/* Results in the order reported (dmasim.report, then the fields of a
 * table the scenario returns); parameters sorted by name. */
DMASIM_API int dmasim_run_result_count(const struct dmasim_run *run);
/* Returns 0 or DMASIM_EINVAL for an index out of range.  OUT: *out,
 * valid until the run is freed (and out's own buf). */
DMASIM_API int dmasim_run_result(const struct dmasim_run *run, int i,
				 struct dmasim_value *out);
DMASIM_API int dmasim_run_param_count(const struct dmasim_run *run);
DMASIM_API int dmasim_run_param(const struct dmasim_run *run, int i,
				struct dmasim_value *out);

/* What a value's unit measures; values are in base units. */
enum dmasim_unit {
	DMASIM_UNIT_NONE,	/* a plain number */
	DMASIM_UNIT_SIZE,	/* bytes */
	DMASIM_UNIT_TIME,	/* ps */
	DMASIM_UNIT_FREQ,	/* Hz */
	DMASIM_UNIT_BANDWIDTH	/* bytes per second */
};
/*
 * Parse a value written the way people write it ("512KiB", "100ns",
 * "2GHz", "16GB/s", "0.25") into base units.  Returns 0 or DMASIM_EUNIT.
 * OUT: *out, and *unit (may be NULL) naming what the suffix measures.
 */
DMASIM_API int dmasim_parse_value(const char *s, enum dmasim_unit *unit,
				  double *out);
/* The base unit's name: "", "bytes", "ps", "Hz", "bytes/s". */
DMASIM_API const char *dmasim_unit_name(enum dmasim_unit unit);

/* Claims reported by the run (dmasim.claim in a scenario). */
DMASIM_API int dmasim_run_claim_count(const struct dmasim_run *run);
struct dmasim_claim {
	const char *id;		/* short identifier, e.g. "pio_vs_dma.breakeven" */
	const char *text;	/* the claim in words */
	const char *unit;	/* unit of model and simulated, "" if none */
	double model;		/* closed-form value */
	double simulated;	/* value that emerged from the simulation */
	double tolerance;	/* relative tolerance used for agreement */
	int agree;		/* 1 when |sim - model| <= tol * |model| and
				 * the data arrived intact */
	/* Zero for a plain quantitative claim with no published figure. */
	int check;		/* 1: a yes/no check (model: the answer
				 * expected, simulated: the one observed,
				 * 1 = yes, 0 = no) */
	int data_wrong;		/* 1: the data the mechanism moved arrived
				 * wrong; the claim then disagrees */
	int published_cmp;	/* how the source states its figure:
				 * DMASIM_PUB_NONE, _ABOUT, _OVER, _UNDER */
	double published;	/* the source's figure, in unit */
	int reproduced;		/* 1 when the simulated value matches the
				 * published figure as stated ("about":
				 * within tolerance; "over": above; "under":
				 * below) */
	/* Optional (NULL when none): the closed-form model written out
	 * with the parameter values substituted ("K*N*D + N*M = 4*100*2 +
	 * 100*4"), and the mechanism that produces the simulated value and
	 * why the two agree, in words. */
	const char *formula;
	const char *explain;
};
enum {
	DMASIM_PUB_NONE = 0,
	DMASIM_PUB_ABOUT = 1,
	DMASIM_PUB_OVER = 2,
	DMASIM_PUB_UNDER = 3,
};
DMASIM_API int dmasim_run_claim(const struct dmasim_run *run, int i,
				struct dmasim_claim *out);

/*
 * A C program reports into a run as a scenario does.  A system made with
 * dmasim_run_new_system() is observed by the run: its timelines go to the
 * run's trace and VCD files, the sanitizer watches it when the run checks,
 * and its statistics join the results when it is freed (free every system
 * before printing or writing the results).  Returns 0, DMASIM_EINVAL,
 * DMASIM_ENOMEM, or the code of a timeline file that could not be created.
 */
DMASIM_API int dmasim_run_new_system(struct dmasim_run *run,
				     const struct dmasim_sys_config *cfg,
				     struct dmasim_sys **out);
/* The run seed (1 unless set). */
DMASIM_API uint64_t dmasim_run_seed(const struct dmasim_run *run);
/* Report a result (unit: "" or NULL for none).  Returns 0, DMASIM_EINVAL
 * for an empty name, or DMASIM_ENOMEM. */
DMASIM_API int dmasim_run_report_int(struct dmasim_run *run, const char *name,
				     int64_t value, const char *unit);
DMASIM_API int dmasim_run_report_real(struct dmasim_run *run,
				      const char *name, double value,
				      const char *unit);
DMASIM_API int dmasim_run_report_text(struct dmasim_run *run,
				      const char *name, const char *value);
/* Report a claim: c's id, text, unit, model, simulated, tolerance, check,
 * data_wrong, published_cmp and published (c->agree and c->reproduced are
 * ignored); OUT: *agree (may be NULL), by the rule above.  DMASIM_EINVAL
 * for an empty id, no text, a negative tolerance or an unknown
 * published_cmp. */
DMASIM_API int dmasim_run_add_claim(struct dmasim_run *run,
				    const struct dmasim_claim *c, int *agree);
/* A table: (1 + nrows) * ncols cells, the header row first (copied). */
DMASIM_API int dmasim_run_add_table(struct dmasim_run *run, const char *title,
				    int ncols, int nrows,
				    const char *const *cells);
/* Finish the run's timeline files (dmasim_run_file does it itself): after
 * the last system is freed.  Returns 0 or the run's failure code. */
DMASIM_API int dmasim_run_finish(struct dmasim_run *run);

/*
 * The DMA sanitizer ("dmasim run --check"): turn it on before
 * dmasim_run_file(); its reports are kept in the run, in the JSON results
 * ("check") and readable here.
 */
DMASIM_API void dmasim_run_set_check(struct dmasim_run *run, int on);
struct dmasim_check {
	char cls[32];		/* class, e.g. "STALE_CPU_READ" */
	char what[80];		/* the class in words */
	char fix[96];		/* the call that would have prevented it */
	char initiator[40];
	char where[200];	/* the scenario's line whose call made the
				 * access, or started the transfer of the
				 * DMA channel that made it ("run.lua:12, in
				 * dmadrv.lua:79"), or "" */
	uint64_t time;		/* simulated ps */
	uint64_t paddr, dma;	/* physical and device addresses */
	uint64_t size;		/* bytes */
};
DMASIM_API int dmasim_run_check_count(const struct dmasim_run *run);
DMASIM_API const struct dmasim_check *dmasim_run_check_report(
	const struct dmasim_run *run, int i);

/*
 * Every statistic of every system the run made (kept as each system is
 * freed), with its unit and what it means: as text, one per line
 * ("name value unit # meaning", as gem5's stats.txt), or, with json
 * non-zero, as a JSON object {"systems": [{"name", "time_ps", "events",
 * "stats": [{"name", "value", "unit", "kind", "description"}]}]}
 * (histograms add "count", "min" and "max"; "value" is their mean).
 * Returns 0, DMASIM_EINVAL (no file) or DMASIM_EIO.
 */
DMASIM_API int dmasim_run_write_stats(const struct dmasim_run *run,
				      FILE *out, int json);
/* Whether the run keeps every statistic for dmasim_run_write_stats()
 * (on unless turned off before the run; off, it writes no system, and a
 * run of many systems ends sooner and smaller). */
DMASIM_API void dmasim_run_set_stats(struct dmasim_run *run, int keep);
/*
 * Where each system's time went: each bus's utilisation and who held it,
 * each CPU's busy, stalled, interrupt and idle time, each DMA channel's
 * bytes and bus time, each interrupt line; and notes on what was left
 * unfinished (processes still waiting, channels never started,
 * interrupts no handler took, a system never run).  Returns 0 or
 * DMASIM_EIO.
 */
DMASIM_API int dmasim_run_print_summary(const struct dmasim_run *run,
					FILE *out);
/*
 * Draw an ASCII timeline of each system into out as the system ends: a
 * row per bus (who owns it), CPU (running, stalled, in a handler) and DMA
 * channel (transferring), at most `width` columns (10 to 1000) for the
 * simulated times from_ps to to_ps (0 and UINT64_MAX: the whole run),
 * with each row's exact time per owner.  Set before dmasim_run_file; a
 * NULL out turns it off.  Returns 0 or DMASIM_EINVAL.
 */
DMASIM_API int dmasim_run_set_timeline(struct dmasim_run *run, FILE *out,
				       uint64_t from_ps, uint64_t to_ps,
				       unsigned width);

/*
 * A self-contained HTML page of runs (dmasim report, dmasim tour --html):
 * each run's parameters, results, tables and claims, a chart of each
 * claim's simulated value against its model as inline SVG, and the
 * run's timeline when its trace is added; it needs no network access.  Each add makes the page when *page is NULL.
 * dmasim_html_add_run: a run (after dmasim_run_file), under a name;
 * dmasim_html_add_json: a run's JSON file (dmasim run --json): returns
 * DMASIM_EIO when it cannot be read, DMASIM_EINVAL when it is not a run's
 * JSON.  Each returns 0 or a DMASIM_E* code.
 */
struct dmasim_html;
DMASIM_API int dmasim_html_add_run(struct dmasim_html **page,
				   const struct dmasim_run *run,
				   const char *name);
DMASIM_API int dmasim_html_add_json(struct dmasim_html **page,
				    const char *path);
/*
 * The timeline of the run added last, drawn from its trace (dmasim run
 * --trace FILE.json: Chrome trace-event JSON): per system of the run a
 * row per track with its spans and instants, a time axis and a legend,
 * zoomed and panned by a small script in the page (without it, the whole
 * run shows).  On a track of more than max_spans spans (0: 4000), the
 * spans narrower than a pixel at full view are merged, and the page says
 * so.  Returns 0; DMASIM_EINVAL when no run was added yet, the run has a
 * trace already, or the file is not a trace-event JSON; DMASIM_EIO when
 * it cannot be read (errno says why); DMASIM_ENOMEM.
 * dmasim_html_error() says why the last of these failed, in a sentence
 * that names the file (and the line) and what was expected.
 */
DMASIM_API int dmasim_html_add_trace(struct dmasim_html *page,
				     const char *path, unsigned max_spans);
DMASIM_API const char *dmasim_html_error(const struct dmasim_html *page);
/* Write the page (a NULL page: one with no run).  Returns 0 or
 * DMASIM_EIO (errno says why). */
DMASIM_API int dmasim_html_write(const struct dmasim_html *page,
				 const char *path);
DMASIM_API void dmasim_html_free(struct dmasim_html *page);

#endif
