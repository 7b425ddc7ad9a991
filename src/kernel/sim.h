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
/* For a function instantiated with constant arguments (a loop made once
 * per variant). */
#define SIM_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SIM_UNLIKELY(x) (x)
#define SIM_LIKELY(x) (x)
#define SIM_NOINLINE
#define SIM_ALWAYS_INLINE inline
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
 * A model about to queue an event for a later time from inside an event
 * may instead run the event's work itself, at once, when that event would
 * be the next one run: sim_lead() is the latest time at which it would be,
 * strictly before every queued event and within the running sim_run()'s
 * limit (0 when a stop was asked, or outside a run: nothing after now can
 * then be entered).  The model calls sim_enter() and goes on as the event
 * would have: the order of events is the kernel's, only the queue is left
 * out.  The lead holds until something is queued, so a model that enters
 * several events in a row and runs no callback of anyone else's in between
 * may keep it; after a callback it asks again.  (A queued event at the
 * very time is not passed even where its phase is later: entering is an
 * optimisation, never needed.)
 */
static inline uint64_t sim_lead(const struct sim *sim)
{
	uint64_t t = sim->until;

	if (sim->stopping)
		return 0;
#ifdef DMASIM_MUTATE_ENTER_OUT_OF_ORDER
	return t;	/* ahead of whatever is queued */
#endif
	if (sim->q.len && sim->q.heap[0]->time <= t)
		t = sim->q.heap[0]->time ? sim->q.heap[0]->time - 1 : 0;
	return t;
}

/* Enter an event at time t <= sim_lead(): time moves to it.  The
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
