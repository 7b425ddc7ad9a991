/*
 * sim: one simulation.  Everything hangs off this object (no globals): the
 * clock of simulated time, the event queue, the statistics registry, the
 * run seed from which each component derives its random stream, and the
 * processes.  Many simulations may live in one host process.
 *
 * Time is a uint64_t count of picoseconds.  Events are run in (time, phase,
 * sequence) order; scheduling into the past is a bug in dmasim (assert).
 */
#ifndef DMASIM_KERNEL_SIM_H
#define DMASIM_KERNEL_SIM_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "base.h"
#include "evq.h"
#include "rng.h"
#include "stats.h"

struct proc;
struct trace;

#if defined(__GNUC__)
#define SIM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SIM_LIKELY(x) __builtin_expect(!!(x), 1)
/* For a model's rarely-run paths, kept out of its hot functions so that
 * those stay small and need few registers. */
#define SIM_NOINLINE __attribute__((noinline))
#else
#define SIM_UNLIKELY(x) (x)
#define SIM_LIKELY(x) (x)
#define SIM_NOINLINE
#endif

/* sim_run() calls the progress hook each time the events it has run pass
 * a multiple of SIM_PROGRESS_MASK + 1 (2^16): at the first event boundary
 * at or after it (a callback that entered several events, sim_enter(), may
 * pass it by a few). */
#define SIM_PROGRESS_MASK 0xffffull

struct sim {
	uint64_t now;		/* ps */
	enum phase phase;	/* phase of the event being run */
	struct evq q;
	struct stats stats;
	uint64_t seed;		/* run seed */
	uint64_t events;	/* events run so far */
	uint64_t until;		/* the running sim_run()'s limit; 0 outside
				 * a run */
	bool stopping;		/* sim_stop() was called */
	int host_err;		/* a host failure (DMASIM_ENOMEM) a model met
				 * mid-run: the run stops and fails with it */
	struct proc *current;	/* process being resumed, or NULL */
	void *user;		/* the owner's context (the Lua layer) */
	const char *name;	/* the system's name, or NULL */
	struct trace *trace;	/* trace points' sinks; NULL: tracing off */
	/* Optional: called from sim_run() about every 2^16 events (see
	 * SIM_PROGRESS_MASK), never per event, with the run's `until` and
	 * the events run so far. */
	void (*progress)(struct sim *sim, uint64_t until, uint64_t events);
	void *progress_ctx;
};

int sim_init(struct sim *sim, uint64_t seed);
/* Free the queue and the statistics.  A traced simulation must be detached
 * first (trace_detach()). */
void sim_fini(struct sim *sim);

/*
 * Schedule fn(sim, ev) at absolute time t in the given phase.  t must not be
 * in the past; at the current instant the phase must not be earlier than the
 * running one (sim_at_clamped() moves it forward instead).  Returns NULL
 * only when out of memory.
 */
static inline struct event *sim_at(struct sim *sim, uint64_t t,
				   enum phase phase, event_fn fn, void *obj,
				   void *ptr, uint64_t arg)
{
	assert(t > sim->now || (t == sim->now && phase >= sim->phase));
	return evq_push(&sim->q, t, phase, fn, obj, ptr, arg);
}

/* sim_at() for an embedded event (evq_embed()) that is not queued.
 * Returns false only when out of memory. */
static inline bool sim_at_embedded(struct sim *sim, struct event *ev,
				   uint64_t t, enum phase phase)
{
	assert(t > sim->now || (t == sim->now && phase >= sim->phase));
	return evq_push_embedded(&sim->q, ev, t, phase);
}

/* Like sim_at(), but an earlier phase at the current instant is raised to
 * the running phase. */
static inline struct event *sim_at_clamped(struct sim *sim, uint64_t t,
					   enum phase phase, event_fn fn,
					   void *obj, void *ptr, uint64_t arg)
{
	if (t == sim->now && phase < sim->phase)
		phase = sim->phase;
	return sim_at(sim, t, phase, fn, obj, ptr, arg);
}

/* A model met a host failure (out of memory) mid-run: the run stops after
 * this event and fails with it, before anything simulated sees a
 * half-done operation. */
static inline void sim_host_oom(struct sim *sim)
{
	sim->host_err = DMASIM_ENOMEM;
	sim->stopping = true;
}

static inline struct event *sim_after(struct sim *sim, uint64_t delay,
				      enum phase phase, event_fn fn,
				      void *obj, void *ptr, uint64_t arg)
{
	return sim_at(sim, sim->now + delay, phase, fn, obj, ptr, arg);
}

static inline bool sim_cancel(struct sim *sim, struct ev_handle h)
{
	return evq_cancel(&sim->q, h);
}

/*
 * Run events until the queue is empty, sim_stop() is called, or the next
 * event lies after `until` (UINT64_MAX: no limit); time then stands at the
 * last event run (or at `until` when it stopped there).  Returns the number
 * of events run.  The progress hook, when set, is called about every 2^16
 * events (SIM_PROGRESS_MASK).
 */
uint64_t sim_run(struct sim *sim, uint64_t until);

/* Ask sim_run() to return after the current event. */
static inline void sim_stop(struct sim *sim)
{
	sim->stopping = true;
}

/* True when no event is queued at the current instant in a phase before p:
 * code running in an earlier phase may then act for phase p at once. */
static inline bool sim_instant_clear_before(const struct sim *sim,
					    enum phase p)
{
	const struct event *ev;

	if (!sim->q.len)
		return true;
	ev = sim->q.heap[0];
	return ev->time > sim->now || event_phase(ev) >= p;
}

/*
 * A model about to queue an event at (t, phase) from inside an event may
 * ask whether it would be the next event run: inside a run, before its
 * limit and with no stop asked, earlier in (time, phase, sequence) order
 * than every queued event (a new event's sequence is the largest, so an
 * equal time and phase loses).  If so, the model may run the event's work
 * itself, at once, after sim_enter(), instead of queuing it for the loop to
 * pop: the order of events is the same, only the queue is left out.
 */
static inline bool sim_runs_next(const struct sim *sim, uint64_t t,
				 enum phase phase)
{
	const struct event *ev;

	if (t > sim->until || sim->stopping)
		return false;
#ifdef DMASIM_MUTATE_ENTER_OUT_OF_ORDER
	return true;	/* ahead of whatever is queued */
#endif
	if (!sim->q.len)
		return true;
	ev = sim->q.heap[0];
	return t < ev->time || (t == ev->time && phase < event_phase(ev));
}

/* Enter the event that sim_runs_next() allowed: time moves to it.  The
 * model counts the events it entered and adds them with sim_entered()
 * before it returns (one count a call, not one an event). */
static inline void sim_enter(struct sim *sim, uint64_t t, enum phase phase)
{
	assert(t > sim->now || (t == sim->now && phase >= sim->phase));
	sim->now = t;
	sim->phase = phase;
}

static inline void sim_entered(struct sim *sim, uint64_t n)
{
	sim->events += n;
}

#endif
