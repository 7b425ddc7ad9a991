/* synth: the synthetic bus master.  See synth.h for the model. */
#include "synth.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "kernel/base.h"
#include "kernel/trace.h"

/* ---- trace points (the mechanism: kernel/trace.h) ---- */

static const struct trace_point tp_synth_active = {
	"active", TRACE_SPAN, 0,
	"the synthetic master runs (start to completion or stop)"
};
static const struct trace_point tp_synth_gap = {
	"gap", TRACE_SPAN, 0,
	"the synthetic master is between accesses, off the bus"
};
static const struct trace_point tp_synth_state = {
	"state", TRACE_SIGNAL, 2,
	"0 idle, 1 in a gap, 2 waiting for or holding the bus"
};
static const struct trace_point tp_synth_done = {
	"done", TRACE_INSTANT, 0,
	"the synthetic master completed its accesses or stopped"
};

/* The state wire's level: 0 idle, 1 in a gap, 2 on the bus. */
static uint64_t synth_level(enum synth_state st)
{
	return st == SYNTH_GAP ? 1 : st == SYNTH_BUS ? 2 : 0;
}

TRACE_COLD static void synth_trace_state(struct synth *s,
					 enum synth_state st)
{
	if (s->state == SYNTH_GAP && st != SYNTH_GAP)
		trace_span_end(s->sim, s->track, &tp_synth_gap);
	else if (s->state != SYNTH_GAP && st == SYNTH_GAP)
		trace_span_begin(s->sim, s->track, &tp_synth_gap, NULL);
	trace_signal(s->sim, s->track, &tp_synth_state, synth_level(st));
}

static inline void synth_set_state(struct synth *s, enum synth_state st)
{
	if (SIM_UNLIKELY(s->track) && trace_on(s->sim))
		synth_trace_state(s, st);
	s->state = st;
}

/* ---- the loop ---- */

/* The run ends (DONE or STOPPED) at this instant. */
static SIM_NOINLINE void synth_finish(struct synth *s, enum synth_state st)
{
	synth_set_state(s, st);
	if (st == SYNTH_DONE)
		s->done_at = s->sim->now;
	else
		s->stopped_at = s->sim->now;
	trace_span_end(s->sim, s->track, &tp_synth_active);
	trace_instant(s->sim, s->track, &tp_synth_done,
		      st == SYNTH_STOPPED ? "stopped" : NULL);
	signal_notify(s->sim, &s->done);
}

/* A new request for the bus, unless a stop was asked for. */
static void synth_ask(struct synth *s)
{
	if (s->stop) {
		synth_finish(s, SYNTH_STOPPED);
		return;
	}
	synth_set_state(s, SYNTH_BUS);
	bus_request(&s->port, s->left, s->cfg.hold);
}

static void synth_gap_done(struct sim *sim, struct event *ev)
{
	struct synth *s = ev->obj;

	(void)sim;
	assert(s->state == SYNTH_GAP);
	synth_ask(s);
	assert(synth_check(s));
}

static void synth_gap(struct synth *s)
{
	struct sim *sim = s->sim;
	bool queued;

	synth_set_state(s, SYNTH_GAP);
	s->gap_cycles += s->cfg.gap;
	queued = sim_at_embedded(sim, &s->gap_end,
				 sim->now + s->cfg.gap * s->cfg.period,
				 PHASE_REQUEST);
	/* Out of event memory the run cannot go on meaningfully. */
	assert(queued);
	(void)queued;
}

/* ---- the bus port ---- */

static void synth_released(struct bus_master *m, uint64_t cycles)
{
	struct synth *s = (struct synth *)m;
	uint64_t hold = s->cfg.hold;
	uint64_t pos;

	/* This tenure's cycles, and those of the units the bus kept quiet
	 * about before it (bus_set_quiet()). */
	assert(m->busy_cycles - s->seen >= cycles);
	cycles = m->busy_cycles - s->seen;
	s->seen = m->busy_cycles;
	pos = s->pos + cycles;
	/* Count the accesses whose last cycle has now been held: one per
	 * grant of a request of one access, so no division then. */
	if (pos == hold) {
		s->accesses++;
		pos = 0;
	} else if (pos > hold) {
		s->accesses += pos / hold;
		pos %= hold;
	}
	s->pos = pos;
	s->left -= cycles;
	if (s->left) {
		/* The request is not over: several accesses (gap 0 and a
		 * count), or a tenure cut short (transparent mode).  In
		 * cycle-stealing mode the bus keeps the rest queued
		 * (m->waiting), whole accesses. */
		if (s->stop) {
			if (!pos) {
				bus_drop_rest(m);
				synth_finish(s, SYNTH_STOPPED);
				return;
			}
			s->left = hold - pos;	/* finish this access */
		}
		if (!m->waiting)
			bus_request(m, s->left, hold);
	} else if (s->accesses == s->target) {
		synth_finish(s, SYNTH_DONE);
	} else if (s->stop) {
		synth_finish(s, SYNTH_STOPPED);
	} else {
		s->left = hold;
		if (s->cfg.gap)
			synth_gap(s);
		else
			bus_request(m, hold, hold);
	}
	assert(synth_check(s));
}

static const struct bus_master_ops synth_port_ops = {
	.released = synth_released,
};

/* ---- the interface ---- */

int synth_start(struct synth *s)
{
	const struct synth_config *c = &s->cfg;

	if (synth_running(s))
		return DMASIM_EINVAL;
	s->stop = false;
	s->pos = 0;
	s->started_at = s->sim->now;
	s->target = c->count ? s->accesses + c->count : UINT64_MAX;
	s->seen = s->port.busy_cycles;
	bus_set_quiet(&s->port, true);
	/* Gap 0 and a count: every access in one request. */
	s->left = c->count && !c->gap ? c->count * c->hold : c->hold;
	trace_span_begin(s->sim, s->track, &tp_synth_active, NULL);
	if (c->gap)
		synth_gap(s);
	else
		synth_ask(s);
	assert(synth_check(s));
	return 0;
}

void synth_stop(struct synth *s)
{
	if (synth_running(s)) {
		s->stop = true;
		/* to drop the rest of a request at the next release */
		bus_set_quiet(&s->port, false);
	}
}

uint64_t synth_accesses(const struct synth *s)
{
	return s->accesses +
	       (s->pos + s->port.busy_cycles - s->seen) / s->cfg.hold;
}

static uint64_t synth_accesses_fn(const void *s)
{
	return synth_accesses(s);
}

int synth_init(struct synth *s, struct sim *sim, struct bus *bus,
	       const char *name, const struct synth_config *cfg,
	       enum bus_mode mode, int priority)
{
	int err;

	if (!cfg->period || !cfg->hold)
		return DMASIM_EINVAL;
	if (cfg->count > UINT64_MAX / cfg->hold)
		return DMASIM_ERANGE;
	memset(s, 0, sizeof(*s));
	err = bus_attach(bus, &s->port, name, &synth_port_ops, mode, priority);
	if (err)
		return err;
	s->cfg = *cfg;
	s->sim = sim;
	snprintf(s->name, sizeof(s->name), "%s", name);
	signal_init(&s->done);
	evq_embed(&s->gap_end, synth_gap_done, s, NULL, 0);
	s->track = trace_track(sim, NULL, s->name);
	trace_signal(sim, s->track, &tp_synth_state, 0);
	if (stats_add_count(&sim->stats, s->name, "accesses", "",
			    synth_accesses_fn, s) ||
	    stats_add(&sim->stats, s->name, "gap_cycles", STAT_COUNTER,
		      "cycles", &s->gap_cycles) ||
	    stats_add(&sim->stats, s->name, "started_at", STAT_COUNTER, "ps",
		      &s->started_at) ||
	    stats_add(&sim->stats, s->name, "done_at", STAT_COUNTER, "ps",
		      &s->done_at) ||
	    stats_add(&sim->stats, s->name, "stopped_at", STAT_COUNTER, "ps",
		      &s->stopped_at))
		return DMASIM_ENOMEM;
	return 0;
}

bool synth_check(const struct synth *s)
{
	const struct bus_master *m = &s->port;
	bool owns = m->bus->owner == m;
	uint64_t hold = s->cfg.hold;

	if (s->pos >= hold || s->accesses > s->target)
		return false;
	switch (s->state) {
	case SYNTH_BUS:
		/* waiting or owning (or both: owning one access, queued
		 * for the rest), for what is left of whole accesses */
		return (m->waiting || owns) && s->left &&
		       (s->pos + s->left) % hold == 0;
	case SYNTH_GAP:
	case SYNTH_IDLE:
	case SYNTH_DONE:
	case SYNTH_STOPPED:
		return !m->waiting && !owns && !s->pos &&
		       (s->state != SYNTH_DONE || s->accesses == s->target);
	}
	return false;
}

void synth_dump(const struct synth *s)
{
	static const char *const names[] = { "idle", "gap", "bus", "done",
					     "stopped" };

	fprintf(stderr, "synth %s (bus master %u): %s%s, gap %llu x %llu ps, "
		"hold %llu, count %llu\n", s->name, s->port.id,
		names[s->state], s->stop ? " (stop asked)" : "",
		(unsigned long long)s->cfg.gap,
		(unsigned long long)s->cfg.period,
		(unsigned long long)s->cfg.hold,
		(unsigned long long)s->cfg.count);
	fprintf(stderr, "  request: %llu cycles left, %llu into the access; "
		"%s\n", (unsigned long long)s->left,
		(unsigned long long)s->pos,
		s->port.waiting ? "waiting" :
		s->port.bus->owner == &s->port ? "owns the bus" : "off the bus");
	fprintf(stderr, "  accesses %llu (done at %llu), started at %llu ps, "
		"done at %llu ps, stopped at %llu ps\n",
		(unsigned long long)synth_accesses(s),
		(unsigned long long)s->target,
		(unsigned long long)s->started_at,
		(unsigned long long)s->done_at,
		(unsigned long long)s->stopped_at);
}
