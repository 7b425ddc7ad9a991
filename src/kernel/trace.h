/*
 * trace: trace points, the timeline of a simulation as spans, instants,
 * counters and signals, written by sinks (Chrome trace-event JSON for
 * Perfetto, a value-change dump for GTKWave; see report/tracejson.h and
 * report/vcd.h).
 *
 * Every trace point is declared once, by the layer that emits it (struct
 * trace_point below).  A point has a kind:
 *   span     begins and ends on one track; spans on a track nest
 *   instant  a moment on a track (an interrupt, a sanitizer report)
 *   counter  a number over time (a queue depth, a utilisation): a Chrome
 *            counter track and a VCD real variable
 *   signal   a wire `width` bits wide (a bus grant, an interrupt line):
 *            a VCD variable only
 * A track is a component's lane ("bus", "bus.dma1", "cpu0"), named
 * relative to its system; sinks prefix the system's name, and a dot in a
 * track name nests it (a VCD scope).
 *
 * Cost when no sink is attached: every emitting call below is an inline
 * test of sim->trace, predicted not taken, and nothing else.  Tracks asked
 * for while tracing is off are 0, and every call ignores track 0, so a
 * component registers its tracks at init without testing anything.
 *
 * Times are the simulation's: ps.  A window [from, to] per sink keeps long
 * runs small: spans are clipped to it, instants, counters and signals
 * outside it dropped, and the counters' and signals' values at `from` are
 * written when the window opens.
 *
 * Nothing here allocates per event: tracks and variables grow when they
 * are first used, the sinks write into stdio buffers.
 */
#ifndef DMASIM_KERNEL_TRACE_H
#define DMASIM_KERNEL_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

enum trace_kind { TRACE_SPAN, TRACE_INSTANT, TRACE_COUNTER, TRACE_SIGNAL };

/*
 * A trace point: what a component emits.  Each layer declares its own
 * points, next to the code that emits them (a `static const struct
 * trace_point` in the model's file); the kernel only carries them to the
 * sinks, which read the name, kind and width.
 */
struct trace_point {
	const char *name;	/* the span's, instant's or variable's name */
	enum trace_kind kind;
	unsigned width;		/* bits, signals only (0: one) */
	const char *meaning;	/* one line, for documentation */
};

#define TRACE_MAX_SINKS 4
#define TRACE_DEPTH 8		/* nesting of spans on one track */
#define TRACE_TRACK_VARS 8	/* counters and signals on one track */
#define TRACE_NAME_MAX 64

struct trace;
struct trace_sink;

/*
 * A sink receives what falls in its window, already clipped.  Each op gets
 * the system's tracer: t->sys is the system's index in the run, t->name
 * its name, t->tracks[track].name a track's.  Ops other than close cannot
 * fail: a sink that hits a write error remembers it for close.
 */
struct trace_sink_ops {
	void (*system)(struct trace_sink *s, const struct trace *t);
	void (*track)(struct trace_sink *s, const struct trace *t,
		      uint32_t track);
	/* A counter or signal used for the first time; var is unique in the
	 * run. */
	void (*var)(struct trace_sink *s, const struct trace *t, uint32_t var,
		    uint32_t track, const struct trace_point *tp);
	void (*span)(struct trace_sink *s, const struct trace *t,
		     uint32_t track, const char *name, uint64_t begin,
		     uint64_t end);
	void (*instant)(struct trace_sink *s, const struct trace *t,
			uint32_t track, const char *name, uint64_t at);
	void (*counter)(struct trace_sink *s, const struct trace *t,
			uint32_t track, uint32_t var, const struct trace_point *tp,
			uint64_t at, double value);
	void (*signal)(struct trace_sink *s, const struct trace *t,
		       uint32_t var, uint64_t at, uint64_t value);
	/* The system is finished (its simulation is being freed). */
	void (*system_end)(struct trace_sink *s, const struct trace *t,
			   uint64_t at);
	/* Finish the file and free the sink.  Returns 0 or DMASIM_EIO. */
	int (*close)(struct trace_sink *s);
};

/* Embedded first in every sink's state. */
struct trace_sink {
	const struct trace_sink_ops *ops;
	uint64_t from, to;	/* ps: the window kept, inclusive */
};

/* What one run traces into: its sinks, shared by all its systems. */
struct trace_config {
	struct trace_sink *sink[TRACE_MAX_SINKS];
	unsigned nsinks;
	unsigned nsystems;	/* systems attached so far */
	uint32_t nvars;		/* counters and signals so far */
	char **names;		/* the systems' names, to keep them unique */
};

struct trace_open {
	uint64_t begin;		/* ps */
	const char *label;	/* span name; lives as long as the track */
	const struct trace_point *tp;
};

struct trace_var {
	const struct trace_point *tp;
	uint32_t id;		/* run-wide */
	bool set;		/* has a value */
	double value;		/* counters */
	uint64_t bits;		/* signals */
};

struct trace_track {
	char name[TRACE_NAME_MAX];	/* relative to the system */
	struct trace_open open[TRACE_DEPTH];
	unsigned depth;
	unsigned lost;		/* spans begun beyond TRACE_DEPTH */
	struct trace_var var[TRACE_TRACK_VARS];
	unsigned nvars;
};

/* One system's tracer (sim->trace). */
struct trace {
	struct trace_config *cfg;
	struct sim *sim;
	unsigned sys;		/* index among the run's systems, from 0 */
	char name[TRACE_NAME_MAX];	/* unique in the run */
	struct trace_track *tracks;	/* [1..ntracks]; 0 is "no track" */
	uint32_t ntracks, captracks;
	bool entered[TRACE_MAX_SINKS];	/* the sink's window has opened */
	/* ps: before quiet_before or after quiet_after no sink writes
	 * anything, so values are only kept (a cheap path for long runs
	 * with a small window) */
	uint64_t quiet_before, quiet_after;
};

void trace_config_init(struct trace_config *cfg);
/* Add a sink (the config takes it over).  Returns 0 or DMASIM_EINVAL
 * when full. */
int trace_config_add(struct trace_config *cfg, struct trace_sink *sink);
/* Close every sink.  Returns 0 or the first sink's error. */
int trace_config_fini(struct trace_config *cfg);

/*
 * Trace this simulation into cfg's sinks under the system name `name`
 * (made unique in the run with a "_2", "_3" suffix).  Attach before
 * creating components: tracks asked for earlier are 0.  Does nothing when
 * cfg has no sink.  Returns 0 or DMASIM_ENOMEM.  The owner detaches
 * (trace_detach()) before sim_fini().
 */
int trace_attach(struct sim *sim, struct trace_config *cfg,
		 const char *name);
/* Close the spans still open, tell the sinks the system ended, free. */
void trace_detach(struct sim *sim);

/*
 * The track named `name` ("bus", or prefix "." name with a prefix), made
 * on first use, for a component's lifetime.  Returns 0 when tracing is off
 * or out of memory (the component is then not traced).
 */
uint32_t trace_track(struct sim *sim, const char *prefix, const char *name);

/* Out-of-line halves of the calls below; call those instead. */
void trace_do_span_begin(struct trace *t, uint32_t track, const struct trace_point *tp,
			 const char *label);
void trace_do_span_end(struct trace *t, uint32_t track, const struct trace_point *tp);
void trace_do_instant(struct trace *t, uint32_t track, const struct trace_point *tp,
		      const char *label);
void trace_do_counter(struct trace *t, uint32_t track, const struct trace_point *tp,
		      double value);
void trace_do_signal(struct trace *t, uint32_t track, const struct trace_point *tp,
		     uint64_t value);

/* For a component's out-of-line trace helpers: keep them out of the hot
 * path's code (and its registers) when the compiler would inline them. */
#if defined(__GNUC__)
#define TRACE_COLD __attribute__((cold, noinline))
#else
#define TRACE_COLD
#endif

static inline bool trace_on(const struct sim *sim)
{
	return SIM_UNLIKELY(sim->trace != 0);
}

/*
 * Begin a span of point tp on a track, now.  label names the span (NULL:
 * the point's name) and must outlive the span.  Spans on one track must
 * nest: end the inner one first.
 */
static inline void trace_span_begin(struct sim *sim, uint32_t track,
				    const struct trace_point *tp, const char *label)
{
	if (trace_on(sim))
		trace_do_span_begin(sim->trace, track, tp, label);
}

/* End the innermost open span of point tp on the track, now (spans opened
 * inside it and still open end with it).  No such span: nothing. */
static inline void trace_span_end(struct sim *sim, uint32_t track,
				  const struct trace_point *tp)
{
	if (trace_on(sim))
		trace_do_span_end(sim->trace, track, tp);
}

static inline void trace_instant(struct sim *sim, uint32_t track,
				 const struct trace_point *tp, const char *label)
{
	if (trace_on(sim))
		trace_do_instant(sim->trace, track, tp, label);
}

/* A counter's value from now on; an unchanged value writes nothing. */
static inline void trace_counter(struct sim *sim, uint32_t track,
				 const struct trace_point *tp, double value)
{
	if (trace_on(sim))
		trace_do_counter(sim->trace, track, tp, value);
}

/* A signal's value from now on (the point's width in bits); an unchanged
 * value writes nothing. */
static inline void trace_signal(struct sim *sim, uint32_t track,
				const struct trace_point *tp, uint64_t value)
{
	if (trace_on(sim))
		trace_do_signal(sim->trace, track, tp, value);
}

#endif
